"""Tracing: paths hop by hop, weakest-link basis, cycles, depth, ownership threshold, independence."""

from __future__ import annotations

import polars as pl

from sourcetrace.graph.findings import findings_frame
from sourcetrace.graph.model import Basis, Graph
from sourcetrace.graph.risks import LIST, SECTOR, XINJIANG, RiskSource, find_risks
from sourcetrace.graph.trace import Finding, independent_paths, trace
from tests.graph.chains import graph, node


def _listed(g: Graph, name: str) -> RiskSource:
    return RiskSource(node(g, name), LIST, "high", f"match '{name}'", "test list")


def _reaching(findings: list[Finding], g: Graph, name: str) -> list[Finding]:
    return [f for f in findings if f.node == node(g, name) and f.hops]


def _path(g: Graph, f: Finding) -> list[str]:
    return [g.name(n) for n in f.nodes]


CHAIN = [
    ("Spinner Co", "Listed Mill Co", "yarn", "5205", "10", "kg", "observed"),
    ("Knitter Co", "Spinner Co", "fabric", "6006", "10", "kg", "inferred"),
    ("Brand Ltd", "Knitter Co", "garments", "6109", "10", "pcs", "declared"),
]


def test_path_hop_by_hop_with_weakest_basis() -> None:
    g = graph(CHAIN)
    result = trace(g, [_listed(g, "Listed Mill Co")])
    (f,) = _reaching(result.findings, g, "Brand Ltd")
    assert _path(g, f) == ["Listed Mill Co", "Spinner Co", "Knitter Co", "Brand Ltd"]
    assert [h.basis for h in f.hops] == [Basis.OBSERVED, Basis.INFERRED, Basis.DECLARED]
    assert f.basis is Basis.INFERRED
    assert f.product == "garments"
    assert [h.evidence for h in f.hops] == ["doc 1", "doc 2", "doc 3"]
    assert "Listed Mill Co supplies yarn (HS 5205) to Spinner Co [observed: doc 1]" == f.hops[
        0
    ].describe(g)


def test_source_itself_has_a_zero_hop_finding() -> None:
    g = graph(CHAIN)
    result = trace(g, [_listed(g, "Listed Mill Co")])
    own = [f for f in result.findings if not f.hops]
    assert [(g.name(f.node), f.basis) for f in own] == [("Listed Mill Co", None)]


def test_depth_limits_the_search() -> None:
    g = graph(CHAIN)
    result = trace(g, [_listed(g, "Listed Mill Co")], depth=2)
    assert _reaching(result.findings, g, "Knitter Co")
    assert not _reaching(result.findings, g, "Brand Ltd")


def test_cycle_ends_and_paths_are_simple() -> None:
    rows = [
        ("B Co", "A Co", "yarn", "5205", "1", "kg", "observed"),
        ("C Co", "B Co", "fabric", "6006", "1", "kg", "observed"),
        ("A Co", "C Co", "scrap", "5202", "1", "kg", "observed"),  # back to the start
        ("B Co", "C Co", "offcuts", "5202", "1", "kg", "declared"),  # and round again
    ]
    g = graph(rows)
    result = trace(g, [_listed(g, "A Co")], depth=50)
    assert not result.truncated
    for f in result.findings:
        assert len(set(f.nodes)) == len(f.nodes)
    assert {g.name(f.node) for f in result.findings if f.hops} == {"B Co", "C Co"}


def test_two_independent_paths_to_one_product() -> None:
    rows = [
        ("Cutter One Co", "Listed Mill Co", "fabric", "5208", "1", "kg", "observed"),
        ("Cutter Two Co", "Listed Mill Co", "fabric", "5208", "1", "kg", "declared"),
        ("Brand Ltd", "Cutter One Co", "shirts", "6205", "1", "pcs", "observed"),
        ("Brand Ltd", "Cutter Two Co", "shirts", "6205", "1", "pcs", "observed"),
    ]
    g = graph(rows)
    result = trace(g, [_listed(g, "Listed Mill Co")])
    reaching = _reaching(result.findings, g, "Brand Ltd")
    assert sorted(tuple(_path(g, f)) for f in reaching) == [
        ("Listed Mill Co", "Cutter One Co", "Brand Ltd"),
        ("Listed Mill Co", "Cutter Two Co", "Brand Ltd"),
    ]
    assert {f.product for f in reaching} == {"shirts"}
    brand = findings_frame(g, result.findings).filter(pl.col("node") == "Brand Ltd")
    assert set(brand.select("routes", "independent_paths", "hops").iter_rows()) == {(2, 2, 2)}
    # each path's weakest link: one runs through a declared link only
    assert sorted(brand.get_column("basis")) == [Basis.DECLARED.value, Basis.OBSERVED.value]


def test_paths_through_one_party_are_not_independent() -> None:
    rows = [
        ("Hub Co", "Listed Mill Co", "yarn", "5205", "1", "kg", "observed"),
        ("Knit One Co", "Hub Co", "fabric", "6006", "1", "kg", "observed"),
        ("Knit Two Co", "Hub Co", "fabric", "6006", "1", "kg", "observed"),
        ("Brand Ltd", "Knit One Co", "shirts", "6109", "1", "pcs", "observed"),
        ("Brand Ltd", "Knit Two Co", "shirts", "6109", "1", "pcs", "observed"),
    ]
    g = graph(rows)
    table = findings_frame(g, trace(g, [_listed(g, "Listed Mill Co")]).findings)
    brand = table.filter(pl.col("node") == "Brand Ltd")
    assert brand.height == 2  # both routes written, one row each
    assert set(brand.select("routes", "independent_paths").iter_rows()) == {(2, 1)}
    assert independent_paths([(0, 1, 9), (0, 2, 9), (0, 9)]) == 3


def test_parallel_links_are_one_hop_with_the_strongest_basis() -> None:
    rows = [
        ("Brand Ltd", "Listed Mill Co", "fabric", "5208", "1", "kg", "inferred"),
        ("Brand Ltd", "Listed Mill Co", "fabric", "5208", "1", "kg", "observed"),
    ]
    g = graph(rows)
    (f,) = _reaching(trace(g, [_listed(g, "Listed Mill Co")]).findings, g, "Brand Ltd")
    assert f.basis is Basis.OBSERVED
    assert f.hops[0].evidence == "doc 1; doc 2"


OWNED = [("Brand Ltd", "Subsidiary Co", "garments", "6109", "1", "pcs", "observed")]


def test_ownership_at_or_above_threshold_carries_the_owner_risk() -> None:
    g = graph(OWNED, [("Listed Parent Co", "Subsidiary Co", "50")])
    result = trace(g, [_listed(g, "Listed Parent Co")], ownership_threshold=50.0)
    (sub,) = _reaching(result.findings, g, "Subsidiary Co")
    assert sub.hops[0].kind == "ownership" and sub.hops[0].share == 50.0
    assert sub.basis is Basis.DECLARED and sub.product == ""
    (brand,) = _reaching(result.findings, g, "Brand Ltd")
    assert _path(g, brand) == ["Listed Parent Co", "Subsidiary Co", "Brand Ltd"]
    assert "owns 50%" in brand.hops[0].describe(g)


def test_ownership_below_threshold_does_not() -> None:
    g = graph(OWNED, [("Listed Parent Co", "Subsidiary Co", "49.9")])
    result = trace(g, [_listed(g, "Listed Parent Co")], ownership_threshold=50.0)
    assert not _reaching(result.findings, g, "Subsidiary Co")
    assert not _reaching(result.findings, g, "Brand Ltd")
    assert _reaching(
        trace(g, [_listed(g, "Listed Parent Co")], ownership_threshold=40.0).findings,
        g,
        "Brand Ltd",
    )


def test_supply_exposure_does_not_pass_to_a_subsidiary() -> None:
    rows = [("Parent Co", "Listed Mill Co", "yarn", "5205", "1", "kg", "observed")]
    g = graph(rows, [("Parent Co", "Subsidiary Co", "100")])
    result = trace(g, [_listed(g, "Listed Mill Co")])
    assert _reaching(result.findings, g, "Parent Co")
    assert not _reaching(result.findings, g, "Subsidiary Co")


def test_sector_risk_travels_only_with_its_goods() -> None:
    rows = [
        ("Buyer A Co", "Mixed Mill Co", "yarn", "5205.12", "1", "kg", "observed"),
        ("Buyer B Co", "Mixed Mill Co", "polyester", "5402.33", "1", "kg", "observed"),
    ]
    g = graph(rows)
    sources = find_risks(g, None)
    assert [r.kind for r in sources] == [SECTOR]
    reached = {g.name(f.node) for f in trace(g, sources).findings if f.hops}
    assert reached == {"Buyer A Co"}


def test_address_risk_traced_end_to_end() -> None:
    g = graph(CHAIN, supplier_address=["Aksu, Xinjiang", "", ""])
    sources = [r for r in find_risks(g, None) if r.kind == XINJIANG]
    assert [g.name(r.node) for r in sources] == ["Listed Mill Co"]
    assert _reaching(trace(g, sources).findings, g, "Brand Ltd")


def test_max_paths_stops_and_says_so() -> None:
    rows = [
        (f"Tier{t + 1} {j} Co", f"Tier{t} {i} Co", "x", "", "1", "kg", "observed")
        for t in range(4)
        for i in range(4)
        for j in range(4)
    ]
    rows += [(f"Tier0 {i} Co", "Root Co", "x", "", "1", "kg", "observed") for i in range(4)]
    g = graph(rows)
    result = trace(g, [_listed(g, "Root Co")], max_paths=50)
    assert result.truncated and len(result.findings) == 51
