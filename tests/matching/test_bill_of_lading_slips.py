"""Bill-of-lading spellings of listed names that a slip or a clerk's habit broke (issue 15): a
legal form typed with a slip, a floor number after the name, "I/E", a space lost between two
words, a place of another province as the trade name. Every listed name is on the bundled
lists; the queries are spelled as the held-out probe (benchmarks/matching/probe) writes them.
"""

from __future__ import annotations

import pytest

from sourcetrace.matching import Matcher
from sourcetrace.names.parse import parse_name
from tests.matching.conftest import best_alert, matched


@pytest.mark.parametrize(
    ("query", "listed", "said"),
    [
        # A legal form typed with a slip became the trade name: "ldt" against "xinjiang tianshan".
        ("XINJIANG TIANSHAN WOOL TXTL CO LDT", "Xinjiang Tianshan Wool Textile Co. Ltd.", ()),
        ("SHANDONG GOLD SMELTING CO LIMTED", "Shandong Gold Smelting Co., Ltd.", ()),
        # Cut in the legal form at another width than 35 characters.
        ("HUBEI YINFENG WHSG AND LOGISTICS CO L",
         "Hubei Yinfeng Warehousing and Logistics Co., Ltd.", ()),
        # A floor before the street number: "18F" was kept as the trade name.
        ("TIANJIN KUNYU INTERNATIONAL CO LTD 18F NO 5 NANJING RD HEPING DIST TIANJIN",
         "Tianjin Kunyu International Co., Ltd.", ()),
        # "I/E": import and export, as the table reads "IMP EXP".
        ("JUNAN JINSHENG I/E CO LTD", "Junan Jinsheng Import & Export Co., Ltd.", ()),
        # A space lost between the trade name and the industry word.
        ("SHANDONG WEIQIAOTEXTILE TECHNOLOGY CO LTD",
         "Shandong Weiqiao Textile Technology Co., Ltd.", ()),
        # Two letters, read where the rest of the name agrees (the negatives further down).
        ("ANNAN CANNED FD CO LTD", "Annan Canned Food Co., Ltd.", ("'FD' as 'food'",)),
        ("LOP COUNTY HAIR PRODUCT IND PK", "Lop County Hair Product Industrial Park",
         ("'PK' as 'park'",)),
        ("CHINA COTTON GRP SHANDONG LOGIST PK CO",
         "China Cotton Group Shandong Logistics Park Co., Ltd.", ("'PK' as 'park'",)),
        # A slip and an abbreviation in one name: both are read, and the reason says so.
        ("HEFEI BITLNAD INFO TECH CO LTD", "Hefei Bitland Information Technology Co., Ltd",
         ("'bitlnad' as 'bitland'", "a typing slip and an abbreviation")),
        ("ZHUHAI NINESTAR INFO TECHNLOGY CO LTD",
         "Zhuhai Ninestar Information Technology Co. Ltd.",
         ("'technlogy' as 'technology'", "a typing slip and an abbreviation")),
    ],
)  # fmt: skip
def test_a_bill_of_lading_spelling_matches_its_listed_name_and_says_what_it_read(
    matcher: Matcher, query: str, listed: str, said: tuple[str, ...]
) -> None:
    hit = matched(matcher, query)
    assert listed in (hit.entity.caption, hit.matched_name)
    # The first reason is the one a reviewer reads first: it names what was read.
    assert [part for part in said if part not in hit.reasons[0]] == [], hit.reasons


def test_a_place_of_another_province_is_the_trade_name(matcher: Matcher) -> None:
    # Kunyu is a city of Xinjiang; after Tianjin it is the trade name (天津昆玉), so the listed
    # name itself was only `review` ("no distinctive trade name beyond the place name").
    parsed = parse_name("Tianjin Kunyu International Co., Ltd.")
    assert parsed.trade == ("kunyu",) and parsed.region_words == ("tianjin",)
    matched(matcher, "TIANJIN KUNYU INTERNATIONAL CO LTD")
    # Written last, as English listings write the region, the name's region is that one.
    assert parse_name("Kunyu International (Tianjin) Co., Ltd.").trade == ("kunyu",)
    assert parse_name("Baiyin Mining Development (Xinjiang) Co., Ltd.").trade == ("baiyin",)
    # In its own province it stays a region: the trade name is the word after it.
    assert parse_name("Xinjiang Kunyu Tianrun Trading Co").trade == ("tianrun",)


@pytest.mark.parametrize("name", ["ACME LTC", "XINJIANG TIANSHAN LID", "ACME CO LTC"])
def test_a_short_word_of_other_letters_is_no_legal_form(name: str) -> None:
    # Only the same letters as LTD ("LDT", "LTTD") after another legal word are read so.
    assert parse_name(name).trade[-1] in {"ltc", "lid"}


def test_words_written_as_one_that_are_both_english_keep_their_doubt(matcher: Matcher) -> None:
    # "NINESTAR" against a listed "Nine Star": the space is not restored (two English words).
    hit = best_alert(matcher, "NINESTAR LOGISTICS LLC")
    assert hit is None or "a typing slip" not in hit.reasons[0]


@pytest.mark.parametrize(
    "query",
    [
        # Another trade name: the rest does not agree, so "FD" is not read.
        "TIANJIN TIANLI FD CO LTD",
        # A word the listed name (Weifang Alice Food) lacks stands beside the two letters.
        "WEIFANG ALICE GARMENT FD CO LTD",
    ],
)
def test_two_letters_are_not_read_where_the_rest_differs(matcher: Matcher, query: str) -> None:
    hit = best_alert(matcher, query)
    assert hit is None or not any("'FD' as" in r for r in hit.reasons)


def test_an_uncertain_trade_slip_is_not_composed_with_an_abbreviation(matcher: Matcher) -> None:
    # "HOEP" for "Hope" is a short trade word one letter off: with "NONFERR" read too, two
    # guesses; the pair is not raised by reading both.
    hit = best_alert(matcher, "XINJIANG EAST HOEP NONFERR METALS CO LTD")
    assert hit is None or "a typing slip and an abbreviation" not in hit.reasons[0]
