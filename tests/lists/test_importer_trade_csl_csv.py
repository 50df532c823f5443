"""Consolidated Screening List CSV importer, on a fixture in trade.gov's published layout.

Fixture ``tests/fixtures/lists/consolidated.csv`` has the header and column order of the CSV that
the International Trade Administration publishes (https://www.trade.gov/consolidated-screening-list,
"CSL Downloadable Files"), several values in a cell separated by ``"; "``. Rows are a small
real-shaped excerpt (ids, addresses and the EXAMPLE STAR vessel are illustrative).
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

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "lists" / "consolidated.csv"
HOSHINE = "csl-3f1c0a9e2b7d4c51a8e6f0d2c9b4a7e1"


def by_id(entities: list[dict[str, object]], entity_id: str) -> dict[str, object]:
    return next(e for e in entities if e["id"] == entity_id)


def sanction_of(entities: list[dict[str, object]], entity_id: str) -> dict[str, list[str]]:
    return next(
        e["properties"]  # type: ignore[misc]
        for e in entities
        if e["schema"] == "Sanction" and e["properties"]["entity"] == [entity_id]  # type: ignore[index]
    )


def test_rows_become_parties_with_their_source_list() -> None:
    entities = parse(FIXTURE, "trade-csl-csv")
    hoshine = by_id(entities, HOSHINE)
    assert hoshine["schema"] == "LegalEntity"  # BIS rows carry no type
    assert hoshine["properties"]["alias"] == [  # type: ignore[index]
        "Hesheng Silicon Industry (Shanshan) Co., Ltd.",
        "合盛硅业（鄯善）有限公司",
    ]
    listing = sanction_of(entities, HOSHINE)
    assert listing["program"] == ["Entity List (EL)"]
    assert listing["authority"] == ["Bureau of Industry and Security"]
    assert listing["authorityId"] == ["86 FR 35389"]
    assert listing["listingDate"] == ["2021-06-24"]
    assert (
        "https://www.bis.doc.gov/index.php/policy-guidance/lists-of-parties-of-concern/entity-list"
        in listing["sourceUrl"]
    )


def test_programmes_split_and_persons_keep_names_only() -> None:
    entities = parse(FIXTURE, "trade-csl-csv")
    vessel = sanction_of(entities, "csl-a1c3e5b7d9f1a3c5e7b9d1f3a5c7e9b2")
    assert vessel["provisions"] == ["IRAN", "SDGT"]
    person = by_id(entities, "csl-e7b9d1f3a5c7e9b1d3f5a7c9e1b3d5f7")
    assert person["schema"] == "Person"
    assert set(person["properties"]) == {"name", "topics"}  # type: ignore[arg-type]


def test_screening_against_the_import(tmp_path: Path) -> None:
    path = tmp_path / "csl.ftm.jsonl"
    path.write_text(
        "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in parse(FIXTURE, "trade-csl-csv")),
        "utf-8",
    )
    matcher = Matcher(load_entities(path), load_settings())
    hit = matcher.match("合盛硅业（鄯善）有限公司")[0]
    assert (hit.entity.id, hit.decision) == (HOSHINE, Decision.MATCH)
    assert hit.entity.lists_label() == "Entity List (EL), listed 2021-06-24"
    assert matcher.match("Bingtuan")[0].entity.id == "csl-c5a7e9b1d3f5a7c9e1b3d5f7a9c1e3b5"


def test_truncated_file_is_a_list_error_naming_the_row(tmp_path: Path) -> None:
    text = FIXTURE.read_text("utf-8")
    cut = tmp_path / "consolidated.csv"
    cut.write_text(text[: text.index("Xinjiang Daqo") + 20], "utf-8")
    with pytest.raises(
        ListError, match=r"consolidated\.csv, row 3: corrupt CSV|row 3: expected 29"
    ):
        parse(cut, "trade-csl-csv")


def test_wrong_format_is_named(tmp_path: Path) -> None:
    other = tmp_path / "suppliers.csv"
    other.write_text("name,country\nAcme Ltd,CN\n", "utf-8")
    with pytest.raises(ListError, match=r"row 1: missing columns _id, source"):
        parse(other, "trade-csl-csv")
