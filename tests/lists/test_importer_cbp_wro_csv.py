"""CBP Withhold Release Orders and Findings CSV importer, on a fixture in CBP's published layout.

Fixture ``tests/fixtures/lists/withhold-release-orders-findings.csv`` has the header of the CSV on
https://www.cbp.gov/document/stats/withhold-release-orders-findings (``Effective Date, Calendar
Year, Country Code, Country, Merchandise, WRO/Finding, Industry, Status, Press Release, Entity,
Remarks``) and real rows of the list, Xinjiang orders among them; see the fixtures README for what
is confirmed and what is left blank.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import sourcetrace
from sourcetrace.errors import ListError
from sourcetrace.lists.ftm import load_entities
from sourcetrace.lists.importers import parse
from sourcetrace.lists.importers.cbp_wro_csv import SOURCE_URL, split_entity
from sourcetrace.matching import Matcher
from sourcetrace.model import Decision
from sourcetrace.settings import load_settings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "lists"
FIXTURE = FIXTURES / "withhold-release-orders-findings.csv"
FMT = "cbp-wro-csv"


def by_name(entities: list[dict[str, object]], name: str) -> dict[str, object]:
    return next(
        e
        for e in entities
        if e["schema"] != "Sanction" and name in e["properties"]["name"]  # type: ignore[index]
    )


def listings(entities: list[dict[str, object]], entity_id: str) -> list[dict[str, list[str]]]:
    return [
        e["properties"]  # type: ignore[misc]
        for e in entities
        if e["schema"] == "Sanction" and e["properties"]["entity"] == [entity_id]  # type: ignore[index]
    ]


def test_an_order_becomes_a_party_with_its_provenance() -> None:
    entities = parse(FIXTURE, FMT)
    xpcc = by_name(entities, "Xinjiang Production and Construction Corporation")
    assert xpcc["schema"] == "Company"
    assert xpcc["properties"] == {
        "alias": ["XPCC"],
        "country": ["cn"],
        "name": ["Xinjiang Production and Construction Corporation"],
        "notes": ["and its subordinates"],
        "topics": ["forced.labor"],
    }
    [order] = listings(entities, str(xpcc["id"]))
    assert order["authority"] == order["publisher"] == ["U.S. Customs and Border Protection"]
    assert order["program"] == ["CBP WRO"]
    assert order["listingDate"] == ["2020-11-30"]
    assert order["status"] == ["Active"]
    assert order["reason"] == ["Merchandise: Cotton and Cotton Products"]
    assert order["summary"] == ["and its subordinates"]
    assert order["sourceUrl"] == [SOURCE_URL]
    assert by_name(entities, "Hetian Taida Apparel Co., Ltd.")["properties"]["sector"] == [  # type: ignore[index]
        "Apparel, Footwear and Textiles"
    ]


def test_aliases_and_a_wro_and_finding_on_one_entity_merge() -> None:
    entities = parse(FIXTURE, FMT)
    yunnan = by_name(entities, "Yunnan Machinery")
    assert yunnan["properties"]["alias"] == [  # type: ignore[index]
        "Golden Horse (JinMa) Diesel Factory",
        "Yunnan 1st Prison",
    ]
    orders = listings(entities, str(yunnan["id"]))
    assert sorted((o["program"][0], o["listingDate"][0]) for o in orders) == [
        ("CBP Finding", "1992-03-18"),
        ("CBP WRO", "1991-11-14"),
    ]


def test_only_orders_in_force_that_name_a_party_are_kept() -> None:
    entities = parse(FIXTURE, FMT)
    names = {n for e in entities for n in e["properties"].get("name", [])}
    assert "Kingtom Aluminio S.R.L." not in names  # Inactive-Pending Litigation
    assert not any("Autonomous Region" in n for n in names)  # region-wide: the location signal
    tangshan = by_name(entities, "Tangshan Sanyou Group")  # Partially Modified: still in force
    assert listings(entities, str(tangshan["id"]))[0]["status"] == ["Partially Modified"]


def test_two_companies_in_one_cell_and_a_vessel() -> None:
    entities = parse(FIXTURE, FMT)
    yili = by_name(entities, "Yili Zhuowan Garment Manufacturing Co., Ltd.")
    baoding = by_name(entities, "Baoding LYSZD Trade and Business Co., Ltd.")
    assert yili["id"] != baoding["id"]
    assert listings(entities, str(baoding["id"]))[0]["listingDate"] == ["2020-09-03"]
    vessel = by_name(entities, "Da Wang")
    assert vessel["schema"] == "Vessel"
    assert "country" not in vessel["properties"]  # type: ignore[operator]  # "Fishing Vessels"


def test_named_subsidiaries_become_parties_of_their_own() -> None:
    cell = (
        "Shanghai Select Safety Products Company, Limited and its two subsidiaries from China, "
        "Select (Nantong) Safety Products Co. Limited and Select Protective Technology (HK) Limited."
    )
    parent, *subsidiaries = split_entity(cell)
    assert (parent.name, parent.scope) == (
        "Shanghai Select Safety Products Company, Limited",
        "and its two subsidiaries",
    )
    assert [(s.name, s.parent) for s in subsidiaries] == [
        ("Select (Nantong) Safety Products Co. Limited", parent.name),
        ("Select Protective Technology (HK) Limited", parent.name),
    ]


def test_ids_agree_with_the_bundled_cbp_list() -> None:
    bundled = Path(sourcetrace.__file__).parent / "data" / "default.ftm.jsonl"
    bundled_ids = {json.loads(line)["id"] for line in bundled.read_text("utf-8").splitlines()}
    for name in ("Xinjiang Production and Construction Corporation", "Yunnan Machinery"):
        assert by_name(parse(FIXTURE, FMT), name)["id"] in bundled_ids


def test_screening_against_the_import(tmp_path: Path) -> None:
    path = tmp_path / "cbp.ftm.jsonl"
    path.write_text(
        "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in parse(FIXTURE, FMT)), "utf-8"
    )
    matcher = Matcher(load_entities(path), load_settings())
    hit = matcher.match("HETIAN TAIDA APPAREL CO LTD")[0]
    assert hit.decision == Decision.MATCH
    assert hit.entity.lists_label() == "CBP WRO, listed 2019-09-30"
    unit = matcher.match("XPCC First Division")[0]
    assert unit.entity.lists_label() == "CBP WRO, listed 2020-11-30 (and its subordinates)"
    assert any("listed 'and its subordinates'" in r for r in unit.reasons)


def test_truncated_file_is_a_list_error_naming_the_row(tmp_path: Path) -> None:
    text = FIXTURE.read_text("utf-8-sig")
    cut = tmp_path / FIXTURE.name
    cut.write_text(text[: text.index("Lop County Meixin") + 10], "utf-8")
    with pytest.raises(ListError, match=r"findings\.csv, row 6: (corrupt CSV|expected 11 fields)"):
        parse(cut, FMT)


def test_a_bad_date_names_the_row(tmp_path: Path) -> None:
    bad = tmp_path / FIXTURE.name
    bad.write_text(FIXTURE.read_text("utf-8-sig").replace("9/30/2019", "30/09/2019"), "utf-8")
    with pytest.raises(ListError, match=r"row 5: Effective Date '30/09/2019' is not a date"):
        parse(bad, FMT)


def test_another_formats_file_is_named() -> None:
    other = FIXTURES / "consolidated.csv"
    with pytest.raises(
        ListError, match=r"consolidated\.csv, row 1: missing columns Effective Date, Country"
    ):
        parse(other, FMT)
