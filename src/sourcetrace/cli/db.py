"""``sourcetrace db upgrade | current``: the store's schema revision, by hand.

Opening the store upgrades it anyway; these are for operators who want to see or do it first,
e.g. before starting the server's workers on a team's PostgreSQL database.
"""

from __future__ import annotations

from pathlib import Path

import typer
from sqlalchemy import create_engine, make_url
from sqlalchemy.exc import SQLAlchemyError

from sourcetrace.cli.serve import DbOption
from sourcetrace.errors import ConfigError
from sourcetrace.store.db import resolve_url
from sourcetrace.store.migrations import current, head, upgrade

app = typer.Typer(help="The store's schema (Alembic migrations).", no_args_is_help=True)


def _sqlite_file(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def _shown(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


@app.command("upgrade")
def upgrade_cmd(db: DbOption = None) -> None:
    """Bring the store to the newest schema revision (creating it if it does not exist)."""
    url = resolve_url(db)
    path = _sqlite_file(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url)
    try:
        before, after = upgrade(engine)
    except SQLAlchemyError as exc:
        raise ConfigError(f"cannot open the store {_shown(url)}: {exc}") from None
    finally:
        engine.dispose()
    if before == after:
        typer.echo(f"{_shown(url)}: at revision {after} (the newest), nothing to do")
    else:
        typer.echo(f"{_shown(url)}: upgraded from revision {before or '(none)'} to {after}")


@app.command("current")
def current_cmd(db: DbOption = None) -> None:
    """Print the store's schema revision; exit 1 when it is behind (run `sourcetrace db upgrade`)."""
    url = resolve_url(db)
    path = _sqlite_file(url)
    if path is not None and not path.exists():
        raise ConfigError(f"no store at {path}: `sourcetrace db upgrade` creates it")
    engine = create_engine(url)
    try:
        found = current(engine)
    except SQLAlchemyError as exc:
        raise ConfigError(f"cannot open the store {_shown(url)}: {exc}") from None
    finally:
        engine.dispose()
    newest = head()
    if found == newest:
        typer.echo(f"{found} (head)")
        return
    if found is not None and found > newest:
        raise ConfigError(
            f"the store is at revision {found}, newer than this sourcetrace knows ({newest}): "
            "upgrade sourcetrace"
        )
    typer.echo(
        f"{found or '(none)'} (head is {newest}: run `sourcetrace db upgrade`, or open the store)"
    )
    raise typer.Exit(1)
