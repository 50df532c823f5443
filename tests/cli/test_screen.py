"""``sourcetrace screen`` end to end: the output contract, exit codes, bad input, extra lists."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

import sourcetrace
from sourcetrace.model import OUTPUT_COLUMNS

ROOT = Path(__file__).resolve().parents[2]
ZALA = ROOT / "tests/fixtures/yente_fixture_zala.ftm.jsonl"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sourcetrace", *args], capture_output=True, text=True, check=False
    )


def test_output_contract_one_row_per_input_row_in_order(tmp_path: Path, examples: Path) -> None:
    out = tmp_path / "results.csv"
    result = run("screen", str(examples / "suppliers.csv"), "--output", str(out))
    assert result.returncode == 0, result.stderr
    frame = pl.read_csv(out, infer_schema_length=0)
    source = pl.read_csv(examples / "suppliers.csv", infer_schema_length=0)
    assert tuple(frame.columns[: len(OUTPUT_COLUMNS)]) == OUTPUT_COLUMNS
    assert frame.height == source.height
    assert frame.get_column("row").to_list() == [str(i) for i in range(1, source.height + 1)]
    assert frame.get_column("name").to_list() == source.get_column("supplier_name").to_list()
    assert set(frame.get_column("decision").to_list()) <= {"match", "review", "clear"}
    scores = [float(s) for s in frame.get_column("score").to_list()]
    assert all(0.0 <= s <= 1.0 for s in scores)
    zhongtai = frame.filter(pl.col("name") == "新疆中泰化学股份有限公司").row(0, named=True)
    assert zhongtai["decision"] == "match"
    assert zhongtai["entity_id"].startswith("uflpa-")
    assert "UFLPA Entity List 2(d)(2)(B)(ii), listed 2023-06-12" in zhongtai["lists"]
    assert zhongtai["reasons"]
    clear = frame.filter(pl.col("name") == "Pacific Textiles Holdings Ltd").row(0, named=True)
    assert clear["decision"] == "clear" and clear["entity_id"] in ("", None)
    assert "match" in result.stdout and "Top hits" in result.stdout
    record = json.loads((tmp_path / "results.csv.run.json").read_text(encoding="utf-8"))
    assert [x["name"] for x in record["lists"]] == ["uflpa", "cbp_wro", "bis_entity_list_xinjiang"]
    assert record["lists"][0]["version"] == "2026-08-10"
    assert record["rows"] == source.height and len(record["input_sha256"]) == 64


@pytest.mark.parametrize("suffix", [".jsonl", ".xlsx", ".parquet"])
def test_output_formats(tmp_path: Path, examples: Path, suffix: str) -> None:
    run_ = sourcetrace.screen(examples / "suppliers.csv")
    out = tmp_path / f"r{suffix}"
    run_.write(out)
    reader = {".jsonl": pl.read_ndjson, ".xlsx": pl.read_excel, ".parquet": pl.read_parquet}[suffix]
    frame = reader(out)
    assert frame.height == len(run_.results)
    assert frame.get_column("decision").to_list() == [r.decision.value for r in run_.results]


def test_python_api_returns_typed_results(examples: Path) -> None:
    result = sourcetrace.screen(examples / "suppliers.csv")
    assert isinstance(result.results[0], sourcetrace.Result)
    assert result.counts()["match"] >= 10
    assert {u.name for u in result.lists} == {"uflpa", "cbp_wro", "bis_entity_list_xinjiang"}


def test_fail_on_exits_3(tmp_path: Path, examples: Path) -> None:
    assert run("screen", str(examples / "suppliers.csv"), "--fail-on", "match", "-q").returncode == 3
    clean = tmp_path / "clean.csv"
    clean.write_text("name\nPacific Textiles Holdings Ltd\n", encoding="utf-8")
    assert run("screen", str(clean), "--fail-on", "review", "-q").returncode == 0


def test_extra_ftm_list_and_no_default_lists(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text("company\nZALA AERO JSC\nXinjiang Zhongtai Chemical Co Ltd\n", encoding="utf-8")
    run_ = sourcetrace.screen(path, lists=[ZALA], default_lists=False)
    assert run_.results[0].decision is sourcetrace.Decision.MATCH
    assert run_.results[0].hit is not None and run_.results[0].hit.entity.id == "NK-cPks3aTbes8k4aCerfBAzN"
    assert run_.results[1].decision is sourcetrace.Decision.CLEAR
    assert [u.name for u in run_.lists] == ["yente_fixture_zala"]


@pytest.mark.parametrize(
    ("content", "args", "needle"),
    [
        (None, [], "file not found"),
        ("name\n", [], "no data rows"),
        ("name,x\nA,1,2\n", [], "row 1: has 3 fields"),
        ("company\nA\n", ["--name-column", "supplier"], "column 'supplier'"),
    ],
)
def test_bad_input_exit_2_one_line_no_output(
    tmp_path: Path, content: str | None, args: list[str], needle: str
) -> None:
    path = tmp_path / "in.csv"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    out = tmp_path / "out.csv"
    result = run("screen", str(path), "--output", str(out), *args)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0] and "in.csv" in lines[0]
    assert not out.exists()
    assert not list(tmp_path.glob(".out.csv*"))


def test_corrupt_list_file_exit_2(tmp_path: Path, examples: Path) -> None:
    bad = tmp_path / "list.ftm.jsonl"
    bad.write_text('{"id": "a", "schema": "Company", "properties": {"name": ["A"]}}\n{"id": \n', encoding="utf-8")
    result = run("screen", str(examples / "suppliers.csv"), "--list", str(bad))
    assert result.returncode == 2
    assert "list.ftm.jsonl, row 2" in result.stderr


def test_existing_output_is_kept_when_a_run_fails(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    out.write_text("previous results\n", encoding="utf-8")
    bad = tmp_path / "in.csv"
    bad.write_text("name\n\"unclosed\n", encoding="utf-8")
    result = run("screen", str(bad), "--output", str(out), "--name-column", "nope")
    assert result.returncode == 2
    assert out.read_text(encoding="utf-8") == "previous results\n"


def test_formula_cells_are_defused(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text('name\n"=HYPERLINK(""http://x"")"\n', encoding="utf-8")
    out = tmp_path / "out.csv"
    assert run("screen", str(path), "-o", str(out), "-q").returncode == 0
    assert pl.read_csv(out).get_column("name").to_list() == ["'=HYPERLINK(\"http://x\")"]


def test_lists_command_shows_versions() -> None:
    result = run("lists")
    assert result.returncode == 0
    assert "2026-08-10" in result.stdout and "187" in result.stdout
