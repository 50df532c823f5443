"""The Chinese-variants benchmark: its rewriting rules on listed names, and that it runs."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
SCRIPT = ROOT / "benchmarks" / "matching" / "chinese_variants.py"


def _module() -> ModuleType:
    sys.path.insert(0, str(SCRIPT.parent))
    spec = importlib.util.spec_from_file_location("chinese_variants", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["chinese_variants"] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("rule", "listed", "variant"),
    [
        ("pinyin_words", "新疆东方希望有色金属有限公司",
         "XINJIANG DONG FANG XI WANG YOUSEJINSHU YOUXIANGONGSI"),  # pypinyin's phrases
        ("pinyin_syllables", "和田好林发饰有限公司", "HE TIAN HAO LIN FA SHI YOU XIAN GONG SI"),
        ("pinyin_joined", "碳元科技", "TANYUANKEJI"),
        ("pinyin_cut35", "合肥宝龙达信息技术有限公司", "HEFEI BAO LONG DA XINXI JISHU YOUXI"),
        ("hant", "新疆东方希望有色金属有限公司", "新疆東方希望有色金屬有限公司"),
        ("fullwidth", "合盛硅业(鄯善)有限公司", "合盛硅业（鄯善）有限公司"),
        ("with_address", "和田好林发饰有限公司", "和田好林发饰有限公司 地址：和田"),
        ("branch", "和田泰达服饰有限公司", "和田泰达服饰有限公司乌鲁木齐分公司"),
        ("bracket_region", "新疆大全新能源股份有限公司", "大全新能源（新疆）股份有限公司"),
    ],
)  # fmt: skip
def test_rules_rewrite_listed_chinese_names(rule: str, listed: str, variant: str) -> None:
    module = _module()
    assert module.VARIANTS[rule](None)(listed) == variant


def test_rules_that_do_not_apply_give_no_query() -> None:
    module = _module()
    assert module.pinyin_cut35("碳元科技") is None  # short enough: nothing is cut
    assert module.bracket_region("今创集团") is None  # no province to move
    assert module.with_address("七匹狼") is None  # no place to give


def test_pinyin_only_names_leave_the_list() -> None:
    module = _module()
    assert module.pinyin_only("Hesheng Guiye Gufen Youxian Gongsi")
    assert not module.pinyin_only("Hetian Taida Apparel Co., Ltd")


def test_benchmark_runs_and_reports_every_rule() -> None:
    result = subprocess.run(
        [sys.executable, str(SCRIPT)], capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    tables = result.stdout.split("\n\n")
    rows = [line.split("|")[1].strip() for line in tables[0].splitlines()
            if line.startswith("| ") and not line.startswith("| rule")]  # fmt: skip
    assert rows == [*_module().VARIANTS, "all variants (as_listed aside)"]
    # The tune and held-out parts apart, each with every rule, adding up to the whole.
    assert [t.splitlines()[0] for t in tables[1:]] == ["tune part", "held-out part"]
    counts = [
        {line.split("|")[1].strip(): [int(c) for c in line.split("|")[2:8]]
         for line in t.splitlines() if line.startswith("| ") and not line.startswith("| rule")}
        for t in tables
    ]  # fmt: skip
    for rule in _module().VARIANTS:
        both = [a + b for a, b in zip(counts[1][rule], counts[2][rule], strict=True)]
        assert both == counts[0][rule], rule
