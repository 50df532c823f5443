"""Risk sources: list hits, CBP WRO merchandise, Xinjiang location, USCC region, HS sector."""

from __future__ import annotations

import pytest

from sourcetrace.graph import risks
from sourcetrace.graph.risks import HIGH_PRIORITY_SECTORS, find_risks, sector_of
from sourcetrace.lists import default_list_path
from sourcetrace.lists.merchandise import read_wro_merchandise
from sourcetrace.matching import Matcher
from sourcetrace.model import EntityName, ListedEntity, Listing
from sourcetrace.names.identifiers import ALPHABET, check_uscc
from sourcetrace.settings import load_settings
from tests.graph.chains import graph, node

BRAND = "Northwind Outfitters Ltd"


def _kinds(found: list[risks.RiskSource], node_id: int) -> dict[str, str]:
    return {r.kind: r.severity for r in found if r.node == node_id}


def test_list_match_is_high(matcher: Matcher) -> None:
    g = graph([(BRAND, "Aksu Huafu Color Spinning Co., Ltd.", "yarn", "", "1", "kg", "observed")])
    found = find_risks(g, matcher)
    hit = [r for r in found if r.kind == risks.LIST]
    assert [(r.node, r.severity) for r in hit] == [
        (node(g, "Aksu Huafu Color Spinning Co., Ltd."), "high")
    ]
    assert "UFLPA Entity List" in hit[0].detail and "uflpa-" in hit[0].provenance
    assert _kinds(found, node(g, BRAND)) == {}


def test_list_review_is_medium_and_cbp_wro_names_merchandise(matcher: Matcher) -> None:
    g = graph([(BRAND, "Hoshine Silicon Trading Co", "silicon", "", "1", "kg", "observed")])
    found = find_risks(g, matcher, read_wro_merchandise(default_list_path()))
    kinds = _kinds(found, node(g, "Hoshine Silicon Trading Co"))
    assert kinds[risks.LIST] == "medium"
    assert kinds[risks.CBP_WRO] == "medium"
    wro = next(r for r in found if r.kind == risks.CBP_WRO)
    assert "CBP WRO" in wro.detail and "merchandise:" in wro.detail


def test_cbp_wro_match_for_listed_garment_maker(matcher: Matcher) -> None:
    g = graph(
        [(BRAND, "Hetian Taida Apparel Co., Ltd", "garments", "6109", "1", "pcs", "observed")]
    )
    found = find_risks(g, matcher, read_wro_merchandise(default_list_path()))
    wro = next(r for r in found if r.kind == risks.CBP_WRO)
    assert wro.severity == "high"
    assert "All Garments" in wro.detail


def test_xinjiang_address_is_high() -> None:
    g = graph(
        [(BRAND, "Tianshan Fibre Co", "cotton", "", "1", "kg", "declared")],
        supplier_address=["66 Beijing Road, Urumqi, Xinjiang"],
    )
    found = find_risks(g, None)
    loc = [r for r in found if r.kind == risks.XINJIANG]
    assert [(r.node, r.severity) for r in loc] == [(node(g, "Tianshan Fibre Co"), "high")]
    assert "乌鲁木齐" in loc[0].detail


def test_xinjiang_postcode_alone_is_medium() -> None:
    g = graph(
        [(BRAND, "Plain Fibre Co", "cotton", "", "1", "kg", "declared")],
        supplier_address=["PO Box 12, 830011"],
    )
    assert _kinds(find_risks(g, None), node(g, "Plain Fibre Co")) == {risks.XINJIANG: "medium"}


def _uscc(region: str) -> str:
    body = "91" + region + "MA7XKQ2D1"
    total = sum(ALPHABET.index(c) * pow(3, i, 31) for i, c in enumerate(body))
    return body + ALPHABET[(31 - total % 31) % 31]


def test_uscc_registered_in_xinjiang() -> None:
    code = _uscc("650100")
    assert check_uscc(code).registered_in_xinjiang
    g = graph([(BRAND, "Plain Fibre Co", "fibre", "", "1", "kg", "declared")], supplier_id=[code])
    assert _kinds(find_risks(g, None), node(g, "Plain Fibre Co")) == {risks.USCC_XINJIANG: "medium"}


def test_uscc_outside_xinjiang_is_no_risk() -> None:
    g = graph(
        [(BRAND, "Plain Fibre Co", "fibre", "", "1", "kg", "declared")],
        supplier_id=[_uscc("330200")],
    )
    assert _kinds(find_risks(g, None), node(g, "Plain Fibre Co")) == {}


def test_sector_risk_is_on_the_supplier_and_goods_borne() -> None:
    g = graph(
        [
            (BRAND, "Plain Mill Co", "yarn", "5205.12", "1", "kg", "observed"),
            (BRAND, "Plain Mill Co", "buttons", "9606.21", "1", "kg", "observed"),
        ]
    )
    found = find_risks(g, None)
    assert [(r.node, r.kind, r.hs_code, r.sector) for r in found] == [
        (node(g, "Plain Mill Co"), risks.SECTOR, "520512", "cotton and cotton products")
    ]


@pytest.mark.parametrize(
    ("hs", "sector"),
    [
        ("5201.00", "cotton and cotton products"),
        ("6109.10", "apparel"),
        ("6203.42", "apparel"),
        ("2804.61", "silica-based products (polysilicon)"),
        ("8541.43", "silica-based products (polysilicon)"),
        ("2002.90", "tomatoes and downstream products"),
        ("7601.10", "aluminum"),
        ("3904.10", "polyvinyl chloride (PVC)"),
        ("0306.17", "seafood"),
        ("7208.10", "steel"),
        ("7403.11", "copper"),
        ("2836.91", "lithium"),
        ("2815.12", "caustic soda"),
        ("0813.40", "red dates (jujube)"),
        ("0804.10", ""),  # dates of the date palm are not red dates
        ("8541.10", ""),
        ("", ""),
    ],
)
def test_sector_of_covers_the_twelve_sectors(hs: str, sector: str) -> None:
    assert sector_of(hs) == sector


def test_twelve_sectors_in_the_table() -> None:
    assert len(HIGH_PRIORITY_SECTORS) == 12


def test_a_listed_person_is_never_a_risk_source() -> None:
    """The red line: nodes are organisations; a person's listing does not make a node risky."""
    person = ListedEntity(
        id="p1",
        schema="Person",
        caption="Harbour Garments",
        names=[EntityName("Harbour Garments")],
        listings=[Listing("Test sanctions list")],
    )
    company = ListedEntity(
        id="c1",
        schema="Company",
        caption="Harbour Garments Ltd",
        names=[EntityName("Harbour Garments Ltd")],
        listings=[Listing("Test list")],
    )
    g = graph([(BRAND, "Harbour Garments Ltd", "shirts", "", "1", "pcs", "observed")])
    assert find_risks(g, Matcher([person], load_settings())) == []
    found = find_risks(g, Matcher([person, company], load_settings()))
    assert [r.kind for r in found] == [risks.LIST]
    assert "p1" not in found[0].provenance
