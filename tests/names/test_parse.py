from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sourcetrace.names import fold, lines, parse, parse_name
from sourcetrace.names.lines import clean_line
from sourcetrace.names.vocabulary import LEGAL_TOKENS


def test_fold_simplifies_traditional_and_taiwan_forms() -> None:
    assert fold("化學") == "化学"
    assert fold("礦業") == "矿业"
    assert fold("合盛矽業") == "合盛硅业"  # Taiwan writes silicon 矽, the mainland 硅
    assert fold("ＸＩＮＪＩＡＮＧ　（鄯善）") == "xinjiang (鄯善)"


@pytest.mark.parametrize(
    "name",
    [
        "新疆中泰化学股份有限公司",
        "Xinjiang Zhongtai Chemical Co., Ltd.",
        "XINJIANG ZHONGTAI CHEMICAL CO LTD",
        "Xinjiang Zhongtai Huaxue Gufen Youxian Gongsi",
        "Xinjiang Zhong Tai Chemical Company Limited",
    ],
)
def test_scripts_meet_on_the_same_parts(name: str) -> None:
    parsed = parse_name(name)
    assert parsed.trade_key == "zhongtai"
    assert parsed.industry == frozenset({"chemical"})
    assert parsed.regions == frozenset({"650000"})


def test_parenthesised_region_is_a_region() -> None:
    zh = parse_name("合盛硅业（鄯善）有限公司")
    en = parse_name("Hoshine Silicon Industry (Shanshan) Co., Ltd")
    assert zh.trade_key == "hesheng" and en.trade_key == "hoshine"
    assert zh.regions == en.regions == frozenset({"650421"})


def test_legal_form_removed_without_word_boundaries() -> None:
    assert parse_name("昌吉溢达纺织有限公司").trade_key == "yida"
    assert parse_name("Changji Esquel Textile Co.,Ltd.").trade_key == "esquel"


def test_place_only_name_keeps_the_place_as_trade_name() -> None:
    parsed = parse_name("Xinjiang Chemical Co., Ltd.")
    assert parsed.trade_from_region
    assert parsed.industry == frozenset({"chemical"})


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("XINJIANG ZHONGTAI CHEMICAL CO LTD NO 88 BEIJING RD URUMQI", "XINJIANG ZHONGTAI CHEMICAL CO LTD"),
        ("HETIAN TAIDA APPAREL CO LTD C/O GLOBAL LOGISTICS", "HETIAN TAIDA APPAREL CO LTD"),
        ("AKSU HUAFU TEXTILES CO LTD TEL +86 997 1234567", "AKSU HUAFU TEXTILES CO LTD"),
    ],
)
def test_bill_of_lading_noise_is_cut(line: str, name: str) -> None:
    assert clean_line(line) == (name, True)


# Pieces of bill-of-lading lines: cut markers, legal forms, digits and the letters that match
# ASCII ones only when case is ignored (Kelvin sign, long s, dotless i).
_LINE_PIECES = [
    " ", "  ", "\t", "c/o", "C.O.", "attn", "TEL", "tel:", "Phone", "fax", "e-mail", "EMAIL", "add:",
    "Address", "address:", "no.", "NO", "room", "RM", "unit", "Floor", "flr", "bldg", "Building",
    "+", "86", "0991", "-", "1234567", "ltd", "LTD.", "Limited", "inc", "corp", "Corporation", "llc",
    "plc", "gongsi", "co", ",", ".", "(", ")", "xinjiang", "zhongtai", "road", "branch", "k", "s",
    "\u212a", "\u017f", "\u0131", "\u0130", "中泰", "\u00e9",
]  # fmt: skip


@given(st.lists(st.sampled_from(_LINE_PIECES), max_size=14).map("".join))
def test_ascii_patterns_find_what_the_case_blind_ones_find(text: str) -> None:
    """clean_line searches ASCII text in lower case with _CUT_ASCII and _LEGAL_MID_ASCII."""
    text = " ".join(text.split())
    if not text.isascii():
        return
    cut, cut_ascii = lines._CUT.search(text), lines._CUT_ASCII.search(text.lower())
    assert (cut and cut.start()) == (cut_ascii and cut_ascii.start())
    legal = lines._LEGAL_MID.search(text) is not None
    assert legal == (lines._LEGAL_MID_ASCII.search(text.lower()) is not None)


@given(st.text(alphabet=st.sampled_from("coltdinpagmbhsrk"), min_size=0, max_size=12))
def test_legal_prefixes_are_the_starts_of_legal_forms(word: str) -> None:
    assert (word in parse._LEGAL_PREFIXES) == any(w.startswith(word) for w in LEGAL_TOKENS)


def test_bill_of_lading_noise_is_cut_in_any_script_and_case() -> None:
    zh = "新疆中泰化学股份有限公司"
    assert clean_line(f"{zh} TEL 0991 1234567") == (zh, True)
    en = "Xinjiang Zhongtai Chemical Co Ltd"
    assert clean_line(f"{en} tel 0991 1234567") == (en, True)
    assert clean_line("Ürümqi Zhongtai Co Ltd No 88 Beijing Rd") == ("Ürümqi Zhongtai Co Ltd", True)
    # Places only after the legal form are its address (places_only); other words stay.
    assert clean_line("Aksu Huafu Ltd. Ningbo") == ("Aksu Huafu Ltd.", True)
    assert clean_line("Aksu Huafu Ltd. Ningbo Yarn") == ("Aksu Huafu Ltd. Ningbo Yarn", False)


_MIXED = st.text(
    alphabet=st.sampled_from(
        list("新疆中泰化学股份有限公司分（）()【】 ⼭⽔アルファΑλφα") + list("AcmeXINJIANG0123 .,-/:")
        + ["\u3000", "Ｘ", "ｒ", "Ｏ", "Ｋ"]
    ),
    max_size=40,
)


@given(_MIXED)
def test_a_line_of_mixed_scripts_parses_and_its_chinese_part_has_no_second_latin_name(
    line: str,
) -> None:
    """Chinese characters, Latin, kana, Greek, full-width letters, Kangxi radicals that fold into
    CJK, brackets and digits in any order: the parse never raises (a Latin name beside a Chinese
    one is parsed once, not again inside itself) and a Latin name found beside is Latin."""
    parsed = parse_name(line)
    if parsed.latin is not None:
        assert parsed.latin.latin is None
        assert parsed.script == "zh"


def test_the_english_by_sound_table_reads_words_as_pinyin_does() -> None:
    """Differential: the table read from pypinyin's dictionaries has the keys the project's own
    pinyin (pypinyin's phrase cutting) gives every two-character word of trade_words.tsv."""
    from sourcetrace.names.pinyin_names import _english_by_sound
    from sourcetrace.names.text import pinyin
    from sourcetrace.names.vocabulary import trade_words

    expected: dict[str, list[str]] = {}
    for zh, english in trade_words().items():
        if len(zh) == 2:
            expected.setdefault(pinyin(zh), []).extend(english)
    table = _english_by_sound()
    assert table == {k: tuple(dict.fromkeys(v)) for k, v in expected.items()}
    assert {"east", "bridalroom"} <= set(table["dongfang"])  # 东方, 洞房: homophones together


@pytest.mark.parametrize(
    ("name", "trade"),
    [
        # Names of the SDN list (restricted-party snapshot): rigour's table spells these forms
        # with their accents (zártkörűen működő részvénytársaság, société anonyme).
        ("CYTROX HOLDINGS ZARTKORUEN MUKODO RESZVENYTARSASAG", ("cytrox",)),
        ("SOCIETE ANONYME TECHNOLOGIE SPATIALE (SATS)", ("spatiale", "sats")),
        # Forms of initials without their dots stay words: "a s" is no Czech a.s. here.
        ("A S TRADING", ("a", "s")),
        # An apostrophe inside a word is not cut by the accentless reading (SDN: Yong'an).
        ("Pishan Haishi Yong'an Electronic Technology Co., Ltd", ("haishi", "yongan")),
    ],
)
def test_a_legal_form_written_without_accents_is_read(name: str, trade: tuple[str, ...]) -> None:
    assert parse_name(name).trade == trade
