"""Shared fixtures: the bundled lists loaded once, a matcher over them, a fresh store database."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from sourcetrace.lists import default_list_path, load_entities
from sourcetrace.matching import Matcher
from sourcetrace.model import ListedEntity
from sourcetrace.settings import load_settings

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def bundled_entities() -> list[ListedEntity]:
    return load_entities(default_list_path())


@pytest.fixture(scope="session")
def matcher(bundled_entities: list[ListedEntity]) -> Matcher:
    return Matcher(bundled_entities, load_settings())


@pytest.fixture()
def examples() -> Path:
    return ROOT / "examples"


# A fresh database per test: a SQLite file always, PostgreSQL too when SOURCETRACE_TEST_PG_URL
# names a server (as .ci/run does); a database is made for each PostgreSQL case and dropped after.
PG_SERVER = os.environ.get("SOURCETRACE_TEST_PG_URL")


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database (the file or the database does not exist before)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    if not PG_SERVER:
        pytest.skip("set SOURCETRACE_TEST_PG_URL to test on PostgreSQL")
    name = f"st_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield f"{PG_SERVER.rsplit('/', 1)[0]}/{name}"
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()
