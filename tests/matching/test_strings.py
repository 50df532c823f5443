"""The string retrieval: listed names close to the query as a whole string are always scored."""

from __future__ import annotations

import random

import pytest
from rapidfuzz import fuzz, process
from rapidfuzz.utils import default_process

from sourcetrace.matching import Matcher
from sourcetrace.model import Decision
from sourcetrace.names.text import fold


def _variants(value: str, rnd: random.Random) -> list[str]:
    """How bills of lading misspell a name: a letter dropped, a word split, an address on the
    line, cut at 35 characters."""
    out = []
    i = 1 + rnd.randrange(max(1, len(value) - 2))
    out.append(value[:i] + value[i + 1 :])
    words = value.split()
    if len(words) > 1:
        w = max(words, key=len)
        out.append(value.replace(w, w[: len(w) // 2] + " " + w[len(w) // 2 :], 1))
    out.append(value.upper() + " RM 501 BLDG 2 NO 16 JIEFANG RD KASHGAR 844000 CN")
    return out


def test_a_name_spelled_like_a_listed_one_is_never_silently_clear(matcher: Matcher) -> None:
    rnd = random.Random(15)
    listed = [n.folded for n in matcher.index.names]
    checked = 0
    for name in matcher.index.names:
        for query in _variants(name.value, rnd):
            if len(fold(query)) < 6:
                continue  # WRatio finds "ashi" inside "fashion": a part of a word, not a name
            close = process.extractOne(
                fold(query), listed, scorer=fuzz.WRatio, processor=default_process
            )
            if close is None or close[1] < 90:
                continue
            checked += 1
            hits = matcher.match(query)
            assert hits, query
            top = hits[0]
            # A clear hit says what differs from the name it is spelled like: the words, or
            # the numbers that tell units of one organisation apart ("81 vs 841").
            assert top.decision is not Decision.CLEAR or (
                top.reasons[0].startswith("the whole name is spelled like")
                and ", but " in top.reasons[0]
            ) or top.reasons[0].startswith("numbered otherwise ("), (query, top.reasons)
    assert checked > 1000


@pytest.mark.parametrize(
    "query",
    [
        "XINJINAG ZHONGTAI CHEMICAL CO LTD",  # typo in the region word
    ],
)
def test_bad_parse_still_meets_the_listed_name(matcher: Matcher, query: str) -> None:
    hits = matcher.match(query)
    assert hits and hits[0].decision is not Decision.CLEAR
    assert hits[0].entity.caption == "Xinjiang Zhongtai Chemical Co. Ltd."


def test_batch_gives_what_single_queries_give(matcher: Matcher) -> None:
    queries = [n.value for n in matcher.index.names[::7]]
    queries += ["XINJINAG ZHONGTAI CHEMICAL CO LTD", "Acme Buttons GmbH", ""]
    fresh = Matcher(matcher.entities, matcher.settings, matcher.index)
    many = fresh.match_many(queries)
    for query, got in zip(queries, many, strict=True):
        want = matcher.match(query)
        assert [(h.entity.id, h.decision, h.score, h.reasons) for h in got] == [
            (h.entity.id, h.decision, h.score, h.reasons) for h in want
        ], query
