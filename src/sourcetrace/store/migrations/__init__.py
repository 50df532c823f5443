"""The store's schema under Alembic: the list store's tables and the workspace's, versioned.

Every way of opening the store (:func:`sourcetrace.store.engine.make_engine`, which
:class:`sourcetrace.store.db.ListStore`, ``sourcetrace serve`` and every command use) calls
:func:`upgrade`, which brings the database to the newest revision. Several processes may open
a store at once (the server's workers): the one that migrates holds an exclusive lock (SQLite:
``BEGIN EXCLUSIVE``; PostgreSQL: a transaction-level advisory lock), runs every revision in that
one transaction, and the others then find the schema current. A database made before migrations
existed (tables from ``create_all``, no ``alembic_version``) is adopted: revision 0001 creates
only the tables it lacks, and the later revisions run as on any other database.
``sourcetrace db upgrade`` and ``sourcetrace db current`` do the same by hand.

Alembic is configured here, in code: no ``alembic.ini`` is shipped or looked for.

Adding a table or a column
--------------------------
1. Declare it in the models: on ``sourcetrace.store.database.metadata`` in a module of
   ``sourcetrace.store`` (every module there is imported when the schema is compared, so a new
   ``store/graphs.py`` needs no registration).
2. Generate the revision, then read it::

       .venv/bin/python -m sourcetrace.store.migrations revision "graph tables"

   It writes ``versions/0003_graph_tables.py``: what the models hold that a scratch SQLite
   database at the current head lacks. Check it before keeping it: Alembic sees a rename as a
   drop and an add, and new ``NOT NULL`` columns on existing tables need a ``server_default``.
   Keep it portable (SQLite and PostgreSQL); ``op.batch_alter_table`` alters columns on SQLite.
3. Run ``pytest tests/store``: it upgrades a fresh SQLite database (and PostgreSQL when
   ``SOURCETRACE_TEST_PG_URL`` is set) to head, and fails while models and revisions disagree.

Revision ids are four digits, in order, and each file is named after its id (``0003_...``): the
newest file is the head, which lets :func:`upgrade` skip loading Alembic when a store is current.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, MetaData, create_engine, event, inspect, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from sourcetrace.errors import ConfigError

if TYPE_CHECKING:
    from alembic.config import Config

HERE = Path(__file__).resolve().parent
VERSION_TABLE = "alembic_version"
_PG_LOCK_KEY = 0x736F75726365  # "source": the advisory lock every migrating process takes
log = logging.getLogger(__name__)


@cache
def revisions() -> tuple[str, ...]:
    """Every revision id, oldest first, read from the names of the files in ``versions/``."""
    ids = sorted(p.name[:4] for p in (HERE / "versions").glob("[0-9][0-9][0-9][0-9]_*.py"))
    if not ids:
        raise ConfigError(f"no schema revisions in {HERE / 'versions'}: the package is incomplete")
    return tuple(ids)


def head() -> str:
    """The newest revision: the schema the models of this version of sourcetrace describe."""
    return revisions()[-1]


def models() -> MetaData:
    """The models the revisions must agree with: the store's one MetaData, every table on it.

    Imports every module of :mod:`sourcetrace.store`, so that tables a module declares on the
    store's metadata are there without being registered anywhere else.
    """
    from sourcetrace.store.database import metadata

    # By name, from the folder: the table modules import the engine, which imports this package.
    for module in pkgutil.iter_modules([str(HERE.parent)]):
        if module.name != "migrations":
            importlib.import_module(f"sourcetrace.store.{module.name}")
    return metadata


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic's configuration, made in code; ``env.py`` runs on ``connection``."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(HERE))
    config.set_main_option("file_template", "%%(rev)s_%%(slug)s")
    config.set_main_option("version_table", VERSION_TABLE)
    config.attributes["connection"] = connection
    return config


def current(engine: Engine) -> str | None:
    """The revision the database is at; None for a database that was never migrated."""
    with engine.connect() as conn:
        return _version(conn)


def upgrade(engine: Engine) -> tuple[str | None, str]:
    """Bring the database of ``engine`` to the newest revision; returns (before, after).

    A current database costs two small queries. Otherwise the migration runs under the store's
    lock, in one transaction: a failure leaves the database as it was.
    """
    before = current(engine)
    target = head()
    if before == target:
        return before, target
    _check_known(engine, before)
    from alembic import command
    from alembic.util import CommandError

    try:
        with _locked(engine) as conn:
            before = _version(conn)  # again under the lock: another process may have done it
            _check_known(engine, before)
            if before != target:
                if before is None and _has_tables(conn):
                    log.info("adopting the tables of %s, made before migrations", _shown(engine))
                command.upgrade(alembic_config(conn), "head")
    except (CommandError, SQLAlchemyError) as exc:
        raise ConfigError(
            f"could not bring the store {_shown(engine)} to schema revision {target}: {exc}"
        ) from None
    return before, target


def _version(conn: Connection) -> str | None:
    if not inspect(conn).has_table(VERSION_TABLE):
        return None
    found = conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars().all()
    return str(found[0]) if len(found) == 1 else None


def _has_tables(conn: Connection) -> bool:
    return bool(set(inspect(conn).get_table_names()) - {VERSION_TABLE})


def _check_known(engine: Engine, version: str | None) -> None:
    if version is not None and version not in revisions():
        raise ConfigError(
            f"the store {_shown(engine)} is at schema revision {version}, which this version of "
            f"sourcetrace does not know (it knows up to {head()}): upgrade sourcetrace"
        )


def _shown(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)


@contextmanager
def _locked(engine: Engine) -> Iterator[Connection]:
    """A connection in a transaction that holds the store's migration lock until it commits."""
    url = engine.url
    if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
        # Private to this process (and to the engine's connection): nobody to lock out.
        with engine.begin() as conn:
            yield conn
        return
    locker = create_engine(url, poolclass=NullPool)
    if locker.dialect.name == "sqlite":
        # pysqlite starts transactions only before data changes and commits before DDL; take
        # control so that the whole migration is one exclusive transaction.
        event.listen(locker, "connect", _sqlite_manual_transactions)
        event.listen(locker, "begin", _sqlite_begin_exclusive)
    try:
        with locker.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
            yield conn
    finally:
        locker.dispose()


def _sqlite_manual_transactions(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout=60000")  # wait for another process's migration
    cursor.close()


def _sqlite_begin_exclusive(conn: Connection) -> None:
    conn.exec_driver_sql("BEGIN EXCLUSIVE")
