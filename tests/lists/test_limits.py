"""List files are held to the input limits while read: ``lists import`` refuses an oversized
field, entity line or file with one line and exit 2, and stores nothing."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import orjson

from sourcetrace.store import ListStore

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "lists"
SOURCETRACE = str(Path(sys.executable).with_name("sourcetrace"))


def import_list(tmp_path: Path, path: Path, fmt: str, **env: str) -> str:
    """``sourcetrace lists import``, which must fail: its one error line."""
    done = subprocess.run(
        [SOURCETRACE, "lists", "import", str(path), "-f", fmt, "--db", str(tmp_path / "s.db")],
        capture_output=True, text=True, timeout=120, check=False,
        # No progress line on a slow machine: the one line asserted here is the error.
        env={**os.environ, "SOURCETRACE_DATA_DIR": str(tmp_path / "data"),
             "SOURCETRACE_PROGRESS_INTERVAL": "600", **env},
    )  # fmt: skip
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2, done.stderr[-2000:]
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr[-2000:]
    with ListStore.open(tmp_path / "s.db") as store:
        assert store.versions() == []
    return lines[0]


def test_a_field_over_the_cell_limit(tmp_path: Path) -> None:
    rows = list(csv.reader(io.StringIO((FIXTURES / "consolidated.csv").read_text("utf-8"))))
    rows[1][rows[0].index("remarks")] = "R" * 10_001
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    path = tmp_path / "consolidated.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    line = import_list(tmp_path, path, "trade-csl-csv")
    assert line == (
        f"error: {path}, row 2, column 'remarks': a field of 10,001 characters, over the 10,000 "
        "limit (SOURCETRACE_MAX_CELL_CHARS)"
    )


def test_a_file_over_the_size_limit(tmp_path: Path) -> None:
    path = FIXTURES / "uflpa_entity_list_v2.html"
    line = import_list(tmp_path, path, "uflpa-html", SOURCETRACE_MAX_INPUT_BYTES="4096")
    assert line.startswith(f"error: {path}: is ")
    assert line.endswith("over the 4.0 KiB limit (SOURCETRACE_MAX_INPUT_BYTES); nothing read")


def test_an_ftm_entity_line_over_the_limit(tmp_path: Path) -> None:
    entity = {
        "id": "uflpa-big",
        "schema": "Company",
        "properties": {"name": ["Xinjiang Daqo New Energy, Co. Ltd"], "notes": ["n" * 1_000_001]},
    }
    path = tmp_path / "entities.ftm.jsonl"
    path.write_bytes(orjson.dumps(entity) + b"\n")
    line = import_list(tmp_path, path, "ftm")
    assert line == (
        f"error: {path}, row 1: an entity line over 1,000,000 bytes "
        "(SOURCETRACE_MAX_CELL_CHARS x 100)"
    )
