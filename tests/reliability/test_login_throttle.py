"""Login throttling in a real ``sourcetrace serve --workers 2`` behind a proxy on this machine.

The proxy is played by the test: uvicorn takes the client's address from ``X-Forwarded-For``
when the connection comes from 127.0.0.1 (its ``FORWARDED_ALLOW_IPS`` default), as it would from
nginx on the same host. Each attempt opens a new connection, so either server process may answer.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from sourcetrace.store.engine import make_engine
from sourcetrace.store.workspace import login_throttle
from sourcetrace.workspace.accounts import add_user

PASSWORD = "correct horse battery"
GUESSER = "203.0.113.9"  # documentation addresses (RFC 5737)
OWNER = "198.51.100.23"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def test_server_processes_slow_a_guesser_let_the_owner_in_and_log_neither(
    tmp_path: Path, serve: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCETRACE_LOGIN_FREE_FAILURES", "2")
    monkeypatch.setenv("SOURCETRACE_LOGIN_DELAY", "60")
    url = f"sqlite:///{tmp_path / 'served.db'}"
    engine = make_engine(url)
    add_user(engine, "viewer", "viewer", PASSWORD)
    server = serve(url, "--workers", "2")

    def attempt(address: str, password: str) -> httpx.Response:
        headers = {"X-Forwarded-For": address}
        with httpx.Client(base_url=server.base, headers=headers, timeout=60) as http:
            found = _CSRF.search(http.get("/login").text)
            assert found, "no CSRF token on the login page"
            token = found.group(1)
            form = {"username": "viewer", "password": password, "csrf_token": token}
            return http.post("/login", data=form)

    assert [attempt(GUESSER, "guess").status_code for _ in range(3)] == [401, 401, 401]
    # The right password, from the guesser's address, on eight connections at once: refused
    # unchecked by whichever process answers, since the count is in the store.
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: attempt(GUESSER, PASSWORD), range(8)))
    assert {a.status_code for a in answers} == {429}
    assert all(50 <= int(a.headers["retry-after"]) <= 60 for a in answers)
    assert attempt(OWNER, PASSWORD).status_code == 303
    assert server.stop() == 0
    with engine.connect() as conn:
        stored = " ".join(str(v) for row in conn.execute(select(login_throttle)) for v in row)
    engine.dispose()
    for clear in (GUESSER, OWNER, "viewer"):
        assert clear not in server.log.read_text("utf-8") and clear not in stored
