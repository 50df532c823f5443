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
from sourcetrace.model import Decision, ListedEntity
from sourcetrace.settings import load_settings


def _entity(ident: str, *names: str) -> ListedEntity:
    return ListedEntity.company(ident, *names, list_name="test list")


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(
        [
            _entity("sabaturk", "SABATURK DIS TICARET ANONIM SIRKETI"),
            _entity("feva", "FEVA DIS TICARET LIMITED SIRKETI"),
            _entity("orel", "Orel Dis Ticaret Ltd"),
            _entity("panorama", "Panorama Invest Dis Ticaret As"),
            _entity("micb", "MYANMA INVESTMENT AND COMMERICAL BANK"),
        ],
        load_settings(),
    )


def _best(matcher: Matcher, name: str) -> tuple[str, Decision]:
    hits = [h for h in matcher.match(name) if h.decision is not Decision.CLEAR]
    return (hits[0].entity.id, hits[0].decision) if hits else ("", Decision.CLEAR)


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
    assert _best(matcher, query) == (entity, Decision.MATCH)


@pytest.mark.parametrize(
    "query", ["CTM Dis Ticaret Ltd. Sti", "Improtex Foreign Trade Limited Liability Company"]
)
def test_companies_sharing_only_foreign_trade_raise_no_alert(matcher: Matcher, query: str) -> None:
    # Other Turkish companies of the same lists: "foreign trade" is their industry, not a name.
    assert _best(matcher, query) == ("", Decision.CLEAR)


def test_a_foreign_trade_bank_keeps_its_words(matcher: Matcher) -> None:
    # A foreign trade bank is a kind of bank: read as "Myanma Bank", it met another bank.
    assert _best(matcher, "MYANMA FOREIGN TRADE BANK") == ("", Decision.CLEAR)
