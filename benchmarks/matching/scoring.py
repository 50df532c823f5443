"""Scoring helpers the matching benchmarks share: counts, pair scorers, threshold search, and the
listed entity under fewer names.

``run.py`` (the project's generated cases) and ``external.py`` (pairs from external lists) use
the same sourcetrace pair route, the same logic-v2 wrapper and the same threshold search, so that
their figures are comparable.

A case counts at the decision ``sourcetrace screen`` gives its row, nothing better: the matcher
also returns a ``clear`` hit for a listed name spelled like the query (WRatio >= 0.90) to say
what differs, and such a row is ``clear`` (no alert), not ``review``. Until 2026-12-07 the
"match or review" figures counted it as an alert (benchmarks/matching/README.md, "Counting fixed").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from sourcetrace.matching import Matcher
from sourcetrace.model import Decision, EntityName, Hit, ListedEntity
from sourcetrace.settings import Settings

LOGIC_V2_DEFAULT = 0.7


@dataclass(frozen=True, slots=True)
class Pred:
    """One system's answer for one case: the entity it points to (or None), its score and, for
    sourcetrace, the decision the product gives the row (baselines answer by score alone)."""

    entity: str | None
    score: float
    decision: Decision | None = None
    reasons: tuple[str, ...] = ()

    @property
    def at_match(self) -> bool:
        """sourcetrace decided ``match`` on an entity."""
        return self.entity is not None and self.decision is Decision.MATCH

    @property
    def alerted(self) -> bool:
        """sourcetrace decided ``match`` or ``review``: the row is put before a reviewer. A
        ``clear`` hit (a name spelled alike, shown with what differs) is no alert."""
        return self.entity is not None and self.decision in (Decision.MATCH, Decision.REVIEW)


@dataclass(slots=True)
class Counts:
    """True and false positives and negatives of one system on one set of cases."""

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
        """An FtM entity holding these names; ``ident`` must be unique (logic-v2 caches)."""
        known = ("Company", "Organization", "PublicBody", "Person")
        schema = schema if schema in known else "Organization"
        return self.cls.from_dict(
            {"id": ident, "schema": schema, "properties": {"name": list(names)}}
        )

    def score(self, query: object, result: object) -> float:
        return float(self.algo.compare(query, result, self.config).score)


def pair_counts(labels: Sequence[bool], positive: Sequence[bool]) -> Counts:
    """Counts of labelled pairs under one system's yes/no answers."""
    c = Counts()
    for y, p in zip(labels, positive, strict=True):
        c.n += 1
        c.pos += y
        c.tp += y and p
        c.fp += p and not y
        c.fn += y and not p
    return c


def pair_best(labels: Sequence[bool], scores: Sequence[float]) -> tuple[float, Counts]:
    """The threshold (score >= t is a match) with the highest F1; ties go to the lower one.

    One sort and cumulative sums, so that tens of thousands of pairs take milliseconds.
    """
    y = np.asarray(labels, dtype=bool)
    s = np.asarray(scores, dtype=float)
    if not len(s):
        return 0.0, Counts()
    order = np.argsort(-s, kind="stable")
    s_sorted, y_sorted = s[order], y[order]
    tp_at = np.cumsum(y_sorted)
    fp_at = np.cumsum(~y_sorted)
    pos = int(y.sum())
    best_t, best_f1 = 0.0, -1.0
    # Walk the distinct thresholds from the lowest up; a threshold keeps every pair at or above.
    uniq = np.unique(s_sorted)
    last_index = len(s_sorted) - 1 - np.searchsorted(s_sorted[::-1], uniq, side="left")
    for t, i in zip(uniq, last_index, strict=True):
        tp, fp = int(tp_at[i]), int(fp_at[i])
        prec = tp / (tp + fp) if tp + fp else 1.0
        rec = tp / pos if pos else 1.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        if f1 > best_f1 + 1e-12:
            best_t, best_f1 = float(t), f1
    return best_t, pair_counts(labels, [x >= best_t for x in scores])


def sourcetrace_pred(hits: Sequence[Hit]) -> Pred:
    """A row's answer from the matcher's hits for it: the best hit, with the decision
    ``sourcetrace screen`` writes for the row (hits come best decision first, so a ``clear``
    first hit means the row is ``clear``); no hit: no entity, score 0, ``clear``."""
    if not hits:
        return Pred(None, 0.0, Decision.CLEAR)
    h = hits[0]
    return Pred(h.entity.id, h.score, h.decision, tuple(h.reasons))


def sourcetrace_pair(name1: str, name2: str, settings: Settings) -> Pred:
    """sourcetrace's answer for ``name1`` screened against a one-entity list holding ``name2``:
    what ``sourcetrace screen`` decides for that row when the list holds that one entity."""
    entity = ListedEntity(id="x", schema="Company", caption=name2, names=[EntityName(name2)])
    return sourcetrace_pred(Matcher([entity], settings).match(name1))


def with_names(entity: ListedEntity, names: Sequence[EntityName]) -> ListedEntity:
    """The listed entity as a list that holds it by these of its names only (``chinese_full.py``:
    no name in Chinese characters; ``chinese_variants.py``: no pinyin spelling)."""
    return replace(entity, names=list(names))


def fmt(c: Counts) -> str:
    """P, R, F1 and the counts behind them, on one line."""
    return f"P {c.precision:.3f}  R {c.recall:.3f}  F1 {c.f1:.3f}  (TP {c.tp} FP {c.fp} FN {c.fn})"
