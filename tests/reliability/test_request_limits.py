"""Bounded work per request (issue 21, items 3 and 4): bodies, CSRF before parsing, argon2.

The attacks are replayed against a real ``sourcetrace serve`` on 127.0.0.1 with raw sockets, so
that a body can be sent chunked (no Content-Length) and we can count how much of it the server
took before it answered.
"""

from __future__ import annotations

import concurrent.futures
import re
import socket
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from sourcetrace.store.engine import make_engine
from sourcetrace.workspace.accounts import add_user

PASSWORD = "correct horse battery"
BOUNDARY = "sourcetrace-test-boundary"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _csrf(html: str) -> str:
    found = _CSRF.search(html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def _part(name: str, value: bytes, filename: str | None = None) -> bytes:
    disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
    return f"--{BOUNDARY}\r\nContent-Disposition: {disposition}\r\n\r\n".encode() + value + b"\r\n"


def stream_chunked(
    base: str, path: str, head: bytes, filler: bytes, total: int, cookie: str = ""
) -> tuple[int, int]:
    """POST ``head`` then ``filler`` repeated up to ``total`` bytes, chunked, on a raw socket.

    Stops sending as soon as the server answers; returns (HTTP status, bytes sent by then).
    """
    host, port = base.removeprefix("http://").split(":")
    lines = [
        f"POST {path} HTTP/1.1",
        f"Host: {host}:{port}",
        f"Content-Type: multipart/form-data; boundary={BOUNDARY}",
        "Transfer-Encoding: chunked",
    ]
    if cookie:
        lines.append(f"Cookie: {cookie}")
    sent = 0
    answer = b""
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        pieces: Iterator[bytes] = iter([head, *([filler] * ((total - len(head)) // len(filler)))])
        for piece in pieces:
            try:
                sock.sendall(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
            except (TimeoutError, OSError):  # the server stopped reading: it has answered
                break
            sent += len(piece)
            sock.setblocking(False)
            try:
                answer = sock.recv(65536)
            except BlockingIOError:
                answer = b""
            finally:
                sock.setblocking(True)
                sock.settimeout(10)
            if answer:
                break
        if not answer:
            try:
                sock.sendall(b"0\r\n\r\n")
            except OSError:
                pass
            answer = sock.recv(65536)
    status = re.match(rb"HTTP/1\.1 (\d{3})", answer)
    assert status, f"no HTTP answer: {answer[:200]!r}"
    return int(status.group(1)), sent


@pytest.fixture()
def server(tmp_path: Path, serve: Callable[..., Any], monkeypatch: pytest.MonkeyPatch) -> Any:
    """A real server with a 0.2 MB upload limit, an analyst account and real argon2 hashing."""
    url = f"sqlite:///{tmp_path / 'web.db'}"
    engine = make_engine(url)
    add_user(engine, "analyst", "analyst", PASSWORD)
    engine.dispose()
    monkeypatch.setenv("SOURCETRACE_MAX_UPLOAD_MB", "0.2")
    return serve(url)


def _logged_in(base: str) -> tuple[str, str]:
    """Log in as the analyst over HTTP; returns the session's Cookie header and CSRF token."""
    with httpx.Client(base_url=base, timeout=60) as http:
        token = _csrf(http.get("/login").text)
        done = http.post(
            "/login", data={"username": "analyst", "password": PASSWORD, "csrf_token": token}
        )
        assert done.status_code == 303, done.text
        token = _csrf(http.get("/jobs").text)
        cookie = "; ".join(f"{k}={v}" for k, v in http.cookies.items())
    return cookie, token


def test_anonymous_login_bodies_are_refused_while_they_stream(server: Any) -> None:
    """150 fields of 1 MB to /login: refused having read kilobytes, not 150 MB."""
    field = _part("note", b"x" * (1024 * 1024 - 100))  # each under Starlette's 1 MB part limit
    # No session, so no token to compare: refused before the body is read.
    status, sent = stream_chunked(
        server.base, "/login", _part("username", b"a"), field, 150 * len(field)
    )
    assert sent < 20 * len(field), f"{sent} bytes sent before the refusal"
    assert status == 403
    # With a session and its token (as after GET /login): refused at the login limit (16 kB).
    with httpx.Client(base_url=server.base, timeout=30) as http:
        token = _csrf(http.get("/login").text)
        cookie = "; ".join(f"{k}={v}" for k, v in http.cookies.items())
    head = _part("csrf_token", token.encode()) + _part("password", b"")
    status, sent = stream_chunked(server.base, "/login", head, field, 150 * len(field), cookie)
    assert sent < 20 * len(field), f"{sent} bytes sent before the refusal"
    assert status == 413
    assert server.process.poll() is None


def test_a_chunked_upload_is_refused_past_the_limit(server: Any) -> None:
    """An upload without Content-Length is cut at the upload limit and stores nothing."""
    cookie, token = _logged_in(server.base)
    head = (
        _part("csrf_token", token.encode())
        + (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="s.csv"\r\n'
            "Content-Type: text/csv\r\n\r\nname,country\r\n"
        ).encode()
    )
    row = b"Hoshine Silicon Industry Co. Ltd,CN\r\n" * 2000  # 72 kB a piece
    status, sent = stream_chunked(server.base, "/jobs", head, row, 200 * 1024 * 1024, cookie)
    assert sent < 40 * 1024 * 1024, f"{sent} bytes sent before the refusal"
    assert status == 413
    # The supply-chain form takes three files: its limit is three uploads, enforced the same way.
    links = (
        _part("csrf_token", token.encode())
        + (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="links"; filename="links.csv"\r\n'
            "Content-Type: text/csv\r\n\r\nsupplier,buyer\r\n"
        ).encode()
    )
    pair = b"Hoshine Silicon Industry Co. Ltd,Harbour Garments Ltd\r\n" * 1500
    status, sent = stream_chunked(server.base, "/chains", links, pair, 200 * 1024 * 1024, cookie)
    assert sent < 40 * 1024 * 1024, f"{sent} bytes sent before the refusal"
    assert status == 413
    with httpx.Client(base_url=server.base, timeout=30, headers={"Cookie": cookie}) as http:
        assert http.get("/api/jobs/1").status_code == 404  # no job was made
        assert http.get("/api/chains/1/graph").status_code == 404  # nor a chain


def test_the_csrf_token_is_checked_before_the_files(client: TestClient, analyst: str) -> None:
    """A multipart form must open with its token: a file sent first is refused unread."""
    csv = b"name,country\nHoshine Silicon Industry Co. Ltd,CN\n"
    token_last = _part("file", csv, "s.csv") + _part("csrf_token", analyst.encode())
    wrong_first = _part("csrf_token", b"not-the-token") + _part("file", csv, "s.csv")
    right_first = _part("csrf_token", analyst.encode()) + _part("file", csv, "s.csv")
    headers = {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}
    end = f"--{BOUNDARY}--\r\n".encode()
    for body in (token_last, wrong_first):
        refused = client.post("/jobs", content=body + end, headers=headers)
        assert refused.status_code == 403, refused.text
        assert "did not come from this site" in refused.text
    accepted = client.post("/jobs", content=right_first + end, headers=headers)
    assert accepted.status_code == 303, accepted.text


def test_concurrent_failed_logins_take_bounded_memory(server: Any) -> None:
    """16 wrong passwords at once: at most two argon2 checks (64 MB each) run together."""
    psutil = pytest.importorskip("psutil")
    process = psutil.Process(server.process.pid)

    def attempt(n: int) -> int:
        with httpx.Client(base_url=server.base, timeout=120) as http:
            token = _csrf(http.get("/login").text)
            answer = http.post(
                "/login",
                data={"username": f"guess{n}", "password": "wrong guess", "csrf_token": token},
            )
            return answer.status_code

    baseline = process.memory_info().rss
    peak = baseline
    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        attempts = [pool.submit(attempt, n) for n in range(16)]
        while not all(a.done() for a in attempts):
            peak = max(peak, process.memory_info().rss)
            time.sleep(0.02)
        statuses = [a.result() for a in attempts]
    # 429: the address's failures past the throttle's free ones are refused before argon2.
    assert set(statuses) <= {401, 429, 503}, statuses
    assert statuses.count(401) >= 2
    grown = (peak - baseline) / 1024 / 1024
    # Unbounded, 16 checks at once grew the server by about 800 MB; bounded, by two checks.
    assert grown < 300, f"the server grew by {grown:.0f} MB"
