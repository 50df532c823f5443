"""Checklists (issue 17 item 2): the documents depend on risk, goods and route, and every one
cites a public source."""

from __future__ import annotations

import itertools

from sourcetrace.graph.checklist import (
    MASS_BALANCE,
    OWNERSHIP,
    ROUTES,
    SELF,
    SOURCES,
    SUPPLY,
    checklist_text,
    documents,
)
from sourcetrace.graph.risks import HIGH_PRIORITY_SECTORS, KINDS


def test_every_document_cites_a_public_source() -> None:
    sectors = ["", *(s.sector for s in HIGH_PRIORITY_SECTORS)]
    for kind, sector, route in itertools.product([*KINDS, MASS_BALANCE], sectors, ROUTES):
        items = documents(kind, sector, route)
        assert items, (kind, sector, route)
        assert all(item.source in SOURCES for item in items)
        text = checklist_text(kind, sector, route)
        assert "domain-facts" not in text and "§2" not in text
        assert text.count("[") == len(items)


def test_the_route_and_the_goods_choose_the_documents() -> None:
    cotton = checklist_text("list", "cotton and cotton products", SUPPLY)
    assert "bale level" in cotton and "bills of lading for every hop" in cotton
    assert "bale level" in checklist_text("list", "apparel", SUPPLY)  # garments: their cotton
    assert "quartz" in checklist_text("xinjiang_location", "silica-based products (polysilicon)")
    owned = checklist_text("xinjiang_location", "", OWNERSHIP)
    assert "ownership records" in owned and "bills of lading" not in owned
    assert "ownership records" not in cotton
    listed = checklist_text("list", "", SELF)
    assert "clear and convincing evidence" in listed and "route A" in listed
    balance = checklist_text(MASS_BALANCE)
    assert "make sense for the output" in balance and "clear and convincing" not in balance
