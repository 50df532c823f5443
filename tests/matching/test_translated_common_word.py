"""A Chinese trade name met only through its sense, one everyday English word, is no alert
(issue 15, short Chinese names against a list in English: matching/score.py
``_translated_common_word``); a listed company's short name still meets its English name.

Names are real: the listed names are entries of the restricted-party snapshot
(``sources/watchlists/restricted_party_lists_snapshot_2026-07-16.json``) and of the bundled
lists; the short names are CC-CEDICT's (奔驰, Mercedes-Benz) and the stock short names of
``sources/watchlists/uflpa_chinese_names_sourced.csv`` (西部黄金, 骆驼股份).
"""

from __future__ import annotations

import pytest

from sourcetrace.matching import Matcher
from sourcetrace.model import Decision, ListedEntity
from sourcetrace.settings import load_settings
from tests.matching.conftest import listed_company, top_hit

# The Entity List's Shenzhen Speed Industrial Materials: its trade name "speed" is also the
# sense CC-CEDICT gives 奔驰 (ben1 chi2 "to speed"), the Chinese name of Mercedes-Benz.
SPEED = "Shenzhen Speed Industrial Materials Co., Ltd"


def _against(listed: str, query: str) -> tuple[Decision, str]:
    """The decision and reasons of ``query``'s first hit against a list of ``listed`` alone
    (clear when there is no hit)."""
    hit = top_hit(Matcher([listed_company("x", listed)], load_settings()), query)
    return (hit.decision, "; ".join(hit.reasons)) if hit else (Decision.CLEAR, "")


def test_an_unlisted_short_name_sharing_only_an_everyday_word_is_no_alert() -> None:
    # (Before the rule: review, "only the trade name agrees across scripts".)
    decision, reasons = _against(SPEED, "奔驰")
    assert decision is Decision.CLEAR, reasons


def test_the_same_word_in_another_script_is_no_alert_either() -> None:
    # "PERFECT TECHNOLOGIES" (the snapshot's DPL) meets 完美 ("perfect") only by sense.
    decision, _ = _against("PERFECT TECHNOLOGIES, LTD", "完美集团")
    assert decision is Decision.CLEAR


@pytest.mark.parametrize(
    ("listed", "query", "decision"),
    [
        # "western" is an everyday word, but the industry (gold) agrees: as before.
        ("Western Gold Co., Ltd.", "西部黄金", Decision.MATCH),
        # Two words translated ("east hope") carry the pair, the industry agreeing.
        ("Xinjiang East Hope Nonferrous Metals Co., Ltd.", "东方希望有色金属", Decision.MATCH),
        # "camel" (Zipf 3.6) is rarer than the everyday words: still worth a review.
        ("Camel Group Co., Ltd.", "骆驼股份", Decision.REVIEW),
    ],
)
def test_a_listed_short_name_still_meets_its_english_name(
    listed: str, query: str, decision: Decision
) -> None:
    assert _against(listed, query)[0] is decision


@pytest.mark.parametrize(
    ("listed", "query"),
    [
        # The snapshot's "Triangle Technologies" meets 三角集团 (三角 "triangle", a group) by one
        # word, and it says "technologies" besides.
        ("Triangle Technologies", "三角集团"),
        # The snapshot's "PIONEER LOGISTICS" and 先锋 ("pioneer"): logistics is not said.
        ("PIONEER LOGISTICS", "先锋集团"),
        # The snapshot's "JSC Integral" (a form first, as Russian names write it) and 积分
        # ("integral"): the name says no more than the word, but it is no Chinese company's.
        ("JSC Integral", "积分集团"),
    ],
)
def test_one_translated_word_against_a_foreign_or_fuller_name_is_no_alert(
    listed: str, query: str
) -> None:
    # (Before the rule: review, "only the trade name agrees across scripts".)
    decision, reasons = _against(listed, query)
    assert decision is Decision.CLEAR, reasons


def test_one_translated_word_on_a_company_the_list_places_in_china_is_still_a_review() -> None:
    # The same name, listed as a company of China: an English name that translates a Chinese
    # company's may drop what its short name drops, so the sense is worth a look.
    entity = listed_company("x", "PIONEER LOGISTICS")
    chinese = ListedEntity(id="x", schema="Company", caption=entity.caption,
                           names=entity.names, listings=entity.listings, countries=["cn"])  # fmt: skip
    hit = top_hit(Matcher([chinese], load_settings()), "先锋集团")
    assert hit is not None and hit.decision is Decision.REVIEW
