"""A name inside a longer one, and a coined trade name without its region (issue 15: the
OpenSanctions company pairs, where logic-v2 led on "contained" names: `words_within` and
`_coined_without_region` in matching/score.py).

- Every word of the shorter name stands in the longer one ("SADRA CENTER" in "SADRA RESEARCH
  CENTER"): the pair is now scored even when the trade names alone are apart and WRatio does not
  call the names close; before, it was never a candidate.
- A coined trade name, no pinyin and no English word ("Caspro"), is the same company with or
  without its city when the names share a line of business; a pinyin trade name ("Huashuo") is
  registered per city and stays `review`, and so does a coined name beside no line of business
  ("Inspur Taiwan").

Every name is an entry or alias of a US list (OFAC SDN, BIS Entity List) as
``benchmarks/matching/data/pairs.csv`` holds them, train or valid split, each pair labelled there.
"""

from __future__ import annotations

import pytest

from sourcetrace.matching import Matcher
from sourcetrace.model import Decision
from sourcetrace.settings import load_settings
from tests.matching.conftest import listed_company, matched, top_hit


def _alone(listed: str) -> Matcher:
    """A matcher over a list of ``listed`` alone."""
    return Matcher([listed_company("x", listed)], load_settings())


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        ("SADRA CENTER", "SADRA RESEARCH CENTER"),
        ("HANIFA EXCHANGE", "HANIFA MONEY EXCHANGE OFFICE"),
        ("DART UKRAINIAN AIRLINES", "DART AIRLINES"),
    ],
)
def test_a_name_inside_the_listed_name_matches(query: str, listed: str) -> None:
    matched(_alone(listed), query)


def test_a_shared_trade_word_beside_another_line_of_business_stays_out() -> None:
    # Two companies of the SDN list sharing "ASB": a Turkish energy company and a group.
    hit = top_hit(
        _alone("ASB GROUP OF COMPANIES LIMITED"), "ASB GRUP ENERJI SANAYI VE TICARET ANONIM SIRKETI"
    )
    assert hit is None or hit.decision is not Decision.MATCH, hit


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        ("CASPRO TECHNOLOGY CO., LTD", "SHENZHEN CASPRO TECHNOLOGY CO., LTD"),
        ("JINGHON ELECTRONICS LIMITED", "SHENZHEN JINGHON ELECTRONICS LIMITED"),
        (
            "Nettrix Information Industry (Beijing) Co., Ltd",
            "Nettrix Information Industry Co., Ltd",
        ),
    ],
)
def test_a_coined_trade_name_without_its_city_matches(query: str, listed: str) -> None:
    hit = matched(_alone(listed), query)
    # The reviewer reads why the missing city was not held against it.
    assert any("is a coined word, not pinyin a city may repeat" in r for r in hit.reasons)


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        # A pinyin trade name: another city may register the same one (by design, a review).
        ("HUASHUO SEMICONDUCTOR CO LTD", "SHENZHEN HUASHUO SEMICONDUCTOR CO LTD"),
        # A coined name and a place, no line of business: Inspur's Taiwan arm is another entity.
        ("Inspur Taiwan", "Inspur Electronic Information Industry Co., Ltd"),
    ],
)
def test_a_city_on_one_side_still_holds_otherwise(query: str, listed: str) -> None:
    hit = top_hit(_alone(listed), query)
    assert hit is not None and hit.decision is Decision.REVIEW, hit
    assert any("region is named on one side only: the same trade name" in r for r in hit.reasons)
