"""Measure company names in Cyrillic against Latin and Cyrillic spellings, tune and held-out halves.

Issue 15's second private set scores "Cyrillic 0.78-0.93" against logic-v2's 0.97; ``pairs.csv``
holds almost no Cyrillic pair and the restricted-party snapshot none. This script makes a small
labelled set from names nobody here wrote:

* ``sources/fixtures/yente_fixture_zala.ftm.jsonl`` and
  ``sources/fixtures/yente_fixture_t1_inter_tobacco.ftm.jsonl``: FollowTheMoney entities as
  OpenSanctions publishes them (repository opensanctions/yente, see ``sources/README.md``). Of
  the ``Company`` and ``Organization`` entities that hold a name in Cyrillic letters:
  positives are two names of one entity, at least one of them Cyrillic (Cyrillic / Latin and
  Cyrillic / Cyrillic: Russian against Ukrainian or Belarusian, or one name written two ways);
  negatives are a Cyrillic name of one entity against a name of another company entity of the
  same files that shares a word with it (after ``rigour``'s legal-form folding and
  ``anyascii``) or the same kind of legal form (a limited company, a joint-stock company).
  Two entities sharing a name (case aside) give no negative (the zala fixture files ООО "ЦСТ"
  twice).
* the Company and Organization rows of the nomenklatura name bench
  (``data/nomenklatura_name_bench_cases.csv``, as ``run.py`` reads it) holding a Cyrillic name, as labelled
  there.

Halves, by entity, kept in line with the other benchmarks so that nothing held out elsewhere
is tuned on here: a fixture entity is ``tune`` when ``pairs.csv`` puts its names in ``train`` or
``valid`` and ``held-out`` when it puts them in ``test`` (entities without a row there: by a
SHA-256 of the entity id); a bench row is in the half ``run.py`` gives it (``look`` = tune,
``report`` = held-out). A negative joins two entities of one half only.

Printed per half: P/R/F1 of sourcetrace (the query screened against a one-entity list, as
``external.py`` scores a pair; ``match`` and ``match`` or ``review``), nomenklatura logic-v2 at
0.7, rapidfuzz WRatio at 90 and at the threshold best on the tune half, and the counts per
pair of scripts. ``--failures`` lists the tune half's sourcetrace failures only: the held-out
half is counted, never read.

Run: ``python benchmarks/matching/cyrillic_pairs.py [--no-logic-v2] [--failures]``.
Output is deterministic.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import itertools
import json
import re
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from anyascii import anyascii
from rapidfuzz import fuzz, utils
from rigour.names import replace_org_types_compare

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(HERE))
from ftm_aliases import NAME_PROPS, SCHEMATA, script_of
from run import PairCase, bench_half, load_pairs
from scoring import LOGIC_V2_DEFAULT, Counts, LogicV2, fmt, pair_best, pair_counts, sourcetrace_pair

from sourcetrace.matching import ALGORITHM
from sourcetrace.settings import load_settings

FIXTURES = (
    REPO / "sources" / "fixtures" / "yente_fixture_zala.ftm.jsonl",
    REPO / "sources" / "fixtures" / "yente_fixture_t1_inter_tobacco.ftm.jsonl",
)

PAIRS = HERE / "data" / "pairs.csv"
HALVES = ("tune", "held-out")
# Kinds of legal form as rigour's compare forms spell them (Russian, Ukrainian and English):
# two names with forms of one kind are a harder negative than two names with no word in common.
FORM_KIND = {
    "ooo": "limited",
    "llc": "limited",
    "tov": "limited",
    "ltd": "limited",
    "ao": "joint-stock",
    "at": "joint-stock",
    "jsc": "joint-stock",
    "pao": "joint-stock",
    "pjsc": "joint-stock",
    "oao": "joint-stock",
    "zao": "joint-stock",
    "cjsc": "joint-stock",
}


@dataclass(frozen=True, slots=True)
class Pair:
    """Two names, labelled by whether one entity holds both, and the half they count in."""

    query: str
    candidate: str
    label: bool
    schema: str
    half: str
    origin: str


@dataclass(frozen=True, slots=True)
class Entity:
    ident: str
    schema: str
    names: tuple[str, ...]


def read_entities(paths: Iterable[Path]) -> list[Entity]:
    """The company and organisation entities of FtM files, each with its distinct names."""
    out: list[Entity] = []
    for path in paths:
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                ent = json.loads(line)
                if ent["schema"] not in SCHEMATA:
                    continue
                props = ent.get("properties", {})
                names = sorted(
                    {n.strip() for p in NAME_PROPS for n in props.get(p, []) if n.strip()}
                )
                if names:
                    out.append(Entity(ent["id"], ent["schema"], tuple(names)))
    return out


def split_by_name(path: Path = PAIRS) -> dict[str, str]:
    """Name -> the split ``pairs.csv`` gives the pairs of the yente fixture holding it."""
    out: dict[str, str] = {}
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if "yente_fixture" in row["source"]:
                out.setdefault(row["query"], row["split"])
                out.setdefault(row["candidate"], row["split"])
    return out


def half_of(entity: Entity, splits: dict[str, str]) -> str:
    """tune (pairs.csv train or valid) or held-out (test); by the entity id when unseen."""
    seen = Counter(splits[n] for n in entity.names if n in splits)
    if seen:
        return "held-out" if seen.most_common(1)[0][0] == "test" else "tune"
    digest = hashlib.sha256(("half:" + entity.ident).encode()).digest()
    return HALVES[digest[0] % 2]


def words(name: str) -> set[str]:
    """A name's words in Latin letters after rigour folds its legal form."""
    return set(re.findall(r"[a-z0-9]+", anyascii(replace_org_types_compare(name.lower())).lower()))


def form_kinds(name: str) -> set[str]:
    return {FORM_KIND[w] for w in words(name) if w in FORM_KIND}


def near(a: str, b: str) -> bool:
    """Whether two names of different entities share a word of three letters or more that is
    no legal form, or a kind of legal form."""
    shared = {w for w in words(a) & words(b) if len(w) >= 3 and w not in FORM_KIND}
    return bool(shared or form_kinds(a) & form_kinds(b))


def is_cyrillic(name: str) -> bool:
    return script_of(name) == "Cyrillic"


def in_scope(a: str, b: str) -> bool:
    """Cyrillic / Latin or Cyrillic / Cyrillic (the Japanese and Greek names are left out)."""
    scripts = {script_of(a), script_of(b)}
    return "Cyrillic" in scripts and scripts <= {"Cyrillic", "Latin"}


def fixture_pairs(entities: Sequence[Entity], splits: dict[str, str]) -> list[Pair]:
    halves = {e.ident: half_of(e, splits) for e in entities}
    pairs: list[Pair] = []
    for e in entities:
        if not any(is_cyrillic(n) for n in e.names):
            continue
        for a, b in itertools.combinations(e.names, 2):
            if in_scope(a, b):
                pairs.append(Pair(a, b, True, e.schema, halves[e.ident], "yente"))
    folded = {e.ident: {n.casefold() for n in e.names} for e in entities}
    for e, o in itertools.permutations(entities, 2):
        if halves[e.ident] != halves[o.ident] or folded[e.ident] & folded[o.ident]:
            continue
        for a in e.names:
            if not is_cyrillic(a):
                continue
            for b in o.names:
                # A Cyrillic name against a Cyrillic one is met twice (once from each side).
                if is_cyrillic(b) and (b, o.ident) < (a, e.ident):
                    continue
                if in_scope(a, b) and near(a, b):
                    pairs.append(Pair(a, b, False, e.schema, halves[e.ident], "yente"))
    return pairs


def bench_pairs(cases: Sequence[PairCase]) -> list[Pair]:
    half = {"look": "tune", "report": "held-out"}
    return [
        Pair(c.name1, c.name2, c.is_match, c.schema, half[bench_half(c)], "bench")
        for c in cases
        if in_scope(c.name1, c.name2)
    ]


def script_pair(p: Pair) -> str:
    return " / ".join(sorted((script_of(p.query), script_of(p.candidate))))


def wratio(a: str, b: str) -> float:
    return float(fuzz.WRatio(a, b, processor=utils.default_process))


def report(title: str, pairs: Sequence[Pair], positive: Sequence[bool]) -> None:
    labels = [p.label for p in pairs]
    print(f"  {title:<44} {fmt(pair_counts(labels, positive))}")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-logic-v2", action="store_true", help="skip nomenklatura logic-v2")
    parser.add_argument(
        "--failures",
        action="store_true",
        help="list the tune half's sourcetrace failures (never the held-out's)",
    )
    args = parser.parse_args(argv)

    entities = read_entities(FIXTURES)
    pairs = fixture_pairs(entities, split_by_name()) + bench_pairs(load_pairs())
    settings = load_settings()
    started = time.process_time()
    preds = [sourcetrace_pair(p.query, p.candidate, settings) for p in pairs]
    print(
        f"sourcetrace {ALGORITHM}: {time.process_time() - started:.1f} s CPU for {len(pairs)} pairs"
    )
    wr = [wratio(p.query, p.candidate) for p in pairs]
    tune_idx = [i for i, p in enumerate(pairs) if p.half == "tune"]
    wr_t, _ = pair_best([pairs[i].label for i in tune_idx], [wr[i] for i in tune_idx])
    lv2: list[float] | None = None
    if not args.no_logic_v2:
        scorer = LogicV2()
        started = time.process_time()
        lv2 = [
            scorer.score(
                scorer.entity(f"a{i}", p.schema, [p.query]),
                scorer.entity(f"b{i}", p.schema, [p.candidate]),
            )
            for i, p in enumerate(pairs)
        ]
        print(f"logic-v2: {time.process_time() - started:.1f} s CPU")

    for half in HALVES:
        idx = [i for i, p in enumerate(pairs) if p.half == half]
        sub = [pairs[i] for i in idx]
        n_ent = len({(p.origin, p.query) for p in sub if p.label})
        print(
            f"\n{half}: {sum(p.label for p in sub)} positive / "
            f"{sum(not p.label for p in sub)} negative pairs "
            f"(yente {sum(p.origin == 'yente' for p in sub)}, bench {sum(p.origin == 'bench' for p in sub)}; "
            f"{n_ent} distinct positive queries)"
        )
        report("sourcetrace (match)", sub, [preds[i].at_match for i in idx])
        report("sourcetrace (match or review)", sub, [preds[i].alerted for i in idx])
        if lv2 is not None:
            report(f"logic-v2 @ {LOGIC_V2_DEFAULT}", sub, [lv2[i] >= LOGIC_V2_DEFAULT for i in idx])
        report("WRatio @ 90", sub, [wr[i] >= 90 for i in idx])
        report(f"WRatio @ {wr_t:g} (best on tune)", sub, [wr[i] >= wr_t for i in idx])
        by_script: dict[str, list[int]] = defaultdict(list)
        for i in idx:
            by_script[script_pair(pairs[i])].append(i)
        for key in sorted(by_script):
            j = by_script[key]
            labels = [pairs[i].label for i in j]
            c: Counts = pair_counts(labels, [preds[i].at_match for i in j])
            line = f"    {key:<20} ({c.pos} pos / {c.n - c.pos} neg) sourcetrace match: {fmt(c)}"
            if lv2 is not None:
                c2 = pair_counts(labels, [lv2[i] >= LOGIC_V2_DEFAULT for i in j])
                line += f"\n    {'':<20} {'':<18} logic-v2:          {fmt(c2)}"
            print(line)

    if args.failures:
        print("\nsourcetrace failures at match, tune half only:")
        for i in tune_idx:
            p = pairs[i]
            if preds[i].at_match != p.label:
                print(
                    f"  {'FN' if p.label else 'FP'} {preds[i].decision.value:<6} "
                    f"{preds[i].score:.3f}  {p.query!r} / {p.candidate!r}"
                )


if __name__ == "__main__":
    main()
