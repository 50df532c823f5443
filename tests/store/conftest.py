"""A fresh database per test: a SQLite file always, PostgreSQL too when a server is named.

Set ``SOURCETRACE_TEST_PG_URL`` (e.g. ``postgresql+psycopg://postgres@127.0.0.1:5432/db``, as
``.ci/run`` does) to run the PostgreSQL cases: a database is made for each and dropped after.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

PG_SERVER = os.environ.get("SOURCETRACE_TEST_PG_URL")


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database (the file or the database does not exist before)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    if not PG_SERVER:
        pytest.skip("set SOURCETRACE_TEST_PG_URL to test on PostgreSQL")
    name = f"st_store_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield f"{PG_SERVER.rsplit('/', 1)[0]}/{name}"
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()
