"""OFAC SDN XML importer, on a fixture in the Sanctions List Service layout.

Fixture ``tests/fixtures/lists/ofac_sdn.xml`` follows ``SDN.XML`` as OFAC's Sanctions List Service
publishes it (https://ofac.treasury.gov/sanctions-list-service): ``sdnList`` root in OFAC's
namespace, ``publshInformation`` with ``Record_Count``, ``sdnEntry`` with ``programList``,
``akaList`` (type, strong/weak category), ``addressList``, ``idList``. The records mirror the legacy
CSV fixture (uids illustrative; EXAMPLE ... invented to exercise the USCC path).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sourcetrace.errors import ListError
from sourcetrace.lists.ftm import load_entities
from sourcetrace.lists.importers import parse
from sourcetrace.matching import Matcher
from sourcetrace.model import Decision, NameKind
from sourcetrace.settings import load_settings
from sourcetrace.store import diff

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "lists"
XML = FIXTURES / "ofac_sdn.xml"


def test_weak_aliases_former_names_and_uscc() -> None:
    entities = {e["id"]: e for e in parse(XML, "ofac-sdn-xml")}
    xpcc = entities["ofac-28375"]["properties"]
    assert xpcc["alias"] == ["XPCC", "新疆生产建设兵团"]
    assert xpcc["weakAlias"] == ["BINGTUAN"]
    company = entities["ofac-99002"]["properties"]
    assert company["previousName"] == ["EXAMPLE URUMQI TRADING CO., LTD."]
    assert company["uscCode"] == ["91650100MA77XD3P73"]
    assert set(entities["ofac-28377"]["properties"]) == {"name", "topics"}


def test_ids_agree_with_the_legacy_csv() -> None:
    from_xml = {e["id"] for e in parse(XML, "ofac-sdn-xml") if e["schema"] != "Sanction"}
    from_csv = {
        e["id"] for e in parse(FIXTURES / "ofac_sdn", "ofac-sdn-csv") if e["schema"] != "Sanction"
    }
    assert from_xml <= from_csv
    # The XML says which aliases are weak; the CSV cannot.
    changes = diff(parse(FIXTURES / "ofac_sdn", "ofac-sdn-csv"), parse(XML, "ofac-sdn-xml"))
    xpcc = next(c for c in changes.changed if c.id == "ofac-28375")
    assert xpcc.changed == ["kind of name 'BINGTUAN'"]


def test_screening_against_the_import(tmp_path: Path) -> None:
    path = tmp_path / "sdn.ftm.jsonl"
    path.write_text(
        "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in parse(XML, "ofac-sdn-xml")),
        "utf-8",
    )
    entities = load_entities(path)
    matcher = Matcher(entities, load_settings())
    hit = matcher.match("新疆生产建设兵团")[0]
    assert (hit.entity.id, hit.decision) == ("ofac-28375", Decision.MATCH)
    xpcc = next(e for e in entities if e.id == "ofac-28375")
    assert any(n.value == "BINGTUAN" and n.kind is NameKind.WEAK for n in xpcc.names)


def test_fewer_entries_than_stated_is_truncation(tmp_path: Path) -> None:
    text = XML.read_text("utf-8")
    start = text.index("  <sdnEntry>\n    <uid>99002")
    cut = tmp_path / "sdn.xml"
    cut.write_text(text[:start] + "</sdnList>\n", "utf-8")
    with pytest.raises(ListError, match="states 3 entries but holds 2"):
        parse(cut, "ofac-sdn-xml")


def test_cut_mid_element_names_the_line(tmp_path: Path) -> None:
    text = XML.read_text("utf-8")
    cut = tmp_path / "sdn.xml"
    cut.write_text(text[: text.index("<remarks>")], "utf-8")
    with pytest.raises(ListError, match=r"sdn\.xml, row \d+: corrupt or truncated XML"):
        parse(cut, "ofac-sdn-xml")
