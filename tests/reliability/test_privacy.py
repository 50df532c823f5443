"""Nothing leaves the machine: screening, the CLI and the web app open no outbound connection.

A guard replaces the socket calls that reach another host (connect, sendto, create_connection and
name lookups) for the duration of each test: loopback and Unix sockets pass, anything else is
recorded and refused. Subprocesses (e.g. Chromium printing a PDF) are outside the guard.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

import sourcetrace
from sourcetrace.cli import app as cli_app

ROOT = Path(__file__).resolve().parents[2]
SUPPLIERS = ROOT / "examples" / "suppliers.csv"
_LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}


def _is_local(address: object) -> bool:
    if isinstance(address, (str, bytes)):  # AF_UNIX path or abstract name
        return True
    if not isinstance(address, tuple) or not address:
        return False
    host = address[0]
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    host = str(host).split("%", 1)[0]
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a host name other than localhost would need a lookup: outbound


class SocketGuard:
    """Records and refuses every attempt to reach a host other than this one."""

    def __init__(self) -> None:
        self.attempts: list[tuple[str, object]] = []

    def refuse(self, call: str, address: object) -> None:
        self.attempts.append((call, address))
        raise ConnectionRefusedError(f"test guard: outbound {call} to {address!r} refused")

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        real_connect = socket.socket.connect
        real_connect_ex = socket.socket.connect_ex
        real_sendto = socket.socket.sendto
        real_create = socket.create_connection
        real_getaddrinfo = socket.getaddrinfo
        guard = self

        def connect(sock: socket.socket, address: Any) -> None:
            if not _is_local(address):
                guard.refuse("connect", address)
            real_connect(sock, address)

        def connect_ex(sock: socket.socket, address: Any) -> int:
            if not _is_local(address):
                guard.refuse("connect_ex", address)
            return real_connect_ex(sock, address)

        def sendto(sock: socket.socket, data: bytes, *args: Any) -> int:
            address = args[-1]
            if not _is_local(address):
                guard.refuse("sendto", address)
            return real_sendto(sock, data, *args)

        def create_connection(address: Any, *args: Any, **kwargs: Any) -> socket.socket:
            if not _is_local(address):
                guard.refuse("create_connection", address)
            return real_create(address, *args, **kwargs)

        def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
            if host is not None and not _is_local((host,)):
                guard.refuse("getaddrinfo", host)
            return real_getaddrinfo(host, *args, **kwargs)

        monkeypatch.setattr(socket.socket, "connect", connect)
        monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
        monkeypatch.setattr(socket.socket, "sendto", sendto)
        monkeypatch.setattr(socket, "create_connection", create_connection)
        monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


@pytest.fixture()
def guard(monkeypatch: pytest.MonkeyPatch) -> SocketGuard:
    g = SocketGuard()
    g.install(monkeypatch)
    return g


def test_the_guard_refuses_and_records_outbound(guard: SocketGuard) -> None:
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("192.0.2.1", 443), timeout=0.1)
    with (
        socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock,
        pytest.raises(ConnectionRefusedError),
    ):
        sock.connect(("example.org", 80))
    with pytest.raises(ConnectionRefusedError):
        socket.getaddrinfo("example.org", 443)
    assert [call for call, _ in guard.attempts] == ["create_connection", "connect", "getaddrinfo"]
    # Loopback passes the guard (nothing listens there, so the connection itself is refused).
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        assert sock.connect_ex(("127.0.0.1", 9)) != 0
    assert len(guard.attempts) == 3


def test_python_screen_stays_local(guard: SocketGuard) -> None:
    run = sourcetrace.screen(SUPPLIERS)
    assert run.counts()["match"] > 0
    assert guard.attempts == []


@pytest.mark.parametrize("output", [None, "out.csv"])
def test_cli_screen_stays_local(guard: SocketGuard, tmp_path: Path, output: str | None) -> None:
    args = ["screen", str(SUPPLIERS)]
    if output:
        args += ["--output", str(tmp_path / output), "--workers", "1"]
    result = CliRunner().invoke(cli_app, args)
    assert result.exit_code == 0, result.output
    if output:
        assert (tmp_path / output).exists()
    assert guard.attempts == []


def test_web_app_stays_local(
    guard: SocketGuard, client: TestClient, api_key: str, analyst: str
) -> None:
    response = client.post(
        "/match/default",
        json={"queries": {"q": {"schema": "Company", "properties": {"name": ["新疆中泰化学"]}}}},
        headers={"Authorization": f"ApiKey {api_key}"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["responses"]["q"]["results"]
    upload = client.post(
        "/jobs",
        data={"csrf_token": analyst},
        files={"file": ("suppliers.csv", SUPPLIERS.read_bytes(), "text/csv")},
    )
    assert upload.status_code == 303, upload.text
    job = upload.headers["location"]
    deadline = time.monotonic() + 60  # screened in the background
    while client.get(f"/api{job}").json()["status"] != "done":
        assert time.monotonic() < deadline
        time.sleep(0.05)
    pages: list[Callable[[], Any]] = [
        lambda: client.get(job),
        lambda: client.get(f"{job}/review"),
        lambda: client.get(f"{job}/report"),
        lambda: client.get(f"{job}/results.csv"),
    ]
    for get in pages:
        assert get().status_code == 200
    assert guard.attempts == []
