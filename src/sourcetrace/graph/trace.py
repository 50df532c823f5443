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
- Products (:mod:`sourcetrace.graph.products`, unless ``Rules.products`` is off): from one supply
  hop to the next, the goods coming in must be able to go into the goods going out; unknown goods
  always can.
- Dates (:mod:`sourcetrace.graph.dates`, unless ``Rules.date_tolerance`` is None): a hop dated
  more than the tolerance after the hop it feeds ends the path there; undated hops always fit.
- Parallel links (same supplier, buyer, product and HS code) are one hop: its basis is the
  strongest of them, its evidence lists them, its dates span theirs. A path's basis is its
  weakest hop (inferred < declared < observed).
- A node that is itself a risk source gets a zero-hop finding.

This enumerates paths, which is exact and explainable but grows with the branching of the graph;
for millions of links :mod:`sourcetrace.graph.paths` finds the best paths under the same rules.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import polars as pl

from sourcetrace.graph.dates import DEFAULT_TOLERANCE_DAYS, in_order
from sourcetrace.graph.model import BASES, Basis, Graph
from sourcetrace.graph.products import UNKNOWN, feeds
from sourcetrace.graph.risks import RiskSource

SUPPLY = "supply"
OWNERSHIP = "ownership"

# The tracing defaults, written here only (sourcetrace.tracing.TraceOptions takes them up).
DEPTH = 6
"""Most hops a risk travels downstream."""
OWNERSHIP_THRESHOLD = 50.0
"""Share (percent) at which an owner's risk reaches the owned company."""
PATH_CAP = 10_000
"""Path by path: most paths followed from one risk source."""
MAX_PATHS = 3
"""Paths kept per party, product received and risk, the best first."""


@dataclass(frozen=True, slots=True)
class Rules:
    """Which plausibility rules a path must pass, besides depth and ownership threshold."""

    products: bool = True  # goods in must be able to go into goods out
    date_tolerance: int | None = DEFAULT_TOLERANCE_DAYS  # days; None: dates not checked

    def follows(self, before: Hop, after: Hop) -> bool:
        """Whether supply hop ``after`` can carry on what supply hop ``before`` brought."""
        if self.products and not feeds(before.stage, after.stage):
            return False
        return self.date_tolerance is None or in_order(
            before.date_lo, after.date_hi, self.date_tolerance
        )


DEFAULT_RULES = Rules()


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
    stage: int = UNKNOWN  # production stage of the goods (sourcetrace.graph.products)
    date_lo: int | None = None  # earliest date of the links it stands for (days; None: undated)
    date_hi: int | None = None

    def describe(self, graph: Graph) -> str:
        if self.kind == OWNERSHIP:
            where = f"{graph.name(self.start)} owns {self.share:g}% of {graph.name(self.end)}"
        else:
            what = f"supplies {self.product or '?'}" + (
                f" (HS {self.hs_code})" if self.hs_code else ""
            )
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


def evidence_text(texts: list[str]) -> str:
    """The evidence of parallel links: the first three, and how many more."""
    texts = list(dict.fromkeys(texts))
    return "; ".join(texts[:3]) + (f"; +{len(texts) - 3} more" if len(texts) > 3 else "")


def _adjacency(graph: Graph, threshold: float) -> tuple[dict[int, list[Hop]], dict[int, list[Hop]]]:
    grouped: dict[tuple[int, int, str, str], list[tuple[int, ...]]] = defaultdict(list)
    texts: dict[tuple[int, int, str, str], list[str]] = defaultdict(list)
    columns = ("supplier", "buyer", "product", "hs", "stage", "basis", "date_lo", "date_hi",
               "evidence", "file", "row")  # fmt: skip
    for start, end, product, hs, stage, basis, lo, hi, evidence, file, row in graph.edges.select(
        columns
    ).iter_rows():
        if start == end:
            continue
        key = (start, end, product, hs)
        grouped[key].append((basis, stage, lo, hi))
        texts[key].append(evidence or f"{file} row {row}")
    supply: dict[int, list[Hop]] = defaultdict(list)
    for (start, end, product, hs), items in grouped.items():
        los = [x[2] for x in items]
        his = [x[3] for x in items]
        supply[start].append(
            Hop(
                start, end, SUPPLY, product, hs, BASES[max(x[0] for x in items)],
                evidence_text(texts[(start, end, product, hs)]), stage=items[0][1],
                date_lo=None if None in los else min(los),
                date_hi=None if None in his else max(his),
            )
        )  # fmt: skip
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
    depth: int = DEPTH,
    ownership_threshold: float = OWNERSHIP_THRESHOLD,
    max_paths: int = PATH_CAP,
    rules: Rules = DEFAULT_RULES,
) -> TraceResult:
    """Every simple path (up to ``depth`` hops) from each risk source to each node it reaches."""
    supply, owns = _adjacency(graph, ownership_threshold)
    goods = own_goods(graph)
    findings: list[Finding] = []
    truncated: list[RiskSource] = []
    for risk in sources:
        found: list[Finding] = []
        own = goods.get((risk.node, risk.hs_code), "") if risk.goods_borne else ""
        found.append(Finding(risk.node, own, risk, ()))
        hit_cap = _walk(risk, supply, owns, depth, max_paths, found, rules)
        if hit_cap:
            truncated.append(risk)
        findings.extend(found)
    return TraceResult(findings, truncated)


def own_goods(graph: Graph) -> dict[tuple[int, str], str]:
    """(supplier, HS digits) -> the first product name shipped under that code."""
    firsts = graph.edges.group_by("supplier", "hs", maintain_order=True).agg(
        pl.col("product").first()
    )
    return {(s, h): p for s, h, p in firsts.iter_rows()}


def _walk(
    risk: RiskSource,
    supply: dict[int, list[Hop]],
    owns: dict[int, list[Hop]],
    depth: int,
    max_paths: int,
    found: list[Finding],
    rules: Rules,
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
        last = path[-1] if path and path[-1].kind == SUPPLY else None
        for hop in supply.get(node, []):
            if not path and risk.goods_borne and risk.hs_code != hop.hs_code:
                continue
            if last is not None and not rules.follows(last, hop):
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
