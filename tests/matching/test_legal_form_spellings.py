"""Legal forms of rigour's table written otherwise by the lists (issue 15, the OpenSanctions-style
company pairs where logic-v2 led): without the final dot ("PALEA D.O.O", "GRUPO MBS LDA"), a
Cyrillic abbreviation in Latin letters ("TAA SOKHRA", "FGUP NPP GAMMA", "... EOOD"), and the
Russian forms in another romanisation ("Obschestvo S Ogranichennoi Otvetstvennostyu",
"Publichnoe Aktsionernoe Obschestvo"). Before, the form stayed in the trade name and the
pair was `review` or had no hit at all (``src/sourcetrace/names/org_forms.py``).

Every pair is a labelled positive of ``benchmarks/matching/data/pairs.csv``'s train split
(entries and aliases of the US SDN list); the negatives are the lists' own names too.
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
            listed_company("palea", "PALEA D.O.O"),
            listed_company("mbs", "GRUPO MBS LIMITADA"),
            listed_company("mmt", "METAL & MINERAL TRADE S.A.R.L"),
            listed_company("sokhra", "OOO SOKHRA"),
            listed_company("belkaztrans", "BELKAZTRANS"),
            listed_company(
                "gamma",
                "FEDERAL STATE UNITARY ENTERPRISE SCIENTIFIC AND PRODUCTION ENTERPRISE GAMMA",
            ),
            listed_company("vabo", "VA BO COMPANY EOOD"),
            listed_company("mokran", "MOKRAN LLC"),
            listed_company("surgut", "SURGUTNEFTEGAS"),
            listed_company("integral", "PUBLIC JOINT STOCK COMPANY INTEGRAL"),
            listed_company("nda", "NDA NORD-DEUTSCHE INDUSTRIEANLAGENBAU GMBH"),
        ],
        load_settings(),
    )


@pytest.mark.parametrize(
    ("query", "entity"),
    [
        # d.o.o. and s.a.r.l. are in rigour's table with their last dot; lda. too.
        ("PALEA LTD", "palea"),
        ("GRUPO MBS LDA", "mbs"),
        ("METAL AND MINERAL TRADE (MMT)", "mmt"),
    ],
)
def test_a_legal_form_without_its_last_dot_is_read(
    matcher: Matcher, query: str, entity: str
) -> None:
    assert best_verdict(matcher, query) == (entity, Decision.MATCH)


@pytest.mark.parametrize(
    ("query", "entity"),
    [
        ("TAA SOKHRA", "sokhra"),  # ТАА, Belarusian limited company
        ("TAA BELKAZTRANS", "belkaztrans"),
        ("FGUP NPP GAMMA", "gamma"),  # ФГУП, federal state unitary enterprise
        ("VA BO KAMPANI EOOD", "vabo"),  # ЕООД, Bulgarian sole-owner limited company
    ],
)
def test_a_cyrillic_legal_form_in_latin_letters_is_read(
    matcher: Matcher, query: str, entity: str
) -> None:
    assert best_verdict(matcher, query) == (entity, Decision.MATCH)


@pytest.mark.parametrize(
    ("query", "entity"),
    [
        ("OBSCHESTVO S OGRANICHENNOI OTVETSTVENNOSTYU MOKRAN", "mokran"),
        ("PUBLICHNOE AKTSIONERNOE OBSCHESTVO SURGUTNEFTEGAS", "surgut"),
        ("OTKRYTOYE AKTSIONERNOYE OBSCHESTVO INTEGRAL", "integral"),
    ],
)
def test_a_russian_legal_form_in_another_romanisation_is_read(
    matcher: Matcher, query: str, entity: str
) -> None:
    assert best_verdict(matcher, query) == (entity, Decision.MATCH)


def test_a_trade_name_like_a_form_before_another_form_stays(matcher: Matcher) -> None:
    # "NDA" reads as a Cyrillic form (НДА) in Latin letters, but the name holds its own form
    # (GmbH): a first word before it is the trade name's, and another NDA company stays apart.
    hits = {h.entity.id: h.decision for h in matcher.match("NDA TRADING LIMITED")}
    assert hits.get("nda", Decision.CLEAR) is not Decision.MATCH
    assert best_verdict(matcher, "NDA NORD-DEUTSCHE INDUSTRIEANLAGENBAU") == (
        "nda", Decision.MATCH,
    )


@pytest.fixture(scope="module")
def accentless() -> Matcher:
    # Train and valid pairs of pairs.csv (SDN entries and aliases) and SDN names.
    return Matcher(
        [
            listed_company("alpha", "ALPHA VISIT SHOP FOREIGN TRADE LIMITED COMPANY"),
            listed_company("falcon", "SIA FALCON INTERNATIONAL GROUP"),
            listed_company("viking", "COMMERCIAL JOINT STOCK BANK VIKING"),
        ],
        load_settings(),
    )


def test_a_legal_form_written_without_its_accents_is_read(accentless: Matcher) -> None:
    # rigour's table spells the Turkish "limited şirket" and the Latvian "sabiedrība ar
    # ierobežotu atbildību" (SIA) with their accents; the SDN list writes them in ASCII.
    query = "ALPHA VISIT SHOP DIS TICARET LIMITED SIRKET"
    assert best_verdict(accentless, query) == ("alpha", Decision.MATCH)
    found, decision = best_verdict(
        accentless, "SABIEDRIBA AR IEROBEZOTU ATBILDIBU 'FALON INTERNATIONAL'"
    )
    assert found == "falcon" and decision is not Decision.CLEAR


def test_an_english_form_read_so_keeps_its_industry_word(accentless: Matcher) -> None:
    # rigour's "joint-stock bank" read in "JOINT STOCK BANK" would leave the trade name "viking"
    # for any Viking company: English forms are not read by the accentless reading.
    assert best_verdict(accentless, "VIKING LLC")[1] is not Decision.MATCH
