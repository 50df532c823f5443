"""Matching features: small pure functions ``(query, candidate) -> value``.

The docstring's first line of each feature is the wording users see in the ``reasons`` column.
"""

from __future__ import annotations

import math

from rapidfuzz.distance import OSA

from sourcetrace.names.parse import ParsedName, specific_trade, translated

TRANSLATED = 0.92  # an English trade name that translates the Chinese one: agrees, not equal
from sourcetrace.names.text import cross_script_trade, syllables
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
    if crosses_script(query, cand):  # characters read as pinyin by whole syllables, or translated
        agree = cross_script_trade(specific_trade(query), specific_trade(cand))
        zh, latin = (query, cand) if query.script == "zh" else (cand, query)
        return max(agree, TRANSLATED) if translated(zh, latin) else agree
    best = OSA.normalized_similarity(a, b)
    if len(query.trade) > 1 or len(cand.trade) > 1:
        best = max(best, OSA.normalized_similarity(query.trade_sorted, cand.trade_sorted))
    if best >= 0.75:
        # Pinyin is compared by syllable: one letter more or less is another syllable, so
        # another character and another company (rongsheng is not longsheng). Only names close
        # by letter can be told apart this way, so only they are cut into syllables.
        sa, sb = syllables(a), syllables(b)
        if sa and sb and len(sa) == len(sb) >= 2 and sorted(sa) != sorted(sb):
            same = sum(x == y for x, y in zip(sa, sb, strict=True))
            if same < len(sa):
                return 0.85 * same / len(sa)
    # Scale so that one edit in a long name stays near agreement and unrelated names fall low.
    length = max(len(a), len(b))
    if length <= 3:
        return 0.0 if best < 1.0 else 1.0
    return max(0.0, 1.0 - (1.0 - best) * 0.5) if best >= 0.75 else best * 0.8


def crosses_script(query: ParsedName, cand: ParsedName) -> bool:
    """One name in Chinese characters only, the other in Latin letters only."""
    return {query.script, cand.script} == {"zh", "latin"}


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


# The model's inputs, in order (src/sourcetrace/data/match_model.json names them too).
FEATURE_NAMES = (
    "trade",  # trade_name: by syllable for pinyin, by letter otherwise
    "trade_exact",  # the trade keys are equal
    "whole_tokens",  # token-set similarity of the whole plain names
    "whole_letters",  # letter similarity of the whole plain names, spaces aside
    "industry_agrees",
    "industry_differs",
    "region_agrees",
    "region_differs",
    "region_one_sided",  # a region on one side only
    "cross_script",  # Chinese against Latin, through pinyin and the glossary
    "trade_common",  # how many listed names share the trade name (log), 0 when it is unique
    "trade_short",  # a trade name of four letters or fewer
    "place_only",  # the only trade name is a place name on either side
    "trade_rare",  # trade similarity weighed by how rare the trade name is in the lists
    "parts",  # the hand-set parts score of sourcetrace-names-v3 (trade x industry x region)
)


def vector(query: ParsedName, cand: ParsedName, trade_count: int, trade: float | None = None
           ) -> list[float]:  # fmt: skip
    """The model's inputs for one pair (see :data:`FEATURE_NAMES`); ``trade_count`` is the number
    of listed names whose trade key is the candidate's."""
    from rapidfuzz import fuzz

    if trade is None:
        trade = trade_name(query, cand)
    ind = industry(query, cand)
    reg = region(query, cand)
    a, b = query.plain, cand.plain
    tokens = fuzz.token_set_ratio(a, b) / 100.0 if a and b else 0.0
    letters = fuzz.ratio(a.replace(" ", ""), b.replace(" ", "")) / 100.0 if a and b else 0.0
    cross = query.script != cand.script and "latin" in (query.script, cand.script)
    if cross:  # Chinese characters and pinyin share no letters: the parts carry the pair
        tokens = letters = trade
    return [
        trade,
        float(bool(query.trade_key) and query.trade_key == cand.trade_key),
        tokens,
        letters,
        float(ind is not None and ind > 0.5),
        float(ind == 0.0),
        float(reg is True),
        float(reg is False),
        float(bool(query.regions) != bool(cand.regions)),
        float(cross),
        min(4.0, math.log1p(max(0, trade_count - 1))),
        float(0 < len(cand.trade_key) <= 4),
        float(query.trade_from_region or cand.trade_from_region),
        trade / (1.0 + math.log1p(max(0, trade_count - 1))),
        parts_score(query, cand, trade, ind, reg),
    ]


def parts_score(
    query: ParsedName, cand: ParsedName, trade: float, ind: float | None, reg: bool | None
) -> float:
    """The hand-set score of sourcetrace-names-v3, one input of the model: trade x (0.82 + 0.18
    x industry) x (0.85 when the regions differ); industry 1 agree, 0 differ, 0.6 when one side
    has none, 0.8 when neither has any; when both trade names are only place names, trade x
    (0.5 + 0.5 x industry), so that the industry has to carry the pair."""
    if ind is None:
        if query.industry == cand.industry:
            ind_value = 1.0
        elif not (query.industry - WEAK_CONCEPTS) and not (cand.industry - WEAK_CONCEPTS):
            ind_value = 0.8
        else:
            ind_value = 0.6
    else:
        ind_value = ind
    if query.trade_from_region and cand.trade_from_region:
        score = trade * (0.5 + 0.5 * ind_value)
    else:
        score = trade * (0.82 + 0.18 * ind_value)
    return score * (0.85 if reg is False else 1.0)
