"""The external pairs builder: same output on every run, and no name in two splits."""

from __future__ import annotations

import csv
import subprocess
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
BUILDER = ROOT / "benchmarks" / "matching" / "build_pairs.py"
SOURCES = ROOT / "sources"  # the external lists and bench, copied in with their origins
COMMITTED = ROOT / "benchmarks" / "matching" / "data" / "pairs.csv"


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join("".join(c if c.isalnum() else " " for c in text).split())


def _build(out: Path) -> list[dict[str, str]]:
    subprocess.run([sys.executable, str(BUILDER), "--shared", str(SOURCES), "--out", str(out)],
                   check=True, capture_output=True, text=True)
    with out.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_pairs_are_deterministic_and_split_by_entity(tmp_path: Path) -> None:
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    rows = _build(first)
    _build(second)
    assert first.read_bytes() == second.read_bytes()
    # The committed pairs are what the script builds from the sources: nobody edited them.
    assert first.read_bytes() == COMMITTED.read_bytes()

    assert rows and set(rows[0]) >= {"query", "candidate", "label", "kind", "group", "split"}
    splits_of_group: dict[str, set[str]] = defaultdict(set)
    splits_of_name: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        splits_of_group[row["group"]].add(row["split"])
        splits_of_name[_fold(row["query"])].add(row["split"])
        splits_of_name[_fold(row["candidate"])].add(row["split"])
    assert all(len(s) == 1 for s in splits_of_group.values())
    # Stronger: a name (case and punctuation aside) is seen in one split only, so a model
    # trained on "train" has never seen any name of a "test" pair.
    leaked = {name: s for name, s in splits_of_name.items() if len(s) > 1}
    assert not leaked, list(leaked.items())[:5]

    counts: dict[tuple[str, str], int] = defaultdict(int)
    for row in rows:
        counts[(row["split"], row["label"])] += 1
    total = len(rows)
    for split, share in (("train", 0.6), ("valid", 0.2), ("test", 0.2)):
        n = counts[(split, "0")] + counts[(split, "1")]
        assert abs(n / total - share) < 0.05, (split, n, total)
        assert counts[(split, "0")] and counts[(split, "1")]
