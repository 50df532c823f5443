"""UK Sanctions List CSV importer, on a fixture in the FCDO's published layout.

Fixture ``tests/fixtures/lists/uk_sanctions_list.csv`` has the ``Report Date:`` line and the
58-column header of ``UK-Sanctions-List.csv`` (one row per name record), holding the same two March
2021 Xinjiang designations as ``uk_sanctions_list.xml`` (UniqueIDs illustrative), plus a Primary
Name Variation row. The designation of the XPCC Public Security Bureau spans three rows.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sourcetrace.errors import ListError
from sourcetrace.lists.ftm import load_entities
from sourcetrace.lists.importers import parse
from sourcetrace.matching import Matcher
from sourcetrace.model import Decision
from sourcetrace.settings import load_settings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "lists"
FIXTURE = FIXTURES / "uk_sanctions_list.csv"
FMT = "uk-sanctions-csv"
PSB = "gb-fcdo-ghr0064"
VARIATION = "Public Security Bureau of the Xinjiang Production and Construction Corps"


def by_id(entities: list[dict[str, object]], entity_id: str) -> dict[str, list[str]]:
    return next(e["properties"] for e in entities if e["id"] == entity_id)  # type: ignore[misc]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / FIXTURE.name
    path.write_text(text, "utf-8")
    return path


def test_the_rows_of_a_designation_collapse_to_one_party() -> None:
    entities = parse(FIXTURE, FMT)
    assert [e["schema"] for e in entities] == ["Organization", "Sanction", "Person", "Sanction"]
    psb = by_id(entities, PSB)
    assert psb["name"] == ["Xinjiang Production and Construction Corps Public Security Bureau"]
    assert psb["alias"] == [VARIATION, "XPCC PSB", "新疆生产建设兵团公安局"]
    assert psb["address"] == ["Urumqi, Xinjiang Uyghur Autonomous Region, China"]


def test_the_csv_and_the_xml_give_the_same_entities() -> None:
    from_csv = parse(FIXTURE, FMT)
    by_id(from_csv, PSB)["alias"].remove(VARIATION)  # the one row the XML fixture lacks
    assert from_csv == parse(FIXTURES / "uk_sanctions_list.xml", "uk-sanctions-xml")


def test_provenance_and_persons_keep_names_only() -> None:
    entities = parse(FIXTURE, FMT)
    listing = next(
        e["properties"]
        for e in entities
        if e["schema"] == "Sanction" and e["properties"]["entity"] == [PSB]
    )
    assert listing["provisions"] == ["Global Human Rights"]
    assert listing["listingDate"] == ["2021-03-22"]
    assert listing["authorityId"] == ["GHR0064"]
    assert listing["summary"] == ["Asset freeze; Trust services sanctions"]
    assert listing["authority"] == ["UK Foreign, Commonwealth & Development Office"]
    assert by_id(entities, "gb-fcdo-ghr0060") == {
        "alias": ["朱海仑"],
        "name": ["Hailun ZHU"],
        "topics": ["sanction"],
    }


def test_screening_against_the_import(tmp_path: Path) -> None:
    path = tmp_path / "uk.ftm.jsonl"
    path.write_text(
        "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in parse(FIXTURE, FMT)), "utf-8"
    )
    matcher = Matcher(load_entities(path), load_settings())
    hit = matcher.match("新疆生产建设兵团公安局")[0]
    assert (hit.entity.id, hit.decision) == (PSB, Decision.MATCH)
    assert hit.entity.lists_label() == "UK Sanctions List Global Human Rights, listed 2021-03-22"


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("Designation Type", '"Individual, Entity, Ship"'),  # the heading in earlier files
        ("Report Date: 20-Nov-2026\r\n", ""),  # a copy saved without the first line
    ],
)
def test_layout_variants_read_alike(old: str, new: str, tmp_path: Path) -> None:
    variant = write(tmp_path, FIXTURE.read_text("utf-8-sig").replace(old, new, 1))
    assert parse(variant, FMT) == parse(FIXTURE, FMT)


def test_a_low_quality_alias_is_a_weak_alias(tmp_path: Path) -> None:
    text = FIXTURE.read_text("utf-8-sig").replace("Good quality a.k.a", "Low quality a.k.a")
    psb = by_id(parse(write(tmp_path, text), FMT), PSB)
    assert psb["weakAlias"] == ["XPCC PSB"]
    assert "XPCC PSB" not in psb["alias"]


def test_truncated_file_is_a_list_error_naming_the_row(tmp_path: Path) -> None:
    text = FIXTURE.read_text("utf-8-sig")
    cut = write(tmp_path, text[: text.index("XPCC PSB,") + 30])
    with pytest.raises(ListError, match=r"uk_sanctions_list\.csv, row 5: expected 58 fields"):
        parse(cut, FMT)


def test_an_unknown_designation_type_names_the_row(tmp_path: Path) -> None:
    text = FIXTURE.read_text("utf-8-sig").replace(",Individual,", ",Aircraft,")
    with pytest.raises(ListError, match=r"row 6: Unique ID GHR0060: .*unknown kind 'Aircraft'"):
        parse(write(tmp_path, text), FMT)


def test_another_formats_file_is_named() -> None:
    with pytest.raises(ListError, match=r"findings\.csv, row 1: missing columns Unique ID"):
        parse(FIXTURES / "withhold-release-orders-findings.csv", FMT)
    with pytest.raises(ListError, match=r"uk_sanctions_list\.xml"):
        parse(FIXTURES / "uk_sanctions_list.xml", FMT)
