"""The tracing use case (:mod:`sourcetrace.tracing`): the library, the command and the web app
trace one chain the same way, with the defaults written once."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from sourcetrace.errors import ConfigError, InputError
from sourcetrace.tracing import ChainFiles, TraceOptions, trace_chain

ROOT = Path(__file__).resolve().parents[1]
CHAIN = ROOT / "examples/chain"


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sourcetrace", *args], capture_output=True, text=True, check=False
    )


def test_the_command_writes_what_the_library_finds(tmp_path: Path) -> None:
    out = tmp_path / "findings.csv"
    files = [str(CHAIN / "links.csv"), "--ownership", str(CHAIN / "ownership.csv"),
             "--shipments", str(CHAIN / "shipments.csv")]  # fmt: skip
    done = _cli("trace", *files, "-o", str(out), "-q", "--no-store-lists", "--db",
                str(tmp_path / "store.db"))  # fmt: skip
    assert done.returncode == 0, done.stderr
    # Paths as text, as a script would give them.
    chain = ChainFiles(
        str(CHAIN / "links.csv"),
        str(CHAIN / "ownership.csv"),  # type: ignore[arg-type]
        str(CHAIN / "shipments.csv"),
    )  # type: ignore[arg-type]
    traced = trace_chain(chain, TraceOptions(workers=1, store_lists=False))
    written = pl.read_csv(out, infer_schema_length=0)
    found = traced.table.select(pl.all().cast(pl.String)).fill_null("")
    assert traced.exact and traced.table.height > 0
    assert written.fill_null("").rows() == found.rows()
    # A risk reaches a party downstream, with its evidence, and the direct source is listed too.
    assert (traced.table.get_column("hops") > 0).any()
    assert {s.node for s in traced.traced} <= set(range(traced.graph.size))


def test_options_are_checked_once_for_every_caller(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="--depth"):
        TraceOptions(depth=0)
    with pytest.raises(ConfigError, match="--ownership-threshold"):
        TraceOptions(ownership_threshold=120.0)
    with pytest.raises(ConfigError, match="--min-severity"):
        TraceOptions(min_severity="severe")  # type: ignore[arg-type]
    # The command's defaults are the options' defaults.
    help_text = _cli("trace", "--help").stdout
    defaults = TraceOptions()
    for option, value in (("--depth", defaults.depth), ("--max-paths", defaults.max_paths)):
        assert option in help_text and f"[default: {value}]" in help_text


def test_min_severity_and_every_path(tmp_path: Path) -> None:
    chain = ChainFiles(CHAIN / "links.csv", CHAIN / "ownership.csv")
    every = trace_chain(chain, TraceOptions(workers=1, store_lists=False, max_paths=0))
    best = trace_chain(chain, TraceOptions(workers=1, store_lists=False))
    # Issue 17: one finding per party, product and risk source, its best path, however many
    # paths are considered (and counted in routes and independent_paths).
    assert every.tables.findings.equals(best.tables.findings)
    assert best.tables.findings.height > 0
    high = trace_chain(chain, TraceOptions(workers=1, store_lists=False, min_severity="high"))
    assert {s.severity for s in high.traced} == {"high"}
    assert len(high.traced) < len(high.sources)
    # Above the exact limit, every path cannot be asked for.
    with pytest.raises(ConfigError, match="exact-limit"):
        trace_chain(chain, TraceOptions(workers=1, store_lists=False, max_paths=0, exact_limit=2))


def test_a_bad_file_is_named_as_the_caller_names_it(tmp_path: Path) -> None:
    copy = tmp_path / "links-upload-7.csv"
    copy.write_text("buyer,supplier\nA Co,B Co\n", encoding="utf-8")
    chain = ChainFiles(copy, names={"links": "my links.csv"})
    with pytest.raises(InputError) as caught:
        trace_chain(chain, TraceOptions(workers=1, store_lists=False))
    assert "my links.csv" in caught.value.line() and "product" in caught.value.line()
