"""A supply chain traced in the workspace, for its map: ``sourcetrace trace``'s use case, kept.

:func:`trace_files` runs :func:`~sourcetrace.tracing.trace_chain` on uploaded files, as the
command does on its files (:func:`trace_graph` on a graph it saved); :func:`map_data` keeps what
the map shows about each party and finding; :func:`save_chain` stores it all with an audit entry
(:mod:`sourcetrace.workspace.chains`); :func:`map_view` turns a stored chain into Cytoscape
elements and findings, optionally for one product. Element ids are those of the Cytoscape export, so the map, its data and the
downloaded graph name parties and links alike.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy import Engine

from sourcetrace.errors import InputError
from sourcetrace.graph.balance import BalanceFlag
from sourcetrace.graph.build import Survey, survey
from sourcetrace.graph.export import export
from sourcetrace.graph.findings import (
    MASS_BALANCE,
    balance_row,
    best_findings,
    finding_checklist,
    finding_row,
)
from sourcetrace.graph.model import Graph
from sourcetrace.graph.risks import (
    CBP_WRO,
    LIST,
    SECTOR,
    SEVERITY_RANK,
    USCC_XINJIANG,
    XINJIANG,
    RiskSource,
)
from sourcetrace.graph.trace import OWNERSHIP, Finding
from sourcetrace.io.writers import defuse_formulas
from sourcetrace.store import now
from sourcetrace.tracing import (
    ChainFiles,
    ChainTrace,
    DecisionBook,
    TraceLists,
    TraceOptions,
    dismissed_rows,
    trace_chain,
)
from sourcetrace.workspace.chains import store_chain

ROLES = ("links", "ownership", "shipments")
"""The files of a chain: supply links (required), ownership and shipments (optional)."""


OPTIONS = TraceOptions(workers=1, sector_sources=True)
"""How the workspace traces a chain: ``sourcetrace trace``'s defaults (with the sector risk
sources, which colour the map's parties), in one process (the trace
job's, :mod:`sourcetrace.web.tracer`, held to its time and memory limits), path by path: the map
takes chains of up to :attr:`~sourcetrace.settings.Settings.map_max_links` links, below
:attr:`~sourcetrace.tracing.TraceOptions.exact_limit`. Parties are not capped: two per link or
holding at most."""

RISK_LABELS: dict[str, str] = {
    LIST: "On an official list",
    CBP_WRO: "CBP withhold release order or finding",
    XINJIANG: "Xinjiang address, origin or place",
    USCC_XINJIANG: "Registered in Xinjiang (USCC)",
    MASS_BALANCE: "Ships more than its inputs allow",
    SECTOR: "Goods of a UFLPA high-priority sector",
}
"""Risk kinds as the legend names them; a party is coloured by its worst risk, ties in this order."""


@dataclass(frozen=True, slots=True)
class Upload:
    """One uploaded file: the copy on disk, the name the user gave it, its SHA-256."""

    role: str
    path: Path
    filename: str
    file_hash: str


@dataclass(frozen=True, slots=True)
class TracedChain:
    """The traced chain (:class:`~sourcetrace.tracing.ChainTrace`: graph, risk sources, findings
    table), its Cytoscape export and the map's data."""

    traced: ChainTrace
    cytoscape: str
    map: dict[str, Any]

    @property
    def graph(self) -> Graph:
        return self.traced.graph

    @property
    def findings(self) -> pl.DataFrame:
        """The findings table (the trace output contract: one row per party, product and risk
        source, :mod:`sourcetrace.graph.tables`)."""
        return self.traced.tables.findings


ChainSize = Survey
"""What an uploaded chain holds (links, holdings, party spellings), counted before any party is
screened: :class:`~sourcetrace.graph.build.Survey`."""


def survey_files(uploads: dict[str, Upload]) -> ChainSize:
    """Read and check the uploaded files and count their links, holdings and party spellings,
    screening nothing (:func:`~sourcetrace.graph.build.survey`): what the upload request does
    before it queues the trace. Raises :class:`~sourcetrace.errors.InputError` naming the file
    as the user named it."""
    files = _files(uploads)
    return survey(files.links, files.ownership, files.shipments, names=files.names)


def trace_files(
    uploads: dict[str, Upload],
    lists: TraceLists,
    max_links: int,
    progress: Callable[[str], None] | None = None,
    decisions: DecisionBook | None = None,
) -> TracedChain:
    """Build and trace the chain of the uploaded files as ``sourcetrace trace`` does with its
    defaults (:func:`~sourcetrace.tracing.trace_chain`), screening parties against ``lists``
    and applying the review ``decisions`` on list hits; ``progress`` is told each step as it
    starts.

    Raises :class:`~sourcetrace.errors.InputError` naming the file as the user named it.
    """
    check = _drawable(uploads["links"].filename, max_links)
    traced = trace_chain(_files(uploads), OPTIONS, lists=lists, check=check, progress=progress,
                         decisions=decisions)  # fmt: skip
    return _drawn(traced, progress)


def _files(uploads: dict[str, Upload]) -> ChainFiles:
    return ChainFiles(
        uploads["links"].path,
        uploads["ownership"].path if "ownership" in uploads else None,
        uploads["shipments"].path if "shipments" in uploads else None,
        names={role: upload.filename for role, upload in uploads.items()},
    )


def trace_graph(
    name: str,
    lists: TraceLists,
    db: str,
    max_links: int,
    progress: Callable[[str], None] | None = None,
    decisions: DecisionBook | None = None,
) -> TracedChain:
    """Trace the graph saved in the store ``db`` under ``name`` (``sourcetrace trace --save``)
    as an upload is traced, for the map."""
    traced = trace_chain(name, OPTIONS, db=db, lists=lists, check=_drawable(name, max_links),
                         progress=progress, decisions=decisions)  # fmt: skip
    return _drawn(traced, progress)


def _drawable(shown: str, max_links: int) -> Callable[[Graph], None]:
    # The upload was counted before it was queued; a saved graph, by its stored counts. This
    # holds the line should the files and the count ever disagree.
    def check(graph: Graph) -> None:
        if graph.edges.height > max_links or len(graph.ownership) > max_links:
            raise InputError(
                f"{graph.edges.height:,} links and {len(graph.ownership):,} holdings: the map "
                f"takes at most {max_links:,} of each",
                path=shown,
            )

    return check


def _drawn(traced: ChainTrace, progress: Callable[[str], None] | None = None) -> TracedChain:
    assert traced.findings is not None  # within the map's limit, traced path by path
    if progress is not None:
        progress("drawing the map")
    # As in the findings table: one per party, product and risk source, its best path.
    kept = best_findings(traced.findings, 1)
    cytoscape = export(traced.graph, "cytoscape")
    elements = json.loads(cytoscape)["elements"]
    # The party's risks as they stand after the review decisions; those dismissed are listed.
    drawn = map_data(traced.graph, elements, traced.standing, kept, traced.flags)
    drawn["dismissed"] = dismissed_rows(traced)
    return TracedChain(traced, cytoscape, drawn)


def map_data(
    graph: Graph,
    exported: dict[str, Any],
    sources: list[RiskSource],
    findings: list[Finding],
    flags: list[BalanceFlag],
) -> dict[str, Any]:
    """What the map shows beyond the ``exported`` elements of the graph, keyed by their ids.

    ``parties``: countries, identifiers and risks of each party; ``findings``: each finding as a
    row of the findings table plus its path as element ids and hop by hop (``steps``), worst
    severity first; ``products``: the products of the supply links.
    """
    node_ids = [e["data"]["id"] for e in exported["nodes"]]
    supplies = [e["data"]["id"] for e in exported["edges"] if e["data"]["kind"] == "supplies"]
    holdings = [e["data"]["id"] for e in exported["edges"] if e["data"]["kind"] == "owns"]
    # A hop of the trace stands for every parallel link (same parties, product and HS code).
    links: dict[tuple[int, int, str, str], list[str]] = defaultdict(list)
    for i, key in enumerate(graph.edges.select("supplier", "buyer", "product", "hs").iter_rows()):
        links[key].append(supplies[i])
    owns: dict[tuple[int, int], list[str]] = defaultdict(list)
    for i, o in enumerate(graph.ownership):
        owns[(o.owner, o.owned)].append(holdings[i])

    risks: dict[int, list[dict[str, str]]] = defaultdict(list)
    for s in sources:
        risks[s.node].append(_risk(s.kind, s.severity, s.detail, s.provenance))
    for flag in flags:
        risks[flag.node].append(_risk(MASS_BALANCE, "medium", flag.describe(), ""))
    parties = {
        node_ids[i]: {
            "countries": countries,
            "identifiers": identifiers,
            "risks": sorted(risks[i], key=_worst_first),
        }
        for i, (countries, identifiers) in enumerate(
            graph.parties.select("countries", "identifiers").iter_rows()
        )
    }

    said: dict[int, str] = {}
    rows: list[dict[str, Any]] = []
    for f in findings:
        row = finding_row(graph, f, said)
        row["checklist"] = finding_checklist(f)  # as the findings tables give it
        steps = [
            {
                "start": node_ids[h.start],
                "end": node_ids[h.end],
                "kind": h.kind,
                "product": h.product,
                "text": said.get(id(h)) or h.describe(graph),
                "basis": h.basis.value,
                "evidence": h.evidence,
                "edges": owns[(h.start, h.end)]
                if h.kind == OWNERSHIP
                else links[(h.start, h.end, h.product, h.hs_code)],
            }
            for h in f.hops
        ]
        path = [node_ids[n] for n in f.nodes]
        rows.append(
            _finding(row, node_ids[f.node], f.risk.kind, node_ids[f.risk.node], path, steps)
        )
    for flag in flags:
        row = balance_row(graph, flag)
        party = node_ids[flag.node]
        rows.append(_finding(row, party, MASS_BALANCE, party, [party], []))
    rows.sort(key=lambda r: (-SEVERITY_RANK[r["severity"]], r["node"], r["hops"], r["path"]))
    products = graph.edges.get_column("product").unique().to_list()
    return {
        "parties": parties,
        "findings": rows,
        "products": sorted((p for p in products if p), key=str.casefold),
    }


def _risk(kind: str, severity: str, detail: str, provenance: str) -> dict[str, str]:
    return {"kind": kind, "label": RISK_LABELS.get(kind, kind), "severity": severity,
            "detail": detail, "provenance": provenance}  # fmt: skip


def _worst_first(risk: dict[str, str]) -> tuple[int, int]:
    kinds = list(RISK_LABELS)
    order = kinds.index(risk["kind"]) if risk["kind"] in kinds else len(kinds)
    return (-SEVERITY_RANK[risk["severity"]], order)


def _finding(
    row: dict[str, object],
    party: str,
    kind: str,
    source: str,
    path: list[str],
    steps: list[dict[str, Any]],
) -> dict[str, Any]:
    # The two counts are the findings table's to make (over groups of findings): not kept here.
    shown = {k: v for k, v in row.items() if k not in ("routes", "independent_paths")}
    return {**shown, "party": party, "kind": kind, "source": source, "nodes": path, "steps": steps}


def counts(traced: TracedChain) -> dict[str, int]:
    """Parties (all, and those with a risk of their own), links, holdings and findings (all, and
    by severity)."""
    severity = traced.findings.get_column("severity").to_list()
    graph = traced.graph
    return {
        "parties": graph.size,
        "links": graph.edges.height,
        "holdings": len(graph.ownership),
        "risk_parties": sum(1 for p in traced.map["parties"].values() if p["risks"]),
        "findings": traced.findings.height,
        **{level: severity.count(level) for level in SEVERITY_RANK},
    }


def save_chain(
    engine: Engine,
    traced: TracedChain,
    uploads: dict[str, Upload],
    actor: str,
    job_id: int | None = None,
) -> int:
    """Store an uploaded chain: its graph (saved under the links file's name, or "name (2)"...
    when taken, for ``sourcetrace trace --graph``), its trace and its audit entry, in one
    transaction, which also marks its trace job ``job_id`` done; returns the chain's id."""
    files = [
        {"role": u.role, "filename": u.filename, "file_hash": u.file_hash} for u in uploads.values()
    ]
    return _store(engine, traced, uploads["links"].filename, files, None, actor, job_id)


def save_graph_chain(
    engine: Engine, traced: TracedChain, name: str, actor: str, job_id: int | None = None
) -> int:
    """Store the trace of the graph saved under ``name`` and its audit entry in one
    transaction, which also marks its trace job ``job_id`` done; returns the chain's id."""
    files = [{"role": "saved graph", "filename": f, "file_hash": ""} for f in traced.traced.files]
    return _store(engine, traced, name, files, name, actor, job_id)


def _store(
    engine: Engine,
    traced: TracedChain,
    name: str,
    files: list[dict[str, str]],
    graph: str | None,
    actor: str,
    job_id: int | None,
) -> int:
    values = {
        "name": name,
        "created_at": now(),
        "created_by": actor,
        "files": files,
        "settings": {
            "depth": OPTIONS.depth,
            "ownership_threshold": OPTIONS.ownership_threshold,
            "max_paths": OPTIONS.max_paths,
            "path_cap": OPTIONS.path_cap,
        },
        "lists": [{"name": x.name, "version": x.version} for x in traced.traced.lists.used],
        "counts": counts(traced),
        "map": traced.map,
        "cytoscape": traced.cytoscape,
        "graphml": export(traced.graph, "graphml"),
        # The download is what a person reads: one line per party and product, path in words.
        "findings_csv": defuse_formulas(traced.traced.table).write_csv(),
    }
    return store_chain(engine, traced.traced, values, graph, actor, job_id)


def map_view(chain_map: dict[str, Any], cytoscape: str, product: str = "") -> dict[str, Any]:
    """The chain as the map draws it: Cytoscape elements with each party's risks and exposure,
    and the findings (each with its stable ``id``), all or those about ``product``.

    A party's ``exposure`` is the worst severity of the findings whose path reaches it from
    elsewhere; a link's is the worst of the findings whose path runs along it. With a product,
    the map keeps its supply links and the paths of the findings about it (whose goods or any
    hop carry it), with the parties on them.
    """
    elements = json.loads(cytoscape)["elements"]
    nodes: list[dict[str, Any]] = elements["nodes"]
    edges: list[dict[str, Any]] = elements["edges"]
    findings = [{"id": i, **f} for i, f in enumerate(chain_map["findings"])]
    if product:
        findings, nodes, edges = _for_product(findings, nodes, edges, product)
    reached: dict[str, str] = {}
    along: dict[str, str] = {}
    at: dict[str, list[int]] = defaultdict(list)
    for f in findings:
        at[f["party"]].append(f["id"])
        for node in f["nodes"][1:]:
            reached[node] = _worse(reached.get(node), f["severity"])
        for step in f["steps"]:
            for edge in step["edges"]:
                along[edge] = _worse(along.get(edge), f["severity"])
    for node in nodes:
        data = node["data"]
        data.update(chain_map["parties"][data["id"]])
        worst = data["risks"][0] if data["risks"] else {"kind": "", "severity": ""}
        data["risk"] = worst["kind"]
        data["severity"] = worst["severity"]
        data["exposure"] = reached.get(data["id"], "")
        data["findings"] = at.get(data["id"], [])
        classes = ["risk", f"risk-{data['risk']}"] if data["risk"] else []
        if data["exposure"]:
            classes.append(f"exposed-{data['exposure']}")
        node["classes"] = " ".join(classes)
    for edge in edges:
        data = edge["data"]
        data["exposure"] = along.get(data["id"], "")
        classes = ["owns"] if data["kind"] == "owns" else []
        if data["exposure"]:
            classes.append(f"path-{data['exposure']}")
        edge["classes"] = " ".join(classes)
    return {
        "products": chain_map["products"],
        "product": product or None,
        "elements": {"nodes": nodes, "edges": edges},
        "findings": findings,
        "risk_kinds": [{"kind": k, "label": v} for k, v in RISK_LABELS.items()],
    }


def _for_product(
    findings: list[dict[str, Any]],
    nodes: list[dict[str, Any]],
    edges: list[dict[str, Any]],
    product: str,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """The findings about ``product``, its supply links, the paths of those findings, and the
    parties on them; a party's own risk (a finding without hops) stays with the party."""
    links = [e["data"] for e in edges if e["data"]["kind"] == "supplies"]
    edge_ids = {d["id"] for d in links if d["product"] == product}
    ends = {d[side] for d in links if d["id"] in edge_ids for side in ("source", "target")}
    kept = [
        f
        for f in findings
        if f["product"] == product
        or any(s["product"] == product for s in f["steps"])
        or (not f["steps"] and f["party"] in ends)
    ]
    edge_ids |= {edge for f in kept for s in f["steps"] for edge in s["edges"]}
    party_ids = ends | {n for f in kept for n in f["nodes"]}
    return (
        kept,
        [n for n in nodes if n["data"]["id"] in party_ids],
        [e for e in edges if e["data"]["id"] in edge_ids],
    )


def _worse(current: str | None, severity: str) -> str:
    if current is None or SEVERITY_RANK[severity] > SEVERITY_RANK[current]:
        return severity
    return current
