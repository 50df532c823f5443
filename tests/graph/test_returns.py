"""Returns carry no risk upstream (issue 17 item 4): marked in a column, or inferred as the later
reverse of a sale of the same goods; through the installed command and the tracing use case."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import polars as pl

from sourcetrace.tracing import ChainFiles, TraceOptions, trace_chain

ROOT = Path(__file__).resolve().parents[2]
CHAIN = ROOT / "examples/chain"


def _installed() -> str:
    here = Path(sys.executable).parent / "sourcetrace"
    found = str(here) if here.exists() else shutil.which("sourcetrace")
    assert found, "the sourcetrace command is not installed"
    return found


def test_the_example_return_carries_no_risk_back() -> None:
    chain = ChainFiles(CHAIN / "links.csv", CHAIN / "ownership.csv", CHAIN / "shipments.csv")
    traced = trace_chain(chain, TraceOptions(workers=1, store_lists=False))
    hops = traced.tables.hops
    found = traced.tables.findings
    harbour = found.filter(pl.col("party") == "Harbour Garments Ltd")
    # Harbour Garments still gets the risks of its own suppliers ...
    assert "HUAFU COLOR SPINNING" in set(harbour["source"])
    # ... but none of the brand's other suppliers' risks through the 200 returned garments.
    back = hops.filter((pl.col("from") == "Northwind Outfitters Ltd")
                       & (pl.col("to") == "Harbour Garments Ltd"))  # fmt: skip
    assert back.height == 0 and hops.height > 0
    assert "新疆中泰化学股份有限公司" not in set(
        harbour["source"]
    )  # only reachable through the return
    # the graph keeps the return (the map and the exports show it)
    assert traced.graph.edges.filter(pl.col("product") == "returned garments").height == 1


def _trace(tmp_path: Path, links: str) -> pl.DataFrame:
    path = tmp_path / "links.csv"
    path.write_text(links, encoding="utf-8")
    out = tmp_path / "findings.csv"
    done = subprocess.run(
        [_installed(), "trace", str(path), "-o", str(out), "-q", "--no-store-lists",
         "--db", str(tmp_path / "store.db")],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr + done.stdout
    return pl.read_csv(out, infer_schema_length=0)


def test_a_direction_column_marks_a_return(tmp_path: Path) -> None:
    rows = (
        "Meridian Knitting Co. Ltd,HUAFU COLOR SPINNING,yarn,{}\n"
        "Northwind Outfitters Ltd,Meridian Knitting Co. Ltd,fabric,{}\n"
        "Northwind Outfitters Ltd,Label Print Co,labels,{}\n"
        "Label Print Co,Northwind Outfitters Ltd,labels,{}\n"
    )
    plain = _trace(tmp_path, "buyer,supplier,product,direction\n" + rows.format("", "", "", ""))
    # Undated, no quantities: nothing says which is the sale, so the reverse link carries risk.
    assert plain.filter(pl.col("party") == "Label Print Co").height > 0
    marked = _trace(
        tmp_path, "buyer,supplier,product,Direction\n" + rows.format("", "", "", "Return")
    )
    assert marked.filter(pl.col("party") == "Label Print Co").height == 0
    assert marked.filter(pl.col("party") == "Northwind Outfitters Ltd").height > 0
