"""The learned score's features as users meet them: through ``sourcetrace screen`` and the
Matcher, on real listed names (the bundled lists, and names of entities on the US lists that
benchmarks/matching/data/pairs.csv takes from the restricted-party snapshot)."""

from __future__ import annotations

import pytest

from sourcetrace.matching import Matcher, features
from sourcetrace.model import Decision, EntityName, ListedEntity, Listing
from sourcetrace.settings import load_settings
from tests.conftest import ScreenCommand
from tests.matching.conftest import alerts_for


def _listed(*names: str) -> Matcher:
    entities = [
        ListedEntity(id=f"e{i}", schema="Company", caption=n, names=[EntityName(n)],
                     listings=[Listing("Entity List")])
        for i, n in enumerate(names)
    ]  # fmt: skip
    return Matcher(entities, load_settings())


def test_screen_keeps_common_words_and_countries_from_deciding_alone(
    screen_command: ScreenCommand,
) -> None:
    rows = {row["name"]: row for row in screen_command({"supplier_name": [
        "Ninestar Corp",  # the listed company
        "Nine Star Logistics LLC",  # English words that join into its name: another company
        "China Trading Co., Ltd.",  # a country as the only trade name
        "Zhongtai Chemical Co., Ltd.",  # the trade name without the listed name's region
        "ZIJIN ZINC INDUSTRY XINJIANG CO LTD",  # the region after the trade name: the same name
    ]})}  # fmt: skip
    assert rows["Ninestar Corp"]["decision"] == "match"
    nine_star = rows["Nine Star Logistics LLC"]
    assert nine_star["decision"] != "match"
    assert nine_star["decision"] == "clear" or "separate words" in nine_star["reasons"]
    assert rows["China Trading Co., Ltd."]["decision"] != "match"
    zhongtai = rows["Zhongtai Chemical Co., Ltd."]
    assert zhongtai["decision"] == "review"
    assert "region is named on one side only" in zhongtai["reasons"]
    assert rows["ZIJIN ZINC INDUSTRY XINJIANG CO LTD"]["decision"] == "match"


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        ("SMIC", "Semiconductor Manufacturing International Corporation"),
        ("MIPT", "Moscow Institute of Physics and Technology"),
        ("AO NIK", "AKTSIONERNOE OBSHCHESTVO NATSIONALNAYA INZHINIRINGOVAYA KORPORATSIYA"),
    ],
)
def test_acronym_of_a_listed_name_is_found_and_said(query: str, listed: str) -> None:
    matcher = _listed(listed, "Space Star Technology Co., Ltd")
    hits = matcher.match(query)
    assert hits and hits[0].entity.caption == listed
    assert hits[0].decision is not Decision.CLEAR
    assert any("initials" in r for r in hits[0].reasons)
    # Initials that are not the listed name's: nothing.
    assert not alerts_for(matcher, "XYZQ")


def test_acronym_found_the_other_way_round() -> None:
    # The list holds the short name; the record spells it out.
    hits = _listed("SSTC").match("Space Star Technology Co., Ltd")
    assert hits and hits[0].decision is not Decision.CLEAR


def test_cyrillic_name_meets_its_latin_listing() -> None:
    matcher = _listed("PNEVMORESURS", "VYATKA MACHINE TOOL PLANT LLC")
    hit = matcher.match("ООО Пневморесурс")
    assert hit and hit[0].entity.caption == "PNEVMORESURS"
    assert hit[0].decision is Decision.MATCH
    # Another Cyrillic company with the same legal form: no alert.
    assert not alerts_for(matcher, "ООО Ромашка")


def test_pinyin_written_apart_still_agrees(matcher: Matcher) -> None:
    # "Xin Ren" is pinyin (two syllables of one trade name), not two English words.
    hit = matcher.match("Shihezi Xin Ren Battery Aluminum Foil Technology Co., Ltd.")[0]
    assert hit.entity.caption.startswith("Shihezi Xinren")
    assert hit.decision is Decision.MATCH


def test_chinese_script_is_not_carried_by_the_script_crossing_alone(matcher: Matcher) -> None:
    # Same region and industry as Xinjiang Zhongtai Chemical, another trade name (天山 Tianshan).
    hits = matcher.match("新疆天山化学股份有限公司")
    assert not any(
        h.decision is Decision.MATCH and "Zhongtai" in h.entity.caption for h in hits
    )  # fmt: skip
    assert matcher.match("新疆中泰化学股份有限公司")[0].decision is Decision.MATCH


def test_legal_forms_of_other_languages_are_not_trade_names() -> None:
    # Names of the yente fixture (tests/fixtures/yente_fixture_zala.ftm.jsonl), real entities.
    matcher = _listed(
        'Товариство з обмеженою відповідальністю "РТЦ"',
        "Bespilotnye Sistemy LLC",
        'Акціонерне товариство "ТрансКомплектХолдинг"',
    )
    short = matcher.match('ТОВ "РТЦ"')  # the Ukrainian legal form abbreviated
    assert short and short[0].decision is Decision.MATCH and "РТЦ" in short[0].entity.caption
    russian = matcher.match("ООО “Беспилотные Системы”")  # Cyrillic against the Latin listing
    assert russian and russian[0].entity.caption == "Bespilotnye Sistemy LLC"
    assert russian[0].decision is Decision.MATCH
    # Another company sharing only the legal form ("акціонерне товариство"): no alert.
    other = matcher.match('Акціонерне товариство "Альфа-Банк"')
    assert not [h for h in other if h.decision is not Decision.CLEAR]


@pytest.mark.parametrize(
    ("name", "keys"),
    [
        ("Semiconductor Manufacturing International Corporation", {"smi", "smic"}),
        # The legal form abbreviated in part or whole: every cut from the bare name on.
        ("Space Star Technology Co., Ltd", {"sst", "sstc", "sstcl"}),
        # With and without the small words.
        ("Moscow Institute of Physics and Technology", {"miop", "miopa", "miopat", "mipt"}),
        # Transliterated; the legal form's initial only with the whole name. The soft sign of
        # "машиностроительный" is no word break (it was: "pmnz", an "n" of "...tel'nyy").
        ("ООО Пневморесурс Машиностроительный Завод", {"opm", "opmz", "pmz"}),
        ("Shenyang No. 2 Laogai Detachment", set()),  # a number: no initials
    ],
)
def test_initials_of_a_name(name: str, keys: set[str]) -> None:
    from sourcetrace.matching.features import initials
    from sourcetrace.names.parse import parse_name

    parsed = parse_name(name)
    assert initials(parsed.raw, parsed.plain) == keys


def test_pinyin_syllables_are_not_initials_of_a_listed_acronym() -> None:
    # "PJSC ASZ" is an alias of Amur Shipbuilding Factory (Entity List); "AI SEN ZHE" is pinyin
    # written by syllable, not its acronym. "SMIC" stays the initials of its listed name.
    # A pinyin word beside English ones keeps its initials: XPCC, an alias on the bundled lists.
    matcher = _listed(
        "PJSC ASZ", "Semiconductor Manufacturing International Corporation", "XPCC"
    )
    assert matcher.match("AI SEN ZHE") == []
    smic = matcher.match("SMIC")
    assert smic and smic[0].entity.id == "e1"
    xpcc = matcher.match("Xinjiang Production and Construction Corps")
    assert xpcc and xpcc[0].entity.id == "e2"


def test_common_english_words_come_from_a_maintained_word_list() -> None:
    # "Oriental" is no CC-CEDICT reading: wordfreq's English list holds it; coined trade names
    # and pinyin are not English words.
    words = features.english_words()
    assert {"oriental", "goodwill", "nine", "star"} <= words
    assert not {"hoshine", "ninestar", "rongsheng", "ming"} & words
