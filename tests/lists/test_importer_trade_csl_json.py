"""Consolidated Screening List JSON importer, on a fixture in trade.gov's published shape.

Fixture ``tests/fixtures/lists/consolidated.json`` is ``{"results": [...]}`` with one object per
party under the CSL's field names (``id``, ``source``, ``name``, ``alt_names``, ``addresses`` as
objects, ``programs``, ``ids``, ...), holding the same real records (and illustrative ids) as the
CSV fixture ``consolidated.csv`` bar its invented vessel, so the two downloads can be compared.
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
from sourcetrace.names.identifiers import ALPHABET, check_uscc
from sourcetrace.settings import load_settings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "lists"
FIXTURE = FIXTURES / "consolidated.json"
FMT = "trade-csl-json"
HOSHINE = "csl-3f1c0a9e2b7d4c51a8e6f0d2c9b4a7e1"


def test_the_json_and_the_csv_download_give_the_same_entities() -> None:
    from_json = parse(FIXTURE, FMT)
    from_csv = {e["id"]: e for e in parse(FIXTURES / "consolidated.csv", "trade-csl-csv")}
    assert len(from_json) == 8
    assert all(from_csv[e["id"]] == e for e in from_json)


def test_names_in_every_script_and_provenance() -> None:
    entities = {e["id"]: e for e in parse(FIXTURE, FMT)}
    hoshine = entities[HOSHINE]["properties"]
    assert hoshine["alias"] == [
        "Hesheng Silicon Industry (Shanshan) Co., Ltd.",
        "合盛硅业（鄯善）有限公司",
    ]
    assert hoshine["address"] == [
        "Xinjiang Shanshan Industrial Park, Shanshan County, Turpan, Xinjiang, CN"
    ]
    assert hoshine["country"] == ["cn"]
    listing = next(
        e["properties"] for e in entities.values() if e["properties"].get("entity") == [HOSHINE]
    )
    assert listing["program"] == ["Entity List (EL)"]
    assert listing["authority"] == ["Bureau of Industry and Security"]
    assert listing["authorityId"] == ["86 FR 35389"]
    assert listing["listingDate"] == ["2021-06-24"]
    xpcc = entities["csl-c5a7e9b1d3f5a7c9e1b3d5f7a9c1e3b5"]["properties"]
    assert xpcc["alias"] == ["XPCC", "BINGTUAN", "新疆生产建设兵团"]


def test_persons_keep_names_only() -> None:
    person = next(e for e in parse(FIXTURE, FMT) if e["schema"] == "Person")
    assert person["properties"] == {"name": ["CHEN, Quanguo"], "topics": ["sanction"]}


def test_identifier_objects_give_the_uscc(tmp_path: Path) -> None:
    # An invented record (EXAMPLE) exercising the ``ids`` objects, which only the JSON has.
    body = "91650100000000000"
    uscc = next(body + c for c in ALPHABET if check_uscc(body + c).valid)
    record = {
        "id": "example-1",
        "source": "Entity List (EL) - Bureau of Industry and Security",
        "name": "EXAMPLE XINJIANG TRADING CO., LTD.",
        "addresses": [{"address": None, "city": "Urumqi", "state": None, "country": "CN"}],
        "ids": [{"type": "Unified Social Credit Code (USCC)", "number": uscc}],
    }
    path = tmp_path / "consolidated.json"
    path.write_text(json.dumps({"results": [record]}), "utf-8")
    party = parse(path, FMT)[0]["properties"]
    assert party["uscCode"] == [uscc]
    assert party["address"] == ["Urumqi, CN"]


def test_screening_against_the_import(tmp_path: Path) -> None:
    path = tmp_path / "csl.ftm.jsonl"
    path.write_text(
        "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in parse(FIXTURE, FMT)), "utf-8"
    )
    matcher = Matcher(load_entities(path), load_settings())
    hit = matcher.match("合盛硅业（鄯善）有限公司")[0]
    assert (hit.entity.id, hit.decision) == (HOSHINE, Decision.MATCH)
    assert hit.entity.lists_label() == "Entity List (EL), listed 2021-06-24"


def test_truncated_file_is_a_list_error_naming_the_line(tmp_path: Path) -> None:
    text = FIXTURE.read_text("utf-8")
    cut = tmp_path / FIXTURE.name
    cut.write_text(text[: len(text) // 2], "utf-8")
    with pytest.raises(ListError, match=r"consolidated\.json, row \d+: corrupt or truncated JSON"):
        parse(cut, FMT)


def test_another_formats_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ListError, match=r"consolidated\.csv, row 1: corrupt or truncated JSON"):
        parse(FIXTURES / "consolidated.csv", FMT)
    other = tmp_path / "other.json"
    other.write_text('{"Publications": {"PublicationDetail": []}}', "utf-8")
    with pytest.raises(ListError, match=r"other\.json: no 'results' array"):
        parse(other, FMT)


def test_a_malformed_result_is_named(tmp_path: Path) -> None:
    bad = tmp_path / "consolidated.json"
    data = json.loads(FIXTURE.read_text("utf-8"))
    data["results"][1]["name"] = {"text": "Xinjiang Daqo New Energy Co., Ltd."}
    bad.write_text(json.dumps(data), "utf-8")
    with pytest.raises(ListError, match=r"result 2: name is a dict, not text"):
        parse(bad, FMT)
