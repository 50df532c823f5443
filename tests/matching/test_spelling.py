"""Typing slips and trading arms of listed names, through the matcher and ``sourcetrace screen``.

Every listed name here is on the bundled lists (UFLPA Entity List, CBP WROs); the queries are
their spellings with one slip, or their trade name with a generic word.
"""

from __future__ import annotations

import pytest

from sourcetrace.matching import Matcher
from sourcetrace.model import Decision, EntityName, ListedEntity, Listing
from sourcetrace.settings import load_settings
from tests.conftest import ScreenCommand
from tests.matching.conftest import alerts_for, top_hit


@pytest.mark.parametrize(
    ("query", "listed", "slip"),
    [
        # A slip in an industry word made it the trade name: the parse broke, now read through.
        ("Kashgar Cnostruction Engineering (Group) Co., Ltd.",
         "Kashgar Construction Engineering (Group) Co., Ltd.", "'cnostruction' as 'construction'"),
        ("Xinjiang Noferrous Metals Industry Group Co., Ltd.",
         "Xinjiang Nonferrous Metals Industry Group Co., Ltd.", "'noferrous' as 'nonferrous'"),
        # A letter dropped from the pinyin trade name, region and industry agreeing.
        ("Hetian Tida Apparel Co., Ltd", "Hetian Taida Apparel Co., Ltd", "'tida' as 'taida'"),
        ("Aksu Hufu Color Spinning Co., Ltd.", "Aksu Huafu Color Spinning Co., Ltd.",
         "'hufu' as 'huafu'"),
        # Two letters swapped in a short name: WRatio counts the swap twice (89 of 100).
        ("KTK GRUOP", "KTK Group", "'gruop' as 'group'"),
        # A slip in a line cut at 35 characters: the slip and the cut together.
        ("BAOWU GORUP XINJIANG BAYI IRON AND ",
         "Baowu Group Xinjiang Bayi Iron and Steel Co., Ltd.", "'gorup' as 'group'"),
        ("XINJIANG NONFERORUS METALS INDUSTRY",
         "Xinjiang Nonferrous Metals Industry Group Co., Ltd.", "'nonferorus' as 'nonferrous'"),
        # ... and its last word cut inside.
        ("LOP COUNY HAIR PRODUCT INDUSTRIAL P", "Lop County Hair Product Industrial Park",
         "'couny' as 'county', 'p...' as 'park'"),
    ],
)  # fmt: skip
def test_a_typing_slip_matches_and_says_how_it_was_read(
    matcher: Matcher, query: str, listed: str, slip: str
) -> None:
    hit = top_hit(matcher, query)
    assert hit is not None and hit.decision is Decision.MATCH
    assert hit.matched_name == listed
    assert f"read {slip} (a typing slip)" in hit.reasons[0]


def test_a_changed_pinyin_letter_is_another_company(matcher: Matcher) -> None:
    # Daida is other syllables than Taida (other characters): not a slip, whatever else agrees.
    hit = top_hit(matcher, "Hetian Daida Apparel Co., Ltd")
    assert hit is not None and hit.decision is Decision.CLEAR
    assert "trade name 'daida' differs from 'taida'" in hit.reasons[0]


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        # Close by letter, but with a word both names write beside the pinyin word.
        ("CHANGZHOU GUANGHUA FOOD INGREDIENTS CO LTD",
         "Changzhou Guanghui Food Ingredients Co., Ltd."),
        ("XINJIANG SHENHUA COAL AND ELECTRICITY CO LTD",
         "Xinjiang Shenhuo Coal and Electricity Co., Ltd."),
        # Two letters apart: one syllable in common where it stands, the other another one.
        ("SHAYA YINHE COTTON INDUSTRY CO LTD", "Shaya Yinhua Cotton Industry Co., Ltd."),
        ("AKSU BAIXIN FIBER CO LTD", "Aksu Biaoxin Fiber Co., Ltd."),
    ],
)  # fmt: skip
def test_another_pinyin_syllable_is_another_company_however_the_rest_agrees(
    matcher: Matcher, query: str, listed: str
) -> None:
    alerts = alerts_for(matcher, query)
    assert [h.matched_name for h in alerts if h.matched_name == listed] == []
    # The listed name spelled alike is still shown, saying what differs (issue 15, item 1).
    hit = next(h for h in matcher.match(query) if h.matched_name == listed)
    assert "differs from" in hit.reasons[0]


def test_a_trade_name_slip_without_region_or_industry_is_only_review(matcher: Matcher) -> None:
    hit = top_hit(matcher, "Jiangyin Linyun Co. Ltd.")
    assert hit is not None and hit.matched_name == "Jiangyin Lianyun Co. Ltd."
    assert hit.decision is Decision.REVIEW
    assert "matches only where the region or the industry agrees" in hit.reasons[0]


@pytest.mark.parametrize(
    "query", ["Hoshine Trading Co", "Hoshine Group", "Hoshine Import and Export Co"]
)
def test_a_rare_trade_name_with_only_trading_words_is_review(matcher: Matcher, query: str) -> None:
    hit = top_hit(matcher, query)
    assert hit is not None and hit.decision is Decision.REVIEW
    assert hit.entity.caption.startswith("Hoshine Silicon Industry")
    assert any("rare trade name 'hoshine' is the same" in r for r in hit.reasons)


@pytest.mark.parametrize(
    "query", ["Tianshan Trading Co", "Zhongtai Securities Co., Ltd.", "Hoshine Garment Co"]
)
def test_a_place_name_or_another_industry_stays_clear(matcher: Matcher, query: str) -> None:
    # Tianshan is a place (listed Tianshan Aluminum, Tianshan Wool Textile); garments and
    # securities are industries of their own, not a trading arm.
    hit = top_hit(matcher, query)
    assert hit is None or hit.decision is Decision.CLEAR


def test_screen_command_decides_slips_and_trading_arms(screen_command: ScreenCommand) -> None:
    rows = screen_command({"supplier_name": [
        "Hetian Tida Apparel Co., Ltd",
        "Hetian Daida Apparel Co., Ltd",
        "Hoshine Trading Co",
        "Tianshan Trading Co",
    ]})  # fmt: skip
    assert [r["decision"] for r in rows] == ["match", "clear", "review", "clear"]
    assert "typing slip" in rows[0]["reasons"]


def test_a_coined_trade_name_written_apart_is_the_same_name(matcher: Matcher) -> None:
    # "Ho Shine" are not two English words: the same coined name written apart.
    hit = top_hit(matcher, "Ho Shine Silicon Industry Co Ltd")
    assert hit is not None and hit.decision is Decision.MATCH
    assert hit.matched_name == "Hoshine Silicon Industry Co. Ltd."
    assert not any("separate words" in r for r in hit.reasons)


def test_two_english_words_written_apart_stay_another_name(matcher: Matcher) -> None:
    # "Nine Star" against the listed "Ninestar Corporation": in English often another company.
    hit = top_hit(matcher, "Nine Star Corporation")
    assert hit is not None and hit.decision is Decision.REVIEW
    assert "written as separate words on one side only" in hit.reasons[0]


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        ("JUCHENG TITANIUM INDUSTRY BAOJI CO LTD", "Baoji Jucheng Titanium Industry Co., Ltd."),
        ("YINFENG COTTON HUBEI CO LTD", "Hubei Yinfeng Cotton Co., Ltd."),
    ],
)
def test_the_same_words_with_the_region_last_match(
    matcher: Matcher, query: str, listed: str
) -> None:
    # Bills of lading often put the region after the trade name; the parse took the trade word
    # for a place, but the words are the listed name's.
    hit = top_hit(matcher, query)
    assert hit is not None and hit.decision is Decision.MATCH
    assert hit.matched_name == listed
    assert hit.reasons[0] == f"the same words as listed name '{listed}' in another order"


def test_three_letters_apart_or_joined_are_one_name_only_with_the_rest_alike(
    matcher: Matcher,
) -> None:
    # Letters written apart are the same trade name ("K.T.K." is KTK) ...
    hit = top_hit(matcher, "K.T.K. Group")
    assert hit is not None and hit.decision is Decision.MATCH and hit.matched_name == "KTK Group"
    # ... but three letters name many companies: with the rest of the name different, a look.
    hit = top_hit(matcher, "KTK International Co Ltd")
    assert hit is not None and hit.decision is Decision.REVIEW
    assert "a trade name of three letters or fewer; the rest of the name differs" in hit.reasons


def test_a_rare_trade_name_in_another_region_is_not_raised() -> None:
    # The listed name with its region (Shanshan, Turpan): a Hoshine trading firm named in
    # Sichuan is another region, one with no region may be the group's trading arm.
    listed = ListedEntity(
        id="uflpa-hoshine", schema="Company", caption="Hoshine Silicon Industry (Shanshan) Co., Ltd",
        names=[EntityName("Hoshine Silicon Industry (Shanshan) Co., Ltd")],
        listings=[Listing("UFLPA Entity List")],
    )  # fmt: skip
    one = Matcher([listed], load_settings())
    assert top_hit(one, "Sichuan Hoshine Trading Co") is None
    hit = top_hit(one, "Hoshine Trading Co")
    assert hit is not None and hit.decision is Decision.REVIEW


def test_a_three_letter_trade_name_cut_at_the_field_width_still_matches(matcher: Matcher) -> None:
    # A bill-of-lading field of 35 characters cut "Technology": the rest differs only by the cut.
    hit = top_hit(matcher, "XINJIANG GCL NEW ENERGY MATERIAL TE")
    assert hit is not None and hit.decision is Decision.MATCH
    assert hit.matched_name == "Xinjiang GCL New Energy Material Technology, Co. Ltd."


def _one(listed: str, *aliases: str) -> Matcher:
    """A matcher over one listed company with these names."""
    names = [EntityName(listed), *(EntityName(a) for a in aliases)]
    entity = ListedEntity(id="x", schema="Company", caption=listed, names=names)
    return Matcher([entity], load_settings())


def test_a_slip_in_the_trade_name_alone_is_no_match() -> None:
    # Two Russian companies one letter apart, both on the SDN list (restricted-party snapshot
    # 2026-07-16): the whole names are not spelled alike (legal forms elsewhere), so no slip is read.
    hit = top_hit(_one("LIMITED LIABILITY COMPANY AVISTO"), "AVESTO OOO")
    assert hit is None or hit.decision is not Decision.MATCH
    assert hit is None or not any("typing slip" in r for r in hit.reasons)


def test_an_english_word_written_in_two_is_the_same_name() -> None:
    # "Good Will" and "Goodwill" (nomenklatura bench): the joined word is English itself.
    hit = top_hit(_one("Goodwill Company"), "Good Will Company")
    assert hit is not None and hit.decision is Decision.MATCH
    assert not any("separate words" in r for r in hit.reasons)



def test_a_changed_pinyin_letter_in_a_cut_line_is_still_another_company(matcher: Matcher) -> None:
    # Daida is other syllables than Taida, cut or not.
    hit = top_hit(matcher, "HETIAN DAIDA APPAREL CO LTD AKSU RO")
    assert hit is None or hit.decision is Decision.CLEAR
