"""The real web app on a temporary SQLite store, with one account per role."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient

from sourcetrace.review.accounts import add_user
from sourcetrace.web.app import create_app
from sourcetrace.web.config import WebConfig
from sourcetrace.web.state import AppState

PASSWORD = "correct horse battery"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture()
def app(tmp_path: Path) -> FastAPI:
    app = create_app(f"sqlite:///{tmp_path / 'web.db'}", config=WebConfig(max_upload_bytes=200_000))
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


class Tools:
    """Helpers the tests reach through the ``tools`` fixture (test modules cannot import each other)."""

    password = PASSWORD
    csrf_of = staticmethod(csrf_of)
    login = staticmethod(login)


@pytest.fixture()
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
def quick_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cheap argon2 parameters for tests; the real ones cost about a second per login here."""
    from sourcetrace.review import accounts

    monkeypatch.setattr(
        accounts, "_HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )
