from __future__ import annotations

import pytest

from sourcetrace.names import fold, parse_name
from sourcetrace.names.parse import clean_line


def test_fold_simplifies_traditional_and_taiwan_forms() -> None:
    assert fold("化學") == "化学"
    assert fold("礦業") == "矿业"
    assert fold("合盛矽業") == "合盛硅业"  # Taiwan writes silicon 矽, the mainland 硅
    assert fold("ＸＩＮＪＩＡＮＧ　（鄯善）") == "xinjiang (鄯善)"


@pytest.mark.parametrize(
    "name",
    [
        "新疆中泰化学股份有限公司",
        "Xinjiang Zhongtai Chemical Co., Ltd.",
        "XINJIANG ZHONGTAI CHEMICAL CO LTD",
        "Xinjiang Zhongtai Huaxue Gufen Youxian Gongsi",
        "Xinjiang Zhong Tai Chemical Company Limited",
    ],
)
def test_scripts_meet_on_the_same_parts(name: str) -> None:
    parsed = parse_name(name)
    assert parsed.trade_key == "zhongtai"
    assert parsed.industry == frozenset({"chemical"})
    assert parsed.regions == frozenset({"650000"})


def test_parenthesised_region_is_a_region() -> None:
    zh = parse_name("合盛硅业（鄯善）有限公司")
    en = parse_name("Hoshine Silicon Industry (Shanshan) Co., Ltd")
    assert zh.trade_key == "hesheng" and en.trade_key == "hoshine"
    assert zh.regions == en.regions == frozenset({"650421"})


def test_legal_form_removed_without_word_boundaries() -> None:
    assert parse_name("昌吉溢达纺织有限公司").trade_key == "yida"
    assert parse_name("Changji Esquel Textile Co.,Ltd.").trade_key == "esquel"


def test_place_only_name_keeps_the_place_as_trade_name() -> None:
    parsed = parse_name("Xinjiang Chemical Co., Ltd.")
    assert parsed.trade_from_region
    assert parsed.industry == frozenset({"chemical"})


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("XINJIANG ZHONGTAI CHEMICAL CO LTD NO 88 BEIJING RD URUMQI", "XINJIANG ZHONGTAI CHEMICAL CO LTD"),
        ("HETIAN TAIDA APPAREL CO LTD C/O GLOBAL LOGISTICS", "HETIAN TAIDA APPAREL CO LTD"),
        ("AKSU HUAFU TEXTILES CO LTD TEL +86 997 1234567", "AKSU HUAFU TEXTILES CO LTD"),
    ],
)
def test_bill_of_lading_noise_is_cut(line: str, name: str) -> None:
    assert clean_line(line) == (name, True)
