"""A string neighbour that can only end ``clear`` is not scored (Matcher._clear_unscored): the
matcher then answers as it does when every pair is scored, on real names. Every ``match`` and
``review`` hit is the same (entity, matched name, score, decision, reasons), and the same
entities are ``clear``, scored 0 when unscored: a ``clear`` hit is no alert, and its
reason says what differs as it did (an entity may be shown by another of its names)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sourcetrace.matching import Matcher
from sourcetrace.model import Decision, Hit, ListedEntity
from sourcetrace.settings import load_settings
from tests.matching.conftest import listed_company

ROOT = Path(__file__).resolve().parents[2]
# Real names of companies (the US restricted-party snapshot the bulk benchmark screens against).
SNAPSHOT = ROOT / "benchmarks" / "bulk" / "data" / "restricted_party_lists_snapshot_2026-07-16.json"


class _Scored(Matcher):
    """The matcher scoring every pair it meets: no pair is known ``clear`` before scoring."""

    def _clear_unscored(self, *args: object) -> bool:
        return False


class _Counted(Matcher):
    """The matcher as it is, counting the pairs it leaves unscored."""

    unscored = 0

    def _clear_unscored(self, *args: object) -> bool:
        found = super()._clear_unscored(*args)  # type: ignore[arg-type]
        _Counted.unscored += found
        return found


@pytest.fixture(scope="module")
def short_names() -> list[dict[str, object]]:
    """The snapshot's entries with a name or alias of one word ("CIMEX", the city aliases)."""
    entries = json.loads(SNAPSHOT.read_text(encoding="utf-8"))["entries"]
    return [e for e in entries if any(len(n.split()) == 1 for n in [e["n"], *e.get("a", [])])]


@pytest.fixture(scope="module")
def lists(bundled_entities: list[ListedEntity], short_names: list[dict[str, object]]
          ) -> list[ListedEntity]:  # fmt: skip
    """The bundled lists and the snapshot's entries of a one-word name, as the bulk benchmark
    screens against both."""
    return bundled_entities + [
        listed_company(f"rpl-{i}", str(e["n"]), *map(str, e.get("a", [])))  # type: ignore[call-overload]
        for i, e in enumerate(short_names)
    ]


def _queries(lists: list[ListedEntity]) -> list[str]:
    """Names as bills of lading write them: the listed names in upper case, alone and with an
    address after them, where a short listed name stands inside a longer word or name."""
    listed = [n.value for e in lists for n in e.names]
    listed = [n for n in listed if n.isascii() and len(n.split()) > 1]
    return [n.upper() for n in listed[::3]] + [
        f"{n.upper()} NO 16 JIEFANG RD KASHGAR 844000 CN" for n in listed[1::9]
    ]


def _alerts(hits: list[Hit]) -> list[tuple[object, ...]]:
    return [
        (h.entity.id, h.matched_name, h.score, h.decision, tuple(h.reasons))
        for h in hits
        if h.decision is not Decision.CLEAR
    ]


def _clears(hits: list[Hit]) -> set[str]:
    return {h.entity.id for h in hits if h.decision is Decision.CLEAR}


def test_unscored_pairs_decide_as_scored_ones(lists: list[ListedEntity]) -> None:
    counted = _Counted(lists, load_settings())
    scored = _Scored(lists, load_settings(), counted.index)
    names = _queries(lists)
    _Counted.unscored = 0
    got = counted.match_many(names)
    want = scored.match_many(names)
    assert _Counted.unscored >= 300  # the test meets the unscored path many times
    for name, a, b in zip(names, got, want, strict=True):
        assert _alerts(a) == _alerts(b), name
        # The same entities clear; each says what differs (an entity may now be shown by
        # another of its names: unscored, a name no longer outranks the others by its score).
        assert _clears(a) == _clears(b), name
        for hit in a:
            if hit.decision is Decision.CLEAR and hit.score == 0.0:  # (unscored)
                assert hit.reasons[0].startswith("the whole name is spelled like"), hit
                assert ", but " in hit.reasons[0], hit


def test_a_short_listed_name_inside_a_longer_word_says_so(matcher: Matcher) -> None:
    # Issue 15 item 1: a name spelled like a listed one (WRatio >= 0.90) is never clear without
    # a reason saying what differs, scored or not.
    counted = _Counted(matcher.entities, matcher.settings, matcher.index)
    _Counted.unscored = 0
    hits = counted.match("TBEATEX GARMENT CO LTD")
    assert _Counted.unscored >= 1
    clear = [h for h in hits if h.decision is Decision.CLEAR]
    assert clear, hits
    assert all("but" in h.reasons[0] for h in clear), clear
