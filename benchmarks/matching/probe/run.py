"""Score the held-out bill-of-lading probe: each half's spellings and negatives against the
bundled lists, as `sourcetrace screen` decides a row.

    PYTHONPATH=src python benchmarks/matching/probe/run.py [--show] [--probe NAME] [--wratio]

``--probe abbrev`` (the default) reads ``abbrev_heldout`` and ``neg_heldout``; ``--probe
lookalike`` reads ``lookalike_heldout_pos`` and ``lookalike_heldout_neg``; ``--probe slips``
reads ``slips_heldout`` and ``slips_heldout_neg``; ``--probe lines`` reads ``lines_heldout``,
both sides in one file (kinds ``address``, ``cut35``, ``alias_abbrev``; negatives
``neg_lines``), whose second column must begin the listed name, as for ``slips``;
``--probe tails`` reads
``tails_heldout`` in the same form (kinds ``county_tail``, ``bare_number``, ``place_noform``;
negatives ``neg_tails``); ``--probe web`` reads ``web_heldout`` in the same form: spellings
copied as written from public web pages (the fourth column is the page), negatives ``neg_web``
(other companies named on such pages); its second column may hold alternatives split by
``|`` when one company is listed under two captions ("Hefei Meiling|Changhong Meiling").
``--probe trade`` reads ``trade_heldout`` in the same form: spellings copied as trade documents
and trade-facing pages write them (research reports quoting shippers, customs and court
filings, exchange filings, industry and export pages), negatives ``neg_trade``.

A spelling counts when its best alert (else its best hit) is the entity the file names (the
second column: the start of the listed name) and is decided ``match``; ``review`` on it is
counted apart; anything else is a miss. A negative counts as alerted when any hit is ``match``
or ``review``. The report half's failures are not to be read while rules are made
(``--show`` prints the look half's only).

``--probe abbrev`` (the default) reads ``abbrev_heldout`` and ``neg_heldout``; ``--probe slips``
reads ``slips_heldout`` and ``slips_heldout_neg``, whose third column is the kind of spelling,
counted apart, and whose second column must begin the listed name (all of it, not its first
twelve letters: "Xinjiang Huafu" begins several). ``--wratio`` adds rapidfuzz ``fuzz.WRatio``
(``default_process``) of the folded query against every listed name at the threshold that
gives it its best F1 over both halves (which flatters it): a spelling counts when its best
listed name is the right entity's and scores at the threshold, a negative when any does.
"""

from __future__ import annotations

import argparse
from collections import Counter, defaultdict
from pathlib import Path

from rapidfuzz import fuzz, process, utils

from sourcetrace.lists import default_list_path, load_entities
from sourcetrace.matching import Matcher
from sourcetrace.model import Decision, ListedEntity
from sourcetrace.names.text import fold
from sourcetrace.settings import load_settings

HERE = Path(__file__).parent
PROBES = {
    "abbrev": ("abbrev_heldout", "neg_heldout"),
    "slips": ("slips_heldout", "slips_heldout_neg"),
    "lookalike": ("lookalike_heldout_pos", "lookalike_heldout_neg"),
    "lines": ("lines_heldout", "lines_heldout"),
    "tails": ("tails_heldout", "tails_heldout"),
    "web": ("web_heldout", "web_heldout"),
    "trade": ("trade_heldout", "trade_heldout"),
}
# One-file probes hold both sides: a row whose kind (third column) starts with "neg" is a
# negative; its kind is moved to the second column, where the two-file probes keep it.
ONE_FILE = {"lines_heldout", "tails_heldout", "web_heldout", "trade_heldout"}


def rows_of(name: str, half: str, negatives: bool = False) -> list[list[str]]:
    """The rows of one half of a probe file, split into columns (one side of a one-file probe)."""
    text = (HERE / f"{name}.{half}.tsv").read_text("utf-8")
    rows = [row.split("\t") for row in text.splitlines() if row]
    if name not in ONE_FILE:
        return rows
    if negatives:
        return [[cols[0], cols[2]] for cols in rows if cols[2].startswith("neg")]
    return [cols for cols in rows if not cols[2].startswith("neg")]


def is_expected(caption: str, expected: str, whole: bool) -> bool:
    """True when a listed caption is the entity a row names (its start; one of ``|`` alternatives)."""
    if whole:
        return any(caption.lower().startswith(e.lower()) for e in expected.split("|"))
    return caption.lower().startswith(expected.lower()[:12])


def wratio_report(entities: list[ListedEntity], probe: str, whole: bool) -> None:
    """Per half and kind, what WRatio at its best threshold finds (see the module docstring)."""
    names = [(utils.default_process(fold(n.value)), e.caption) for e in entities for n in e.names]
    choices = [n for n, _ in names]
    pos_name, neg_name = PROBES[probe]
    scored: list[tuple[str, str, bool, float]] = []  # half, kind, right entity, score
    for half in ("look", "report"):
        for cols in rows_of(pos_name, half):
            query = utils.default_process(fold(cols[0]))
            _, score, i = process.extractOne(query, choices, scorer=fuzz.WRatio)
            right = is_expected(names[i][1], cols[1], whole)
            scored.append((half, cols[2] if len(cols) > 2 else "spelling", right, score))
        for cols in rows_of(neg_name, half, negatives=True):
            query = utils.default_process(fold(cols[0]))
            _, score, _ = process.extractOne(query, choices, scorer=fuzz.WRatio)
            scored.append((half, cols[1] if len(cols) > 1 else "negative", False, -score))

    def f1(t: float) -> float:
        tp = sum(1 for _, k, r, s in scored if s >= 0 and r and s >= t)
        fp = sum(1 for _, k, r, s in scored if (s < 0 and -s >= t) or (s >= 0 and not r and s >= t))
        npos = sum(1 for _, _, _, s in scored if s >= 0)
        return 2 * tp / (tp + fp + npos) if tp else 0.0

    best = max((t / 2 for t in range(100, 201)), key=f1)
    print(f"WRatio @ best {best:.1f} (F1 {f1(best):.3f} over both halves)")
    for half in ("look", "report"):
        found: Counter[str] = Counter()
        total: Counter[str] = Counter()
        for h, kind, right, score in scored:
            if h != half:
                continue
            total[kind] += 1
            found[kind] += (score >= 0 and right and score >= best) or (
                score < 0 and -score >= best
            )
        line = ", ".join(f"{k} {found[k]}/{total[k]}" for k in sorted(total))
        print(f"  {half}: {line}  (negatives: alerted)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", action="store_true", help="print the look half's failures")
    parser.add_argument("--probe", choices=sorted(PROBES), default="abbrev", help="which probe")
    parser.add_argument("--wratio", action="store_true", help="add rapidfuzz WRatio's counts")
    args = parser.parse_args()
    entities = load_entities(default_list_path())
    matcher = Matcher(entities, load_settings())
    pos_name, neg_name = PROBES[args.probe]
    # the other probes' figures were taken on 12 letters
    whole = args.probe in ("slips", "lines", "tails", "web", "trade")
    print("half    spellings  match  review  miss | negatives  alerted")
    for half in ("look", "report"):
        counts = {"match": 0, "review": 0, "miss": 0}
        per_kind: defaultdict[str, Counter[str]] = defaultdict(Counter)
        for cols in rows_of(pos_name, half):
            query, expected = cols[0], cols[1]
            hits = matcher.match(query)
            best = next((h for h in hits if h.decision is not Decision.CLEAR), None)
            best = best or (hits[0] if hits else None)
            right = best is not None and is_expected(best.entity.caption, expected, whole)
            kind = best.decision.value if right and best is not None else "miss"
            kind = "miss" if kind == "clear" else kind
            counts[kind] += 1
            per_kind[cols[2] if len(cols) > 2 else "spelling"][kind] += 1
            if args.show and half == "look" and kind != "match":
                got = f"{best.entity.caption} [{best.decision.value}]" if best else "(no hit)"
                print(f"  {kind:6} {query} -> {got}")
        negatives = rows_of(neg_name, half, negatives=True)
        alerted = 0
        for cols in negatives:
            alerts = [h for h in matcher.match(cols[0]) if h.decision is not Decision.CLEAR]
            alerted += bool(alerts)
            per_kind[cols[1] if len(cols) > 1 else "negative"][
                "alerted" if alerts else "clear"
            ] += 1
            if args.show and half == "look" and alerts:
                first = alerts[0]
                print(f"  alert  {cols[0]} -> {first.entity.caption} [{first.decision.value}]")
        total = sum(counts.values())
        print(
            f"{half:7} {total:9}  {counts['match']:5}  {counts['review']:6}  {counts['miss']:4} |"
            f" {len(negatives):9}  {alerted:7}"
        )
        if args.probe != "abbrev":
            for kind in sorted(per_kind):
                c = per_kind[kind]
                print(f"    {kind:14} " + " ".join(f"{k} {v}" for k, v in sorted(c.items())))
    if args.wratio:
        wratio_report(entities, args.probe, whole)


if __name__ == "__main__":
    main()
