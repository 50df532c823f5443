"""EU consolidated list XML and UK Sanctions List XML importers, on fixtures in their layouts.

- ``tests/fixtures/lists/eu_fsf.xml`` follows the European Commission's ``xmlFullSanctionsList_1_1``
  export (https://data.europa.eu/data/datasets/consolidated-list-of-persons-groups-and-entities-subject-to-eu-financial-sanctions):
  ``export`` root, ``sanctionEntity`` with ``regulation``, ``subjectType``, ``nameAlias``,
  ``address``, ``birthdate``, ``citizenship``.
- ``tests/fixtures/lists/uk_sanctions_list.xml`` follows the FCDO's ``UK_Sanctions_List.xml``
  (https://www.gov.uk/government/publications/the-uk-sanctions-list): ``Designation`` with
  ``UniqueID``, ``Names/Name`` (``Name1``..``Name6``, ``NameType``), ``NonLatinNames``,
  ``RegimeName``, ``SanctionsImposed``, ``DateDesignated``.

Both hold the March 2021 human-rights designations over Xinjiang, abridged; reference numbers and
logical ids are illustrative.
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
CASES = [
    ("eu-fsf-xml", FIXTURES / "eu_fsf.xml", "eu-fsf-eu-7011-53"),
    ("uk-sanctions-xml", FIXTURES / "uk_sanctions_list.xml", "gb-fcdo-ghr0064"),
]


def matcher_for(entities: list[dict[str, object]], tmp_path: Path) -> Matcher:
    path = tmp_path / "list.ftm.jsonl"
    path.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in entities), "utf-8")
    return Matcher(load_entities(path), load_settings())


@pytest.mark.parametrize(("fmt", "path", "psb"), CASES)
def test_names_in_every_script_and_screening(
    fmt: str, path: Path, psb: str, tmp_path: Path
) -> None:
    entities = parse(path, fmt)
    bureau = next(e for e in entities if e["id"] == psb)
    assert "新疆生产建设兵团公安局" in bureau["properties"]["alias"]  # type: ignore[index]
    matcher = matcher_for(entities, tmp_path)
    hit = matcher.match("新疆生产建设兵团公安局")[0]
    assert (hit.entity.id, hit.decision) == (psb, Decision.MATCH)
    assert "2021-03-22" in hit.entity.lists_label()


@pytest.mark.parametrize(("fmt", "path", "psb"), CASES)
def test_persons_keep_names_only(fmt: str, path: Path, psb: str) -> None:
    people = [e for e in parse(path, fmt) if e["schema"] == "Person"]
    assert len(people) == 1
    assert set(people[0]["properties"]) <= {"name", "alias", "topics"}  # type: ignore[arg-type]
    assert "朱海仑" in people[0]["properties"]["alias"]  # type: ignore[index]


def test_eu_provenance_and_weak_alias() -> None:
    entities = parse(FIXTURES / "eu_fsf.xml", "eu-fsf-xml")
    bureau = next(e for e in entities if e["id"] == "eu-fsf-eu-7011-53")
    assert bureau["properties"]["weakAlias"] == ["XPCC PSB"]  # type: ignore[index]
    listing = next(
        e["properties"]
        for e in entities
        if e["schema"] == "Sanction" and e["properties"]["entity"] == ["eu-fsf-eu-7011-53"]  # type: ignore[index]
    )
    assert listing["reason"] == ["2021/478 (OJ L99I)"]  # type: ignore[index]
    assert listing["sourceUrl"] == [  # type: ignore[index]
        "https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:32021R0478"
    ]


def test_uk_provenance() -> None:
    entities = parse(FIXTURES / "uk_sanctions_list.xml", "uk-sanctions-xml")
    listing = next(
        e["properties"]
        for e in entities
        if e["schema"] == "Sanction" and e["properties"]["entity"] == ["gb-fcdo-ghr0064"]  # type: ignore[index]
    )
    assert listing["provisions"] == ["Global Human Rights"]  # type: ignore[index]
    assert listing["listingDate"] == ["2021-03-22"]  # type: ignore[index]
    assert listing["authority"] == ["UK Foreign, Commonwealth & Development Office"]  # type: ignore[index]


@pytest.mark.parametrize(("fmt", "path", "psb"), CASES)
def test_truncated_xml_names_the_line(fmt: str, path: Path, psb: str, tmp_path: Path) -> None:
    text = path.read_text("utf-8")
    cut = tmp_path / path.name
    cut.write_text(text[: len(text) // 2], "utf-8")
    with pytest.raises(ListError, match=rf"{path.name}, row \d+: corrupt or truncated XML"):
        parse(cut, fmt)


def test_one_xml_format_is_not_taken_for_the_other() -> None:
    with pytest.raises(ListError, match="not the EU consolidated list XML"):
        parse(FIXTURES / "uk_sanctions_list.xml", "eu-fsf-xml")
    with pytest.raises(ListError, match="not the UK Sanctions List XML"):
        parse(FIXTURES / "eu_fsf.xml", "uk-sanctions-xml")
