"""Measure sourcetrace's name matching against labelled cases, next to baselines, in one run.

Two case sets:

* list cases (``data/cases.csv``, built by ``build_cases.py``): a query is screened against the
  whole bundled list. A prediction is positive when the best hit is decided ``match`` (and, in a
  second column, ``match`` or ``review``). A true positive needs the best hit to be the expected
  entity or an equivalent one (an entity whose names include the expected entity's primary name,
  case, punctuation and trailing legal form aside). A positive prediction on the wrong entity
  counts as a false positive *and* a false negative.
* pair cases (``data/nomenklatura_name_bench_cases.csv``, Company and Organization rows only):
  name1 is screened against a one-entity list holding name2.

Baselines: rapidfuzz ``fuzz.token_set_ratio`` and ``fuzz.WRatio`` (with ``default_process``) over
every listed name, each at the threshold that maximises its F1 on the same cases (an optimistic
baseline), and nomenklatura ``logic-v2`` when it is installed (list cases: scored on the 20 entities
the two rapidfuzz scorers rank highest; at its usual 0.7 threshold and at its best threshold).

Run: ``.venv/bin/python benchmarks/matching/run.py [--failures N]``. Output is deterministic.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process, utils

from sourcetrace.lists import default_list_path, load_entities
from sourcetrace.matching import Matcher
from sourcetrace.model import EntityName, Hit, ListedEntity
from sourcetrace.settings import Settings, load_settings

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from build_cases import norm_name

CASES = HERE / "data" / "cases.csv"
PAIRS = HERE / "data" / "nomenklatura_name_bench_cases.csv"
LOGIC_V2_DEFAULT = 0.7
LOGIC_V2_BLOCK = 20
ZH_KINDS = ("zh_script", "zh_short", "zh_script_weak", "zh_short_weak")


@dataclass(frozen=True, slots=True)
class Case:
    """One labelled query; ``expected`` is empty for a negative."""

    query: str
    expected: tuple[str, ...]
    kind: str


@dataclass(frozen=True, slots=True)
class Pred:
    """One system's answer for one case: the entity it points to (or None) and its score."""

    entity: str | None
    score: float
    strict: bool = True  # sourcetrace: decided "match" (False: only "review")
    reasons: tuple[str, ...] = ()


@dataclass(slots=True)
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    n: int = 0
    pos: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(slots=True)
class Result:
    """A system's predictions under one decision rule, with totals and per-kind counts."""

    label: str
    total: Counts
    by_kind: dict[str, Counts] = field(default_factory=dict)
    correct: list[bool] = field(default_factory=list)


# --------------------------------------------------------------------------------------- loading


def load_cases(path: Path = CASES) -> list[Case]:
    with path.open(encoding="utf-8") as fh:
        return [
            Case(r["query"], tuple(x for x in r["expected_entity_id"].split(";") if x), r["kind"])
            for r in csv.DictReader(fh)
        ]


@dataclass(frozen=True, slots=True)
class PairCase:
    name1: str
    name2: str
    is_match: bool
    schema: str
    group: str


def load_pairs(path: Path = PAIRS) -> list[PairCase]:
    """The Company and Organization rows of the nomenklatura name bench."""
    with path.open(encoding="utf-8") as fh:
        return [
            PairCase(r["name1"], r["name2"], r["is_match"] == "true", r["schema"], r["case_group"])
            for r in csv.DictReader(fh)
            if r["schema"] in ("Company", "Organization")
        ]


def equivalents(entities: list[ListedEntity]) -> dict[str, set[str]]:
    """Entity id -> ids accepted for it: entities whose names include its primary name, or
    whose primary name is one of its names (the same company listed under a renamed name on
    another list: UFLPA "Xinjiang Goens ..." with former name "Xinjiang GCL ...", BIS "GCL")."""
    names = {e.id: {norm_name(n.value) for n in e.names} for e in entities}
    primary = {e.id: norm_name(e.names[0].value) for e in entities}
    out: dict[str, set[str]] = {}
    for e in entities:
        out[e.id] = {
            x.id for x in entities if primary[e.id] in names[x.id] or primary[x.id] in names[e.id]
        } | {e.id}
    return out


# ------------------------------------------------------------------------------------- scoring


def score_cases(
    cases: Sequence[Case],
    preds: Sequence[Pred],
    accepted: dict[str, set[str]],
    label: str,
    positive: Callable[[Pred], bool],
) -> Result:
    """Counts under one decision rule; per kind as well."""
    result = Result(label, Counts())
    for case, pred in zip(cases, preds, strict=True):
        kind = result.by_kind.setdefault(case.kind, Counts())
        is_pos = positive(pred)
        ok_ids = (
            set().union(*(accepted.get(x, {x}) for x in case.expected)) if case.expected else set()
        )
        correct_hit = is_pos and pred.entity in ok_ids
        for c in (result.total, kind):
            c.n += 1
            c.pos += bool(case.expected)
            if correct_hit:
                c.tp += 1
            else:
                if is_pos:
                    c.fp += 1
                if case.expected:
                    c.fn += 1
        result.correct.append(correct_hit if case.expected else not is_pos)
    return result


def _at_least(threshold: float) -> Callable[[Pred], bool]:
    def rule(pred: Pred) -> bool:
        return pred.score >= threshold

    return rule


def best_threshold(
    cases: Sequence[Case], preds: Sequence[Pred], accepted: dict[str, set[str]], label: str
) -> tuple[float, Result]:
    """The score threshold with the highest F1 on these cases (ties: the lower threshold)."""
    scores = sorted({round(p.score, 4) for p in preds})
    best: tuple[float, Result] | None = None
    for t in scores:
        res = score_cases(cases, preds, accepted, label, _at_least(t))
        if best is None or res.total.f1 > best[1].total.f1 + 1e-12:
            best = (t, res)
    assert best is not None
    return best


def sourcetrace_preds(matcher: Matcher, queries: Sequence[str]) -> list[Pred]:
    preds: list[Pred] = []
    for q in queries:
        hits: list[Hit] = matcher.match(q)
        if not hits:
            preds.append(Pred(None, 0.0, False))
            continue
        h = hits[0]
        preds.append(Pred(h.entity.id, h.score, h.decision.value == "match", tuple(h.reasons)))
    return preds


def listed_names(entities: list[ListedEntity]) -> tuple[list[str], list[str]]:
    values: list[str] = []
    owners: list[str] = []
    for e in entities:
        for n in dict.fromkeys(x.value for x in e.names):
            values.append(n)
            owners.append(e.id)
    return values, owners


def rapidfuzz_preds(
    queries: Sequence[str], names: list[str], owners: list[str], scorer: Callable[..., float]
) -> tuple[list[Pred], np.ndarray]:
    """Best listed name per query under one rapidfuzz scorer (0..1), and the full score matrix."""
    matrix = process.cdist(
        queries, names, scorer=scorer, processor=utils.default_process, workers=-1
    )
    best = matrix.argmax(axis=1)
    preds = [Pred(owners[j], float(matrix[i, j]) / 100.0) for i, j in enumerate(best)]
    return preds, matrix


# ------------------------------------------------------------------------------------- logic-v2


class LogicV2:
    """nomenklatura's logic-v2 on FollowTheMoney entities."""

    def __init__(self) -> None:
        from followthemoney import model
        from nomenklatura.matching import get_algorithm
        from nomenklatura.matching.types import ScoringConfig

        self.model = model
        algo = get_algorithm("logic-v2")
        if algo is None:
            raise RuntimeError("get_algorithm('logic-v2') returned None")
        self.algo: Any = algo
        self.config = ScoringConfig.defaults()
        self.cls = model.make_entity("Company").__class__

    def entity(self, ident: str, schema: str, names: Sequence[str]) -> object:
        schema = schema if schema in ("Company", "Organization", "PublicBody") else "Organization"
        return self.cls.from_dict(
            {"id": ident, "schema": schema, "properties": {"name": list(names)}}
        )

    def score(self, query: object, result: object) -> float:
        return float(self.algo.compare(query, result, self.config).score)


def logic_v2_list_preds(
    lv2: LogicV2,
    queries: Sequence[str],
    entities: list[ListedEntity],
    owners: list[str],
    matrices: Sequence[np.ndarray],
) -> list[Pred]:
    """logic-v2 on the entities the rapidfuzz scorers rank highest for each query."""
    ftm = {e.id: lv2.entity(e.id, e.schema, [n.value for n in e.names]) for e in entities}
    owner_arr = np.array(owners)
    preds: list[Pred] = []
    for i, q in enumerate(queries):
        cands: dict[str, None] = {}
        for m in matrices:
            for j in np.argsort(-m[i], kind="stable")[: LOGIC_V2_BLOCK * 3]:
                cands.setdefault(str(owner_arr[j]), None)
                if len(cands) >= LOGIC_V2_BLOCK * len(matrices):
                    break
        query = lv2.entity(f"q{i}", "Organization", [q])  # ids must be unique: logic-v2 caches
        scored = [(lv2.score(query, ftm[c]), c) for c in cands]
        score, ent = max(scored, key=lambda x: (x[0], x[1])) if scored else (0.0, None)
        preds.append(Pred(ent, score))
    return preds


# ---------------------------------------------------------------------------------- pair cases


def pair_counts(labels: Sequence[bool], positive: Sequence[bool]) -> Counts:
    c = Counts()
    for y, p in zip(labels, positive, strict=True):
        c.n += 1
        c.pos += y
        c.tp += y and p
        c.fp += p and not y
        c.fn += y and not p
    return c


def pair_best(labels: Sequence[bool], scores: Sequence[float]) -> tuple[float, Counts]:
    best: tuple[float, Counts] | None = None
    for t in sorted(set(scores)):
        c = pair_counts(labels, [s >= t for s in scores])
        if best is None or c.f1 > best[1].f1 + 1e-12:
            best = (t, c)
    assert best is not None
    return best


def sourcetrace_pair(name1: str, name2: str, settings: Settings) -> Pred:
    entity = ListedEntity(id="x", schema="Company", caption=name2, names=[EntityName(name2)])
    hits = Matcher([entity], settings).match(name1)
    if not hits:
        return Pred(None, 0.0, False)
    h = hits[0]
    return Pred(h.entity.id, h.score, h.decision.value == "match", tuple(h.reasons))


# ------------------------------------------------------------------------------------- printing


def fmt(c: Counts) -> str:
    return f"P {c.precision:.3f}  R {c.recall:.3f}  F1 {c.f1:.3f}  (TP {c.tp} FP {c.fp} FN {c.fn})"


def kind_cell(c: Counts, positive_kind: bool) -> str:
    """Recall for a positive kind, false-alert rate for a negative kind."""
    if positive_kind:
        return f"{c.tp / c.pos:6.1%}" if c.pos else "     -"
    return f"{c.fp / c.n:6.1%}" if c.n else "     -"


def print_table(results: Sequence[Result], cases: Sequence[Case]) -> None:
    width = max(len(r.label) for r in results)
    print("\nOverall (list cases)")
    for r in results:
        print(f"  {r.label:<{width}}  {fmt(r.total)}")
    kinds = list(dict.fromkeys(c.kind for c in cases))
    pos_kinds = [k for k in kinds if not k.startswith("neg_")]
    neg_kinds = [k for k in kinds if k.startswith("neg_")]
    heads = [f"[{i + 1}]" for i in range(len(results))]
    print("\nBy kind: recall for positive kinds, false-alert rate for negative kinds")
    for i, r in enumerate(results):
        print(f"  [{i + 1}] {r.label}")
    line = f"  {'kind':<28}{'n':>5}  " + "  ".join(f"{h:>6}" for h in heads)
    print(line)
    for group, ks, is_pos in (("positives", pos_kinds, True), ("negatives", neg_kinds, False)):
        print(f"  -- {group}")
        for k in ks:
            n = results[0].by_kind[k].n
            cells = "  ".join(kind_cell(r.by_kind[k], is_pos) for r in results)
            print(f"  {k:<28}{n:>5}  {cells}")


def print_miss_causes(
    cases: Sequence[Case], preds: Sequence[Pred], accepted: dict[str, set[str]]
) -> None:
    """Why sourcetrace's positives were not decided ``match`` on the right entity."""
    causes: dict[str, int] = defaultdict(int)
    for case, pred in zip(cases, preds, strict=True):
        if not case.expected:
            continue
        ok_ids = set().union(*(accepted.get(x, {x}) for x in case.expected))
        if pred.entity is None:
            causes["no hit at review threshold or above"] += 1
        elif pred.entity not in ok_ids:
            causes[f"best hit is another entity ({'match' if pred.strict else 'review'})"] += 1
        elif not pred.strict:
            capped = any("unverified" in r for r in pred.reasons)
            causes[
                "right entity, review: unverified list name (cap by design)"
                if capped
                else "right entity, only review"
            ] += 1
    print("\nsourcetrace misses at 'match' on positive cases, by cause")
    for cause, n in sorted(causes.items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"  {n:5d}  {cause}")


def print_failures(
    cases: Sequence[Case],
    preds: Sequence[Pred],
    result: Result,
    captions: dict[str, str],
    limit: int,
) -> None:
    """Failing cases of sourcetrace (under ``result``'s rule), grouped by kind."""
    failing: dict[str, list[int]] = defaultdict(list)
    for i, ok in enumerate(result.correct):
        if not ok:
            failing[cases[i].kind].append(i)
    print(f"\nsourcetrace failures ({result.label}), up to {limit} per kind")
    for kind in sorted(failing, key=lambda k: (-len(failing[k]), k)):
        idx = failing[kind]
        print(f"  == {kind}: {len(idx)} of {result.by_kind[kind].n}")
        for i in idx[:limit]:
            c, p = cases[i], preds[i]
            exp = captions.get(c.expected[0], c.expected[0]) if c.expected else "(none)"
            got = (
                f"{captions.get(p.entity or '', '')} [{'match' if p.strict else 'review'} {p.score:.2f}]"
                if p.entity
                else "(no hit)"
            )
            print(f"     q: {c.query}\n        expected: {exp}\n        got: {got}")
            if p.reasons:
                print(f"        reasons: {'; '.join(p.reasons)}")


# ----------------------------------------------------------------------------------------- main


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--failures", type=int, default=0, help="print up to N failures per kind")
    args = parser.parse_args(argv)

    settings = load_settings()
    entities = load_entities(default_list_path())
    matcher = Matcher(entities, settings)
    accepted = equivalents(entities)
    captions = {e.id: e.caption for e in entities}
    cases = load_cases()
    queries = [c.query for c in cases]
    n_pos = sum(1 for c in cases if c.expected)
    print(
        f"list cases: {len(cases)} ({n_pos} positive, {len(cases) - n_pos} negative) against "
        f"{len(entities)} listed entities; sourcetrace match threshold {settings.match_threshold}, "
        f"review threshold {settings.review_threshold}"
    )

    st = sourcetrace_preds(matcher, queries)
    results = [
        score_cases(
            cases,
            st,
            accepted,
            "sourcetrace default (match)",
            lambda p: p.entity is not None and p.strict,
        ),
        score_cases(
            cases,
            st,
            accepted,
            "sourcetrace default (match or review)",
            lambda p: p.entity is not None,
        ),
    ]
    names, owners = listed_names(entities)
    matrices: list[np.ndarray] = []
    for label, scorer in (("token_set_ratio", fuzz.token_set_ratio), ("WRatio", fuzz.WRatio)):
        preds, matrix = rapidfuzz_preds(queries, names, owners, scorer)
        matrices.append(matrix)
        t, res = best_threshold(cases, preds, accepted, "")
        res.label = f"rapidfuzz {label} @ best {t * 100:.1f}"
        results.append(res)

    lv2_note = ""
    lv2: LogicV2 | None = None
    try:
        lv2 = LogicV2()
    except Exception as exc:  # noqa: BLE001 - any failure means "not available"
        lv2_note = f"logic-v2: not available ({type(exc).__name__}: {exc})"
    if lv2 is not None:
        lv2_preds = logic_v2_list_preds(lv2, queries, entities, owners, matrices)
        results.append(
            score_cases(
                cases,
                lv2_preds,
                accepted,
                f"nomenklatura logic-v2 @ {LOGIC_V2_DEFAULT}",
                lambda p: p.score >= LOGIC_V2_DEFAULT,
            )
        )
        t, res = best_threshold(cases, lv2_preds, accepted, "")
        res.label = f"nomenklatura logic-v2 @ best {t:.2f}"
        results.append(res)

    print_table(results, cases)
    print_miss_causes(cases, st, accepted)
    if lv2_note:
        print("\n" + lv2_note)

    print()
    zh = [i for i, c in enumerate(cases) if c.kind in ZH_KINDS]
    for r in results[:2]:
        found = sum(1 for i in zh if r.correct[i])
        print(f"Chinese-script recall, {r.label}: {found}/{len(zh)} = {found / len(zh):.1%}")
    zh_strict = [i for i in zh if not cases[i].kind.endswith("_weak")]
    found = sum(1 for i in zh_strict if results[0].correct[i])
    print(
        f"Chinese-script recall, verified names only (weak aliases are capped at review by "
        f"design), match: {found}/{len(zh_strict)} = {found / len(zh_strict):.1%}"
    )

    # Pair cases.
    pairs = load_pairs()
    labels = [p.is_match for p in pairs]
    print(
        f"\nPair cases (nomenklatura name_bench, Company/Organization rows): {len(pairs)} "
        f"({sum(labels)} match, {len(labels) - sum(labels)} non-match)"
    )
    stp = [sourcetrace_pair(p.name1, p.name2, settings) for p in pairs]
    rows: list[tuple[str, Counts]] = [
        (
            "sourcetrace default (match)",
            pair_counts(labels, [x.entity is not None and x.strict for x in stp]),
        ),
        (
            "sourcetrace default (match or review)",
            pair_counts(labels, [x.entity is not None for x in stp]),
        ),
    ]
    for label, scorer in (("token_set_ratio", fuzz.token_set_ratio), ("WRatio", fuzz.WRatio)):
        scores = [scorer(p.name1, p.name2, processor=utils.default_process) / 100.0 for p in pairs]
        t, c = pair_best(labels, scores)
        rows.append((f"rapidfuzz {label} @ best {t * 100:.1f}", c))
    if lv2 is not None:
        scores = [
            lv2.score(
                lv2.entity(f"a{i}", p.schema, [p.name1]), lv2.entity(f"b{i}", p.schema, [p.name2])
            )
            for i, p in enumerate(pairs)
        ]
        rows.append(
            (
                f"nomenklatura logic-v2 @ {LOGIC_V2_DEFAULT}",
                pair_counts(labels, [s >= LOGIC_V2_DEFAULT for s in scores]),
            )
        )
        t, c = pair_best(labels, scores)
        rows.append((f"nomenklatura logic-v2 @ best {t:.2f}", c))
    elif lv2_note:
        print(lv2_note)
    width = max(len(label) for label, _ in rows)
    for label, c in rows:
        print(f"  {label:<{width}}  {fmt(c)}")

    if args.failures:
        print_failures(cases, st, results[0], captions, args.failures)
        pair_fail = [
            (p, x)
            for p, x in zip(pairs, stp, strict=True)
            if (x.entity is not None and x.strict) != p.is_match
        ]
        print(f"\nsourcetrace pair failures (match): {len(pair_fail)}")
        for p, x in pair_fail[: args.failures * 4]:
            print(
                f"   {'FN' if p.is_match else 'FP'}  {p.name1!r} vs {p.name2!r}  "
                f"score {x.score:.2f}  {'; '.join(x.reasons)}"
            )


if __name__ == "__main__":
    main()
