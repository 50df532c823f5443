"""How old each list snapshot is, and which are older than the publishers' usual cadence.

A snapshot's date is the date in its version label: bundled snapshots are versioned by the
publisher's date (``2026-08-10``), versions imported into the store by the day they were imported
(``v3 2026-12-01``). A list whose version carries no date (an extra ``--list`` file, versioned by
its hash) has no known age and is never called stale: nothing is claimed that is not known.

The limit is one setting, ``stale_list_days`` (``SOURCETRACE_STALE_LIST_DAYS``, default 90): the
UFLPA Entity List, CBP's orders and the sanctions lists all change every few weeks, so a quarter
is past any of them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Protocol

_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})")


class Versioned(Protocol):
    """Anything naming a list and its version (``screening.ListUsed`` does)."""

    @property
    def name(self) -> str: ...

    @property
    def version(self) -> str: ...


@dataclass(frozen=True, slots=True)
class StaleList:
    """A list whose snapshot is older than the limit."""

    name: str
    version: str
    snapshot: date
    age_days: int


def snapshot_date(version: str) -> date | None:
    """The date in a version label, or None when it has none (or an impossible one)."""
    found = _DATE.search(version)
    if found is None:
        return None
    try:
        return date(*(int(g) for g in found.groups()))
    except ValueError:
        return None


def stale_lists(
    used: Sequence[Versioned], max_days: int, today: date | None = None
) -> list[StaleList]:
    """The lists of ``used`` whose snapshot is more than ``max_days`` old, oldest first."""
    today = today or datetime.now(UTC).date()
    out: list[StaleList] = []
    for item in used:
        when = snapshot_date(item.version)
        if when is None:
            continue
        age = (today - when).days
        if age > max_days:
            out.append(StaleList(item.name, item.version, when, age))
    return sorted(out, key=lambda s: (s.snapshot, s.name))


def warning_line(stale: Sequence[StaleList], max_days: int) -> str:
    """One line naming each stale list and its age, for the terminal and the pages."""
    if not stale:
        return ""
    parts = ", ".join(f"{s.name} {s.version} ({s.age_days:,} days old)" for s in stale)
    return (
        f"stale lists: {parts}; older than {max_days:,} days: update them "
        "(sourcetrace lists update) before relying on a clear result"
    )


__all__ = ["StaleList", "snapshot_date", "stale_lists", "warning_line"]
