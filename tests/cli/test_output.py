"""What ``screen``, ``lists`` and ``graph list`` print into a pipe: whole words, TSV and JSON
that parse, through the installed script."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
from pathlib import Path

import pytest

# Names as the UFLPA Entity List and the BIS Entity List print them, and one not listed.
SUPPLIERS = """supplier_name,country
"Hoshine Silicon Industry (Shanshan) Co., Ltd.",CN
Xinjiang Zhongtai Chemical Co Ltd,CN
Northwind Outfitters Ltd,GB
"""


def run(command: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    # COLUMNS=80: Rich wrapped tables at this width when stdout was not a terminal.
    env = {**os.environ, "SOURCETRACE_DATA_DIR": str(cwd / "data"), "COLUMNS": "80"}
    done = subprocess.run([command, *args], capture_output=True, text=True, cwd=cwd, env=env,
                          timeout=120, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done


@pytest.fixture()
def suppliers(tmp_path: Path) -> Path:
    path = tmp_path / "suppliers.csv"
    path.write_text(SUPPLIERS, encoding="utf-8")
    return path


def test_screen_summary_in_a_pipe_keeps_every_row_on_one_line(
    sourcetrace_bin: str, suppliers: Path
) -> None:
    out = run(sourcetrace_bin, "screen", str(suppliers), cwd=suppliers.parent).stdout
    lines = out.splitlines()
    assert any(len(line) > 80 for line in lines)  # not cut to the 80 columns
    header = next(line for line in lines if line.startswith("row "))
    assert header.split() == ["row", "name", "decision", "score", "listed", "entity", "lists",
                              "reasons"]  # fmt: skip
    hoshine = [line for line in lines if "Hoshine" in line]
    assert len(hoshine) == 1  # the row, on one line, with its decision and listed entity
    assert "Hoshine Silicon Industry (Shanshan) Co., Ltd.  match" in hoshine[0]
    assert "\x1b[" not in out  # no colour codes in a pipe


def test_screen_tsv_and_json(sourcetrace_bin: str, suppliers: Path) -> None:
    tsv = run(sourcetrace_bin, "screen", str(suppliers), "--format", "tsv", cwd=suppliers.parent)
    rows = list(csv.DictReader(io.StringIO(tsv.stdout), delimiter="\t"))
    assert {r["name"]: r["decision"] for r in rows} == {
        "Hoshine Silicon Industry (Shanshan) Co., Ltd.": "match",
        "Xinjiang Zhongtai Chemical Co Ltd": "match",
    }
    assert all(r["listed entity"] and r["reasons"] for r in rows)
    done = run(sourcetrace_bin, "screen", str(suppliers), "--format", "json", cwd=suppliers.parent)
    found = json.loads(done.stdout)
    assert found["rows"] == 3 and found["counts"] == {"match": 2, "review": 0, "clear": 1}
    assert found["name_column"] == "supplier_name"
    assert [t["name"] for t in found["top"]] == [r["name"] for r in rows]
    assert {u["name"] for u in found["lists"]} >= {"uflpa"}


def test_lists_in_a_pipe_tsv_and_json(sourcetrace_bin: str, tmp_path: Path) -> None:
    plain = run(sourcetrace_bin, "lists", cwd=tmp_path).stdout
    uflpa = [line for line in plain.splitlines() if line.startswith("uflpa ")]
    assert len(uflpa) == 1 and "U.S. Department of Homeland Security" in uflpa[0]
    tsv = run(sourcetrace_bin, "lists", "--format", "tsv", cwd=tmp_path).stdout
    rows = list(csv.DictReader(io.StringIO(tsv), delimiter="\t"))
    assert "uflpa" in {r["list"] for r in rows}
    assert all(r["content hash"].startswith("sha256:") and int(r["entities"]) > 0 for r in rows)
    listed = json.loads(run(sourcetrace_bin, "lists", "--format", "json", cwd=tmp_path).stdout)
    assert [r["list"] for r in listed] == [r["list"] for r in rows]
    db = f"sqlite:///{tmp_path / 'store.db'}"
    versions = run(sourcetrace_bin, "lists", "versions", "--db", db, "--format", "json",
                   cwd=tmp_path).stdout  # fmt: skip
    assert json.loads(versions) == []
    graphs = run(sourcetrace_bin, "graph", "list", "--db", db, "--format", "tsv", cwd=tmp_path)
    assert graphs.stdout.splitlines() == ["name\tsaved\tparties\tlinks\tholdings\tfiles"]
