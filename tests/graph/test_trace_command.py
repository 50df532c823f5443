"""``trace`` as a command: the example chain end to end, output contract, errors as one line."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
import typer
from typer.testing import CliRunner

from sourcetrace.cli.trace import trace
from sourcetrace.errors import ConfigError, InputError
from sourcetrace.graph.findings import FINDING_COLUMNS

ROOT = Path(__file__).resolve().parents[2]
CHAIN = ROOT / "examples/chain"


def _app() -> typer.Typer:
    app = typer.Typer(pretty_exceptions_enable=False)
    app.command()(trace)
    return app


def test_example_chain(tmp_path: Path) -> None:
    out = tmp_path / "findings.csv"
    result = CliRunner().invoke(
        _app(),
        [str(CHAIN / "links.csv"), "--ownership", str(CHAIN / "ownership.csv"),
         "--shipments", str(CHAIN / "shipments.csv"), "--output", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "findings written" in result.output
    frame = pl.read_csv(out, infer_schema_length=0)
    assert tuple(frame.columns) == FINDING_COLUMNS
    brand = frame.filter(pl.col("node") == "Northwind Outfitters Ltd")
    listed = brand.filter(
        pl.col("risk").str.starts_with("list: match") & pl.col("risk").str.contains("Huafu")
    )
    assert listed.height >= 2  # through Harbour Garments and through Eastbay Apparel
    assert set(listed.get_column("product").to_list()) == {"garments"}
    assert all(
        p.startswith("HUAFU COLOR SPINNING > Meridian Knitting Co. Ltd > ")
        for p in listed.get_column("path").to_list()
    )
    # the subsidiary held at 70 % carries its owner's Xinjiang-address risk; the 30 % one does not
    owned = frame.filter(
        (pl.col("node") == "Coastline Yarn Trading Co")
        & (pl.col("hops") == "1")
        & (pl.col("product") == "")
    )
    assert "owns 70%" in owned.get_column("evidence").to_list()[0]
    assert (
        frame.filter(
            (pl.col("node") == "Eastbay Apparel Co") & pl.col("evidence").str.contains("owns 30%")
        ).height
        == 0
    )
    balance = frame.filter(pl.col("risk").str.starts_with("mass_balance"))
    assert balance.get_column("node").to_list() == ["Coastline Yarn Trading Co"]
    assert all("CBP UFLPA guidance" in c for c in frame.get_column("checklist").to_list())


def test_missing_column_is_an_input_error(tmp_path: Path) -> None:
    bad = tmp_path / "links.csv"
    bad.write_text("buyer,supplier,product\nA Co,B Co,yarn\n", encoding="utf-8")
    result = CliRunner().invoke(_app(), [str(bad), "--output", str(tmp_path / "out.csv")])
    assert isinstance(result.exception, InputError)
    assert "column 'hs_code'" in result.exception.line()


def test_bad_depth_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        trace(CHAIN / "links.csv", tmp_path / "out.csv", depth=0)


def test_yields_file_replaces_the_illustrative_factors(tmp_path: Path) -> None:
    factors = tmp_path / "yields.csv"
    factors.write_text("input,output,factor\ncotton,yarn,2.0\nyarn,fabric,1.0\n", encoding="utf-8")
    out = tmp_path / "findings.csv"
    args = [str(CHAIN / "links.csv"), "--output", str(out), "--yields", str(factors), "-q"]
    result = CliRunner().invoke(_app(), args)
    assert result.exit_code == 0, result.output
    frame = pl.read_csv(out, infer_schema_length=0)
    assert frame.filter(pl.col("risk").str.starts_with("mass_balance")).height == 0


def test_bad_yield_factor_names_the_row(tmp_path: Path) -> None:
    factors = tmp_path / "yields.csv"
    factors.write_text(
        "input,output,factor\ncotton,yarn,0.85\nyarn,fabric,lots\n", encoding="utf-8"
    )
    result = CliRunner().invoke(
        _app(), [str(CHAIN / "links.csv"), "-o", str(tmp_path / "o.csv"), "--yields", str(factors)]
    )
    assert isinstance(result.exception, InputError)
    assert result.exception.row == 2


def test_min_severity_drops_lower_risk_sources(tmp_path: Path) -> None:
    out = tmp_path / "findings.csv"
    args = [str(CHAIN / "links.csv"), "-o", str(out), "--min-severity", "high", "-q"]
    result = CliRunner().invoke(_app(), args)
    assert result.exit_code == 0, result.output
    frame = pl.read_csv(out, infer_schema_length=0)
    kept = set(frame.get_column("severity").to_list())
    assert kept <= {"high", "medium"}  # medium only from mass balance, which is not a risk source
    assert frame.filter(pl.col("risk").str.starts_with("sector")).height == 0
