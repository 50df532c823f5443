"""The real web app on a temporary SQLite store, an analyst account and an API key; real servers.

``serve`` starts ``sourcetrace serve`` as a subprocess on 127.0.0.1 (the only address these tests
contact) and stops or kills it; every server a test started is gone when the test ends.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient

from sourcetrace.web.app import create_app
from sourcetrace.web.config import load_web_config
from sourcetrace.workspace.accounts import add_user, create_api_key

PASSWORD = "correct horse battery"
MAX_UPLOAD = 200_000
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


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


@pytest.fixture()
def app(tmp_path: Path) -> FastAPI:
    app = create_app(
        f"sqlite:///{tmp_path / 'web.db'}", config=load_web_config(max_upload_bytes=MAX_UPLOAD)
    )
    add_user(app.state.sourcetrace.engine, "analyst", "analyst", PASSWORD)
    return app  # type: ignore[no-any-return]


@pytest.fixture()
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, follow_redirects=False) as c:
        yield c


@pytest.fixture()
def api_key(app: FastAPI) -> str:
    key: str = create_api_key(app.state.sourcetrace.engine, "analyst", "reliability", actor="test")
    return key


def csrf_of(html: str) -> str:
    found = _CSRF.search(html)
    assert found, "no CSRF token on the page"
    return found.group(1)


@pytest.fixture()
def analyst(client: TestClient) -> str:
    """Log the client in as the analyst; returns the session's CSRF token."""
    token = csrf_of(client.get("/login").text)
    response = client.post(
        "/login", data={"username": "analyst", "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 303, response.text
    return csrf_of(client.get("/jobs").text)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """``sourcetrace serve`` in a subprocess of its own session, logging to a file."""

    def __init__(self, db_url: str, log: Path, *args: str, port: int | None = None) -> None:
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log
        command = [sys.executable, "-m", "sourcetrace", "serve", "--host", "127.0.0.1"]
        with log.open("ab") as out:
            self.process = subprocess.Popen(
                [*command, "--port", str(self.port), "--db", db_url, *args],
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # so that its worker processes can be signalled with it
            )

    def wait_ready(self, timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"the server ended ({self.process.returncode}):\n{self.output()}")
            try:
                if httpx.get(f"{self.base}/login", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        pytest.fail(f"the server did not answer within {timeout:.0f} s:\n{self.output()}")

    def output(self) -> str:
        return self.log.read_text("utf-8", "replace")[-3000:]

    def kill(self) -> None:
        """SIGKILL, to the server and every process of its session: no chance to clean up."""
        self._signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self, timeout: float = 30.0) -> int:
        """SIGTERM, then SIGKILL if it has not ended in time; returns the exit code."""
        if self.process.poll() is None:
            self._signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        return self.process.returncode

    def _signal(self, sig: int) -> None:
        try:
            os.killpg(self.process.pid, sig)
        except ProcessLookupError:
            pass


def _lost_port_race(server: Server, timeout: float = 120.0) -> bool:
    """Whether the server ended because its port was taken; waits until it answers or ends."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            return "address already in use" in server.output().lower()
        try:
            if httpx.get(f"{server.base}/login", timeout=2).status_code == 200:
                return False
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    return False


@pytest.fixture()
def serve(tmp_path: Path) -> Iterator[Callable[..., Server]]:
    """Start servers on a store (``serve(db_url, *args)``); all are stopped after the test."""
    started: list[Server] = []

    def start(db_url: str, *args: str, port: int | None = None, ready: bool = True) -> Server:
        # A free port is only free when it is asked for: another process may take it before the
        # server binds it. A server given no port that ends with "Address already in use" is
        # started again on another one (a given port is the test's to check, and is not retried).
        for _attempt in range(3):
            server = Server(db_url, tmp_path / f"server-{len(started)}.log", *args, port=port)
            started.append(server)
            if not ready:
                return server
            if port is None and _lost_port_race(server):
                continue
            server.wait_ready()
            return server
        pytest.fail("three free ports were taken before the server could bind one")

    yield start
    for server in started:
        server.stop()
