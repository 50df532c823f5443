"""Train the pair model (``src/sourcetrace/data/match_model.json``) from labelled external pairs.

    python scripts/train_match_model.py [--pairs benchmarks/matching/data/pairs.csv]

The pairs (columns query, candidate, label, kind, group, split) are built by
``benchmarks/matching/external.py`` from data the project did not generate: aliases, former and
weak names of entities on real lists, the nomenklatura name bench, hard negatives; split by entity
group into train, valid and test. This script:

1. computes the features of every pair (:func:`sourcetrace.matching.features.vector`), the
   trade-name frequency as the number of listed entities with that trade name in the bulk
   benchmark's restricted-party snapshot and the bundled lists;
2. fits gradient-boosted trees on the train split only (scikit-learn's
   HistGradientBoostingClassifier, fixed seed: the same pairs give the same file), and a
   logistic regression beside it for comparison (printed, not shipped);
3. chooses the match threshold (the most recall at precision 0.97) and the review threshold (at
   precision 0.90) on the valid split only; the test split is never read for a choice;
4. writes the trees (padded arrays, with each node's expected log-odds for the reasons) and
   thresholds as JSON, with the sha256 of the pairs file, and prints
   F1 of sourcetrace's decision and of rapidfuzz WRatio (threshold chosen on valid) on valid and
   test, for the benchmark README.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import random
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.utils import default_process
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from sourcetrace.lists import default_list_path, load_entities
from sourcetrace.matching import features
from sourcetrace.names.parse import parse_name
from sourcetrace.names.text import pinyin_syllable_set, syllables

OUT = ROOT / "src" / "sourcetrace" / "data" / "match_model.json"
SNAPSHOT = ROOT / "benchmarks/bulk/data/restricted_party_lists_snapshot_2026-07-16.json"
VERSION = "pairs-gbt-1"
# Looked at on the valid split only: (60 trees, depth 3), (150, 4) and (200, 4) gave F1 at
# precision 0.97 of 0.530, 0.543 and 0.548; 150 kept, near the best at three quarters the size.
TREES, DEPTH = 150, 4
# Monotone constraints: more similarity never lowers the probability, a contradiction never
# raises it (without them, a whole-name spelling outweighed a trade name one syllable apart and
# a pair with its industry agreeing could score below the same pair without; valid F1 0.533
# with them against 0.543 without: the price of a model whose reasons make sense).
RISING = {"trade", "trade_exact", "whole_tokens", "whole_letters",
          "industry_agrees", "region_agrees", "cross_script", "trade_rare", "acronym", "parts"}
FALLING = {"industry_differs", "region_differs", "trade_generic", "industry_one_sided",
           "region_one_sided"}
REVIEW_SCORE, MATCH_SCORE = 0.70, 0.88  # the default settings' thresholds (score anchors)
MATCH_PRECISION, REVIEW_PRECISION = 0.97, 0.90  # on the valid split


def f_beta(y: np.ndarray, pred: np.ndarray, beta: float = 1.0) -> float:
    tp = float(np.sum(pred & (y == 1)))
    fp = float(np.sum(pred & (y == 0)))
    fn = float(np.sum(~pred & (y == 1)))
    b2 = beta * beta
    return (1 + b2) * tp / ((1 + b2) * tp + b2 * fn + fp) if tp else 0.0


def best_threshold(y: np.ndarray, p: np.ndarray, beta: float) -> float:
    grid = np.unique(np.round(p, 4))
    scores = [f_beta(y, p >= t, beta) for t in grid]
    return float(grid[int(np.argmax(scores))])


def precision_threshold(y: np.ndarray, p: np.ndarray, floor: float) -> float:
    """The lowest threshold whose precision is at least ``floor`` (most recall at that
    precision): the pairs hold ~40 % positives, screening far fewer, so a threshold chosen for
    F1 here would alert on too many unlisted companies."""
    for t in np.unique(np.round(p, 4)):
        pred = p >= t
        if pred.any() and float(np.mean(y[pred] == 1)) >= floor:
            return float(t)
    return 1.0


ADDRESS = " RM 501 BLDG 2 NO 16 JIEFANG RD KASHGAR 844000 CN"


def augment(train: list[dict[str, str]]) -> list[dict[str, str]]:
    """Bill-of-lading spellings of the train split's listed names, as train pairs only (valid
    and test stay as they are): a letter dropped inside the longest word, the name cut at 35
    characters, an address after the name (label 1); and the name with one pinyin syllable of
    its trade name changed (rong -> long: another character, another company; label 0). The
    external pairs hold aliases and translations but few such spellings."""
    rng = random.Random(15)
    out: list[dict[str, str]] = []
    names = sorted({r["candidate"] for r in train if r["label"] == "1"})
    for name in names:
        words = name.split()
        longest = max(words, key=len)
        if len(longest) >= 6:
            i = rng.randrange(1, len(longest) - 1)
            typo = name.replace(longest, longest[:i] + longest[i + 1 :], 1)
            out.append({"query": typo.upper(), "candidate": name, "label": "1"})
        if len(name) > 40:
            out.append({"query": name.upper()[:35], "candidate": name, "label": "1"})
        out.append({"query": name.upper() + ADDRESS, "candidate": name, "label": "1"})
        trade = parse_name(name).trade
        cut = syllables(trade[0]) if len(trade) == 1 else None
        if cut and len(cut) >= 2 and cut[0][0] in SWAP and cut[0][1:] in _FINALS:
            other = SWAP[cut[0][0]] + cut[0][1:]
            if other in pinyin_syllable_set():
                changed = name.replace(trade[0].capitalize(), other.capitalize() + "".join(cut[1:]))
                if changed != name:
                    out.append({"query": changed, "candidate": name, "label": "0"})
    for row in out:
        row.update(kind="augmented", group="", split="train")
    return out


SWAP = {"r": "l", "l": "r", "h": "f", "f": "h", "z": "c", "c": "z", "y": "w", "w": "y"}
_FINALS = {"ong", "ui", "ang", "eng", "ao", "ai", "an", "en", "un", "u", "i", "e", "a"}


def export_trees(model: HistGradientBoostingClassifier) -> dict[str, object]:
    """The trees as padded arrays (one row per tree): split feature, threshold, children, leaf
    flag, and each node's expected log-odds (a leaf's value; above, the count-weighted mean of
    the leaves under it), which the reasons read (Saabas' decomposition).

    scikit-learn has no public API for the trees of a HistGradientBoostingClassifier (no
    ``estimators_``, ``tree_``, ``apply`` or ``decision_path`` as its other tree models have):
    they are read from the private ``_predictors`` (a TreePredictor per iteration, whose
    ``nodes`` record array is undocumented, scikit-learn issue #29731; kept private on purpose,
    PR #12807). Checked on scikit-learn 1.9.1; a later release may rename them, and this script
    then fails here rather than writing another model."""
    trees = [predictors[0].nodes for predictors in model._predictors]
    width = max(len(t) for t in trees)
    out: dict[str, list[list[float]]] = {
        k: [] for k in ("feature", "threshold", "left", "right", "leaf", "expected")
    }
    for nodes in trees:
        expected = [0.0] * len(nodes)

        def fill(i: int, nodes=nodes, expected=expected) -> tuple[float, float]:  # type: ignore[no-untyped-def]
            node = nodes[i]
            if node["is_leaf"]:
                expected[i] = float(node["value"])
                return expected[i] * node["count"], float(node["count"])
            a, na = fill(int(node["left"]))
            b, nb = fill(int(node["right"]))
            expected[i] = (a + b) / (na + nb)
            return a + b, na + nb

        fill(0)
        pad = width - len(nodes)
        # A missing value never occurs (every feature is computed), so the threshold alone
        # routes a pair; padding rows are leaves never reached.
        out["feature"].append([int(n["feature_idx"]) for n in nodes] + [0] * pad)
        out["threshold"].append([round(float(n["num_threshold"]), 8) for n in nodes] + [0.0] * pad)
        out["left"].append([int(n["left"]) for n in nodes] + [0] * pad)
        out["right"].append([int(n["right"]) for n in nodes] + [0] * pad)
        out["leaf"].append([int(n["is_leaf"]) for n in nodes] + [1] * pad)
        out["expected"].append([round(v, 8) for v in expected] + [0.0] * pad)
    return {"max_depth": DEPTH, **out}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=Path, default=ROOT / "benchmarks/matching/data/pairs.csv")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    rows = list(csv.DictReader(args.pairs.open(encoding="utf-8")))
    rows += augment([r for r in rows if r["split"] == "train"])
    parsed: dict[str, object] = {}

    def parse(name: str):  # type: ignore[no-untyped-def]
        if name not in parsed:
            parsed[name] = parse_name(name)
        return parsed[name]

    # Listed entities per trade key, as the index counts them at run time, over a large real
    # list: the US restricted-party snapshot of benchmarks/bulk (26,000 entities, its README
    # says where it comes from) and the bundled lists.
    owners: dict[str, set[str]] = defaultdict(set)
    snapshot = json.loads(SNAPSHOT.read_text(encoding="utf-8"))["entries"]
    for i, entry in enumerate(snapshot):
        for name in {entry["n"], *entry.get("a", [])}:
            owners[parse_name(name).trade_key].add(f"s{i}")
    for entity in load_entities(default_list_path()):
        for name in entity.names:
            owners[parse_name(name.value).trade_key].add(entity.id)
    counts = {k: len(v) for k, v in owners.items()}
    x = np.array(
        [features.vector(parse(r["query"]), parse(r["candidate"]),
                         counts.get(parse(r["candidate"]).trade_key, 1)) for r in rows],
        dtype=np.float64,
    )  # fmt: skip
    y = np.array([int(r["label"]) for r in rows])
    split = np.array([r["split"] for r in rows])
    train, valid, test = (split == "train"), (split == "valid"), (split == "test")

    linear = LogisticRegression(C=1.0, max_iter=2000, solver="lbfgs").fit(x[train], y[train])
    model = HistGradientBoostingClassifier(
        max_iter=TREES, max_depth=DEPTH, learning_rate=0.1, random_state=0,
        early_stopping=False,
        monotonic_cst=[1 if n in RISING else -1 if n in FALLING else 0
                       for n in features.FEATURE_NAMES],
    ).fit(x[train], y[train])  # fmt: skip
    p = model.predict_proba(x)[:, 1]
    match_p = precision_threshold(y[valid], p[valid], MATCH_PRECISION)
    review_p = min(precision_threshold(y[valid], p[valid], REVIEW_PRECISION), match_p - 0.01)
    data = {
        "version": VERSION,
        "about": "gradient-boosted trees over sourcetrace.matching.features.vector; "
                 "built by scripts/train_match_model.py",
        "pairs_sha256": hashlib.sha256(args.pairs.read_bytes()).hexdigest(),
        "pairs": {s: int(np.sum(split == s)) for s in ("train", "valid", "test")},
        "features": list(features.FEATURE_NAMES),
        # The log-odds before the first tree: private as the trees are (export_trees says why).
        "baseline": round(float(np.ravel(model._baseline_prediction)[0]), 8),
        "trees": export_trees(model),
        "thresholds": {
            "review_probability": round(review_p, 4), "match_probability": round(match_p, 4),
            "review_score": REVIEW_SCORE, "match_score": MATCH_SCORE,
            "chosen_on": "valid",
            "precision_floors": {"match": MATCH_PRECISION, "review": REVIEW_PRECISION},
        },
    }  # fmt: skip
    args.out.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({model.n_iter_} trees of depth {DEPTH} at most)")
    lin_p = linear.predict_proba(x)[:, 1]
    lin_t = precision_threshold(y[valid], lin_p[valid], MATCH_PRECISION)

    # Baseline: WRatio on the whole names, its threshold chosen on valid as well.
    w = np.array([fuzz.WRatio(r["query"], r["candidate"], processor=default_process) / 100
                  for r in rows])  # fmt: skip
    w_t = best_threshold(y[valid], w[valid], 1.0)
    print(f"thresholds (valid): match p>={match_p:.4f}, review p>={review_p:.4f}; WRatio>={w_t}")
    for label, mask in (("train", train), ("valid", valid), ("test", test)):
        f_match = f_beta(y[mask], p[mask] >= match_p)
        f_review = f_beta(y[mask], p[mask] >= review_p)
        f_w = f_beta(y[mask], w[mask] >= w_t)
        f_lin = f_beta(y[mask], lin_p[mask] >= lin_t)
        print(f"{label:5s} F1 match {f_match:.3f}  match-or-review {f_review:.3f}  "
              f"WRatio {f_w:.3f}  logistic regression {f_lin:.3f}  (n={int(mask.sum())})")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
