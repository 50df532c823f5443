"""The Xinjiang location signal in every script, and only where the address says it is true."""

from __future__ import annotations

import csv
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

from sourcetrace.names.location import xinjiang_location, xinjiang_places, xinjiang_postcode
from sourcetrace.names.places import key_of
from tests.conftest import ScreenCommand

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("text", "place", "reason"),
    [
        (
            "قەشقەر شەھىرى، ئۈستەڭبويى يولى 12-نومۇر",
            "喀什地区",
            "Uyghur script: قەشقەر شەھىرى = Kashgar Prefecture, city part of the address",
        ),
        ("ئۈرۈمچى شەھىرى تەڭرىتاغ رايونى", "乌鲁木齐市", "Uyghur script: ئۈرۈمچى"),
        ("Qeshqer sheheri", "喀什地区", "Uyghur Latin (ULY): Qeshqer"),
        ("Ürümchi", "乌鲁木齐市", "Uyghur Latin (ULY): Ürümchi = Urumqi prefecture"),
        ("Ghulja sheheri", "伊犁哈萨克自治州", "Ghulja = Ili Kazakh Autonomous Prefecture"),
        ("Shixenze", "石河子市", "Shixenze = Shihezi city, county part"),
        ("Үрүмчи шәһири", "乌鲁木齐市", "Uyghur Cyrillic: Үрүмчи"),
        ("Кашгар, Китай", "喀什地区", "Russian Cyrillic: Кашгар"),
        (
            "г. Корла, Синьцзян",
            "新疆维吾尔自治区",
            "Russian Cyrillic: Синьцзян = Xinjiang, province",
        ),
        (
            "新疆維吾爾自治區烏魯木齊市",
            "新疆维吾尔自治区",
            "Chinese (traditional): 新疆維吾爾自治區",
        ),
        ("Wūlǔmùqí Shì", "乌鲁木齐市", "pinyin with tones: Wūlǔmùqí Shì"),
        ("Wu Lu Mu Qi", "乌鲁木齐市", "pinyin: Wu Lu Mu Qi"),
        ("KHOTAN, SINKIANG, CHINA", "和田地区", "Latin: SINKIANG = Xinjiang, province part"),
        ("Tihwa", "乌鲁木齐市", "Latin: Tihwa"),
        ("Yarkand", "莎车县", "Latin: Yarkand = Shache county, county part"),
    ],
)
def test_every_script_names_the_place_script_and_part(text: str, place: str, reason: str) -> None:
    location = xinjiang_location(text)
    assert place in [p.name_zh for p in location.places]
    assert reason in location.reason


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("上海市徐汇区乌鲁木齐中路88号", "乌鲁木齐: a street"),
        ("山东省青岛市市北区新疆路16号", "新疆: a street"),
        ("56 Hetian Road, Siming District, Xiamen, Fujian", "Hetian: a street"),
        ("56 Kashgar Road, Changning, Shanghai", "Kashgar: a street"),
        ("Aksu, Antalya, Turkey", "the country part is Türkiye"),
        ("г. Аксу, Павлодарская область, Казахстан", "the country part is Kazakhstan"),
        ("Barnaul, Altai Krai, Russia", "the country part is Russia"),
        ("Kashi, Varanasi, Uttar Pradesh, India", "the country part is India"),
        ("c/o Mr Ku Cha-min, 55 Sejong-daero, Seoul", "c/o Mr Ku Cha-min: a person line"),
        ("Attn: Jane Awati, 100 Harbour Road, Hong Kong", "a person line"),
        ("联系人：王阿克苏 浙江省杭州市西湖区文三路", "a person line"),
        ("Qinghe District, Beijing", "no other Xinjiang place beside it"),
        ("Yiwu, Zhejiang", "no other Xinjiang place beside it"),
    ],
)
def test_context_sets_the_place_word_aside(text: str, why: str) -> None:
    location = xinjiang_location(text)
    assert not location and xinjiang_places(text) == []
    assert any(why in note for note in location.ignored), location.ignored


def test_country_column_is_the_last_part() -> None:
    assert xinjiang_location("Aksu Mahallesi 12, Aksu, Antalya")  # no country: read as Xinjiang
    assert not xinjiang_location("Aksu Mahallesi 12, Aksu, Antalya", country="TR")
    assert xinjiang_location("Aksu, Xinjiang", country="CN")


def test_address_structure_decides_between_two_cities() -> None:
    beijing = xinjiang_location("北京市海淀区三里河路7号新疆大厦")
    assert not beijing
    urumqi = xinjiang_location("乌鲁木齐市北京南路8号, 上海办事处")
    assert [p.name_zh for p in urumqi.places] == ["乌鲁木齐市"]
    assert urumqi.reason.endswith("city part of the address (the city part decides over 上海)")
    shanghai = xinjiang_location("Urumqi Middle Road 77, Xuhui, Shanghai")
    assert not shanghai
    latin = xinjiang_location("Tianshan District, Urumqi, Xinjiang")
    assert latin.reason == "pinyin: Xinjiang = Xinjiang, province part of the address"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("88 Beijing Rd, Urumqi 830011", "830011"),
        ("新疆乌鲁木齐市 邮编830002", "830002"),
        ("新疆喀什市人民东路12号 844000", "844000"),
        ("Room 1205, Urumqi, Xinjiang 830002 China", "830002"),
        ("Tel: +86 21 8301 2345, Shanghai", ""),
        ("电话0991-830012, 上海市", ""),
        ("Unit 840012, Pudong, Shanghai", ""),
        ("Ranchi 834001, Jharkhand, India", ""),
        ("tel 8300112345", ""),
        ("8300 Main Street 830011 Springfield", ""),
    ],
)
def test_postcode_only_where_it_stands_as_one(text: str, code: str) -> None:
    assert xinjiang_postcode(text) == code


def test_every_gazetteer_form_has_an_origin_and_its_key() -> None:
    table = resources.files("sourcetrace.data").joinpath("xinjiang_gazetteer.tsv")
    with table.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    assert {r["script"] for r in rows} >= {"zh-Hans", "zh-Hant", "ug-Arab", "ug-Latn", "ug-Cyrl"}
    assert all(r["origin"] and r["key"] == key_of(r["form"]) for r in rows)


def test_screen_raises_the_signal_for_a_uyghur_script_address(
    screen_command: ScreenCommand,
) -> None:
    rows = screen_command(
        {
            "supplier_name": ["Tarim Cotton Trading", "Harbour Knitting", "Siming Textiles"],
            "address": [
                "ئاقسۇ شەھىرى، يېڭى يول 8-نومۇر",
                "c/o Mr Ku Cha-min, 55 Sejong-daero, Seoul",
                "56 Hetian Road, Siming District, Xiamen",
            ],
        }
    )
    signals = [r["signals"] for r in rows]
    assert "Xinjiang location in address (阿克苏地区)" in signals[0]
    assert signals[1:] == ["", ""]


def test_benchmark_prints_recall_and_precision_over_the_targets() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks/location/run.py")],
        capture_output=True,
        text=True,
        check=True,
    )
    for line in result.stdout.splitlines():
        recall = float(line.split("recall ")[1].split(",")[0])
        precision = float(line.split("precision ")[1].split(" ")[0])
        assert recall >= 0.95 and precision >= 0.98, line
    assert {line.split(":")[0] for line in result.stdout.splitlines()} == {"tune", "heldout", "probe"}


@pytest.mark.parametrize(
    "name",
    [
        "Xinjiang Building Materials Group",
        "新疆北新路桥集团股份有限公司",  # 路桥: road and bridge building, not a road
        "新疆道路运输有限公司",  # 道路: road transport
        "Xinjiang Road and Bridge Construction",
        "Xinjiang Lu An Cotton Co",  # a name, not an address: no number, one part
        "MS Xinjiang Textile",  # MS is no title
    ],
)
def test_company_names_with_road_and_building_words_keep_their_place(name: str) -> None:
    assert xinjiang_places(name) == ["新疆维吾尔自治区"]


def test_screen_reads_the_country_column_as_part_of_the_address(
    screen_command: ScreenCommand,
) -> None:
    # Aksu is also a town of Antalya: the row's own country column says which one.
    rows = screen_command(
        {
            "supplier_name": ["Antalya Pamuk Tekstil", "Tarim Cotton Trading"],
            "address": ["Aksu, Antalya", "Aksu"],
            "country": ["TR", "CN"],
        }
    )
    signals = [r["signals"] for r in rows]
    assert signals[0] == ""
    assert "Xinjiang location in address" in signals[1] and "Aksu" in signals[1]
