"""Company names of other countries where logic-v2 led (issue 15, the OpenSanctions-style company
pairs): Turkish industry words that rigour's tables lack ("Ithalat Ihracat", "Tekstil Makina",
"Havacilik", "Sanayi") are read as the English listing writes them; a romanised Russian place
adjective meets its place ("Kirovski Zavod Mayak" / "Kirov Plant Mayak"); romanisations of
other systems meet ("Techrim" / "Tekhrim", "Kriogaz" / "Cryogas", "Qavamin" / "Ghavamin").
Before, the Turkish words stayed in the trade name ("smart ithalat ihracat" against "smart")
and no candidate was scored; the others were `review` or not found. A labelled hard negative
sharing the trade word ("ANKA ENERGY AND LOGISTICS" / "ANKA ENERJI URETIM ...") stays apart.

Every name is an entry or alias of the US SDN or EU lists as ``benchmarks/matching/data/pairs.csv``
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
            listed_company("smart", "SMART ITHALAT IHRACAT DIS TICARET LIMITED SIRKETI"),
            listed_company("altis", "ALTIS TEKSTIL MAKINA TICARET LIMITED SIRKETI"),
            listed_company("ozone", "OZONE HAVACILIK VE SAVUNMA SANAYI TICARET ANONIM SIRKETI"),
            listed_company("dal", "DAL ENERJI MADENCILIK TURIZM SANAYI VE TICARET ANONIM SIRKETI"),
            listed_company("baslam", "BASLAM NAKLIYAT VE DIS TICARET LTD STI"),
            listed_company("ms", "MS ULUSLARARASI ENERJI YATIRIM ANONIM SIRKETI"),
            listed_company("anka", "ANKA ENERJI URETIM SANAYI VE TICARET ANONIM SIRKETI"),
            listed_company("mayak", "PUBLIC JOINT STOCK COMPANY KIROV PLANT MAYAK"),
            listed_company("oktyabr", "AKTSIONERNOE OBSHCHESTVO TAMBOVSKII ZAVOD OKTYABR"),
            listed_company("ural", "JOINT STOCK COMPANY SOLIKAMSK PLANT URAL"),
            listed_company("tekhrim", "Closed Joint Stock Company Tekhrim"),
            listed_company("cryogas", "CRYOGAS VYSOTSK LIMITED LIABILITY COMPANY"),
            listed_company("ghavamin", "GHAVAMIN BANK"),
        ],
        load_settings(),
    )


@pytest.mark.parametrize(
    ("query", "entity"),
    [
        ("SMART IMPORT EXPORT FOREIGN TRADE LIMITED COMPANY", "smart"),
        ("ALTIS TEXTILE MACHINERY TRADING COMPANY LIMITED", "altis"),
        ("OZONE AVIATION AND DEFENSE INDUSTRY INC", "ozone"),
        ("BASLAM TRANSPORT AND FOREIGN TRADE", "baslam"),
        # A.S. (anonim sirket) is a legal form, not two letters of the trade name.
        ("DAL ENERJI A.S", "dal"),
    ],
)
def test_turkish_industry_words_meet_the_english_listing(
    matcher: Matcher, query: str, entity: str
) -> None:
    assert best_verdict(matcher, query) == (entity, Decision.MATCH)


@pytest.mark.parametrize(
    ("query", "entity"),
    [
        ("KIROVSKI ZAVOD MAYAK PAO", "mayak"),
        ("TAMBOV PLANT OKTYABR JSC", "oktyabr"),
        ("AO SOLIKAMSKII ZAVOD URAL", "ural"),
    ],
)
def test_a_russian_place_adjective_meets_its_place(
    matcher: Matcher, query: str, entity: str
) -> None:
    assert best_verdict(matcher, query) == (entity, Decision.MATCH)


@pytest.mark.parametrize(
    ("query", "entity"),
    [
        # Х as German "ch", З as "s" in an English spelling, ق as "q" or "gh": one name.
        ("Techrim Joint Stock Company", "tekhrim"),
        ("LIMITED LIABILITY COMPANY KRIOGAZ VYSOTSK", "cryogas"),
        ("QAVAMIN BANK", "ghavamin"),
    ],
)
def test_other_romanisation_systems_meet(matcher: Matcher, query: str, entity: str) -> None:
    assert best_verdict(matcher, query) == (entity, Decision.MATCH)


def test_another_company_sharing_the_turkish_trade_word_is_no_match(matcher: Matcher) -> None:
    # Labelled hard negatives of the train split: another listed company with the same word.
    hits = {h.entity.id: h.decision for h in matcher.match("ANKA ENERGY AND LOGISTICS COMPANY")}
    assert hits.get("anka", Decision.CLEAR) is not Decision.MATCH
    # Two companies of one line of business, "international" read as the industry word it is.
    hits = {
        h.entity.id: h.decision
        for h in matcher.match("ANATOLIAN ULUSLARARASI ENERJI YATIRIM ANONIM SIRKETI")
    }
    assert hits.get("ms", Decision.CLEAR) is Decision.CLEAR
    hits = {h.entity.id: h.decision for h in matcher.match("SMART SOLUTIONS LTD")}
    assert hits.get("smart", Decision.CLEAR) is not Decision.MATCH
