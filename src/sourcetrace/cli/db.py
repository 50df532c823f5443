"""``sourcetrace db upgrade | current``: the store's schema revision, by hand.

Opening the store upgrades it anyway; these are for operators who want to see or do it first,
e.g. before starting the server's workers on a team's PostgreSQL database.
"""

from __future__ import annotations

import typer

from sourcetrace.cli.serve import DbOption
from sourcetrace.errors import ConfigError
from sourcetrace.store import resolve_url, schema_revision, shown, upgrade_store

app = typer.Typer(help="The store's schema (Alembic migrations).", no_args_is_help=True)


@app.command("upgrade")
def upgrade_cmd(db: DbOption = None) -> None:
    """Bring the store to the newest schema revision (creating it if it does not exist)."""
    url = shown(resolve_url(db))
    before, after = upgrade_store(db)
    if before == after:
        typer.echo(f"{url}: at revision {after} (the newest), nothing to do")
    else:
        typer.echo(f"{url}: upgraded from revision {before or '(none)'} to {after}")


@app.command("current")
def current_cmd(db: DbOption = None) -> None:
    """Print the store's schema revision; exit 1 when it is behind (run `sourcetrace db upgrade`)."""
    found, newest = schema_revision(db)
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
