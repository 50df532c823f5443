"""The real web app on a temporary SQLite store, with one account per role."""

from __future__ import annotations

import html
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient

from sourcetrace.web.app import create_app
from sourcetrace.web.config import load_web_config
from sourcetrace.web.state import AppState
from sourcetrace.workspace.accounts import add_user

PASSWORD = "correct horse battery"
CHROMIUM_ARGS: tuple[str, ...] = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    # No traffic of the browser's own (issue 21): no background fetches, component or policy
    # updates, sync, QUIC, DNS prefetch or pings; every name but the loopback address
    # resolves to nothing, and any proxied request goes to a port where nothing listens
    # (loopback itself bypasses proxies, so the test server is still reached).
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--disable-default-apps",
    "--disable-features=NetworkPrediction,OptimizationHints,MediaRouter,Translate",
    "--dns-prefetch-disable",
    "--no-pings",
    "--no-first-run",
    "--disable-quic",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
    "--proxy-server=http://127.0.0.1:9",
)
"""Chromium's flags in every browser test: the suite must not reach beyond loopback."""
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
# What only a program's internals look like, never a document's text: reprs, template syntax,
# a Python dict or list (``{'match': 2}``, ``[{'name': ...``), a timestamp to the microsecond.
LEAKS = re.compile(
    r"<built-in method|<bound method|<function |object at 0x|Undefined|\{\{|\}\}|\{%|"
    r"Traceback \(most recent call last\)|\{'|\['|\[\{|"
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}\.\d+"
)
# An empty value printed as Python's ``None`` in a table cell or a definition.
NONE_CELL = re.compile(r"<(td|th|dd)\b[^>]*>\s*None\s*</\1>")


def leaks(page: str) -> list[str]:
    """What in a rendered page (HTML, or text extracted from a PDF) reads as a program's
    internals rather than a document: Python reprs, template syntax, raw timestamps, ``None``."""
    text = html.unescape(page)
    return [m.group(0) for m in LEAKS.finditer(text)] + [
        m.group(0) for m in NONE_CELL.finditer(page)
    ]


@pytest.fixture()
def app(tmp_path: Path) -> FastAPI:
    app = create_app(
        f"sqlite:///{tmp_path / 'web.db'}", config=load_web_config(max_upload_bytes=200_000)
    )
    engine = app.state.sourcetrace.engine
    for name in ("admin", "analyst", "viewer"):
        add_user(engine, name, name, PASSWORD)
    return app


@pytest.fixture()
def st(app: FastAPI) -> AppState:
    state: AppState = app.state.sourcetrace
    return state


@pytest.fixture()
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, follow_redirects=False) as c:
        yield c


def csrf_of(html: str) -> str:
    found = _CSRF.search(html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def login(client: TestClient, username: str, password: str = PASSWORD) -> str:
    """Log in (as a fresh session); returns the session's CSRF token."""
    client.cookies.clear()
    token = csrf_of(client.get("/login").text)
    response = client.post(
        "/login", data={"username": username, "password": password, "csrf_token": token}
    )
    assert response.status_code == 303, response.text
    return csrf_of(client.get("/jobs").text)


@pytest.fixture()
def as_user(client: TestClient) -> Callable[[str], str]:
    def go(username: str) -> str:
        return login(client, username)

    return go


def wait_for_job(client: TestClient, job_url: str, timeout: float = 60.0) -> dict[str, Any]:
    """Poll the job's status in the JSON API until its screening ends; returns the status."""
    job_id = job_url.rstrip("/").rsplit("/", 1)[1]
    deadline = time.monotonic() + timeout
    while True:
        status: dict[str, Any] = client.get(f"/api/jobs/{job_id}").json()
        if status["status"] in ("done", "failed"):
            return status
        assert time.monotonic() < deadline, f"job {job_id} still {status['status']}"
        time.sleep(0.05)


def upload(client: TestClient, token: str, name: str, content: bytes) -> Any:
    """POST a file to the upload form (answers at once, before the screening ends)."""
    return client.post(
        "/jobs",
        data={"csrf_token": token},
        files={"file": (name, content, "application/octet-stream")},
    )


def screened(client: TestClient, token: str, name: str, content: bytes) -> str:
    """Upload a file and wait until it is screened; returns the job's page URL."""
    response = upload(client, token, name, content)
    assert response.status_code == 303, response.text
    job_url = str(response.headers["location"])
    status = wait_for_job(client, job_url)
    assert status["status"] == "done", status
    return job_url


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running_server(
    db_url: str, env: dict[str, str] | None = None
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """``sourcetrace serve``'s function under uvicorn in a subprocess; yields its URL and process."""
    port = free_port()
    code = f"from sourcetrace.cli.serve import serve; serve(host='127.0.0.1', port={port}, db={db_url!r})"
    # Output to a file, not a pipe nobody reads: a full pipe would block the server.
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(
            [sys.executable, "-c", code],
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(300):
                if proc.poll() is not None:
                    break
                try:
                    if httpx.get(f"{base}/login", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            else:
                proc.kill()
            if proc.poll() is not None:
                proc.wait()
                log.seek(0)
                pytest.fail(f"server did not start:\n{log.read().decode(errors='replace')}")
            yield base, proc
        finally:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()


class Tools:
    """Helpers the tests reach through the ``tools`` fixture (test modules cannot import each other)."""

    password = PASSWORD
    csrf_of = staticmethod(csrf_of)
    login = staticmethod(login)
    upload = staticmethod(upload)
    wait_for_job = staticmethod(wait_for_job)
    screened = staticmethod(screened)
    running_server = staticmethod(running_server)
    leaks = staticmethod(leaks)
    chromium_args = CHROMIUM_ARGS


@pytest.fixture(scope="session")
def tools() -> type[Tools]:
    return Tools


@pytest.fixture()
def suppliers() -> bytes:
    return SUPPLIERS


SUPPLIERS = (
    "name,address,country\n"
    "新疆中泰化学股份有限公司,乌鲁木齐市经济技术开发区,CN\n"
    "Hoshine Silicon Industry Co. Ltd,Zhejiang,CN\n"
    "Acme Buttons GmbH,Berlin,DE\n"
    "<script>alert(1)</script> Trading Ltd,Nowhere,GB\n"
).encode()


@pytest.fixture(autouse=True)
def test_client_host(monkeypatch: pytest.MonkeyPatch) -> None:
    """Starlette's test client sends ``Host: testserver``: allowed besides the loopback names."""
    monkeypatch.setenv("SOURCETRACE_ALLOWED_HOSTS", "localhost,127.0.0.1,::1,testserver")


@pytest.fixture(autouse=True)
def quick_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cheap argon2 parameters for tests; the real ones cost about a second per login here."""
    from sourcetrace.workspace import accounts

    monkeypatch.setattr(
        accounts, "_HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )
