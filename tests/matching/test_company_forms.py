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
from sourcetrace.model import Decision, ListedEntity
from sourcetrace.settings import load_settings


def _entity(ident: str, *names: str) -> ListedEntity:
    return ListedEntity.company(ident, *names, list_name="test list")


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(
        [
            _entity("pcc", "P.C.C. (SINGAPORE) PRIVATE LIMITED"),
            _entity("yara", "YARA S.A.L. OFFSHORE COMPANY"),
            _entity("alan", "ALAN ENERJI URETIM SANAYI VE TICARET ANONIM SIRKETI"),
            _entity("bion", "Bion Group Ic Ve Dis Ticaret Limited Sirketi"),
            _entity("elecon", "Joint Stock Company Zavod Elecon"),
            _entity("luch", "JOINT STOCK COMPANY LUCH PLANT"),
            _entity("resafa", "AL-RESAFA REFINERY COMPANY PRIVATE JSC"),
            _entity("united", "UNITED GENERAL SERVICES SARL"),
            _entity("galaxy", "Galaxy Aviation Services"),
            _entity("universal", "UNIVERSAL TECHNOLOGY, INC"),
            _entity("salina", "SALINA SHIP MANAGEMENT PVT LTD"),
            _entity("atadoruk", "Atadoruk Havacilik Savunma Sanayi Ticaret Limited Sirketi"),
            _entity("hong pang", "HONG PANG GEMS & JEWELLERY (HK) CO. LIMITED"),
            _entity("istok", "PUBLIC JOINT STOCK COMPANY RESEARCH & PRODUCTION CORPORATION ISTOK "
                    "NAMED AFTER AI SHOKIN"),
            _entity("dana astra", "FOREIGN LIMITED LIABILITY COMPANY DANA ASTRA"),
            _entity("cssc 709", "China State Shipbuilding Corporation, Limited (CSSC) 709th "
                    "Research Institute"),
        ],
        load_settings(),
    )


def _best(matcher: Matcher, name: str) -> tuple[str, Decision]:
    hits = [h for h in matcher.match(name) if h.decision is not Decision.CLEAR]
    return (hits[0].entity.id, hits[0].decision) if hits else ("", Decision.CLEAR)


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
    assert _best(matcher, query) == (entity, Decision.MATCH)


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
    assert _best(matcher, query) == ("", Decision.CLEAR)


def test_a_place_beside_the_shared_words_still_meets_the_entity(matcher: Matcher) -> None:
    # An alias of the same entity: "Hong Kong" and "HK" are its own words, not another name's.
    assert _best(matcher, "HONG KONG HONG PANG GEMS AND JEWELLERY CO., LTD")[0] == "hong pang"


def test_another_unit_of_the_same_group_is_no_match(matcher: Matcher) -> None:
    query = "China State Shipbuilding Corporation, Limited (CSSC) 7th Research Academy"
    hits = {h.entity.id: h.decision for h in matcher.match(query)}
    assert hits.get("cssc 709", Decision.CLEAR) is not Decision.MATCH
