"""Benchmark: trace every kind of risk to every (node, product) of a 1,000,000-link chain.

    .venv/bin/python benchmarks/trace/run.py [--links 1000000] [--nodes 200000] [--depth 6]

A deterministic (seeded) six-tier textile chain: farms/gins -> spinners -> knitters -> dyers ->
garment makers -> importers, with 2 % of links going back a tier (returns, so there are cycles),
20,000 holdings, and risk sources of five kinds. It times :mod:`sourcetrace.graph.reach` (all risk
kinds, all products) and, as the baseline in the same process, a plain-Python breadth-first search
for one risk kind, and checks the two agree. Reading files, resolving party names and list matching
are not timed here (they are per distinct name, see benchmarks/matching).
"""

from __future__ import annotations

import argparse
import os
import time
from collections import deque

import numpy as np
import polars as pl

from sourcetrace.graph.reach import Edges, product_exposure, reach

TIER_SHARE = (0.30, 0.20, 0.20, 0.15, 0.125, 0.025)
TIER_PRODUCTS = (
    ("cotton", "seed cotton", "cotton linters"),
    ("yarn", "melange yarn", "polyester yarn", "blended yarn"),
    ("knitted fabric", "woven fabric", "denim"),
    ("dyed fabric", "printed fabric"),
    ("t-shirts", "sweaters", "trousers", "shirts", "jackets", "socks"),
)
KINDS = ("list", "cbp_wro", "xinjiang_location", "uscc_xinjiang", "sector")


def make_chain(n_links: int, n_nodes: int, seed: int = 20260101) -> dict[str, np.ndarray]:
    """The chain as arrays: start, end, basis (0-2), product code, sector flag; and tiers."""
    rng = np.random.default_rng(seed)
    sizes = np.floor(np.array(TIER_SHARE) * n_nodes).astype(np.int64)
    sizes[-1] = n_nodes - sizes[:-1].sum()
    offsets = np.concatenate([[0], np.cumsum(sizes)])
    tier = np.repeat(np.arange(len(sizes)), sizes)
    forward = int(n_links * 0.98)
    t = rng.integers(0, len(sizes) - 1, size=forward)
    start = offsets[t] + (rng.random(forward) * sizes[t]).astype(np.int64)
    end = offsets[t + 1] + (rng.random(forward) * sizes[t + 1]).astype(np.int64)
    back = n_links - forward
    tb = rng.integers(1, len(sizes) - 1, size=back)
    start_b = offsets[tb] + (rng.random(back) * sizes[tb]).astype(np.int64)
    end_b = offsets[tb - 1] + (rng.random(back) * sizes[tb - 1]).astype(np.int64)
    start = np.concatenate([start, start_b])
    end = np.concatenate([end, end_b])
    link_tier = tier[start]
    product_base = np.cumsum([0] + [len(p) for p in TIER_PRODUCTS])
    choice = rng.integers(0, 6, size=n_links)
    n_products = np.array([len(TIER_PRODUCTS[min(x, 4)]) for x in range(len(sizes))])
    product = product_base[np.minimum(link_tier, 4)] + choice % n_products[link_tier]
    basis = rng.choice(np.array([0, 1, 2], dtype=np.int8), size=n_links, p=[0.15, 0.45, 0.40])
    sector = product != product_base[1] + 2  # everything but polyester yarn is cotton or apparel
    return {
        "start": start,
        "end": end,
        "basis": basis,
        "product": product,
        "sector": sector,
        "tier": tier,
    }


def make_risks(chain: dict[str, np.ndarray], n_nodes: int, seed: int = 7) -> dict[str, np.ndarray]:
    """Seed node ids per risk kind (a few percent of the upstream tiers)."""
    rng = np.random.default_rng(seed)
    upstream = np.flatnonzero(chain["tier"] <= 2)
    return {
        "list": rng.choice(upstream, size=len(upstream) // 200, replace=False),
        "cbp_wro": rng.choice(upstream, size=len(upstream) // 1000, replace=False),
        "xinjiang_location": rng.choice(upstream, size=len(upstream) // 50, replace=False),
        "uscc_xinjiang": rng.choice(upstream, size=len(upstream) // 100, replace=False),
        "sector": np.unique(chain["start"][chain["sector"] & (chain["tier"][chain["start"]] == 0)]),
    }


def trace_all(
    n_nodes: int,
    chain: dict[str, np.ndarray],
    seeds: dict[str, np.ndarray],
    owns: Edges,
    depth: int,
) -> pl.DataFrame:
    """Every kind of risk to every (node, product received): the timed work."""
    supply = Edges(chain["start"], chain["end"], chain["basis"])
    frames = []
    for kind in KINDS:
        first = chain["sector"] if kind == "sector" else None
        r = reach(
            n_nodes,
            supply,
            seeds[kind],
            depth,
            owns=None if kind == "sector" else owns,
            first_edges=first,
        )
        frame = product_exposure(r, supply, chain["product"], depth, first_edges=first)
        frames.append(frame.with_columns(pl.lit(kind).alias("risk")))
    return pl.concat(frames)


def python_bfs(
    n_nodes: int, start: np.ndarray, end: np.ndarray, seeds: np.ndarray, depth: int
) -> list[int]:
    """Baseline: fewest hops from the seeds, a textbook BFS over Python adjacency lists."""
    adjacency: list[list[int]] = [[] for _ in range(n_nodes)]
    for a, b in zip(start.tolist(), end.tolist(), strict=True):
        adjacency[a].append(b)
    hops = [-1] * n_nodes
    queue: deque[int] = deque()
    for s in seeds.tolist():
        hops[s] = 0
        queue.append(s)
    while queue:
        a = queue.popleft()
        if hops[a] >= depth:
            continue
        for b in adjacency[a]:
            if hops[b] < 0:
                hops[b] = hops[a] + 1
                queue.append(b)
    return hops


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--links", type=int, default=1_000_000)
    parser.add_argument("--nodes", type=int, default=200_000)
    parser.add_argument("--depth", type=int, default=6)
    args = parser.parse_args()

    t0 = time.perf_counter()
    chain = make_chain(args.links, args.nodes)
    seeds = make_risks(chain, args.nodes)
    rng = np.random.default_rng(11)
    n_owns = 20_000
    share = rng.uniform(10, 100, size=n_owns)
    keep = share >= 50.0  # the ownership threshold, applied as the graph is built
    owns = Edges(
        rng.integers(0, args.nodes, size=n_owns)[keep],
        rng.integers(0, args.nodes, size=n_owns)[keep],
        np.ones(int(keep.sum()), dtype=np.int8),
    )
    made = time.perf_counter() - t0
    print(f"chain: {args.links:,} links, {args.nodes:,} nodes, {int(keep.sum()):,} holdings >= 50 %, "
          f"depth {args.depth}; generated in {made:.2f} s; cpus {os.cpu_count()}")  # fmt: skip
    print("risk sources: " + ", ".join(f"{k} {len(v):,}" for k, v in seeds.items()))

    t0 = time.perf_counter()
    result = trace_all(args.nodes, chain, seeds, owns, args.depth)
    wall = time.perf_counter() - t0
    nodes = result.select(pl.col("node").n_unique()).item()
    print(f"trace, all kinds and products: {wall:.2f} s wall -> {result.height:,} (node, product, risk) "
          f"rows over {nodes:,} exposed nodes")  # fmt: skip

    supply = Edges(chain["start"], chain["end"], chain["basis"])
    t0 = time.perf_counter()
    fast = reach(args.nodes, supply, seeds["list"], args.depth)
    fast_one = time.perf_counter() - t0
    t0 = time.perf_counter()
    slow = python_bfs(args.nodes, chain["start"], chain["end"], seeds["list"], args.depth)
    slow_one = time.perf_counter() - t0
    assert fast.hops.tolist() == slow, "vectorised and plain BFS disagree"
    print(f"one risk kind (list): numpy reach {fast_one:.2f} s (hops, basis, walks) vs plain-Python BFS "
          f"{slow_one:.2f} s (hops only): x{slow_one / fast_one:.1f}; hops agree")  # fmt: skip


if __name__ == "__main__":
    main()
