"""``sourcetrace trace`` screens parties against the list versions in force in the store.

CBP's Withhold Release Orders and Findings CSV (the fixture) imported into the store replaces the
bundled CBP snapshot: the fishing vessel Da Wang (the snapshot's "Fishing Vessel: Da Wang") is a
risk source whose merchandise (seafood) and version are the imported order's; Tangshan
Sanyou Group, an unverified inferred name in the snapshot (review), is a verified name on the
imported list (match). ``--no-store-lists`` goes back to the bundled snapshot.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[2]
CBP_CSV = ROOT / "tests/fixtures/lists/withhold-release-orders-findings.csv"

LINKS = """\
buyer,supplier,product,hs_code,quantity,unit,date,evidence,basis
Pacific Seafood Processing Co,Da Wang,frozen tuna,030342,120,t,2024-03-02,bill of lading DW-031,observed
Harbour Foods Ltd,Pacific Seafood Processing Co,canned tuna,160414,90,t,2024-04-10,PO HF-7781,declared
Harbour Foods Ltd,Tangshan Sanyou Group,caustic soda,281511,40,t,2024-02-01,invoice TS-0045,declared
"""


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sourcetrace", *args], capture_output=True, text=True, check=False
    )


def trace(tmp_path: Path, db: str, *extra: str) -> tuple[pl.DataFrame, list[str]]:
    """The findings, and the lists the summary names."""
    links = tmp_path / "links.csv"
    links.write_text(LINKS, encoding="utf-8")
    out = tmp_path / "findings.parquet"
    done = cli("trace", str(links), "--output", str(out), "--db", db, *extra)
    assert done.returncode == 0, done.stderr
    printed = re.search(r"; lists (.*?) \d+ findings", " ".join(done.stdout.split()))
    assert printed is not None, done.stdout
    return pl.read_parquet(out), printed.group(1).split(", ")


def risks(frame: pl.DataFrame, node: str) -> dict[str, str]:
    """The party's own risk sources (hops 0), kind -> severity (sector exposure is not a
    finding since issue 17)."""
    own = frame.filter((pl.col("party") == node) & (pl.col("hops") == 0))
    return dict(own.select("risk_kind", "severity").iter_rows())


def test_trace_screens_against_the_stored_cbp_list(tmp_path: Path) -> None:
    db = str(tmp_path / "store.db")
    before, lists = trace(tmp_path, db)
    assert risks(before, "Da Wang") == {"cbp_wro": "high"}  # "Fishing Vessel: Da Wang"
    assert (
        "(version v1 "
        not in before.filter(pl.col("party") == "Da Wang").row(0, named=True)["provenance"]
    )
    assert risks(before, "Tangshan Sanyou Group") == {"cbp_wro": "medium"}
    assert "cbp_wro" in [x.split()[0] for x in lists]
    assert not Path(db).exists()  # tracing never creates a store

    imported = cli("lists", "import", str(CBP_CSV), "--format", "cbp-wro-csv", "--db", db)
    assert imported.returncode == 0, imported.stderr
    stored, lists = trace(tmp_path, db)
    assert risks(stored, "Da Wang") == {"cbp_wro": "high"}
    assert risks(stored, "Tangshan Sanyou Group") == {"cbp_wro": "high"}
    vessel = stored.filter(pl.col("party") == "Da Wang").row(0, named=True)
    assert vessel["risk"].endswith("under CBP WRO, merchandise: Seafood")
    assert "(version v1 " in vessel["provenance"]
    # The risk reaches the processor and its buyer through the seafood links.
    reached = stored.filter(pl.col("risk").str.contains("'Da Wang'") & (pl.col("hops") > 0))
    assert set(reached.get_column("party").to_list()) == {
        "Pacific Seafood Processing Co",
        "Harbour Foods Ltd",
    }
    # The printed lists name the stored version in place of the bundled snapshot it replaces.
    names = [x.split()[0] for x in lists]
    assert "cbp_wro" not in names and "uflpa" in names
    assert any(x.startswith("us_cbp_forced_labor v1 ") for x in lists)

    ignored, lists = trace(tmp_path, db, "--no-store-lists")
    assert ignored.equals(before)
    assert risks(ignored, "Tangshan Sanyou Group") == {"cbp_wro": "medium"}
    names = [x.split()[0] for x in lists]
    assert "cbp_wro" in names and "us_cbp_forced_labor" not in names


def trace_saved(tmp_path: Path, db: str, *extra: str) -> tuple[pl.DataFrame, str]:
    """The findings of the graph saved as "sea", and the summary."""
    out = tmp_path / "again.parquet"
    done = cli("trace", "--graph", "sea", "--output", str(out), "--db", db, *extra)
    assert done.returncode == 0, done.stderr
    return pl.read_parquet(out), " ".join(done.stdout.split())


def test_a_saved_graph_reuses_its_risk_sources_while_the_lists_stay_the_same(
    tmp_path: Path,
) -> None:
    db = str(tmp_path / "store.db")
    first, _ = trace(tmp_path, db, "--save", "sea")
    again, said = trace_saved(tmp_path, db)
    assert "risk sources as saved with the graph" in said
    assert again.equals(first)
    forced, said = trace_saved(tmp_path, db, "--rescreen")
    assert "as saved" not in said and "screened again" not in said
    assert forced.equals(first)

    # A new version of a list in force: every party is screened against it.
    imported = cli("lists", "import", str(CBP_CSV), "--format", "cbp-wro-csv", "--db", db)
    assert imported.returncode == 0, imported.stderr
    stored, said = trace_saved(tmp_path, db)
    assert "parties screened again" in said
    assert risks(stored, "Tangshan Sanyou Group") == {"cbp_wro": "high"}
    # Back on the lists the graph was saved with: its risk sources serve again.
    bundled, said = trace_saved(tmp_path, db, "--no-store-lists")
    assert "risk sources as saved with the graph" in said
    assert risks(bundled, "Tangshan Sanyou Group") == {"cbp_wro": "medium"}
    assert bundled.equals(first)
