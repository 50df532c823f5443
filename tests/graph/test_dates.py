"""Dates: a path must run forward in time, within a tolerance; undated links always fit."""

from __future__ import annotations

from datetime import date

import pytest

from sourcetrace.errors import InputError
from sourcetrace.graph.build import build
from sourcetrace.graph.dates import date_span, in_order
from sourcetrace.graph.risks import LIST, RiskSource
from sourcetrace.graph.trace import DEFAULT_RULES, Rules, trace
from tests.graph.chains import graph, links_frame, node


def _day(y: int, m: int, d: int) -> int:
    return date(y, m, d).toordinal() - date(1970, 1, 1).toordinal()


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("2026-03-02", (_day(2026, 3, 2), _day(2026, 3, 2))),
        ("2026/03/02", (_day(2026, 3, 2), _day(2026, 3, 2))),
        ("20260302", (_day(2026, 3, 2), _day(2026, 3, 2))),
        ("2026-03-02T10:15:00", (_day(2026, 3, 2), _day(2026, 3, 2))),
        ("2026-02", (_day(2026, 2, 1), _day(2026, 2, 28))),
        ("2025-12", (_day(2025, 12, 1), _day(2025, 12, 31))),
        ("2026", (_day(2026, 1, 1), _day(2026, 12, 31))),
        ("", None),
        ("  ", None),
    ],
)
def test_date_span(text: str, span: tuple[int, int] | None) -> None:
    assert date_span(text) == span


@pytest.mark.parametrize("text", ["02/03/2026", "March 2026", "2026-13-01", "yesterday"])
def test_other_dates_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        date_span(text)


def test_a_bad_date_names_its_row() -> None:
    rows = [("Brand Ltd", "Mill Co", "yarn", "5205", "1", "kg", "observed")] * 3
    frame = links_frame(rows, date=["2026-01-01", "2026-01-02", "2 Jan 2026"])
    with pytest.raises(InputError) as err:
        build(frame, names={"links": "links.csv"})
    assert (err.value.path, err.value.row, err.value.column) == ("links.csv", 3, "date")
    assert "2 Jan 2026" in str(err.value)


def test_in_order_with_tolerance() -> None:
    assert in_order(10, 10, 0)
    assert not in_order(11, 10, 0)
    assert in_order(40, 10, 30) and not in_order(41, 10, 30)
    assert in_order(None, 10, 0) and in_order(10, None, 0)


CHAIN = [
    ("Meridian Knitting Co", "Listed Spinning Co", "yarn", "5205.12", "10", "kg", "observed"),
    ("Harbour Garments Ltd", "Meridian Knitting Co", "fabric", "6006.22", "10", "kg", "observed"),
    ("Northwind Outfitters Ltd", "Harbour Garments Ltd", "t-shirts", "6109.10", "10", "pcs",
     "observed"),
]  # fmt: skip


def _reaches_brand(dates: list[str], rules: Rules = DEFAULT_RULES) -> bool:
    g = graph(CHAIN, date=dates)
    risk = RiskSource(node(g, "Listed Spinning Co"), LIST, "high", "listed")
    brand = node(g, "Northwind Outfitters Ltd")
    return any(f.node == brand for f in trace(g, [risk], rules=rules).findings)


def test_forward_in_time_is_followed() -> None:
    assert _reaches_brand(["2026-01-12", "2026-02-10", "2026-03-02"])


def test_goods_sold_before_their_inputs_were_bought_end_the_path() -> None:
    # The knitter's fabric went out on 1 Dec, the yarn came in on 12 Jan: not that yarn.
    assert not _reaches_brand(["2026-01-12", "2025-12-01", "2026-03-02"])


def test_tolerance_and_off_switch() -> None:
    late = ["2026-01-12", "2026-01-02", "2026-03-02"]  # 10 days early: within 30 days
    assert _reaches_brand(late)
    assert not _reaches_brand(late, Rules(date_tolerance=5))
    assert _reaches_brand(["2026-01-12", "2025-06-01", "2026-03-02"], Rules(date_tolerance=None))


def test_undated_and_month_dates() -> None:
    assert _reaches_brand(["2026-01-12", "", "2026-03-02"])  # undated: no order to check
    assert _reaches_brand(["2026-01", "2026-01-02", "2026-03-02"], Rules(date_tolerance=0))


def test_parallel_links_keep_the_path_when_one_of_them_is_in_order() -> None:
    rows = CHAIN + [CHAIN[1]]  # the knitter sold fabric twice: before and after the yarn came
    g = graph(rows, date=["2026-01-12", "2025-12-01", "2026-03-02", "2026-02-10"])
    risk = RiskSource(node(g, "Listed Spinning Co"), LIST, "high", "listed")
    brand = node(g, "Northwind Outfitters Ltd")
    assert any(f.node == brand for f in trace(g, [risk]).findings)
