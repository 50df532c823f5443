"""The one database everything persisted lives in: its MetaData, address, clock and errors.

Lists, watched portfolios, saved supply chains, and the workspace's users, API keys, jobs,
decisions and audit log are tables on :data:`metadata`, declared by the modules of
:mod:`sourcetrace.store`; the migrations of :mod:`sourcetrace.store.migrations` make them.

- :func:`resolve_url`: which database (``--db``, ``SOURCETRACE_DB``, or the SQLite file under the
  data directory, so that the CLI and the web app see one store).
- :func:`sourcetrace.store.engine.make_engine`: the one way to open it (its own module, so that
  the migrations, which need the MetaData, are not imported by it in a circle).
- :func:`now`: the one timestamp format, ISO 8601 UTC to the microsecond with a ``Z``: it sorts,
  compares and hashes the same on every backend.
- :func:`store_error`: a database failure as the one-line error the user reads, in the
  database's own words ("database or disk is full"), never the statement and its values.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import MetaData

from sourcetrace.errors import ConfigError, SourcetraceError
from sourcetrace.settings import Settings, load_settings

DB_FILE = "sourcetrace.db"

metadata = MetaData()
"""Every table sourcetrace keeps."""


TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
"""How a moment is stored (:func:`now`); ``datetime.strptime`` reads it back."""


def now() -> str:
    """The current time as stored: ISO 8601 UTC, to the microsecond (``...T22:49:53.123456Z``)."""
    return stamp(datetime.now(UTC))


def stamp(at: datetime) -> str:
    """A moment (timezone-aware) as stored, in :func:`now`'s format."""
    return at.astimezone(UTC).strftime(TIMESTAMP_FORMAT)


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


def store_error(
    exc: BaseException, doing: str, kind: type[SourcetraceError] = ConfigError
) -> SourcetraceError:
    """The error to raise when ``doing`` ("store the list version") failed in the database, in
    one transaction that was rolled back: "could not <doing>, nothing was stored: <reason>"."""
    return kind(f"could not {doing}, nothing was stored: {reason(exc)}")


def reason(exc: BaseException) -> str:
    """Why the database refused, in the driver's own words."""
    # The driver's own words, not SQLAlchemy's wrapping with the statement and its values.
    return " ".join(str(getattr(exc, "orig", None) or exc).split())
