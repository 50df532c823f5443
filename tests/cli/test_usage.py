"""Command-line mistakes through the installed ``sourcetrace`` script: one line, exit 2.

Each case runs the real console script in a subprocess (not CliRunner, which bypasses
``main()``), so what is tested is what a user's shell sees: the exit code, standard error as
exactly one line, no traceback, and the nearest valid option or command where there is one.
"""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import time
from pathlib import Path

import polars as pl
import pytest


def run(command: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    # No progress line can come before the error on a loaded machine: the one line is tested.
    env = {**os.environ, "SOURCETRACE_DATA_DIR": str(cwd / "data"), "COLUMNS": "80",
           "SOURCETRACE_PROGRESS_INTERVAL": "600"}  # fmt: skip
    return subprocess.run(
        [command, *args], capture_output=True, text=True, cwd=cwd, env=env,
        timeout=120, check=False,
    )  # fmt: skip


# (command line, text the one line must contain); {dir} is the test's folder.
CASES: list[tuple[list[str], str]] = [
    ([], "missing command; choose one of: audit, db, graph, lists, screen, serve"),
    (["frob"], "unknown command 'frob'"),
    (["scren", "x.csv"], "unknown command 'scren'; did you mean screen?"),
    (["--verbose"], "unknown option --verbose"),
    (["screen"], "sourcetrace screen: missing argument INPUT"),
    (
        ["screen", "suppliers.csv", "--outptu", "x.csv"],
        "unknown option --outptu; did you mean --output?",
    ),
    (["screen", "suppliers.csv", "--threshold", "high"], "invalid value for --threshold"),
    (["screen", "suppliers.csv", "--engine", "sprak"], "did you mean spark?"),
    (["screen", "suppliers.csv", "--fail-on", "revew"], "did you mean review?"),
    (
        ["lists", "diff", "1", "2", "--db"],
        "sourcetrace lists diff: option '--db' requires an argument",
    ),
    (["screen", "{dir}/random.parquet"], "random.parquet: not a readable Parquet file"),
    (["screen", "{dir}/random.parquet", "-o", "{dir}/out.csv"], "random.parquet"),
    (["screen", "{dir}/truncated.xlsx"], "truncated.xlsx: not a readable XLSX workbook"),
    (["trace", "links.csv", "--ownership-thr", "40"], "did you mean --ownership-threshold?"),
    (["trace", "{dir}/random.parquet", "-o", "{dir}/f.csv"], "random.parquet"),
    (["graph"], "sourcetrace graph: missing command; choose one of: delete, export, list"),
    (["graph", "lst"], "unknown command 'lst'; did you mean list?"),
    (["graph", "export", "links.csv", "--format", "gml"], "did you mean graphml?"),
    (["graph", "delete"], "sourcetrace graph delete: missing argument NAME"),
    (["graph", "list", "--dbb", "x.db"], "unknown option --dbb; did you mean --db?"),
    (["lists", "diff"], "sourcetrace lists diff: missing argument OLD"),
    (["lists", "diff", "one", "two"], "invalid value for OLD"),
    (["lists", "import", "sdn.xml"], "sourcetrace lists import: missing option --format"),
    (["lists", "improt"], "did you mean import?"),
    (
        [
            "lists",
            "import",
            "{dir}/random.parquet",
            "-f",
            "ofac-sdn-xml",
            "--db",
            "sqlite:///{dir}/s.db",
        ],
        "random.parquet",
    ),
    (["watch"], "sourcetrace watch: missing command; choose one of: add, run"),
    (["watch", "add", "portfolio"], "sourcetrace watch add: missing argument FILE"),
    (
        ["watch", "add", "p", "{dir}/random.parquet", "--db", "sqlite:///{dir}/s.db"],
        "random.parquet",
    ),
    (["users"], "sourcetrace users: missing command; choose one of: add, api-key, list"),
    (["audit"], "sourcetrace audit: missing command; choose one of: verify"),
    (["audit", "verify", "--frob"], "unknown option --frob; see `sourcetrace audit verify --help`"),
    (["db"], "sourcetrace db: missing command; choose one of: current, upgrade"),
    (["db", "upgarde"], "did you mean upgrade?"),
    (["serve", "--prot", "8000"], "unknown option --prot; did you mean --port?"),
]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Random bytes named like a Parquet file, and a real workbook cut short."""
    root = tmp_path_factory.mktemp("usage")
    (root / "random.parquet").write_bytes(os.urandom(4096))
    whole = root / "whole.xlsx"
    pl.DataFrame({"name": ["Hoshine Silicon Industry Co., Ltd.", "Acme Textiles"]}).write_excel(
        whole
    )
    (root / "truncated.xlsx").write_bytes(whole.read_bytes()[:2000])
    return root


@pytest.mark.parametrize(
    ("args", "expected"), CASES, ids=[" ".join(a) or "(none)" for a, _ in CASES]
)
def test_mistake_is_one_line_and_exit_2(
    sourcetrace_bin: str, folder: Path, args: list[str], expected: str
) -> None:
    argv = [a.replace("{dir}", str(folder)) for a in args]
    done = run(sourcetrace_bin, *argv, cwd=folder)
    assert done.returncode == 2, (done.stdout, done.stderr)
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr
    assert "Traceback" not in done.stderr and "Traceback" not in done.stdout
    assert expected.replace("{dir}", str(folder)) in lines[0]
    assert not (folder / "out.csv").exists() and not (folder / "f.csv").exists()


def test_a_far_fetched_option_gets_no_suggestion(sourcetrace_bin: str, folder: Path) -> None:
    done = run(sourcetrace_bin, "screen", "suppliers.csv", "--zzzzzz", cwd=folder)
    assert done.returncode == 2
    assert "did you mean" not in done.stderr
    assert "see `sourcetrace screen --help`" in done.stderr


def test_help_and_version_are_not_mistakes(sourcetrace_bin: str, folder: Path) -> None:
    assert run(sourcetrace_bin, "--help", cwd=folder).returncode == 0
    assert run(sourcetrace_bin, "lists", "diff", "--help", cwd=folder).returncode == 0
    version = run(sourcetrace_bin, "--version", cwd=folder)
    assert version.returncode == 0 and version.stdout.startswith("sourcetrace ")


def test_ctrl_c_stops_a_run_with_one_line_exit_130_and_no_output(
    sourcetrace_bin: str, tmp_path: Path
) -> None:
    """SIGINT while ``screen -o`` works through a large file: exit 130, the one line, no output."""
    big = tmp_path / "suppliers.csv"
    with big.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["supplier_name", "country"])
        for i in range(300_000):
            writer.writerow([f"Supplier {i} Cotton Spinning Co., Ltd.", "CN"])
    out = tmp_path / "results.csv"
    env = {**os.environ, "SOURCETRACE_DATA_DIR": str(tmp_path / "data")}
    process = subprocess.Popen(
        [sourcetrace_bin, "screen", str(big), "-o", str(out), "--chunk-rows", "5000",
         "--workers", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path, env=env,
    )  # fmt: skip
    parts = tmp_path / ".results.csv.parts"
    deadline = time.monotonic() + 120
    # Running: the first chunk has been screened and written to the work folder.
    while not (parts / "000000.arrow").exists():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the run did not start"
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, (stdout, stderr)
    assert stderr.strip().splitlines()[-1] == "interrupted: no output written"
    assert "Traceback" not in stderr
    assert not out.exists() and not (tmp_path / "results.csv.run.json").exists()
