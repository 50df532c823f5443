"""The learned pair score: gradient-boosted trees over the features of
:func:`sourcetrace.matching.features.vector`, read from ``data/match_model.json``.

The model is trained by ``scripts/train_match_model.py`` on labelled pairs the project did not
generate (aliases of entities on real lists, the nomenklatura name bench, hard negatives; split by
entity), and its two thresholds are chosen on the validation split only. The file holds the trees
as plain arrays (JSON, no pickle, no scikit-learn needed to read it) and its version, which is
part of :data:`ALGORITHM`. Trees rather than one weight per feature: a logistic regression cannot
learn that, say, a whole-name agreement counts only when the trade names do not contradict it
(measured on the validation split: F1 0.43 against 0.55 at the same precision, see
benchmarks/matching/README.md).

The probability is mapped onto the score scale users already know: the validation-chosen review
and match thresholds land on the score anchors in the file (0.70 and 0.88, the default settings),
linearly in between, so the default thresholds apply the validated choice and a user's own
thresholds still move along a calibrated, monotone score.

What carried a pair (the reasons' "score carried by") is read from the trees: each split on the
pair's path moves the expected log-odds from the node to the child it takes, and that move is
credited to the split's feature (Saabas' decomposition; the credits add up to the log-odds).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from itertools import pairwise

import numpy as np

from sourcetrace.matching.features import FEATURE_NAMES


@dataclass(frozen=True, slots=True)
class Calibration:
    """The validation-chosen probabilities and the score anchors they are mapped onto."""

    review_probability: float
    match_probability: float
    review_score: float
    match_score: float

    def score(self, p: float) -> float:
        """The probability mapped so that the review and match thresholds fall on the anchors."""
        pr, pm, sr, sm = (
            self.review_probability, self.match_probability, self.review_score, self.match_score
        )  # fmt: skip
        if p < pr:
            return sr * p / pr
        if p < pm:
            return sr + (sm - sr) * (p - pr) / (pm - pr)
        return sm + (1.0 - sm) * (p - pm) / (1.0 - pm)


# Distinct pair inputs remembered (see PairModel._odds): about 1 kB each with its results, so
# at most ~16 MB a process; a bulk worker meets one new input in four pairs scored.
_KEPT = 16_384


class PairModel:
    """Boosted trees, stored as padded arrays (one row per tree) and walked all at once."""

    def __init__(self, version: str, baseline: float, trees: dict[str, object],
                 calibration: Calibration) -> None:  # fmt: skip
        self.version = version
        self.baseline = baseline
        self.calibration = calibration
        feature = np.array(trees["feature"], dtype=np.intp)
        count, width = feature.shape
        # One flat array per field, each tree at its offset; a leaf points to itself with an
        # infinite threshold, so every tree takes the same number of steps with no leaf test.
        offset = (np.arange(count) * width)[:, None]
        leaf = np.array(trees["leaf"], dtype=bool)
        own = np.broadcast_to(np.arange(width), (count, width)) + offset
        left = np.array(trees["left"], dtype=np.intp) + offset
        right = np.array(trees["right"], dtype=np.intp) + offset
        self.feature = np.where(leaf, 0, feature).ravel()
        self.threshold = np.where(leaf, np.inf, np.array(trees["threshold"], dtype=np.float64)).ravel()
        self.left = np.where(leaf, own, left).ravel()
        self.right = np.where(leaf, own, right).ravel()
        # The expected log-odds under each node (at a leaf: its value).
        self.expected = np.array(trees["expected"], dtype=np.float64).ravel()
        self.roots = offset.ravel().copy()
        self.depth = int(trees["max_depth"])  # type: ignore[call-overload]
        self._last: tuple[list[float], list[np.ndarray]] | None = None
        # Log-odds and strongest features remembered by the pair's inputs: many pairs have the
        # same features (one listed name met by several spellings of a shipper: the 14,635
        # pairs scored for the bulk benchmark's first 20,000 names hold 3,594 distinct inputs),
        # and a walk costs tens of µs of numpy calls. The same inputs take the same paths: the
        # same bits. Emptied when full (a bulk worker meets ~1 new input in 4 pairs).
        self._odds: dict[tuple[float, ...], float] = {}
        self._strong: dict[tuple[tuple[float, ...], int], tuple[tuple[str, float], ...]] = {}

    def _walk(self, x: list[float], credit: np.ndarray | None = None) -> float:
        values = np.asarray(x, dtype=np.float64)
        node = self.roots
        path = [node]
        for _ in range(self.depth):
            feat = self.feature[node]
            nxt = np.where(values[feat] <= self.threshold[node], self.left[node], self.right[node])
            if credit is not None:
                np.add.at(credit, feat, self.expected[nxt] - self.expected[node])
            node = nxt
            path.append(node)
        # The nodes each tree went through, for strongest() of the same pair (the reasons read
        # them right after the score): one pair, held with its features, so a caller in another
        # thread only misses it.
        self._last = (x, path)
        return self.baseline + float(self.expected[node].sum())

    def _credit(self, x: list[float]) -> np.ndarray:
        """What each feature moved the pair's log-odds by, from the path of :meth:`_walk` when
        it last walked this very ``x``; the moves added level by level, tree by tree, from 0.0,
        as ``np.add.at`` adds them in a walk (bincount adds in input order): the same sums."""
        last = self._last
        if last is None or last[0] is not x:
            credit = np.zeros(len(FEATURE_NAMES), dtype=np.float64)
            self._walk(x, credit)
            return credit
        path, expected = last[1], self.expected
        moves = [expected[b] - expected[a] for a, b in pairwise(path)]
        feats = [self.feature[a] for a in path[:-1]]
        return np.bincount(np.concatenate(feats), weights=np.concatenate(moves),
                           minlength=len(FEATURE_NAMES))  # fmt: skip

    def probability(self, x: list[float]) -> float:
        key = tuple(x)
        z = self._odds.get(key)
        if z is None:
            z = self._walk(x)
            if len(self._odds) >= _KEPT:
                self._odds.clear()
            self._odds[key] = z
        return 1.0 / (1.0 + math.exp(-z)) if z > -60 else 0.0

    def score(self, x: list[float]) -> float:
        """The calibrated score of one pair (see :class:`Calibration`)."""
        return self.calibration.score(self.probability(x))

    def strongest(self, x: list[float], top: int = 2) -> list[tuple[str, float]]:
        """The features that moved this pair's log-odds most, with their signed credit."""
        key = (tuple(x), top)
        found = self._strong.get(key)
        if found is None:
            credit = self._credit(x)
            parts = [(n, float(c)) for n, c in zip(FEATURE_NAMES, credit, strict=True)
                     if abs(c) >= 0.5]  # fmt: skip
            found = tuple(sorted(parts, key=lambda p: -abs(p[1]))[:top])
            if len(self._strong) >= _KEPT:
                self._strong.clear()
            self._strong[key] = found
        return list(found)


def _data() -> dict[str, object]:
    text = resources.files("sourcetrace.data").joinpath("match_model.json").read_text("utf-8")
    return json.loads(text)  # type: ignore[no-any-return]


def model_version() -> str:
    """The shipped model's version (read without checking its features: the training script
    imports the package before it writes a new file)."""
    return str(_data()["version"])


@lru_cache(maxsize=1)
def pair_model() -> PairModel:
    """The shipped model (``sourcetrace/data/match_model.json``)."""
    data: dict = _data()  # type: ignore[type-arg]
    if tuple(data["features"]) != FEATURE_NAMES or "trees" not in data:
        raise RuntimeError("match_model.json was trained on other features: rebuild it")
    t = data["thresholds"]
    calibration = Calibration(
        float(t["review_probability"]), float(t["match_probability"]),
        float(t["review_score"]), float(t["match_score"]),
    )  # fmt: skip
    return PairModel(data["version"], float(data["baseline"]), data["trees"], calibration)
