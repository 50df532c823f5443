"""The ``lists import | diff | versions`` commands, run through the real ``sourcetrace`` app."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from sourcetrace.cli import app

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "lists"


def test_import_versions_and_diff(tmp_path: Path) -> None:
    runner = CliRunner(env={"COLUMNS": "200"})
    db = str(tmp_path / "store.db")
    v1 = FIXTURES / "uflpa_entity_list_v1.html"
    v2 = FIXTURES / "uflpa_entity_list_v2.html"
    result = runner.invoke(app, ["lists", "import", str(v1), "--format", "uflpa-html", "--db", db])
    assert result.exit_code == 0, result.output
    assert "imported us_dhs_uflpa as version 1" in result.output
    result = runner.invoke(app, ["lists", "import", str(v1), "-f", "uflpa-html", "--db", db])
    assert "unchanged" in result.output
    runner.invoke(app, ["lists", "import", str(v2), "-f", "uflpa-html", "--db", db])
    result = runner.invoke(app, ["lists", "versions", "--db", db])
    assert result.exit_code == 0 and "in force" in result.output
    result = runner.invoke(app, ["lists", "diff", "1", "2", "--db", db])
    assert result.exit_code == 0, result.output
    assert "4 added, 0 removed, 1 changed" in result.output
    assert "+ section UFLPA Entity List 2(d)(2)(B)(v)" in result.output
