"""Bill-of-lading abbreviations no table holds, hyphens, and slips that are no pinyin syllable,
through the matcher over the bundled lists and ``sourcetrace screen``.

Every listed name here is on the bundled UFLPA Entity List; the queries are its names as bills of
lading write them (issue 15's probe), the negatives other companies sharing words with them.
"""

from __future__ import annotations

import pytest

from sourcetrace.matching import Matcher
from sourcetrace.model import Decision, EntityName, ListedEntity, Listing
from sourcetrace.settings import load_settings
from tests.conftest import ScreenCommand
from tests.matching.conftest import top_hit


@pytest.mark.parametrize(
    ("query", "listed", "read"),
    [
        # First letters of a word.
        ("HEFEI BITLAND INFO TECH CO LTD", "Hefei Bitland Information Technology Co., Ltd.",
         "'INFO' as 'information'"),
        ("ZHUHAI NINESTAR INFO TECH CO LTD", "Zhuhai Ninestar Information Technology Co. Ltd.",
         "'INFO' as 'information'"),
        ("HONGYUAN NEW MAT (BAOTOU) CO LTD", "Hongyuan New Materials (Baotou) Co., Ltd.",
         "'MAT' as 'materials'"),
        ("TAIYUAN WEISHAN INTERNATIONAL ECON BUS CO",
         "Taiyuan Weishan International Economic Business Co., Ltd.",
         "'ECON' as 'economic', 'BUS' as 'business'"),
        # A consonant skeleton keeping the first letters.
        ("SHANDONG GOLD MNG CO LTD", "Shandong Gold Mining Co., Ltd.", "'MNG' as 'mining'"),
        ("XINJIANG JINBAO MNG CO LTD", "Xinjiang Jinbao Mining Co., Ltd.", "'MNG' as 'mining'"),
        ("LOP CNTY HAIR PRODUCT IND PARK", "Lop County Hair Product Industrial Park",
         "'CNTY' as 'county'"),
        ("LINXI CNTY FANGPEI COTTON",
         "Linxi County Fangpei Cotton Buying and Selling Co., Ltd.", "'CNTY' as 'county'"),
        # A word the parser keeps in the trade name, after its first word: no pinyin.
        ("ZHUHAI APEX MICROELEC CO LTD", "Zhuhai Apex Microelectronics Co., Ltd.",
         "'MICROELEC' as 'microelectronics'"),
        ("JIANGSU YINLONG WHSG & LOGISTICS CO",
         "Jiangsu Yinlong Warehousing and Logistics Co., Ltd.", "'WHSG' as 'warehousing'"),
        ("HONGYUAN NEW MATLS BAOTOU CO LTD", "Hongyuan New Materials (Baotou) Co., Ltd.",
         "'MATLS' as 'materials'"),
        # Letters joined by "&".
        ("JIANGSU MEIKE SOLAR S&T CO LTD", "Jiangsu Meike Solar Technology Co., Ltd.",
         "'S&T' as 'science and technology'"),
        # A hyphen on one side only; an English compound written in two.
        ("ZHUHAI PUTECH INDUSTRIAL CO LTD", "Zhuhai Pu-Tech Industrial Co., Ltd.",
         "'PUTECH' as 'pu-tech'"),
        ("WESTERN GOLD HAMI GOLDMINE CO", "Western Gold Hami Gold Mine Co., Ltd.",
         "'GOLDMINE' as 'gold mine'"),
    ],
)  # fmt: skip
def test_an_abbreviated_word_is_read_as_the_listed_word_and_matches(
    matcher: Matcher, query: str, listed: str, read: str
) -> None:
    hit = top_hit(matcher, query)
    assert hit is not None and hit.decision is Decision.MATCH
    # (The lists punctuate one name differently: "Co., Ltd" and "Co., Ltd.")
    assert hit.matched_name.rstrip(".") == listed.rstrip(".")
    assert hit.reasons[0] == f"read {read}"


@pytest.mark.parametrize(
    "query",
    [
        # Other companies: the trade name differs, however the industry words are abbreviated.
        "XINJIANG JINSHI MNG DEV CO LTD",
        "ZHUHAI WINBASE INFO TECH CO LTD",
        "LOP CNTY TIANYI TRADING CO",
        "HUBEI YINHE WHSG & LOGIST CO LTD",
        "JIANGSU MEILAN SOLAR S&T CO LTD",
    ],
)
def test_an_abbreviation_never_makes_another_trade_name_the_listed_one(
    matcher: Matcher, query: str
) -> None:
    assert all(h.decision is Decision.CLEAR for h in matcher.match(query))


@pytest.mark.parametrize("query", ["XINJIANG JIN MNG CO LTD", "HEFEI BIT INFO TECH CO LTD"])
def test_an_abbreviation_is_not_read_into_the_distinctive_trade_name(
    matcher: Matcher, query: str
) -> None:
    # "JIN" and "BIT" are the first letters of "jinbao" and "bitland", the listed trade names:
    # never read so (the industry words alone make no match).
    hits = matcher.match(query)
    assert all(h.decision is Decision.CLEAR for h in hits)
    assert not any("as 'jinbao'" in r or "as 'bitland'" in r for h in hits for r in h.reasons)


def test_a_slip_that_is_no_pinyin_syllable_is_a_slip(matcher: Matcher) -> None:
    # "tei" is no syllable a name is written in: "teida" can only be "taida" mistyped.
    hit = top_hit(matcher, "HETIAN TEIDA APPAREL CO LTD")
    assert hit is not None and hit.decision is Decision.MATCH
    assert hit.matched_name == "Hetian Taida Apparel Co., Ltd"
    assert hit.reasons[0].startswith("trade name 'teida' is spelled like 'taida'")


def test_a_changed_letter_that_is_another_syllable_stays_another_company(
    matcher: Matcher,
) -> None:
    # "taide" is tai-de, other characters than tai-da: whatever else agrees, not a slip.
    hit = top_hit(matcher, "HETIAN TAIDE APPAREL CO LTD")
    assert hit is not None and hit.decision is Decision.CLEAR
    assert "trade name 'taide' differs from 'taida'" in hit.reasons[0]


def test_screen_command_reads_abbreviations(screen_command: ScreenCommand) -> None:
    rows = screen_command(
        {"shipper": ["SHANDONG GOLD MNG CO LTD", "XINJIANG JINSHI MNG DEV CO LTD",
                     "ZHUHAI PUTECH INDUSTRIAL CO LTD"]},
        file_name="bills.csv",
    )  # fmt: skip
    assert [r["decision"] for r in rows] == ["match", "clear", "match"]
    reasons = [r["reasons"] for r in rows]
    # (The command matches each distinct name once, folded: the words are read in lower case.)
    assert reasons[0].lower().startswith("read 'mng' as 'mining'")
    assert reasons[2].lower().startswith("read 'putech' as 'pu-tech'")


@pytest.fixture(scope="module")
def sanctions_matcher() -> Matcher:
    """Listed names of the external pairs (sanctions lists) that other listed names abbreviate
    in appearance only."""
    names = [
        "SAINT-PETERSBURG INTERNATIONAL BANKING CONFERENCE LLC",
        "UNITED GENERAL SERVICES SARL",
        "Shaanxi Aerospace Science and Technology Co., Ltd",
        "POPOV COMMUNICATIONS EQUIPMENT PLANT",
    ]
    entities = [
        ListedEntity(id=f"e{i}", schema="Company", caption=n, names=[EntityName(n)],
                     listings=[Listing("test list")])
        for i, n in enumerate(names)
    ]  # fmt: skip
    return Matcher(entities, load_settings())


@pytest.mark.parametrize(
    ("query", "unread"),
    [
        # A whole word with an ending added is another word, not an abbreviation.
        ("BANK SAINT-PETERSBURG PUBLIC JOINT STOCK COMPANY", "'BANK' as 'banking'"),
        ("JOINT STOCK COMPANY COMMUNICATION EQUIPMENT", "as 'communications'"),
        # A legal form is no abbreviation of another.
        ("UNITED GENERAL HOLDING SAL", "'SAL' as 'sarl'"),
        # A trade word read, but the industry still differs: another company.
        ("Shaanxi Aero Electric Co., Ltd", "'Aero' as 'aerospace'"),
    ],
)
def test_words_that_only_look_abbreviated_are_not_read(
    sanctions_matcher: Matcher, query: str, unread: str
) -> None:
    hits = sanctions_matcher.match(query)
    assert not any(unread in r for h in hits for r in h.reasons)
    assert not any(h.decision is Decision.MATCH for h in hits)


@pytest.mark.parametrize(
    ("query", "unread"),
    [
        # A telephone number after the name: "TEL" is no abbreviation of "technology".
        ("Donghai Investment Company Limited TEL +86 991 5539 9260", "'TEL'"),
        # A pinyin syllable of the trade name is no abbreviation of "holdings".
        ("CHANG HONG MEILING CO LIMITED BLDG 2 NO 9 HUANGHE RD HEFEI ANHUI", "'HONG'"),
    ],
)
def test_address_words_and_pinyin_are_not_read(matcher: Matcher, query: str, unread: str) -> None:
    hits = matcher.match(query)
    assert not any(f"read {unread}" in r for h in hits for r in h.reasons)
