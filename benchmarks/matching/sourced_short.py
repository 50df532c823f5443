"""Probe the sourced short (brand) Chinese names: screened against the bundled lists as shipped,
does each reach its listed entity, and does it alert on another one?

Where the names come from: the rows of ``sources/watchlists/uflpa_chinese_names_sourced.csv``
whose ``name_type`` is a short name or a name without legal form (a stock's short name such as
纳思达, 中泰化学), each with its page. Each is screened twice: against the bundled lists as shipped
(which now carry the name: the exact-name path), and against the same lists with every name in
Chinese characters taken out (the cross-script path a list without Chinese names relies on, as
``chinese_full.py`` does). Entities sharing a folded name are one company, as there.

Run: ``python benchmarks/matching/sourced_short.py [--show]``. Deterministic; a few seconds.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

from chinese_full import latin_only

from sourcetrace.matching import Matcher
from sourcetrace.model import Decision
from sourcetrace.names.text import fold
from sourcetrace.screening import load_lists
from sourcetrace.settings import load_settings

SOURCED = Path(__file__).resolve().parents[2] / "sources/watchlists/uflpa_chinese_names_sourced.csv"


def short_names() -> list[tuple[str, str]]:
    """(Chinese short name, listed English name) of every short-name row of the sourced file."""
    with SOURCED.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    kinds = ("short name", "name without legal form")
    return [(r["chinese_name"], r["uflpa_name"]) for r in rows if r["name_type"] in kinds]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", action="store_true", help="print every query and its alerts")
    args = parser.parse_args(argv)
    bundled, _ = load_lists()
    settings = load_settings()
    latin = [e for e in (latin_only(x) for x in bundled) if e is not None]
    names = {e.id: {fold(n.value) for n in e.names} for e in bundled}
    # The row's entity: every bundled entity holding its English listed name (folded), so the
    # probe also runs on a list without the sourced names (a build before them).
    owners: dict[str, set[str]] = {}
    for entity in bundled:
        for folded in names[entity.id]:
            owners.setdefault(folded, set()).add(entity.id)
    queries = short_names()
    print(f"short names: {len(queries)} (sources/watchlists/uflpa_chinese_names_sourced.csv)")
    print("| list | its company at match | at match or review | another company at match |")
    print("|---|---|---|---|")
    for label, listing in (("as shipped", bundled), ("Chinese names taken out", latin)):
        matcher = Matcher(listing, settings)
        found = alerted = other = 0
        for query, english in queries:
            targets = owners.get(fold(english), set())

            def own(entity_id: str, targets: set[str] = targets) -> bool:
                return any(entity_id == t or not names[entity_id].isdisjoint(names[t])
                           for t in targets)  # fmt: skip

            alerts = [h for h in matcher.match(query) if h.decision is not Decision.CLEAR]
            matches = [h for h in alerts if h.decision is Decision.MATCH]
            found += any(own(h.entity.id) for h in matches)
            alerted += any(own(h.entity.id) for h in alerts)
            wrong = [h for h in matches if not own(h.entity.id)]
            other += bool(wrong)
            if args.show:
                print(f"[{label}] {query} <- {english}")
                for h in alerts[:4]:
                    mark = "" if own(h.entity.id) else "  (ANOTHER COMPANY)"
                    print(f"    {h.decision.value:6} {h.score:.2f} {h.entity.caption}{mark}")
        print(f"| {label} | {found}/{len(queries)} | {alerted}/{len(queries)} | {other} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
