"""``sourcetrace screen`` screens against the list versions in force in the store.

A list imported into the store replaces the bundled snapshot it supersedes (here the UFLPA Entity
List of the DHS page fixture replaces the bundled UFLPA snapshot), and the run record names the
stored version it used.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests/fixtures/lists"


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sourcetrace", *args], capture_output=True, text=True, check=False
    )


def screen(tmp_path: Path, suppliers: Path, db: str, *extra: str) -> tuple[pl.DataFrame, dict]:
    out = tmp_path / "out.csv"
    done = cli("screen", str(suppliers), "--output", str(out), "--db", db, "--quiet", *extra)
    assert done.returncode == 0, done.stderr
    record = json.loads((tmp_path / "out.csv.run.json").read_text(encoding="utf-8"))
    return pl.read_csv(out), record


def test_stored_uflpa_version_replaces_the_bundled_snapshot(tmp_path: Path) -> None:
    db = str(tmp_path / "store.db")
    suppliers = tmp_path / "suppliers.csv"
    # Western Gold is on the bundled UFLPA snapshot and on version 2 of the fixture, not version 1.
    suppliers.write_text("supplier\nWestern Gold Co Ltd\n", encoding="utf-8")

    before, record = screen(tmp_path, suppliers, db)
    assert before.get_column("decision").to_list() == ["match"]
    assert "uflpa" in [x["name"] for x in record["lists"]]
    assert not Path(db).exists()  # screening never creates a store

    v1 = FIXTURES / "uflpa_entity_list_v1.html"
    assert cli("lists", "import", str(v1), "--format", "uflpa-html", "--db", db).returncode == 0
    with_v1, record = screen(tmp_path, suppliers, db)
    names = [x["name"] for x in record["lists"]]
    assert "us_dhs_uflpa" in names and "uflpa" not in names
    stored = next(x for x in record["lists"] if x["name"] == "us_dhs_uflpa")
    assert stored["path"].startswith("store:") and stored["version"].startswith("v1 ")
    assert with_v1.get_column("decision").to_list() == ["clear"]

    v2 = FIXTURES / "uflpa_entity_list_v2.html"
    assert cli("lists", "import", str(v2), "--format", "uflpa-html", "--db", db).returncode == 0
    with_v2, record = screen(tmp_path, suppliers, db)
    assert with_v2.get_column("decision").to_list() == ["match"]
    assert next(x for x in record["lists"] if x["name"] == "us_dhs_uflpa")["version"].startswith(
        "v2 "
    )

    ignored, record = screen(tmp_path, suppliers, db, "--no-store-lists")
    assert "uflpa" in [x["name"] for x in record["lists"]]
    assert ignored.get_column("decision").to_list() == ["match"]
