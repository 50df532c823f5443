"""``sourcetrace watch``: re-screening portfolios reports only what is new since the last run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests/fixtures/lists"


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sourcetrace", *args], capture_output=True, text=True, check=False
    )


def test_watch_run_twice_reports_new_hits_then_nothing(tmp_path: Path, examples: Path) -> None:
    db = str(tmp_path / "store.db")
    assert cli("watch", "add", "brand", str(examples / "suppliers.csv"), "--db", db).returncode == 0
    out = tmp_path / "changes.csv"
    first = cli("watch", "run", "--db", db, "--output", str(out))
    assert first.returncode == 3, first.stderr
    changes = pl.read_csv(out)
    assert set(changes.get_column("change").to_list()) == {"new"}
    assert "新疆中泰化学股份有限公司" in changes.get_column("name").to_list()
    second = cli("watch", "run", "--db", db, "--output", str(out))
    assert second.returncode == 0, second.stderr
    assert "nothing new" in second.stdout
    assert pl.read_csv(out).height == 0


def test_list_update_brings_new_hit_and_removal(tmp_path: Path) -> None:
    db = str(tmp_path / "store.db")
    suppliers = tmp_path / "suppliers.csv"
    suppliers.write_text(
        "supplier\nWestern Gold Co Ltd\nPacific Textiles Holdings Ltd\n", encoding="utf-8"
    )
    cli("watch", "add", "brand", str(suppliers), "--db", db)
    v1, v2 = FIXTURES / "uflpa_entity_list_v1.html", FIXTURES / "uflpa_entity_list_v2.html"
    assert cli("lists", "import", str(v1), "--format", "uflpa-html", "--db", db).returncode == 0
    assert cli("watch", "run", "--no-default-lists", "--db", db).returncode == 0
    assert cli("lists", "import", str(v2), "--format", "uflpa-html", "--db", db).returncode == 0
    added = cli("watch", "run", "--no-default-lists", "--db", db)
    assert added.returncode == 3 and "new brand: Western Gold Co Ltd" in added.stdout
    assert cli("watch", "run", "--no-default-lists", "--db", db).returncode == 0
    assert cli("lists", "import", str(v1), "--format", "uflpa-html", "--db", db).returncode == 0
    removed = cli("watch", "run", "--no-default-lists", "--db", db)
    assert removed.returncode == 3 and "removed brand: Western Gold Co Ltd" in removed.stdout
