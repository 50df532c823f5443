"""Bill-of-lading name lines with an address after the name (issue 15): the address is where
the company is, not part of its registered name. Every listed name is on the bundled lists; the
lines are written as the held-out probe (benchmarks/matching/probe/lines_heldout.tsv) writes
them, but none of them is one of its rows.
"""

from __future__ import annotations

import pytest

from sourcetrace.matching import Matcher
from sourcetrace.model import Decision
from sourcetrace.names.parse import parse_name
from tests.conftest import ScreenCommand
from tests.matching.conftest import best_alert, matched


@pytest.mark.parametrize(
    ("line", "listed"),
    [
        # A listed name with no region, then the city, province and country of its address:
        # read as the name's region, the places made it another place's company.
        ("TBEA CO LTD CHANGJI XINJIANG 831100 CN", "TBEA Co., Ltd."),
        ("TBEA CO., LTD. CHANGJI, XINJIANG, P.R.C.", "TBEA Co., Ltd."),
        ("NINESTAR CORPORATION ZHUHAI GUANGDONG CHINA", "Ninestar Corporation"),
        ("GEEHY SEMICONDUCTOR CO LTD ZHUHAI GUANGDONG CHINA", "Geehy Semiconductor Co., Ltd."),
        ("KINGHERBS LIMITED CHANGSHA HUNAN CHINA", "Kingherbs Limited"),
        ("COFCO SUGAR HOLDINGS CO LTD URUMQI XINJIANG", "COFCO Sugar Holdings Co., Ltd."),
        # A county the gazetteer lacks, said to be one by the word after it.
        ("ANNAN CANNED FOOD CO LTD NANLING COUNTY WUHU ANHUI", "Annan Canned Food Co., Ltd."),
        # A listed name with its region: the city after the legal form changes nothing.
        ("XINJIANG DAQO NEW ENERGY CO LTD SHIHEZI XINJIANG CHINA",
         "Xinjiang Daqo New Energy, Co. Ltd"),
    ],
)  # fmt: skip
def test_a_name_followed_by_places_only_matches_its_listed_name(
    matcher: Matcher, line: str, listed: str
) -> None:
    hit = matched(matcher, line)
    assert listed in (hit.entity.caption, hit.matched_name)


def test_places_after_the_legal_form_are_not_the_names_region() -> None:
    tail = parse_name("CAMEL GROUP CO LTD SHENZHEN GUANGDONG CN")
    assert tail.regions == frozenset() and tail.trade == parse_name("CAMEL GROUP CO LTD").trade
    # Before the trade name, a place is the registered name's region (企业名称登记管理规定).
    assert parse_name("SHENZHEN CAMEL GROUP CO LTD").regions


def test_a_place_before_the_name_still_says_another_company(matcher: Matcher) -> None:
    # "Shenzhen Camel Group" is a registered name of Shenzhen, which the listed national name
    # "Camel Group Co., Ltd." is not: still for review, not a match.
    hit = best_alert(matcher, "SHENZHEN CAMEL GROUP CO LTD")
    assert hit is not None and hit.decision is Decision.REVIEW


def test_a_tail_holding_a_word_that_is_no_place_stays_in_the_name() -> None:
    # Only a tail of places, postcodes and the country is cut: "Printer Supplies" after the
    # legal form may be a name written the other way round, and is kept for the comparison.
    assert "printer supplies" in parse_name("NINESTAR CORPORATION ZHUHAI PRINTER SUPPLIES").plain
    assert "zhuhai" not in parse_name("NINESTAR CORPORATION ZHUHAI GUANGDONG 519060 CN").plain


def test_screen_command_reads_a_place_tail_as_the_address(screen_command: ScreenCommand) -> None:
    rows = screen_command(
        {
            "consignee": [
                "TBEA CO LTD XINJIANG CHINA",
                "NINESTAR CORPORATION ZHUHAI GUANGDONG CHINA",
            ]
        },
        file_name="bills.csv",
    )
    assert [r["decision"] for r in rows] == ["match", "match"]


@pytest.mark.parametrize(
    ("line", "listed"),
    [
        # The listed name goes on past a legal or joining word: the cut line's parse has no part
        # of what follows, and its trade name met none (clear, or no hit at all).
        ("HENGSHUI COTTON AND LINEN CORPORATI",
         "Hengshui Cotton and Linen Corporation Reserve Library"),
        ("HEZE COTTON AND LINEN TRADING DEVEL",
         "Heze Cotton and Linen Trading Development General Company"),
        ("JIANGYIN INTERMODAL TRANSPORT CO AN",
         "Jiangyin Intermodal Transport Co. and Jiangyin United Transport Co."),
        ("CHINA COTTON GROUP SHANDONG LOGISTI",
         "China Cotton Group Shandong Logistics Park Co., Ltd."),
        # One company listed twice under one name is one name.
        ("LOP COUNTY HAIR PRODUCT INDUSTRIAL", "Lop County Hair Product Industrial Park"),
    ],
)  # fmt: skip
def test_a_line_cut_at_35_characters_matches_the_listed_name_it_begins(
    matcher: Matcher, line: str, listed: str
) -> None:
    hit = matched(matcher, line)
    assert hit.matched_name == listed
    assert f"begins the listed name '{listed}'" in hit.reasons[0]


def test_a_raised_cut_line_keeps_the_matchers_order(matcher: Matcher) -> None:
    # The cut line begins the Yanqi subsidiary's name; the parent, matched through its Chinese
    # name, is not put before it.
    hit = matched(matcher, "CHENGUANG BIOTECHNOLOGY GROUP YANQI")
    assert hit.entity.caption == "Chenguang Biotechnology Group Yanqi Co. Ltd."


def test_a_cut_line_that_begins_no_listed_name_is_left_to_the_other_rules(
    matcher: Matcher,
) -> None:
    # Tianshan Cement is not listed; its cut line begins no listed name and raises no alert.
    assert best_alert(matcher, "XINJIANG TIANSHAN CEMENT CO LTD URU") is None


def test_a_cut_address_leaves_the_name_whole(matcher: Matcher) -> None:
    # "NO" is the start of the address the width cut: the name before it is whole, and is
    # decided as the same name without the address ("Logistics" is not read as a cut word).
    cut = best_alert(matcher, "ZHUHAI NINESTAR LOGISTICS CO LTD NO")
    whole = best_alert(matcher, "ZHUHAI NINESTAR LOGISTICS CO LTD")
    assert (cut and (cut.entity.id, cut.decision)) == (whole and (whole.entity.id, whole.decision))
    assert cut is None or cut.decision is not Decision.MATCH
    assert not parse_name("ZHUHAI NINESTAR LOGISTICS CO LTD NO").truncated


@pytest.mark.parametrize(
    ("line", "listed"),
    [
        # A one-word listed alias, then a street address: "No. 8" was read as part of the name
        # ("Yard No. 123 Acme" is one), and the line was clear.
        ("SEPTWOLVES NO 8 RENMIN RD JINJIANG FUJIAN", "Fujian Septwolves Industry Co., Ltd."),
        ("GOROE NO 8 RENMIN RD ZHENGZHOU HENAN", "Henan Guorong Electronic Technology Co., Ltd."),
        # No legal form, then places ending in the country.
        ("GSWEET CHANGZHOU JIANGSU CHINA", "Changzhou Guanghui Food Ingredients Co., Ltd."),
    ],
)  # fmt: skip
def test_a_short_name_followed_by_its_address_matches(
    matcher: Matcher, line: str, listed: str
) -> None:
    hit = matched(matcher, line)
    assert hit.entity.caption == listed


def test_numbers_and_places_that_belong_to_the_name_stay() -> None:
    # No street after the number, no place before the country, or only a place left: a name.
    for name in ("Yard No. 123 Acme", "Shenyang No. 2 Laogai Detachment", "BANK OF CHINA",
                 "TIANJIN KUNYU CHINA", "AVIATION INDUSTRY CORP OF CHINA",
                 "Aero Engine Corporation of China",
                 "Corad Technology Ltd. (Shenzhen)"):  # fmt: skip
        assert not parse_name(name).uncut, name
