"""Names in Cyrillic (and Greek) against the Latin names the lists write (issue 15: the
OpenSanctions pairs' Cyrillic kind, where logic-v2 led).

A Cyrillic name meets its transliteration however the system wrote the soft and hard signs
(ь, ъ: an apostrophe in GOST and anyascii, ʹ ʺ in BGN/PCGN, nothing on most lists), whichever
side holds the Cyrillic: a list written in Cyrillic is searched in Latin letters too. Companies
that share a word (Gazprom Svyaz / Gazprom Neft, the two Ulyanovsk plants) stay apart.

Listed Latin names: entries and aliases of the BIS Entity List and the SDN list in the
restricted-party snapshot (sources/watchlists, 2026-07-16), the train and valid splits of
``benchmarks/matching/data/pairs.csv``. The Cyrillic names are the Russian names those aliases
transliterate, written back letter for letter ("Obedinennaya Sudostroitelnaya Korporatsiya" is
Объединённая судостроительная корпорация); they are queries and a list's spelling, not list
entries. The Ukrainian pair is the train split's (the yente fixture's ТрансКомплектХолдинг),
the Cyrillic negatives the nomenklatura bench's look half.
"""

from __future__ import annotations

import pytest

from sourcetrace.matching import Matcher
from sourcetrace.model import Decision
from sourcetrace.settings import load_settings
from tests.matching.conftest import alerts_for, best_verdict, listed_company

LATIN = [
    ("usc", "United Shipbuilding Corporation", "Obedinennaya Sudostroitelnaya Korporatsiya OAO"),
    ("arctic", "UNITED ARCTIC COMPANY LLC", "OOO OBEDINENNAYA ARKTICHESKAYA KOMPANIYA"),
    ("svyaz", "Gazprom Svyaz, OOO",
     "Obshchestvo S Ogranichennoi Otvetstvennostyu 'Gazprom Svyaz'"),
    ("neft", "PUBLIC JOINT STOCK COMPANY GAZPROM NEFT",
     "PUBLICHNOE AKTSIONERNOE OBSHCHESTVO GAZPROM NEFT"),
    ("umz", "Joint Stock Company Ulyanovsk Mechanical Plant", "AO Ulyanovsk Mekhanicheskiy Zavod"),
    ("upz", "AKTSIONERNOE OBSHCHESTVO ULYANOVSKII PATRONNYI ZAVOD",
     "JSC THE ULYANOVSK CARTRIDGE WORKS"),
]  # fmt: skip

RUSSIAN = {
    "usc": "АО «Объединённая судостроительная корпорация»",
    "arctic": "ООО «Объединённая арктическая компания»",
    "svyaz": "ООО «Газпром связь»",
    "neft": "ПАО «Газпром нефть»",
    "umz": "АО «Ульяновский механический завод»",
    "upz": "АО «Ульяновский патронный завод»",
}


@pytest.fixture(scope="module")
def latin_list() -> Matcher:
    return Matcher([listed_company(i, *names) for i, *names in LATIN], load_settings())


@pytest.fixture(scope="module")
def cyrillic_list() -> Matcher:
    """The same companies on a list written in Cyrillic only."""
    return Matcher([listed_company(i, n) for i, n in RUSSIAN.items()], load_settings())


@pytest.mark.parametrize("entity", sorted(RUSSIAN))
def test_a_russian_name_matches_its_latin_listing_and_no_other(
    latin_list: Matcher, entity: str
) -> None:
    alerts = alerts_for(latin_list, RUSSIAN[entity])
    assert [(a.entity.id, a.decision) for a in alerts] == [(entity, Decision.MATCH)]


@pytest.mark.parametrize(("entity", "latin"), [(i, names[-1]) for i, *names in LATIN])
def test_a_latin_name_matches_a_list_written_in_cyrillic_and_no_other(
    cyrillic_list: Matcher, entity: str, latin: str
) -> None:
    # "Obedinennaya Sudostroitelnaya Korporatsiya OAO" met no candidate before: the Cyrillic
    # name was filed under "ob'edinennaya" (the hard sign as an apostrophe) and searched in
    # Cyrillic n-grams only.
    if entity == "upz":
        latin = "AKTSIONERNOE OBSHCHESTVO ULYANOVSKII PATRONNYI ZAVOD"
    alerts = alerts_for(cyrillic_list, latin)
    assert [(a.entity.id, a.decision) for a in alerts] == [(entity, Decision.MATCH)]


def test_a_soft_sign_is_no_letter_of_the_transliteration(cyrillic_list: Matcher) -> None:
    # Газпром связь: "svyaz'" in GOST and anyascii, "Svyaz" on the list.
    hit = cyrillic_list.match("Gazprom Svyaz, OOO")[0]
    assert (hit.entity.id, hit.decision, round(hit.score, 2)) == ("svyaz", Decision.MATCH, 1.0)


def test_a_ukrainian_name_meets_its_ukrainian_transliteration() -> None:
    # The Ukrainian national system writes г "h" and и "y" ("Kholdynh"), anyascii "g" and "i".
    matcher = Matcher(
        [listed_company("tkh", 'Акціонерне товариство "ТрансКомплектХолдинг"')], load_settings()
    )
    hit = matcher.match('Aktsionerne tovarystvo "TransKomplektKholdynh"')[0]
    assert (hit.entity.id, hit.decision) == ("tkh", Decision.MATCH)


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        ('ООО "БАЙ"', 'ООО "БАЙКАЛ"'),
        ('ОБЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ "БАЙ"',
         'ОБЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ "БАЙКАЛ"'),
    ],
)  # fmt: skip
def test_two_cyrillic_companies_sharing_the_legal_form_stay_apart(query: str, listed: str) -> None:
    matcher = Matcher([listed_company("baikal", listed)], load_settings())
    assert alerts_for(matcher, query) == []


def test_a_greek_name_with_its_legal_form_matches_the_company_s_latin_name() -> None:
    # The statute of Mytilineos (pdfslide.tips/documents/11122018-holdings-sa-mytilineos-.html)
    # names it "ΜΥΤΙΛΗΝΑΙΟΣ ΑΝΩΝΥΜΗ ΕΤΑΙΡΕΙΑ" (Α.Ε. for short); its annual report
    # (ar2021.mytilineos.gr) "MYTILINEOS S.A.". No Greek company is on the bundled lists or the
    # snapshot. Α.Ε. is a legal form (rigour holds it as "AE"), and αι is said "e". (The form
    # in full capitals, "ΑΝΩΝΥΜΗ ΕΤΑΙΡΕΙΑ", is not read: rigour's table writes it with its
    # accents, which Greek capitals leave off.)
    matcher = Matcher([listed_company("myt", "MYTILINEOS S.A.")], load_settings())
    assert best_verdict(matcher, "ΜΥΤΙΛΗΝΑΙΟΣ Α.Ε.") == ("myt", Decision.MATCH)
    assert best_verdict(matcher, "Μυτιληναίος Ανώνυμη Εταιρεία") == ("myt", Decision.MATCH)


def test_a_russian_name_in_the_polish_spelling_meets_its_cyrillic_listing() -> None:
    # The yente fixture's Kalashnikov Concern: the EU's list writes it in Polish too
    # ("Koncern „Kałasznikow” SA", sz for Ш, w for В), the Russian list in Cyrillic.
    matcher = Matcher([listed_company("kal", "АО «Концерн «Калашников»")], load_settings())
    assert best_verdict(matcher, "Koncern „Kałasznikow” SA") == ("kal", Decision.MATCH)
