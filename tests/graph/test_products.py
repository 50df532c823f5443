"""The product rule: a path follows goods that can go into the goods sold on, by HS code or name."""

from __future__ import annotations

import pytest

from sourcetrace.graph.products import STAGES, UNKNOWN, feeds, stage_name, stage_of
from sourcetrace.graph.risks import LIST, RiskSource, find_risks
from sourcetrace.graph.trace import Rules, trace
from tests.graph.chains import graph, node


@pytest.mark.parametrize(
    ("hs", "product", "stage"),
    [
        ("5201.00", "", "raw cotton"),
        ("5205.12", "anything", "yarn"),  # the HS code wins over the words
        ("5208.32", "", "fabric"),
        ("6006.22", "", "fabric"),  # knitted fabric, chapter 60
        ("6109.10", "", "garments"),
        ("6203.42", "", "garments"),
        ("2506.10", "", "quartz"),
        ("2804.69", "", "metallurgical silicon"),
        ("2804.61", "", "polysilicon"),
        ("8541.43", "", "solar modules"),
        ("8541.40", "", "solar modules"),  # HS 2017 code for modules
        ("2002.90", "", "tomato paste"),
        ("", "cotton yarn", "yarn"),  # the head noun comes last
        ("", "seed cotton", "raw cotton"),
        ("", "Knitted Fabric", "fabric"),
        ("", "T-Shirts", "garments"),
        ("", "polysilicon", "polysilicon"),
        ("9606.21", "buttons", "unknown"),
        ("", "machine parts", "unknown"),
        ("", "", "unknown"),
    ],
)
def test_stage_of(hs: str, product: str, stage: str) -> None:
    assert stage_name(stage_of(hs, product)) == stage


def _s(name: str) -> int:
    return next(i for i, s in enumerate(STAGES) if s.name == name)


def test_inputs_reach_through_earlier_steps_and_not_back() -> None:
    assert feeds(_s("raw cotton"), _s("yarn"))
    assert feeds(_s("raw cotton"), _s("garments"))  # a vertically integrated mill
    assert feeds(_s("garments"), _s("garments"))  # resale
    assert feeds(_s("caustic soda"), _s("fabric"))  # scouring and mercerising
    assert feeds(_s("quartz"), _s("polysilicon"))
    assert feeds(_s("metallurgical silicon"), _s("solar modules"))
    assert not feeds(_s("garments"), _s("yarn"))
    assert not feeds(_s("polysilicon"), _s("quartz"))
    assert not feeds(_s("raw cotton"), _s("tomato paste"))
    assert not feeds(_s("tomato paste"), _s("garments"))
    assert feeds(UNKNOWN, _s("garments")) and feeds(_s("garments"), UNKNOWN)


# A trading house buys Xinjiang cotton and sells tomato paste it bought elsewhere.
TRADER = [
    ("Silverline Agri Trading Co", "Tianshan Fibre Holdings", "cotton", "5201.00", "2000", "kg",
     "declared"),
    ("Silverline Agri Trading Co", "Tianjin Harvest Foods Co", "tomato paste", "2002.90", "900",
     "kg", "observed"),
    ("Bluewater Foods Ltd", "Silverline Agri Trading Co", "tomato paste", "2002.90", "900", "kg",
     "observed"),
    ("Coastline Yarn Trading Co", "Silverline Agri Trading Co", "cotton", "5201.00", "2000", "kg",
     "declared"),
]  # fmt: skip


def _reached(rules: Rules) -> set[tuple[str, str]]:
    g = graph(TRADER, supplier_address=["Urumqi, Xinjiang", "Tianjin", "Tianjin", "Tianjin"])
    sources = [r for r in find_risks(g, None) if r.kind == "xinjiang_location"]
    assert [g.name(r.node) for r in sources] == ["Tianshan Fibre Holdings"]
    found = trace(g, sources, rules=rules).findings
    return {(g.name(f.node), f.product) for f in found if f.hops}


def test_cotton_risk_does_not_follow_into_tomato_paste() -> None:
    assert _reached(Rules()) == {
        ("Silverline Agri Trading Co", "cotton"),
        ("Coastline Yarn Trading Co", "cotton"),
    }


def test_the_rule_can_be_turned_off() -> None:
    assert ("Bluewater Foods Ltd", "tomato paste") in _reached(Rules(products=False))


def test_unknown_goods_keep_the_path() -> None:
    # A spinner's "goods" without an HS code or a known word: the path goes on (conservative).
    rows = [
        ("Meridian Knitting Co", "Listed Spinning Co", "assorted goods", "", "1", "kg", "observed"),
        ("Northwind Outfitters Ltd", "Meridian Knitting Co", "t-shirts", "6109.10", "1", "pcs",
         "observed"),
    ]  # fmt: skip
    g = graph(rows)
    risk = RiskSource(node(g, "Listed Spinning Co"), LIST, "high", "listed")
    reached = {g.name(f.node) for f in trace(g, [risk]).findings if f.hops}
    assert "Northwind Outfitters Ltd" in reached


def test_polysilicon_chain_back_to_quartz() -> None:
    rows = [
        ("Riverbend Silicon Co", "Hotan Quartz Mining Co", "quartz", "2506.10", "1", "t",
         "declared"),
        ("Summit Polysilicon Co", "Riverbend Silicon Co", "metallurgical silicon", "2804.69", "1",
         "t", "observed"),
        ("Summit Polysilicon Co", "Riverbend Silicon Co", "silicones", "3910.00", "1", "t",
         "observed"),
        ("Aurora Solar Ltd", "Summit Polysilicon Co", "polysilicon", "2804.61", "1", "t",
         "observed"),
        # Polysilicon does not go back into quartz.
        ("Hotan Quartz Mining Co", "Summit Polysilicon Co", "polysilicon", "2804.61", "1", "t",
         "observed"),
    ]  # fmt: skip
    g = graph(rows)
    risk = RiskSource(node(g, "Hotan Quartz Mining Co"), LIST, "high", "listed")
    found = [f for f in trace(g, [risk]).findings if f.node == node(g, "Aurora Solar Ltd")]
    assert [[g.name(n) for n in f.nodes] for f in found] == [
        ["Hotan Quartz Mining Co", "Riverbend Silicon Co", "Summit Polysilicon Co",
         "Aurora Solar Ltd"]
    ]  # fmt: skip
    assert [h.product for h in found[0].hops] == ["quartz", "metallurgical silicon", "polysilicon"]
