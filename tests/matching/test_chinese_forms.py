"""Chinese names written the ways documents write them meet the English listed name (issue 15):
full pinyin however its syllables are spaced or cut, traditional characters, a branch, a region
in full-width brackets, an address after the name, and the English name on the same line.

Listed names are the bundled lists' own (UFLPA: Hetian Haolin Hair Accessories, Xinjiang East
Hope Nonferrous Metals, Hefei Bitland / Baolongda Information Technology, Hoshine Silicon
Industry, Xinjiang Zhongtai Chemical); the Chinese queries are the Chinese names the bundled
lists give them (和田好林发饰有限公司 is marked UNVERIFIED there), rewritten by the rules of
``benchmarks/matching/chinese_variants.py``.
"""

from __future__ import annotations

import pytest

from sourcetrace.matching import Matcher
from sourcetrace.model import Decision
from sourcetrace.names.parse import parse_name
from sourcetrace.settings import load_settings
from tests.conftest import ScreenCommand
from tests.matching.conftest import best_alert, listed_company, reasons_of, verdict


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(
        [
            listed_company("haolin", "Hetian Haolin Hair Accessories Co. Ltd."),
            listed_company("taida", "Hetian Taida Apparel Co., Ltd"),
            listed_company("easthope", "Xinjiang East Hope Nonferrous Metals Co., Ltd."),
            listed_company("bitland", "Hefei Bitland Information Technology Co., Ltd.",
                    "Hefei Baolongda Information Technology Co., Ltd."),
            listed_company("hoshine", "Hoshine Silicon Industry Co. Ltd."),
        ],
        load_settings(),
    )


@pytest.mark.parametrize(
    "query",
    [
        "HETIAN HAOLIN FASHI YOUXIAN GONGSI",
        "HE TIAN HAO LIN FA SHI YOU XIAN GONG SI",
        "HETIANHAOLINFASHIYOUXIANGONGSI",
        "HE TIAN HAO LIN FA SHI YOUXIANGONGS",  # cut at 35 characters
    ],
)
def test_full_pinyin_matches_the_english_name_by_trade_name_and_industry(
    matcher: Matcher, query: str
) -> None:
    hit = best_alert(matcher, query)
    assert verdict(hit) == ("haolin", Decision.MATCH)
    assert "industry agrees (hair accessorie)" in reasons_of(hit)


@pytest.mark.parametrize(
    "query",
    [
        "XINJIANG DONGFANG XIWANG YOUSE JINSHU YOUXIAN GONGSI",
        "XIN JIANG DONG FANG XI WANG YOU SE JIN SHU GONG SI",  # "SE" is no Societas Europaea
    ],
)
def test_full_pinyin_trade_name_read_in_english_meets_the_translated_listing(
    matcher: Matcher, query: str
) -> None:
    # 东方希望: east + hope (CC-CEDICT); the industry (有色金属 nonferrous metal) and region agree.
    hit = best_alert(matcher, query)
    assert verdict(hit) == ("easthope", Decision.MATCH)
    assert "read as the English 'east hope'" in reasons_of(hit)
    assert "industry agrees (nonferrous metal)" in reasons_of(hit)


def test_a_pinyin_reading_needs_the_industry_to_be_read_too(matcher: Matcher) -> None:
    # The same trade name with no industry word: its English reading is not tried.
    assert verdict(best_alert(matcher, "DONGFANG XIWANG"))[1] is not Decision.MATCH


def test_full_pinyin_of_another_trade_name_does_not_match(matcher: Matcher) -> None:
    # 和田泰达服饰: the same region and a neighbouring industry, another company.
    hit = best_alert(matcher, "HE TIAN TAI DA FU SHI YOU XIAN GONG SI")
    assert verdict(hit)[0] != "haolin"
    assert verdict(hit) in {("taida", Decision.MATCH), ("taida", Decision.REVIEW)}


def test_full_pinyin_is_cut_into_the_parts_of_a_chinese_name() -> None:
    for spelling in ("XINJIANG ZHONGTAI HUAXUE GUFEN YOUXIAN GONGSI",
                     "XIN JIANG ZHONG TAI HUA XUE GU FEN YOU XIAN GONG SI",
                     "XINJIANGZHONGTAIHUAXUEGUFENYOUXIANGONGSI"):  # fmt: skip
        parsed = parse_name(spelling)
        assert parsed.trade == ("zhongtai",)
        assert parsed.industry == frozenset({"chemical"})
        assert parsed.regions == frozenset({"650000"})
        assert parsed.plain == "xinjiang zhongtai chemical"


def test_english_words_that_spell_pinyin_keep_their_words() -> None:
    # chi-na mo-bi-le: every word reads as pinyin, yet nothing is a Chinese name's part.
    assert parse_name("China Mobile").trade == ("china", "mobile")
    assert parse_name("Xinjiang Zhongtai Chemical Co., Ltd.").industry == frozenset({"chemical"})
    # wa-re-hou-si-ng, mi-ning: English business words are not read as pinyin.
    assert parse_name("Fujian Minlong Warehousing Co., Ltd.").trade == ("minlong",)
    assert parse_name("Xinjiang Jin Bao Mining Co., Ltd.").industry == frozenset({"mining"})


def test_pinyin_is_cut_where_its_fewest_syllables_fall_and_foreign_legal_forms_stay() -> None:
    # da-lian-tian-yi: not Dali (大理) + "antianyi".
    assert "532900" not in parse_name("DALIANTIANYI").regions
    # A region the word-by-word parse finds too keeps the words as they are.
    assert parse_name("Beijing Huawei Longshine").trade == ("huawei", "longshine")
    # a-mi-ge ao reads as pinyin, but holds no Chinese name's part: rigour takes the Russian AO.
    assert parse_name("AMIGE AO").trade == ("amige",)


def test_a_region_before_the_pinyin_legal_form_is_a_region() -> None:
    parsed = parse_name("HE SHENG GUI YE SHAN SHAN YOU XIAN GONG SI")  # 合盛硅业(鄯善)有限公司
    assert (parsed.trade, parsed.industry) == (("hesheng",), frozenset({"silicon"}))
    assert parsed.regions == frozenset({"650421"})  # 鄯善县, GB/T 2260


@pytest.mark.parametrize(
    ("query", "entity"),
    [
        ("和田好林髮飾有限公司", "haolin"),  # traditional characters
        ("新疆東方希望有色金屬公司", "easthope"),
        ("新疆东方希望有色金属公司乌鲁木齐分公司", "easthope"),  # a branch after 公司
        ("好林发饰（和田）有限公司", "haolin"),  # the region in full-width brackets
        ("新疆　东方希望有色金属有限公司", "easthope"),  # an ideographic space
        ("和田好林发饰有限公司 地址：新疆和田", "haolin"),  # an address after the name
    ],
)
def test_chinese_script_variants_find_the_listed_entity(
    matcher: Matcher, query: str, entity: str
) -> None:
    assert verdict(best_alert(matcher, query)) == (entity, Decision.MATCH)


def test_the_english_name_beside_the_chinese_one_is_screened_too(matcher: Matcher) -> None:
    # 合盛硅业 reads "hesheng", which the brand Hoshine is not: only the English name finds it.
    hit = best_alert(matcher, "合盛硅业股份有限公司 Hoshine Silicon Industry Co. Ltd.")
    assert verdict(hit) == ("hoshine", Decision.MATCH)
    assert "found by the Latin name written beside the Chinese one" in reasons_of(hit)
    assert best_alert(matcher, "合盛硅业股份有限公司") is None


def test_beside_a_latin_name_the_chinese_one_is_still_compared_by_whole_syllables() -> None:
    # 三鹿 reads san-lu, which "Sarlu" is not: the Latin letters on the line must not turn the
    # Chinese name into letters compared one by one.
    matcher = Matcher([listed_company("sarlu", "MINING INDUSTRIES SARLU")], load_settings())
    assert verdict(best_alert(matcher, "三鹿集团 Sanlu Group"))[1] is not Decision.MATCH
    parsed = parse_name("三鹿集团 Sanlu Group")
    assert parsed.script == "zh" and parsed.latin is not None


def test_an_address_or_a_number_beside_the_chinese_name_is_no_name() -> None:
    assert parse_name("和田好林发饰有限公司 No. 8 Beijing Rd").latin is None
    assert parse_name("和田好林发饰有限公司 Tel 0903-2025").latin is None
    assert parse_name("Hetian 好林发饰有限公司").latin is None  # a place alone
    beside = parse_name("合肥宝龙达信息技术有限公司 Hefei Bitland Information Technology Co., Ltd.")
    assert beside.latin is not None and beside.latin.trade == ("bitland",)


def test_screen_command_matches_full_pinyin_and_bilingual_lines(
    screen_command: ScreenCommand,
) -> None:
    """Through the command, against the bundled lists."""
    rows = screen_command(
        {
            "shipper": [
                "XIN JIANG ZHONG TAI HUA XUE GU FEN YOU XIAN GONG SI",
                "合肥宝龙达信息技术有限公司 Hefei Bitland Information Technology Co., Ltd.",
                "新疆東方希望有色金屬公司烏魯木齊分公司",
            ]
        },
        file_name="shipments.csv",
    )
    assert [r["decision"] for r in rows] == ["match", "match", "match"]
    assert "Zhongtai Chemical" in rows[0]["entity_name"]
    assert "Bitland" in rows[1]["entity_name"]
    assert "East Hope" in rows[2]["entity_name"]


@pytest.fixture(scope="module")
def chuanning() -> Matcher:
    """The bundled UFLPA entry "Yili Chuanning Biotechnology Co., Ltd." alone."""
    return Matcher(
        [listed_company("chuanning", "Yili Chuanning Biotechnology Co., Ltd.")], load_settings()
    )


@pytest.mark.parametrize("query", ["伊犁川宁生物技术有限公司", "YILI CHUANNING SHENGWU JISHU YOUXIAN GONGSI"])
def test_biotechnology_in_chinese_agrees_with_the_listed_biotechnology(
    chuanning: Matcher, query: str
) -> None:
    # The query spells the listed name's region, trade name and industry (生物技术, CC-CEDICT
    # "biotechnology") in characters or pinyin. Read as 生物 (biological) + 技术, the industry
    # differed and the pair was cleared.
    hit = best_alert(chuanning, query)
    assert verdict(hit) == ("chuanning", Decision.MATCH)
    assert "industry" in reasons_of(hit) and "differ" not in reasons_of(hit)


@pytest.mark.parametrize("query", ["川宁生物", "伊犁川宁生物"])
def test_a_short_name_ending_in_biological_may_abbreviate_biotechnology(
    chuanning: Matcher, query: str
) -> None:
    # 生物 (biological) begins 生物技术/生物科技 (biotechnology, CC-CEDICT): a short name that
    # ends in it shares that sense with the listed "Biotechnology" instead of differing.
    hit = best_alert(chuanning, query)
    assert verdict(hit) == ("chuanning", Decision.MATCH)
    assert "and so does the industry" in reasons_of(hit)


def test_a_short_name_of_another_industry_is_still_another_company(chuanning: Matcher) -> None:
    # 川宁化学: the same trade name, chemical: not the listed biotechnology company.
    assert best_alert(chuanning, "川宁化学") is None


def test_a_listed_name_with_chinese_and_latin_is_found_by_either() -> None:
    matcher = Matcher(
        [listed_company("hoshine", "合盛硅业股份有限公司 Hoshine Silicon Industry Co. Ltd.")],
        load_settings(),
    )
    for query in ("HOSHINE SILICON INDUSTRY CO LTD", "合盛硅业股份有限公司", "合盛硅業"):
        assert verdict(best_alert(matcher, query)) == ("hoshine", Decision.MATCH), query
