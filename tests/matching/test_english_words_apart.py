"""Two companies whose trade names differ in ordinary English words are two names, however
alike the words are letter by letter (issue 15, version 7: ``english_words_apart`` in
matching/score.py); a shared trade word in another industry says which industry differs.

Listed names are the bundled lists' own (UFLPA Entity List: Zhuhai Apex Microelectronics,
Weifang Alice Food, Shihezi Standard Fiber, Zhuhai Seine Printing Technology, Ninestar
Corporation); the other companies are invented, ordinary names as a bill of lading writes them.
"""

from __future__ import annotations

import pytest

from sourcetrace.matching import Matcher
from sourcetrace.model import Decision, Hit
from tests.conftest import ScreenCommand
from tests.matching.conftest import alerts_for


def _hit(matcher: Matcher, name: str, listed: str) -> Hit:
    return next(h for h in matcher.match(name) if h.matched_name.startswith(listed))


@pytest.mark.parametrize(
    ("query", "listed", "words"),
    [
        # Another English word before the word both names write: was `match` ("spelled like").
        ("ZHUHAI AMPLE MICROELECTRONICS CO LTD", "Zhuhai Apex Microelectronics", "'ample' / 'apex'"),
        ("ZHUHAI ALPINE MICROELECTRONICS CO LTD", "Zhuhai Apex Microelectronics",
         "'alpine' / 'apex'"),
        # A one-word trade name, three edits from the listed one: was `review`.
        ("WEIFANG ALLIANCE FOOD CO LTD", "Weifang Alice Food", "'alliance' / 'alice'"),
    ],
)  # fmt: skip
def test_another_english_word_is_another_company(
    matcher: Matcher, query: str, listed: str, words: str
) -> None:
    assert alerts_for(matcher, query) == []
    # The listed name spelled alike is still shown, clear, saying which words differ.
    hit = _hit(matcher, query, listed)
    assert hit.decision is Decision.CLEAR
    assert hit.reasons[0].startswith(f"the trade names differ in English words ({words}"), hit


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        ("ZHUHAI APEX MICROELECTRONICS CO LTD", "Zhuhai Apex Microelectronics Co., Ltd."),
        # A slip of one letter may still be the listed word, English or not.
        ("ZHUHAI APEXX MICROELECTRONICS CO LTD", "Zhuhai Apex Microelectronics Co., Ltd."),
        ("WEIFANG MALICE FOOD CO LTD", "Weifang Alice Food Co., Ltd."),
        # Abbreviated or written apart, as bills of lading do.
        ("ZHUHAI APEX MICROELEC CO LTD", "Zhuhai Apex Microelectronics Co., Ltd."),
        ("ZHUHAI APEX MICRO ELECTRONICS CO LTD", "Zhuhai Apex Microelectronics Co., Ltd."),
        ("WEIFANG ALICE FD CO LTD", "Weifang Alice Food Co., Ltd."),
    ],
)
def test_the_listed_words_spelled_or_slipped_still_match(
    matcher: Matcher, query: str, listed: str
) -> None:
    alerts = alerts_for(matcher, query)
    assert alerts and alerts[0].decision is Decision.MATCH, alerts
    assert alerts[0].matched_name == listed


@pytest.mark.parametrize(
    ("query", "listed", "differs"),
    [
        ("SHIHEZI STANDARD STEEL CO LTD", "Shihezi Standard Fiber", "steel vs fiber"),
        ("SEINE FOODS SARL", "Zhuhai Seine Printing Technology", "food vs printing"),
        # The listed entity names no industry: the query's is said all the same.
        ("ZHEJIANG NINESTAR TEXTILE CO LTD", "Ninestar Corporation", "industry (textile)"),
    ],
)
def test_a_shared_trade_word_in_another_industry_is_a_review_naming_it(
    matcher: Matcher, query: str, listed: str, differs: str
) -> None:
    hit = _hit(matcher, query, listed)
    assert hit.decision is Decision.REVIEW, hit
    assert any("a review at most" in r and differs in r for r in hit.reasons), hit.reasons


def test_screen_command_keeps_another_english_word_clear(screen_command: ScreenCommand) -> None:
    """``sourcetrace screen`` of a bill-of-lading extract: the listed name matches, a company
    with another English word before the same industry word is clear, saying why."""
    suppliers = ["ZHUHAI APEX MICROELECTRONICS CO LTD", "ZHUHAI AMPLE MICROELECTRONICS CO LTD"]
    rows = screen_command({"supplier_name": suppliers}, "bol.csv")
    assert [r["decision"] for r in rows] == ["match", "clear"]
    # The listed name spelled alike is named on the clear row, with the words that differ.
    assert "differ in English words ('ample' / 'apex'" in rows[1]["reasons"], rows[1]
