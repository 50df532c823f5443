"""The trace output contract: one row per finding (a risk reaching a node along one path).

Columns, in order: node, product, risk, path (" > " from the risk source down to the node), hops,
basis (the path's weakest link; empty for a node that is itself the source), evidence (hop by
hop), severity, checklist (the documents that would clear it, CBP guidance).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import polars as pl

from sourcetrace.graph.balance import BalanceFlag
from sourcetrace.graph.checklist import checklist_text
from sourcetrace.graph.model import Graph
from sourcetrace.graph.risks import SEVERITY_RANK
from sourcetrace.graph.trace import Finding

FINDING_COLUMNS: tuple[str, ...] = (
    "node", "product", "risk", "path", "hops", "basis", "evidence", "severity", "checklist",
)  # fmt: skip
MASS_BALANCE = "mass_balance"


def finding_row(graph: Graph, f: Finding, said: dict[int, str] | None = None) -> dict[str, object]:
    """One finding as an output row; ``said`` caches hop descriptions shared by many paths."""
    said = {} if said is None else said
    # Paths share their hops (the same objects): describe each once.
    for h in f.hops:
        if id(h) not in said:
            said[id(h)] = h.describe(graph)
    evidence = " | ".join([said[id(h)] for h in f.hops]) if f.hops else f.risk.provenance
    basis = f.basis
    return {
        "node": graph.name(f.node),
        "product": f.product,
        "risk": f"{f.risk.kind}: {f.risk.detail}",
        "path": " > ".join(graph.name(n) for n in f.nodes),
        "hops": len(f.hops),
        "basis": basis.value if basis is not None else "",
        "evidence": evidence,
        "severity": f.risk.severity,
        "checklist": _checklist(f.risk.kind, f.risk.sector),
    }


def balance_row(graph: Graph, flag: BalanceFlag) -> dict[str, object]:
    """One mass-balance flag as an output row (its path is the node itself)."""
    rows = sorted({x.source.label() for x in (*flag.inputs, *flag.outputs)})
    return {
        "node": graph.name(flag.node),
        "product": flag.product,
        "risk": f"{MASS_BALANCE}: {flag.describe()}",
        "path": graph.name(flag.node),
        "hops": 0,
        "basis": flag.basis.value,
        "evidence": "; ".join(rows),
        "severity": "medium",
        "checklist": _checklist(MASS_BALANCE, ""),
    }


def findings_frame(
    graph: Graph, findings: Sequence[Finding], flags: Sequence[BalanceFlag] = ()
) -> pl.DataFrame:
    """All rows, worst severity first, then by node, hops and path."""
    said: dict[int, str] = {}
    rows = [finding_row(graph, f, said) for f in findings] + [balance_row(graph, b) for b in flags]
    rows.sort(key=_order)
    schema = {c: (pl.Int64 if c == "hops" else pl.String) for c in FINDING_COLUMNS}
    return pl.DataFrame({c: [r[c] for r in rows] for c in FINDING_COLUMNS}, schema=schema)


def _order(row: dict[str, object]) -> tuple[int, str, str, str]:
    return (
        -SEVERITY_RANK[str(row["severity"])],
        str(row["node"]),
        f"{row['hops']:>4}",
        str(row["path"]),
    )


@lru_cache(maxsize=64)
def _checklist(kind: str, sector: str) -> str:
    return checklist_text(kind, sector)
