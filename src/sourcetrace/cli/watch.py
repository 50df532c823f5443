"""``sourcetrace watch add | run``: keep supplier lists under watch, report what changed."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import polars as pl
import typer

from sourcetrace.cli.console import stdout_console
from sourcetrace.cli.lists_import import DbOption
from sourcetrace.cli.progress import StepProgress
from sourcetrace.io.writers import write_table
from sourcetrace.settings import load_settings
from sourcetrace.watching import run_watch, watch_file

app = typer.Typer(help="Watch portfolios: re-screen them when the lists change.")


@app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="A name for the portfolio")],
    file: Annotated[Path, typer.Argument(help="The supplier list (any input format)")],
    name_column: Annotated[str | None, typer.Option(help="Column with the company name")] = None,
    address_column: Annotated[str | None, typer.Option(help="Column with the address")] = None,
    country_column: Annotated[str | None, typer.Option(help="Column with the country")] = None,
    id_column: Annotated[str | None, typer.Option(help="Column with an identifier (USCC)")] = None,
    db: DbOption = None,
) -> None:
    """Save FILE with its column mapping as portfolio NAME (checked now, read at every run)."""
    portfolio, rows = watch_file(
        name, file, name_column, address_column, country_column, id_column, db
    )
    stdout_console().print(
        f"watching {name}: {rows} rows of {portfolio.path} (name column {portfolio.name_column})"
    )


@app.command("run")
def run(
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write the changes (.csv .jsonl .xlsx .parquet)"),
    ] = None,
    no_default_lists: Annotated[
        bool, typer.Option("--no-default-lists", help="Only the lists imported into the store")
    ] = False,
    db: DbOption = None,
) -> None:
    """Re-screen every portfolio against the current lists; exit 3 when something is new."""
    with StepProgress("watch run", interval=load_settings().progress_interval) as step:
        step("re-screening every portfolio against the current lists")
        changes = run_watch(db, default_lists=not no_default_lists)
    console = stdout_console()
    frame = pl.DataFrame(
        {
            "portfolio": [c.portfolio for c in changes],
            "change": [c.change for c in changes],
            "name": [c.hit.name for c in changes],
            "decision": [c.hit.decision for c in changes],
            "score": [c.hit.score for c in changes],
            "entity_id": [c.hit.entity_id for c in changes],
            "entity_name": [c.hit.entity_name for c in changes],
            "lists": [c.hit.lists for c in changes],
            "before": [
                f"{c.before.decision}: {c.before.lists}" if c.before else "" for c in changes
            ],
        },
        schema={
            "portfolio": pl.String,
            "change": pl.String,
            "name": pl.String,
            "decision": pl.String,
            "score": pl.Float64,
            "entity_id": pl.String,
            "entity_name": pl.String,
            "lists": pl.String,
            "before": pl.String,
        },
    )
    if output is not None:
        write_table(frame, output)
    if not changes:
        console.print("nothing new since the last run")
        return
    for change in changes:
        console.print(
            f"[bold]{change.change}[/] {change.portfolio}: {change.hit.name} -> "
            f"{change.hit.entity_name} ({change.hit.decision}; {change.hit.lists})"
        )
    raise typer.Exit(3)
