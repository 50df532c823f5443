"""What every importer promises, checked on each format's fixture (one suite for all formats).

Fixtures are described in ``tests/fixtures/lists/README.md``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from followthemoney import model

from sourcetrace.errors import ListError
from sourcetrace.lists.ftm import load_entities
from sourcetrace.lists.importers import FORMATS, parse
from sourcetrace.lists.importers._common import PERSON_PROPS

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SAMPLES = {
    "ofac-sdn-csv": FIXTURES / "lists" / "ofac_sdn" / "sdn.csv",
    "ofac-sdn-xml": FIXTURES / "lists" / "ofac_sdn.xml",
    "trade-csl-csv": FIXTURES / "lists" / "consolidated.csv",
    "trade-csl-json": FIXTURES / "lists" / "consolidated.json",
    "uflpa-html": FIXTURES / "lists" / "uflpa_entity_list_v2.html",
    "cbp-wro-csv": FIXTURES / "lists" / "withhold-release-orders-findings.csv",
    "eu-fsf-xml": FIXTURES / "lists" / "eu_fsf.xml",
    "uk-sanctions-xml": FIXTURES / "lists" / "uk_sanctions_list.xml",
    "uk-sanctions-csv": FIXTURES / "lists" / "uk_sanctions_list.csv",
    "ftm": FIXTURES / "yente_fixture_zala.ftm.jsonl",
}


def test_every_format_has_a_fixture() -> None:
    assert set(SAMPLES) == set(FORMATS)


@pytest.mark.parametrize("fmt", sorted(SAMPLES))
def test_entities_are_valid_ftm_with_provenance(fmt: str) -> None:
    entities = parse(SAMPLES[fmt], fmt)
    ids = [e["id"] for e in entities]
    assert len(ids) == len(set(ids)), "entity ids are unique"
    parties = {e["id"] for e in entities if e["schema"] not in ("Sanction", "Ownership")}
    listed = set()
    for e in entities:
        proxy = model.get_proxy(e, cleaned=False)  # raises on unknown schema or property
        assert proxy.schema.name == e["schema"]
        assert e.get("datasets"), "every entity names its list"
        if e["schema"] == "Sanction":
            props = e["properties"]
            listed.update(props["entity"])
            if fmt != "ftm":
                assert props.get("program") and props.get("authority") and props.get("sourceUrl")
        if e["schema"] == "Person":
            assert set(e["properties"]) <= PERSON_PROPS, "persons keep their names only"
    if fmt != "ftm":
        assert parties <= listed, "every party carries at least one listing"


@pytest.mark.parametrize("fmt", sorted(SAMPLES))
def test_the_screener_reads_the_result(fmt: str, tmp_path: Path) -> None:
    path = tmp_path / "list.ftm.jsonl"
    entities = parse(SAMPLES[fmt], fmt)
    path.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in entities), "utf-8")
    loaded = load_entities(path)
    assert loaded and all(e.names and e.lists_label() for e in loaded)


@pytest.mark.parametrize("fmt", sorted(SAMPLES))
def test_empty_and_missing_files_are_list_errors(fmt: str, tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(ListError, match=r"empty\.txt: list file is empty"):
        parse(empty, fmt)
    with pytest.raises(ListError, match=r"sdn\.csv: list file not found"):
        parse(tmp_path / "missing" / "sdn.csv", fmt)


@pytest.mark.parametrize("fmt", sorted(SAMPLES))
def test_another_formats_file_is_refused(fmt: str) -> None:
    other = SAMPLES["uflpa-html"] if fmt != "uflpa-html" else SAMPLES["trade-csl-csv"]
    with pytest.raises(ListError):
        parse(other, fmt)
