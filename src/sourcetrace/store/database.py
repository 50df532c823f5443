"""The one database everything persisted lives in: its MetaData, engine, clock and errors.

Lists, watched portfolios, saved supply chains, and the workspace's users, API keys, jobs,
decisions and audit log are tables on :data:`metadata`, declared by the modules of
:mod:`sourcetrace.store`; the migrations of :mod:`sourcetrace.store.migrations` make them.

- :func:`resolve_url`: which database (``--db``, ``SOURCETRACE_DB``, or the SQLite file under the
  data directory, so that the CLI and the web app see one store).
- :func:`make_engine`: the one way to open it; SQLite gets foreign keys and a busy timeout (a
  second process waits for a writer instead of failing), and every open brings the schema to
  the newest revision.
- :func:`now`: the one timestamp format, ISO 8601 UTC to the microsecond with a ``Z``: it sorts,
  compares and hashes the same on every backend.
- :func:`store_error`: a database failure as the one-line error the user reads, in the
  database's own words ("database or disk is full"), never the statement and its values.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, MetaData, create_engine, event
from sqlalchemy.exc import SQLAlchemyError

from sourcetrace.errors import ConfigError, SourcetraceError
from sourcetrace.settings import Settings, load_settings

DB_FILE = "sourcetrace.db"
BUSY_TIMEOUT_MS = 5000
"""How long a SQLite connection waits for another process's write before it fails."""

metadata = MetaData()
"""Every table sourcetrace keeps."""


def now() -> str:
    """The current time as stored: ISO 8601 UTC, to the microsecond (``...T22:49:53.123456Z``)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def resolve_url(db: str | Path | None = None, settings: Settings | None = None) -> str:
    """A SQLAlchemy URL from ``db`` (URL or file path), else ``SOURCETRACE_DB``, else a SQLite
    file under data_dir: the same default for the CLI and the web workspace, so both see one
    store."""
    if db is None or str(db) == "":
        db = os.environ.get("SOURCETRACE_DB") or None
    if db is None:
        data_dir = (settings or load_settings()).data_dir
        return f"sqlite:///{Path(data_dir) / DB_FILE}"
    text = str(db)
    return text if "://" in text else f"sqlite:///{Path(text)}"


def make_engine(url: str | None = None, settings: Settings | None = None) -> Engine:
    """An engine on ``url`` (default: :func:`resolve_url`), its schema upgraded to the newest
    revision. A URL that cannot be used, or a store that cannot be brought up to date, is a
    :class:`~sourcetrace.errors.ConfigError`; the engine is not left open."""
    from sourcetrace.store.migrations import upgrade

    url = url or resolve_url(None, settings)
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    try:
        engine = create_engine(url)
    except (SQLAlchemyError, ImportError, ValueError) as exc:
        raise ConfigError(f"cannot use database URL {url!r}: {exc}") from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    try:
        upgrade(engine)
    except ConfigError:
        engine.dispose()
        raise
    except SQLAlchemyError as exc:
        engine.dispose()
        raise ConfigError(f"cannot open the store {url!r}: {_reason(exc)}") from None
    except BaseException:
        engine.dispose()
        raise
    return engine


def store_error(
    exc: BaseException, doing: str, kind: type[SourcetraceError] = ConfigError
) -> SourcetraceError:
    """The error to raise when ``doing`` ("store the list version") failed in the database, in
    one transaction that was rolled back: "could not <doing>, nothing was stored: <reason>"."""
    return kind(f"could not {doing}, nothing was stored: {_reason(exc)}")


def _reason(exc: BaseException) -> str:
    # The driver's own words, not SQLAlchemy's wrapping with the statement and its values.
    return " ".join(str(getattr(exc, "orig", None) or exc).split())


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.close()
