"""``sourcetrace trace``: map the supply chain, trace forced-labour risk to parties and goods."""

from __future__ import annotations

from collections import Counter
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from sourcetrace.errors import ConfigError
from sourcetrace.graph.balance import check_balance
from sourcetrace.graph.build import read_graph, read_wro_merchandise, read_yields
from sourcetrace.graph.findings import findings_frame
from sourcetrace.graph.model import Graph
from sourcetrace.graph.risks import SEVERITY_RANK, find_risks
from sourcetrace.graph.trace import Exposure, exposures
from sourcetrace.graph.trace import trace as run_trace
from sourcetrace.io.writers import write_table
from sourcetrace.lists.bundled import default_list_path
from sourcetrace.matching.score import Matcher
from sourcetrace.screening import load_lists
from sourcetrace.settings import load_settings


class Severity(str, Enum):
    low = "low"
    medium = "medium"
    high = "high"


def trace(
    links: Annotated[
        Path,
        typer.Argument(
            help="Supply links: buyer, supplier, product, hs_code, quantity, unit, date, evidence,"
            " basis"
        ),
    ],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Write findings: .csv .jsonl .xlsx .parquet")
    ],
    ownership: Annotated[
        Path | None, typer.Option(help="Ownership: owner, owned, share (percent), evidence")
    ] = None,
    shipments: Annotated[
        Path | None,
        typer.Option(
            help="Shipments: shipper, consignee, hs_code, description, origin, date, quantity"
        ),
    ] = None,
    depth: Annotated[int, typer.Option(help="Most hops a risk travels downstream")] = 6,
    ownership_threshold: Annotated[
        float,
        typer.Option(help="Share (percent) at which an owner's risk reaches the owned company"),
    ] = 50.0,
    yields: Annotated[
        Path | None,
        typer.Option(
            help="Yield factors for mass balance: input, output, factor (default: illustrative)"
        ),
    ] = None,
    max_paths: Annotated[
        int,
        typer.Option(help="Most paths followed from one risk source (the summary says when hit)"),
    ] = 10_000,
    min_severity: Annotated[
        Severity, typer.Option(help="Trace only risk sources of this severity or higher")
    ] = Severity.low,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary")] = False,
) -> None:
    """Trace LINKS: one row per risk reaching a party, with the path, its evidence and basis."""
    if depth < 1:
        raise ConfigError(f"--depth must be at least 1, not {depth}")
    if not 0.0 < ownership_threshold <= 100.0:
        raise ConfigError(
            f"--ownership-threshold must be a percentage in (0, 100], not {ownership_threshold:g}"
        )
    if max_paths < 1:
        raise ConfigError(f"--max-paths must be at least 1, not {max_paths}")
    graph = read_graph(links, ownership, shipments)
    factors = read_yields(yields) if yields is not None else None
    entities, used = load_lists()
    matcher = Matcher(entities, load_settings())
    sources = [
        s
        for s in find_risks(graph, matcher, read_wro_merchandise(default_list_path()))
        if SEVERITY_RANK[s.severity] >= SEVERITY_RANK[min_severity.value]
    ]
    result = run_trace(
        graph, sources, depth=depth, ownership_threshold=ownership_threshold, max_paths=max_paths
    )
    flags = check_balance(graph, factors)
    frame = findings_frame(graph, result.findings, flags)
    write_table(frame, output)
    if quiet:
        return
    console = Console()
    console.print(
        f"[bold]{len(graph.nodes)}[/] parties, [bold]{len(graph.links)}[/] links, "
        f"{len(graph.ownership)} holdings; lists "
        + ", ".join(f"{u.name} {u.version}" for u in used)
    )
    counts = Counter(str(s) for s in frame.get_column("severity").to_list())
    console.print(
        f"[bold]{frame.height}[/] findings: [red bold]high {counts['high']}[/]  "
        f"[yellow bold]medium {counts['medium']}[/]  low {counts['low']}; "
        f"{len(sources)} risk sources, {len(flags)} mass-balance flags"
    )
    summary(graph, exposures(result.findings), console)
    for risk in result.truncated:
        console.print(
            f"[yellow]path search stopped at the cap for {graph.name(risk.node)} ({risk.kind})[/]"
        )
    console.print(f"findings written to {output}")


def summary(graph: Graph, items: list[Exposure], console: Console, top: int = 10) -> None:
    """The most exposed parties: reached by others' risk, worst severity and most paths first."""
    reached = [e for e in items if e.min_hops > 0]
    if not reached:
        return
    table = Table(title="Most exposed parties", expand=True)
    for col in ("party", "severity", "risk", "paths", "independent", "hops", "basis"):
        table.add_column(col, overflow="fold")
    reached.sort(key=lambda e: (-SEVERITY_RANK[e.risk.severity], -e.independent_paths, -e.paths))
    for e in reached[:top]:
        style = {"high": "red", "medium": "yellow"}.get(e.risk.severity, "")
        table.add_row(
            graph.name(e.node),
            f"[{style}]{e.risk.severity}[/]" if style else e.risk.severity,
            f"{e.risk.kind}: {graph.name(e.risk.node)}",
            str(e.paths),
            str(e.independent_paths),
            str(e.min_hops),
            e.best_basis.value if e.best_basis else "",
        )
    console.print(table)


class ExportFormat(str, Enum):
    graphml = "graphml"
    cytoscape = "cytoscape"
    ftm = "ftm"


graph_app = typer.Typer(help="The supply-chain graph: export it for other tools.")


@graph_app.command("export")
def graph_export(
    links: Annotated[Path, typer.Argument(help="Supply links (as for trace)")],
    output: Annotated[Path, typer.Option("--output", "-o", help="File to write")],
    format: Annotated[ExportFormat, typer.Option("--format", "-f", help="graphml, cytoscape or ftm")] = ExportFormat.graphml,
    ownership: Annotated[Path | None, typer.Option(help="Ownership file")] = None,
    shipments: Annotated[Path | None, typer.Option(help="Shipments file")] = None,
) -> None:
    """Write the graph of parties, supply links and ownership as GraphML, Cytoscape JSON or FtM."""
    from sourcetrace.graph.export import export
    from sourcetrace.io.writers import atomic_path

    graph = read_graph(links, ownership, shipments)
    text = export(graph, format.value)
    with atomic_path(output) as tmp:
        tmp.write_text(text, encoding="utf-8")
    Console().print(
        f"wrote {len(graph.nodes)} parties, {len(graph.links)} links and "
        f"{len(graph.ownership)} holdings to {output} ({format.value})"
    )
