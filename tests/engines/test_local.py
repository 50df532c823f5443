"""The local bulk engine: same results as the in-memory screen, in order, chunked, resumable."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest

import sourcetrace
from sourcetrace.errors import InputError
from sourcetrace.screening import screen_file


def bol_file(tmp_path: Path, examples: Path, repeat: int = 40) -> Path:
    """A shipment file whose shipper names repeat, like bills of lading do."""
    names = pl.read_csv(examples / "suppliers.csv").get_column("supplier_name").to_list()
    rows = [names[(i * 7) % len(names)] for i in range(len(names) * repeat)]
    path = tmp_path / "bol.csv"
    pl.DataFrame({"shipper": rows, "hs_code": ["520512"] * len(rows)}).write_csv(path)
    return path


def test_chunked_multiprocess_output_equals_in_memory_screen(tmp_path: Path, examples: Path) -> None:
    path = bol_file(tmp_path, examples)
    out = tmp_path / "out.parquet"
    done = screen_file(path, out, chunk_rows=97, workers=2)
    summary = done.summary
    assert done.name_column == "shipper" and done.output == str(out)
    got = pl.read_parquet(out)
    want = sourcetrace.screen(path).to_frame()
    assert got.height == want.height == summary.rows
    assert got.get_column("row").to_list() == list(range(1, got.height + 1))
    assert got.equals(want)
    assert summary.distinct_names < 30  # each distinct name matched once
    assert summary.counts["match"] == want.filter(pl.col("decision") == "match").height
    assert not list(tmp_path.glob(".out.parquet*"))


def test_rows_new_in_one_chunk_and_repeated_in_the_next_are_screened_once(
    tmp_path: Path, examples: Path
) -> None:
    # A chunk's new rows are sent before the chunk before it is done: rows still being screened
    # for that chunk must not be sent again, nor lose their results.
    suppliers = pl.read_csv(examples / "suppliers.csv", infer_schema_length=0)
    keys = [
        (name, f"{address}, Building {k}")
        for k in range(10)
        for name, address in suppliers.select("supplier_name", "address").iter_rows()
    ]
    # Each 200-row chunk holds the second half of the chunk before's keys and 100 others.
    rows = [keys[(j * 100 + r) % len(keys)] for j in range(4) for r in range(200)]
    path = tmp_path / "bol.csv"
    pl.DataFrame(rows, schema=["shipper", "address"], orient="row").write_csv(path)
    out = tmp_path / "out.parquet"
    summary = screen_file(path, out, chunk_rows=200, workers=2).summary
    want = sourcetrace.screen(path).to_frame()
    assert pl.read_parquet(out).equals(want)
    assert summary.distinct_names == len(set(rows)) == len(keys)


def test_names_sharing_a_hash_still_get_their_own_result(
    tmp_path: Path, examples: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows are joined to results on a hash of the name; a collision must fall back to the text."""
    from sourcetrace.engines import local

    path = bol_file(tmp_path, examples)
    want = sourcetrace.screen(path).to_frame()
    # Every name gets the same hash: the worst collision there can be.
    monkeypatch.setattr(local, "_hash", lambda columns: pl.lit(7, dtype=pl.UInt64).alias("_h"))
    out = tmp_path / "out.parquet"
    summary = screen_file(path, out, chunk_rows=97, workers=1).summary
    assert pl.read_parquet(out).equals(want)
    assert want.get_column("decision").n_unique() > 1  # the rows do differ
    assert summary.distinct_names == want.get_column("name").n_unique()


def test_runs_in_one_process_do_not_share_results(tmp_path: Path, examples: Path) -> None:
    """A second run with other settings matches afresh (the per-process cache is per matcher)."""
    from sourcetrace.settings import load_settings

    path = bol_file(tmp_path, examples, repeat=2)
    first, second = tmp_path / "a.parquet", tmp_path / "b.parquet"
    screen_file(path, first, workers=1)
    strict = load_settings(match_threshold=0.999, review_threshold=0.998)
    screen_file(path, second, workers=1, settings=strict)
    want = sourcetrace.screen(path, settings=strict).to_frame()
    assert pl.read_parquet(second).equals(want)
    assert not pl.read_parquet(first).equals(want)


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".xlsx"])
def test_every_output_format_has_one_row_per_input_row(tmp_path: Path, examples: Path, suffix: str) -> None:
    path = bol_file(tmp_path, examples, repeat=3)
    out = tmp_path / f"out{suffix}"
    screen_file(path, out, chunk_rows=10, workers=1)
    reader = {".csv": pl.read_csv, ".jsonl": pl.read_ndjson, ".xlsx": pl.read_excel}[suffix]
    frame = reader(out)
    assert frame.get_column("row").to_list() == list(range(1, 82))


def test_bad_row_stops_the_run_or_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "bol.csv"
    path.write_text(
        "shipper,hs\nXinjiang Zhongtai Chemical Co Ltd,2815\nA Co,1,2\nPacific Textiles Holdings Ltd,6006\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    with pytest.raises(InputError, match=r"row 2: has 3 fields"):
        screen_file(path, out, workers=1)
    assert not out.exists() and not list(tmp_path.glob(".out.csv*"))
    summary = screen_file(path, out, workers=1, skip_bad_rows=True).summary
    frame = pl.read_csv(out)
    assert frame.get_column("row").to_list() == [1, 3]
    assert summary.skipped_rows == [2]
    assert frame.get_column("decision").to_list() == ["match", "clear"]


def test_killed_run_leaves_no_output_and_resume_completes_it(tmp_path: Path, examples: Path) -> None:
    path = bol_file(tmp_path, examples, repeat=400)  # 10,800 rows
    out = tmp_path / "out.csv"
    reference = tmp_path / "reference.csv"
    screen_file(path, reference, chunk_rows=500, workers=1)
    code = (
        "import sys, time\n"
        "import sourcetrace.engines.local as local\n"
        "orig = local._screen_chunk\n"
        "def slow(*a, **k):\n"
        "    time.sleep(0.3)\n"
        "    return orig(*a, **k)\n"
        "local._screen_chunk = slow\n"
        "from sourcetrace.screening import screen_file\n"
        f"screen_file({str(path)!r}, {str(out)!r}, chunk_rows=500, workers=1)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code])
    parts = tmp_path / ".out.csv.parts"
    deadline = time.time() + 60
    while time.time() < deadline and len(list(parts.glob("*.arrow"))) < 4:
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not out.exists()
    done = len(list(parts.glob("*.arrow")))
    assert 4 <= done < 22
    screen_file(path, out, chunk_rows=500, workers=1, resume=True)
    assert out.read_bytes() == reference.read_bytes()
    assert not parts.exists()


def test_parquet_input_streams(tmp_path: Path, examples: Path) -> None:
    csv_path = bol_file(tmp_path, examples, repeat=2)
    pq_path = tmp_path / "bol.parquet"
    pl.read_csv(csv_path).write_parquet(pq_path)
    out = tmp_path / "out.parquet"
    screen_file(pq_path, out, chunk_rows=5, workers=1)
    assert pl.read_parquet(out).height == 54
