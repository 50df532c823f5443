"""``trace`` as a command: the example chain end to end, output contract, errors as one line."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
import typer
from rich.console import Console
from typer.testing import CliRunner

from sourcetrace.cli.trace import summary, trace
from sourcetrace.errors import ConfigError, InputError, OutputError
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
    bad.write_text("buyer,supplier\nA Co,B Co\n", encoding="utf-8")
    result = CliRunner().invoke(_app(), [str(bad), "--output", str(tmp_path / "out.csv")])
    assert isinstance(result.exception, InputError)
    assert "column 'product'" in result.exception.line()


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


def _chain_files(tmp_path: Path) -> list[str]:
    """A trading house that buys Xinjiang cotton and sells tomato paste; sweaters sold before
    the fabric that could have made them was bought."""
    links = tmp_path / "links.csv"
    links.write_text(
        "buyer,supplier,product,hs_code,quantity,unit,date,evidence,basis,supplier_address\n"
        "Silverline Agri Trading Co,Tianshan Fibre Holdings,cotton,5201.00,2000,kg,2025-10-15,"
        'contract SA-117,declared,"66 Beijing Road, Urumqi, Xinjiang"\n'
        "Silverline Agri Trading Co,Tianjin Harvest Foods Co,tomato paste,2002.90,900,kg,"
        "2025-11-20,invoice THF-3391,observed,Tianjin\n"
        "Bluewater Foods Ltd,Silverline Agri Trading Co,tomato paste,2002.90,900,kg,2026-01-10,"
        "bill of lading MSCU4471020,observed,Tianjin\n"
        "Harbour Garments Ltd,Tianshan Fibre Holdings,fabric,5208.32,500,kg,2026-02-10,"
        'invoice TF-88,observed,"66 Beijing Road, Urumqi, Xinjiang"\n'
        "Northwind Outfitters Ltd,Harbour Garments Ltd,sweaters,6110.20,300,pcs,2025-12-15,"
        "PO NW-212,observed,Chittagong\n",
        encoding="utf-8",
    )
    return [str(links)]


def _reached(tmp_path: Path, *options: str) -> set[tuple[str, str]]:
    out = tmp_path / "f.csv"
    args = [*_chain_files(tmp_path), "-o", str(out), "-q", *options]
    result = CliRunner().invoke(_app(), args)
    assert result.exit_code == 0, result.output
    frame = pl.read_csv(out, infer_schema_length=0).filter(
        pl.col("risk").str.starts_with("xinjiang_location") & (pl.col("hops") != "0")
    )
    return set(frame.select("node", "product").iter_rows())


def test_product_and_date_rules_and_their_switches(tmp_path: Path) -> None:
    assert _reached(tmp_path) == {
        ("Silverline Agri Trading Co", "cotton"),
        ("Harbour Garments Ltd", "fabric"),
    }
    assert ("Bluewater Foods Ltd", "tomato paste") in _reached(tmp_path, "--no-product-rule")
    assert ("Northwind Outfitters Ltd", "sweaters") in _reached(tmp_path, "--ignore-dates")
    assert ("Northwind Outfitters Ltd", "sweaters") in _reached(tmp_path, "--date-tolerance", "70")


def test_large_graph_mode_on_the_example(tmp_path: Path) -> None:
    """Past --exact-limit, paths are found per kind of risk: the brand's garments still show
    the listed spinner's risk through both garment makers, each row counting the routes."""
    out = tmp_path / "findings.csv"
    args = [str(CHAIN / "links.csv"), "--ownership", str(CHAIN / "ownership.csv"),
            "--shipments", str(CHAIN / "shipments.csv"), "-o", str(out), "--exact-limit", "0"]  # fmt: skip
    result = CliRunner().invoke(_app(), args)
    assert result.exit_code == 0, result.output
    assert "traced by kind of risk" in result.output
    frame = pl.read_csv(out, infer_schema_length=0)
    assert tuple(frame.columns) == FINDING_COLUMNS
    listed = frame.filter(
        (pl.col("node") == "Northwind Outfitters Ltd") & pl.col("risk").str.starts_with("list:")
    )
    assert {p.split(" > ")[-2] for p in listed["path"]} == {
        "Harbour Garments Ltd",
        "Eastbay Apparel Co",
    }
    assert set(listed["routes"]) == {"2"}
    exact = tmp_path / "exact.csv"
    args[args.index(str(out))] = str(exact)
    CliRunner().invoke(_app(), [*args[:-2], "-q"])
    # Every row of the large mode is a row of the exact trace (paths, evidence and all).
    key = ["node", "product", "path", "hops", "basis", "evidence"]
    assert set(frame.select(key).iter_rows()) <= set(
        pl.read_csv(exact, infer_schema_length=0).select(key).iter_rows()
    )


def test_max_paths(tmp_path: Path) -> None:
    out = tmp_path / "findings.csv"
    base = [str(CHAIN / "links.csv"), "--ownership", str(CHAIN / "ownership.csv"), "-o", str(out), "-q"]  # fmt: skip
    heights = []
    for k in ("0", "3", "1"):
        result = CliRunner().invoke(_app(), [*base, "--max-paths", k])
        assert result.exit_code == 0, result.output
        frame = pl.read_csv(out, infer_schema_length=0)
        heights.append(frame.height)
        source = pl.col("path").str.split(" > ").list.first().alias("source")
        counts = frame.group_by("node", "product", "risk", source).len()
        assert k == "0" or counts["len"].max() <= int(k)
    assert heights[0] > heights[1] > heights[2]


def test_option_errors(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    with pytest.raises(ConfigError, match="date-tolerance"):
        trace(CHAIN / "links.csv", out, date_tolerance=-1)
    with pytest.raises(ConfigError, match="max-paths"):
        trace(CHAIN / "links.csv", out, max_paths=-2)
    with pytest.raises(ConfigError, match="exact-limit"):
        trace(CHAIN / "links.csv", out, max_paths=0, exact_limit=5)
    with pytest.raises(OutputError):
        trace(CHAIN / "links.csv", tmp_path / "out.docx")
    assert not out.exists()


def _on_a_terminal(*args: str) -> tuple[str, str]:
    """The real command with its standard error on a terminal (a pseudo-terminal): what it
    writes there, and to its standard output."""
    import os
    import pty
    import subprocess
    import sys

    main, other = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "NO_COLOR", "TERM")}
    env.update(TERM="dumb", COLUMNS="200")
    code = "import sys; from sourcetrace.cli import main; sys.argv[0] = 'sourcetrace'; main()"
    done = subprocess.run([sys.executable, "-c", code, "trace", *args], stdout=subprocess.PIPE,
                          stderr=other, env=env, text=True, timeout=300, check=True)  # fmt: skip
    os.close(other)
    said = b""
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # the terminal's other end is closed: all is read
            break
        if not chunk:
            break
        said += chunk
    os.close(main)
    return said.decode("utf-8"), done.stdout


def test_each_step_is_told_on_a_terminal_and_only_there(tmp_path: Path) -> None:
    files = [str(CHAIN / "links.csv"), "--ownership", str(CHAIN / "ownership.csv")]
    said, printed = _on_a_terminal(*files, "-o", str(tmp_path / "f.csv"))
    steps = [line.split(" s  ", 1)[1].strip() for line in said.splitlines() if " s  " in line]
    assert steps[0].startswith("reading links.csv, resolving and screening its parties")
    parties = printed.split(" parties,", 1)[0].split()[-1]  # the summary's count
    assert steps[1:3] == [f"finding the risk sources of {parties} parties", "checking mass balance"]
    assert steps[3].startswith("tracing ") and steps[4].startswith("writing ")
    assert steps[-1] == "done"
    seconds = [float(line.split(" s  ", 1)[0]) for line in said.splitlines() if " s  " in line]
    assert seconds == sorted(seconds)
    assert "findings written" in printed and "checking mass balance" not in printed
    quiet, _ = _on_a_terminal(*files, "-o", str(tmp_path / "g.csv"), "-q")
    assert "checking mass balance" not in quiet
    # Not on a terminal (CliRunner, a script, a log): the summary only.
    run = CliRunner().invoke(_app(), [*files, "-o", str(tmp_path / "h.csv")])
    assert run.exit_code == 0 and "checking mass balance" not in run.output


def test_summary_lists_the_most_exposed_parties_once_each(tmp_path: Path) -> None:
    out = tmp_path / "findings.csv"
    files = [str(CHAIN / "links.csv"), "--ownership", str(CHAIN / "ownership.csv"),
             "--shipments", str(CHAIN / "shipments.csv")]  # fmt: skip
    assert CliRunner().invoke(_app(), [*files, "-o", str(out), "-q"]).exit_code == 0
    frame = pl.read_csv(out, infer_schema_length=0).with_columns(
        pl.col("hops", "routes", "independent_paths").cast(pl.Int64)
    )
    buf = io.StringIO()
    summary(frame, Console(file=buf, width=250), top=4)
    rows = [line.split("│")[1:-1] for line in buf.getvalue().splitlines() if line.count("│") > 2]
    shown = [[cell.strip() for cell in row] for row in rows]  # the header's bars are "┃"
    # What the summary must show, worked out from the file: reached parties only (a party that
    # is itself the source is not "exposed"), worst severity, then most independent paths,
    # routes, fewest hops; one line per party and kind of risk.
    rank = {"high": 3, "medium": 2, "low": 1}
    reached = frame.filter(pl.col("hops") > 0).with_columns(
        pl.col("severity").replace_strict(rank, return_dtype=pl.Int8).alias("rank"),
        pl.col("risk").str.split(":").list.first().alias("kind"),
    )
    expected = (
        reached.sort("rank", "independent_paths", "routes", "hops",
                     descending=[True, True, True, False], maintain_order=True)
        .unique(["node", "kind"], keep="first", maintain_order=True)
        .head(4)
    )  # fmt: skip
    assert len(shown) == 4
    for line, want in zip(shown, expected.iter_rows(named=True), strict=True):
        assert line[0] == want["node"] and line[1] == want["severity"]
        assert line[2] == f"{want['kind']}: {want['path'].split(' > ')[0]}"
        assert line[3:6] == [str(want["routes"]), str(want["independent_paths"]), str(want["hops"])]
    assert shown[0][1] == "high"
    assert len({(line[0], line[2].split(":")[0]) for line in shown}) == 4


def _installed() -> str:
    """The installed ``sourcetrace`` command, next to this interpreter or on PATH."""
    here = Path(sys.executable).parent / "sourcetrace"
    found = str(here) if here.exists() else shutil.which("sourcetrace")
    assert found, "the sourcetrace command is not installed"
    return found


def test_links_with_buyer_supplier_and_product_only(tmp_path: Path) -> None:
    """Issue 17 item 3: quantity, unit, date, HS code, basis and evidence are optional."""
    links = tmp_path / "links.csv"
    links.write_text(
        "buyer,supplier,product\n"
        "Northwind Outfitters Ltd,Meridian Knitting Co. Ltd,fabric\n"
        "Meridian Knitting Co. Ltd,HUAFU COLOR SPINNING,yarn\n",
        encoding="utf-8",
    )
    out = tmp_path / "findings.csv"
    done = subprocess.run(
        [_installed(), "trace", str(links), "-o", str(out), "-q", "--no-store-lists",
         "--db", str(tmp_path / "store.db")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr + done.stdout
    frame = pl.read_csv(out, infer_schema_length=0)
    brand = frame.filter(pl.col("node") == "Northwind Outfitters Ltd")
    listed = brand.filter(pl.col("risk").str.starts_with("list:"))
    assert listed.height >= 1
    # a link without a basis is declared; no quantities, so no mass-balance finding
    assert set(listed.get_column("basis").to_list()) == {"declared"}
    assert not frame.get_column("risk").str.starts_with("mass_balance").any()
    assert "links.csv row 2" in listed.get_column("evidence").to_list()[0]


def test_a_file_without_buyer_is_refused_in_one_line(tmp_path: Path) -> None:
    links = tmp_path / "links.csv"
    links.write_text("supplier,product\nHUAFU COLOR SPINNING,yarn\n", encoding="utf-8")
    out = tmp_path / "findings.csv"
    done = subprocess.run(
        [_installed(), "trace", str(links), "-o", str(out), "-q", "--no-store-lists",
         "--db", str(tmp_path / "store.db")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    assert "links.csv" in done.stderr and "buyer" in done.stderr
    assert not out.exists()
