"""Sessions (issue 21, item 7): the signing key out of the store and owner-only, logout final.

Against a real ``sourcetrace serve`` on 127.0.0.1: the store was created world-readable and held
the session key (whoever read it could sign an admin's cookie), and a cookie saved before logout
still worked for 8 hours.
"""

from __future__ import annotations

import re
import sqlite3
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from sourcetrace.store.engine import make_engine
from sourcetrace.workspace.accounts import add_user

PASSWORD = "correct horse battery"


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def _login(base: str) -> httpx.Client:
    http = httpx.Client(base_url=base, timeout=60)
    token = _csrf(http.get("/login").text)
    done = http.post(
        "/login", data={"username": "analyst", "password": PASSWORD, "csrf_token": token}
    )
    assert done.status_code == 303, done.text
    return http


def test_the_store_and_session_key_are_owner_only(
    tmp_path: Path, serve: Callable[..., Any]
) -> None:
    folder = tmp_path / "store"  # made by the server
    store = folder / "web.db"
    server = serve(f"sqlite:///{store}")
    key = folder / "session-secret"
    assert _mode(folder) == 0o700
    assert _mode(store) == 0o600
    assert _mode(key) == 0o600
    secret = key.read_text("ascii").strip()
    assert len(secret) >= 32
    with sqlite3.connect(store) as conn:
        assert conn.execute(
            "SELECT count(*) FROM meta WHERE key = 'session_secret'"
        ).fetchone() == (0,)
    assert secret.encode() not in store.read_bytes()
    server.stop()
    # A key restored with looser rights is tightened, and kept: sessions survive restarts.
    key.chmod(0o644)
    serve(f"sqlite:///{store}")
    assert _mode(key) == 0o600 and key.read_text("ascii").strip() == secret


def test_logout_ends_the_session_and_saved_copies(
    tmp_path: Path, serve: Callable[..., Any]
) -> None:
    url = f"sqlite:///{tmp_path / 'web.db'}"
    engine = make_engine(url)
    add_user(engine, "analyst", "analyst", PASSWORD)
    engine.dispose()
    server = serve(url)
    browser = _login(server.base)
    laptop = _login(server.base)  # the same account logged in elsewhere
    saved = dict(browser.cookies)  # what an attacker copied from the browser
    assert browser.get("/jobs").status_code == 200
    token = _csrf(browser.get("/jobs").text)
    assert browser.post("/logout", data={"csrf_token": token}).status_code == 303
    with httpx.Client(base_url=server.base, timeout=30, cookies=saved) as replay:
        page = replay.get("/jobs")
        assert page.status_code == 303 and page.headers["location"].startswith("/login")
        assert replay.get("/api/jobs/1").status_code == 401
    assert laptop.get("/jobs").status_code == 303  # logout ends the account's every session
    again = _login(server.base)  # and a new login works
    assert again.get("/jobs").status_code == 200
    for client in (browser, laptop, again):
        client.close()
