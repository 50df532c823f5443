"""Best paths at scale agree with the exact path search, and are written as it writes them."""

from __future__ import annotations

from collections import defaultdict
from typing import NamedTuple

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sourcetrace.graph import paths as paths_module
from sourcetrace.graph.balance import BalanceFlag, check_balance
from sourcetrace.graph.build import build
from sourcetrace.graph.checklist import checklist_text
from sourcetrace.graph.findings import (
    PATH_COLUMNS,
    _step_texts,
    balance_row,
    findings_frame,
    paths_frame,
)
from sourcetrace.graph.model import BASES as MODEL_BASES
from sourcetrace.graph.model import Graph
from sourcetrace.graph.paths import PathSet, best_paths, stable_argsort, step_ends
from sourcetrace.graph.risks import LIST, SEVERITY_RANK, XINJIANG, RiskSource, sector_risks
from sourcetrace.graph.trace import Rules, trace
from tests.graph.chains import graph, links_frame, node

# Two garment makers buy fabric woven from Huafu's yarn; the brand buys from both.
CHAIN = [
    ("Meridian Knitting Co", "Listed Spinning Co", "yarn", "5205.12", "1", "kg", "observed"),
    ("Lakeside Weaving Co", "Listed Spinning Co", "yarn", "5205.12", "1", "kg", "declared"),
    ("Harbour Garments Ltd", "Meridian Knitting Co", "fabric", "6006.22", "1", "kg", "observed"),
    ("Eastbay Apparel Co", "Lakeside Weaving Co", "fabric", "5208.32", "1", "kg", "observed"),
    ("Northwind Outfitters Ltd", "Harbour Garments Ltd", "t-shirts", "6109.10", "1", "pcs",
     "observed"),
    ("Northwind Outfitters Ltd", "Eastbay Apparel Co", "t-shirts", "6109.10", "1", "pcs",
     "inferred"),
]  # fmt: skip


def _listed(g: Graph) -> RiskSource:
    return RiskSource(node(g, "Listed Spinning Co"), LIST, "high", "match 'Listed Spinning Co'")


def _rows(g: Graph, paths: PathSet, name: str) -> list[dict[str, object]]:
    return [r for r in paths.rows.iter_rows(named=True) if r["node"] == node(g, name)]


def test_the_best_path_through_each_supplier_best_first() -> None:
    g = graph(CHAIN)
    paths = best_paths(g, [_listed(g)], max_paths=3)
    brand = _rows(g, paths, "Northwind Outfitters Ltd")
    assert [(r["product"], r["hops"], r["basis"], r["routes"]) for r in brand] == [
        ("t-shirts", 3, 2, 2),  # all observed, through Harbour
        ("t-shirts", 3, 0, 2),  # the inferred link from Eastbay
    ]
    assert {r["independent"] for r in brand} == {2}  # Meridian and Lakeside: no party shared


def test_max_paths_caps_the_rows_not_the_routes() -> None:
    g = graph(CHAIN)
    brand = _rows(g, best_paths(g, [_listed(g)], max_paths=1), "Northwind Outfitters Ltd")
    assert [(r["basis"], r["routes"], r["independent"]) for r in brand] == [(2, 2, 1)]


def test_written_like_the_exact_trace() -> None:
    g = graph(CHAIN)
    risk = _listed(g)
    exact = findings_frame(g, trace(g, [risk]).findings)
    large = paths_frame(g, best_paths(g, [risk], max_paths=10)).with_columns(
        pl.col(c).cast(pl.String) for c in ("risk", "severity", "checklist")
    )
    key = ["node", "product", "risk", "path", "hops", "basis", "evidence", "severity", "checklist"]
    assert sorted(large.select(key).rows()) == sorted(exact.select(key).rows())
    assert (
        exact.filter(pl.col("hops") > 0)["routes"].to_list()
        == large.filter(pl.col("hops") > 0)["routes"].to_list()
    )


def test_ownership_then_supply() -> None:
    rows = [("Northwind Outfitters Ltd", "Subsidiary Spinning Co", "yarn", "5205", "1", "kg",
             "observed")]  # fmt: skip
    g = graph(rows, [("Listed Parent Co", "Subsidiary Spinning Co", "70")])
    paths = best_paths(g, [RiskSource(node(g, "Listed Parent Co"), LIST, "high", "listed")])
    ends = step_ends(paths.hops, paths.holdings)
    found = {
        (g.name(r["node"]), r["product"], tuple(g.name(int(ends[s])) for s in steps if s >= 0))
        for r, steps in zip(paths.rows.iter_rows(named=True), paths.steps, strict=True)
    }
    assert found == {
        ("Listed Parent Co", "", ()),
        ("Subsidiary Spinning Co", "", ("Subsidiary Spinning Co",)),
        ("Northwind Outfitters Ltd", "yarn", ("Subsidiary Spinning Co", "Northwind Outfitters Ltd")),
    }  # fmt: skip


GOODS = [("cotton", "5201.00"), ("yarn", "5205.12"), ("fabric", "5208.32"), ("t-shirts", "6109.10"),
         ("caustic soda", "2815.12"), ("machine parts", "8448.59")]  # fmt: skip
DATES = ["", "2026-01-05", "2026-02-10", "2026-03-20", "2026-02"]
BASES = ["inferred", "declared", "observed"]


def _random_graph(
    edges: list[tuple[int, int, int, int, int]], holdings: list[tuple[int, int]]
) -> Graph | None:
    rows = [(f"Party {b} Co", f"Party {a} Co", GOODS[p][0], GOODS[p][1], "1", "kg", BASES[v])
            for a, b, p, v, _ in edges if a != b]  # fmt: skip
    if not rows:
        return None
    dates = [DATES[d] for a, b, _, _, d in edges if a != b]
    own = [(f"Party {a} Co", f"Party {b} Co", "60") for a, b in holdings if a != b]
    frame = links_frame(rows, date=dates)
    owned = (
        pl.DataFrame({"owner": [o[0] for o in own], "owned": [o[1] for o in own],
                      "share": [o[2] for o in own], "evidence": ["registry"] * len(own)})
        if own else None
    )  # fmt: skip
    return build(frame, owned, names={"links": "links.csv", "ownership": "ownership.csv"}).graph


def _sources(g: Graph, listed: list[tuple[int, int]]) -> list[RiskSource]:
    out = []
    for n, high in listed:
        name = f"Party {n} Co"
        if any(name in x.names for x in g.nodes):
            out.append(RiskSource(node(g, name), LIST, "high" if high else "medium", name))
    return out + sector_risks(g)


def _exact(g: Graph, sources: list[RiskSource], depth: int, rules: Rules) -> tuple[
    dict[tuple[int, str, str], tuple[int, int, int]], dict[tuple[int, str, str], set[int]],
    set[tuple[int, str, str, int, tuple[int, ...]]],
]:  # fmt: skip
    best: dict[tuple[int, str, str], tuple[int, int, int]] = {}
    routes: dict[tuple[int, str, str], set[int]] = defaultdict(set)
    every = set()
    for f in trace(g, sources, depth=depth, rules=rules).findings:
        if not f.hops:
            continue
        key = (f.node, f.product, f.risk.kind)
        score = (SEVERITY_RANK[f.risk.severity], f.basis.rank, -len(f.hops))  # type: ignore[union-attr]
        best[key] = max(best.get(key, score), score)
        routes[key].add(f.hops[-1].start)
        every.add((*key, f.risk.node, f.nodes))
    return best, routes, every


def _large(g: Graph, sources: list[RiskSource], depth: int, rules: Rules) -> tuple[
    dict[tuple[int, str, str], tuple[int, int, int]], dict[tuple[int, str, str], int],
    set[tuple[int, str, str, int, tuple[int, ...]]],
]:  # fmt: skip
    paths = best_paths(g, sources, depth=depth, max_paths=50, rules=rules)
    ends = step_ends(paths.hops, paths.holdings)
    best: dict[tuple[int, str, str], tuple[int, int, int]] = {}
    routes: dict[tuple[int, str, str], int] = {}
    written = set()
    for r, steps in zip(paths.rows.iter_rows(named=True), paths.steps, strict=True):
        if not r["hops"]:
            continue
        s = sources[r["source"]]
        key = (r["node"], r["product"], s.kind)
        score = (SEVERITY_RANK[s.severity], r["basis"], -r["hops"])
        best[key] = max(best.get(key, score), score)
        routes[key] = r["routes"]
        written.add((*key, s.node, (s.node, *(int(ends[x]) for x in steps if x >= 0))))
    return best, routes, written


edge_lists = st.lists(
    st.tuples(st.integers(0, 6), st.integers(0, 6), st.integers(0, len(GOODS) - 1),
              st.integers(0, 2), st.integers(0, len(DATES) - 1)),
    min_size=1, max_size=16,
)  # fmt: skip
listed = st.lists(st.tuples(st.integers(0, 6), st.booleans()), min_size=1, max_size=3)
holdings = st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6)), max_size=3)
rules = st.builds(Rules, st.booleans(), st.sampled_from([None, 0, 30]))


class Chain(NamedTuple):
    """A random chain to trace both ways: its links and holdings (party numbers), the listed
    parties (number, high severity), the depth and the rules."""

    edges: list[tuple[int, int, int, int, int]]
    own: list[tuple[int, int]]
    chosen: list[tuple[int, bool]]
    depth: int
    rule: Rules


random_chains = st.builds(Chain, edge_lists, holdings, listed, st.integers(1, 5), rules)


@settings(max_examples=80, deadline=None)
@given(random_chains)
def test_agrees_with_the_exact_trace_on_chains_without_cycles(chain: Chain) -> None:
    """Without cycles every walk is a path: the best severity, basis and hops per (node,
    product, kind), and the routes, are exactly those of the full enumeration."""
    forward = [(min(a, b), max(a, b), p, v, d) for a, b, p, v, d in chain.edges]
    g = _random_graph(forward, [(min(a, b), max(a, b)) for a, b in chain.own])
    if g is None:
        return
    sources = _sources(g, chain.chosen)
    best, routes, every = _exact(g, sources, chain.depth, chain.rule)
    got, got_routes, written = _large(g, sources, chain.depth, chain.rule)
    assert got == best
    assert got_routes == {k: len(v) for k, v in routes.items()}
    assert written <= every


@settings(max_examples=80, deadline=None)
@given(random_chains)
def test_only_real_paths_on_chains_with_cycles(chain: Chain) -> None:
    """With cycles (returns, trading back and forth) every path written is one the exact search
    finds, and never better than its best."""
    g = _random_graph(chain.edges, chain.own)
    if g is None:
        return
    sources = _sources(g, chain.chosen)
    best, _, every = _exact(g, sources, chain.depth, chain.rule)
    got, _, written = _large(g, sources, chain.depth, chain.rule)
    assert written <= every
    assert all(key in best and score <= best[key] for key, score in got.items())


def _sorted_by_polars(g: Graph, paths: PathSet, flags: list[BalanceFlag]) -> pl.DataFrame:
    """The findings table made the plain way (every text per row, then one polars sort): what
    :func:`paths_frame` must write, row for row."""
    names = g.parties.get_column("name")
    rank = names.rank("dense").cast(pl.Int64)
    text = pl.Categorical()
    risk = pl.DataFrame(
        {"source": range(len(paths.sources)), "root": [s.node for s in paths.sources],
         "risk": [f"{s.kind}: {s.detail}" for s in paths.sources],
         "severity": [s.severity for s in paths.sources],
         "checklist": [checklist_text(s.kind, s.sector) for s in paths.sources],
         "provenance": [s.provenance for s in paths.sources],
         "worst": [-SEVERITY_RANK[s.severity] for s in paths.sources]},
        schema={"source": pl.Int64, "root": pl.Int64, "risk": text, "severity": text,
                "checklist": text, "provenance": pl.String, "worst": pl.Int8},
    )  # fmt: skip
    rows = paths.rows.join(risk, on="source", how="left", maintain_order="left")
    ends = step_ends(paths.hops, paths.holdings)
    said = _step_texts(g, paths, names)
    stops, texts = [], []
    for j in range(paths.steps.shape[1]):
        column = paths.steps[:, j]
        absent = pl.Series(column < 0)
        stops.append(names.gather(pl.Series(ends[np.maximum(column, 0)]).set(absent, None)))
        texts.append(said.gather(pl.Series(column).set(absent, None)).alias(f"e{j}"))
    frame: pl.DataFrame = rows.with_columns(
        names.gather(rows["node"]).alias("name"),
        rank.gather(rows["node"]).alias("by_node"),
        rank.gather(rows["root"]).alias("by_root"),
        pl.concat_str(
            [names.gather(rows["root"]), *stops], separator=" > ", ignore_nulls=True
        ).alias("path"),
        pl.when(pl.col("hops") == 0)
        .then(pl.col("provenance"))
        .otherwise(pl.concat_str(texts, separator=" | ", ignore_nulls=True))
        .alias("evidence"),
        pl.col("basis").replace_strict(
            {i: b.value for i, b in enumerate(MODEL_BASES)}, default="", return_dtype=pl.String
        ),
        pl.col("independent").alias("independent_paths"),
    ).sort("worst", "by_node", "hops", "by_root", "source", "product", maintain_order=True)
    frame = frame.drop("node").rename({"name": "node"}).select(PATH_COLUMNS)
    if flags:
        extra = pl.DataFrame([balance_row(g, b) for b in flags], schema=frame.schema)
        frame = pl.concat([frame, extra], how="vertical").sort(
            pl.col("severity").cast(pl.String).replace_strict(SEVERITY_RANK, return_dtype=pl.Int8),
            descending=True, maintain_order=True,
        )  # fmt: skip
    return frame


@settings(max_examples=60, deadline=None)
@given(edge_lists, holdings, listed, st.integers(1, 5))
def test_findings_table_in_the_documented_order(
    edges: list[tuple[int, int, int, int, int]],
    own: list[tuple[int, int]],
    chosen: list[tuple[int, bool]],
    depth: int,
) -> None:
    """The table is sorted on integers and its texts made after: the same rows, in the same
    order, as making every text first and sorting the table (mass-balance flags included)."""
    g = _random_graph(edges, own)
    if g is None:
        return
    flags = check_balance(g, {(a, b): 0.5 for a, _ in GOODS for b, _ in GOODS if a != b})
    paths = best_paths(g, _sources(g, chosen), depth=depth, max_paths=2)
    assert paths_frame(g, paths, flags).equals(_sorted_by_polars(g, paths, flags))


@given(st.lists(st.integers(-(2**62), 2**62), max_size=60), st.integers(0, 62))
def test_stable_argsort_is_numpys(values: list[int], bits: int) -> None:
    key = np.array([v >> bits for v in values], dtype=np.int64)
    assert np.array_equal(stable_argsort(key), np.argsort(key, kind="stable"))


def test_kinds_searched_in_worker_processes_give_the_same_paths(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Above PARALLEL_FROM hops each kind of risk is searched in the bulk engine's workers
    (set to 0 here: this chain is small); the rows and steps are those one process finds."""
    g = graph(CHAIN)
    sources = [_listed(g),
               RiskSource(node(g, "Lakeside Weaving Co"), XINJIANG, "medium", "Aksu address"),
               *sector_risks(g)]  # fmt: skip
    alone = best_paths(g, sources, max_paths=3, workers=1)
    monkeypatch.setattr(paths_module, "PARALLEL_FROM", 0)
    pooled = best_paths(g, sources, max_paths=3, workers=2)
    assert alone.rows.height > len(sources)  # paths were found, not only the sources' own rows
    assert pooled.rows.equals(alone.rows)
    assert np.array_equal(pooled.steps, alone.steps)
