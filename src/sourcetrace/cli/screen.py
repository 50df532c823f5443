"""``sourcetrace screen``: screen a supplier list or shipment file against the watchlists."""

from __future__ import annotations

import json
from contextlib import AbstractContextManager, nullcontext
from datetime import UTC, datetime
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from sourcetrace import __version__
from sourcetrace.cli.lists_import import DbOption
from sourcetrace.engines.base import BulkSummary
from sourcetrace.errors import OutputError
from sourcetrace.io.writers import atomic_path
from sourcetrace.lists.freshness import stale_lists, warning_line
from sourcetrace.lists.ftm import file_hash
from sourcetrace.matching.score import ALGORITHM
from sourcetrace.model import Decision
from sourcetrace.screening import ListUsed, screen_file, store_lists
from sourcetrace.screening import screen as run_screen
from sourcetrace.settings import Settings, load_settings


class FailOn(str, Enum):
    match = "match"
    review = "review"


class Engine(str, Enum):
    local = "local"
    spark = "spark"


def screen(
    input: Annotated[Path, typer.Argument(help="Supplier list or shipments: .csv .tsv .xlsx .jsonl .parquet")],
    name_column: Annotated[str | None, typer.Option(help="Column with the company name (default: detected)")] = None,
    address_column: Annotated[str | None, typer.Option(help="Column with the address")] = None,
    country_column: Annotated[str | None, typer.Option(help="Column with the country")] = None,
    id_column: Annotated[str | None, typer.Option(help="Column with an identifier, e.g. the USCC")] = None,
    list_: Annotated[list[Path] | None, typer.Option("--list", help="Extra FtM entities file (JSON lines); repeatable")] = None,
    no_default_lists: Annotated[bool, typer.Option("--no-default-lists", help="Screen against --list files only")] = False,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write results: .csv .jsonl .xlsx .parquet")] = None,
    threshold: Annotated[float | None, typer.Option(help="Match threshold, 0-1 (default 0.88)")] = None,
    review_threshold: Annotated[float | None, typer.Option(help="Review threshold, 0-1 (default 0.70)")] = None,
    fail_on: Annotated[FailOn | None, typer.Option(help="Exit 3 if any row is decided this or higher")] = None,
    encoding: Annotated[str | None, typer.Option(help="Text encoding of the input (default: detected)")] = None,
    engine: Annotated[Engine, typer.Option(help="Where bulk screening runs (with --output)")] = Engine.local,
    workers: Annotated[int | None, typer.Option(help="Processes for the local engine (default: all cores)")] = None,
    chunk_rows: Annotated[int, typer.Option(help="Rows read and written per chunk")] = 200_000,
    resume: Annotated[bool, typer.Option("--resume", help="Continue an interrupted run from its last finished chunk")] = False,
    skip_bad_rows: Annotated[bool, typer.Option("--skip-bad-rows", help="Report and skip rows that cannot be parsed")] = False,
    top: Annotated[int, typer.Option(help="How many top hits the summary shows")] = 10,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary")] = False,
    no_store_lists: Annotated[bool, typer.Option("--no-store-lists", help="Ignore the lists imported into the store")] = False,
    db: DbOption = None,
) -> None:
    """Screen INPUT: one result per row (match, review or clear), with the reasons.

    With --output the file is screened in streamed chunks (any size, on --engine local or spark)
    and the output appears only when complete.

    The lists are the bundled snapshot, replaced list by list by the versions imported into the
    store (`sourcetrace lists import|update`), plus any --list file; the run records each version.
    """
    console = Console(stderr=True)
    settings = load_settings(match_threshold=threshold, review_threshold=review_threshold)
    stored_lists: AbstractContextManager[list[tuple[Path, ListUsed]]] = (
        nullcontext([]) if no_store_lists else store_lists(db, settings)
    )
    with stored_lists as stored, Progress(
        TextColumn("screening"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=console, transient=True, disable=quiet,
    ) as bar:
        task = bar.add_task("screen", total=None, visible=False)
        common = {
            "name_column": name_column, "address_column": address_column,
            "country_column": country_column, "id_column": id_column, "lists": list_ or [],
            "default_lists": not no_default_lists, "stored": stored, "encoding": encoding,
            "settings": settings,
        }  # fmt: skip
        if output is not None:
            try:
                summary, used, column = screen_file(
                    input, output, engine=engine.value, workers=workers, chunk_rows=chunk_rows,
                    resume=resume, skip_bad_rows=skip_bad_rows,
                    progress=lambda n: bar.update(task, advance=n, visible=True),
                    **common,  # type: ignore[arg-type]
                )
            except OSError as exc:  # reading errors are InputErrors: this is a write, a full disk
                raise OutputError(
                    f"cannot write: {_reason(exc)}; no output was written (make room, then run "
                    "again with --resume to carry on from the chunks already screened)",
                    path=output,
                ) from None
        else:
            def progress(done: int, total: int) -> None:
                if total >= settings.progress_min_rows:
                    bar.update(task, total=total, advance=done, visible=True)

            run = run_screen(input, progress=progress, **common)  # type: ignore[arg-type]
            summary = BulkSummary()
            summary.add(run.to_frame(), [])
            used, column = run.lists, run.columns.name if run.columns else ""
    if output is not None:
        write_run_record(output, input, used, summary, settings)
    if not quiet:
        print_summary(summary, used, str(input), column, Console(), top, output)
    stale = stale_lists(used, settings.stale_list_days)
    if stale:  # even with --quiet: a clear result against an old list is not a clear result
        typer.echo("warning: " + warning_line(stale, settings.stale_list_days), err=True)
    if fail_on is not None:
        level = Decision(fail_on.value).rank
        found = {d for d, n in summary.counts.items() if n}
        if any(Decision(d).rank >= level for d in found):
            raise typer.Exit(3)


def write_run_record(
    output: Path, input: Path, used: list[ListUsed], summary: BulkSummary, settings: Settings
) -> None:
    """``<output>.run.json`` beside the results: which input, lists, versions and algorithm."""
    record = {
        "input": str(input),
        "input_sha256": file_hash(input)[7:] if input.exists() else "",
        "output": str(output),
        "screened_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "sourcetrace": __version__,
        "algorithm": ALGORITHM,
        "thresholds": {"match": settings.match_threshold, "review": settings.review_threshold},
        "lists": [
            {"name": u.name, "version": u.version, "content_hash": u.content_hash,
             "entities": u.entities, "path": u.path}
            for u in used
        ],
        "counts": summary.counts,
        "rows": summary.rows,
    }
    path = output.with_name(output.name + ".run.json")
    try:
        with atomic_path(path) as tmp:
            tmp.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    except OSError as exc:
        # Results without the record of how they were made are not the output contract's.
        output.unlink(missing_ok=True)
        raise OutputError(f"cannot write: {_reason(exc)}; no output was written", path=path) from None


def _reason(exc: OSError) -> str:
    # polars raises OSError("No space left on device (os error 28)") with no errno or strerror.
    return exc.strerror or str(exc)


def print_summary(
    summary: BulkSummary, used: list[ListUsed], source: str, column: str,
    console: Console, top: int, output: Path | None,
) -> None:
    counts = summary.counts
    console.print(
        f"[bold]{summary.rows}[/] rows screened from {source} (name column [italic]{column}[/]) "
        "against " + ", ".join(f"{u.name} {u.version}" for u in used)
    )
    console.print(
        f"[red bold]match {counts.get('match', 0)}[/]  [yellow bold]review {counts.get('review', 0)}[/]  "
        f"[green]clear {counts.get('clear', 0)}[/]"
    )
    if summary.skipped_rows:
        shown = ", ".join(map(str, summary.skipped_rows[:10]))
        console.print(f"[yellow]{len(summary.skipped_rows)} bad rows skipped[/] (rows {shown})")
    if summary.top is not None and summary.top.height:
        table = Table(title="Top hits")
        for col, kw in (("row", {"justify": "right"}), ("name", {}), ("decision", {}),
                        ("score", {"justify": "right"}), ("listed entity", {}), ("lists", {}),
                        ("reasons", {})):
            table.add_column(col, overflow="fold", **kw)  # type: ignore[arg-type]
        for r in summary.top.head(top).iter_rows(named=True):
            style = "red" if r["decision"] == "match" else "yellow"
            table.add_row(
                str(r["row"]), r["name"], f"[{style}]{r['decision']}[/]", f"{r['score']:.2f}",
                r["entity_name"], r["lists"], "; ".join(r["reasons"].split("; ")[:2]),
            )
        console.print(table)
    if output is not None:
        console.print(f"results written to {output}")


__all__ = ["print_summary", "screen"]
