"""Full and short Chinese names of listed companies meet their English listed names when the
Chinese name writes its city in brackets, or keeps only the start of an industry word (issue 15,
version 7 "Chinese names"; names/reading.py).

Listed names are the bundled lists' own (UFLPA Entity List: Shuangliang Silicon Materials
(Baotou), Baiyin Nonferrous Group, Rare Earth Magnesium Technology Group Holdings); the Chinese
queries are these companies' names as the bundled list's press sources give them. Changhong
Meiling and Camel Group (BIS Entity List) register names with no region and no industry.
"""

from __future__ import annotations

import dataclasses
from functools import partial

import pytest

from sourcetrace.matching import Matcher
from sourcetrace.model import Decision
from sourcetrace.names.text import has_cjk
from sourcetrace.screening import load_lists
from sourcetrace.settings import load_settings
from tests.matching.conftest import best_alert, listed_company, reasons_of, verdict

_entity = partial(listed_company, list_name="UFLPA Entity List")


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(
        [
            _entity("shuangliang", "Shuangliang Silicon Materials (Baotou) Co., Ltd."),
            _entity("baiyin", "Baiyin Nonferrous Group Co., Ltd."),
            _entity("remt", "Rare Earth Magnesium Technology Group Holdings, Ltd."),
            _entity("hoshine", "Hoshine Silicon Industry (Shanshan) Co., Ltd."),
            _entity("xinjiang-baiyin", "Xinjiang Baiyin Mining Development Co., Ltd."),
            _entity("meiling", "Changhong Meiling Co., Ltd."),
            _entity("camel", "Camel Group Co., Ltd."),
        ],
        load_settings(),
    )


def _best(matcher: Matcher, name: str) -> tuple[str, Decision, str]:
    """The best alert for a name as (listed entity id, decision, reasons), asserted to exist."""
    hit = best_alert(matcher, name)
    assert hit is not None, f"no alert for {name}"
    return (*verdict(hit), reasons_of(hit))


def test_a_city_in_brackets_is_read_where_the_english_name_writes_it(matcher: Matcher) -> None:
    ident, decision, reasons = _best(matcher, "双良硅材料(包头)有限公司")
    assert (ident, decision) == ("shuangliang", Decision.MATCH)
    assert "region agrees" in reasons
    # Full-width brackets fold to the same name.
    assert _best(matcher, "双良硅材料（包头）有限公司")[:2] == ("shuangliang", Decision.MATCH)


def test_another_city_in_brackets_is_not_the_listed_company(matcher: Matcher) -> None:
    hits = [h for h in matcher.match("双良硅材料(大连)有限公司") if h.entity.id == "shuangliang"]
    assert all(h.decision is not Decision.MATCH for h in hits)


@pytest.mark.parametrize(
    ("query", "expected", "read"),
    [
        ("白银有色集团股份有限公司", "baiyin", "有色 read as 'nonferrous', short for the industry word 有色金属"),
        ("白银有色", "baiyin", "有色 read as 'nonferrous'"),
        ("稀镁科技", "remt", "稀 read as 'rare earth', short for the industry word 稀土"),
        ("稀镁科技集团控股有限公司", "remt", "稀 read as 'rare earth'"),
    ],
)
def test_the_start_of_an_industry_word_reads_as_the_word(
    matcher: Matcher, query: str, expected: str, read: str
) -> None:
    ident, decision, reasons = _best(matcher, query)
    assert (ident, decision) == (expected, Decision.MATCH)
    assert read in reasons


def test_the_city_that_is_the_trade_name_keeps_its_industry(matcher: Matcher) -> None:
    # 白银 is Baiyin city and Baiyin Nonferrous's trade name: another industry of the same city
    # (白银化工, chemical) is not the listed nonferrous group.
    hits = [h for h in matcher.match("白银化工集团有限公司") if h.entity.id == "baiyin"]
    assert all(h.decision is not Decision.MATCH for h in hits)


def test_a_character_that_starts_an_industry_word_is_not_read_alone(matcher: Matcher) -> None:
    # 稀 stands for 稀土 only where the English name says "rare earth": against "Hoshine
    # Silicon" nothing reads it, and 稀镁 is no pinyin of a listed trade name.
    hits = [h for h in matcher.match("稀镁硅业有限公司") if h.decision is Decision.MATCH]
    assert hits == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [("长虹美菱股份有限公司", "meiling"), ("骆驼集团股份有限公司", "camel")],
)
def test_a_registered_name_with_no_region_or_industry_agrees_part_for_part(
    matcher: Matcher, query: str, expected: str
) -> None:
    ident, decision, reasons = _best(matcher, query)
    assert (ident, decision) == (expected, Decision.MATCH)
    assert "the whole names agree part for part" in reasons


@pytest.mark.parametrize(
    ("query", "expected"),
    # Short names (no legal form) may have dropped a region or an industry; an industry on one
    # side (化工, chemical) is something the listed name does not say.
    [("长虹美菱", "meiling"), ("骆驼股份", "camel"), ("骆驼化工集团股份有限公司", "camel")],
)
def test_a_short_name_or_one_naming_more_is_only_reviewed(
    matcher: Matcher, query: str, expected: str
) -> None:
    hits = [h for h in matcher.match(query) if h.entity.id == expected]
    assert hits and all(h.decision is not Decision.MATCH for h in hits)


def test_the_bundled_lists_keep_every_entity_of_a_name_among_the_candidates() -> None:
    # The Corps is listed twice (UFLPA, BIS). 生产 begins no abbreviated industry word (it is a
    # dictionary word itself): the English of 生物 (生 begins it) must not crowd the candidates.
    bundled, _ = load_lists()
    latin = [
        dataclasses.replace(e, names=[n for n in e.names if not has_cjk(n.value)])
        for e in bundled
        if any(not has_cjk(n.value) for n in e.names)
    ]
    matcher = Matcher(latin, load_settings())
    corps = {e.id for e in latin if e.caption == "Xinjiang Production and Construction Corps"}
    assert len(corps) >= 2
    found = {h.entity.id for h in matcher.match("新疆生产建设兵团") if h.decision is Decision.MATCH}
    assert corps <= found
