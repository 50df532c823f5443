"""Link dates as spans of days, and the rule that puts a path in time order.

Goods cannot leave a party before the inputs they are made of arrived: a path whose upstream link
is dated after the downstream link it would feed is implausible. Such a path is **dropped**, not
down-graded: the basis of a hop says how well the link is known, and a well-known link that
cannot have carried these goods does not carry the risk along this path. The two links still
carry it along every other path they are part of.

Dates on links are order, invoice or shipment dates, and an order for garments is often placed
before the fabric is bought; ``tolerance`` (days, default 30: an ASSUMPTION, a month of such lag,
not a measured figure) allows for that. The check is between consecutive links of a path: the
upstream link's earliest date must be at most the downstream link's latest date plus the
tolerance. An undated link is in order with anything.

A date is a day (``2026-03-02``, ``2026/03/02``, ``20260302``, a time after it is ignored), a
month (``2026-03``: the whole month) or a year (``2026``: the whole year).
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

DEFAULT_TOLERANCE_DAYS = 30
_EPOCH = date(1970, 1, 1).toordinal()
_DAY = re.compile(r"^(\d{4})[-/.]?(\d{2})[-/.]?(\d{2})(?:[T ]\S.*)?$")
_MONTH = re.compile(r"^(\d{4})[-/.](\d{1,2})$")
_YEAR = re.compile(r"^(\d{4})$")


@lru_cache(maxsize=65_536)
def date_span(text: str) -> tuple[int, int] | None:
    """(first day, last day) as days since 1970-01-01; None when empty; ValueError otherwise."""
    text = text.strip()
    if not text:
        return None
    if m := _DAY.match(text):
        day = date(int(m[1]), int(m[2]), int(m[3])).toordinal() - _EPOCH
        return day, day
    if m := _MONTH.match(text):
        year, month = int(m[1]), int(m[2])
        first = date(year, month, 1)
        after = date(year + (month == 12), month % 12 + 1, 1)
        return first.toordinal() - _EPOCH, after.toordinal() - _EPOCH - 1
    if m := _YEAR.match(text):
        year = int(m[1])
        return date(year, 1, 1).toordinal() - _EPOCH, date(year, 12, 31).toordinal() - _EPOCH
    raise ValueError(text)


def in_order(upstream_first: int | None, downstream_last: int | None, tolerance: int) -> bool:
    """Whether an upstream link can have fed the downstream one (undated: always)."""
    if upstream_first is None or downstream_last is None:
        return True
    return upstream_first <= downstream_last + tolerance
