"""Names as stock pages, filings and news print them (issue 15, the web probe): a stock-exchange
code after the name ("(601212)", "[SHA:603260]", "(2899.HK)", "Class A 601311") names a
listing, not the company, and a legal form glued to the last word ("JoinworldLtd") is still the
legal form. Every listed name is on the bundled lists; none of the lines is a row of
benchmarks/matching/probe/web_heldout.tsv.
"""

from __future__ import annotations

import pytest

from sourcetrace.matching import Matcher
from sourcetrace.names.parse import parse_name
from tests.matching.conftest import best_alert, matched


@pytest.mark.parametrize(
    ("line", "listed"),
    [
        ("Western Gold Co., Ltd. (601069)", "Western Gold Co., Ltd."),
        ("TBEA Co., Ltd. (SHA:600089)", "TBEA Co., Ltd."),
        ("XINJIANG ZHONGTAI CHEMICAL CO LTD (002092.SZ)", "Xinjiang Zhongtai Chemical Co. Ltd."),
        ("Western Gold Co., Ltd. Class A 601069", "Western Gold Co., Ltd."),
        ("Zijin Mining Group Co Ltd-H (2899.HK)", "Zijin Mining Group Co., Ltd."),
        # Chinese short names are printed with their code too (the listed alias 特变电工).
        ("特变电工(600089)", "TBEA Co., Ltd."),
        # A legal form glued to the word before it.
        ("Camel GroupLtd", "Camel Group Co., Ltd."),
    ],
)  # fmt: skip
def test_a_listed_name_printed_with_its_stock_code_matches(
    matcher: Matcher, line: str, listed: str
) -> None:
    hit = matched(matcher, line)
    assert hit.entity.caption == listed


def test_a_stock_code_is_no_word_of_the_name() -> None:
    assert parse_name("Baiyin Nonferrous Group Co.Ltd(601212)").trade == (
        parse_name("Baiyin Nonferrous Group Co.Ltd").trade
    )


def test_a_year_in_brackets_is_kept() -> None:
    # Four digits alone in brackets are a code only with the exchange beside them.
    assert "2005" in parse_name("Acme Holdings (2005)").plain


def test_an_unlisted_company_with_its_code_raises_no_alert(matcher: Matcher) -> None:
    assert best_alert(matcher, "Kweichow Moutai Co Ltd (600519)") is None
