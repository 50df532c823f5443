"""Best paths at scale: for every party, product received and kind of risk, the K best paths.

:mod:`sourcetrace.graph.trace` lists every path of every risk source, which explains everything
but grows with the branching of the graph. Over millions of links this module answers the same
question column-wise (numpy), under the same rules (depth, ownership only at the start of a
path, goods-borne risk leaving its source only with its goods, products, dates), but it groups
the risk sources by kind and keeps, for each (node, product received, kind of risk):

- the best path through each direct supplier (last hop): the worst severity of its risk source
  first, then the strongest weakest link (observed > declared > inferred), then the fewest hops;
- of those, the ``max_paths`` best, and how many direct suppliers (``routes``) carry the risk
  in all;
- how many of the paths written share no party between source and node (``independent``,
  greedy, shortest first: a lower bound).

How: the states are hops (grouped parallel links), because the product and date rules depend on
the hop a path arrives by. For each severity and basis class, best first, a breadth-first search
from that kind's sources over hops at least that strong finds each hop's fewest-hop path in the
class; a hop takes the first class that reaches it within ``depth``. The search is a walk search:
a walk that passes a party twice is found like any other, and is not written (a path is simple,
as in :mod:`~sourcetrace.graph.trace`); the run reports how many were left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import polars as pl

from sourcetrace.engines.local import worker_pool
from sourcetrace.graph.model import Graph
from sourcetrace.graph.products import STAGES, feeds_matrix
from sourcetrace.graph.risks import SECTOR, SEVERITY_RANK, RiskSource
from sourcetrace.graph.trace import (
    DEFAULT_RULES,
    DEPTH,
    MAX_PATHS,
    OWNERSHIP_THRESHOLD,
    Rules,
    evidence_text,
)

I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]
I8 = npt.NDArray[np.int8]
Bool = npt.NDArray[np.bool_]
_EARLY = np.int64(-(2**40))  # an undated hop is in order with anything
_LATE = np.int64(2**40)


@dataclass(frozen=True, slots=True)
class Hops:
    """Supply hops (parallel links grouped) as arrays sorted by start, with their text."""

    start: I64
    end: I64
    basis: I8
    stage: I64  # index into the feeds matrix; len(STAGES) = unknown
    lo: I64
    hi: I64
    day: I64  # lo as its rank among the hops' dates (small enough to pack into sort keys)
    product: I64  # index into ``products``
    products: list[str]
    out_ptr: I64  # hops leaving node u are out_ptr[u]:out_ptr[u + 1]
    table: pl.DataFrame  # start, end, product, hs, basis, evidence, link (for the output)

    @property
    def size(self) -> int:
        return len(self.start)


@dataclass(frozen=True, slots=True)
class Holdings:
    """Ownership edges at or above the threshold, as arrays."""

    start: I64
    end: I64
    basis: I8
    index: I64  # position in graph.ownership


@dataclass(slots=True)
class PathSet:
    """The paths to write: one row per path, steps as ids (hop id, or hops + holding id)."""

    rows: pl.DataFrame  # ROW_SCHEMA: node, product, source, hops, basis, routes, independent
    steps: I64  # per row, its steps from the source (-1 padded): hop id, or hops.size + holding
    hops: Hops
    holdings: Holdings
    dropped_walks: int = 0
    sources: list[RiskSource] = field(default_factory=list)


def hop_table(graph: Graph) -> Hops:
    """Group parallel links (same supplier, buyer, product and HS code) into hops."""
    # ``link``: each hop's first link (its row in graph.edges), for the hops table's file and row.
    e = graph.edges.with_row_index("link").filter(pl.col("supplier") != pl.col("buyer"))
    grouped = (
        e.with_columns(
            pl.when(pl.col("evidence") != "")
            .then(pl.col("evidence"))
            .otherwise(pl.format("{} row {}", pl.col("file"), pl.col("row")))
            .alias("evidence")
        )
        .group_by("supplier", "buyer", "product", "hs", maintain_order=True)
        .agg(
            pl.col("basis").max(),
            pl.col("stage").first(),
            pl.when(pl.col("date_lo").null_count() > 0)
            .then(None)
            .otherwise(pl.col("date_lo").min())
            .alias("lo"),
            pl.when(pl.col("date_hi").null_count() > 0)
            .then(None)
            .otherwise(pl.col("date_hi").max())
            .alias("hi"),
            pl.col("evidence"),
            pl.len().alias("links"),
            pl.col("link").first(),
        )
    )
    # One text: the first evidence alone (most hops), or the parallel links' texts joined.
    single = grouped.filter(pl.col("links") == 1).with_columns(pl.col("evidence").list.first())
    many = grouped.filter(pl.col("links") > 1)
    many = many.with_columns(
        pl.Series("evidence", [evidence_text(t) for t in many["evidence"].to_list()],
                  dtype=pl.String)
    )  # fmt: skip
    grouped = pl.concat([single, many]).sort("supplier", maintain_order=True)
    n = graph.size
    start = grouped["supplier"].to_numpy().astype(np.int64)
    unknown = len(STAGES)
    stage = grouped["stage"].to_numpy().astype(np.int64)
    products = grouped["product"].unique().sort()
    lo = grouped["lo"].cast(pl.Int64).fill_null(_EARLY).to_numpy()
    return Hops(
        start=start,
        end=grouped["buyer"].to_numpy().astype(np.int64),
        basis=grouped["basis"].to_numpy().astype(np.int8),
        stage=np.where(stage < 0, unknown, stage),
        lo=lo,
        hi=grouped["hi"].cast(pl.Int64).fill_null(_LATE).to_numpy(),
        day=_dense(lo),
        product=_ranks(grouped["product"], products),
        products=products.to_list(),
        out_ptr=np.searchsorted(start, np.arange(n + 1)).astype(np.int64),
        table=grouped.select(
            pl.col("supplier").alias("start"), pl.col("buyer").alias("end"), "product", "hs",
            "basis", "evidence", pl.col("link").cast(pl.Int64),
        ),
    )  # fmt: skip


def _ranks(values: pl.Series, distinct: pl.Series) -> I64:
    """Each value's position among the sorted ``distinct`` values (a lookup, not a sort)."""
    if values.null_count():
        return (values.rank("dense").cast(pl.Int64) - 1).to_numpy()
    return values.cast(pl.Enum(distinct)).to_physical().cast(pl.Int64).to_numpy()


def holding_table(graph: Graph, threshold: float) -> Holdings:
    keep = [i for i, o in enumerate(graph.ownership) if o.share >= threshold and o.owner != o.owned]
    own = [graph.ownership[i] for i in keep]
    return Holdings(
        start=np.array([o.owner for o in own], dtype=np.int64),
        end=np.array([o.owned for o in own], dtype=np.int64),
        basis=np.array([o.basis.rank for o in own], dtype=np.int8),
        index=np.array(keep, dtype=np.int64),
    )


def _feeds(rules: Rules) -> Bool:
    n = len(STAGES)
    m = np.ones((n + 1, n + 1), dtype=bool)  # the last row and column: unknown goods
    if rules.products:
        m[:n, :n] = np.array(feeds_matrix(), dtype=bool)
    return m


def stable_argsort(key: npt.NDArray[np.integer]) -> I64:
    """``np.argsort(key, kind="stable")``, several times faster: numpy sorts plain integers far
    faster than it argsorts them, so each key is sorted with its position packed below it (in
    slices of its bits, least significant first, when key and position do not fit in 63 bits)."""
    n = len(key)
    lo, hi = (int(key.min()), int(key.max())) if n else (0, 0)
    if n == 0 or hi - lo >= 2**62:
        return np.argsort(key, kind="stable").astype(np.int64)
    shift = (n - 1).bit_length()
    room = 63 - shift
    at = np.arange(n, dtype=np.int64)
    values = key.astype(np.int64) - lo
    order: I64 | None = None
    for low in range(0, max((hi - lo).bit_length(), 1), room):
        part = (values >> low) & ((1 << room) - 1)
        packed = ((part if order is None else part[order]) << shift) | at
        packed.sort()
        where = packed & ((1 << shift) - 1)
        order = where if order is None else order[where]
    assert order is not None
    return order


def _unique(a: I64, bound: int | None = None) -> tuple[I64, I64]:
    """The distinct values, ascending, and where each first occurs (values in [0, bound) when
    ``bound`` is given: counted instead of sorted when there are enough of them)."""
    if bound is not None and len(a) * 16 >= bound:
        first = np.full(bound, len(a), dtype=np.int64)
        np.minimum.at(first, a, np.arange(len(a), dtype=np.int64))
        values = np.flatnonzero(first < len(a))
        return values, first[values]
    order = stable_argsort(a)
    s = a[order]
    first = np.concatenate([[True], s[1:] != s[:-1]]) if len(s) else np.zeros(0, dtype=bool)
    return s[first], order[first]


def _distinct(a: I64) -> I64:
    """The distinct values, ascending."""
    s = np.sort(a)
    return s[np.concatenate([[True], s[1:] != s[:-1]])] if len(s) else s


def _dense(a: npt.NDArray[np.integer]) -> I64:
    """Each value's rank among the distinct values (0, 1, ...)."""
    order = stable_argsort(a)
    s = a[order]
    step = np.concatenate([[0], (s[1:] != s[:-1]).astype(np.int64)]) if len(s) else s
    out = np.empty(len(a), dtype=np.int64)
    out[order] = np.cumsum(step)
    return out


def _expand(ptr: I64, nodes: I64) -> tuple[I64, I64]:
    """For each of ``nodes``, the positions ptr[u]:ptr[u+1]; returns (positions, owner index)."""
    first = ptr[nodes]
    counts = ptr[nodes + 1] - first
    total = int(counts.sum())
    owner = np.repeat(np.arange(len(nodes), dtype=np.int64), counts)
    offsets = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)
    return first[owner] + offsets, owner


@dataclass(slots=True)
class _Class:
    """One search: hops' level and parent, nodes' ownership level and parent, sources."""

    hop_level: I8
    hop_parent: I64
    hop_source: I64
    node_level: I8
    node_parent: I64  # holding (row in Holdings) that reached the node
    node_source: I64


def _search(
    hops: Hops,
    own: Holdings,
    n: int,
    seed_nodes: I64,
    seed_sources: I64,
    first_hops: Bool | None,
    first_sources: I64 | None,
    basis: int,
    depth: int,
    feeds: Bool,
    tolerance: int | None,
    root_of: I64,
) -> _Class:
    """Breadth-first over hops of at least ``basis``, from node seeds (after a prefix of
    holdings) or from goods-borne first hops. ``root_of``: each source's node, which no walk
    re-enters (it could not be simple)."""
    node_level = np.full(n, -1, dtype=np.int8)
    node_parent = np.full(n, -1, dtype=np.int64)
    node_source = np.full(n, -1, dtype=np.int64)
    node_level[seed_nodes] = 0
    node_source[seed_nodes] = seed_sources
    if len(own.start) and len(seed_nodes):
        ok = own.basis >= basis
        order = stable_argsort(own.start)
        ptr = np.searchsorted(own.start[order], np.arange(n + 1))
        frontier = _unique(seed_nodes, n)[0]
        for d in range(1, depth + 1):
            pos, which = _expand(ptr, frontier)
            edge = order[pos]
            keep = ok[edge] & (node_level[own.end[edge]] < 0)
            keep &= own.end[edge] != root_of[node_source[frontier[which]]]
            edge, which = edge[keep], which[keep]
            targets, first = _unique(own.end[edge], n)
            if not len(targets):
                break
            node_level[targets] = d
            node_parent[targets] = edge[first]
            node_source[targets] = node_source[frontier[which[first]]]
            frontier = targets
    size = hops.size
    level = np.full(size, -1, dtype=np.int8)
    parent = np.full(size, -1, dtype=np.int64)
    source = np.full(size, -1, dtype=np.int64)
    strong = hops.basis >= basis
    frontier_h = np.empty(0, dtype=np.int64)
    width = len(feeds)
    flat_feeds = feeds.ravel()
    for d in range(1, depth + 1):
        new = []
        # Hops leaving a node risk's source, or a company its holdings reach, at this level.
        starts = np.flatnonzero(node_level == d - 1)
        if len(starts):
            cand, which = _expand(hops.out_ptr, starts)
            origin = node_source[starts[which]]
            keep = strong[cand] & (level[cand] < 0) & (hops.end[cand] != root_of[origin])
            cand = cand[keep]
            level[cand] = d
            source[cand] = origin[keep]
            new.append(cand)
        if d == 1 and first_hops is not None and first_sources is not None:
            cand = np.flatnonzero(first_hops & strong)
            level[cand] = 1
            source[cand] = first_sources[cand]
            new.append(cand)
        if len(frontier_h):
            reps = _representatives(frontier_h, hops, width, root_of[source[frontier_h]])
            cand, which = _expand(hops.out_ptr, hops.end[reps])
            # The cheapest test first, on every candidate; the others on those it lets through.
            live = np.flatnonzero((strong & (level < 0))[cand])
            cand, rep = cand[live], reps[which[live]]
            end = hops.end[cand]
            keep = (
                flat_feeds[hops.stage[rep] * width + hops.stage[cand]]
                & (end != hops.start[rep])  # straight back: never a simple path
                & (end != root_of[source[rep]])
            )
            if tolerance is not None:
                keep &= hops.lo[rep] <= hops.hi[cand] + tolerance
            cand, rep = cand[keep], rep[keep]
            cand, first = _unique(cand, size)
            rep = rep[first]
            level[cand] = d
            parent[cand] = rep
            source[cand] = source[rep]
            new.append(cand)
        frontier_h = np.concatenate(new) if new else np.empty(0, dtype=np.int64)
        if not len(frontier_h) and not (node_level >= d).any():
            break
    return _Class(level, parent, source, node_level, node_parent, node_source)


REPRESENTATIVES = 3


def _representatives(frontier: I64, hops: Hops, width: int, roots: I64) -> I64:
    """The frontier hops to carry on from: per (node, stage) arriving, the earliest-dated hop of
    each source party, at most :data:`REPRESENTATIVES` of them, earliest first.

    One hop per (node, stage) would do for the product and date rules (the earliest-dated one
    lets through whatever any other would); a few of different sources keep a walk that may not
    re-enter its source from hiding another source's path.
    """
    key = hops.end[frontier] * width + hops.stage[frontier]
    day, root = hops.day[frontier], roots
    span = int(day.max()) + 1 if len(day) else 1
    n_roots = int(root.max()) + 1 if len(root) else 1
    if (int(key.max(initial=0)) + 1) * n_roots * span >= 2**62:  # ranks among the frontier's
        day, root = _dense(day), _dense(roots)
        span = int(day.max()) + 1 if len(day) else 1
        n_roots = int(root.max()) + 1 if len(root) else 1
    order = stable_argsort((key * n_roots + root) * span + day)
    k, r = key[order], root[order]
    first = np.concatenate([[True], (k[1:] != k[:-1]) | (r[1:] != r[:-1])])
    kept = order[first]
    kept = kept[stable_argsort(key[kept] * span + day[kept])]
    k = key[kept]
    starts = np.concatenate([[True], k[1:] != k[:-1]])
    at = np.arange(len(kept))
    rank = at - np.maximum.accumulate(np.where(starts, at, 0))
    return np.asarray(frontier[kept[rank < REPRESENTATIVES]])


PARALLEL_FROM = 100_000  # hops; below this, forking costs more than a second core saves


@dataclass(frozen=True, slots=True)
class _Job:
    """What every kind's search reads (set before the workers fork, never pickled)."""

    hops: Hops
    own: Holdings
    sources: list[RiskSource]
    n: int
    depth: int
    max_paths: int
    feeds: Bool
    tolerance: int | None
    sector_first: I64  # per hop, the goods-borne source it leaves (-1: none)
    root_of: I64  # per source, its node
    ranks: I64  # per source, its severity's rank
    members: dict[str, list[int]]  # per kind, its sources


_JOB: _Job | None = None


def best_paths(
    graph: Graph,
    sources: list[RiskSource],
    depth: int = DEPTH,
    ownership_threshold: float = OWNERSHIP_THRESHOLD,
    max_paths: int = MAX_PATHS,
    rules: Rules = DEFAULT_RULES,
    workers: int = 1,
) -> PathSet:
    """The ``max_paths`` best paths per (node, product received, kind of risk); see the module.

    Each kind of risk is searched on its own, in ``workers`` processes for large graphs.
    """
    global _JOB
    hops = hop_table(graph)
    own = holding_table(graph, ownership_threshold)
    members: dict[str, list[int]] = {}
    for i, s in enumerate(sources):
        members.setdefault(s.kind, []).append(i)
    _JOB = _Job(hops, own, sources, graph.size, depth, max_paths, _feeds(rules),
                rules.date_tolerance, _sector_first_hops(hops, sources, members.get(SECTOR, [])),
                np.array([s.node for s in sources], dtype=np.int64),
                np.array([SEVERITY_RANK[s.severity] for s in sources], dtype=np.int64),
                members)  # fmt: skip
    kinds = list(members)
    if workers > 1 and len(kinds) > 1 and hops.size >= PARALLEL_FROM:
        # The bulk engine's workers (as the party screening's): forked after _JOB is set, they
        # share the tables without the collector touching them, and end with the command.
        with worker_pool(min(workers, len(kinds))) as pool:
            assert pool is not None
            # The kinds with the most sources first, so that the long searches do not come
            # last; the results in the kinds' own order.
            by_size = sorted(kinds, key=lambda kind: -len(members[kind]))
            done = dict(zip(by_size, pool.map(_kind, by_size), strict=True))
        found = [done[kind] for kind in kinds]
    else:
        found = [_kind(kind) for kind in kinds]
    _JOB = None
    return PathSet(
        rows=pl.concat(
            [_own_rows(sources, hops), *(_frame(f[0], hops) for f in found)], how="vertical"
        ),
        steps=np.concatenate(
            [np.full((len(sources), depth), -1, dtype=np.int64), *(f[1] for f in found)]
        ),
        hops=hops,
        holdings=own,
        dropped_walks=sum(f[2] for f in found),
        sources=sources,
    )


def _kind(kind: str) -> tuple[dict[str, npt.NDArray[np.generic]], I64, int]:
    """One kind of risk: a search per severity and basis class, then the paths to write.

    numpy only: it runs in forked workers, where polars' thread pool would deadlock."""
    assert _JOB is not None
    job = _JOB
    sources = job.sources
    root_of, ranks = job.root_of, job.ranks
    members = job.members[kind]
    severities = sorted(set(ranks[members].tolist()), reverse=True)
    classes: list[_Class] = []
    for sev in severities:
        if kind == SECTOR:
            first_src = np.where(
                (job.sector_first >= 0) & (ranks[np.maximum(job.sector_first, 0)] >= sev),
                job.sector_first, -1,
            )  # fmt: skip
            seeds = np.empty(0, dtype=np.int64)
            seed_src = np.empty(0, dtype=np.int64)
            first: Bool | None = first_src >= 0
            first_of: I64 | None = first_src
        else:
            seeds_map: dict[int, int] = {}
            chosen = [i for i in members if SEVERITY_RANK[sources[i].severity] >= sev]
            for i in chosen:  # one source per node: the first of the worst severity
                node = sources[i].node
                prev = seeds_map.get(node)
                rank = SEVERITY_RANK[sources[i].severity]
                if prev is None or rank > SEVERITY_RANK[sources[prev].severity]:
                    seeds_map[node] = i
            seeds = np.fromiter(seeds_map.keys(), dtype=np.int64, count=len(seeds_map))
            seed_src = np.fromiter(seeds_map.values(), dtype=np.int64, count=len(seeds_map))
            first, first_of = None, None
        own = job.own if kind != SECTOR else _no_holdings()  # goods travel by supply only
        for basis in (2, 1, 0):
            classes.append(
                _search(job.hops, own, job.n, seeds, seed_src, first, first_of, basis,
                        job.depth, job.feeds, job.tolerance, root_of)
            )  # fmt: skip
    return _select(classes, job.hops, job.own, job.max_paths, job.depth)


def _no_holdings() -> Holdings:
    empty = np.empty(0, dtype=np.int64)
    return Holdings(empty, empty, np.empty(0, dtype=np.int8), empty)


def _sector_first_hops(hops: Hops, sources: list[RiskSource], chosen: list[int]) -> I64:
    """For each hop, the goods-borne source it leaves (its supplier and HS code), or -1."""
    table = pl.DataFrame(
        {"start": [sources[i].node for i in chosen], "hs": [sources[i].hs_code for i in chosen],
         "src": chosen},
        schema={"start": pl.Int32, "hs": pl.String, "src": pl.Int64},
    ).unique(["start", "hs"], keep="first", maintain_order=True)  # fmt: skip
    found = hops.table.select("start", "hs").join(
        table, on=["start", "hs"], how="left", maintain_order="left"
    )
    return found["src"].fill_null(-1).to_numpy().astype(np.int64)


def _own_rows(sources: list[RiskSource], hops: Hops) -> pl.DataFrame:
    """Zero-hop rows: each source at its own node (goods-borne: the goods it ships)."""
    goods = hops.table.group_by("start", "hs", maintain_order=True).agg(pl.col("product").first())
    own = pl.DataFrame(
        {"start": [s.node for s in sources], "hs": [s.hs_code for s in sources]},
        schema={"start": pl.Int32, "hs": pl.String},
    ).with_row_index("source")
    return own.join(goods, on=["start", "hs"], how="left", maintain_order="left").select(
        pl.col("start").cast(pl.Int64).alias("node"),
        pl.when(pl.col("hs") != "").then(pl.col("product")).otherwise(pl.lit("")).fill_null("")
        .alias("product"),
        pl.col("source").cast(pl.Int64),
        pl.lit(0, dtype=pl.Int64).alias("hops"),
        pl.lit(None, dtype=pl.Int8).alias("basis"),
        pl.lit(0, dtype=pl.Int64).alias("routes"),
        pl.lit(0, dtype=pl.Int64).alias("independent"),
    )  # fmt: skip


ROW_SCHEMA: dict[str, pl.DataType] = {
    "node": pl.Int64(), "product": pl.String(), "source": pl.Int64(), "hops": pl.Int64(),
    "basis": pl.Int8(), "routes": pl.Int64(), "independent": pl.Int64(),
}  # fmt: skip


def _select(
    classes: list[_Class], hops: Hops, own: Holdings, k: int, depth: int
) -> tuple[dict[str, npt.NDArray[np.generic]], I64, int]:
    """Candidates (the best simple path through each last hop, supply or holding), the k best
    per (node, product); returns their rows, their steps and how many last hops had only walks
    that pass a party twice."""
    size = hops.size
    n_classes = len(classes)
    levels = np.stack([c.hop_level for c in classes])
    parents = np.stack([c.hop_parent for c in classes])
    hop_sources = np.stack([c.hop_source for c in classes])
    node_levels = np.stack([c.node_level for c in classes])
    node_parents = np.stack([c.node_parent for c in classes])
    node_sources = np.stack([c.node_source for c in classes])
    # Which class reaches each last hop: a supply hop, or a holding whose owner the class
    # reaches (by holdings) before the last level, the holding as strong as the class.
    owner_levels = node_levels[:, own.start].astype(np.int64)
    class_basis = (2 - np.arange(n_classes) % 3)[:, None]
    reached = np.concatenate(
        [levels >= 0, (owner_levels >= 0) & (owner_levels < depth) & (own.basis >= class_basis)],
        axis=1,
    )
    step = np.flatnonzero(reached.any(axis=0))
    cls = reached[:, step].argmax(axis=0)
    is_hop = step < size
    hop_id = np.where(is_hop, step, 0)
    own_id = np.where(is_hop, 0, step - size)
    node = np.where(is_hop, hops.end[hop_id], own.end[own_id] if len(own.end) else 0)
    via = np.where(is_hop, hops.start[hop_id], own.start[own_id] if len(own.start) else 0)
    product = np.where(is_hop, hops.product[hop_id], -1)
    group = node * (len(hops.products) + 1) + product + 1
    # Every direct supplier (or owner) that brings the risk, written or not.
    n_via = int(max(via.max(initial=0), 0)) + 1
    pairs = _distinct(group * n_via + via) // n_via  # sorted
    starts = np.concatenate([[True], pairs[1:] != pairs[:-1]]) if len(pairs) else pairs > 0
    routes_of = np.diff(np.append(np.flatnonzero(starts), len(pairs)))
    routes = routes_of[_dense(group)]  # every group is among the pairs'
    n_steps = size + len(own.start) + 1
    at_step = np.empty(n_steps, dtype=np.int64)  # each candidate by its step (one per step)
    at_step[step] = np.arange(len(step))

    def length(c: I64) -> I64:
        return np.where(is_hop, levels[c, hop_id], node_levels[c, own.start[own_id]] + 1 if
                        len(own.start) else 0).astype(np.int64)  # fmt: skip

    hop_len = length(cls)
    steps = np.full((len(step), depth), -1, dtype=np.int64)
    checked = np.zeros(len(step), dtype=bool)
    dropped = 0
    while True:
        alive = np.flatnonzero(cls >= 0)
        rank_key = (group[alive] * n_classes + cls[alive]) * (depth + 1) + hop_len[alive]
        # The step makes each key distinct: sort the keys themselves, then find their rows.
        order = at_step[np.sort(rank_key * n_steps + step[alive]) % n_steps]
        g = group[order]
        first = np.concatenate([[True], g[1:] != g[:-1]])
        at = np.arange(len(order))
        rank = at - np.maximum.accumulate(np.where(first, at, 0))
        top = order[rank < k]
        pending = top[~checked[top]]
        if not len(pending):
            break
        built = _rebuild(cls[pending], step[pending], parents, node_levels, node_parents, hops,
                         own, depth)  # fmt: skip
        steps[pending] = built
        checked[pending] = True
        bad = pending[~_simple(built, hops, own)]
        if not len(bad):  # nothing changes: the next sort would give the same ``top``
            break
        # The best walk through this last hop passes a party twice: try the next class.
        later = reached[:, step[bad]] & (np.arange(n_classes)[:, None] > cls[bad][None, :])
        has = later.any(axis=0)
        dropped += int((~has).sum())
        cls[bad[has]] = later[:, has].argmax(axis=0)
        cls[bad[~has]] = -1
        checked[bad] = False
        hop_len = length(np.maximum(cls, 0))
    # ``top`` is in the order of the last sort: best first within each (node, product).
    c = cls[top]
    sources = np.where(
        is_hop[top], hop_sources[c, hop_id[top]],
        node_sources[c, own.start[own_id[top]]] if len(own.start) else -1,
    )  # fmt: skip
    kept = steps[top]
    columns = {
        "node": node[top],
        "product": product[top],  # an index into hops.products, -1 for a holding
        "source": sources,
        "hops": (kept >= 0).sum(axis=1),
        "basis": (2 - c % 3).astype(np.int8),
        "routes": routes[top],
        "independent": _independent(group[top], kept, hops, own),
    }
    return columns, kept, dropped


def _frame(columns: dict[str, npt.NDArray[np.generic]], hops: Hops) -> pl.DataFrame:
    names = pl.Series("names", ["", *hops.products], dtype=pl.String)
    return (
        pl.DataFrame({**columns, "product": names.gather(columns["product"] + 1)})
        .select(list(ROW_SCHEMA))
        .cast(pl.Schema(ROW_SCHEMA))
    )


def _rebuild(
    cls: I64,
    step: I64,
    parents: I64,
    node_levels: npt.NDArray[np.int8],
    node_parents: I64,
    hops: Hops,
    own: Holdings,
    depth: int,
) -> I64:
    """Each candidate's steps from its source, padded with -1 to ``depth`` columns."""
    size = hops.size
    m = len(step)
    back = np.full((m, depth), -1, dtype=np.int64)  # steps from the last one backwards
    count = np.zeros(m, dtype=np.int64)
    is_own = step >= size
    node = np.zeros(m, dtype=np.int64)
    if is_own.any():
        node[is_own] = own.start[step[is_own] - size]
        back[is_own, 0] = step[is_own]
        count[is_own] = 1
    # Supply hops, back to the first, on the rows still walking only.
    at = np.flatnonzero(~is_own)
    hop, base = step[at], cls[at] * size
    flat_parents = parents.ravel()
    for _ in range(depth):
        if not len(at):
            break
        back[at, count[at]] = hop
        count[at] += 1
        node[at] = hops.start[hop]
        hop = flat_parents[base + hop]
        going = hop >= 0
        at, hop, base = at[going], hop[going], base[going]
    for _ in range(depth):  # holdings, back to the source
        edge = node_parents[cls, node]
        active = (edge >= 0) & (node_levels[cls, node] > 0) & (count < depth)
        if not active.any():
            break
        rows = np.flatnonzero(active)
        back[rows, count[rows]] = size + edge[rows]
        count[rows] += 1
        node[rows] = own.start[edge[rows]]
    out = np.full((m, depth), -1, dtype=np.int64)
    for c in range(1, depth + 1):  # reversed, for the rows of each length
        rows = np.flatnonzero(count == c)
        out[rows, :c] = back[rows, c - 1 :: -1]
    return out


def step_ends(hops: Hops, own: Holdings) -> I64:
    """The node each step arrives at (hops, then holdings)."""
    return np.concatenate([hops.end, own.end])


def _simple(steps: I64, hops: Hops, own: Holdings) -> Bool:
    """Whether each path visits every party once (the source, then each step's end)."""
    ends = step_ends(hops, own)
    roots = _roots(steps, hops, own)
    nodes = np.where(steps >= 0, ends[np.clip(steps, 0, None)], -1 - np.arange(steps.shape[1]))
    nodes = np.concatenate([roots[:, None], nodes], axis=1)
    ordered = np.sort(nodes, axis=1)
    return np.asarray(~(ordered[:, 1:] == ordered[:, :-1]).any(axis=1))


def _roots(steps: I64, hops: Hops, own: Holdings) -> I64:
    """The party each path starts at (the start of its first step)."""
    starts = np.concatenate([hops.start, own.start])
    return np.asarray(starts[np.clip(steps[:, 0], 0, None)])


def _independent(group: I64, steps: I64, hops: Hops, own: Holdings) -> I64:
    """Per group (rows sorted by group): how many of its paths share no party between source
    and node, greedily, shortest first; the same count on each of the group's rows."""
    m, depth = steps.shape
    out = np.ones(m, dtype=np.int64)
    if m == 0:
        return out
    first = np.concatenate([[True], group[1:] != group[:-1]])
    ids = np.cumsum(first) - 1
    sizes = np.bincount(ids)
    multi = np.flatnonzero(sizes[ids] > 1)  # a group of one path has one independent path
    if not len(multi):
        return out
    ids = ids[multi]
    ids = _dense(ids)
    n_groups = int(ids.max()) + 1
    sub = steps[multi]
    ends = step_ends(hops, own)
    count = (sub >= 0).sum(axis=1)
    inner = np.where(sub >= 0, ends[np.clip(sub, 0, None)], -1)
    inner[np.arange(len(sub)), count - 1] = -1  # the node itself is not inside its paths
    order = stable_argsort(ids * (depth + 1) + count)  # shortest first within each group
    sorted_ids = ids[order]
    starts = np.concatenate([[True], sorted_ids[1:] != sorted_ids[:-1]])
    at = np.arange(len(order))
    ranks = np.empty(len(order), dtype=np.int64)
    ranks[order] = at - np.maximum.accumulate(np.where(starts, at, 0))
    accepted = ranks == 0
    last = int(ranks.max())
    used = np.full((n_groups, depth * (last + 1)), -1, dtype=np.int64)  # -1: nothing yet
    used[:, :depth] = inner[order[starts]]  # the shortest path of each group is in
    for r in range(1, last + 1):
        rows = np.flatnonzero(ranks == r)
        mine = inner[rows]
        seen = used[ids[rows], : depth * r]
        clash = (mine[:, :, None] == seen[:, None, :]) & (mine[:, :, None] >= 0)
        ok = ~clash.any(axis=(1, 2))
        accepted[rows[ok]] = True
        used[ids[rows[ok]], depth * r : depth * (r + 1)] = mine[ok]
    out[multi] = np.bincount(ids, weights=accepted, minlength=n_groups).astype(np.int64)[ids]
    return out
