"""The terminal summary of ``sourcetrace screen`` counts the rows with signals, on both paths."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

SUPPLIERS = (
    "name,address,country,uscc\n"
    "Acme Buttons GmbH,Berlin,DE,\n"
    'Northwest Cotton Trading Co Ltd,"Urumqi, Xinjiang",CN,\n'
    "Kashgar Road Textiles Ltd,Kashgar,CN,\n"
    'Ningbo Bright Textile Co Ltd,"Ningbo, Zhejiang",CN,913302001234567890\n'
)


def _run(bin_: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    src = tmp_path / "suppliers.csv"
    src.write_text(SUPPLIERS, encoding="utf-8")
    env = {**os.environ, "SOURCETRACE_DATA_DIR": str(tmp_path / "data")}
    return subprocess.run(
        [bin_, "screen", str(src), "--no-store-lists", *args],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip


@pytest.mark.parametrize("bulk", [False, True], ids=["in-memory", "bulk"])
def test_summary_counts_signal_rows(sourcetrace_bin: str, tmp_path: Path, bulk: bool) -> None:
    args = ("--output", str(tmp_path / "out.csv")) if bulk else ()
    done = _run(sourcetrace_bin, tmp_path, *args)
    assert done.returncode == 0, done.stderr
    assert "signals: 2 rows with a Xinjiang location, 1 with USCC problems" in done.stdout


def test_json_summary_has_signal_rows(sourcetrace_bin: str, tmp_path: Path) -> None:
    done = _run(sourcetrace_bin, tmp_path, "--format", "json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["signal_rows"] == {"location": 2, "identifier": 1}
