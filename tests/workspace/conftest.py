"""A review store per test: SQLite always, PostgreSQL too when a server can be reached or started.

Set ``SOURCETRACE_TEST_PG_URL`` (e.g. ``postgresql+psycopg://user:pw@localhost/db``) to use a
running server; otherwise, when PostgreSQL's ``initdb`` and ``pg_ctl`` are on the PATH and we are
not root, a throwaway cluster is started for the session. Without either the PostgreSQL cases skip.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine, create_engine, text

from sourcetrace.store.engine import make_engine


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str | None]:
    url = os.environ.get("SOURCETRACE_TEST_PG_URL")
    if url:
        yield url
        return
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    if not initdb or not pg_ctl or not _psycopg() or os.geteuid() == 0:
        yield None
        return
    tmp = Path(tempfile.mkdtemp(prefix="sourcetrace-pg-"))
    port = _free_port()
    try:
        subprocess.run(
            [initdb, "-D", str(tmp / "data"), "-U", "postgres", "-A", "trust"],
            check=True,
            capture_output=True,
        )
        subprocess.run(
            [
                pg_ctl,
                "-D",
                str(tmp / "data"),
                "-l",
                str(tmp / "log"),
                "-w",
                "-o",
                f"-p {port} -k {tmp} -h 127.0.0.1",
                "start",
            ],
            check=True,
            capture_output=True,
        )
    except (subprocess.CalledProcessError, OSError):
        yield None
        shutil.rmtree(tmp, ignore_errors=True)
        return
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [pg_ctl, "-D", str(tmp / "data"), "-m", "immediate", "stop"],
            check=False,
            capture_output=True,
        )
        shutil.rmtree(tmp, ignore_errors=True)


def _psycopg() -> bool:
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'review.db'}")
        yield engine
        engine.dispose()
        return
    server = request.getfixturevalue("pg_server")
    if server is None:
        pytest.skip("no PostgreSQL server (set SOURCETRACE_TEST_PG_URL)")
    # One database per test, dropped afterwards.
    name = f"st_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    base = server.rsplit("/", 1)[0]
    engine = make_engine(f"{base}/{name}")
    yield engine
    engine.dispose()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE "{name}"'))
    admin.dispose()


@pytest.fixture(autouse=True)
def quick_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cheap argon2 parameters for tests; the real ones cost about a second per login here."""
    from sourcetrace.workspace import accounts

    monkeypatch.setattr(
        accounts, "_HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )
