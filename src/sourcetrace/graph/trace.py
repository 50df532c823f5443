"""Tracing: every path by which a risk source reaches a node, hop by hop, with its evidence.

Pure functions over a :class:`~sourcetrace.graph.model.Graph` and its risk sources.

Rules:
- Goods flow supplier -> buyer; a risk travels downstream with them, at most ``depth`` hops.
- Paths are simple (no node twice), so cycles end; the search per risk source stops after
  ``max_paths`` paths and says so (:attr:`TraceResult.truncated`).
- Ownership: an owner's own risk reaches a company it owns at ``share >= threshold`` percent, and on
  down a chain of such holdings, but only at the start of a path. A parent's *supply* exposure does
  not taint its subsidiary's goods, and goods-borne (sector) risk never moves through ownership.
- Goods-borne risk leaves its source only on links with its HS code.
- Parallel links (same supplier, buyer and product) are one hop: its basis is the strongest of them,
  its evidence lists them. A path's basis is its weakest hop (inferred < declared < observed).
- A node that is itself a risk source gets a zero-hop finding.

This enumerates paths, which is exact and explainable but grows with the branching of the graph;
for exposure over millions of links use :mod:`sourcetrace.graph.reach`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sourcetrace.graph.model import Basis, Graph, hs_digits
from sourcetrace.graph.risks import SEVERITY_RANK, RiskSource

SUPPLY = "supply"
OWNERSHIP = "ownership"


@dataclass(frozen=True, slots=True)
class Hop:
    """One step downstream: goods sold, or a holding of ``share`` percent."""

    start: int
    end: int
    kind: str
    product: str
    hs_code: str
    basis: Basis
    evidence: str
    share: float = 0.0

    def describe(self, graph: Graph) -> str:
        what = (
            f"owns {self.share:g}%" if self.kind == OWNERSHIP else f"supplies {self.product or '?'}"
        )
        if self.kind == SUPPLY and self.hs_code:
            what += f" (HS {self.hs_code})"
        where = f"{graph.name(self.start)} {what} to {graph.name(self.end)}"
        return f"{where} [{self.basis.value}: {self.evidence}]"


@dataclass(frozen=True, slots=True)
class Finding:
    """A risk source reaching a node along one path; ``product`` is what the node receives."""

    node: int
    product: str
    risk: RiskSource
    hops: tuple[Hop, ...]

    @property
    def basis(self) -> Basis | None:
        """The weakest link of the path; None for the risk source itself."""
        return Basis.weakest([h.basis for h in self.hops]) if self.hops else None

    @property
    def nodes(self) -> tuple[int, ...]:
        return (self.risk.node, *(h.end for h in self.hops))


@dataclass(slots=True)
class TraceResult:
    """All findings, and the risk sources whose search hit ``max_paths``."""

    findings: list[Finding]
    truncated: list[RiskSource]


@dataclass(frozen=True, slots=True)
class Exposure:
    """How one risk source reaches one node: paths, node-disjoint paths, shortest, best basis."""

    node: int
    risk: RiskSource
    paths: int
    independent_paths: int
    min_hops: int
    best_basis: Basis | None
    products: tuple[str, ...]


def _adjacency(graph: Graph, threshold: float) -> tuple[dict[int, list[Hop]], dict[int, list[Hop]]]:
    grouped: dict[tuple[int, int, str], list[tuple[Basis, str, str]]] = defaultdict(list)
    for link in graph.links:
        if link.supplier == link.buyer:
            continue
        evidence = link.evidence or link.source.label()
        grouped[(link.supplier, link.buyer, link.product)].append(
            (link.basis, evidence, hs_digits(link.hs_code))
        )
    supply: dict[int, list[Hop]] = defaultdict(list)
    for (start, end, product), items in grouped.items():
        best = max((b for b, _, _ in items), key=lambda b: b.rank)
        texts = list(dict.fromkeys(e for _, e, _ in items))
        evidence = "; ".join(texts[:3]) + (f"; +{len(texts) - 3} more" if len(texts) > 3 else "")
        codes = list(dict.fromkeys(c for _, _, c in items if c))
        supply[start].append(Hop(start, end, SUPPLY, product, ",".join(codes), best, evidence))
    owns: dict[int, list[Hop]] = defaultdict(list)
    for o in graph.ownership:
        if o.share >= threshold and o.owner != o.owned:
            owns[o.owner].append(
                Hop(
                    o.owner,
                    o.owned,
                    OWNERSHIP,
                    "",
                    "",
                    o.basis,
                    o.evidence or o.source.label(),
                    o.share,
                )
            )
    return supply, owns


def trace(
    graph: Graph,
    sources: list[RiskSource],
    depth: int = 6,
    ownership_threshold: float = 50.0,
    max_paths: int = 10_000,
) -> TraceResult:
    """Every simple path (up to ``depth`` hops) from each risk source to each node it reaches."""
    supply, owns = _adjacency(graph, ownership_threshold)
    goods = _goods(graph)
    findings: list[Finding] = []
    truncated: list[RiskSource] = []
    for risk in sources:
        found: list[Finding] = []
        own = goods.get((risk.node, risk.hs_code), "") if risk.goods_borne else ""
        found.append(Finding(risk.node, own, risk, ()))
        hit_cap = _walk(risk, supply, owns, depth, max_paths, found)
        if hit_cap:
            truncated.append(risk)
        findings.extend(found)
    return TraceResult(findings, truncated)


def _goods(graph: Graph) -> dict[tuple[int, str], str]:
    """(supplier, HS digits) -> the first product name shipped under that code."""
    out: dict[tuple[int, str], str] = {}
    for link in graph.links:
        out.setdefault((link.supplier, hs_digits(link.hs_code)), link.product)
    return out


def _walk(
    risk: RiskSource,
    supply: dict[int, list[Hop]],
    owns: dict[int, list[Hop]],
    depth: int,
    max_paths: int,
    found: list[Finding],
) -> bool:
    """Depth-first over simple paths, with an explicit stack; True when ``max_paths`` was hit."""
    on_path = {risk.node}
    # Each frame: the hops leaving the current path end, and the index of the next one to try.
    stack: list[tuple[list[Hop], int]] = []
    hops: list[Hop] = []

    def choices(node: int, path: list[Hop]) -> list[Hop]:
        if len(path) >= depth:
            return []
        out: list[Hop] = []
        ownership_open = not risk.goods_borne and all(h.kind == OWNERSHIP for h in path)
        if ownership_open:
            out += owns.get(node, [])
        for hop in supply.get(node, []):
            if not path and risk.goods_borne and risk.hs_code not in hop.hs_code.split(","):
                continue
            out.append(hop)
        return [h for h in out if h.end not in on_path]

    stack.append((choices(risk.node, hops), 0))
    count = 0
    while stack:
        options, i = stack[-1]
        if i >= len(options):
            stack.pop()
            if hops:
                on_path.discard(hops.pop().end)
            continue
        stack[-1] = (options, i + 1)
        hop = options[i]
        if hop.end in on_path:
            continue
        hops.append(hop)
        on_path.add(hop.end)
        found.append(Finding(hop.end, hop.product if hop.kind == SUPPLY else "", risk, tuple(hops)))
        count += 1
        if count >= max_paths:
            return True
        stack.append((choices(hop.end, hops), 0))
    return False


def independent_paths(paths: list[tuple[int, ...]]) -> int:
    """How many of the distinct paths share no intermediate node (greedy, shortest first).

    Greedy selection gives a lower bound of the true maximum (a max-flow); on the small sets of
    paths one node has per risk source the two rarely differ.
    """
    used: set[int] = set()
    count = 0
    for nodes in sorted(paths, key=len):
        middle = set(nodes[1:-1])
        if middle & used:
            continue
        used |= middle
        count += 1
    return count


def exposures(findings: list[Finding]) -> list[Exposure]:
    """One :class:`Exposure` per (node, risk source), worst severity first, then most paths."""
    groups: dict[tuple[int, int], list[Finding]] = defaultdict(list)
    order: dict[int, RiskSource] = {}
    for f in findings:
        groups[(f.node, id(f.risk))].append(f)
        order[id(f.risk)] = f.risk
    out: list[Exposure] = []
    for (node, rid), items in groups.items():
        bases = [f.basis for f in items if f.basis is not None]
        paths = list(dict.fromkeys(f.nodes for f in items))
        out.append(
            Exposure(
                node=node,
                risk=order[rid],
                paths=len(items),
                independent_paths=independent_paths(paths),
                min_hops=min(len(f.hops) for f in items),
                best_basis=max(bases, key=lambda b: b.rank) if bases else None,
                products=tuple(dict.fromkeys(f.product for f in items if f.product)),
            )
        )
    out.sort(
        key=lambda e: (-SEVERITY_RANK[e.risk.severity], -e.independent_paths, -e.paths, e.node)
    )
    return out
