"""Matching features: small pure functions ``(query, candidate) -> value``.

The docstring's first line of each feature is the wording users see in the ``reasons`` column.
"""

from __future__ import annotations

from rapidfuzz.distance import OSA

from sourcetrace.names.parse import ParsedName
from sourcetrace.names.text import syllables
from sourcetrace.names.vocabulary import WEAK_CONCEPTS


def trade_name(query: ParsedName, cand: ParsedName) -> float:
    """Similarity of the distinctive trade names (字号), in pinyin, word order and spacing aside.

    Two pinyin names of as many syllables are compared syllable by syllable; other names by
    letter (one typo stays near agreement)."""
    a, b = query.trade_key, cand.trade_key
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    if query.truncated and len(a) >= 4 and b.startswith(a):
        return 0.97
    best = OSA.normalized_similarity(a, b)
    if len(query.trade) > 1 or len(cand.trade) > 1:
        best = max(best, OSA.normalized_similarity(query.trade_sorted, cand.trade_sorted))
    if best >= 0.75:
        # Pinyin is compared by syllable: one letter more or less is another syllable, so
        # another character and another company (rongsheng is not longsheng). Only names close
        # by letter can be told apart this way, so only they are cut into syllables.
        sa, sb = syllables(a), syllables(b)
        if sa and sb and len(sa) == len(sb) >= 2:
            same = sum(x == y for x, y in zip(sa, sb, strict=True))
            if same < len(sa):
                return 0.85 * same / len(sa)
    # Scale so that one edit in a long name stays near agreement and unrelated names fall low.
    length = max(len(a), len(b))
    if length <= 3:
        return 0.0 if best < 1.0 else 1.0
    return max(0.0, 1.0 - (1.0 - best) * 0.5) if best >= 0.75 else best * 0.8


def industry(query: ParsedName, cand: ParsedName) -> float | None:
    """Agreement of the industry words (化学 chemical, 纺织 textile ...); None when unknown."""
    a = query.industry - WEAK_CONCEPTS
    b = cand.industry - WEAK_CONCEPTS
    if not a or not b:
        return None
    return len(a & b) / len(a | b)


def region(query: ParsedName, cand: ParsedName) -> bool | None:
    """Whether the regions agree (a county inside its prefecture agrees); None when unknown."""
    if not query.regions or not cand.regions:
        return None
    for x in query.regions:
        px = x.rstrip("0")
        for y in cand.regions:
            py = y.rstrip("0")
            if px.startswith(py) or py.startswith(px):
                return True
    return False


def contains_name(query: ParsedName, cand: ParsedName) -> bool:
    """The record names a unit of the listed entity (its whole name appears inside the record)."""
    if cand.zh and query.zh and len(query.zh) > len(cand.zh) and cand.zh in query.zh:
        return True
    needle = cand.tokens
    hay = query.tokens
    if not needle or len(hay) <= len(needle):
        return False
    if len(needle) == 1 and len(needle[0]) < 4:
        return False
    return any(hay[i : i + len(needle)] == needle for i in range(len(hay) - len(needle) + 1))
