"""OFAC SDN legacy CSV importer, on a fixture in OFAC's published layout.

Fixture ``tests/fixtures/lists/ofac_sdn/`` follows the layout OFAC documents for its legacy flat
files (https://ofac.treasury.gov/sdn-list-data-formats-data-schemas, "SDN data specification"):
header-less ``sdn.csv`` (12 fields), ``alt.csv`` (5) and ``add.csv`` (6), strings quoted, ``-0- ``
for empty fields, CRLF line ends and a final Ctrl-Z line. Records are a small real-shaped excerpt:
ent_num values are illustrative, and ent_num 99001/99002 (EXAMPLE ...) are invented to exercise the
vessel and USCC paths.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from sourcetrace.errors import ListError
from sourcetrace.lists.ftm import load_entities
from sourcetrace.lists.importers import ofac_sdn_csv, parse
from sourcetrace.matching import Matcher
from sourcetrace.model import Decision
from sourcetrace.settings import load_settings

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "lists" / "ofac_sdn"


def by_id(entities: list[dict[str, object]], entity_id: str) -> dict[str, object]:
    return next(e for e in entities if e["id"] == entity_id)


def matcher_for(entities: list[dict[str, object]], tmp_path: Path) -> Matcher:
    path = tmp_path / "list.ftm.jsonl"
    path.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in entities), "utf-8")
    return Matcher(load_entities(path), load_settings())


def test_parties_aliases_programmes_and_provenance() -> None:
    entities = parse(FIXTURE / "sdn.csv", "ofac-sdn-csv")
    xpcc = by_id(entities, "ofac-28375")
    assert xpcc["schema"] == "Organization"
    assert xpcc["properties"]["alias"] == ["XPCC", "BINGTUAN", "新疆生产建设兵团"]  # type: ignore[index]
    assert xpcc["properties"]["country"] == ["cn"]  # type: ignore[index]
    listing = by_id(
        entities,
        next(
            e["id"]
            for e in entities
            if e["schema"] == "Sanction" and e["properties"]["entity"] == ["ofac-28375"]  # type: ignore[index]
        ),
    )
    props = listing["properties"]
    assert props["program"] == ["OFAC SDN List"]  # type: ignore[index]
    assert props["provisions"] == ["GLOMAG"]  # type: ignore[index]
    assert props["authority"] == [ofac_sdn_csv.PUBLISHER]  # type: ignore[index]
    assert props["sourceUrl"] == [ofac_sdn_csv.SOURCE_URL]  # type: ignore[index]


def test_one_sanction_per_programme_and_vessel_fields() -> None:
    entities = parse(FIXTURE, "ofac-sdn-csv")  # the folder works as well as sdn.csv
    programmes = sorted(
        e["properties"]["provisions"][0]  # type: ignore[index]
        for e in entities
        if e["schema"] == "Sanction" and e["properties"]["entity"] == ["ofac-99001"]  # type: ignore[index]
    )
    assert programmes == ["IRAN", "SDGT"]
    vessel = by_id(entities, "ofac-99001")
    assert vessel["schema"] == "Vessel"
    assert vessel["properties"]["callSign"] == ["9HA0000"]  # type: ignore[index]
    assert vessel["properties"]["flag"] == ["pa"]  # type: ignore[index]


def test_former_names_and_uscc_from_remarks() -> None:
    company = by_id(parse(FIXTURE / "sdn.csv", "ofac-sdn-csv"), "ofac-99002")
    assert company["properties"]["previousName"] == ["EXAMPLE URUMQI TRADING CO., LTD."]  # type: ignore[index]
    assert company["properties"]["uscCode"] == ["91650100MA77XD3P73"]  # type: ignore[index]


def test_person_keeps_names_only() -> None:
    person = by_id(parse(FIXTURE / "sdn.csv", "ofac-sdn-csv"), "ofac-28377")
    assert person["schema"] == "Person"
    assert set(person["properties"]) == {"name", "topics"}  # type: ignore[arg-type]


def test_screening_against_the_import(tmp_path: Path) -> None:
    matcher = matcher_for(parse(FIXTURE / "sdn.csv", "ofac-sdn-csv"), tmp_path)
    hit = matcher.match("Xinjiang Production and Construction Corps")[0]
    assert (hit.entity.id, hit.decision) == ("ofac-28375", Decision.MATCH)
    assert hit.entity.lists_label() == "OFAC SDN List GLOMAG"
    assert matcher.match("新疆生产建设兵团")[0].entity.id == "ofac-28375"
    assert matcher.match("x", identifier="91650100MA77XD3P73")[0].entity.id == "ofac-99002"
    assert matcher.match("Harbin Bicycle Works") == []


def copy_fixture(tmp_path: Path) -> Path:
    folder = tmp_path / "ofac"
    shutil.copytree(FIXTURE, folder)
    return folder


def test_truncated_sdn_is_a_list_error_naming_the_row(tmp_path: Path) -> None:
    folder = copy_fixture(tmp_path)
    data = (folder / "sdn.csv").read_bytes()
    (folder / "sdn.csv").write_bytes(data[: data.index(b"28376,") + 40])
    with pytest.raises(ListError) as err:
        parse(folder / "sdn.csv", "ofac-sdn-csv")
    assert "sdn.csv" in str(err.value) and "row 3" in str(err.value)


def test_alias_for_a_missing_record_means_sdn_is_cut_short(tmp_path: Path) -> None:
    folder = copy_fixture(tmp_path)
    lines = (folder / "sdn.csv").read_bytes().split(b"\r\n")
    (folder / "sdn.csv").write_bytes(b"\r\n".join(lines[:2]) + b"\r\n")
    with pytest.raises(ListError, match=r"alt\.csv, row 5: ent_num 28376 is not in sdn\.csv"):
        parse(folder, "ofac-sdn-csv")


def test_other_csv_is_not_taken_for_sdn(tmp_path: Path) -> None:
    folder = copy_fixture(tmp_path)
    shutil.copy(FIXTURE.parent / "consolidated.csv", folder / "sdn.csv")
    with pytest.raises(ListError, match=r"sdn\.csv, row 1: expected 12 fields"):
        parse(folder / "sdn.csv", "ofac-sdn-csv")


def test_missing_alt_csv_is_named(tmp_path: Path) -> None:
    folder = copy_fixture(tmp_path)
    (folder / "alt.csv").unlink()
    with pytest.raises(ListError, match=r"alt\.csv: alt\.csv not found"):
        parse(folder / "sdn.csv", "ofac-sdn-csv")
