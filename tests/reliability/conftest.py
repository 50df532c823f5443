"""The real web app on a temporary SQLite store, an analyst account and an API key."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient

from sourcetrace.review.accounts import add_user, create_api_key
from sourcetrace.web.app import create_app
from sourcetrace.web.config import WebConfig

PASSWORD = "correct horse battery"
MAX_UPLOAD = 200_000
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(autouse=True)
def quick_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cheap argon2 parameters for tests; the real ones cost about a second per login here."""
    from sourcetrace.review import accounts

    monkeypatch.setattr(
        accounts, "_HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )


@pytest.fixture()
def app(tmp_path: Path) -> FastAPI:
    app = create_app(
        f"sqlite:///{tmp_path / 'web.db'}", config=WebConfig(max_upload_bytes=MAX_UPLOAD)
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
