"""Company names as the lists write them in several countries meet each other (issue 15: the
OpenSanctions-style company pairs where logic-v2 led): what rigour's legal-form table leaves
("Private Limited", "Anonim Sirketi" without its cedilla, "FZ LLC") or lacks (FZC, S.A.L.),
initials written with dots, Turkish "ve", and industry words that are one in rigour's symbols
("Zavod" read as Factory against "Plant"). Trade names of common English words with other
words beside them stay apart ("United General Holding" / "United General Services"), and so do
trade names that share only trade words ("Aurum Ship Management" / "Salina Ship Management").

Every name is an entry or alias of the US SDN list as ``benchmarks/matching/data/pairs.csv``
holds them (its train split), each pair labelled there.
"""

from __future__ import annotations

import pytest

from sourcetrace.matching import Matcher
from sourcetrace.model import Decision
from sourcetrace.settings import load_settings
from tests.matching.conftest import best_alert, listed_company, verdict


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(
        [
            listed_company("pcc", "P.C.C. (SINGAPORE) PRIVATE LIMITED"),
            listed_company("yara", "YARA S.A.L. OFFSHORE COMPANY"),
            listed_company("alan", "ALAN ENERJI URETIM SANAYI VE TICARET ANONIM SIRKETI"),
            listed_company("bion", "Bion Group Ic Ve Dis Ticaret Limited Sirketi"),
            listed_company("elecon", "Joint Stock Company Zavod Elecon"),
            listed_company("luch", "JOINT STOCK COMPANY LUCH PLANT"),
            listed_company("resafa", "AL-RESAFA REFINERY COMPANY PRIVATE JSC"),
            listed_company("united", "UNITED GENERAL SERVICES SARL"),
            listed_company("galaxy", "Galaxy Aviation Services"),
            listed_company("universal", "UNIVERSAL TECHNOLOGY, INC"),
            listed_company("salina", "SALINA SHIP MANAGEMENT PVT LTD"),
            listed_company(
                "atadoruk", "Atadoruk Havacilik Savunma Sanayi Ticaret Limited Sirketi"
            ),
            listed_company("hong pang", "HONG PANG GEMS & JEWELLERY (HK) CO. LIMITED"),
            listed_company("istok", "PUBLIC JOINT STOCK COMPANY RESEARCH & PRODUCTION "
                           "CORPORATION ISTOK NAMED AFTER AI SHOKIN"),
            listed_company("dana astra", "FOREIGN LIMITED LIABILITY COMPANY DANA ASTRA"),
            listed_company("cssc 709", "China State Shipbuilding Corporation, Limited (CSSC) "
                           "709th Research Institute"),
        ],
        load_settings(),
    )


@pytest.mark.parametrize(
    ("query", "entity"),
    [
        # Dotted initials and "Private Limited" (rigour takes "Limited" and leaves "Private").
        ("PCC SINGAPORE PTE LTD", "pcc"),
        # S.A.L., the Lebanese société anonyme, and its offshore form: not in rigour's table.
        ("YARA OFFSHORE SAL", "yara"),
        # "Anonim Sirketi" without the cedilla leaves "anonim"; the company in liquidation.
        ("TASFIYE HALINDE ALAN ENERJI URETIM SANAYI VE TICARET LIMITED SIRKETI", "alan"),
        # Turkish "ve" (and) joins words; "Ticaret" is Trade.
        ("Bion Trade Group Limited", "bion"),
        # "Zavod" is read as Factory, which rigour gives the symbol of Plant.
        ("Elecon Plant", "elecon"),
        ("AKTSIONERNOE OBSHCHESTVO ZAVOD LUCH", "luch"),
        ("AL-RUSAFA REFINERY COMPANY", "resafa"),
        # The name after its legal form, the Russian way, is no address to cut off.
        ("RESEARCH AND PRODUCTION CORPORATION ISTOK", "istok"),
        ("IOOO DANA ASTRA", "dana astra"),
        # A unit named after its group's legal form: the unit's name is kept.
        ("China Shipbuilding Industry Group Co., Ltd. (CSIC) 709th Research Institute",
         "cssc 709"),
    ],
)
def test_company_written_in_another_country_s_forms_matches(
    matcher: Matcher, query: str, entity: str
) -> None:
    assert verdict(best_alert(matcher, query)) == (entity, Decision.MATCH)


@pytest.mark.parametrize(
    ("query", "entity"),
    [
        # Other entities of the same list that share only common English words.
        ("UNITED GENERAL HOLDING SAL", "united"),
        ("GALAXY AVIATION TRADE COMPANY LTD", "galaxy"),
        ("Universal Enterprise Limited", "universal"),
    ],
)
def test_common_english_trade_name_with_other_words_beside_is_no_match(
    matcher: Matcher, query: str, entity: str
) -> None:
    hits = {h.entity.id: h for h in matcher.match(query)}
    assert entity not in hits or hits[entity].decision is not Decision.MATCH
    if entity in hits and hits[entity].decision is Decision.REVIEW:
        assert any("common English words" in r for r in hits[entity].reasons)


@pytest.mark.parametrize(
    "query",
    [
        # Other companies of the same trade on the list: only the trade words are shared.
        "AURUM SHIP MANAGEMENT FZC",
        "OZONE HAVACILIK VE SAVUNMA SANAYI TICARET ANONIM SIRKETI",
    ],
)
def test_trade_names_sharing_only_trade_words_raise_no_alert(matcher: Matcher, query: str) -> None:
    assert verdict(best_alert(matcher, query)) == ("", Decision.CLEAR)


def test_a_place_beside_the_shared_words_still_meets_the_entity(matcher: Matcher) -> None:
    # An alias of the same entity: "Hong Kong" and "HK" are its own words, not another name's.
    hit = best_alert(matcher, "HONG KONG HONG PANG GEMS AND JEWELLERY CO., LTD")
    assert verdict(hit)[0] == "hong pang"


def test_another_unit_of_the_same_group_is_no_match(matcher: Matcher) -> None:
    query = "China State Shipbuilding Corporation, Limited (CSSC) 7th Research Academy"
    hits = {h.entity.id: h.decision for h in matcher.match(query)}
    assert hits.get("cssc 709", Decision.CLEAR) is not Decision.MATCH
