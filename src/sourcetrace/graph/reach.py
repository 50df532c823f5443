"""Exposure at scale: which nodes and products each kind of risk reaches, without listing paths.

:mod:`sourcetrace.graph.trace` enumerates paths, which explains a finding but grows with the
branching of the graph. This module answers the screening question for millions of links with a
breadth-first search from all risk sources at once, one level per hop, over numpy edge arrays:

- ``hops``: the fewest hops from any source (0 = the node is a source; -1 = not within ``depth``);
- ``basis``: the best path basis, i.e. the strongest "weakest link" over all paths within
  ``depth`` (0 inferred, 1 declared, 2 observed), found by one search per basis level over the
  edges at least that strong;
- ``walks``: the number of walks of 1..``depth`` hops from the sources, an upper bound on the number
  of paths (a walk may go round a cycle); :func:`~sourcetrace.graph.trace.trace` gives exact paths.

The same rules as :mod:`~sourcetrace.graph.trace`: ownership hops only at the start of a path (for
node risks), goods-borne risk leaves a source only on its own edges (``first_edges``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
BASIS_LEVELS = (0, 1, 2)


@dataclass(frozen=True, slots=True)
class Edges:
    """Edges as parallel arrays: start, end and basis rank (0 inferred, 1 declared, 2 observed)."""

    start: IntArray
    end: IntArray
    basis: npt.NDArray[np.int8]

    def at_least(self, level: int) -> BoolArray:
        return np.asarray(self.basis >= level)


@dataclass(frozen=True, slots=True)
class Reach:
    """Per node: fewest hops, best basis, walk count; and per basis level the fewest hops."""

    hops: npt.NDArray[np.int16]
    basis: npt.NDArray[np.int8]
    walks: npt.NDArray[np.float64]
    hops_by_basis: tuple[npt.NDArray[np.int16], ...]


def _levels(
    n: int,
    supply: Edges,
    supply_ok: BoolArray,
    owns: Edges | None,
    owns_ok: BoolArray | None,
    seeds: IntArray,
    depth: int,
    first_edges: BoolArray | None,
) -> npt.NDArray[np.int16]:
    hops = np.full(n, -1, dtype=np.int16)
    hops[seeds] = 0
    # Ownership first: a chain of holdings from the sources, before any supply hop.
    if owns is not None and owns_ok is not None and len(owns.start):
        frontier = hops == 0
        for d in range(1, depth + 1):
            nxt = np.zeros(n, dtype=bool)
            nxt[owns.end[frontier[owns.start] & owns_ok]] = True
            nxt &= hops < 0
            if not nxt.any():
                break
            hops[nxt] = d
            frontier = nxt
    for d in range(1, depth + 1):
        # Nodes first reached at d - 1 (by supply or by ownership) carry the risk on.
        frontier = hops == d - 1
        if not frontier.any():
            continue
        active = frontier[supply.start] & supply_ok
        if first_edges is not None:
            # Goods-borne risk leaves a source only on its own edges.
            active &= first_edges | (hops[supply.start] > 0)
        nxt = np.zeros(n, dtype=bool)
        nxt[supply.end[active]] = True
        # Unreached, or reached only by a longer chain of holdings.
        nxt &= (hops < 0) | (hops > d)
        hops[nxt] = d
    return hops


def reach(
    n: int,
    supply: Edges,
    seeds: IntArray,
    depth: int = 6,
    owns: Edges | None = None,
    first_edges: BoolArray | None = None,
) -> Reach:
    """Exposure of every node to one set of risk sources (``seeds``: node ids)."""
    by_basis = tuple(
        _levels(
            n,
            supply,
            supply.at_least(v),
            owns,
            owns.at_least(v) if owns is not None else None,
            seeds,
            depth,
            first_edges,
        )
        for v in BASIS_LEVELS
    )
    hops = by_basis[0]
    basis = np.full(n, -1, dtype=np.int8)
    for v, h in zip(BASIS_LEVELS, by_basis, strict=True):
        basis[h > 0] = v
    basis[hops == 0] = 2
    counts = np.zeros(n, dtype=np.float64)
    counts[hops == 0] = 1.0
    walks = np.zeros(n, dtype=np.float64)
    for d in range(1, depth + 1):
        weights = counts[supply.start]
        if first_edges is not None and d == 1:
            weights = weights * first_edges
        counts = np.bincount(supply.end, weights=weights, minlength=n).astype(np.float64)
        walks += counts
    return Reach(hops=hops, basis=basis, walks=walks, hops_by_basis=by_basis)


def product_exposure(
    result: Reach,
    supply: Edges,
    product: IntArray,
    depth: int,
    first_edges: BoolArray | None = None,
) -> pl.DataFrame:
    """Per (node, product received): fewest hops and best basis by which the risk arrives.

    Columns: node, product (the codes given), hops, basis. An edge carries the risk when its start
    is reached within ``depth - 1`` hops (a source, for goods-borne risk, only on its own edges).
    """
    start_hops = result.hops[supply.start]
    carries = (start_hops >= 0) & (start_hops < depth)
    if first_edges is not None:
        carries &= first_edges | (start_hops > 0)
    best = np.full(len(supply.start), -1, dtype=np.int8)
    for v, h in zip(BASIS_LEVELS, result.hops_by_basis, strict=True):
        hv = h[supply.start]
        ok = (hv >= 0) & (hv < depth) & (supply.basis >= v)
        if first_edges is not None:
            ok &= first_edges | (hv > 0)
        best[ok] = v
    idx = np.flatnonzero(carries)
    frame = pl.DataFrame(
        {
            "node": supply.end[idx],
            "product": product[idx],
            "hops": start_hops[idx].astype(np.int16) + 1,
            "basis": best[idx],
        }
    )
    return frame.group_by("node", "product").agg(pl.col("hops").min(), pl.col("basis").max())
