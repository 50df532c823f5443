"""The gate before a pair's abbreviation reading (matching/abbreviation.py ``may_read``) lets
through every pair that is read: it only spares the pairs none of whose words can start a
reading the per-pair work, so the matches are the same with it and without it.

The pairs are real: the labelled pairs of the matching benchmark (US SDN and restricted-party
names and aliases), and the bundled lists' names against themselves as bills of lading write
them (upper case, long words cut to their first letters: "INFO TECH", "MATL").
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest

from sourcetrace.matching import Matcher, abbreviation
from sourcetrace.matching.abbreviation import may_read, read_abbreviations
from sourcetrace.names.parse import ParsedName, parse_name

ROOT = Path(__file__).resolve().parents[2]
PAIRS = ROOT / "benchmarks" / "matching" / "data" / "pairs.csv"


def _cut(name: str) -> str:
    """A listed name as a bill of lading may write it: upper case, words of seven letters or
    more cut to their first four."""
    return " ".join(w[:4] if len(w) >= 7 and w.isalpha() else w for w in name.upper().split())


def _pairs(matcher: Matcher) -> Iterator[tuple[ParsedName, ParsedName]]:
    with PAIRS.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows[::4]:
        yield parse_name(row["query"]), parse_name(row["candidate"])
    for name in matcher.index.names[::3]:
        yield parse_name(_cut(name.value)), name.parsed
    yield parse_name("ZHUHAI PUTECH INDUSTRIAL CO LTD"), parse_name("Zhuhai Pu-Tech Industrial")
    yield parse_name("WESTERN GOLD HAMI GOLDMINE CO"), parse_name("Western Gold Hami Gold Mine")
    yield parse_name("JIANGSU MEIKE SOLAR S&T CO LTD"), parse_name("Jiangsu Meike Solar Technology")


@pytest.fixture()
def ungated(monkeypatch: pytest.MonkeyPatch) -> None:
    """read_abbreviations with the gate open: every pair read word by word."""
    monkeypatch.setattr(abbreviation, "may_read", lambda query, cand: True)


def test_gate_passes_every_pair_that_is_read(matcher: Matcher, ungated: None) -> None:
    pairs = list(_pairs(matcher))
    read = [(q, c) for q, c in pairs if read_abbreviations(q, c) is not None]
    assert len(read) >= 50  # INFO, MATL, TECH ... are read as the listed words
    assert [(q.raw, c.raw) for q, c in read if not may_read(q, c)] == []
    # And most pairs are spared the reading.
    assert sum(may_read(q, c) for q, c in pairs) < 0.5 * len(pairs)


def test_same_hits_with_and_without_the_gate(
    matcher: Matcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = [_cut(n.value) for n in matcher.index.names[::40]]
    names += ["HEFEI BITLAND INFO TECH CO LTD", "SHANDONG GOLD MNG CO LTD",
              "ZHUHAI PUTECH INDUSTRIAL CO LTD", "JIANGSU MEIKE SOLAR S&T CO LTD"]  # fmt: skip

    def hits() -> list[list[tuple[str, str, float, list[str]]]]:
        return [
            [(h.entity.id, h.decision.value, h.score, h.reasons) for h in found]
            for found in matcher.match_many(names)
        ]

    gated = hits()
    monkeypatch.setattr(abbreviation, "may_read", lambda query, cand: True)
    matcher._near_cache.clear()
    matcher._trade_cache.clear()
    assert hits() == gated
    assert any("read 'INFO' as 'information'" in r for found in gated for h in found for r in h[3])
