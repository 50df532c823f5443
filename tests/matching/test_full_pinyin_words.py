"""Full pinyin read as its Chinese characters are (issue 15, "full pinyin 2/5"): the industry,
organisation and legal words of a Chinese name written in pinyin, however spaced or cut at 35
characters, meet the English listed name; pinyin trade names are still compared by syllable.

Listed names are the bundled lists' own (UFLPA: Xinjiang East Hope Nonferrous Metals, Xinjiang
Communications Construction Group, Camel Group, Yili Chuanning Biotechnology, Changhong
Meiling), by their English names only, as ``benchmarks/matching/chinese_variants.py`` lists them;
the queries are the pinyin of the Chinese names the bundled lists give them (新疆东方希望有色金属
有限公司, 新疆交通建设集团股份有限公司, 骆驼集团股份有限公司, 川宁生物, 长虹美菱), spelled by that
benchmark's rules (pypinyin's words, syllables, cut at 35 characters).
"""

from __future__ import annotations

import pytest

from sourcetrace.matching import Matcher
from sourcetrace.model import Decision
from sourcetrace.names.parse import parse_name
from sourcetrace.settings import load_settings
from tests.conftest import ScreenCommand
from tests.matching.conftest import best_alert, listed_company, reasons_of, top_hit, verdict


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(
        [
            listed_company("easthope", "Xinjiang East Hope Nonferrous Metals Co., Ltd."),
            listed_company("jiaojian", "Xinjiang Communications Construction Group Co., Ltd."),
            listed_company("camel", "Camel Group Co., Ltd."),
            listed_company("chuanning", "Yili Chuanning Biotechnology Co., Ltd."),
            listed_company("meiling", "Changhong Meiling Co., Ltd."),
        ],
        load_settings(),
    )


def test_a_pinyin_industry_word_cut_at_35_characters_is_read_as_that_word(
    matcher: Matcher,
) -> None:
    # 新疆东方希望有色金属有限公司 cut at 35 characters: "YOUSEJIN" begins youse jinshu (有色金属,
    # nonferrous metals, glossary) and no other word; before, "jin" alone was cut, "youse" stayed
    # in the trade name and nothing was found.
    query = "XINJIANG DONG FANG XI WANG YOUSEJIN"
    assert len(query) == 35
    parsed = parse_name(query)
    assert (parsed.trade, parsed.industry) == (("dongfangxiwang",), frozenset({"nonferrous metal"}))
    hit = best_alert(matcher, query)
    assert verdict(hit) == ("easthope", Decision.MATCH)
    assert "industry agrees (nonferrous metal)" in reasons_of(hit)


@pytest.mark.parametrize(
    "query",
    [
        "XINJIANG JIAO TONG JIAN SHE JI TUAN GUFEN YOUXIANGONGSI",  # pypinyin's words
        "XIN JIANG JIAO TONG JIAN SHE JI TUAN GU FEN YOU XIAN GONG SI",  # syllables
        "XINJIANGJIAOTONGJIANSHEJITUANGUFENYOUXIANGONGSI",  # run together
        "XINJIANG JIAO TONG JIAN SHE JI TUAN",  # cut at 35: the organisation word 集团 ends it
    ],
)
def test_pinyin_industry_words_read_in_english_leave_the_region_as_the_trade_name(
    matcher: Matcher, query: str
) -> None:
    # 交通建设: jiaotong jianshe, "communications construction" (CC-CEDICT, by sound): industry
    # words only, so the region is the trade name, as in the English listing.
    hit = best_alert(matcher, query)
    assert verdict(hit) == ("jiaojian", Decision.MATCH)
    assert "read as the English 'communications construction'" in reasons_of(hit)


def test_the_same_industry_words_in_another_province_are_another_company(
    matcher: Matcher,
) -> None:
    hit = top_hit(matcher, "GANSU JIAO TONG JIAN SHE JI TUAN GUFEN YOUXIANGONGSI")
    assert verdict(hit)[1] is Decision.CLEAR


@pytest.mark.parametrize(
    "query", ["LUO TUO JI TUAN GU FEN YOU XIAN GONG SI", "LUOTUOJITUANGUFENYOUXIANGONGSI"]
)
def test_a_registered_pinyin_name_without_region_is_read_in_english(
    matcher: Matcher, query: str
) -> None:
    # 骆驼集团股份有限公司: its legal form written, no region, no industry (Art. 6 of the name
    # rules); luotuo sounds as 骆驼, camel (CC-CEDICT), the listed trade name.
    hit = best_alert(matcher, query)
    assert verdict(hit) == ("camel", Decision.MATCH)
    assert "'luotuo' read as the English 'camel'" in reasons_of(hit)


def test_a_short_pinyin_name_is_not_read_in_english(matcher: Matcher) -> None:
    # 骆驼股份: a short name (股份 alone is no legal form), which may have dropped its region.
    assert verdict(best_alert(matcher, "LUO TUO GU FEN"))[1] is not Decision.MATCH


@pytest.mark.parametrize("query", ["CHUAN NING SHENG WU", "CHUANNINGSHENGWU"])
def test_a_short_pinyin_name_ending_in_shengwu_agrees_with_biotechnology(
    matcher: Matcher, query: str
) -> None:
    # 川宁生物, the stock short name: 生物 shengwu is biological and, in a short name,
    # biotechnology, and a short name drops its region by custom, as its characters do.
    hit = best_alert(matcher, query)
    assert verdict(hit) == ("chuanning", Decision.MATCH)
    assert "drops its region by custom" in reasons_of(hit)


@pytest.mark.parametrize("query", ["CHUAN NING HUA XUE", "Chuanning Biological"])
def test_another_industry_or_an_english_name_is_not_backed_so(matcher: Matcher, query: str) -> None:
    # 川宁化学 (chemical) is another company; an English word is no Chinese name's pinyin.
    assert verdict(best_alert(matcher, query))[1] is not Decision.MATCH


@pytest.mark.parametrize("query", ["CHANG HONG MEI LING", "CHANG HONG MEI LING YOU XIAN GONG SI"])
def test_syllables_spelled_apart_are_one_trade_name(matcher: Matcher, query: str) -> None:
    # 长虹美菱 a syllable at a time; "CHANG" (厂, factory, as an organisation word) was dropped
    # from the start of the name.
    assert verdict(best_alert(matcher, query)) == ("meiling", Decision.MATCH)


@pytest.mark.parametrize("query", ["CHANG HONG MEI LIN", "CHANG HONG MEI NING"])
def test_one_syllable_off_is_still_another_company(matcher: Matcher, query: str) -> None:
    # 美林 / 美宁 are other characters: the syllables are compared, not the letters.
    assert verdict(best_alert(matcher, query))[1] is not Decision.MATCH


def test_screen_command_matches_pinyin_industry_and_legal_words(
    screen_command: ScreenCommand,
) -> None:
    """Through the command, against the bundled lists (English and Chinese names listed)."""
    rows = screen_command(
        {
            "shipper": [
                "XINJIANG DONG FANG XI WANG YOUSEJIN",
                "XIN JIANG JIAO TONG JIAN SHE JI TUAN GU FEN YOU XIAN GONG SI",
                "LUO TUO JI TUAN GU FEN YOU XIAN GONG SI",
            ]
        },
        file_name="shipments.csv",
    )
    assert [r["decision"] for r in rows] == ["match", "match", "match"]
    assert "East Hope" in rows[0]["entity_name"]
    assert "Communications Construction" in rows[1]["entity_name"]
    assert "Camel" in rows[2]["entity_name"]
