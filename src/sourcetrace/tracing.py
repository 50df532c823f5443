"""Tracing a supply chain to forced-labour risk: the use case the CLI and the web app call.

:func:`trace_chain` does the whole of it, once, for ``sourcetrace trace`` and the workspace's
map: choose the lists (the bundled ones, each replaced by the version in force in the store),
build the graph from files or load one saved in the store, find its risk sources (or reuse those
saved with it), keep those of the severity asked for, check the mass balance, trace them (path
by path up to :attr:`TraceOptions.exact_limit` links, by kind of risk beyond) and tabulate the
findings. :class:`TraceOptions` holds every choice, with the defaults written here only.

The saved graphs (``trace --save NAME``, the chains uploaded in the workspace) are reached
through :func:`saved_graph`, :func:`saved_graphs` and :func:`delete_saved_graph`, so that the
adapters need not know the store's modules.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Literal

import polars as pl

from sourcetrace import __version__
from sourcetrace.errors import ConfigError
from sourcetrace.graph.balance import BalanceFlag, check_balance, read_yields
from sourcetrace.graph.build import build
from sourcetrace.graph.dates import DEFAULT_TOLERANCE_DAYS
from sourcetrace.graph.decisions import (
    LISTED_KINDS,
    Decided,
    DecisionBook,
    Dismissal,
    apply_decisions,
    rests_on,
)
from sourcetrace.graph.export import export
from sourcetrace.graph.model import Graph
from sourcetrace.graph.paths import best_paths
from sourcetrace.graph.returns import without_returns
from sourcetrace.graph.risks import SECTOR, SEVERITY_RANK, RiskSource, find_risks, node_hits
from sourcetrace.graph.tables import (
    FindingTables,
    dismissed_table,
    exposure,
    from_findings,
    from_paths,
    read_tables,
    readable,
    write_tables,
)
from sourcetrace.graph.trace import (
    DEPTH,
    MAX_PATHS,
    OWNERSHIP_THRESHOLD,
    PATH_CAP,
    Finding,
    Rules,
    trace,
)
from sourcetrace.io.options import ReadOptions
from sourcetrace.lists.bundled import default_list_path
from sourcetrace.lists.merchandise import read_wro_merchandise
from sourcetrace.matching.matcher import Matcher
from sourcetrace.matching.score import ALGORITHM
from sourcetrace.model import Hit, ListedEntity
from sourcetrace.screening import ListUsed, lists_fingerprint, load_lists, store_lists
from sourcetrace.settings import Settings, load_settings
from sourcetrace.store.db import ListStore
from sourcetrace.store.graphs import (
    LoadedGraph,
    SavedGraph,
    delete_graph,
    list_graphs,
    load_graph,
    unknown_graph,
)
from sourcetrace.store.graphs import save_graph as store_graph

__all__ = [
    "SEVERITY_RANK",
    "ChainFiles",
    "ChainTrace",
    "DecisionBook",
    "Dismissal",
    "TraceLists",
    "TraceOptions",
    "delete_saved_graph",
    "dismissed_rows",
    "export_chain",
    "risk_hits",
    "save_graph",
    "saved_graph",
    "saved_graphs",
    "trace_chain",
    "trace_lists",
]

Severity = Literal["low", "medium", "high"]
ExportFormat = Literal["graphml", "cytoscape", "ftm"]


@dataclass(frozen=True, slots=True)
class TraceOptions:
    """How a chain is traced: every choice of ``sourcetrace trace``, with its default.

    Invalid values raise :class:`~sourcetrace.errors.ConfigError` naming the option as the
    command spells it.
    """

    depth: int = DEPTH
    """Most hops a risk travels downstream."""
    ownership_threshold: float = OWNERSHIP_THRESHOLD
    """Share (percent) at which an owner's risk reaches the owned company."""
    max_paths: int = MAX_PATHS
    """Graphs above :attr:`exact_limit` links: the best paths searched per party, product
    received and kind of risk, of which each risk source's best is kept (the findings hold one
    path per party, product and risk source); 0: every path (graphs up to :attr:`exact_limit`
    links only, which consider every path anyway)."""
    exact_limit: int = 50_000
    """Graphs up to this many links are traced path by path, per risk source; larger ones per
    kind of risk, the best paths through each direct supplier."""
    path_cap: int = PATH_CAP
    """Path by path: most paths followed from one risk source (the rest is reported)."""
    product_rule: bool = True
    """Follow a path only where the goods coming in can go into the goods going out."""
    date_tolerance: int | None = DEFAULT_TOLERANCE_DAYS
    """Days an upstream link may be dated after the link it feeds; None: dates not checked."""
    yields: Path | None = None
    """Yield factors for the mass balance (input, output, factor); None: the illustrative ones."""
    min_severity: Severity = "low"
    """Trace only risk sources of this severity or higher."""
    store_lists: bool = True
    """Screen against the list versions imported into the store (else the bundled lists only)."""
    rescreen: bool = False
    """A saved graph: screen its parties again even when its saved risk sources still hold."""
    workers: int = 0
    """Processes that parse and screen party names; 0: every core."""
    sector_sources: bool = False
    """Also find the sector risk sources (a low one per party shipping goods of a UFLPA
    high-priority sector) for :attr:`ChainTrace.sources`, where the map colours parties by them.
    They are never traced (sector exposure is a table of its own), so the command leaves them
    out, except in a graph it saves (``save``: saved with all its risk sources)."""

    def __post_init__(self) -> None:
        if self.depth < 1:
            raise ConfigError(f"--depth must be at least 1, not {self.depth}")
        if not 0.0 < self.ownership_threshold <= 100.0:
            raise ConfigError(
                "--ownership-threshold must be a percentage in (0, 100], not "
                f"{self.ownership_threshold:g}"
            )
        if self.max_paths < 0:
            raise ConfigError(f"--max-paths must be 0 (every path) or more, not {self.max_paths}")
        if self.date_tolerance is not None and self.date_tolerance < 0:
            raise ConfigError(f"--date-tolerance must be 0 days or more, not {self.date_tolerance}")
        if self.min_severity not in SEVERITY_RANK:
            raise ConfigError(
                f"--min-severity must be low, medium or high, not {self.min_severity!r}"
            )
        if self.path_cap < 1 or self.exact_limit < 0 or self.workers < 0:
            raise ConfigError("--exact-limit, the path cap and --workers cannot be negative")

    @property
    def rules(self) -> Rules:
        """The plausibility rules a path must pass."""
        return Rules(products=self.product_rule, date_tolerance=self.date_tolerance)

    def processes(self) -> int:
        """The worker processes to use: :attr:`workers`, or every core."""
        return self.workers or os.cpu_count() or 1


@dataclass(frozen=True, slots=True)
class ChainFiles:
    """The files of a supply chain: supply links, and optionally ownership and shipments.

    ``names``: by role (``links``, ``ownership``, ``shipments``), the name errors and each
    link's provenance give a file (default: its path), e.g. an uploaded copy's original name.
    """

    links: Path
    ownership: Path | None = None
    shipments: Path | None = None
    names: Mapping[str, str] = field(default_factory=dict)
    read: ReadOptions | None = None
    """How to read the links file (sheet, header row) and the limits every file is held to."""

    def __post_init__(self) -> None:
        # Paths may be given as text too (the Python API takes both).
        for role in ("links", "ownership", "shipments"):
            value = getattr(self, role)
            if value is not None and not isinstance(value, Path):
                object.__setattr__(self, role, Path(value))

    def shown(self) -> list[str]:
        """The files as the chain names them, links first."""
        paths = (("links", self.links), ("ownership", self.ownership),
                 ("shipments", self.shipments))  # fmt: skip
        return [self.names.get(role, str(p)) for role, p in paths if p is not None]


@dataclass(frozen=True)
class TraceLists:
    """What a trace screens parties against; the matcher is made (or read from its cache) when
    first asked for: a saved graph whose risk sources are reused needs none."""

    entities: list[ListedEntity]
    settings: Settings
    merchandise: dict[str, str]  # entity id -> merchandise its CBP order names
    used: list[ListUsed]

    @cached_property
    def matcher(self) -> Matcher:
        return Matcher.cached(self.entities, self.settings, lists_fingerprint(self.used))

    @property
    def screened_with(self) -> str:
        """Everything the risk sources found with these lists depend on: the list versions (by
        content), the matcher's algorithm, its thresholds and sourcetrace's version (which
        covers the gazetteer, the postcode and USCC rules and the sector table). A graph saved
        with the same value can reuse its risk sources instead of screening every party again."""
        s = self.settings
        return (
            f"lists {lists_fingerprint(self.used)}; {ALGORITHM}; match {s.match_threshold:g}; "
            f"review {s.review_threshold:g}; candidates {s.max_candidates}; "
            f"sourcetrace {__version__}"
        )

    def labels(self) -> list[str]:
        """Each list as "name version"."""
        return [f"{u.name} {u.version}" for u in self.used]


def trace_lists(db: str | None, settings: Settings, use_store: bool = True) -> TraceLists:
    """The lists a trace screens against, as ``sourcetrace screen`` does: the bundled lists, each
    replaced by the version in force in the store when there is one (unless ``use_store`` is
    false; a missing store is not created), with the merchandise their CBP orders name. The
    matcher's index is cached per set of list versions (:meth:`Matcher.cached`)."""
    stored_lists: AbstractContextManager[list[tuple[Path, ListUsed]]] = (
        store_lists(db, settings) if use_store else nullcontext([])
    )
    with stored_lists as stored:
        entities, used = load_lists(stored=stored)
        # A stored version's orders come after the bundled ones, so that they win (same ids).
        files = [default_list_path()] if any(u.path == "(bundled)" for u in used) else []
        merchandise = read_wro_merchandise(*files, *(path for path, _ in stored))
    return TraceLists(entities, settings, merchandise, used)


@dataclass
class ChainTrace:
    """What tracing a chain found: the graph, its risk sources, the mass-balance flags and the
    findings table (the trace output contract), with how it was traced."""

    graph: Graph
    sources: list[RiskSource]
    """Every risk source of the graph (before :attr:`TraceOptions.min_severity`); the sector
    ones only with :attr:`TraceOptions.sector_sources`, a save, or a saved graph's."""
    traced: list[RiskSource]
    """The risk sources traced."""
    flags: list[BalanceFlag]
    tables: FindingTables
    """The findings, their paths' hops, checklists and sector exposure (the output contract:
    :mod:`sourcetrace.graph.tables`)."""
    findings: list[Finding] | None
    """Path by path: every path followed (the map draws them); None when traced by kind."""
    truncated: list[RiskSource]
    """Path by path: the risk sources whose search stopped at the path cap."""
    lists: TraceLists
    options: TraceOptions
    files: list[str] = field(default_factory=list)
    """The files the graph was built from, as the chain names them."""
    reused: str | None = None
    """A saved graph: whether its saved risk sources were used, and why (not)."""
    saved: str | None = None
    """The name the graph was saved under, if it was."""
    decided: Decided | None = None
    """The risk sources once analysts' decisions on their list hits are applied (all
    severities), and those the decisions dismissed; None when no decisions were read."""

    @property
    def standing(self) -> list[RiskSource]:
        """Every risk source that stands after the decisions (what the map shows)."""
        return self.decided.sources if self.decided is not None else self.sources

    @property
    def dismissed(self) -> list[Dismissal]:
        """The risk sources the decisions removed, with the decisions."""
        return self.decided.dismissed if self.decided is not None else []

    @cached_property
    def table(self) -> pl.DataFrame:
        """What a person reads: the strongest finding per party and product, one line each."""
        return readable(self.tables)

    @property
    def exact(self) -> bool:
        """Whether the chain was traced path by path (else by kind of risk)."""
        return self.findings is not None


def trace_chain(
    chain: ChainFiles | str,
    options: TraceOptions | None = None,
    *,
    db: str | None = None,
    save: str | None = None,
    lists: TraceLists | None = None,
    settings: Settings | None = None,
    check: Callable[[Graph], None] | None = None,
    progress: Callable[[str], None] | None = None,
    decisions: DecisionBook | None = None,
) -> ChainTrace:
    """Trace a chain: its files, or the graph saved in the store under the name ``chain``.

    ``db``: the store (URL or path; default: ``SOURCETRACE_DB`` or the data directory's file),
    where lists in force and saved graphs are. ``save``: also save the graph built from the
    files under this name, with its risk sources. ``lists``: screen against these instead of
    choosing them (the web app chooses per store). ``check``: called with the graph before its
    risk sources are found, to refuse it (the map's size limit). ``progress``: told each step as it starts.
    ``decisions``: analysts' decisions on list hits, applied before tracing
    (:mod:`sourcetrace.graph.decisions`: a false positive removes what rests on it, a
    confirmed hit is high); the graph is saved with its risk sources as screened.
    """
    options = options or TraceOptions()
    step = progress or (lambda _what: None)
    if isinstance(chain, str) and save is not None:
        raise ConfigError("--save applies to a graph built from files, not to --graph")
    workers = options.processes()
    factors = read_yields(options.yields) if options.yields is not None else None
    settings = settings or load_settings()
    if lists is None:
        lists = trace_lists(db, settings, options.store_lists)

    reused: str | None = None
    found: list[RiskSource] | None = None
    if isinstance(chain, str):
        step(f"loading graph {chain!r} from the store")
        loaded = saved_graph(chain, db)
        graph, facts, files = loaded.graph, None, loaded.saved.files
        if loaded.saved.screened_with == lists.screened_with and not options.rescreen:
            found = loaded.risks
            reused = "risk sources as saved with the graph (same lists and matcher)"
        elif loaded.saved.screened_with is None and not options.rescreen:
            reused = "parties screened again: the graph was saved without a record of its lists"
        elif not options.rescreen:
            reused = "parties screened again: the lists or the matcher differ from the graph's"
    else:
        step(f"reading {chain.links.name}, resolving and screening its parties "
             f"({workers} processes)")  # fmt: skip
        built = build(chain.links, chain.ownership, chain.shipments, names=chain.names,
                      read=chain.read, matcher=lists.matcher, workers=workers,
                      parallel_from=settings.trace_workers_from)  # fmt: skip
        graph, facts, files = built.graph, built.facts, chain.shown()
    if check is not None:
        check(graph)
    if options.max_paths == 0 and graph.edges.height > options.exact_limit:
        raise ConfigError(
            f"--max-paths 0 (every path) is for graphs up to --exact-limit "
            f"{options.exact_limit:,} links; this one has {graph.edges.height:,}"
        )
    if found is None:
        step(f"finding the risk sources of {graph.size:,} parties")
        found = find_risks(
            graph,
            lists.matcher,
            lists.merchandise,
            facts,
            workers,
            sectors=options.sector_sources or save is not None,
        )
    if save is not None:
        assert isinstance(chain, ChainFiles)
        step(f"saving the graph as {save!r}")
        save_graph(save, graph, found, files, lists, db)
    decided: Decided | None = None
    if decisions is not None:
        step("applying review decisions on list hits")
        # Found again only for parties with a decision (a saved graph's facts are not kept).
        decided = apply_decisions(graph, found, decisions,
                                  lambda node: node_hits(node, lists.matcher, facts),
                                  lists.merchandise)  # fmt: skip
    floor = SEVERITY_RANK[options.min_severity]
    standing = decided.sources if decided is not None else found
    # Sector exposure is a property of a party and product (tables.sector_exposure), not a risk
    # that travels: it is not traced.
    sources = [s for s in standing if SEVERITY_RANK[s.severity] >= floor and s.kind != SECTOR]
    # Returns carry no risk upstream and are no production input (graph/returns.py): the trace
    # and the balance walk the graph without them; the graph returned keeps them for the map.
    forward = without_returns(graph)
    step("checking mass balance")
    flags = check_balance(forward, factors)
    step(f"tracing {len(sources):,} risk sources through {graph.edges.height:,} links")
    findings: list[Finding] | None = None
    truncated: list[RiskSource] = []
    if graph.edges.height <= options.exact_limit:
        result = trace(forward, sources, options.depth, options.ownership_threshold,
                       options.path_cap, options.rules)  # fmt: skip
        findings, truncated = result.findings, result.truncated
        tables = from_findings(forward, findings, sources, flags)
    else:
        paths = best_paths(forward, sources, options.depth, options.ownership_threshold,
                           options.max_paths, options.rules, workers)  # fmt: skip
        tables = from_paths(forward, paths, flags)
    if decided is not None:
        tables.dismissed = dismissed_table(graph, decided.dismissed)
    return ChainTrace(graph, found, sources, flags, tables, findings, truncated, lists, options,
                      files, reused, save, decided)  # fmt: skip


def write_findings(traced: ChainTrace, path: Path) -> list[Path]:
    """Write what a trace found to ``path`` (:func:`~sourcetrace.graph.tables.write_tables`:
    the five tables to .parquet, the person's view and the dismissed risk sources to .csv,
    .jsonl or .xlsx); the files written."""
    return write_tables(traced.tables, path)


def saved_graph(name: str, db: str | None = None) -> LoadedGraph:
    """The graph saved in the store under ``name``, with the risk sources saved with it; an
    unknown name is a :class:`~sourcetrace.errors.ConfigError` listing the saved ones."""
    with ListStore.open(db) as store:
        return load_graph(store, name)


def save_graph(
    name: str,
    graph: Graph,
    risks: list[RiskSource],
    files: list[str],
    lists: TraceLists,
    db: str | None = None,
) -> SavedGraph:
    """Save (or replace) ``graph`` under ``name`` with its risk sources, in one transaction."""
    with ListStore.open(db) as store:
        return store_graph(store, name, graph, risks, files, lists.labels(), lists.screened_with)


def saved_graphs(db: str | None = None) -> list[SavedGraph]:
    """The graphs saved in the store, by name, with what they hold (not loaded)."""
    with ListStore.open(db) as store:
        return list_graphs(store)


def delete_saved_graph(name: str, db: str | None = None) -> None:
    """Remove a saved graph whole (the lists in the store are not touched); an unknown name is
    a :class:`~sourcetrace.errors.ConfigError`."""
    with ListStore.open(db) as store:
        if not delete_graph(store, name):
            raise unknown_graph(store, name)


def export_chain(
    chain: ChainFiles | str,
    fmt: ExportFormat,
    db: str | None = None,
    findings: Path | None = None,
) -> tuple[Graph, str]:
    """The graph of a chain (its files, or the one saved under the name ``chain``) and its text
    as GraphML, Cytoscape JSON or FtM; with ``findings`` (the tables ``trace -o x.parquet``
    wrote), each party's exposure and each link's findings too."""
    exposed = exposure(read_tables(findings)) if findings is not None else None
    if isinstance(chain, str):
        graph = saved_graph(chain, db).graph
    else:
        graph = build(
            chain.links, chain.ownership, chain.shipments, names=chain.names, read=chain.read
        ).graph
    return graph, export(graph, fmt, exposed)


def dismissed_rows(traced: ChainTrace) -> list[dict[str, str]]:
    """The risk sources the review decisions removed from a trace, one row each for a person:
    party, kind, what screening found, and the decisions (what, who, when, why)."""
    return [
        {
            "party": traced.graph.name(d.source.node),
            "kind": d.source.kind,
            "detail": d.source.detail,
            "decisions": "; ".join(f"'{x.entity_id}' {x.said()}" for x in d.decisions),
        }
        for d in traced.dismissed
    ]


def risk_hits(
    chain: str, party: int, kind: str, lists: TraceLists, db: str | None = None
) -> tuple[str, list[Hit]]:
    """The party (by index) of the graph saved under ``chain`` and the list hits its risk
    source of ``kind`` rests on, found as a trace finds them: what a decision on that risk
    source is about. No hits when the party has no such risk source (any more)."""
    graph = saved_graph(chain, db).graph
    if kind not in LISTED_KINDS or not 0 <= party < graph.size:
        return "", []
    node = graph.node(party)
    return graph.name(party), rests_on(kind, node_hits(node, lists.matcher))
