"""The learned pair model: the shipped file, its thresholds on the score scale, its reasons."""

from __future__ import annotations

import json
from importlib import resources

import numpy as np

from sourcetrace.matching import ALGORITHM, Matcher
from sourcetrace.matching.features import FEATURE_NAMES
from sourcetrace.matching.model import pair_model
from sourcetrace.model import Decision, EntityName, ListedEntity, Listing
from sourcetrace.settings import load_settings


def test_shipped_model_is_plain_json_named_in_the_algorithm() -> None:
    text = resources.files("sourcetrace.data").joinpath("match_model.json").read_text("utf-8")
    data = json.loads(text)
    assert data["features"] == list(FEATURE_NAMES)
    trees = data["trees"]
    assert len(trees["feature"]) == len(trees["expected"]) >= 10
    assert all(0 <= f < len(FEATURE_NAMES) for row in trees["feature"] for f in row)
    assert data["thresholds"]["chosen_on"] == "valid"
    assert data["version"] in ALGORITHM


def test_validated_thresholds_land_on_the_default_settings() -> None:
    calibration = pair_model().calibration
    settings = load_settings()
    assert abs(calibration.score(calibration.review_probability) - settings.review_threshold) < 1e-9
    assert abs(calibration.score(calibration.match_probability) - settings.match_threshold) < 1e-9
    assert calibration.score(0.01) < calibration.score(0.5) < calibration.score(0.99) <= 1.0


def test_more_agreement_never_lowers_the_probability() -> None:
    # The trees are trained with monotone constraints: the same pair with its industry agreeing
    # instead of differing, or its trade names closer, scores at least as high.
    model = pair_model()
    base = dict.fromkeys(FEATURE_NAMES, 0.0)
    base.update(trade=0.8, whole_tokens=0.7, whole_letters=0.7, parts=0.7, trade_rare=0.8)
    differs = {**base, "industry_differs": 1.0}
    agrees = {**base, "industry_agrees": 1.0}
    closer = {**base, "trade": 1.0, "trade_exact": 1.0, "parts": 1.0, "trade_rare": 1.0}
    p = {k: model.probability([v[n] for n in FEATURE_NAMES])
         for k, v in (("base", base), ("differs", differs), ("agrees", agrees), ("closer", closer))}  # fmt: skip
    assert p["differs"] <= p["base"] <= p["agrees"]
    assert p["base"] <= p["closer"]


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


def test_what_carried_a_pair_is_read_from_its_scoring_walk_the_same() -> None:
    # strongest() right after score() reads the path the score walked instead of walking the
    # trees again: the credits, and so the reasons' "score carried by", are the same as those
    # of a walk of their own (a copy of the features is not the pair just scored).
    model = pair_model()
    own = pair_model.__wrapped__()  # nothing remembered: each pair walked on its own
    rng = np.random.default_rng(7)
    xs = (rng.random((2000, len(FEATURE_NAMES))) * rng.integers(0, 3, (2000, len(FEATURE_NAMES))))
    xs[::3] = np.round(xs[::3], 1)
    carried = 0
    for x in xs.tolist():
        model.score(x)
        after_score = model.strongest(x)
        assert after_score == own.strongest(list(x))
        carried += bool(after_score)
    assert carried > 1000


def test_a_pair_met_again_scores_and_reads_as_a_fresh_walk() -> None:
    # The model remembers each distinct input's score and strongest features (bulk screening
    # meets the same features many times): met again, in another order, after other pairs and
    # with its score asked again before its reasons, a pair gets the bits a model that never
    # saw it gives.
    model = pair_model.__wrapped__()
    rng = np.random.default_rng(11)
    xs = (rng.random((500, len(FEATURE_NAMES))) * rng.integers(0, 3, (500, len(FEATURE_NAMES))))
    xs[::2] = np.round(xs[::2], 1)
    first = [(model.score(x), model.strongest(x)) for x in xs.tolist()]
    order = rng.permutation(len(xs))
    for i in order.tolist():
        fresh = pair_model.__wrapped__() if i % 50 == 0 else None
        x = xs[i].tolist()
        again = (model.score(x), model.strongest(x))
        assert again == first[i]
        if fresh is not None:
            assert (fresh.score(x), fresh.strongest(x)) == again
    assert sum(bool(s) for _, s in first) > 200
