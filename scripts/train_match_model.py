"""Train the pair model (``src/sourcetrace/data/match_model.json``) from labelled external pairs.

    python scripts/train_match_model.py [--pairs benchmarks/matching/data/pairs.csv]

The pairs (columns query, candidate, label, kind, group, split) are built by
``benchmarks/matching/external.py`` from data the project did not generate: aliases, former and
weak names of entities on real lists, the nomenklatura name bench, hard negatives; split by entity
group into train, valid and test. This script:

1. computes the features of every pair (:func:`sourcetrace.matching.features.vector`), the
   trade-name frequency as the number of listed entities with that trade name in the bulk
   benchmark's restricted-party snapshot and the bundled lists;
2. fits a logistic regression on the train split only (scikit-learn, fixed solver and seed:
   the same pairs give the same file);
3. chooses the match threshold (the most recall at precision 0.97) and the review threshold (at
   precision 0.90) on the valid split only; the test split is never read for a choice;
4. writes the coefficients and thresholds as JSON, with the sha256 of the pairs file, and prints
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
from sklearn.linear_model import LogisticRegression

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from sourcetrace.lists import default_list_path, load_entities
from sourcetrace.matching import features
from sourcetrace.names.parse import parse_name
from sourcetrace.names.text import pinyin_syllable_set, syllables

OUT = ROOT / "src" / "sourcetrace" / "data" / "match_model.json"
SNAPSHOT = ROOT / "benchmarks/bulk/data/restricted_party_lists_snapshot_2026-07-16.json"
VERSION = "pairs-lr-2"
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

    model = LogisticRegression(C=1.0, max_iter=2000, solver="lbfgs")
    model.fit(x[train], y[train])
    p = model.predict_proba(x)[:, 1]
    match_p = precision_threshold(y[valid], p[valid], MATCH_PRECISION)
    review_p = min(precision_threshold(y[valid], p[valid], REVIEW_PRECISION), match_p - 0.01)
    data = {
        "version": VERSION,
        "about": "logistic regression over sourcetrace.matching.features.vector; "
                 "built by scripts/train_match_model.py",
        "pairs_sha256": hashlib.sha256(args.pairs.read_bytes()).hexdigest(),
        "pairs": {s: int(np.sum(split == s)) for s in ("train", "valid", "test")},
        "features": list(features.FEATURE_NAMES),
        "intercept": round(float(model.intercept_[0]), 6),
        "coefficients": [round(float(c), 6) for c in model.coef_[0]],
        "thresholds": {
            "review_probability": round(review_p, 4), "match_probability": round(match_p, 4),
            "review_score": REVIEW_SCORE, "match_score": MATCH_SCORE,
            "chosen_on": "valid",
            "precision_floors": {"match": MATCH_PRECISION, "review": REVIEW_PRECISION},
        },
    }  # fmt: skip
    args.out.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    for name, coef in zip(features.FEATURE_NAMES, model.coef_[0], strict=True):
        print(f"  {name:18s} {coef:+.3f}")

    # Baseline: WRatio on the whole names, its threshold chosen on valid as well.
    w = np.array([fuzz.WRatio(r["query"], r["candidate"], processor=default_process) / 100
                  for r in rows])  # fmt: skip
    w_t = best_threshold(y[valid], w[valid], 1.0)
    print(f"thresholds (valid): match p>={match_p:.4f}, review p>={review_p:.4f}; WRatio>={w_t}")
    for label, mask in (("train", train), ("valid", valid), ("test", test)):
        f_match = f_beta(y[mask], p[mask] >= match_p)
        f_review = f_beta(y[mask], p[mask] >= review_p)
        f_w = f_beta(y[mask], w[mask] >= w_t)
        print(f"{label:5s} F1 match {f_match:.3f}  match-or-review {f_review:.3f}  "
              f"WRatio {f_w:.3f}  (n={int(mask.sum())})")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
