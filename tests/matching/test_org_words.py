"""Organisation words of other languages and scripts meet the English listing (issue 15):
"Grupp" is Group, "Inzhiniring" Engineering, "Zavod" Factory, "Концерн" Concern (rigour's name
symbols, ``names/symbols.py``), while initials stay those of the words as written.

Listed names and their aliases are real: OpenSanctions' yente test fixture
(``tests/fixtures/yente_fixture_zala.ftm.jsonl``: Kalashnikov Concern) and entries of the US SDN
list as ``benchmarks/matching/data/pairs.csv`` holds them (its train split).
"""

from __future__ import annotations

import pytest

from sourcetrace.matching import Matcher
from sourcetrace.model import Decision
from sourcetrace.settings import load_settings
from tests.matching.conftest import best_alert, listed_company, verdict


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(
        [
            listed_company("kalashnikov", "Kalashnikov Concern JSC"),
            listed_company("yuna", "LIMITED LIABILITY COMPANY YUNA ENGINEERING"),
            listed_company("navimaks", "LIMITED LIABILITY COMPANY NAVIMAKS GROUP"),
            listed_company(
                "kzsk", "AKTSIONERNOE OBSHCHESTVO KAZANSKII ZAVOD SINTETICHESKOGO KAUCHUKA"
            ),
            listed_company("guard", "OBSHCHESTVO S OGRANICHENNOI OTVETSTVENNOSTYU GUARD KAPITAL"),
            listed_company("atm", "LIMITED LIABILITY COMPANY ATM TEKHNOLODZHI"),
            # The fixture's Aeroscan and TransKomplektHolding, by their Cyrillic names only.
            listed_company("aeroscan", "Общество с ограниченной ответственностью «Аэроскан»"),
            listed_company("tkh", 'Акціонерне товариство "ТрансКомплектХолдинг"'),
        ],
        load_settings(),
    )


@pytest.mark.parametrize(
    ("query", "entity"),
    [
        # Russian and Ukrainian names of the fixture's Kalashnikov Concern, in Cyrillic: the
        # legal form off (rigour), "Концерн" read as Concern, the rest transliterated.
        ("АО «Концерн «Калашников»", "kalashnikov"),
        ("Акціонерне товариство «Концерн Калашнікова»", "kalashnikov"),
        ('Aktsionerne tovarystvo "Kontsern "Kalashnykov"', "kalashnikov"),
        # SDN aliases transliterated from Russian.
        ("YUNA INZHINIRING", "yuna"),
        ("NAVIMAKS GRUPP", "navimaks"),
    ],
)
def test_org_words_of_another_language_meet_the_english_listing(
    matcher: Matcher, query: str, entity: str
) -> None:
    assert verdict(best_alert(matcher, query)) == (entity, Decision.MATCH)


def test_initials_stay_those_of_the_words_as_written(matcher: Matcher) -> None:
    # KZSK: Kazanskii Zavod Sinteticheskogo Kauchuka, though "Zavod" is read as "factory".
    assert verdict(best_alert(matcher, "AO KZSK")) == ("kzsk", Decision.MATCH)


@pytest.mark.parametrize(
    "query",
    [
        # Other SDN entities that share only an organisation word or a common word with them.
        "LIMITED LIABILITY COMPANY KAPITAL GRUPP",
        "LIMITED LIABILITY COMPANY ATM GRUPP",
        "OOO INZHINIRING",
    ],
)
def test_a_shared_org_word_alone_is_no_match(matcher: Matcher, query: str) -> None:
    assert verdict(best_alert(matcher, query))[1] is not Decision.MATCH


@pytest.mark.parametrize(
    ("query", "entity"),
    [
        # The soft sign written as an apostrophe: the legal form is still one.
        ("OBSHCHESTVO S OGRANICHENNOY OTVETSTVENNOST'YU AEROSKAN", "aeroscan"),
        ("Obshchestvo s ogranichennoy otvetstvennostyu Aeroskan", "aeroscan"),
        # The fixture's Latin name, spelled otherwise than anyascii's "Aeroskan".
        ("AEROSCAN", "aeroscan"),
        # The fixture's own Latin spelling of the Ukrainian name.
        ('Aktsionerne tovarystvo "TransKomplektKholdynh"', "tkh"),
    ],
)
def test_a_cyrillic_listing_meets_its_transliteration(
    matcher: Matcher, query: str, entity: str
) -> None:
    assert verdict(best_alert(matcher, query)) == (entity, Decision.MATCH)


def test_a_transliteration_variant_is_the_same_name() -> None:
    # The fixture lists Aeroscan as "AEROSCAN"; anyascii reads Аэроскан as "Aeroskan" (К as
    # k): letters transliterations write apart are one name across scripts.
    matcher = Matcher([listed_company("aeroscan", "AEROSCAN")], load_settings())
    assert verdict(best_alert(matcher, "ООО «Аэроскан»")) == ("aeroscan", Decision.MATCH)


def test_a_short_transliteration_is_no_spelling_of_a_pinyin_name() -> None:
    # 'ООО "БАЙ"' is a clean company name of the nomenklatura bench; "bai" is one letter from
    # the bundled UFLPA entity's alias "Bayi Iron and Steel", a pinyin name (八一): no alert.
    matcher = Matcher(
        [
            listed_company(
                "bayi", "Baowu Group Xinjiang Bayi Iron and Steel Co., Ltd.", "Bayi Iron and Steel"
            )
        ],
        load_settings(),
    )
    assert verdict(best_alert(matcher, 'ООО "БАЙ"')) == ("", Decision.CLEAR)
