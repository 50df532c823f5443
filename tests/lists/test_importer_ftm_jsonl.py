"""FtM JSON-lines importer: checked against the FtM model, kept within the red line.

Fixture ``tests/fixtures/yente_fixture_zala.ftm.jsonl`` is OpenSanctions' own test dataset (see
``tests/fixtures/README.md``): companies, sanctions, ownership, and people with family ties and a
passport, as OpenSanctions publishes FtM entities (https://www.opensanctions.org/docs/entities/).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import orjson
import pytest

from sourcetrace.errors import ListError
from sourcetrace.lists.importers import parse

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "yente_fixture_zala.ftm.jsonl"


def test_parties_and_links_kept_people_only_when_sanctioned() -> None:
    entities = parse(FIXTURE, "ftm")
    counts = Counter(e["schema"] for e in entities)
    assert counts["Company"] == 11 and counts["Sanction"] == 41
    assert not {"Family", "Passport", "Address", "Directorship"} & set(counts)
    sanctioned = {
        ref for e in entities if e["schema"] == "Sanction" for ref in e["properties"]["entity"]
    }
    people = [e for e in entities if e["schema"] == "Person"]
    assert people and all(p["id"] in sanctioned for p in people)
    allowed = {
        "name",
        "alias",
        "previousName",
        "weakAlias",
        "firstName",
        "middleName",
        "lastName",
        "fatherName",
        "topics",
        "sourceUrl",
    }
    assert all(set(p["properties"]) <= allowed for p in people)


def test_links_to_unlisted_people_are_dropped() -> None:
    entities = parse(FIXTURE, "ftm")
    kept = {e["id"] for e in entities}
    raw = [orjson.loads(line) for line in FIXTURE.read_bytes().splitlines() if line.strip()]
    unlisted = {e["id"] for e in raw if e["schema"] == "Person"} - kept
    assert unlisted
    for e in entities:
        if e["schema"] == "Ownership":
            assert not set(e["properties"].get("owner", [])) & unlisted


def write(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "list.ftm.jsonl"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


GOOD = '{"id": "c1", "schema": "Company", "properties": {"name": ["Acme Co., Ltd."]}}'


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"id": "c2", "schema": "Company", "properties": {"name": ["Cut', "corrupt or truncated"),
        ('{"id": "c2", "schema": "Kompany", "properties": {}}', "unknown or abstract FtM schema"),
        (
            '{"id": "c2", "schema": "Company", "properties": {"colour": ["red"]}}',
            "schema Company has no property 'colour'",
        ),
        (
            '{"id": "c2", "schema": "Company", "properties": {"name": "Acme"}}',
            "not a list of strings",
        ),
    ],
)
def test_invalid_lines_name_the_line(tmp_path: Path, line: str, message: str) -> None:
    with pytest.raises(ListError, match=rf"list\.ftm\.jsonl, row 2: .*{message}"):
        parse(write(tmp_path, [GOOD, line]), "ftm")
