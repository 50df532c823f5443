"""Xinjiang places in names and addresses: the gazetteer's Chinese, pinyin and English forms."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sourcetrace.names.location import may_hold_xinjiang_place, xinjiang_places, xinjiang_postcode
from sourcetrace.names.text import latin_tokens
from sourcetrace.names.vocabulary import vocabulary


@pytest.mark.parametrize(
    ("text", "places"),
    [
        ("XINJIANG ZHONGTAI CHEMICAL CO LTD", ["新疆维吾尔自治区"]),
        ("Aksu Huafu Textile", ["阿克苏地区"]),
        ("NO 5 BEIJING RD, URUMQI", ["乌鲁木齐市"]),
        ("East Turkistan Trading", ["新疆维吾尔自治区"]),  # a place name of two words
        ("He Tian Jade Carving Factory", ["和田地区"]),  # pinyin written as two syllables
        ("喀什宇恒棉业有限公司", ["喀什地区"]),
        ("Kashgar 喀什 Cotton", ["喀什地区"]),
        ("Ningbo Shenzhou Knitting Co Ltd", []),  # a place outside Xinjiang
        ("HETIANXIA TRADING", []),  # a place name inside a longer word is not that place
        ("", []),
    ],
)
def test_xinjiang_places(text: str, places: list[str]) -> None:
    assert xinjiang_places(text) == places


def test_each_place_is_listed_once() -> None:
    assert xinjiang_places("Aksu Xinjiang Aksu") == ["阿克苏地区", "新疆维吾尔自治区"]


def test_postcode() -> None:
    assert xinjiang_postcode("88 Beijing Rd, Urumqi 830011") == "830011"
    assert xinjiang_postcode("Ningbo 315000") == ""
    assert xinjiang_postcode("tel 8300112345") == ""  # part of a longer number


@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_ascii_tokens_are_the_unicode_patterns_tokens(text: str) -> None:
    assert latin_tokens(text) == re.findall(r"[^\W_]+", text)


def test_column_wise_check_keeps_every_text_with_a_place() -> None:
    keys = list(vocabulary().places_latin)
    texts = [
        *(k.upper() for k in keys),
        *(f"{k[:2]} {k[2:]} Trading" for k in keys),
        "喀什宇恒棉业有限公司",
        "Ürümqi Knitwear Co",
        "Ningbo Shenzhou Knitting Co Ltd",
    ]
    kept = set(may_hold_xinjiang_place(texts))
    assert all(t in kept for t in texts if xinjiang_places(t))
    assert "Ningbo Shenzhou Knitting Co Ltd" not in kept  # most texts are ruled out
