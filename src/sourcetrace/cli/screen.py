"""``sourcetrace screen``: screen a supplier list or shipment file against the watchlists."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from sourcetrace.model import Decision
from sourcetrace.screening import ScreeningRun
from sourcetrace.screening import screen as run_screen
from sourcetrace.settings import load_settings


class FailOn(str, Enum):
    match = "match"
    review = "review"


def screen(
    input: Annotated[Path, typer.Argument(help="Supplier list or shipments: .csv .tsv .xlsx .jsonl .parquet")],
    name_column: Annotated[Optional[str], typer.Option(help="Column with the company name (default: detected)")] = None,
    address_column: Annotated[Optional[str], typer.Option(help="Column with the address")] = None,
    country_column: Annotated[Optional[str], typer.Option(help="Column with the country")] = None,
    id_column: Annotated[Optional[str], typer.Option(help="Column with an identifier, e.g. the USCC")] = None,
    list_: Annotated[Optional[list[Path]], typer.Option("--list", help="Extra FtM entities file (JSON lines); repeatable")] = None,
    no_default_lists: Annotated[bool, typer.Option("--no-default-lists", help="Screen against --list files only")] = False,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write results: .csv .jsonl .xlsx .parquet")] = None,
    threshold: Annotated[Optional[float], typer.Option(help="Match threshold, 0-1 (default 0.88)")] = None,
    review_threshold: Annotated[Optional[float], typer.Option(help="Review threshold, 0-1 (default 0.70)")] = None,
    fail_on: Annotated[Optional[FailOn], typer.Option(help="Exit 3 if any row is decided this or higher")] = None,
    encoding: Annotated[Optional[str], typer.Option(help="Text encoding of the input (default: detected)")] = None,
    top: Annotated[int, typer.Option(help="How many top hits the summary shows")] = 10,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary")] = False,
) -> None:
    """Screen INPUT: one result per row (match, review or clear), with the reasons."""
    console = Console(stderr=True)
    settings = load_settings(match_threshold=threshold, review_threshold=review_threshold)
    with Progress(
        TextColumn("screening"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=console, transient=True, disable=quiet,
    ) as bar:
        task = bar.add_task("screen", total=None, visible=False)

        def progress(done: int, total: int) -> None:
            if total >= settings.progress_min_rows:
                bar.update(task, total=total, advance=done, visible=True)

        run = run_screen(
            input,
            name_column=name_column,
            address_column=address_column,
            country_column=country_column,
            id_column=id_column,
            lists=list_ or [],
            default_lists=not no_default_lists,
            encoding=encoding,
            settings=settings,
            progress=progress,
        )
    if output is not None:
        run.write(output)
    if not quiet:
        summary(run, Console(), top, output)
    if fail_on is not None:
        level = Decision(fail_on.value).rank
        if any(r.decision.rank >= level for r in run.results):
            raise typer.Exit(3)


def summary(run: ScreeningRun, console: Console, top: int, output: Path | None) -> None:
    counts = run.counts()
    assert run.columns is not None
    console.print(
        f"[bold]{len(run.results)}[/] rows screened from {run.source} (name column "
        f"[italic]{run.columns.name}[/]) against "
        + ", ".join(f"{u.name} {u.version}" for u in run.lists)
    )
    console.print(
        f"[red bold]match {counts['match']}[/]  [yellow bold]review {counts['review']}[/]  "
        f"[green]clear {counts['clear']}[/]"
    )
    hits = sorted(
        (r for r in run.results if r.hit is not None),
        key=lambda r: (-r.decision.rank, -r.score, r.record.row),
    )[:top]
    if hits:
        table = Table(title="Top hits", show_lines=False, expand=True)
        for col, kw in (("row", {"justify": "right"}), ("name", {}), ("decision", {}), ("score", {"justify": "right"}),
                        ("listed entity", {}), ("lists", {}), ("reasons", {})):
            table.add_column(col, overflow="fold", **kw)
        for r in hits:
            assert r.hit is not None
            style = "red" if r.decision is Decision.MATCH else "yellow"
            table.add_row(
                str(r.record.row), r.record.name, f"[{style}]{r.decision.value}[/]", f"{r.score:.2f}",
                r.hit.entity.caption, r.hit.entity.lists_label(), "; ".join(r.hit.reasons[:2]),
            )
        console.print(table)
    flagged = sum(1 for r in run.results if r.signals)
    if flagged:
        console.print(f"{flagged} rows carry location or identifier signals (see the 'signals' column)")
    if output is not None:
        console.print(f"results written to {output}")
