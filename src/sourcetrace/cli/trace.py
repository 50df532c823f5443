"""``sourcetrace trace`` and ``sourcetrace graph``: map the supply chain, trace forced-labour risk
to parties and goods, keep graphs in the store."""

from __future__ import annotations

import os
from collections import Counter
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

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
from sourcetrace.graph.balance import check_balance
from sourcetrace.graph.build import Built, read_built, read_yields, trace_lists
from sourcetrace.graph.dates import DEFAULT_TOLERANCE_DAYS
from sourcetrace.graph.findings import findings_frame, paths_frame
from sourcetrace.graph.model import Graph
from sourcetrace.graph.paths import best_paths
from sourcetrace.graph.risks import SEVERITY_RANK, RiskSource, find_risks
from sourcetrace.graph.trace import Rules
from sourcetrace.graph.trace import trace as run_trace
from sourcetrace.io.writers import output_format, write_table
from sourcetrace.settings import load_settings

if TYPE_CHECKING:
    from sourcetrace.store.graphs import LoadedGraph

EXACT_LIMIT = 50_000
PATH_CAP = 10_000  # exact tracing: most paths followed from one risk source


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
    depth: Annotated[int, typer.Option(help="Most hops a risk travels downstream")] = 6,
    ownership_threshold: Annotated[
        float,
        typer.Option(help="Share (percent) at which an owner's risk reaches the owned company"),
    ] = 50.0,
    max_paths: Annotated[
        int,
        typer.Option(
            help="Paths written per party, product received and risk, best first (strongest"
            " weakest link, then fewest hops); every row counts all routes. 0: every path"
            " (graphs up to --exact-limit links only)"
        ),
    ] = 3,
    exact_limit: Annotated[
        int,
        typer.Option(
            help="Graphs up to this many links are traced path by path, per risk source; larger"
            " ones per kind of risk, the best path through each direct supplier"
        ),
    ] = EXACT_LIMIT,
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
    ] = DEFAULT_TOLERANCE_DAYS,
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
            help="Processes that parse and screen party names (default: all cores)",
            show_default=False,
        ),
    ] = 0,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary")] = False,
    no_store_lists: Annotated[
        bool, typer.Option("--no-store-lists", help="Ignore the lists imported into the store")
    ] = False,
    rescreen: Annotated[
        bool,
        typer.Option(
            "--rescreen",
            help="With --graph: screen every party again even when the risk sources saved with"
            " the graph were found with the lists and matcher in force",
        ),
    ] = False,
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
    if depth < 1:
        raise ConfigError(f"--depth must be at least 1, not {depth}")
    if not 0.0 < ownership_threshold <= 100.0:
        raise ConfigError(
            f"--ownership-threshold must be a percentage in (0, 100], not {ownership_threshold:g}"
        )
    if max_paths < 0:
        raise ConfigError(f"--max-paths must be 0 (every path) or more, not {max_paths}")
    if date_tolerance < 0:
        raise ConfigError(f"--date-tolerance must be 0 days or more, not {date_tolerance}")
    if graph_name is not None and save is not None:
        raise ConfigError("--save applies to a graph built from files, not to --graph")
    workers = workers or os.cpu_count() or 1
    settings = load_settings()
    step = StepProgress("trace", quiet=quiet, interval=settings.progress_interval)
    rules = Rules(products=product_rule, date_tolerance=None if ignore_dates else date_tolerance)
    factors = read_yields(yields) if yields is not None else None
    screening = trace_lists(db, settings, not no_store_lists)
    lists = [f"{u.name} {u.version}" for u in screening.used]

    reused: str | None = None  # why the saved risk sources were (not) used, for the summary
    found: list[RiskSource] | None = None
    if graph_name is not None:
        step(f"loading graph {graph_name!r} from the store")
        loaded = _load(graph_name, db)
        graph, facts = loaded.graph, None
        if loaded.saved.screened_with == screening.screened_with and not rescreen:
            found = loaded.risks
            reused = "risk sources as saved with the graph (same lists and matcher)"
        elif loaded.saved.screened_with is None and not rescreen:
            reused = "parties screened again: the graph was saved without a record of its lists"
        elif not rescreen:
            reused = "parties screened again: the lists or the matcher differ from the graph's"
    else:
        assert links is not None
        step(f"reading {links.name}, resolving and screening its parties ({workers} processes)")
        built: Built = read_built(links, ownership, shipments, screening.matcher, workers)
        graph, facts = built.graph, built.facts
    if max_paths == 0 and graph.edges.height > exact_limit:
        raise ConfigError(
            f"--max-paths 0 (every path) is for graphs up to --exact-limit {exact_limit:,} links;"
            f" this one has {graph.edges.height:,}"
        )
    if found is None:
        step(f"finding the risk sources of {graph.size:,} parties")
        found = find_risks(graph, screening.matcher, screening.merchandise, facts, workers)
    if save is not None:
        files = [str(p) for p in (links, ownership, shipments) if p]
        step(f"saving the graph as {save!r}")
        _save(save, graph, found, files, lists, screening.screened_with, db)
    sources = [s for s in found if SEVERITY_RANK[s.severity] >= SEVERITY_RANK[min_severity.value]]
    step("checking mass balance")
    flags = check_balance(graph, factors)
    exact = graph.edges.height <= exact_limit
    step(f"tracing {len(sources):,} risk sources through {graph.edges.height:,} links")
    truncated: list[RiskSource] = []
    if exact:
        result = run_trace(graph, sources, depth, ownership_threshold, PATH_CAP, rules)
        truncated = result.truncated
        frame = findings_frame(graph, result.findings, flags, max_paths or None)
    else:
        paths = best_paths(graph, sources, depth, ownership_threshold, max_paths, rules, workers)
        frame = paths_frame(graph, paths, flags)
    step(f"writing {frame.height:,} findings")
    write_table(frame, output)
    step("done")
    if quiet:
        return
    console = stdout_console()
    console.print(
        f"[bold]{graph.size:,}[/] parties, [bold]{graph.edges.height:,}[/] links, "
        f"{len(graph.ownership):,} holdings; lists " + ", ".join(lists)
    )
    severities = frame.get_column("severity").cast(pl.String).value_counts()
    counts = Counter(dict(severities.iter_rows()))
    console.print(
        f"[bold]{frame.height:,}[/] findings: [red bold]high {counts['high']:,}[/]  "
        f"[yellow bold]medium {counts['medium']:,}[/]  low {counts['low']:,}; "
        f"{len(sources):,} risk sources, {len(flags):,} mass-balance flags"
    )
    if reused is not None:
        console.print(reused)
    if not exact:
        console.print(
            f"traced by kind of risk (more than {exact_limit:,} links): the best "
            f"{max_paths} path(s) per party, product and kind, one per direct supplier"
        )
    summary(frame, console)
    for risk in truncated:
        console.print(
            f"[yellow]path search stopped at {PATH_CAP:,} paths for {graph.name(risk.node)} "
            f"({risk.kind})[/]"
        )
    if save is not None:
        console.print(f"graph saved as {save!r}")
    console.print(f"findings written to {output}")


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
    reached = frame[at].with_columns(
        pl.col("risk").cast(pl.String).str.split(":").list.first().alias("kind")
    )
    if not reached.height:
        return
    best = reached.unique(["node", "kind"], keep="first", maintain_order=True).head(top)
    listing = Listing(
        ["party", "severity", "risk", "routes", "independent", "hops", "basis"],
        title="Most exposed parties", styles={"severity": {"high": "red", "medium": "yellow"}},
        right=["routes", "independent", "hops"],
    )  # fmt: skip
    for row in best.iter_rows(named=True):
        source = str(row["path"]).split(" > ")[0]
        listing.rows.append([
            str(row["node"]), str(row["severity"]), f"{row['kind']}: {source}", row["routes"],
            row["independent_paths"], row["hops"], str(row["basis"]),
        ])  # fmt: skip
    print_listing(listing, Format.table, console)


def _load(name: str, db: str | None) -> LoadedGraph:
    from sourcetrace.store.db import ListStore
    from sourcetrace.store.graphs import load_graph

    with ListStore.open(db) as store:
        return load_graph(store, name)


def _save(
    name: str,
    graph: Graph,
    risks: list[RiskSource],
    files: list[str],
    lists: list[str],
    screened_with: str,
    db: str | None,
) -> None:
    from sourcetrace.store.db import ListStore
    from sourcetrace.store.graphs import save_graph

    with ListStore.open(db) as store:
        save_graph(store, name, graph, risks, files, lists, screened_with)


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
) -> None:
    """Write the graph of parties, supply links and ownership as GraphML, Cytoscape JSON or FtM.

    Each link and holding carries the file and row it was read from and the input files' other
    columns (GraphML attributes by header, Cytoscape `extra`, FtM `description`).
    """
    from sourcetrace.graph.export import export
    from sourcetrace.io.writers import atomic_path

    if (links is None) == (graph_name is None):
        raise ConfigError("give a links file or --graph NAME (one of them)")
    if output is None:
        raise ConfigError("give --output FILE")
    if graph_name is not None:
        graph = _load(graph_name, db).graph
    else:
        assert links is not None
        graph = read_built(links, ownership, shipments).graph
    text = export(graph, format.value)
    with atomic_path(output) as tmp:
        tmp.write_text(text, encoding="utf-8")
    stdout_console().print(
        f"wrote {graph.size} parties, {graph.edges.height} links and "
        f"{len(graph.ownership)} holdings to {output} ({format.value})"
    )


@graph_app.command("list")
def graph_list(db: DbOption = None, format: FormatOption = Format.table) -> None:
    """The graphs saved in the store (`trace --save NAME`), with what they hold."""
    from sourcetrace.store.db import ListStore
    from sourcetrace.store.graphs import list_graphs

    with ListStore.open(db) as store:
        saved = list_graphs(store)
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
    from sourcetrace.store.db import ListStore
    from sourcetrace.store.graphs import delete_graph, unknown_graph

    with ListStore.open(db) as store:
        if not delete_graph(store, name):
            raise unknown_graph(store, name)
    stdout_console().print(f"graph {name!r} deleted")
