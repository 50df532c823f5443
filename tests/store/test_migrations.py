"""The store's schema under Alembic: upgrades, agreement with the models, adoption, concurrency."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import (
    JSON,
    Column,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    inspect,
    select,
    text,
)
from typer.testing import CliRunner

from sourcetrace.cli import db as db_cmd
from sourcetrace.errors import ConfigError
from sourcetrace.settings import load_settings
from sourcetrace.store import ListStore
from sourcetrace.store.chains import list_chains
from sourcetrace.store.engine import make_engine
from sourcetrace.store.migrations import (
    VERSION_TABLE,
    alembic_config,
    current,
    head,
    models,
    revisions,
    upgrade,
)
from sourcetrace.store.watch import list_portfolios
from sourcetrace.store.workspace import jobs
from sourcetrace.workspace.audit import verify_chain
from sourcetrace.workspace.decisions import latest
from sourcetrace.workspace.jobs import get_job

LEGACY = Path(__file__).parent / "legacy-create_all.sql"
HOW_TO = (
    "the models and the migrations differ; add a revision "
    "(python -m sourcetrace.store.migrations revision MESSAGE, see its docstring): "
)


def _tables() -> set[str]:
    return set(models().tables)


def _differences(url: str) -> list[object]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            return list(compare_metadata(context, models()))
    finally:
        engine.dispose()


def test_an_empty_database_upgrades_to_head_and_agrees_with_the_models(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        assert current(engine) == head()
        assert set(inspect(engine).get_table_names()) == _tables() | {VERSION_TABLE}
        assert upgrade(engine) == (head(), head())  # a current store: nothing to do
    finally:
        engine.dispose()
    differences = _differences(db_url)
    assert differences == [], HOW_TO + repr(differences)


def test_a_table_without_a_revision_is_found(tmp_path: Path) -> None:
    """The check above is not vacuous: a model the revisions lack shows as a difference."""
    url = f"sqlite:///{tmp_path / 'store.db'}"
    make_engine(url).dispose()
    extra = MetaData()
    Table("graph_nodes", extra, Column("id", Integer, primary_key=True))
    engine = create_engine(url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn)
        found = compare_metadata(context, [models(), extra])  # type: ignore[arg-type]
    engine.dispose()
    assert [d[0] for d in found] == ["add_table"] and found[0][1].name == "graph_nodes"


def test_revisions_are_numbered_in_order_in_one_line() -> None:
    script = ScriptDirectory.from_config(alembic_config())
    assert script.get_heads() == [head()]
    chain = [r.revision for r in reversed(list(script.walk_revisions()))]
    assert chain == list(revisions()) == [f"{i:04d}" for i in range(1, len(chain) + 1)]
    for rev in script.walk_revisions():
        assert Path(rev.path).name.startswith(f"{rev.revision}_"), rev.path


def test_every_revision_downgrades_and_upgrades_again(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    engine = create_engine(url)
    upgrade(engine)
    with engine.begin() as conn:
        command.downgrade(alembic_config(conn), "base")
    assert set(inspect(engine).get_table_names()) <= {VERSION_TABLE}
    assert current(engine) is None
    upgrade(engine)
    assert current(engine) == head()
    engine.dispose()
    assert _differences(url) == []


def _legacy_store(path: Path) -> str:
    with sqlite3.connect(path) as conn:
        conn.executescript(LEGACY.read_text("utf-8"))
    conn.close()
    return f"sqlite:///{path}"


def test_a_store_made_before_migrations_is_adopted_and_upgraded(tmp_path: Path) -> None:
    url = _legacy_store(tmp_path / "old.db")
    with ListStore(url) as store:
        assert current(store.engine) == head()
        [version] = store.versions()
        assert version.list_name == "us_dhs_uflpa" and store.entities(version.id)[0]["id"] == (
            "uflpa-1"
        )
        assert [p.name for p in list_portfolios(store)] == ["brand"]
    engine = make_engine(url)
    job = get_job(engine, 1)
    assert job is not None and job.status == "done" and job.counts["match"] == 1
    assert job.results[0]["hit"]["entity_id"] == "uflpa-23795c8155f2"
    assert latest(engine, [(job.results[0]["name"], "uflpa-23795c8155f2")])
    assert verify_chain(engine) is None  # the audit log is as it was
    engine.dispose()
    assert _differences(url) == []


def test_a_store_with_only_the_list_tables_gets_the_others(tmp_path: Path) -> None:
    url = _legacy_store(tmp_path / "old.db")
    engine = create_engine(url)
    with engine.begin() as conn:
        for table in ("api_keys", "users", "jobs", "decisions", "audit_log", "meta"):
            conn.execute(text(f"DROP TABLE {table}"))
    upgrade(engine)
    assert set(inspect(engine).get_table_names()) == _tables() | {VERSION_TABLE}
    engine.dispose()
    assert _differences(url) == []


def test_a_failed_migration_leaves_the_store_as_it_was(tmp_path: Path) -> None:
    url = _legacy_store(tmp_path / "old.db")
    engine = create_engine(url)
    with engine.begin() as conn:  # a column revision 0002 adds, already there: it fails
        conn.execute(text("ALTER TABLE jobs ADD COLUMN rows_done INTEGER"))
        conn.execute(text("DROP TABLE meta"))
    before = set(inspect(engine).get_table_names())
    with pytest.raises(ConfigError, match="could not bring the store .* to schema revision"):
        ListStore(url)
    assert set(inspect(engine).get_table_names()) == before  # 0001's new table was rolled back
    assert current(engine) is None
    with engine.connect() as conn:
        assert conn.execute(select(jobs.c.filename)).scalar() == "two.csv"
    engine.dispose()


def test_a_store_from_a_newer_sourcetrace_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f"UPDATE {VERSION_TABLE} SET version_num = '9999'"))
    engine.dispose()
    with pytest.raises(ConfigError, match="revision 9999, which this version of sourcetrace"):
        ListStore(url)
    with pytest.raises(ConfigError, match="9999"):
        make_engine(url)


OPEN = """
import sys
from sourcetrace.store.engine import make_engine
from sourcetrace.store.db import ListStore
url, kind = sys.argv[1], sys.argv[2]
print("ready", flush=True)
sys.stdin.readline()
if kind == "list":
    ListStore(url).close()
else:
    make_engine(url).dispose()
print("opened", flush=True)
"""


def test_processes_opening_a_new_store_at_once_all_succeed(db_url: str) -> None:
    # Started together, each waits (its imports done) for the word to open the store.
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", OPEN, db_url, kind],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for kind in ("list", "workspace", "list")
    ]
    try:
        for proc in procs:
            assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        for proc in procs:
            assert proc.stdin is not None
            proc.stdin.write("go\n")
            proc.stdin.flush()
        results = [proc.communicate(timeout=120) for proc in procs]
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    for proc, (out, err) in zip(procs, results, strict=True):
        assert proc.returncode == 0 and out.strip() == "opened", err
    engine = create_engine(db_url)
    try:
        assert current(engine) == head()
    finally:
        engine.dispose()


def test_db_commands(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'data' / 'store.db'}"
    runner = CliRunner()
    missing = runner.invoke(db_cmd.app, ["current", "--db", url])
    assert isinstance(missing.exception, ConfigError) and "db upgrade" in str(missing.exception)
    made = runner.invoke(db_cmd.app, ["upgrade", "--db", url])
    assert made.exit_code == 0, made.output
    assert f"upgraded from revision (none) to {head()}" in made.output
    again = runner.invoke(db_cmd.app, ["upgrade", "--db", url])
    assert "nothing to do" in again.output
    now = runner.invoke(db_cmd.app, ["current", "--db", url])
    assert now.exit_code == 0 and now.output.strip() == f"{head()} (head)"

    old = _legacy_store(tmp_path / "old.db")
    behind = runner.invoke(db_cmd.app, ["current", "--db", old])
    assert behind.exit_code == 1 and "(none) (head is" in behind.output
    assert runner.invoke(db_cmd.app, ["upgrade", "--db", old]).exit_code == 0
    assert runner.invoke(db_cmd.app, ["current", "--db", old]).exit_code == 0


def _store_at(url: str, revision: str) -> None:
    """A store as the release whose newest revision is ``revision`` makes it."""
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), revision)
    finally:
        engine.dispose()


def test_a_store_of_the_release_before_gets_one_timestamp_format(db_url: str) -> None:
    _store_at(db_url, "0007")
    engine = create_engine(db_url)
    with engine.begin() as conn:  # rows as 0007's code wrote them: to the second, with an offset
        conn.execute(
            text(
                "INSERT INTO list_versions (list_name, format, imported_at, source, source_hash,"
                " content_hash, entity_count) VALUES ('us_dhs_uflpa', 'uflpa_html',"
                " '2026-11-30T09:15:02+00:00', 'entity-list.html', 'sha256:a', 'sha256:b', 0)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO watch_portfolios (name, path, created_at, last_run_at)"
                " VALUES ('brand', '/data/suppliers.csv', '2026-11-29T08:00:00+00:00', NULL)"
            )
        )
    engine.dispose()
    with ListStore(db_url) as store:
        assert current(store.engine) == head()
        [version] = store.versions()
        assert version.imported_at == "2026-11-30T09:15:02.000000Z"
        [portfolio] = list_portfolios(store)
        assert portfolio.last_run_at is None
        store.add_version(list_name="us_dhs_uflpa", fmt="uflpa_html", source="new.html",
                          source_hash="sha256:c", content_hash="sha256:d", entities=[])  # fmt: skip
        old, new = store.versions()
        assert old.imported_at < new.imported_at and new.imported_at.endswith("Z")
    assert _differences(db_url) == []


def test_chains_of_the_release_before_become_saved_graphs(db_url: str, tmp_path: Path) -> None:
    """A chain uploaded in the workspace of the release before (schema 0007) is traced by
    ``sourcetrace trace --graph NAME`` after the upgrade, with the findings of its files."""
    from sourcetrace.tracing import ChainFiles, TraceOptions, trace_chain, trace_lists
    from sourcetrace.workspace.maps import Upload, trace_files
    from tests.web.test_chains import COTTON, GINNER

    links = tmp_path / "links.csv"
    links.write_text(COTTON, encoding="utf-8")
    lists = trace_lists(None, load_settings(), use_store=False)
    upload = Upload("links", links, "cotton.csv", "sha256:0")
    drawn = trace_files({"links": upload}, lists, max_links=20_000)
    _store_at(db_url, "0007")
    old_chains = Table(  # the chains table as revision 0007 made it
        "chains", MetaData(), Column("id", Integer, primary_key=True),
        *(Column(c, JSON) for c in ("files", "settings", "lists", "counts", "map")),
        *(Column(c, String) for c in ("name", "created_at", "created_by", "cytoscape", "graphml",
                                      "findings_csv")),
    )  # fmt: skip
    engine = create_engine(db_url)
    with engine.begin() as conn:
        for _ in range(2):  # the same file uploaded twice: two graphs, the second "(2)"
            conn.execute(old_chains.insert().values(
                name="cotton.csv", created_at="2026-12-01T10:00:00.000000Z", created_by="ana",
                files=[{"role": "links", "filename": "cotton.csv", "file_hash": "sha256:0"}],
                settings={}, lists=[{"name": "us_dhs_uflpa", "version": "2026-11"}],
                counts={}, map=drawn.map, cytoscape=drawn.cytoscape, graphml="",
                findings_csv="",
            ))  # fmt: skip
    engine.dispose()

    engine = make_engine(db_url)
    try:
        chains = list_chains(engine)
        assert sorted(c.graph or "" for c in chains) == ["cotton.csv", "cotton.csv (2)"]
    finally:
        engine.dispose()
    out = tmp_path / "findings.csv"
    done = subprocess.run(
        [sys.executable, "-m", "sourcetrace", "trace", "--graph", "cotton.csv", "-o", str(out),
         "--db", db_url, "--no-store-lists", "-q"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    files = ChainFiles(links, names={"links": "cotton.csv"})
    expected = trace_chain(files, TraceOptions(workers=1, store_lists=False)).table
    found = pl.read_csv(out, infer_schema_length=0).fill_null("")
    assert found.rows() == expected.select(pl.all().cast(pl.String)).fill_null("").rows()
    # The readable path starts at the risk source: "<ginner> supplies cotton to ..." or "<ginner>
    # itself".
    assert any(p.startswith(GINNER) for p in found.get_column("path").to_list())
    assert _differences(db_url) == []
