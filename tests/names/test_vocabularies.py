"""The field's vocabularies: legal forms from rigour, bill-of-lading abbreviations, pinyin
organisation words, region words with a typo, pinyin compared by syllable."""

from __future__ import annotations

import pytest

from sourcetrace.matching import Matcher
from sourcetrace.model import Decision, EntityName, ListedEntity, Listing
from sourcetrace.names.parse import parse_name
from sourcetrace.settings import load_settings


@pytest.mark.parametrize(
    ("name", "trade"),
    [
        ("ТОВ Ромашка", "ромашка"),
        ("Товариство з обмеженою відповідальністю Ромашка", "ромашка"),
        ("ООО Ромашка", "ромашка"),
        # (Makina, machinery, is an industry word: parse.TURKISH_INDUSTRY.)
        ("DBC Makina Anonim Şirketi", "dbc"),
        ("Acme Public Limited Company", "acme"),
        ("Acme AS", "acme"),
        ("Acme GmbH", "acme"),
        ("Limited Liability Company Acme Group", "acme"),
    ],
)
def test_legal_forms_in_any_language_leave_the_trade_name(name: str, trade: str) -> None:
    parsed = parse_name(name)
    assert parsed.trade_key == trade
    assert parsed.legal


@pytest.mark.parametrize(
    "name",
    [
        "SHANDONG RUYI TEX GRP CO LTD",
        "Shandong Ruyi Textile Group Co., Ltd.",
        "SHANDONG RUYI TEXTILE GR",
        "Shandong Ruyi Fangzhi Jituan Youxian Gongsi",
        "SHANDONG RUYI TEXTILE GROUP CO LTD RM 501 BLDG 2 NO 16 JIEFANG RD KASHGAR 844000 CN",
    ],
)
def test_bill_of_lading_spellings_parse_to_the_same_parts(name: str) -> None:
    parsed = parse_name(name)
    assert parsed.trade == ("ruyi",)
    assert "textile" in parsed.industry
    assert parsed.regions == frozenset({"370000"})


@pytest.mark.parametrize("name", ["Xingjiang Zhongtai Chemical", "Xinjaing Zhongtai Chemical"])
def test_a_region_word_with_a_typo_is_still_the_region(name: str) -> None:
    parsed = parse_name(name)
    assert parsed.trade == ("zhongtai",) and parsed.regions == frozenset({"650000"})


def test_a_trade_name_one_letter_from_a_county_stays_a_trade_name() -> None:
    assert parse_name("Huafu Fashion Co Ltd").trade == ("huafu",)  # Shufu is a county


def _one(name: str) -> Matcher:
    entity = ListedEntity(
        id="x", schema="Company", caption=name, names=[EntityName(name)],
        listings=[Listing("UFLPA Entity List")],
    )  # fmt: skip
    return Matcher([entity], load_settings())


@pytest.mark.parametrize(
    ("listed", "query"),
    [
        ("Xinjiang Rongsheng Textile Co., Ltd.", "XINJIANG LONGSHENG TEXTILE CO LTD"),
        ("Hetian Yiming Garment Co., Ltd.", "HETIAN YILING GARMENT CO LTD"),
    ],
)
def test_pinyin_one_syllable_apart_is_another_company(listed: str, query: str) -> None:
    hits = _one(listed).match(query)
    assert not hits or hits[0].decision is Decision.CLEAR
    if hits:  # spelled alike: the reason says what differs
        assert "differs" in hits[0].reasons[0]


def test_bill_of_lading_abbreviations_still_match() -> None:
    matcher = _one("Xinjiang Zhongtai Chemical Co. Ltd.")
    hits = matcher.match("XINJIANG ZHONGTAI CHEM IND CO LTD")
    assert hits and hits[0].decision is Decision.MATCH


def test_constr_reads_as_construction() -> None:
    # "China Communications Constr Co Ltd" is how the restricted-party snapshot writes an alias
    # of China Communications Construction Company Ltd: the abbreviation's public origin.
    parsed = parse_name("CHINA COMMUNICATIONS CONSTR CO LTD")
    assert "constr" not in parsed.trade
    hits = _one("China Communications Construction Company Ltd").match(
        "CHINA COMMUNICATIONS CONSTR CO LTD"
    )
    assert hits and hits[0].decision is Decision.MATCH
