"""Russian organisation and industry words written in Latin letters ("Elektronika", "Logistika",
"Gruppa") that rigour's symbol table holds in Cyrillic only are read as the English word of their
Cyrillic word's symbol (issue 15, the OpenSanctions-style company pairs). Before, "NEVA
ELEKTRONIKA" kept "elektronika" in its trade name while "NEVA ELECTRONICS" read "electronics" as
its industry, and no candidate reached a decision. A company of another trade name sharing the
transliterated word ("ITB LOGISTIKA" / "TBS LOGISTIKA") stays apart; a name whose only word is
such a word keeps it as its trade name ("AO RESURS").

Every name is an entry or alias of the US SDN list as ``benchmarks/matching/data/pairs.csv``
holds them (train split), each pair labelled there.
"""

from __future__ import annotations

import pytest

from sourcetrace.matching import Matcher
from sourcetrace.model import Decision
from sourcetrace.settings import load_settings
from tests.matching.conftest import best_verdict, listed_company


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(
        [
            listed_company("neva", "NEVA ELECTRONICS JOINT STOCK COMPANY"),
            listed_company("rt", "JOINT STOCK COMPANY RT LOGISTICS"),
            listed_company("akvarius", "LIMITED LIABILITY COMPANY GROUP OF COMPANIES AKVARIUS"),
            listed_company("tbs", "LIMITED LIABILITY COMPANY TBS LOGISTIKA"),
            listed_company("resurs", "JSC RESURS"),
        ],
        load_settings(),
    )


@pytest.mark.parametrize(
    ("query", "entity"),
    [
        ("NEVA ELEKTRONIKA AO", "neva"),
        ("JOINT STOCK COMPANY NEVA ELEKTRONIKA", "neva"),
        ("AKTSIONERNOE OBSHCHESTVO RT LOGISTIKA", "rt"),
        ("LLC GRUPPA AKVARIUS", "akvarius"),
        ("TBS LOGISTICS", "tbs"),
    ],
)
def test_a_transliterated_russian_word_meets_the_english_listing(
    matcher: Matcher, query: str, entity: str
) -> None:
    assert best_verdict(matcher, query) == (entity, Decision.MATCH)


def test_a_name_of_that_word_alone_keeps_it_as_its_trade_name(matcher: Matcher) -> None:
    # "Resurs" is rigour's RESOURCES in Cyrillic; alone it is the company's name.
    assert best_verdict(matcher, "AO RESURS") == ("resurs", Decision.MATCH)


def test_another_company_sharing_the_transliterated_word_is_no_match(matcher: Matcher) -> None:
    assert best_verdict(matcher, "ITB LOGISTIKA OOO")[1] != Decision.MATCH
