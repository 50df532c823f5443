"""The one engine factory: every process and command opens the store through :func:`make_engine`.

SQLite gets foreign keys and a busy timeout (a second process waits for a writer instead of
failing); every open brings the schema to the newest revision
(:func:`sourcetrace.store.migrations.upgrade`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.exc import SQLAlchemyError

from sourcetrace.errors import ConfigError
from sourcetrace.settings import Settings
from sourcetrace.store.database import reason, resolve_url
from sourcetrace.store.migrations import current, head, upgrade

BUSY_TIMEOUT_MS = 5000
"""How long a SQLite connection waits for another process's write before it fails."""


def make_engine(url: str | None = None, settings: Settings | None = None) -> Engine:
    """An engine on ``url`` (default: :func:`resolve_url`), its schema upgraded to the newest
    revision. A URL that cannot be used, or a store that cannot be brought up to date, is a
    :class:`~sourcetrace.errors.ConfigError`; the engine is not left open."""
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
        raise ConfigError(f"cannot open the store {url!r}: {reason(exc)}") from None
    except BaseException:
        engine.dispose()
        raise
    return engine


def shown(url: str) -> str:
    """A store's URL as it may be printed: without its password."""
    return make_url(url).render_as_string(hide_password=True)


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite store; None for any other (or an in-memory one)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def schema_revision(db: str | None = None) -> tuple[str | None, str]:
    """The store's schema revision (None: never migrated) and the newest this sourcetrace
    knows, without changing anything; a SQLite file that does not exist is a ConfigError."""
    url = resolve_url(db)
    path = sqlite_file(url)
    if path is not None and not path.exists():
        raise ConfigError(f"no store at {path}: `sourcetrace db upgrade` creates it")
    engine = create_engine(url)
    try:
        return current(engine), head()
    except SQLAlchemyError as exc:
        raise ConfigError(f"cannot open the store {shown(url)}: {reason(exc)}") from None
    finally:
        engine.dispose()


def upgrade_store(db: str | None = None) -> tuple[str | None, str]:
    """Bring the store to the newest revision, creating it if need be; (before, after)."""
    url = resolve_url(db)
    path = sqlite_file(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url)
    try:
        return upgrade(engine)
    except SQLAlchemyError as exc:
        raise ConfigError(f"cannot open the store {shown(url)}: {reason(exc)}") from None
    finally:
        engine.dispose()


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.close()
