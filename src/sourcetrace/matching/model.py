"""The learned pair score: a logistic regression over the features of
:func:`sourcetrace.matching.features.vector`, read from ``data/match_model.json``.

The model is trained by ``scripts/train_match_model.py`` on labelled pairs the project did not
generate (aliases of entities on real lists, the nomenklatura name bench, hard negatives; split by
entity), and its two thresholds are chosen on the validation split only. The file holds plain
coefficients (JSON, no pickle) and its version, which is part of :data:`ALGORITHM`.

The probability is mapped onto the score scale users already know: the validation-chosen review
and match thresholds land on the score anchors in the file (0.70 and 0.88, the default settings),
linearly in between, so the default thresholds apply the validated choice and a user's own
thresholds still move along a calibrated, monotone score.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from sourcetrace.matching.features import FEATURE_NAMES


@dataclass(frozen=True, slots=True)
class PairModel:
    """Coefficients, thresholds and the score anchors of one trained model."""

    version: str
    intercept: float
    coefficients: tuple[float, ...]
    review_probability: float
    match_probability: float
    review_score: float
    match_score: float

    def probability(self, x: list[float]) -> float:
        z = self.intercept + sum(c * v for c, v in zip(self.coefficients, x, strict=True))
        return 1.0 / (1.0 + math.exp(-z)) if z > -60 else 0.0

    def score(self, x: list[float]) -> float:
        """The probability mapped so that the review and match thresholds fall on the anchors."""
        p = self.probability(x)
        pr, pm, sr, sm = (
            self.review_probability, self.match_probability, self.review_score, self.match_score
        )
        if p < pr:
            return sr * p / pr
        if p < pm:
            return sr + (sm - sr) * (p - pr) / (pm - pr)
        return sm + (1.0 - sm) * (p - pm) / (1.0 - pm)

    def strongest(self, x: list[float], top: int = 2) -> list[tuple[str, float]]:
        """The features that moved this pair's score most, with their signed contribution."""
        parts = [(n, c * v) for n, c, v in zip(FEATURE_NAMES, self.coefficients, x, strict=True)]
        parts = [p for p in parts if abs(p[1]) >= 0.5]
        return sorted(parts, key=lambda p: -abs(p[1]))[:top]


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
    if tuple(data["features"]) != FEATURE_NAMES:
        raise RuntimeError("match_model.json was trained on other features: rebuild it")
    return PairModel(
        version=data["version"],
        intercept=float(data["intercept"]),
        coefficients=tuple(float(c) for c in data["coefficients"]),
        review_probability=float(data["thresholds"]["review_probability"]),
        match_probability=float(data["thresholds"]["match_probability"]),
        review_score=float(data["thresholds"]["review_score"]),
        match_score=float(data["thresholds"]["match_score"]),
    )
