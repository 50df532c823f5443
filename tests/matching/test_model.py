"""The learned pair model: the shipped file, its thresholds on the score scale, its reasons."""

from __future__ import annotations

import json
from importlib import resources

from sourcetrace.matching import ALGORITHM, Matcher
from sourcetrace.matching.features import FEATURE_NAMES
from sourcetrace.matching.model import pair_model
from sourcetrace.model import Decision, EntityName, ListedEntity, Listing
from sourcetrace.settings import load_settings


def test_shipped_model_is_plain_json_named_in_the_algorithm() -> None:
    text = resources.files("sourcetrace.data").joinpath("match_model.json").read_text("utf-8")
    data = json.loads(text)
    assert data["features"] == list(FEATURE_NAMES)
    assert len(data["coefficients"]) == len(FEATURE_NAMES)
    assert data["thresholds"]["chosen_on"] == "valid"
    assert data["version"] in ALGORITHM


def test_validated_thresholds_land_on_the_default_settings() -> None:
    model = pair_model()
    settings = load_settings()

    def score_at(p: float) -> float:
        # A pair whose probability is p: solve for the intercept-only input.
        import math

        z = math.log(p / (1 - p))
        shifted = type(model)(
            model.version, z, tuple(0.0 for _ in model.coefficients), model.review_probability,
            model.match_probability, model.review_score, model.match_score,
        )  # fmt: skip
        return shifted.score([0.0] * len(FEATURE_NAMES))

    assert abs(score_at(model.review_probability) - settings.review_threshold) < 1e-6
    assert abs(score_at(model.match_probability) - settings.match_threshold) < 1e-6
    assert score_at(0.01) < score_at(0.5) < score_at(0.99)


def _matcher(*names: str) -> Matcher:
    entities = [
        ListedEntity(id=f"e{i}", schema="Company", caption=n, names=[EntityName(n)],
                     listings=[Listing("UFLPA Entity List")])
        for i, n in enumerate(names)
    ]  # fmt: skip
    return Matcher(entities, load_settings())


def test_region_that_differs_lowers_the_score_and_says_so() -> None:
    matcher = _matcher("Hotan Haolin Hair Accessories Co., Ltd.")
    same = matcher.match("HOTAN HAOLIN HAIR ACCESSORIES CO LTD")[0]
    assert same.decision is Decision.MATCH
    assert any(r.startswith("score carried by: ") for r in same.reasons)
    # The same trade name and industry in another city: below review, or said to differ.
    other = matcher.match("NINGBO HAOLIN HAIR ACCESSORIES CO LTD")
    assert not other or (
        other[0].score < same.score and other[0].decision is not Decision.MATCH
        and any("region differs" in r for r in other[0].reasons)
    )  # fmt: skip
