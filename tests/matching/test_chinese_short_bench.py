"""The short-Chinese-names benchmark: its short-form rule on listed names, and that it runs."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
SCRIPT = ROOT / "benchmarks" / "matching" / "chinese_short.py"


def _module():  # type: ignore[no-untyped-def]
    sys.path.insert(0, str(SCRIPT.parent))
    spec = importlib.util.spec_from_file_location("chinese_short", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["chinese_short"] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("full", "short"),
    [
        ("新疆中泰化学股份有限公司", "中泰化学"),  # region and legal form off (the issue's example)
        ("合盛硅业(鄯善)有限公司", "合盛硅业"),  # a region in brackets off
        ("新疆東方希望有色金屬有限公司", "东方希望有色金属"),  # traditional to simplified
        ("和田好林发饰有限公司", "好林发饰"),
        ("今创集团", "今创集团"),  # no region, no legal form: as it is
    ],
)
def test_short_form_drops_region_and_legal_form(full: str, short: str) -> None:
    assert _module().short_form(full) == short


def test_benchmark_runs_and_reports_every_part() -> None:
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--no-snapshot"],
        capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    rows = [line.split("|")[1].strip() for line in result.stdout.splitlines()
            if line.startswith("| ") and not line.startswith("| part")]  # fmt: skip
    parts = ["tune", "held-out", "bundled lists", "CC-CEDICT", "all", "probe", "probe, wider"]
    assert rows == parts
