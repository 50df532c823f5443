"""Turkish companies' "Dis Ticaret" (foreign trade) and its English "Foreign Trade" meet (issue
15: the OpenSanctions-style company pairs where logic-v2 led): the words saying where a company
trades ("dis", "foreign", and "ic ve dis", "domestic and foreign") are read with the trade word,
not kept in the trade name. Before, "Sabaturk Dis Ticaret" and "Sabaturk Foreign Trade" had
trade names "sabaturk dis" and "sabaturk foreign", and no candidate was even scored.

Every name is an entry or alias of the US SDN or EU lists as
``benchmarks/matching/data/pairs.csv`` holds them (train split), each pair labelled there.
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
            listed_company("sabaturk", "SABATURK DIS TICARET ANONIM SIRKETI"),
            listed_company("feva", "FEVA DIS TICARET LIMITED SIRKETI"),
            listed_company("orel", "Orel Dis Ticaret Ltd"),
            listed_company("panorama", "Panorama Invest Dis Ticaret As"),
            listed_company("micb", "MYANMA INVESTMENT AND COMMERICAL BANK"),
        ],
        load_settings(),
    )


@pytest.mark.parametrize(
    ("query", "entity"),
    [
        ("SABATURK FOREIGN TRADE JOINT STOCK COMPANY", "sabaturk"),
        ("FEVA GROUP FOREIGN TRADE LIMITED COMPANY", "feva"),
        ("Orel Foreign Trade Limited Company", "orel"),
        ("Panorama Invest Foreign Trade Company", "panorama"),
    ],
)
def test_foreign_trade_in_turkish_or_english_is_one_company(
    matcher: Matcher, query: str, entity: str
) -> None:
    assert best_verdict(matcher, query) == (entity, Decision.MATCH)


@pytest.mark.parametrize(
    "query", ["CTM Dis Ticaret Ltd. Sti", "Improtex Foreign Trade Limited Liability Company"]
)
def test_companies_sharing_only_foreign_trade_raise_no_alert(matcher: Matcher, query: str) -> None:
    # Other Turkish companies of the same lists: "foreign trade" is their industry, not a name.
    assert best_verdict(matcher, query) == ("", Decision.CLEAR)


def test_a_foreign_trade_bank_keeps_its_words(matcher: Matcher) -> None:
    # A foreign trade bank is a kind of bank: read as "Myanma Bank", it met another bank.
    assert best_verdict(matcher, "MYANMA FOREIGN TRADE BANK") == ("", Decision.CLEAR)
