"""List the company pairs where logic-v2 and sourcetrace disagree and one of them is right,
grouped by a cause read from the names, on the pairs rules may be tuned on only.

The pairs: ``data/pairs.csv``'s **train and valid** splits (never test; persons and vessels
left out) and the **look half** of the nomenklatura name bench's company pairs
(``run.bench_half``). Each pair is scored as ``external.py`` scores one: sourcetrace positive
when decided ``match`` (``scoring.sourcetrace_pair``), logic-v2 at its usual 0.7.

The cause of each pair is the first of these that the names show (a reading aid, not a
measurement: one pair may have several):

* ``legal form``: one name's legal form is read and the other's not (none written, or one
  the parse did not read), and the trade names differ;
* ``script``: the two names are in different scripts;
* ``contained``: one name's trade words all stand in the other's words (a name inside a
  longer one: "Kaspersky" / "AO Kaspersky Lab");
* ``initials``: one trade name is a word of two to six letters, the initials of the other;
* ``word order``: the same trade words in another order;
* ``spelling``: a trade word of one side is within two edits of one of the other's (a slip,
  a romanisation: "Tethys" / "Tetis");
* ``translated``: the names share a trade word and each keeps words of its own (a word
  translated or replaced: "Penitentiary" / "Prison");
* ``apart``: no trade word shared.

Run: ``python benchmarks/matching/logic_v2_gap.py [--show N]`` (N pairs shown per group and
direction; 0 for counts only). Output is deterministic.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from rapidfuzz.distance import Levenshtein

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from run import bench_half, load_pairs
from scoring import LOGIC_V2_DEFAULT, LogicV2, sourcetrace_pair

from sourcetrace.names import parse_name
from sourcetrace.names.text import has_cjk
from sourcetrace.settings import load_settings

PAIRS = HERE / "data" / "pairs.csv"
LEFT_OUT = ("bench_person", "bench_vessel")


def pairs_to_read() -> list[tuple[str, str, str, bool, str]]:
    """(set, query, candidate, label, schema) of the train, valid and look-half pairs."""
    out: list[tuple[str, str, str, bool, str]] = []
    with PAIRS.open(encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            if r["split"] in ("train", "valid") and r["kind"] not in LEFT_OUT:
                out.append((r["split"], r["query"], r["candidate"], r["label"] == "1",
                            "Organization"))
    for p in load_pairs():
        if bench_half(p) == "look":
            out.append(("look", p.name1, p.name2, p.is_match, p.schema))
    return out


def _script(name: str) -> str:
    if has_cjk(name):
        return "cjk"
    letters = [c for c in name if c.isalpha()]
    return "latin" if all(c.isascii() for c in letters) else "other"


def cause(query: str, candidate: str) -> str:
    """The first cause the two names show (see the module docstring)."""
    if _script(query) != _script(candidate):
        return "script"
    q, c = parse_name(query), parse_name(candidate)
    qt, ct = set(q.trade), set(c.trade)
    if q.legal != c.legal and (qt ^ ct):
        return "legal form"
    if qt and ct and (qt <= set(c.tokens) or ct <= set(q.tokens)):
        return "contained"
    for a, b in ((q, c), (c, q)):
        word = "".join(a.trade)
        if (2 <= len(word) <= 6 and len(a.trade) == 1 and len(b.trade) >= 2
                and word == "".join(w[0] for w in b.trade)):
            return "initials"
    if qt and qt == ct:
        return "word order"
    only_q, only_c = qt - ct, ct - qt
    if any(Levenshtein.distance(x, y) <= 2 for x in only_q for y in only_c):
        return "spelling"
    if qt & ct:
        return "translated"
    return "apart"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", type=int, default=3, help="pairs shown per group")
    args = parser.parse_args(argv)
    settings = load_settings()
    lv2 = LogicV2()
    groups: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for i, (split, query, cand, label, schema) in enumerate(pairs_to_read()):
        st = sourcetrace_pair(query, cand, settings).at_match
        lv = lv2.score(lv2.entity(f"a{i}", schema, [query]),
                       lv2.entity(f"b{i}", schema, [cand])) >= LOGIC_V2_DEFAULT
        if st == lv:
            continue
        winner = "logic-v2 right" if lv == label else "sourcetrace right"
        kind = "positive" if label else "negative"
        groups[(winner, kind, cause(query, cand))].append(f"{split}: {query!r} / {cand!r}")
    for winner in ("logic-v2 right", "sourcetrace right"):
        total = sum(len(v) for k, v in groups.items() if k[0] == winner)
        other = "sourcetrace" if winner.startswith("logic-v2") else "logic-v2"
        print(f"\n{winner}, {other} wrong: {total} pairs")
        for key in sorted((k for k in groups if k[0] == winner),
                          key=lambda k: (-len(groups[k]), k)):
            print(f"  {key[1]:<8} {key[2]:<11} {len(groups[key]):>5}")
            for line in groups[key][: args.show]:
                print(f"      {line}")


if __name__ == "__main__":
    main()
