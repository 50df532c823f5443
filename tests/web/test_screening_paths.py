"""One supplier file, every way of screening it: the same decision, score, hit and signals per row.

The ways: ``sourcetrace screen`` without ``--output`` (its summary), with ``--output`` (the local
engine, in two processes and small chunks), with ``--engine spark``; the Python API with the
path as ``str`` and as ``Path``; and the web upload. All read the lists in force in one store:
the bundled snapshot plus OFAC's SDN list imported from the fixture in the Sanctions List Service
layout (``tests/fixtures/lists/ofac_sdn.xml``), whose record 99002 carries a USCC (the bundled
snapshot carries none; the record is the fixture's invented example of the USCC path).

The file is ``examples/suppliers.csv`` plus rows that tell the paths apart when one of them
reads less of a row than another: a supplier whose name is not listed but whose USCC is record
99002's (a USCC-only match), the same name without the USCC, and a listed name repeated with
another address (its signals differ by row).
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from fastapi.testclient import TestClient

import sourcetrace
from sourcetrace.screening import ScreenOptions
from sourcetrace.web.state import AppState

ROOT = Path(__file__).resolve().parents[2]
SDN_XML = ROOT / "tests/fixtures/lists/ofac_sdn.xml"
SDN_USCC = "91650100MA77XD3P73"  # record 99002 of the fixture
COMPARED = ["row", "name", "decision", "score", "entity_id", "reasons", "signals"]

# Appended to examples/suppliers.csv (columns supplier_name,tier,role,address,country,uscc).
# "Qinghe Yarn Trading" is a made-up supplier name, on no list.
EXTRA_ROWS = [
    ["Qinghe Yarn Trading Co., Ltd.", "3", "yarn trader", "Urumqi, Xinjiang", "CN", SDN_USCC],
    ["Qinghe Yarn Trading Co., Ltd.", "3", "yarn trader", "Urumqi, Xinjiang", "CN", ""],
    ["Xinjiang Zhongtai Chemical Co Ltd", "4", "viscose fibre", "Shanghai", "CN", ""],
]


def sourcetrace_cli(
    *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    command = Path(sys.executable).with_name("sourcetrace")
    return subprocess.run(
        [str(command), *args], capture_output=True, text=True, check=False,
        env={**os.environ, **(env or {})},
    )  # fmt: skip


def supplier_file(folder: Path) -> Path:
    source = (ROOT / "examples/suppliers.csv").read_text(encoding="utf-8")
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(EXTRA_ROWS)
    path = folder / "suppliers.csv"
    path.write_text(source.rstrip("\n") + "\n" + buffer.getvalue(), encoding="utf-8")
    return path


def normal(frame: pl.DataFrame) -> pl.DataFrame:
    """The compared columns with one type each: text, row as int, score rounded as written."""
    frame = frame.select(COMPARED).with_columns(pl.col(pl.String).fill_null(""))
    return frame.with_columns(
        pl.col("row").cast(pl.Int64),
        pl.col("score").cast(pl.Float64).round(4),
        *(pl.col(c).cast(pl.String).fill_null("") for c in COMPARED if c not in ("row", "score")),
    ).sort("row")


def summary_rows(stdout: str) -> list[tuple[int, str, float]]:
    """(row, decision, score) of each of the CLI's top hits (``--format json``)."""
    return [(int(r["row"]), str(r["decision"]), round(float(r["score"]), 2))
            for r in json.loads(stdout)["top"]]  # fmt: skip


def test_every_path_gives_the_same_result_per_row(
    tmp_path: Path, client: TestClient, as_user: Callable[[str], str], st: AppState, tools: Any
) -> None:
    db = st.engine.url.render_as_string(hide_password=False)
    imported = sourcetrace_cli(
        "lists", "import", str(SDN_XML), "--format", "ofac-sdn-xml", "--db", db
    )
    assert imported.returncode == 0, imported.stderr
    path = supplier_file(tmp_path)
    rows = pl.read_csv(path, infer_schema_length=0).height

    # Python API, the path as str, the README's example (write to a str path too).
    run = sourcetrace.screen(str(path), ScreenOptions(db=db))
    run.write(str(tmp_path / "api.parquet"))
    api = normal(pl.read_parquet(tmp_path / "api.parquet"))
    assert api.height == rows
    # The USCC-only row: name on no list, USCC equal to record 99002's.
    uscc_row = api.filter(pl.col("row") == rows - 2).row(0, named=True)
    assert uscc_row["decision"] == "match" and uscc_row["score"] == 1.0
    assert uscc_row["entity_id"] == "ofac-99002"
    assert f"USCC {SDN_USCC} agrees" in uscc_row["reasons"]
    assert "USCC registered in Xinjiang" in uscc_row["signals"]
    without_uscc = api.filter(pl.col("row") == rows - 1).row(0, named=True)
    assert without_uscc["entity_id"] != "ofac-99002"
    assert "USCC" not in without_uscc["signals"]
    zhongtai = api.filter(pl.col("name") == "Xinjiang Zhongtai Chemical Co Ltd")
    assert zhongtai.height == 2 and zhongtai.get_column("signals").n_unique() == 2

    # Python API, the path as Path, in memory and in bulk.
    assert normal(sourcetrace.screen(path, db=db).to_frame()).equals(api)
    done = sourcetrace.screen_file(str(path), str(tmp_path / "api_bulk.csv"), db=db, workers=2,
                                   chunk_rows=7)  # fmt: skip
    assert done.counts() == run.counts() and done.name_column == "supplier_name"
    assert normal(pl.read_csv(tmp_path / "api_bulk.csv", infer_schema_length=0)).equals(api)

    # The CLI with --output: the local engine in two worker processes, chunks of 7 rows.
    out = tmp_path / "cli.csv"
    cli = sourcetrace_cli("screen", str(path), "-o", str(out), "--db", db, "--workers", "2",
                          "--chunk-rows", "7", "--quiet")  # fmt: skip
    assert cli.returncode == 0, cli.stderr
    assert normal(pl.read_csv(out, infer_schema_length=0)).equals(api)

    # The CLI without --output: its summary's counts and top hits (one row per name).
    shown = sourcetrace_cli("screen", str(path), "--db", db, "--top", "100", "--format", "json")
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["counts"] == run.counts()
    top = summary_rows(shown.stdout)
    assert (rows - 2, "match", 1.0) in top
    by_row = {r["row"]: (r["decision"], round(r["score"], 2)) for r in api.iter_rows(named=True)}
    assert top and all(by_row[row] == (decision, score) for row, decision, score in top)

    # The web upload, screened by the server's runner, read back as the results download.
    token = as_user("analyst")
    job = tools.screened(client, token, "suppliers.csv", path.read_bytes())
    download = client.get(f"{job}/results.csv")
    assert download.status_code == 200
    web = pl.read_csv(io.StringIO(download.text.lstrip("\ufeff")), infer_schema_length=0)
    assert normal(web).equals(api)


def test_spark_engine_gives_the_same_result_per_row(tmp_path: Path) -> None:
    pytest.importorskip("pyspark")
    db = f"sqlite:///{tmp_path / 'store.db'}"
    imported = sourcetrace_cli(
        "lists", "import", str(SDN_XML), "--format", "ofac-sdn-xml", "--db", db
    )
    assert imported.returncode == 0, imported.stderr
    path = supplier_file(tmp_path)
    want = normal(sourcetrace.screen(path, db=db).to_frame())
    out = tmp_path / "spark.parquet"
    spark = sourcetrace_cli("screen", str(path), "--engine", "spark", "-o", str(out), "--db", db,
                            "--quiet")  # fmt: skip
    assert spark.returncode == 0, spark.stderr
    got = normal(pl.read_parquet(out / "*.parquet"))
    assert got.equals(want)
    assert re.search(f"USCC {SDN_USCC} agrees", " ".join(got.get_column("reasons").to_list()))
