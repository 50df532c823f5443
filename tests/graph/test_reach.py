"""Exposure at scale agrees with the exact path search on small chains."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sourcetrace.graph.reach import Edges, product_exposure, reach
from sourcetrace.graph.risks import LIST, RiskSource
from sourcetrace.graph.trace import trace
from tests.graph.chains import graph, node


def _edges(pairs: list[tuple[int, int, int]]) -> Edges:
    a = np.array(pairs, dtype=np.int64).reshape(-1, 3)
    return Edges(a[:, 0], a[:, 1], a[:, 2].astype(np.int8))


def test_hops_basis_and_walks_on_a_cycle() -> None:
    # 0 -> 1 (observed) -> 2 (inferred); 0 -> 3 (declared) -> 2 (declared); 2 -> 0 closes a cycle.
    supply = _edges([(0, 1, 2), (1, 2, 0), (0, 3, 1), (3, 2, 1), (2, 0, 2)])
    r = reach(5, supply, np.array([0]), depth=6)
    assert r.hops.tolist() == [0, 1, 2, 1, -1]
    assert r.basis.tolist() == [2, 2, 1, 1, -1]
    assert r.walks[2] >= 2


def test_depth_and_ownership_prefix() -> None:
    supply = _edges([(1, 2, 2), (2, 3, 2)])
    owns = _edges([(0, 1, 1)])
    r = reach(4, supply, np.array([0]), depth=2, owns=owns)
    assert r.hops.tolist() == [0, 1, 2, -1]
    assert r.basis.tolist() == [2, 1, 1, -1]


def test_product_exposure_per_received_product() -> None:
    supply = _edges([(0, 1, 2), (0, 1, 0), (1, 2, 1)])
    product = np.array([7, 8, 9])
    r = reach(3, supply, np.array([0]), depth=6)
    frame = product_exposure(r, supply, product, depth=6).sort("node", "product")
    assert frame.rows() == [(1, 7, 1, 2), (1, 8, 1, 0), (2, 9, 2, 1)]


def test_goods_borne_risk_leaves_only_on_its_edges() -> None:
    supply = _edges([(0, 1, 2), (0, 2, 2), (2, 3, 2)])
    first = np.array([True, False, False])
    r = reach(4, supply, np.array([0]), depth=6, first_edges=first)
    assert r.hops.tolist() == [0, 1, -1, -1]


def test_agrees_with_exact_trace() -> None:
    rows = [
        ("B Co", "A Co", "yarn", "5205", "1", "kg", "observed"),
        ("C Co", "B Co", "fabric", "6006", "1", "kg", "inferred"),
        ("D Co", "C Co", "shirts", "6109", "1", "pcs", "observed"),
        ("D Co", "A Co", "fabric", "6006", "1", "kg", "declared"),
        ("B Co", "D Co", "returns", "6109", "1", "pcs", "observed"),
    ]
    g = graph(rows)
    risk = RiskSource(node(g, "A Co"), LIST, "high", "test")
    findings = [f for f in trace(g, [risk]).findings if f.hops]
    supply = Edges(
        np.array([x.supplier for x in g.links]),
        np.array([x.buyer for x in g.links]),
        np.array([x.basis.rank for x in g.links], dtype=np.int8),
    )
    r = reach(len(g.nodes), supply, np.array([risk.node]))
    for n in range(len(g.nodes)):
        mine = [f for f in findings if f.node == n]
        if n == risk.node:
            continue
        assert r.hops[n] == (min(len(f.hops) for f in mine) if mine else -1)
        assert r.basis[n] == (max(f.basis.rank for f in mine if f.basis) if mine else -1)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 6), st.integers(0, 6), st.integers(0, 2)), min_size=1, max_size=18
    ),
    st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6)), max_size=3),
    st.integers(1, 5),
)
def test_reach_agrees_with_trace_on_random_graphs(
    edges: list[tuple[int, int, int]], holdings: list[tuple[int, int]], depth: int
) -> None:
    """Fewest hops and best basis agree with the exact path search, cycles and holdings included."""
    basis = ["inferred", "declared", "observed"]
    rows = [(f"P{b} Co", f"P{a} Co", "x", "", "1", "kg", basis[v]) for a, b, v in edges if a != b]
    if not rows:
        return
    g = graph(rows, [(f"P{a} Co", f"P{b} Co", "60") for a, b in holdings if a != b] or None)
    source = g.links[0].supplier
    risk = RiskSource(source, LIST, "high", "test")
    findings = [f for f in trace(g, [risk], depth=depth).findings if f.hops]
    supply = Edges(
        np.array([x.supplier for x in g.links]),
        np.array([x.buyer for x in g.links]),
        np.array([x.basis.rank for x in g.links], dtype=np.int8),
    )
    owns = Edges(
        np.array([o.owner for o in g.ownership], dtype=np.int64),
        np.array([o.owned for o in g.ownership], dtype=np.int64),
        np.array([o.basis.rank for o in g.ownership], dtype=np.int8),
    )
    r = reach(len(g.nodes), supply, np.array([source]), depth=depth, owns=owns)
    for n in range(len(g.nodes)):
        if n == source:
            continue
        mine = [f for f in findings if f.node == n]
        assert r.hops[n] == (min(len(f.hops) for f in mine) if mine else -1)
        assert r.basis[n] == (max(f.basis.rank for f in mine if f.basis) if mine else -1)
