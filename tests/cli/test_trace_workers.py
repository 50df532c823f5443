"""``sourcetrace trace`` screening its parties in the bulk engine's worker processes finds what
screening them in one process finds.

``SOURCETRACE_TRACE_WORKERS_FROM=1`` sends even the example chain's few names to the workers
(``--workers 2``); ``--workers 1`` keeps them in the command's own process. The chain is the
example chain with each link given again under other spellings of the same parties (upper case,
another listed spelling of a company on the list), so that names repeat within and across batches.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import polars as pl

from sourcetrace.graph.tables import TABLES

ROOT = Path(__file__).resolve().parents[2]
CHAIN = ROOT / "examples/chain"


def _command() -> str:
    """The installed command, beside this interpreter (a venv's bin), else on PATH."""
    here = Path(sys.executable).parent / "sourcetrace"
    return str(here) if here.exists() else "sourcetrace"


def _chain(folder: Path) -> Path:
    """The example links, then every link again with its parties' names in upper case, and the
    Huafu link again under an alias the UFLPA Entity List gives Aksu Huafu Color Spinning."""
    links = pl.read_csv(CHAIN / "links.csv", infer_schema=False)
    shouted = links.with_columns(pl.col("buyer").str.to_uppercase(),
                                 pl.col("supplier").str.to_uppercase())  # fmt: skip
    alias = links.filter(pl.col("supplier") == "HUAFU COLOR SPINNING").with_columns(
        pl.lit("Aksu Huafu Textiles Co., Ltd.").alias("supplier")
    )
    path = folder / "links.csv"
    pl.concat([links, shouted, alias]).write_csv(path)
    return path


def _trace(links: Path, out: Path, workers: int) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SOURCETRACE_TRACE_WORKERS_FROM": "1"}
    return subprocess.run(
        [_command(), "trace", str(links), "--ownership", str(CHAIN / "ownership.csv"),
         "--shipments", str(CHAIN / "shipments.csv"), "--workers", str(workers),
         "--output", str(out)],
        capture_output=True, text=True, check=False, env=env,
    )  # fmt: skip


def _sorted(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.sort(frame.columns, nulls_last=True)


def test_worker_screening_gives_the_findings_of_one_process(tmp_path: Path) -> None:
    links = _chain(tmp_path)
    outputs: dict[int, Path] = {}
    for workers in (1, 2):
        out = tmp_path / f"w{workers}" / "findings.parquet"
        out.parent.mkdir()
        done = _trace(links, out, workers)
        assert done.returncode == 0, done.stderr
        outputs[workers] = out
        readable = out.with_suffix(".csv")
        done = _trace(links, readable, workers)
        assert done.returncode == 0, done.stderr
    one, two = outputs[1], outputs[2]
    found = pl.read_parquet(one)
    # Listed parties were found (not an empty comparison): Huafu by two spellings, Zhongtai
    # by its Chinese name.
    listed = set(found.filter(pl.col("risk_kind") == "list")["source"])
    assert {
        "HUAFU COLOR SPINNING",
        "Aksu Huafu Textiles Co., Ltd.",
        "新疆中泰化学股份有限公司",
    } <= listed
    for name in TABLES:
        a, b = (p if name == "findings" else p.with_name(f"{p.stem}.{name}.parquet")
                for p in (one, two))  # fmt: skip
        assert _sorted(pl.read_parquet(a)).equals(_sorted(pl.read_parquet(b))), name
    assert one.with_suffix(".csv").read_bytes() == two.with_suffix(".csv").read_bytes()
