"""Decompression bombs and oversized inputs are refused while read: one line, exit 2, no output.

The two attacks of issue 21 are rebuilt here: a workbook of about 460 kB whose 2,000 cells of
200,000 characters unpack to 400 MB, and a Parquet file of a few hundred kB holding 50 million
rows. Each is refused by the installed command before it is unpacked; the peak memory of the
refusing process is measured (``ru_maxrss`` of a wrapper's only child).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import polars as pl
import pytest
import xlsxwriter

from sourcetrace.errors import InputError
from sourcetrace.io.options import Limits, ReadOptions
from sourcetrace.io.readers import read_input

SOURCETRACE = str(Path(sys.executable).with_name("sourcetrace"))
LISTED = "Xinjiang Daqo New Energy, Co. Ltd"  # UFLPA Entity List
PEAK_MB = 400  # the interpreter with polars, pyarrow and the bundled lists loaded stays below

_PEAK = """
import resource, subprocess, sys
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
sys.stdout.write(f"{done.returncode}\\n{resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}\\n")
sys.stderr.write(done.stderr)
"""


def refused(tmp_path: Path, *args: str, **env: str) -> tuple[str, float, float]:
    """Run ``sourcetrace screen ...``; returns its one error line, seconds and peak MB."""
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", _PEAK, SOURCETRACE, "screen", *args, "--no-store-lists"],
        capture_output=True, text=True, timeout=300, check=False, cwd=tmp_path,
        env={**os.environ, "SOURCETRACE_DATA_DIR": str(tmp_path / "data"), **env},
    )  # fmt: skip
    seconds = time.monotonic() - started
    code, peak_kb = done.stdout.split()
    lines = done.stderr.strip().splitlines()
    assert code == "2", done.stderr[-2000:]
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr[-2000:]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("out")]  # nothing written
    return lines[0], seconds, int(peak_kb) / 1024


def test_xlsx_bomb_is_refused_before_it_is_unpacked(tmp_path: Path, xlsx_bomb: Path) -> None:
    bomb = Path(shutil.copy(xlsx_bomb, tmp_path / "suppliers.xlsx"))
    assert bomb.stat().st_size < 600_000  # about 460 kB, as in the report
    for args in ((bomb.name,), (bomb.name, "-o", "out.csv")):
        line, seconds, peak = refused(tmp_path, *args)
        assert line.startswith("error: suppliers.xlsx: part xl/worksheets/sheet1.xml unpacks")
        assert "decompression bomb" in line
        assert seconds < 60 and peak < PEAK_MB, (seconds, peak)


def test_parquet_of_fifty_million_rows_is_refused_from_its_footer(
    tmp_path: Path, parquet_rows: Path
) -> None:
    path = Path(shutil.copy(parquet_rows, tmp_path / "shipments.parquet"))
    assert path.stat().st_size < 1_000_000
    for args in ((path.name,), (path.name, "-o", "out.csv")):
        line, seconds, peak = refused(tmp_path, *args)
        assert line == (
            "error: shipments.parquet: holds 50,000,000 rows, over the 20,000,000 limit "
            "(SOURCETRACE_MAX_INPUT_ROWS); nothing read"
        )
        assert seconds < 60 and peak < PEAK_MB, (seconds, peak)


def long_cell_files(tmp_path: Path, length: int) -> dict[str, Path]:
    """The same three-row supplier list in every format, its second row's name ``length`` long."""
    long_name = ("Xinjiang " * (length // 9 + 1))[:length]
    frame = pl.DataFrame({"supplier": [LISTED, long_name, "Pacific Textiles Holdings Ltd"]})
    paths = {fmt: tmp_path / f"in.{fmt}" for fmt in ("csv", "xlsx", "jsonl", "parquet")}
    frame.write_csv(paths["csv"])
    frame.write_ndjson(paths["jsonl"])
    frame.write_parquet(paths["parquet"])
    book = xlsxwriter.Workbook(paths["xlsx"])
    sheet = book.add_worksheet()
    for i, value in enumerate(["supplier", *frame.get_column("supplier")]):
        sheet.write_string(i, 0, value)
    book.close()
    return paths


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "jsonl", "parquet"])
def test_a_cell_over_the_limit_is_refused_naming_row_and_column(tmp_path: Path, fmt: str) -> None:
    limits = Limits.from_settings()
    path = long_cell_files(tmp_path, limits.max_cell_chars + 1)[fmt]
    with pytest.raises(InputError) as caught:
        read_input(path, ReadOptions())
    assert caught.value.line() == (
        f"{path}, row 2, column 'supplier': a cell of 10,001 characters, over the 10,000 limit "
        "(SOURCETRACE_MAX_CELL_CHARS)"
    )
    ok = long_cell_files(tmp_path, limits.max_cell_chars)[fmt]
    assert read_input(ok, ReadOptions()).frame.height == 3


@pytest.mark.parametrize("bulk", [False, True], ids=["in-memory", "bulk"])
def test_rows_and_cells_limits_through_the_command(tmp_path: Path, bulk: bool) -> None:
    path = tmp_path / "suppliers.csv"
    rows = [LISTED] * 5 + ["X" * 10_001]
    path.write_text("supplier\n" + "\n".join(f'"{r}"' for r in rows) + "\n", encoding="utf-8")
    args = (path.name, "-o", "out.csv") if bulk else (path.name,)
    line, _, _ = refused(tmp_path, *args)
    assert line == (
        "error: suppliers.csv, row 6, column 'supplier': a cell of 10,001 characters, over the "
        "10,000 limit (SOURCETRACE_MAX_CELL_CHARS)"
    )
    line, _, _ = refused(tmp_path, *args, SOURCETRACE_MAX_INPUT_ROWS="4")
    assert line == (
        "error: suppliers.csv: has more than 4 data rows (SOURCETRACE_MAX_INPUT_ROWS); "
        "split it, or raise the limit"
    )


def test_too_many_columns(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    header = ["supplier", *(f"c{i}" for i in range(1000))]
    path.write_text(",".join(header) + "\n" + ",".join(["A Co", *("x" * 1000)]) + "\n")
    with pytest.raises(InputError, match="has 1,001 columns, over the 1,000 limit"):
        read_input(path, ReadOptions())


def test_a_workbook_that_lies_about_its_sizes_is_refused(tmp_path: Path) -> None:
    """Declared sizes pass the checks; the part, inflated in blocks, does not match them."""
    path = tmp_path / "liar.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<x>" + b"A" * 40_000_000 + b"</x>")
    data = bytearray(path.read_bytes())
    local, central = data.find(b"PK\x03\x04"), data.find(b"PK\x01\x02")
    data[local + 22 : local + 26] = (1000).to_bytes(4, "little")  # uncompressed size
    data[central + 24 : central + 28] = (1000).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    with pytest.raises(InputError, match=r"liar.xlsx: not a readable XLSX workbook \(part"):
        read_input(path, ReadOptions())
