"""Measure screening of full Chinese names against a list that names the same entities in Latin
letters only, on the bundled lists' own names (issue 15's "Chinese script" kind, on real names).

Where the names come from: every entity of the bundled lists (``src/sourcetrace/data/
default.ftm.jsonl``: UFLPA, CBP WRO, BIS, with the Chinese names of
``sources/watchlists/uflpa_chinese_names_from_press.csv``, each with its press source) that has a
name in Chinese characters. Each such name is a query, screened against the bundled lists with
every name in Chinese characters taken out (an entity left without a name is dropped). Nothing is
written by hand.

Figures, at the default thresholds: the query's company among the hits decided ``match`` (and
``match`` or ``review``), and queries whose ``match`` hits include another company. One company
may be listed as several entities (on several lists): entities sharing a name (folded) are one
company.

Run: ``python benchmarks/matching/chinese_full.py [--show]`` (``--show`` prints every query with
its best hits). Deterministic; a few seconds.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sourcetrace.matching import Matcher
from sourcetrace.model import Decision, ListedEntity
from sourcetrace.names.text import fold, has_cjk
from sourcetrace.screening import load_lists
from sourcetrace.settings import load_settings

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from scoring import with_names


def latin_only(entity: ListedEntity) -> ListedEntity | None:
    """The entity with its names in Chinese characters taken out (None when none is left)."""
    names = [n for n in entity.names if not has_cjk(n.value)]
    return with_names(entity, names) if names else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", action="store_true", help="print every query and its hits")
    args = parser.parse_args(argv)
    bundled, _ = load_lists()
    listing = [e for e in (latin_only(x) for x in bundled) if e is not None]
    matcher = Matcher(listing, load_settings())
    queries = [(n.value, e) for e in bundled for n in e.names if has_cjk(n.value)]
    names = {e.id: {fold(n.value) for n in e.names} for e in bundled}

    def same(a: str, b: str) -> bool:
        return a == b or not names[a].isdisjoint(names[b])

    found = alerted = other = 0
    for query, entity in queries:
        hits = matcher.match(query)
        alerts = [h for h in hits if h.decision is not Decision.CLEAR]
        matches = [h for h in alerts if h.decision is Decision.MATCH]
        found += any(same(h.entity.id, entity.id) for h in matches)
        alerted += any(same(h.entity.id, entity.id) for h in alerts)
        other += any(not same(h.entity.id, entity.id) for h in matches)
        if args.show:
            print(f"{query} <- {entity.caption}")
            for h in alerts[:3] or hits[:1]:
                print(f"    {h.decision.value:6} {h.score:.2f} {h.matched_name}: "
                      + "; ".join(h.reasons))  # fmt: skip
    n = len(queries)
    print(f"entities with a Chinese name: {len({e.id for _, e in queries})}; queries: {n}; "
          f"list: {len(listing)} entities, no name in Chinese characters")
    print("| queries | its company at match | at match or review | another company at match |")
    print("|---|---|---|---|")
    print(f"| {n} | {found} | {alerted} | {other} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
