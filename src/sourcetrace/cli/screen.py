"""``sourcetrace screen``: screen a supplier list or shipment file against the watchlists."""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from sourcetrace.cli.console import (
    Format,
    FormatOption,
    Listing,
    print_json,
    print_listing,
    stdout_console,
)
from sourcetrace.cli.lists_import import DbOption
from sourcetrace.cli.progress import RowProgress
from sourcetrace.engines import BulkSummary
from sourcetrace.engines.chunks import count_rows
from sourcetrace.lists.freshness import stale_lists, warning_line
from sourcetrace.model import Decision
from sourcetrace.screening import ListUsed, ScreenOptions, screen_file
from sourcetrace.screening import screen as run_screen
from sourcetrace.settings import Settings, load_settings

DEFAULTS = ScreenOptions()
THRESHOLDS = Settings()


class FailOn(str, Enum):
    match = "match"
    review = "review"


class Engine(str, Enum):
    local = "local"
    spark = "spark"


DEFAULT_ENGINE = Engine(DEFAULTS.engine)


def screen(
    input: Annotated[Path, typer.Argument(help="Supplier list or shipments: .csv .tsv .xlsx .jsonl .parquet")],
    name_column: Annotated[str | None, typer.Option(help="Column with the company name (default: detected)")] = None,
    address_column: Annotated[str | None, typer.Option(help="Column with the address")] = None,
    country_column: Annotated[str | None, typer.Option(help="Column with the country")] = None,
    id_column: Annotated[str | None, typer.Option(help="Column with an identifier, e.g. the USCC")] = None,
    list_: Annotated[list[Path] | None, typer.Option("--list", metavar="FILE", help="Extra FtM entities file (JSON lines); repeatable")] = None,
    no_default_lists: Annotated[bool, typer.Option("--no-default-lists", help="Screen against --list files only")] = False,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write results: .csv .jsonl .xlsx .parquet")] = None,
    threshold: Annotated[float | None, typer.Option(help=f"Match threshold, 0-1 (default {THRESHOLDS.match_threshold:.2f})")] = None,
    review_threshold: Annotated[float | None, typer.Option(help=f"Review threshold, 0-1 (default {THRESHOLDS.review_threshold:.2f})")] = None,
    fail_on: Annotated[FailOn | None, typer.Option(help="Exit 3 if any row is decided this or higher")] = None,
    encoding: Annotated[str | None, typer.Option(help="Text encoding of the input (default: detected)")] = None,
    sheet: Annotated[str | None, typer.Option(help="XLSX: the sheet to read, by name or number from 1 (default: the first holding a table)")] = None,
    header_row: Annotated[int | None, typer.Option(help="Row of the file holding the column names, from 1 (default: detected below any title)")] = None,
    engine: Annotated[Engine, typer.Option(help="Where bulk screening runs (with --output)")] = DEFAULT_ENGINE,
    workers: Annotated[int | None, typer.Option(help="Processes for the local engine (default: all cores)")] = None,
    chunk_rows: Annotated[int, typer.Option(help="Rows read and written per chunk")] = DEFAULTS.chunk_rows,
    resume: Annotated[bool, typer.Option("--resume", help="Continue an interrupted run from its last finished chunk")] = False,
    skip_bad_rows: Annotated[bool, typer.Option("--skip-bad-rows", help="Report and skip rows that cannot be parsed")] = False,
    top: Annotated[int, typer.Option(help="How many top hits the summary shows")] = 10,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary")] = False,
    no_store_lists: Annotated[bool, typer.Option("--no-store-lists", help="Ignore the lists imported into the store")] = False,
    db: DbOption = None,
    format: FormatOption = Format.table,
) -> None:
    """Screen INPUT: one result per row (match, review or clear), with the reasons.

    With --output the file is screened in streamed chunks (any size, on --engine local or spark)
    and the output appears only when complete.

    The lists are the bundled snapshot, replaced list by list by the versions imported into the
    store (`sourcetrace lists import|update`), plus any --list file; the run records each version.
    """
    options = ScreenOptions(
        name_column=name_column, address_column=address_column, country_column=country_column,
        id_column=id_column, lists=tuple(list_ or ()), default_lists=not no_default_lists,
        store_lists=not no_store_lists, db=db, match_threshold=threshold,
        review_threshold=review_threshold, encoding=encoding, sheet=sheet, header_row=header_row,
        engine=engine.value, workers=workers, chunk_rows=chunk_rows, resume=resume,
        skip_bad_rows=skip_bad_rows,
    )  # fmt: skip
    settings = load_settings()
    notes = Console(stderr=True)

    def notice(note: str) -> None:  # the reader's choices: which sheet, which header row
        if not quiet:
            notes.print(f"note: {note}", highlight=False, soft_wrap=True)

    bar = RowProgress("screening", quiet=quiet, interval=settings.progress_interval)
    with bar:

        def progress(done: int, total: int | None) -> None:
            if total is not None and total < settings.progress_min_rows:
                return
            if total is not None and bar.total is None:
                bar.set_total(total)
            bar.advance(done)

        if output is not None:
            if not quiet:
                bar.set_total(count_rows(input, encoding))
            done = screen_file(input, output, options, progress=progress, notice=notice)
            summary, used, column = done.summary, done.lists, done.name_column
        else:
            run = run_screen(input, options, progress=progress, notice=notice)
            summary, used = run.summary(), run.lists
            column = run.columns.name if run.columns else ""
    if not quiet:
        print_summary(summary, used, str(input), column, stdout_console(), top, output, format)
    stale = stale_lists(used, settings.stale_list_days)
    if stale:  # even with --quiet: a clear result against an old list is not a clear result
        typer.echo("warning: " + warning_line(stale, settings.stale_list_days), err=True)
    if fail_on is not None:
        level = Decision(fail_on.value).rank
        if any(n and Decision(d).rank >= level for d, n in summary.counts.items()):
            raise typer.Exit(3)


def print_summary(
    summary: BulkSummary, used: Sequence[ListUsed], source: str, column: str,
    console: Console, top: int, output: Path | None, fmt: Format = Format.table,
) -> None:
    """The run's counts and its top hits: a table for people, or TSV or JSON for scripts."""
    counts = summary.counts
    hits = Listing(
        ["row", "name", "decision", "score", "listed entity", "lists", "reasons"],
        title="Top hits", styles={"decision": {"match": "red", "review": "yellow"}},
        right=["row", "score"],
    )  # fmt: skip
    if summary.top is not None and summary.top.height:
        for r in summary.top.head(top).iter_rows(named=True):
            hits.rows.append([
                r["row"], r["name"], r["decision"], r["score"], r["entity_name"], r["lists"],
                "; ".join(r["reasons"].split("; ")[:2]),
            ])  # fmt: skip
    if fmt is Format.json:
        print_json({
            "input": source, "name_column": column, "rows": summary.rows, "counts": counts,
            "lists": [{"name": u.name, "version": u.version} for u in used],
            "skipped_rows": summary.skipped_rows, "signal_rows": summary.signal_rows,
            "output": str(output) if output is not None else None, "top": hits.records(),
        })  # fmt: skip
        return
    if fmt is Format.tsv:
        print_listing(hits, fmt)
        return
    console.print(
        f"[bold]{summary.rows}[/] rows screened from {source} (name column [italic]{column}[/]) "
        "against " + ", ".join(f"{u.name} {u.version}" for u in used)
    )
    console.print(
        f"[red bold]match {counts.get('match', 0)}[/]  [yellow bold]review {counts.get('review', 0)}[/]  "
        f"[green]clear {counts.get('clear', 0)}[/]"
    )
    # Signals are not list matches but carry the UFLPA presumption: say how many rows have them.
    located, uscc = summary.signal_rows.get("location", 0), summary.signal_rows.get("identifier", 0)
    console.print(f"signals: {located} rows with a Xinjiang location, {uscc} with USCC problems")
    if summary.skipped_rows:
        shown = ", ".join(map(str, summary.skipped_rows[:10]))
        console.print(f"[yellow]{len(summary.skipped_rows)} bad rows skipped[/] (rows {shown})")
    if hits.rows:
        print_listing(hits, fmt, console)
    if output is not None:
        console.print(f"results written to {output}")


__all__ = ["print_summary", "screen"]
