"""API keys stay revocable at once although servers remember the keys they have verified.

``VerifiedKeys`` answers a known key without asking the store while the store is unchanged; these
tests revoke keys and switch accounts off from another connection (as ``sourcetrace users`` or
another server process would) and check the very next request is refused, in-process and across
the processes of ``sourcetrace serve --workers 2``.
"""

from __future__ import annotations

import os
import signal
import socket
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from sourcetrace.store.engine import make_engine
from sourcetrace.workspace.accounts import (
    add_user,
    create_api_key,
    list_api_keys,
    revoke_api_key,
    set_active,
)

QUERY = {
    "queries": {"q": {"schema": "Company", "properties": {"name": ["新疆中泰化学股份有限公司"]}}}
}


def _post(client: TestClient | httpx.Client, key: str) -> int:
    answer = client.post("/match/default", json=QUERY, headers={"Authorization": f"ApiKey {key}"})
    return answer.status_code


@pytest.mark.parametrize("change", ["revoke", "switch-off"])
def test_a_remembered_key_is_refused_after_a_change_from_elsewhere(
    app: FastAPI, client: TestClient, api_key: str, tmp_path: Path, change: str
) -> None:
    assert [_post(client, api_key) for _ in range(3)] == [200, 200, 200]
    # Another engine: another connection, as another process would have.
    other = make_engine(f"sqlite:///{tmp_path / 'web.db'}")
    try:
        if change == "revoke":
            revoke_api_key(other, list_api_keys(other)[-1].id, actor="admin")
        else:
            set_active(other, "analyst", False, actor="admin")
    finally:
        other.dispose()
    assert _post(client, api_key) == 401


def test_a_wrong_key_is_never_remembered(client: TestClient, api_key: str) -> None:
    assert _post(client, api_key) == 200
    assert _post(client, api_key + "x") == 401
    assert _post(client, api_key[:-1]) == 401


def _connections_by_process(server_pid: int, port: int) -> dict[int, int]:
    """Established connections to ``port`` held by each child process of the server."""
    inodes: dict[str, int] = {}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            local_port = int(fields[1].rsplit(":", 1)[1], 16)
            if local_port == port and fields[3] == "01":  # ESTABLISHED, server side
                inodes[fields[9]] = local_port
    children = Path(f"/proc/{server_pid}/task/{server_pid}/children").read_text().split()
    counts: dict[int, int] = {}
    for child in map(int, children):
        held = 0
        for fd in Path(f"/proc/{child}/fd").iterdir():
            try:
                target = fd.readlink().name
            except OSError:
                continue
            if target.startswith("socket:[") and target[8:-1] in inodes:
                held += 1
        counts[child] = held
    return counts


def _listening_processes(server_pid: int, port: int) -> set[int]:
    """The child processes of the server that hold a socket listening on ``port``."""
    inodes: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "0A":  # LISTEN
                inodes.add(fields[9])
    children = Path(f"/proc/{server_pid}/task/{server_pid}/children").read_text().split()
    listening: set[int] = set()
    for child in map(int, children):
        try:
            fds = list(Path(f"/proc/{child}/fd").iterdir())
        except OSError:
            continue
        for fd in fds:
            try:
                target = fd.readlink().name
            except OSError:
                continue
            if target.startswith("socket:[") and target[8:-1] in inodes:
                listening.add(child)
    return listening


def _running(pid: int) -> bool:
    """Whether the process exists and has not ended (a zombie waiting to be reaped has)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@pytest.mark.skipif(sys.platform != "linux", reason="SO_REUSEPORT spreads connections on Linux")
def test_workers_share_the_connections_and_see_revocations_at_once(
    tmp_path: Path, serve: Callable[..., Any]
) -> None:
    url = f"sqlite:///{tmp_path / 'served.db'}"
    engine = make_engine(url)
    add_user(engine, "machine", "viewer", "correct horse battery")
    key = create_api_key(engine, "machine", "test", actor="admin")
    server = serve(url, "--workers", "2")
    # The server answers once one process listens; the other may still be loading the app, and
    # until it listens the kernel gives every connection to the first.
    deadline = time.monotonic() + 120
    while len(_listening_processes(server.process.pid, server.port)) < 2:
        assert time.monotonic() < deadline, "the second server process never listened"
        time.sleep(0.1)
    clients = [httpx.Client(base_url=server.base, timeout=30) for _ in range(24)]
    try:
        # Every connection opened at once, as a client's pool does: both processes take some.
        with ThreadPoolExecutor(len(clients)) as pool:
            assert set(pool.map(lambda c: _post(c, key), clients)) == {200}
        counts = _connections_by_process(server.process.pid, server.port)
        held = [n for n in counts.values() if n]
        assert len(held) == 2 and sum(held) == len(clients), counts
        assert min(held) >= 4, f"connections not spread: {counts}"
        assert {_post(c, key) for c in clients} == {200}  # each process now remembers the key

        revoke_api_key(engine, list_api_keys(engine)[-1].id, actor="admin")
        assert [_post(c, key) for c in clients] == [401] * len(clients)

        # A second server on the same port is refused in one line, and does not share it.
        taken = serve(url, "--workers", "2", port=server.port, ready=False)
        assert taken.process.wait(timeout=120) == 2
        assert "cannot listen on 127.0.0.1" in taken.output()
    finally:
        for client in clients:
            client.close()
        engine.dispose()

    # Its processes end with it, even when it is killed and cannot tell them.
    workers = [pid for pid, n in counts.items() if n]
    os.kill(server.process.pid, signal.SIGKILL)
    server.process.wait(timeout=30)
    deadline = time.monotonic() + 60
    while any(_running(pid) for pid in workers):
        assert time.monotonic() < deadline, "a server process outlived the one that started it"
        time.sleep(0.1)
    with socket.socket() as sock:
        # As a server binds (uvicorn sets SO_REUSEADDR): without it, the connections of the test's
        # clients still in TIME_WAIT on that port refuse the bind now and then, a flaky failure.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", server.port))  # the port is free again: no process listens on it
