"""Short Chinese names against Latin listed names: they meet on the pinyin syllables of the trade
name, and on an industry or region that agrees (issue 15, the Chinese short-name set).

Listed names are real: the bundled UFLPA entry of Hetian Haolin and entries of the
restricted-party snapshot (sources/watchlists). The queries are Chinese names of real companies:
好林发饰 (the bundled list's own Chinese name of Haolin, short form), 三鹿集团 (Sanlu Group),
观澜湖 (Mission Hills) and 新力 (Sony), from CC-CEDICT; 宝龙达信息技术, the short form of the
bundled list's 合肥宝龙达信息技术有限公司 (Hefei Bitland).
"""

from __future__ import annotations

import pytest

from sourcetrace.matching import Matcher
from sourcetrace.model import Decision
from sourcetrace.settings import load_settings
from tests.matching.conftest import alerts_for, listed_company, reasons_of, verdict


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(
        [
            listed_company("haolin", "Hetian Haolin Hair Accessories Co. Ltd.",
                    "Hotan Haolin Hair Accessories"),
            listed_company("sarlu", "MINING INDUSTRIES SARLU"),
            listed_company("guanlang", "HEBEI GUANLANG BIOTECHNOLOGY CO., LTD"),
            listed_company("xinli", "Beijing Xinli Machinery Factory"),
            listed_company("easthope", "Xinjiang East Hope Nonferrous Metals Co., Ltd."),
            listed_company("bitland", "Hefei Bitland Information Technology Co., Ltd.",
                    "Hefei Baolongda Information Technology Co., Ltd."),
        ],
        load_settings(),
    )


def test_short_name_with_agreeing_industry_matches_the_english_listed_name(
    matcher: Matcher,
) -> None:
    alerts = alerts_for(matcher, "好林发饰")
    assert [verdict(a) for a in alerts] == [("haolin", Decision.MATCH)]
    assert "agrees across scripts, and so does the industry" in reasons_of(alerts[0])


@pytest.mark.parametrize("query", ["三鹿集团", "观澜湖"])
def test_one_letter_of_pinyin_is_another_syllable_and_no_alert(
    matcher: Matcher, query: str
) -> None:
    # sanlu/sarlu, guanlanhu/guanlang: close by letter, other characters and another company.
    assert alerts_for(matcher, query) == []


def test_trade_name_sound_alone_is_review_not_match(matcher: Matcher) -> None:
    alerts = alerts_for(matcher, "新力")
    assert [verdict(a) for a in alerts] == [("xinli", Decision.REVIEW)]
    assert "only the trade name agrees across scripts" in reasons_of(alerts[0])


def test_full_chinese_name_with_region_still_matches(matcher: Matcher) -> None:
    alerts = alerts_for(matcher, "和田好林发饰有限公司")
    assert [verdict(a) for a in alerts] == [("haolin", Decision.MATCH)]


def test_industry_word_from_cc_cedict_is_cut_from_the_trade_name(matcher: Matcher) -> None:
    # 宝龙达信息技术: 信息 (information, CC-CEDICT) ends the name as 技术 does, so the trade name is
    # 宝龙达 and meets the listed alias "Hefei Baolongda Information Technology" with its industry.
    alerts = alerts_for(matcher, "宝龙达信息技术")
    assert [verdict(a) for a in alerts] == [("bitland", Decision.MATCH)]
    assert "industry agrees" in reasons_of(alerts[0])


def test_english_name_that_translates_the_trade_name_is_found(matcher: Matcher) -> None:
    # 东方希望: 东方 east, 希望 hope in CC-CEDICT; the UFLPA lists the company in English only.
    alerts = alerts_for(matcher, "东方希望有色金属")
    assert [verdict(a) for a in alerts] == [("easthope", Decision.MATCH)]
    assert "translates as 'east hope' (CC-CEDICT)" in reasons_of(alerts[0])
    assert "industry agrees (nonferrous metal)" in reasons_of(alerts[0])


def test_same_trade_name_in_another_industry_is_not_alerted(matcher: Matcher) -> None:
    # A constructed negative: Haolin's trade name with another industry (food, not hair
    # accessories) is another company named alike.
    assert alerts_for(matcher, "好林食品") == []
    assert [verdict(a) for a in alerts_for(matcher, "东方希望食品")] == []


def test_latin_spelling_screened_first_does_not_decide_for_the_characters() -> None:
    # The matcher remembers a trade name's candidates; "Sanlu Group" in Latin letters is compared
    # with "SARLU" by letter, 三鹿 by syllable: the one must not answer for the other.
    matcher = Matcher([listed_company("sarlu", "MINING INDUSTRIES SARLU")], load_settings())
    matcher.match("Sanlu Group")
    assert alerts_for(matcher, "三鹿集团") == []


def test_short_name_ending_in_shares_word_finds_the_listed_alias() -> None:
    # 合盛硅业股份: the bundled list's 合盛硅業股份有限公司 as a supplier shortens it; 股份 is the
    # joint-stock form, 硅业 the industry, 合盛 the trade name of the listed alias.
    matcher = Matcher(
        [listed_company("hoshine", "Hoshine Silicon Industry (Shanshan) Co., Ltd",
                 "Hesheng Silicon Industry (Shanshan) Co.")],
        load_settings(),
    )
    alerts = alerts_for(matcher, "合盛硅业股份")
    assert [verdict(a) for a in alerts] == [("hoshine", Decision.MATCH)]


def test_place_as_trade_name_short_form_drops_the_province() -> None:
    # 天山 is a district of Urumqi and the trade name of several listed companies (UFLPA): the
    # short 天山毛纺织 meets "Xinjiang Tianshan Wool Textile" by its place below the province, and
    # the industry decides between them.
    matcher = Matcher(
        [listed_company("wool", "Xinjiang Tianshan Wool Textile Co. Ltd."),
         listed_company("alu", "Tianshan Aluminum Group Co., Ltd.")],
        load_settings(),
    )  # fmt: skip
    assert [verdict(a) for a in alerts_for(matcher, "天山毛纺织")] == [("wool", Decision.MATCH)]
    assert [verdict(a) for a in alerts_for(matcher, "天山铝业")] == [("alu", Decision.MATCH)]
    # 纺织 (textile) and "wool textile" share a word: no conflict; a place alone is no match.
    assert [verdict(a) for a in alerts_for(matcher, "天山纺织")] == [("wool", Decision.REVIEW)]


def test_latin_name_without_the_region_of_a_listed_chinese_name_is_reviewed() -> None:
    # Xinjiang Zhongtai Chemical as the bundled list gives it, with its sourced Chinese names
    # (the full legal name and the stock short name, sources/watchlists/
    # uflpa_chinese_names_sourced.csv). A Latin name without the region is decided as it is
    # against the English name: the same trade name may be another company elsewhere. The
    # Chinese short name itself, which drops the region by custom, still matches.
    matcher = Matcher(
        [listed_company("zhongtai", "Xinjiang Zhongtai Chemical Co. Ltd.", "新疆中泰化学股份有限公司",
                 "中泰化学")],
        load_settings(),
    )  # fmt: skip
    hits = matcher.match("Zhongtai Chemical Co., Ltd.")
    assert hits and hits[0].decision is Decision.REVIEW
    assert any("region is named on one side only" in r for r in hits[0].reasons)
    assert matcher.match("Xinjiang Zhongtai Chemical Co., Ltd.")[0].decision is Decision.MATCH
    assert matcher.match("中泰化学")[0].decision is Decision.MATCH
