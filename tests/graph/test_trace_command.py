"""``trace`` as a command: the example chain end to end, output contract, errors as one line."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
import typer
from rich.console import Console
from typer.testing import CliRunner

from sourcetrace.cli import app
from sourcetrace.cli.trace import summary, trace
from sourcetrace.errors import ConfigError, InputError, OutputError
from sourcetrace.graph.tables import FINDING_COLUMNS, READABLE_COLUMNS, TABLES

ROOT = Path(__file__).resolve().parents[2]
CHAIN = ROOT / "examples/chain"


def _app() -> typer.Typer:
    """The real ``sourcetrace`` app; the tests below invoke its ``trace`` command."""
    return app


def _tables(out: Path) -> dict[str, pl.DataFrame]:
    """The four tables ``trace -o NAME.parquet`` writes, by name."""
    return {
        name: pl.read_parquet(
            out if name == "findings" else out.with_name(f"{out.stem}.{name}.parquet")
        )
        for name in TABLES
    }


def test_example_chain(tmp_path: Path) -> None:
    out = tmp_path / "findings.parquet"
    result = CliRunner().invoke(
        _app(),
        ["trace", str(CHAIN / "links.csv"), "--ownership", str(CHAIN / "ownership.csv"),
         "--shipments", str(CHAIN / "shipments.csv"), "--output", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "findings written" in result.output
    t = _tables(out)
    found, hops = t["findings"], t["hops"]
    assert tuple(found.columns) == FINDING_COLUMNS
    # At most one finding per party, product and risk source (issue 17), no sector findings.
    key = ["party", "product", "source", "risk"]
    assert found.group_by(key).len()["len"].max() == 1
    assert "sector" not in set(found["risk_kind"])
    brand = found.filter(pl.col("party") == "Northwind Outfitters Ltd")
    listed = brand.filter((pl.col("risk_kind") == "list") & pl.col("risk").str.contains("Huafu"))
    assert listed["source"].to_list() == ["HUAFU COLOR SPINNING"]
    assert listed["product"].to_list() == ["garments"] and listed["routes"].to_list() == [2]
    path = hops.filter(pl.col("path_id") == listed["path_id"][0]).sort("step")
    assert path["from"].to_list()[:2] == ["HUAFU COLOR SPINNING", "Meridian Knitting Co. Ltd"]
    assert path["to"].to_list()[-1] == "Northwind Outfitters Ltd"
    assert path["file"][0].endswith("links.csv") and path["row"][0] == 6
    # the subsidiary held at 70 % carries its owner's Xinjiang-address risk; the 30 % one does not
    owned = found.filter(
        (pl.col("party") == "Coastline Yarn Trading Co") & (pl.col("hops") == 1)
        & (pl.col("product") == "")
    )  # fmt: skip
    step = hops.filter(pl.col("path_id") == owned["path_id"][0])
    assert step["kind"].to_list() == ["ownership"] and step["share"].to_list() == [70.0]
    assert step["file"][0].endswith("ownership.csv") and step["row"][0] == 1
    assert (
        hops.filter((pl.col("to") == "Eastbay Apparel Co") & (pl.col("kind") == "ownership")).height
        == 0
    )
    balance = found.filter(pl.col("risk_kind") == "mass_balance")
    assert balance["party"].to_list() == ["Coastline Yarn Trading Co"]
    # Every finding has its checklist; none cites an internal file.
    lists = t["checklists"]
    assert set(found["checklist_id"]) <= set(lists["checklist_id"])
    assert not lists["documents"].str.contains("domain-facts").any()
    for text in lists["documents"]:  # every document cites a public source in brackets
        assert all(item.rstrip().endswith("]") for item in text.split("; ") if "[" in item)
        assert text.count("[") == text.count("]") >= 1
    said = dict(lists.select("checklist_id", "documents").iter_rows())
    assert "ownership records" in said[owned["checklist_id"][0]]
    assert "bale level" in said[listed["checklist_id"][0]]  # garments: the cotton to its origin
    # Sector exposure: once per party and product.
    sectors = t["sectors"]
    assert sectors.group_by("party", "product", "sector").len()["len"].max() == 1
    assert ("Northwind Outfitters Ltd", "garments", "apparel") in set(
        sectors.select("party", "product", "sector").iter_rows()
    )


def test_the_csv_is_one_line_per_party_and_product(tmp_path: Path) -> None:
    out = tmp_path / "findings.csv"
    args = [str(CHAIN / "links.csv"), "--ownership", str(CHAIN / "ownership.csv"),
            "--shipments", str(CHAIN / "shipments.csv"), "-o", str(out), "-q"]  # fmt: skip
    assert CliRunner().invoke(_app(), ["trace", *args]).exit_code == 0
    frame = pl.read_csv(out, infer_schema_length=0)
    assert tuple(frame.columns) == READABLE_COLUMNS
    assert frame.group_by("party", "product").len()["len"].max() == 1
    brand = frame.filter(
        (pl.col("party") == "Northwind Outfitters Ltd") & (pl.col("product") == "garments")
    ).row(0, named=True)
    assert brand["severity"] == "high"
    assert brand["path"].startswith("HUAFU COLOR SPINNING supplies yarn to Meridian Knitting")
    assert brand["path"].endswith("which supplies garments to Northwind Outfitters Ltd")
    assert brand["checklist"].startswith("for Northwind Outfitters Ltd (garments): ")
    assert "bale level" in brand["checklist"]  # garments are traced to their cotton


def test_missing_column_is_an_input_error(tmp_path: Path) -> None:
    bad = tmp_path / "links.csv"
    bad.write_text("buyer,supplier\nA Co,B Co\n", encoding="utf-8")
    result = CliRunner().invoke(_app(), ["trace", str(bad), "--output", str(tmp_path / "out.csv")])
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
    result = CliRunner().invoke(_app(), ["trace", *args])
    assert result.exit_code == 0, result.output
    frame = pl.read_csv(out, infer_schema_length=0)
    assert frame.filter(pl.col("risk").str.starts_with("mass_balance")).height == 0


def test_bad_yield_factor_names_the_row(tmp_path: Path) -> None:
    factors = tmp_path / "yields.csv"
    factors.write_text(
        "input,output,factor\ncotton,yarn,0.85\nyarn,fabric,lots\n", encoding="utf-8"
    )
    result = CliRunner().invoke(
        _app(),
        [
            "trace",
            str(CHAIN / "links.csv"),
            "-o",
            str(tmp_path / "o.csv"),
            "--yields",
            str(factors),
        ],
    )
    assert isinstance(result.exception, InputError)
    assert result.exception.row == 2


def test_min_severity_drops_lower_risk_sources(tmp_path: Path) -> None:
    out = tmp_path / "findings.csv"
    args = [str(CHAIN / "links.csv"), "-o", str(out), "--min-severity", "high", "-q"]
    result = CliRunner().invoke(_app(), ["trace", *args])
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
    out = tmp_path / "f.parquet"
    args = [*_chain_files(tmp_path), "-o", str(out), "-q", *options]
    result = CliRunner().invoke(_app(), ["trace", *args])
    assert result.exit_code == 0, result.output
    frame = pl.read_parquet(out).filter(
        (pl.col("risk_kind") == "xinjiang_location") & (pl.col("hops") > 0)
    )
    return set(frame.select("party", "product").iter_rows())


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
    the listed spinner's risk, counting both garment makers as routes."""
    out = tmp_path / "findings.parquet"
    args = [str(CHAIN / "links.csv"), "--ownership", str(CHAIN / "ownership.csv"),
            "--shipments", str(CHAIN / "shipments.csv"), "-o", str(out), "--exact-limit", "0"]  # fmt: skip
    result = CliRunner().invoke(_app(), ["trace", *args])
    assert result.exit_code == 0, result.output
    assert "traced by kind of risk" in result.output
    t = _tables(out)
    found = t["findings"]
    assert tuple(found.columns) == FINDING_COLUMNS
    assert found.group_by("party", "product", "source", "risk").len()["len"].max() == 1
    listed = found.filter(
        (pl.col("party") == "Northwind Outfitters Ltd") & (pl.col("risk_kind") == "list")
    )
    assert set(listed["routes"]) == {2}
    last = t["hops"].filter(pl.col("path_id").is_in(listed["path_id"].implode())
                            & (pl.col("to") == "Northwind Outfitters Ltd"))  # fmt: skip
    assert set(last["from"]) <= {"Harbour Garments Ltd", "Eastbay Apparel Co"}
    exact = tmp_path / "exact.parquet"
    args[args.index(str(out))] = str(exact)
    CliRunner().invoke(_app(), ["trace", *args[:-2], "-q"])
    # Every finding of the large mode is a finding of the exact trace.
    key = ["party", "product", "source", "risk_kind", "severity"]
    assert set(found.select(key).iter_rows()) <= set(pl.read_parquet(exact).select(key).iter_rows())


def test_both_modes_cite_the_same_file_and_row_for_a_hop(tmp_path: Path) -> None:
    """A hop's evidence, file and row are where the link (or holding) it stands for was read,
    whether the chain is traced path by path or by kind of risk (which finds them by the hop's
    first link and the holding's index)."""
    files = [str(CHAIN / "links.csv"), "--ownership", str(CHAIN / "ownership.csv"),
             "--shipments", str(CHAIN / "shipments.csv"), "-q"]  # fmt: skip
    cited: dict[str, pl.DataFrame] = {}
    for mode, extra in (("exact", []), ("kind", ["--exact-limit", "0"])):
        out = tmp_path / f"{mode}.parquet"
        result = CliRunner().invoke(_app(), ["trace", *files, "-o", str(out), *extra])
        assert result.exit_code == 0, result.output
        cited[mode] = (
            _tables(out)["hops"]
            .select(
                "from",
                "to",
                "kind",
                "goods",
                "hs_code",
                "share",
                "basis",
                "evidence",
                "file",
                "row",
            )
            .unique()
        )
    step = ["from", "to", "kind", "goods", "hs_code"]
    both = cited["kind"].join(cited["exact"], on=step, how="inner", suffix="_exact")
    assert both.height and set(both["kind"]) == {"supply", "ownership"}
    for column in ("share", "basis", "evidence", "file", "row"):
        assert both[column].equals(both[f"{column}_exact"], check_names=False), column
    by_file = dict(cited["kind"].select("kind", "file").unique().iter_rows())
    assert by_file["ownership"].endswith("ownership.csv")


def test_max_paths_keeps_one_finding_per_party_product_and_source(tmp_path: Path) -> None:
    """Issue 17 changed the contract: --max-paths bounds the paths searched (large graphs),
    the findings keep one, the best, per party, product and risk source."""
    out = tmp_path / "findings.parquet"
    base = [str(CHAIN / "links.csv"), "--ownership", str(CHAIN / "ownership.csv"), "-o", str(out), "-q"]  # fmt: skip
    for k in ("0", "3", "1"):
        result = CliRunner().invoke(_app(), ["trace", *base, "--max-paths", k])
        assert result.exit_code == 0, result.output
        frame = pl.read_parquet(out)
        assert frame.group_by("party", "product", "source", "risk").len()["len"].max() == 1


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
    code = "import sys; from sourcetrace.cli import main; sys.argv[0] = 'sourcetrace'; sys.exit(main())"
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
    run = CliRunner().invoke(_app(), ["trace", *files, "-o", str(tmp_path / "h.csv")])
    assert run.exit_code == 0 and "checking mass balance" not in run.output


def test_summary_lists_the_most_exposed_parties_once_each(tmp_path: Path) -> None:
    out = tmp_path / "findings.parquet"
    files = [str(CHAIN / "links.csv"), "--ownership", str(CHAIN / "ownership.csv"),
             "--shipments", str(CHAIN / "shipments.csv")]  # fmt: skip
    assert CliRunner().invoke(_app(), ["trace", *files, "-o", str(out), "-q"]).exit_code == 0
    frame = pl.read_parquet(out)
    buf = io.StringIO()
    summary(frame, Console(file=buf, width=250), top=4)
    # Not a terminal: the plain table, a title, a header, then one line per party whose cells
    # are separated by two spaces or more (one space stays inside a name).
    lines = buf.getvalue().splitlines()
    assert lines[0] == "Most exposed parties" and lines[1].split()[:2] == ["party", "severity"]
    shown = [re.split(r"\s{2,}", line.strip()) for line in lines[2:] if line.strip()]
    # What the summary must show, worked out from the file: reached parties only (a party that
    # is itself the source is not "exposed"), worst severity, then most independent paths,
    # routes, fewest hops; one line per party and kind of risk.
    rank = {"high": 3, "medium": 2, "low": 1}
    reached = frame.filter(pl.col("hops") > 0).with_columns(
        pl.col("severity").replace_strict(rank, return_dtype=pl.Int8).alias("rank"),
        pl.col("risk_kind").alias("kind"),
    )
    expected = (
        reached.sort("rank", "independent_paths", "routes", "hops",
                     descending=[True, True, True, False], maintain_order=True)
        .unique(["party", "kind"], keep="first", maintain_order=True)
        .head(4)
    )  # fmt: skip
    assert len(shown) == 4
    for line, want in zip(shown, expected.iter_rows(named=True), strict=True):
        assert line[0] == want["party"] and line[1] == want["severity"]
        assert line[2] == f"{want['kind']}: {want['source']}"
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
    brand = frame.filter(pl.col("party") == "Northwind Outfitters Ltd")
    listed = brand.filter(pl.col("risk").str.starts_with("list:"))
    assert listed.height == 1
    # a link without a basis is declared; no quantities, so no mass-balance finding
    assert set(listed.get_column("basis").to_list()) == {"declared"}
    assert not frame.get_column("risk").str.starts_with("mass_balance").any()
    assert "links.csv row 2 [declared]" in listed.get_column("evidence").to_list()[0]


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
