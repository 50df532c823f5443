"""An alert needs more than a trade word shared with a listed company (issue 15, version 6 of the
rules: ``beyond_shared_word`` in matching/score.py).

Listed names are the bundled lists' own (UFLPA Entity List: Jiangsu Meike Solar Technology and
its alias "Meike Co.", Xinjiang Jinbao Mining, Xinjiang Zhongtai Group and Chemical, Ninestar
Corporation and Zhuhai Ninestar Information Technology, Western Gold, Dongguan Oasis Shoes,
Zhuhai Seine Printing Technology); the queries are other companies as shipping documents and
company registers write them, and true spellings of the listed ones.
"""

from __future__ import annotations

from functools import partial

import pytest

from sourcetrace.matching import Matcher
from sourcetrace.model import Decision
from sourcetrace.settings import load_settings
from tests.matching.conftest import alerts_for, listed_company, verdict

# Entries of the bundled UFLPA Entity List (the module docstring names them).
uflpa_company = partial(listed_company, list_name="UFLPA Entity List")


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(
        [
            uflpa_company("meike", "Jiangsu Meike Solar Technology Co., Ltd.", "Meike Co."),
            uflpa_company("baotou-meike", "Baotou Meike Silicon Energy Co., Ltd."),
            uflpa_company("jinbao", "Xinjiang Jinbao Mining Co., Ltd."),
            uflpa_company("zhongtai-group", "Xinjiang Zhongtai Group Co. Ltd"),
            uflpa_company("zhongtai-chemical", "Xinjiang Zhongtai Chemical Co. Ltd."),
            uflpa_company("ninestar", "Ninestar Corporation"),
            uflpa_company("ninestar-it", "Zhuhai Ninestar Information Technology Co. Ltd."),
            uflpa_company("westerngold", "Western Gold Co., Ltd."),
            uflpa_company("oasis", "Dongguan Oasis Shoes Co., Ltd."),
            uflpa_company("seine", "Zhuhai Seine Printing Technology Co., Ltd."),
        ],
        load_settings(),
    )


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        # Same trade word and province, another industry; the alias "Meike Co." names none.
        ("JIANGSU MEIKE GARMENT CO LTD", "meike"),
        # The short Chinese name of such a company (美科服装: Meike garments).
        ("美科服装有限公司", "meike"),
        ("XINJIANG JINBAO TEXTILE CO LTD", "jinbao"),
        # An English word shared, another industry, no region on one side.
        ("WESTERN DIGITAL TECHNOLOGIES INC", "westerngold"),
        ("OASIS FOODS INC", "oasis"),
        # "Ninestar" written as English words, another industry and no region.
        ("NINE STAR LOGISTICS LLC", "ninestar"),
    ],
)
def test_a_shared_common_trade_word_alone_is_no_alert(
    matcher: Matcher, query: str, listed: str
) -> None:
    assert alerts_for(matcher, query) == []
    # The hit is still shown, clear, with the reason saying what differs.
    hit = next(h for h in matcher.match(query) if h.entity.id == listed)
    assert hit.reasons[0].startswith("only the trade name"), hit.reasons
    assert "differs" in hit.reasons[0] or "do not" in hit.reasons[0], hit.reasons


def test_a_trading_company_of_a_listed_groups_trade_word_and_region_is_a_review(
    matcher: Matcher,
) -> None:
    """A group's trading arm is plausible, but the word and the province are not a match."""
    alerts = alerts_for(matcher, "XINJIANG ZHONGTAI TRADING CO")
    assert alerts and alerts[0].entity.id == "zhongtai-group", alerts
    assert alerts[0].decision is Decision.REVIEW
    assert any("a review at most" in r for r in alerts[0].reasons), alerts[0].reasons


def test_a_coined_trade_word_in_another_industry_stays_a_review(matcher: Matcher) -> None:
    """A coined word ("Seine" is no pinyin and not frequent English) in another line of
    business may still be a subsidiary: a look, never a match."""
    alerts = alerts_for(matcher, "SEINE TEXTILES SARL")
    assert [(h.entity.id, h.decision) for h in alerts] == [("seine", Decision.REVIEW)]


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        ("JIANGSU MEIKE SOLAR TECH CO LTD", "meike"),
        ("BAOTOU MEIKE SILICON ENERGY CO", "baotou-meike"),
        ("XINJIANG JINBAO MINING CO LTD", "jinbao"),
        ("XINJIANG ZHONGTAI CHEMICAL CO LTD", "zhongtai-chemical"),
        ("XINJIANG ZHONGTAI GROUP CO LTD", "zhongtai-group"),
        ("NINESTAR CORP", "ninestar"),
        ("ZHUHAI NINESTAR INFO TECH CO LTD", "ninestar-it"),
        ("WESTERN GOLD CO LTD", "westerngold"),
        ("DONGGUAN OASIS SHOES CO LTD", "oasis"),
    ],
)
def test_the_listed_companies_written_otherwise_are_still_matched(
    matcher: Matcher, query: str, listed: str
) -> None:
    alerts = alerts_for(matcher, query)
    assert alerts and verdict(alerts[0]) == (listed, Decision.MATCH), [
        (h.entity.id, h.decision, h.reasons) for h in alerts
    ]


@pytest.fixture(scope="module")
def numbered() -> Matcher:
    """Listed names told apart by a number (CBP Withhold Release Orders, UFLPA Entity List)."""
    return Matcher(
        [
            listed_company(
                "camp-1", "Guangzhou No. 1 Reeducation-Through-Labor Camp",
                list_name="CBP Withhold Release Orders",
            ),
            uflpa_company("vocational-4", "No. 4 Vocational Skills Education Training Center"),
        ],
        load_settings(),
    )


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        ("GUANGZHOU NO 1 REEDUCATION THROUGH LABOR CAMP", "camp-1"),
        ("NO 4 VOCATIONAL SKILLS EDUCATION TRAINING CENTER", "vocational-4"),
    ],
)
def test_the_same_number_is_still_an_alert(numbered: Matcher, query: str, listed: str) -> None:
    alerts = alerts_for(numbered, query)
    assert alerts and alerts[0].entity.id == listed, alerts


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        ("GUANGZHOU NO 2 REEDUCATION THROUGH LABOR CAMP", "camp-1"),
        ("No. 2 Vocational Skills Education Training Center", "vocational-4"),
    ],
)
def test_another_number_is_another_unit(numbered: Matcher, query: str, listed: str) -> None:
    assert alerts_for(numbered, query) == []
    hit = next(h for h in numbered.match(query) if h.entity.id == listed)
    assert hit.reasons[0].startswith("numbered otherwise"), hit.reasons


@pytest.fixture(scope="module")
def coined() -> Matcher:
    """Listed names that read as no pinyin, with the aliases the lists give them (BIS Entity
    List and OFAC SDN entries of the restricted-party snapshot,
    sources/watchlists/restricted_party_lists_snapshot_2026-07-16.json; origin in
    sources/README.md)."""
    return Matcher(
        [
            listed_company(
                "gugi", "Main Directorate of Deep-Sea Research", "GUGI",
                list_name="BIS Entity List",
            ),
            listed_company("vafa", "VAFA WHOLESALE LTD", "OOO OF VAFA", list_name="OFAC SDN"),
            listed_company(
                "has", "AKTSIONERNOE OBSHCHESTVO SG-DEVELOPMENT", "HAS-DEVELOPMENT JSC",
                list_name="OFAC SDN",
            ),
        ],
        load_settings(),
    )


@pytest.mark.parametrize(("query", "listed"), [("GU GE", "gugi"), ("DA FA", "vafa"),
                                               ("HA SU", "has")])  # fmt: skip
def test_pinyin_read_out_is_not_compared_letter_by_letter(
    coined: Matcher, query: str, listed: str
) -> None:
    """Pinyin written a syllable a word (谷歌 "GU GE") shares letters, not characters, with a
    name that reads as no pinyin: clear, and the reason says so."""
    assert alerts_for(coined, query) == []
    hit = next(h for h in coined.match(query) if h.entity.id == listed)
    assert hit.reasons[0].startswith(f"the pinyin trade name '{query.lower()}'"), hit.reasons


@pytest.mark.parametrize(("query", "listed"), [("GUGI LLC", "gugi"), ("VAFA OOO", "vafa")])
def test_the_coined_names_are_still_found(coined: Matcher, query: str, listed: str) -> None:
    alerts = alerts_for(coined, query)
    assert alerts and verdict(alerts[0]) == (listed, Decision.MATCH)
