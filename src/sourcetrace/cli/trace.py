"""``sourcetrace trace`` and ``sourcetrace graph``: map the supply chain, trace forced-labour risk
to parties and goods, keep graphs in the store."""

from __future__ import annotations

from collections import Counter
from contextlib import nullcontext
from enum import Enum
from pathlib import Path
from typing import Annotated

import polars as pl
import typer
from rich.console import Console

from sourcetrace.cli.console import (
    Format,
    FormatOption,
    Listing,
    print_listing,
    say,
    stdout_console,
)
from sourcetrace.cli.lists_import import DbOption
from sourcetrace.cli.progress import StepProgress
from sourcetrace.errors import ConfigError
from sourcetrace.io.options import Limits, ReadOptions
from sourcetrace.io.writers import atomic_path, output_format
from sourcetrace.settings import load_settings
from sourcetrace.tracing import (
    SEVERITY_RANK,
    ChainFiles,
    TraceOptions,
    delete_saved_graph,
    export_chain,
    saved_graphs,
    trace_chain,
    write_findings,
)
from sourcetrace.workspace.risk_decisions import store_decisions

DEFAULTS = TraceOptions()


class Severity(str, Enum):
    low = "low"
    medium = "medium"
    high = "high"


def trace(
    links: Annotated[
        Path | None,
        typer.Argument(
            help="Supply links: buyer, supplier, product, hs_code, quantity, unit, date, evidence,"
            " basis; other columns are kept with each link, saved and exported, not traced"
            " (leave out with --graph)",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write findings: .csv .jsonl .xlsx .parquet"),
    ] = None,
    ownership: Annotated[
        Path | None, typer.Option(help="Ownership: owner, owned, share (percent), evidence")
    ] = None,
    shipments: Annotated[
        Path | None,
        typer.Option(
            help="Shipments: shipper, consignee, hs_code, description, origin, date, quantity"
        ),
    ] = None,
    graph_name: Annotated[
        str | None,
        typer.Option("--graph", help="Trace the graph saved under this name instead of files"),
    ] = None,
    save: Annotated[
        str | None, typer.Option(help="Save the graph built from the files under this name")
    ] = None,
    db: DbOption = None,
    depth: Annotated[
        int, typer.Option(help="Most hops a risk travels downstream")
    ] = DEFAULTS.depth,
    ownership_threshold: Annotated[
        float,
        typer.Option(help="Share (percent) at which an owner's risk reaches the owned company"),
    ] = DEFAULTS.ownership_threshold,
    max_paths: Annotated[
        int,
        typer.Option(
            help="Above --exact-limit links: paths searched per party, product received and"
            " kind of risk, best first (strongest weakest link, then fewest hops); each"
            " finding keeps its risk source's best and counts all routes. 0: every path"
            " (graphs up to --exact-limit links only)"
        ),
    ] = DEFAULTS.max_paths,
    exact_limit: Annotated[
        int,
        typer.Option(
            help="Graphs up to this many links are traced path by path, per risk source; larger"
            " ones per kind of risk, the best path through each direct supplier"
        ),
    ] = DEFAULTS.exact_limit,
    product_rule: Annotated[
        bool,
        typer.Option(
            "--product-rule/--no-product-rule",
            help="Follow a path only where the goods coming in can go into the goods going out"
            " (cotton > yarn > fabric > garments; quartz > silicon > polysilicon...; unknown"
            " goods are always followed)",
        ),
    ] = True,
    date_tolerance: Annotated[
        int,
        typer.Option(
            help="Days an upstream link may be dated after the link it feeds; paths beyond it"
            " are dropped (undated links always fit)"
        ),
    ] = DEFAULTS.date_tolerance or 0,
    ignore_dates: Annotated[
        bool, typer.Option("--ignore-dates", help="Do not check that paths run forward in time")
    ] = False,
    yields: Annotated[
        Path | None,
        typer.Option(
            help="Yield factors for mass balance: input, output, factor (default: illustrative)"
        ),
    ] = None,
    min_severity: Annotated[
        Severity, typer.Option(help="Trace only risk sources of this severity or higher")
    ] = Severity.low,
    workers: Annotated[
        int,
        typer.Option(
            help="Processes that parse and screen party names, from "
            "SOURCETRACE_TRACE_WORKERS_FROM distinct names and addresses (default: all cores)",
            show_default=False,
        ),
    ] = 0,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary")] = False,
    no_store_lists: Annotated[
        bool, typer.Option("--no-store-lists", help="Ignore the lists imported into the store")
    ] = False,
    sheet: Annotated[
        str | None,
        typer.Option(
            help="XLSX links file: the sheet to read, by name or number from 1"
            " (default: the first holding a table)"
        ),
    ] = None,
    header_row: Annotated[
        int | None,
        typer.Option(
            help="Row of the links file holding the column names, from 1"
            " (default: detected below any title)"
        ),
    ] = None,
    rescreen: Annotated[
        bool,
        typer.Option(
            "--rescreen",
            help="With --graph: screen every party again even when the risk sources saved with"
            " the graph were found with the lists and matcher in force",
        ),
    ] = False,
    decisions: Annotated[
        bool,
        typer.Option(
            "--decisions/--no-decisions",
            help="Apply the review decisions on list hits kept in the store (--db, the"
            " workspace's): a hit dismissed as a false positive is no risk source, a confirmed"
            " one is high",
        ),
    ] = True,
) -> None:
    """Trace LINKS (or a saved --graph): one row per path by which a risk reaches a party, with
    its evidence hop by hop and its basis.

    A path must run forward in time (an upstream link dated more than --date-tolerance days
    after the link it feeds drops the path) and, with --product-rule, along one chain of goods.

    Parties are screened against the bundled lists, replaced list by list by the versions
    imported into the store (`sourcetrace lists import|update`), as `sourcetrace screen` does.
    """
    if (links is None) == (graph_name is None):
        raise ConfigError("give a links file or --graph NAME (one of them)")
    if output is None:
        raise ConfigError("give --output FILE for the findings")
    output_format(output)  # an unknown suffix fails before any work
    options = TraceOptions(
        depth=depth,
        ownership_threshold=ownership_threshold,
        max_paths=max_paths,
        exact_limit=exact_limit,
        product_rule=product_rule,
        date_tolerance=None if ignore_dates else date_tolerance,
        yields=yields,
        min_severity=min_severity.value,
        store_lists=not no_store_lists,
        rescreen=rescreen,
        workers=workers,
    )
    if date_tolerance < 0:  # also with --ignore-dates: the value given is wrong
        raise ConfigError(f"--date-tolerance must be 0 days or more, not {date_tolerance}")
    step = StepProgress("trace", quiet=quiet, interval=load_settings().progress_interval)
    read = ReadOptions(
        sheet=sheet,
        header_row=header_row,
        limits=Limits.from_settings(load_settings()),
        notice=None
        if quiet
        else lambda note: Console(stderr=True).print(
            f"note: {note}", highlight=False, soft_wrap=True
        ),
    )
    chain = _chain(links, ownership, shipments, graph_name, read)
    with store_decisions(db) if decisions else nullcontext(None) as book:
        traced = trace_chain(chain, options, db=db, save=save, progress=step, decisions=book)
    graph, sources = traced.graph, traced.traced
    frame = traced.tables.findings
    step(f"writing {frame.height:,} findings")
    written = write_findings(traced, output)
    step("done")
    if quiet:
        return
    console = stdout_console()
    console.print(
        f"[bold]{graph.size:,}[/] parties, [bold]{graph.edges.height:,}[/] links, "
        f"{len(graph.ownership):,} holdings; lists " + ", ".join(traced.lists.labels())
    )
    severities = frame.get_column("severity").cast(pl.String).value_counts()
    counts = Counter(dict(severities.iter_rows()))
    console.print(
        f"[bold]{frame.height:,}[/] findings: [red bold]high {counts['high']:,}[/]  "
        f"[yellow bold]medium {counts['medium']:,}[/]  low {counts['low']:,}; "
        f"{len(sources):,} risk sources, {len(traced.flags):,} mass-balance flags; "
        f"{traced.tables.sectors.height:,} party-products in a UFLPA high-priority sector"
    )
    if traced.reused is not None:
        console.print(traced.reused)
    if not traced.exact:
        console.print(
            f"traced by kind of risk (more than {exact_limit:,} links): the best "
            f"{max_paths} path(s) per party, product and kind, one per direct supplier, "
            "the best kept per risk source"
        )
    summary(frame, console)
    if traced.decided is not None and traced.decided.applied:
        console.print(
            f"review decisions on list matches applied: {traced.decided.applied:,}; "
            f"risk sources dismissed: {len(traced.dismissed):,}"
        )
    for dismissal in traced.dismissed:
        console.print(f"risk source dismissed: {dismissal.said(graph)}", highlight=False)
    for risk in traced.truncated:
        console.print(
            f"[yellow]path search stopped at {options.path_cap:,} paths for "
            f"{graph.name(risk.node)} ({risk.kind})[/]"
        )
    if save is not None:
        console.print(f"graph saved as {save!r}")
    console.print("findings written to " + ", ".join(str(p) for p in written))


def _chain(
    links: Path | None,
    ownership: Path | None,
    shipments: Path | None,
    graph_name: str | None,
    read: ReadOptions | None = None,
) -> ChainFiles | str:
    """The chain the options name: a saved graph's name, or the files."""
    if graph_name is not None:
        return graph_name
    assert links is not None  # the command checked that one of the two is given
    return ChainFiles(links, ownership, shipments, read=read)


def summary(frame: pl.DataFrame, console: Console, top: int = 10) -> None:
    """The most exposed parties: reached by others' risk, worst severity and most routes first."""
    rank = pl.col("severity").cast(pl.String).replace_strict(SEVERITY_RANK, return_dtype=pl.Int8)
    # Sort row numbers on the number columns, keep a few hundred, then look at their text: a
    # million-row trace's texts are not copied (filtering them took most of a second).
    at = (
        frame.lazy()
        .select(pl.int_range(pl.len(), dtype=pl.UInt32).alias("at"), "hops", "routes",
                "independent_paths", rank.alias("rank"))
        .filter(pl.col("hops") > 0)
        .sort("rank", "independent_paths", "routes", "hops",
              descending=[True, True, True, False], maintain_order=True)
        .head(top * 50)
        .collect()
        .get_column("at")
    )  # fmt: skip
    reached = frame[at].rename({"risk_kind": "kind"})
    if not reached.height:
        return
    best = reached.unique(["party", "kind"], keep="first", maintain_order=True).head(top)
    listing = Listing(
        ["party", "severity", "risk", "routes", "independent", "hops", "basis"],
        title="Most exposed parties", styles={"severity": {"high": "red", "medium": "yellow"}},
        right=["routes", "independent", "hops"],
    )  # fmt: skip
    for row in best.iter_rows(named=True):
        listing.rows.append([
            str(row["party"]), str(row["severity"]), f"{row['kind']}: {row['source']}",
            row["routes"], row["independent_paths"], row["hops"], str(row["basis"]),
        ])  # fmt: skip
    print_listing(listing, Format.table, console)


class ExportFormat(str, Enum):
    graphml = "graphml"
    cytoscape = "cytoscape"
    ftm = "ftm"


graph_app = typer.Typer(
    help="The supply-chain graph: export it, list the graphs saved in the store."
)


@graph_app.command("export")
def graph_export(
    links: Annotated[
        Path | None,
        typer.Argument(
            help="Supply links (as for trace; leave out with --graph)", show_default=False
        ),
    ] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write")] = None,
    format: Annotated[
        ExportFormat, typer.Option("--format", "-f", help="graphml, cytoscape or ftm")
    ] = ExportFormat.graphml,
    ownership: Annotated[Path | None, typer.Option(help="Ownership file")] = None,
    shipments: Annotated[Path | None, typer.Option(help="Shipments file")] = None,
    graph_name: Annotated[
        str | None, typer.Option("--graph", help="Export the graph saved under this name")
    ] = None,
    db: DbOption = None,
    findings: Annotated[
        Path | None,
        typer.Option(
            help="Findings written by `trace -o NAME.parquet`: add each party's "
            "exposure and each link's findings (GraphML, Cytoscape)"
        ),
    ] = None,
) -> None:
    """Write the graph of parties, supply links and ownership as GraphML, Cytoscape JSON or FtM.

    Each link and holding carries the file and row it was read from and the input files' other
    columns (GraphML attributes by header, Cytoscape `extra`, FtM `description`).
    """
    if (links is None) == (graph_name is None):
        raise ConfigError("give a links file or --graph NAME (one of them)")
    if output is None:
        raise ConfigError("give --output FILE")
    graph, text = export_chain(_chain(links, ownership, shipments, graph_name), format.value, db,
                               findings)  # fmt: skip
    with atomic_path(output) as tmp:
        tmp.write_text(text, encoding="utf-8")
    stdout_console().print(
        f"wrote {graph.size} parties, {graph.edges.height} links and "
        f"{len(graph.ownership)} holdings to {output} ({format.value})"
    )


@graph_app.command("list")
def graph_list(db: DbOption = None, format: FormatOption = Format.table) -> None:
    """The graphs saved in the store (`trace --save NAME`), with what they hold."""
    saved = saved_graphs(db)
    if not saved and format is Format.table:
        say(format, "no saved graphs (save one with: sourcetrace trace LINKS -o OUT --save NAME)")
        return
    listing = Listing(["name", "saved", "parties", "links", "holdings", "files"],
                      title="Saved graphs", right=["parties", "links", "holdings"])  # fmt: skip
    for g in saved:
        listing.rows.append([g.name, g.saved_at, g.parties, g.links, g.holdings,
                             ", ".join(g.files)])  # fmt: skip
    print_listing(listing, format)


@graph_app.command("delete")
def graph_delete(
    name: Annotated[str, typer.Argument(help="The saved graph to remove", show_default=False)],
    db: DbOption = None,
) -> None:
    """Remove a graph saved with `trace --save NAME`: its parties, links, holdings and risk
    sources, in one transaction (the lists in the store are not touched)."""
    delete_saved_graph(name, db)
    stdout_console().print(f"graph {name!r} deleted")
