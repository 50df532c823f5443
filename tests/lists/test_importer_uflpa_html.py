"""UFLPA Entity List importer, on saved copies of the DHS page in its published layout.

Fixtures ``tests/fixtures/lists/uflpa_entity_list_v1.html`` and ``_v2.html`` follow the markup of
https://www.dhs.gov/uflpa-entity-list: per section a paragraph with the description in ``<strong>``
and a "Section 2(d)(2)(B)(..)" link, then a ``<table class="usa-table">`` with "Name of Entity" and
"Effective Date". Entries, sections and dates are taken from ``sources/watchlists`` (DHS's list as
scraped 2026-08-10); v1 is an abridged page before the November 2024 additions, v2 the same page with
some of them (Esquel entities, Western Gold, East Hope, Daqo's listing under (v)).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sourcetrace.errors import ListError
from sourcetrace.lists import default_list_path, load_entities
from sourcetrace.lists.importers import parse
from sourcetrace.lists.importers.uflpa_html import split_entry
from sourcetrace.matching import Matcher
from sourcetrace.model import Decision
from sourcetrace.settings import load_settings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "lists"
V1 = FIXTURES / "uflpa_entity_list_v1.html"


def party(entities: list[dict[str, object]], name: str) -> dict[str, object]:
    return next(
        e
        for e in entities
        if name in e["properties"].get("name", [])  # type: ignore[attr-defined]
    )


def sections(entities: list[dict[str, object]], entity_id: str) -> list[tuple[str, str]]:
    return sorted(
        (e["properties"]["provisions"][0], e["properties"]["listingDate"][0])  # type: ignore[index]
        for e in entities
        if e["schema"] == "Sanction" and e["properties"]["entity"] == [entity_id]  # type: ignore[index]
    )


def test_one_party_per_organisation_with_every_section() -> None:
    entities = parse(V1, "uflpa-html")
    xpcc = party(entities, "Xinjiang Production and Construction Corps")
    assert xpcc["properties"]["alias"] == ["XPCC", "Xinjiang Corps", "Bingtuan"]  # type: ignore[index]
    assert xpcc["properties"]["notes"] == ["and its subordinate and affiliated entities"]  # type: ignore[index]
    assert sections(entities, str(xpcc["id"])) == [
        ("2(d)(2)(B)(i)", "2022-06-21"),
        ("2(d)(2)(B)(ii)", "2022-06-21"),
    ]
    listing = next(e for e in entities if e["schema"] == "Sanction")["properties"]
    assert listing["program"] == ["UFLPA Entity List"]  # type: ignore[index]
    assert listing["authority"] == ["U.S. Department of Homeland Security"]  # type: ignore[index]
    assert listing["sourceUrl"] == ["https://www.dhs.gov/uflpa-entity-list"]  # type: ignore[index]
    assert listing["reason"][0].startswith("Entities in Xinjiang that mine")  # type: ignore[index]


def test_ids_agree_with_the_bundled_list() -> None:
    bundled = {e.caption: e.id for e in load_entities(default_list_path()) if e.dataset == "uflpa"}
    entities = parse(V1, "uflpa-html")
    xpcc = party(entities, "Xinjiang Production and Construction Corps")
    assert xpcc["id"] == bundled["Xinjiang Production and Construction Corps"]


@pytest.mark.parametrize(
    ("cell", "name", "aliases", "previous", "scope"),
    [
        (
            "Hoshine Silicon Industry (Shanshan) Co., Ltd (including subsidiaries)",
            "Hoshine Silicon Industry (Shanshan) Co., Ltd",
            [],
            [],
            "and subsidiaries",
        ),
        (
            (
                "Sichuan Jingweida Technology Group Co., Ltd. (including two aliases: Sichuan "
                "Mianyang Jingweida Technology Co., Ltd. and JWD Technology; and formerly known as "
                "Mianyang High-tech Zone Jingweida Technology Co., Ltd.)"
            ),
            "Sichuan Jingweida Technology Group Co., Ltd.",
            ["Sichuan Mianyang Jingweida Technology Co., Ltd.", "JWD Technology"],
            ["Mianyang High-tech Zone Jingweida Technology Co., Ltd."],
            "",
        ),
        (
            (
                "Xinjiang Production and Construction Corps (XPCC) and its subordinate and "
                "affiliated entities"
            ),
            "Xinjiang Production and Construction Corps",
            ["XPCC"],
            [],
            "and its subordinate and affiliated entities",
        ),
    ],
)
def test_cells_are_taken_apart(
    cell: str, name: str, aliases: list[str], previous: list[str], scope: str
) -> None:
    entry = split_entry(cell)
    assert (entry.name, entry.aliases, entry.previous, entry.scope) == (
        name,
        aliases,
        previous,
        scope,
    )


def test_named_subsidiaries_become_parties() -> None:
    entry = split_entry(
        "Example Holdings Co., Ltd. and its two Xinjiang-based subsidiaries, which include "
        "Example Hami Co., Ltd., and Example Korla Co., Ltd."
    )
    assert entry.name == "Example Holdings Co., Ltd."
    assert entry.subsidiaries == ["Example Hami Co., Ltd.", "Example Korla Co., Ltd."]


def test_screening_against_the_import(tmp_path: Path) -> None:
    path = tmp_path / "uflpa.ftm.jsonl"
    path.write_text(
        "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in parse(V1, "uflpa-html")), "utf-8"
    )
    matcher = Matcher(load_entities(path), load_settings())
    hit = matcher.match("Hoshine Silicon Industry Shanshan Co Ltd")[0]
    assert hit.decision is Decision.MATCH
    assert hit.entity.covers_subordinates
    assert "UFLPA Entity List 2(d)(2)(B)(v), listed 2022-06-21" in hit.entity.lists_label()
    assert (
        matcher.match("Bingtuan")[0].entity.caption == "Xinjiang Production and Construction Corps"
    )


def test_truncated_page_is_a_list_error(tmp_path: Path) -> None:
    text = V1.read_text("utf-8")
    cut = tmp_path / "uflpa.html"
    cut.write_text(text[: text.index("Lop County")], "utf-8")
    with pytest.raises(ListError, match=r"uflpa\.html, row \d+: the page ends early"):
        parse(cut, "uflpa-html")


def test_other_page_is_not_taken_for_the_list(tmp_path: Path) -> None:
    page = tmp_path / "news.html"
    page.write_text("<html><body><p>UFLPA news</p><table><tr><td>x</td></tr></table></body></html>")
    with pytest.raises(ListError, match="not the DHS UFLPA Entity List page"):
        parse(page, "uflpa-html")


def test_bad_date_names_the_row(tmp_path: Path) -> None:
    text = V1.read_text("utf-8")
    line = text[: text.index("December 11, 2023")].count("\n") + 1  # rows are the file's lines
    page = tmp_path / "uflpa.html"
    page.write_text(text.replace("December 11, 2023", "soon"), "utf-8")
    with pytest.raises(ListError, match=rf"row {line}: effective date 'soon' is not a date"):
        parse(page, "uflpa-html")
