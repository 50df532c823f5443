"""The trade-word translations shipped in ``data/trade_words.tsv`` are what their builder makes
from CC-CEDICT (``sources/cedict/``), and read as the matcher reads them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sourcetrace.names.parse import parse_name
from sourcetrace.names.vocabulary import trade_words

ROOT = Path(__file__).resolve().parents[2]


def test_built_file_is_up_to_date() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts/build_trade_words.py"), "--check"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def test_two_character_words_only_and_no_proper_nouns() -> None:
    words = trade_words()
    assert words["希望"] == ("desire", "hope")
    assert all(len(zh) == 2 for zh in words)
    assert "三星" not in words  # Samsung: a company's own name is a fact, not a translation


def test_chinese_trade_name_reads_in_english_word_by_word() -> None:
    readings = parse_name("新疆东方希望有色金属有限公司").readings
    assert "easthope" in readings and "dongfanghope" in readings
    assert "dongfangxiwang" not in readings  # the pinyin reading is the trade key already
    assert parse_name("Xinjiang East Hope Nonferrous Metals Co., Ltd.").readings == ()
