"""Measure company-name matching on the names of real OpenSanctions entities, next to logic-v2.

Reads ``sources/fixtures/yente_fixture_zala.ftm.jsonl`` (91 real FollowTheMoney entities as
OpenSanctions publishes them, from the yente repository; see ``sources/README.md``), keeps the
``Company`` and ``Organization`` entities, and makes labelled pairs from their names (``name``,
``alias``, ``weakAlias``, ``previousName``; written in Latin, Cyrillic and Japanese):

* positives: two different names of one entity (every unordered pair, the name sorted first is
  the query);
* negatives: a name of one entity against a name of another. Two entities that share a name
  (case aside) are left out of the negatives: the fixture files one Russian company twice
  (``ru-inn-5920040846`` and the sanctioned ЦСТ both hold ООО "ЦСТ"), and their pairs are not
  known to be different companies.

Each pair is scored as ``external.py`` scores one (``scoring.sourcetrace_pair``: the query
screened against a one-entity list holding the candidate, positive when decided ``match``, and,
in a second row, ``match`` or ``review``) and by nomenklatura ``logic-v2`` at its usual 0.7
(``scoring.LogicV2``, as ``run.py`` calls it). Printed: P/R/F1 of each over all pairs, and per
pair of scripts (the scripts of the two names: Latin, Cyrillic, Japanese).

Persons are out of scope (the red line: persons appear only as the lists name them, and this
benchmark measures companies). Part of these entities are pairs of ``external.py``'s test split
(``build_pairs.py`` reads the same fixture), so this script prints figures only, never the
failing pairs: rules are not tuned on it.

Run: ``python benchmarks/matching/ftm_aliases.py [--no-logic-v2]``. Output is deterministic.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(HERE))
from scoring import LOGIC_V2_DEFAULT, Counts, LogicV2, fmt, pair_counts, sourcetrace_pair

from sourcetrace.matching import ALGORITHM
from sourcetrace.settings import load_settings

FIXTURE = REPO / "sources" / "fixtures" / "yente_fixture_zala.ftm.jsonl"
SCHEMATA = ("Company", "Organization")
NAME_PROPS = ("name", "alias", "weakAlias", "previousName")


@dataclass(frozen=True, slots=True)
class Pair:
    """Two names, labelled by whether one entity holds both."""

    query: str
    candidate: str
    label: bool
    schema: str


def company_names(path: Path = FIXTURE) -> dict[str, tuple[str, list[str]]]:
    """Each company or organisation entity's id -> (schema, its distinct names, sorted)."""
    out: dict[str, tuple[str, list[str]]] = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            entity = json.loads(line)
            if entity["schema"] not in SCHEMATA:
                continue
            props = entity.get("properties", {})
            names = sorted({n.strip() for p in NAME_PROPS for n in props.get(p, []) if n.strip()})
            if names:
                out[entity["id"]] = (entity["schema"], names)
    return out


def make_pairs(entities: dict[str, tuple[str, list[str]]]) -> list[Pair]:
    """Positives within an entity, negatives across entities that share no name."""
    pairs: list[Pair] = []
    for schema, names in entities.values():
        pairs += [Pair(a, b, True, schema) for a, b in itertools.combinations(names, 2)]
    folded = {k: {n.casefold() for n in names} for k, (_, names) in entities.items()}
    for a, b in itertools.combinations(sorted(entities), 2):
        if folded[a] & folded[b]:
            continue
        for qa in entities[a][1]:
            for qb in entities[b][1]:
                pairs.append(Pair(qa, qb, False, entities[a][0]))
    return pairs


def script_of(name: str) -> str:
    """The script of a name's letters: Japanese, Cyrillic, Greek, Latin (the first found in
    that order), or other."""
    seen: set[str] = set()
    for ch in name:
        if not ch.isalpha():
            continue
        uname = unicodedata.name(ch, "")
        if uname.startswith(("CJK", "HIRAGANA", "KATAKANA")):
            seen.add("Japanese")
        elif uname.startswith("CYRILLIC"):
            seen.add("Cyrillic")
        elif uname.startswith("GREEK"):
            seen.add("Greek")
        elif uname.startswith("LATIN"):
            seen.add("Latin")
        else:
            seen.add("other")
    for script in ("Japanese", "Cyrillic", "Greek", "Latin"):
        if script in seen:
            return script
    return "other"


def script_pair(pair: Pair) -> str:
    return " / ".join(sorted((script_of(pair.query), script_of(pair.candidate))))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-logic-v2", action="store_true", help="skip nomenklatura logic-v2")
    args = parser.parse_args(argv)

    entities = company_names()
    pairs = make_pairs(entities)
    labels = [p.label for p in pairs]
    print(f"{FIXTURE.relative_to(REPO)}: {len(entities)} company/organisation entities, "
          f"{sum(labels)} positive pairs, {len(pairs) - sum(labels)} negative pairs")

    settings = load_settings()
    started = time.process_time()
    preds = [sourcetrace_pair(p.query, p.candidate, settings) for p in pairs]
    print(f"sourcetrace pair scoring: {time.process_time() - started:.1f} s CPU")
    systems: list[tuple[str, list[bool]]] = [
        (f"sourcetrace {ALGORITHM} (match)", [x.at_match for x in preds]),
        (f"sourcetrace {ALGORITHM} (match or review)", [x.alerted for x in preds]),
    ]
    if not args.no_logic_v2:
        try:
            lv2 = LogicV2()
        except Exception as exc:  # noqa: BLE001 - any failure means "not available"
            print(f"logic-v2: not available ({type(exc).__name__}: {exc})")
        else:
            started = time.process_time()
            scores = [
                lv2.score(lv2.entity(f"a{i}", p.schema, [p.query]),
                          lv2.entity(f"b{i}", p.schema, [p.candidate]))
                for i, p in enumerate(pairs)
            ]
            print(f"logic-v2 pair scoring: {time.process_time() - started:.1f} s CPU")
            systems.append((f"nomenklatura logic-v2 @ {LOGIC_V2_DEFAULT}",
                            [s >= LOGIC_V2_DEFAULT for s in scores]))

    by_script: dict[str, list[int]] = defaultdict(list)
    for i, p in enumerate(pairs):
        by_script[script_pair(p)].append(i)
    for label, positive in systems:
        print(f"\n{label}\n  all pairs: {fmt(pair_counts(labels, positive))}")
        for key in sorted(by_script):
            idx = by_script[key]
            c: Counts = pair_counts([labels[i] for i in idx], [positive[i] for i in idx])
            print(f"  {key:<22} ({c.pos} pos / {c.n - c.pos} neg): {fmt(c)}")


if __name__ == "__main__":
    main()
