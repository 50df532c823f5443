"""Graphs saved in the store: a round trip gives the same graph and the same findings.

SQLite always; PostgreSQL too when ``SOURCETRACE_TEST_PG_URL`` names a server (a database is
made for each test and dropped after), as in ``tests/store``.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
import typer
from typer.testing import CliRunner

from sourcetrace.cli.trace import graph_app, trace
from sourcetrace.errors import ConfigError
from sourcetrace.graph.build import read_built
from sourcetrace.graph.findings import findings_frame
from sourcetrace.graph.risks import find_risks
from sourcetrace.graph.trace import trace as run_trace
from sourcetrace.store.db import ListStore
from sourcetrace.store.graphs import delete_graph, list_graphs, load_graph, save_graph

CHAIN = Path(__file__).resolve().parents[2] / "examples/chain"
def _example():  # type: ignore[no-untyped-def]
    return read_built(CHAIN / "links.csv", CHAIN / "ownership.csv", CHAIN / "shipments.csv")


def test_round_trip_gives_the_same_graph_and_findings(db_url: str) -> None:
    built = _example()
    graph = built.graph
    risks = find_risks(graph, None, None, built.facts)
    with ListStore(db_url) as store:
        saved = save_graph(store, "northwind-2026", graph, risks, ["links.csv"], ["uflpa 1"])
        loaded = load_graph(store, "northwind-2026")
    again = loaded.graph
    assert (saved.parties, saved.links, saved.holdings) == (9, 11, 2)
    assert again.parties.equals(graph.parties)
    assert again.edges.equals(graph.edges)
    assert again.ownership == graph.ownership
    assert loaded.risks == risks
    assert loaded.saved.files == ["links.csv"] and loaded.saved.lists == ["uflpa 1"]
    assert again.nodes[3].names == graph.nodes[3].names  # spellings, most frequent first
    before = findings_frame(graph, run_trace(graph, risks).findings)
    after = findings_frame(again, run_trace(again, loaded.risks).findings)
    assert after.equals(before) and before.height > 50


def test_saving_a_name_again_replaces_it(db_url: str) -> None:
    graph = _example().graph
    small = read_built(CHAIN / "links.csv").graph
    with ListStore(db_url) as store:
        save_graph(store, "chain", graph)
        save_graph(store, "chain", small)
        save_graph(store, "other", graph)
        assert load_graph(store, "chain").graph.ownership == []
        assert [(g.name, g.holdings) for g in list_graphs(store)] == [("chain", 0), ("other", 2)]
        assert delete_graph(store, "chain") and not delete_graph(store, "chain")
        with pytest.raises(ConfigError, match="saved graphs: other"):
            load_graph(store, "chain")


def _app() -> typer.Typer:
    app = typer.Typer(pretty_exceptions_enable=False)
    app.command("trace")(trace)
    app.add_typer(graph_app, name="graph")
    return app


def test_trace_save_then_trace_the_saved_graph(tmp_path: Path) -> None:
    db = str(tmp_path / "store.db")
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    files = [str(CHAIN / "links.csv"), "--ownership", str(CHAIN / "ownership.csv"),
             "--shipments", str(CHAIN / "shipments.csv")]  # fmt: skip
    run = CliRunner().invoke(
        _app(), ["trace", *files, "-o", str(first), "--save", "nw", "--db", db]
    )
    assert run.exit_code == 0, run.output
    assert "graph saved as 'nw'" in run.output
    run = CliRunner().invoke(
        _app(), ["trace", "--graph", "nw", "-o", str(second), "--db", db, "-q"]
    )
    assert run.exit_code == 0, run.output
    assert pl.read_csv(second).equals(pl.read_csv(first))
    out = tmp_path / "nw.graphml"
    run = CliRunner().invoke(
        _app(), ["graph", "export", "--graph", "nw", "-o", str(out), "--db", db]
    )
    assert run.exit_code == 0, run.output
    assert "华孚色纺" in out.read_text(encoding="utf-8")
    run = CliRunner().invoke(_app(), ["graph", "list", "--db", db])
    assert "nw" in run.output and "11" in run.output


def test_links_or_graph_not_both(tmp_path: Path) -> None:
    run = CliRunner().invoke(
        _app(), ["trace", str(CHAIN / "links.csv"), "--graph", "nw", "-o", str(tmp_path / "o.csv")]
    )
    assert isinstance(run.exception, ConfigError)
    assert "one of them" in str(run.exception)
