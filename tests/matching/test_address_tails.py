"""Address tails the parser kept in the name (issue 15): a county-level town after the legal
form, a bare street number after a name with no legal form, a city and its province after one.
Every listed name is on the bundled lists; the lines are written as the held-out probe
(benchmarks/matching/probe/tails_heldout.tsv) writes them, but none of them is one of its rows.
"""

from __future__ import annotations

import pytest

from sourcetrace.matching import Matcher
from sourcetrace.names.parse import parse_name
from tests.conftest import ScreenCommand
from tests.matching.conftest import matched


@pytest.mark.parametrize(
    ("line", "listed"),
    [
        # County-level towns (counties.tsv, GB/T 2260) after the legal form: the address.
        ("ZIJIN MINING GROUP CO LTD SHANGHANG FUJIAN CHINA", "Zijin Mining Group Co., Ltd."),
        ("JIANGSU MEIKE SOLAR TECHNOLOGY CO LTD YANGZHONG ZHENJIANG JIANGSU",
         "Jiangsu Meike Solar Technology Co., Ltd."),
        ("HEBEI TOMATO INDUSTRY CO., LTD., LUANNAN, TANGSHAN, HEBEI",
         "Hebei Tomato Industry Co., Ltd."),
        # A bare street number after a name with no legal form.
        ("TBEA 189 BEIJING SOUTH ROAD CHANGJI", "TBEA Co., Ltd."),
        ("KINGHERBS 6 LUGU AVENUE CHANGSHA HUNAN", "Kingherbs Limited"),
        # A city and then its province after a name with no legal form, no country.
        ("WESTERN GOLD URUMQI XINJIANG", "Western Gold Co., Ltd."),
        ("COFCO SUGAR HOLDINGS URUMQI XINJIANG", "COFCO Sugar Holdings Co., Ltd."),
    ],
)  # fmt: skip
def test_a_name_followed_by_its_address_tail_matches(
    matcher: Matcher, line: str, listed: str
) -> None:
    hit = matched(matcher, line)
    assert hit.entity.caption == listed


@pytest.mark.parametrize(
    ("line", "listed"),
    [
        # Where the company sits, as filings and press releases write it after the legal form:
        # "of", a city, a comma, its province or country.
        ("Camel Group Co., Ltd. of Xiangyang, China", "Camel Group Co., Ltd."),
        ("Hunan Aihua Group Co., Ltd. of Yiyang, Hunan", "Hunan Aihua Group Co., Ltd."),
    ],
)  # fmt: skip
def test_a_seat_after_the_legal_form_is_an_address(
    matcher: Matcher, line: str, listed: str
) -> None:
    hit = matched(matcher, line)
    assert hit.entity.caption == listed
    assert parse_name(line).uncut


def test_of_a_country_or_a_place_without_comma_stays_in_the_name() -> None:
    # "Corporation of China" is a name's own words, with or without a seat after it; so is one
    # place after "of" with nothing past a comma ("Bank Corporation of Shanghai").
    for name in ("Aviation Industry Corporation of China, Beijing",
                 "Aviation Industry Corporation of China", "Acme Corporation of Shanghai"):  # fmt: skip
        assert not parse_name(name).uncut, name


def test_a_county_town_is_an_address_only_after_the_legal_form() -> None:
    # After the legal form: cut, not read as the name's region.
    tail = parse_name("JIANGYIN LIANYUN CO LTD JINJIANG QUANZHOU FUJIAN")
    assert "jinjiang" not in tail.plain and tail.regions == parse_name("JIANGYIN LIANYUN").regions
    # First in the name, a county town is the name's own word (Jinjiang is also a trade name).
    assert "jinjiang" in parse_name("JINJIANG INTERNATIONAL HOLDINGS CO LTD SHANGHAI").plain
    # Followed by a word that is no place, the tail stays part of the name.
    assert "jinjiang shoes" in parse_name("ACME CO LTD JINJIANG SHOES").plain


def test_numbers_and_single_places_that_belong_to_the_name_stay() -> None:
    # A number with no street after it, a number first, one place that lost its brackets
    # ("Hoshine Silicon Industry (Shanshan)"), a name of places only: not an address.
    for name in ("Shenyang 2 Laogai Detachment", "Lien Yi Hsing 12", "361 DEGREES SPORTS",
                 "HOSHINE SILICON INDUSTRY SHANSHAN", "URUMQI XINJIANG"):  # fmt: skip
        assert not parse_name(name).uncut, name
    assert parse_name("HOSHINE SILICON INDUSTRY SHANSHAN").regions


def test_screen_command_cuts_address_tails(screen_command: ScreenCommand) -> None:
    rows = screen_command(
        {
            "consignee": [
                "ZIJIN MINING GROUP CO LTD SHANGHANG FUJIAN CHINA",
                "TBEA 189 BEIJING SOUTH ROAD CHANGJI",
                "WESTERN GOLD URUMQI XINJIANG",
            ]
        },
        file_name="bills.csv",
    )
    assert [r["decision"] for r in rows] == ["match", "match", "match"]


def test_renamed_prefectures_are_places(matcher: Matcher) -> None:
    # GB/T 2260 writes a renamed prefecture as "[-2009]襄樊市,[2010-]襄阳市"; the current name is
    # the last, and was dropped with the old one (Dalian, Xiangyang, Huai'an were no places).
    dalian = parse_name("DALIAN SUNSPEED FOODS CO LTD")
    assert dalian.regions == frozenset({"210200"}) and dalian.trade == ("sunspeed",)
    hit = matched(matcher, "CAMEL GROUP XIANGYANG HUBEI")
    assert hit.entity.caption == "Camel Group Co., Ltd."
