"""Two Latin romanisations of one Russian company name meet (issue 15: the OpenSanctions-style
company pairs, where logic-v2 led on Cyrillic names): the US SDN list writes one company
"SONATEC" and "SONATEK", "Kremny" and "Kremni", "RAMEC VS" and "RAMEK VS", "FAYN LAYN" and
"FAIN LAIN" (c/k, y/i, j/i, kh/h, ts/c, w/v, ph/f, double letters). Before, each was at most
`review`, and "FAIN LAIN" was not even a candidate. An English word against its foreign spelling
("Capital" / "Kapital") and words of a few letters ("V" / "WS") still tell companies apart.

Every name is an entry or alias of the US SDN list as ``benchmarks/matching/data/pairs.csv``
holds them (train split), each pair labelled there.
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
            _entity("sonatec", "SONATEC LIMITED LIABILITY COMPANY"),
            _entity("kremny", "Public Joint Stock Company Kremny"),
            _entity("ramec", "JOINT STOCK COMPANY RAMEC VS"),
            _entity("fayn layn", "FAYN LAYN LIMITED LIABILITY COMPANY"),
            _entity("kapital", "LIMITED LIABILITY COMPANY KAPITAL GRUPP"),
            _entity("ws shipping", "WS SHIPPING CO. LTD"),
        ],
        load_settings(),
    )


def _best(matcher: Matcher, name: str) -> tuple[str, Decision]:
    hits = [h for h in matcher.match(name) if h.decision is not Decision.CLEAR]
    return (hits[0].entity.id, hits[0].decision) if hits else ("", Decision.CLEAR)


@pytest.mark.parametrize(
    ("query", "entity"),
    [
        ("SONATEK LLC", "sonatec"),
        ("PAO Kremni", "kremny"),
        ("AO RAMEK VS", "ramec"),
        # Two letters apart: found by the romanised key, not by a one-letter slip.
        ("FAIN LAIN OOO", "fayn layn"),
    ],
)
def test_another_romanisation_of_the_listed_name_matches(
    matcher: Matcher, query: str, entity: str
) -> None:
    assert _best(matcher, query) == (entity, Decision.MATCH)


def test_the_reason_names_the_two_spellings(matcher: Matcher) -> None:
    hit = matcher.match("SONATEK LLC")[0]
    assert any("'sonatek' is spelled like 'sonatec'" in r for r in hit.reasons)


@pytest.mark.parametrize(
    "query",
    [
        # An English word against its foreign spelling, nothing else of their own in common.
        "CAPITAL S.A.L",
        # Too few letters apart to call a spelling.
        "V-SHIPPING PTE LTD",
    ],
)
def test_other_companies_folding_alike_are_no_match(matcher: Matcher, query: str) -> None:
    # Other entities of the same lists (labelled apart in pairs.csv's groups).
    assert _best(matcher, query)[1] is not Decision.MATCH
