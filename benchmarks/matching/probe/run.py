"""Score the held-out bill-of-lading probe: each half's spellings and negatives against the
bundled lists, as `sourcetrace screen` decides a row.

    PYTHONPATH=src python benchmarks/matching/probe/run.py [--probe lookalike] [--show]

``--probe abbrev`` (the default) reads ``abbrev_heldout`` and ``neg_heldout``; ``--probe
lookalike`` reads ``lookalike_heldout_pos`` and ``lookalike_heldout_neg``.

A spelling counts when its best alert (else its best hit) is the entity the file names (the
second column: the start of the listed name) and is decided ``match``; ``review`` on it is
counted apart; anything else is a miss. A negative counts as alerted when any hit is ``match``
or ``review``. The report half's failures are not to be read while rules are made
(``--show`` prints the look half's only).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from sourcetrace.lists import default_list_path, load_entities
from sourcetrace.matching import Matcher
from sourcetrace.model import Decision
from sourcetrace.settings import load_settings

HERE = Path(__file__).parent
# Each probe: its spellings' file and its negatives' file (without the half's suffix).
PROBES = {
    "abbrev": ("abbrev_heldout", "neg_heldout"),
    "lookalike": ("lookalike_heldout_pos", "lookalike_heldout_neg"),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", action="store_true", help="print the look half's failures")
    parser.add_argument("--probe", choices=sorted(PROBES), default="abbrev", help="which probe")
    args = parser.parse_args()
    positives_file, negatives_file = PROBES[args.probe]
    matcher = Matcher(load_entities(default_list_path()), load_settings())
    print("half    spellings  match  review  miss | negatives  alerted")
    for half in ("look", "report"):
        counts = {"match": 0, "review": 0, "miss": 0}
        rows = (HERE / f"{positives_file}.{half}.tsv").read_text("utf-8").splitlines()
        for row in filter(None, rows):
            query, expected = row.split("\t")
            hits = matcher.match(query)
            best = next((h for h in hits if h.decision is not Decision.CLEAR), None)
            best = best or (hits[0] if hits else None)
            right = best is not None and best.entity.caption.lower().startswith(
                expected.lower()[:12]
            )
            kind = best.decision.value if right and best is not None else "miss"
            kind = "miss" if kind == "clear" else kind
            counts[kind] += 1
            if args.show and half == "look" and kind != "match":
                got = f"{best.entity.caption} [{best.decision.value}]" if best else "(no hit)"
                print(f"  {kind:6} {query} -> {got}")
        negatives = [n for n in (HERE / f"{negatives_file}.{half}.tsv").read_text("utf-8").splitlines()]
        alerted = 0
        for query in filter(None, negatives):
            alerts = [h for h in matcher.match(query) if h.decision is not Decision.CLEAR]
            alerted += bool(alerts)
            if args.show and half == "look" and alerts:
                print(f"  alert  {query} -> {alerts[0].entity.caption} [{alerts[0].decision.value}]")
        total = sum(counts.values())
        print(
            f"{half:7} {total:9}  {counts['match']:5}  {counts['review']:6}  {counts['miss']:4} |"
            f" {len(list(filter(None, negatives))):9}  {alerted:7}"
        )


if __name__ == "__main__":
    main()
