"""One very common English word, all one side's trade name, does not make a ``match`` alone
(issue 15, "short or common trade words decide alone": ``_lone_common_word`` in
matching/score.py).

Every name is a real listed one: "PUBLICHNOE AKTSIONERNOE OBSCHESTVO CITY", "CITY PHARMA SARL",
"ZAKRYTOE AKTSIONERNOE OBSHCHESTVO INSTRUMENT", "SPECIAL DESIGN BUREAU OF ELECTRIC INSTRUMENT
ENGINEERING LLC", "LIMITED TRADE DEVELOPMENT MACHINE GROUP" and its alias "MACHINE GROUP LTD"
of the OFAC SDN list; "AVIATION SERVICES INTERNATIONAL B.V" and "AVIATION LEGACY (GAMBIA)
LIMITED" of the BIS Denied Persons List; "APEX" and its alias "APEX Systems", "Open Joint Stock
Company Scientific and Production Enterprise Pulsar" and its alias "AO NPP Pulsar", "Planet
Technology" and its alias "Planet Technologies" of the BIS Entity List (as
``benchmarks/matching/data/pairs.csv``, train and valid splits, holds them). The Chinese
short names 中泰 and 奔图 are screened against the bundled lists (UFLPA Entity List: Xinjiang
Zhongtai Group, Zhuhai Pantum Electronics).
"""

from __future__ import annotations

import pytest

from sourcetrace.matching import Matcher
from sourcetrace.model import Decision
from sourcetrace.screening import load_lists
from sourcetrace.settings import load_settings
from tests.matching.conftest import listed_company, top_hit


def _alone(listed: str, query: str) -> tuple[Decision, tuple[str, ...]]:
    """The decision and reasons for ``query`` screened against a list of ``listed`` alone."""
    matcher = Matcher([listed_company("x", listed)], load_settings())
    hit = top_hit(matcher, query)
    assert hit is not None, query
    return hit.decision, tuple(hit.reasons)


@pytest.mark.parametrize(
    ("query", "listed", "word"),
    [
        # The listed trade name is "city" once the Russian legal form is read off.
        ("CITY PHARMA SARL", "PUBLICHNOE AKTSIONERNOE OBSCHESTVO CITY", "city"),
        # "instrument" (Zipf 4.3): a design bureau of electric instrument engineering is another.
        (
            "ZAKRYTOE AKTSIONERNOE OBSHCHESTVO INSTRUMENT",
            "SPECIAL DESIGN BUREAU OF ELECTRIC INSTRUMENT ENGINEERING LLC",
            "instrument",
        ),
        # "aviation" (Zipf 4.2) is all one name has; the other adds "legacy", "gambia".
        ("AVIATION SERVICES INTERNATIONAL B.V", "AVIATION LEGACY (GAMBIA) LIMITED", "aviation"),
    ],
)
def test_a_lone_common_word_is_no_match(query: str, listed: str, word: str) -> None:
    decision, reasons = _alone(listed, query)
    assert decision is not Decision.MATCH, reasons
    # The reviewer reads in plain words why the hit was held back.
    assert any(f"one common word, '{word}', is all the names share" in r for r in reasons), reasons


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        # "apex" (Zipf 3.7) and "pulsar" (2.7) are dictionary words, but rare in everyday
        # English: a company named so is distinctive enough for its name to carry the pair.
        ("APEX Systems", "APEX"),
        ("AO NPP Pulsar", "Open Joint Stock Company Scientific and Production Enterprise Pulsar"),
        # "planet" is common (4.7), but the rest agrees: "technology" both sides.
        ("Planet Technologies", "Planet Technology"),
        # "machine" alone is the listed trade name; the rest says only trade and development.
        ("MACHINE GROUP LTD", "LIMITED TRADE DEVELOPMENT MACHINE GROUP"),
    ],
)
def test_a_rare_word_or_more_in_common_is_still_a_match(query: str, listed: str) -> None:
    decision, reasons = _alone(listed, query)
    assert decision is Decision.MATCH, reasons
    assert not any("one common word" in r for r in reasons), reasons


@pytest.mark.parametrize(
    ("query", "caption"),
    [
        # Two characters alone are no everyday Chinese word (wordfreq's Chinese list holds
        # neither): by frequency as distinctive as a coined name, so not capped
        # (docs/matching.md, Version 8, "A lone common word").
        ("中泰", "Xinjiang Zhongtai Group Co. Ltd"),
        ("奔图", "Zhuhai Pantum Electronics Co. Ltd."),
    ],
)
def test_two_chinese_characters_alone_still_match_on_the_bundled_lists(
    query: str, caption: str
) -> None:
    bundled, _ = load_lists()
    hits = Matcher(bundled, load_settings()).match(query)
    best = next((h for h in hits if h.entity.caption == caption), None)
    assert best is not None and best.decision is Decision.MATCH, best
    assert not any("one common word" in r for r in best.reasons), best.reasons
