"""A Chinese name meets its English listed name when the characters after the trade name are an
industry word the glossary lacks, read through CC-CEDICT (issue 15, names/reading.py).

Listed names are the bundled lists' own (UFLPA Entity List: Guangxi Kelun Pharmaceutical,
Xinjiang Shenhuo Coal and Electricity, Baoji Jucheng Titanium Industry, Kashgar Aodu Sugar
Industry, Jiangyin Xinren Aluminum Foil Technology, Western Gold Hami Gold Mine, Chenguang
Biotechnology Group Yanqi); the Chinese queries are these companies' names as they register
them (region + trade name + industry + legal form).
"""

from __future__ import annotations

import subprocess
import sys
from functools import partial
from pathlib import Path

import pytest

from sourcetrace.matching import Matcher
from sourcetrace.model import Decision
from sourcetrace.settings import load_settings
from tests.conftest import ScreenCommand
from tests.matching.conftest import alerts_for, listed_company, reasons_of, verdict

# Entries of the bundled UFLPA Entity List (the module docstring names them).
uflpa_company = partial(listed_company, list_name="UFLPA Entity List")

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(
        [
            uflpa_company("kelun", "Guangxi Kelun Pharmaceutical Co., Ltd."),
            uflpa_company("shenhuo", "Xinjiang Shenhuo Coal and Electricity Co., Ltd."),
            uflpa_company("jucheng", "Baoji Jucheng Titanium Industry Co., Ltd."),
            uflpa_company("aodu", "Kashgar Aodu Sugar Industry Co., Ltd."),
            uflpa_company("xinren", "Jiangyin Xinren Aluminum Foil Technology Co., Ltd."),
            uflpa_company("hami", "Western Gold Hami Gold Mine Co., Ltd."),
            uflpa_company("hatu", "Western Gold Karamay Hatu Gold Mine Co., Ltd."),
            uflpa_company("westerngold", "Western Gold Co., Ltd."),
            uflpa_company("chenguang", "Chenguang Biotech Group Co., Ltd."),
            uflpa_company("yanqi", "Chenguang Biotechnology Group Yanqi Co. Ltd."),
            uflpa_company("xinghua", "XINGHUA CO. LTD"),
        ],
        load_settings(),
    )


@pytest.mark.parametrize(
    ("query", "expected", "reading"),
    [
        ("广西科伦制药有限公司", "kelun", "制药 read as 'pharmaceutical'"),
        ("新疆神火煤电有限公司", "shenhuo", "煤 read as 'coal'"),
        ("宝鸡巨成钛业股份有限公司", "jucheng", "钛 read as 'titanium'"),
        # 都 is read du here (its other reading, dou, is pypinyin's first); 喀什 is Kashgar.
        ("喀什奥都糖业有限公司", "aodu", "糖 read as 'sugar'"),
        ("江阴新仁铝箔科技有限公司", "xinren", "铝箔 read as 'aluminum foil'"),
        # A translated first word (西部 Western) and a place inside the name (哈密 Hami).
        ("西部黄金哈密金矿有限责任公司", "hami", "金矿 read as 'gold mine'"),
        # The group's name, a place, then the unit's own trade name (哈图 Hatu).
        ("西部黄金克拉玛依哈图金矿有限责任公司", "hatu", "金矿 read as 'gold mine'"),
    ],
)
def test_an_industry_word_the_glossary_lacks_is_read_through_the_dictionary(
    matcher: Matcher, query: str, expected: str, reading: str
) -> None:
    alerts = alerts_for(matcher, query)
    assert alerts and verdict(alerts[0]) == (expected, Decision.MATCH), alerts
    assert reading in reasons_of(alerts[0]) and "CC-CEDICT" in reasons_of(alerts[0])
    # A unit's name is not its group's: the group's shorter name is no match.
    assert ("westerngold", Decision.MATCH) not in [verdict(a) for a in alerts]


def test_a_unit_named_after_a_place_is_not_its_group(matcher: Matcher) -> None:
    """晨光生物科技集团焉耆 is the group's company in Yanqi: the place after the name is read, not
    passed over, so the Yanqi company is the match and the group is not."""
    alerts = alerts_for(matcher, "晨光生物科技集团焉耆有限公司")
    assert verdict(alerts[0]) == ("yanqi", Decision.MATCH)
    assert ("chenguang", Decision.MATCH) not in [verdict(a) for a in alerts]


@pytest.mark.parametrize(
    "query",
    [
        "广西科伦食品有限公司",  # the same trade name in food: another company
        "广西科林制药有限公司",  # another syllable (kelin): another company
        "四川科伦制药有限公司",  # another province: another company
        "新疆神火铝业有限公司",  # aluminium is neither coal nor electricity
    ],
)
def test_another_industry_syllable_or_region_is_not_read_as_the_listed_name(
    matcher: Matcher, query: str
) -> None:
    assert not [a for a in alerts_for(matcher, query) if a.decision is Decision.MATCH]


def test_a_rare_reading_of_a_character_alone_is_no_reading(matcher: Matcher) -> None:
    """研华 reads yan-hua; 研 has a rare reading xing, which alone (no industry, no place read)
    does not make it "Xinghua"."""
    assert alerts_for(matcher, "研华") == []


def test_screen_command_reads_the_industry_of_chinese_names(
    screen_command: ScreenCommand,
) -> None:
    """Through the command, against the bundled lists (which name these companies in English;
    their Chinese names are not on the lists)."""
    rows = screen_command({"supplier": ["广西科伦制药有限公司", "新疆神火煤电有限公司"]})
    assert [r["decision"] for r in rows] == ["match", "match"]
    assert "Kelun Pharmaceutical" in rows[0]["entity_name"]
    assert "Shenhuo Coal" in rows[1]["entity_name"]


def test_glosses_file_is_what_its_builder_makes() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts/build_glosses.py"), "--check"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="module")
def aliases() -> Matcher:
    """Entities whose short alias carries no region (the bundled lists' own names)."""
    return Matcher(
        [
            uflpa_company(
                "septwolves", "Fujian Septwolves Industry Co., Ltd.", "Septwolves", "七匹狼"
            ),
            uflpa_company("synear", "Zhengzhou Synear Food Co., Ltd.", "思念食品"),
            uflpa_company("meike", "Jiangsu Meike Solar Technology Co., Ltd.", "Meike Co."),
        ],
        load_settings(),
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [("福建七匹狼实业股份有限公司", "septwolves"), ("郑州思念食品有限公司", "synear")],
)
def test_a_short_alias_takes_the_region_of_its_entitys_other_names(
    aliases: Matcher, query: str, expected: str
) -> None:
    alerts = alerts_for(aliases, query)
    assert alerts and verdict(alerts[0]) == (expected, Decision.MATCH), alerts
    assert "the region agrees with the region of the entity's other names" in reasons_of(alerts[0])


def test_the_entitys_region_does_not_carry_another_industry(aliases: Matcher) -> None:
    """A food company in Fujian named 七匹狼 meets the alias 七匹狼, and the entity is in Fujian,
    but the entity's names say nothing of food: its region does not make this one a match."""
    alerts = alerts_for(aliases, "福建七匹狼食品有限公司")
    assert alerts and verdict(alerts[0]) == ("septwolves", Decision.REVIEW), alerts
