"""Login throttling over HTTP: guesses slow down, the owner is never locked out, counts are shared.

Every test runs on SQLite and, when ``SOURCETRACE_TEST_PG_URL`` names a server, on PostgreSQL
(the ``db_url`` fixture). Client addresses are set on Starlette's test client, as a server sees
them; the cross-process test starts a real ``sourcetrace serve`` on the same store.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from sourcetrace.settings import load_settings
from sourcetrace.store.workspace import login_throttle
from sourcetrace.web.app import create_app
from sourcetrace.web.config import load_web_config
from sourcetrace.workspace.accounts import add_user

ATTACKER = "203.0.113.7"  # documentation addresses (RFC 5737, RFC 3849)
OWNER = "198.51.100.23"
ATTACKER_V6 = "2001:db8:4:2::17"


def make_app(stack: ExitStack, db_url: str, secret: str | None = None, **settings: Any) -> FastAPI:
    """The workspace with small throttle figures: two free failures, then 1 s, 2 s, 4 s ...

    Its store connections are closed when ``stack`` ends (a PostgreSQL test database is dropped).
    """
    values: dict[str, Any] = {"login_free_failures": 2, "login_delay": 1.0, **settings}
    app = create_app(
        db_url, settings=load_settings(**values), config=load_web_config(secret_key=secret)
    )
    stack.callback(app.state.sourcetrace.engine.dispose)
    return app


@pytest.fixture()
def apps() -> Iterator[ExitStack]:
    with ExitStack() as stack:
        yield stack


def client_at(stack: ExitStack, app: FastAPI, address: str) -> TestClient:
    """A test client whose requests come from ``address``."""
    return stack.enter_context(TestClient(app, follow_redirects=False, client=(address, 50000)))


def attempt(client: TestClient | httpx.Client, tools: Any, username: str, password: str) -> Any:
    client.cookies.clear()
    token = tools.csrf_of(client.get("/login").text)
    return client.post(
        "/login", data={"username": username, "password": password, "csrf_token": token}
    )


def wait_out(response: Any) -> None:
    time.sleep(int(response.headers["retry-after"]) + 0.1)


def test_guessing_one_account_gets_growing_delays_but_the_owner_logs_in_from_elsewhere(
    db_url: str, apps: ExitStack, tools: Any
) -> None:
    app = make_app(apps, db_url)
    add_user(app.state.sourcetrace.engine, "viewer", "viewer", tools.password)
    attacker = client_at(apps, app, ATTACKER)
    assert [attempt(attacker, tools, "viewer", "guess").status_code for _ in range(3)] == [401] * 3
    waits = []
    for _ in range(2):
        slowed = attempt(attacker, tools, "viewer", "guess")
        assert slowed.status_code == 429
        assert "Too many failed logins: wait" in slowed.text
        waits.append(int(slowed.headers["retry-after"]))
        wait_out(slowed)
        assert attempt(attacker, tools, "viewer", "guess").status_code == 401
    # Even the right password is not checked while the address waits (no argon2, no count).
    blocked = attempt(attacker, tools, "viewer", tools.password)
    assert blocked.status_code == 429
    assert [*waits, int(blocked.headers["retry-after"])] == [1, 2, 4]
    # The owner, from another address, is let in at once; the guesser still waits.
    owner = client_at(apps, app, OWNER)
    assert attempt(owner, tools, "viewer", tools.password).status_code == 303
    assert attempt(attacker, tools, "viewer", "guess").status_code == 429


def test_guesses_sent_at_once_pass_only_as_many_as_passwords_are_checked_together(
    db_url: str, apps: ExitStack, tools: Any
) -> None:
    app = make_app(apps, db_url, login_delay=30.0)
    add_user(app.state.sourcetrace.engine, "viewer", "viewer", tools.password)
    attacker = client_at(apps, app, ATTACKER)
    token = tools.csrf_of(attacker.get("/login").text)

    def guess(n: int) -> int:
        form = {"username": "viewer", "password": f"guess {n}", "csrf_token": token}
        return int(attacker.post("/login", data=form).status_code)

    with ThreadPoolExecutor(12) as pool:
        answers = list(pool.map(guess, range(12)))
    # Two free failures; a third starts the delay while at most one other check runs beside it.
    checks = app.state.sourcetrace.config.password_checks
    assert answers.count(401) <= 2 + checks and answers.count(429) >= 12 - 2 - checks, answers
    assert set(answers) == {401, 429}


def test_one_password_across_many_accounts_slows_the_address(
    db_url: str, apps: ExitStack, tools: Any
) -> None:
    app = make_app(apps, db_url, login_address_free_failures=4, login_delay=30.0)
    names = [f"buyer{i}" for i in range(6)]
    for name in names:
        add_user(app.state.sourcetrace.engine, name, "viewer", tools.password)
    sprayer = client_at(apps, app, ATTACKER)
    answers = [attempt(sprayer, tools, name, "Summer2026!").status_code for name in names]
    # One guess per account: no account is throttled, the address is after its fifth failure.
    assert answers == [401, 401, 401, 401, 401, 429]
    slowed = attempt(sprayer, tools, "buyer0", tools.password)
    assert slowed.status_code == 429 and slowed.headers["retry-after"] == "30"
    owner = client_at(apps, app, OWNER)
    assert attempt(owner, tools, "buyer5", tools.password).status_code == 303
    # The owner's success from elsewhere does not clear the address's count.
    assert attempt(sprayer, tools, "buyer1", "Summer2026!").status_code == 429


def test_an_ipv6_guesser_counts_by_its_64_network(db_url: str, apps: ExitStack, tools: Any) -> None:
    app = make_app(apps, db_url, login_delay=30.0)
    add_user(app.state.sourcetrace.engine, "viewer", "viewer", tools.password)
    for host in range(3):  # three addresses of one /64: one guesser
        guesser = client_at(apps, app, f"2001:db8:4:2::{host + 1:x}")
        assert attempt(guesser, tools, "viewer", "guess").status_code == 401
    assert attempt(client_at(apps, app, ATTACKER_V6), tools, "viewer", "g").status_code == 429
    assert attempt(client_at(apps, app, "2001:db8:4:3::1"), tools, "viewer", "g").status_code == 401


def test_guesses_from_many_addresses_share_a_delay_the_owner_does_not_wait_for(
    db_url: str, apps: ExitStack, tools: Any
) -> None:
    app = make_app(
        apps, db_url, login_free_failures=5, login_account_free_failures=3, login_delay=30.0
    )
    add_user(app.state.sourcetrace.engine, "viewer", "viewer", tools.password)
    bots = [client_at(apps, app, f"192.0.2.{i}") for i in range(1, 5)]
    assert [attempt(bot, tools, "viewer", "guess").status_code for bot in bots] == [401] * 4
    # The account's fourth failure started its delay: every address that failed on it waits.
    assert {attempt(bot, tools, "viewer", "guess").status_code for bot in bots} == {429}
    owner = client_at(apps, app, OWNER)
    assert attempt(owner, tools, "viewer", tools.password).status_code == 303
    # The owner's success reset the account's count: the bots' next guesses are checked again.
    assert attempt(bots[0], tools, "viewer", "guess").status_code == 401


def test_the_count_is_shared_by_two_app_instances_on_one_store(
    db_url: str, apps: ExitStack, tools: Any
) -> None:
    first, second = make_app(apps, db_url, login_delay=2.0), make_app(apps, db_url, login_delay=2.0)
    add_user(first.state.sourcetrace.engine, "viewer", "viewer", tools.password)
    one, two = client_at(apps, first, ATTACKER), client_at(apps, second, ATTACKER)
    assert [attempt(c, tools, "viewer", "guess").status_code for c in (one, two, one)] == [401] * 3
    slowed = attempt(two, tools, "viewer", "guess")
    assert slowed.status_code == 429 and slowed.headers["retry-after"] == "2"
    wait_out(slowed)
    assert attempt(two, tools, "viewer", "guess").status_code == 401
    assert attempt(one, tools, "viewer", "guess").headers["retry-after"] == "4"


def test_the_count_is_shared_with_a_server_process(
    db_url: str, apps: ExitStack, tools: Any
) -> None:
    app = make_app(apps, db_url, login_delay=2.0)
    add_user(app.state.sourcetrace.engine, "viewer", "viewer", tools.password)
    here = client_at(apps, app, "127.0.0.1")  # the server sees its clients on loopback
    env = {"SOURCETRACE_LOGIN_FREE_FAILURES": "2", "SOURCETRACE_LOGIN_DELAY": "2"}
    with (
        tools.running_server(db_url, env) as (base, _process),
        httpx.Client(base_url=base, follow_redirects=False, timeout=30) as there,
    ):
        assert [attempt(here, tools, "viewer", "guess").status_code for _ in range(3)] == [401] * 3
        slowed = attempt(there, tools, "viewer", "guess")
        assert slowed.status_code == 429 and slowed.headers["retry-after"] == "2"
        wait_out(slowed)
        assert attempt(there, tools, "viewer", "guess").status_code == 401
        assert attempt(here, tools, "viewer", "guess").headers["retry-after"] == "4"


def test_counts_expire_and_are_deleted(db_url: str, apps: ExitStack, tools: Any) -> None:
    app = make_app(apps, db_url, login_delay=0.5, login_max_delay=0.5, login_window=1.0)
    engine = app.state.sourcetrace.engine
    add_user(engine, "viewer", "viewer", tools.password)
    attacker = client_at(apps, app, ATTACKER)
    assert attempt(attacker, tools, "viewer", "guess").status_code == 401
    with engine.connect() as conn:
        assert len(conn.execute(select(login_throttle)).all()) == 3  # account, address, both
    time.sleep(1.2)
    # Any later login deletes what has expired, and a success keeps nothing of its own.
    assert attempt(client_at(apps, app, OWNER), tools, "viewer", tools.password).status_code == 303
    with engine.connect() as conn:
        assert conn.execute(select(login_throttle)).all() == []


def test_no_address_or_account_is_stored_in_clear(db_url: str, apps: ExitStack, tools: Any) -> None:
    app = make_app(apps, db_url, secret="k" * 48)
    engine = app.state.sourcetrace.engine
    add_user(engine, "viewer", "viewer", tools.password)
    for address in (ATTACKER, ATTACKER_V6):
        attempt(client_at(apps, app, address), tools, "viewer", "guess")
    with engine.connect() as conn:
        rows = [dict(row._mapping) for row in conn.execute(select(login_throttle))]
    assert len(rows) == 5 and {tuple(row) for row in rows} == {
        ("key", "failures", "blocked_until", "expires_at")
    }
    stored = " ".join(str(value) for row in rows for value in row.values())
    for clear in ("203.0.113", "2001:db8", "2001:0db8", "viewer", "guess"):
        assert clear not in stored
    assert all(len(row["key"]) == 64 and int(row["key"], 16) >= 0 for row in rows)
    # Keyed: the same account and addresses under another server secret give other keys, so a
    # table copied elsewhere cannot be matched to an address by hashing every IPv4 address.
    other = make_app(apps, db_url, secret="o" * 48)
    attempt(client_at(apps, other, ATTACKER), tools, "viewer", "guess")
    with engine.connect() as conn:
        keys = [row.key for row in conn.execute(select(login_throttle.c.key))]
    assert len(keys) == 8 and len(set(keys)) == 8


@pytest.mark.parametrize(
    ("variable", "value", "says"),
    [
        ("SOURCETRACE_LOGIN_WINDOW", "600", "< window (600.0)"),
        ("SOURCETRACE_LOGIN_DELAY", "0", "0 < first delay (0.0)"),
        ("SOURCETRACE_LOGIN_DELAY", "soon", "SOURCETRACE_LOGIN_DELAY='soon' is not a valid float"),
    ],
)
def test_serve_refuses_throttle_settings_that_cannot_work(
    tmp_path: Path, variable: str, value: str, says: str
) -> None:
    """A window shorter than the longest delay would forget a guesser's count before it ends."""
    script = Path(sys.executable).parent / "sourcetrace"
    command = str(script) if script.exists() else shutil.which("sourcetrace")
    if command is None:
        pytest.skip("the sourcetrace console script is not installed")
    store = tmp_path / "store.db"
    ended = subprocess.run(
        [command, "serve", "--port", "9", "--db", f"sqlite:///{store}"],
        env={**os.environ, variable: value},
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )
    lines = ended.stderr.strip().splitlines()
    assert ended.returncode == 2 and len(lines) == 1, ended.stderr
    assert lines[0].startswith("error: ") and says in lines[0]
    assert not store.exists()  # refused before the store was made
