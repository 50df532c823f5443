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
from sourcetrace.model import Decision, ListedEntity
from sourcetrace.settings import load_settings


def _entity(ident: str, *names: str) -> ListedEntity:
    return ListedEntity.company(ident, *names, list_name="test list")


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(
        [
            _entity("kalashnikov", "Kalashnikov Concern JSC"),
            _entity("yuna", "LIMITED LIABILITY COMPANY YUNA ENGINEERING"),
            _entity("navimaks", "LIMITED LIABILITY COMPANY NAVIMAKS GROUP"),
            _entity("kzsk", "AKTSIONERNOE OBSHCHESTVO KAZANSKII ZAVOD SINTETICHESKOGO KAUCHUKA"),
            _entity("guard", "OBSHCHESTVO S OGRANICHENNOI OTVETSTVENNOSTYU GUARD KAPITAL"),
            _entity("atm", "LIMITED LIABILITY COMPANY ATM TEKHNOLODZHI"),
            # The fixture's Aeroscan and TransKomplektHolding, by their Cyrillic names only.
            _entity("aeroscan", "Общество с ограниченной ответственностью «Аэроскан»"),
            _entity("tkh", 'Акціонерне товариство "ТрансКомплектХолдинг"'),
        ],
        load_settings(),
    )


def _best(matcher: Matcher, name: str) -> tuple[str, Decision]:
    hits = [h for h in matcher.match(name) if h.decision is not Decision.CLEAR]
    return (hits[0].entity.id, hits[0].decision) if hits else ("", Decision.CLEAR)


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
    assert _best(matcher, query) == (entity, Decision.MATCH)


def test_initials_stay_those_of_the_words_as_written(matcher: Matcher) -> None:
    # KZSK: Kazanskii Zavod Sinteticheskogo Kauchuka, though "Zavod" is read as "factory".
    assert _best(matcher, "AO KZSK") == ("kzsk", Decision.MATCH)


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
    assert _best(matcher, query)[1] is not Decision.MATCH


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
    assert _best(matcher, query) == (entity, Decision.MATCH)


def test_a_transliteration_variant_is_the_same_name() -> None:
    # The fixture lists Aeroscan as "AEROSCAN"; anyascii reads Аэроскан as "Aeroskan" (К as
    # k): letters transliterations write apart are one name across scripts.
    matcher = Matcher([_entity("aeroscan", "AEROSCAN")], load_settings())
    assert _best(matcher, "ООО «Аэроскан»") == ("aeroscan", Decision.MATCH)


def test_a_short_transliteration_is_no_spelling_of_a_pinyin_name() -> None:
    # 'ООО "БАЙ"' is a clean company name of the nomenklatura bench; "bai" is one letter from
    # the bundled UFLPA entity's alias "Bayi Iron and Steel", a pinyin name (八一): no alert.
    matcher = Matcher(
        [
            _entity(
                "bayi", "Baowu Group Xinjiang Bayi Iron and Steel Co., Ltd.", "Bayi Iron and Steel"
            )
        ],
        load_settings(),
    )
    assert _best(matcher, 'ООО "БАЙ"') == ("", Decision.CLEAR)
