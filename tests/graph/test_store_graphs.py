"""Graphs saved in the store: a round trip gives the same graph and the same findings.

SQLite always; PostgreSQL too when ``SOURCETRACE_TEST_PG_URL`` names a server (a database is
made for each test and dropped after), as in ``tests/store``.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import polars as pl
import pytest
import typer
from typer.testing import CliRunner

from sourcetrace.cli import app
from sourcetrace.errors import ConfigError
from sourcetrace.graph.build import build
from sourcetrace.graph.findings import findings_frame
from sourcetrace.graph.model import EDGE_SCHEMA, PARTY_SCHEMA, Basis, Graph, Ownership, Source
from sourcetrace.graph.risks import RiskSource, find_risks
from sourcetrace.graph.trace import trace as run_trace
from sourcetrace.store.db import ListStore
from sourcetrace.store.graphs import (
    _BATCH,
    LoadedGraph,
    delete_graph,
    list_graphs,
    load_graph,
    save_graph,
)

CHAIN = Path(__file__).resolve().parents[2] / "examples/chain"


def _example():  # type: ignore[no-untyped-def]
    return build(CHAIN / "links.csv", CHAIN / "ownership.csv", CHAIN / "shipments.csv")


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
    small = build(CHAIN / "links.csv").graph
    with ListStore(db_url) as store:
        save_graph(store, "chain", graph)
        save_graph(store, "chain", small)
        save_graph(store, "other", graph)
        assert load_graph(store, "chain").graph.ownership == []
        assert [(g.name, g.holdings) for g in list_graphs(store)] == [("chain", 0), ("other", 2)]
        assert delete_graph(store, "chain") and not delete_graph(store, "chain")
        with pytest.raises(ConfigError, match="saved graphs: other"):
            load_graph(store, "chain")


# Text a driver could bend on the way (COPY's escapes and null marker, JSON escapes, non-ASCII).
AWKWARD = ["tab\there", "new\nline\r", "back\\slash", "\\N", 'quote"s', "", " spaced ",
           "华孚色纺", "😀 \u2028", "null", "[]"]  # fmt: skip
FLOATS = [None, 0.1 + 0.2, 1e-300, 123456789.123456789, -2.5, 1e300, 5e-324]


def _awkward(links: int) -> tuple[Graph, list[RiskSource]]:
    """A graph of odd values: nulls, empty lists, escapes, full-precision floats, int extremes."""
    parties = pl.DataFrame(
        {
            "id": [0, 1, 2],
            "name": AWKWARD[:3],
            "names": [AWKWARD, [], [""]],
            "addresses": [[], AWKWARD[3:], []],
            "countries": [["CN"], [], ["\\N"]],
            "identifiers": [[], [], []],
            "origins": [["XJ", "CN"], [], []],
        },
        schema=PARTY_SCHEMA,
    )
    n, big = links, 2**31 - 1
    edges = pl.DataFrame(
        {
            "supplier": [i % 3 for i in range(n)], "buyer": [(i + 1) % 3 for i in range(n)],
            "product": [AWKWARD[i % len(AWKWARD)] for i in range(n)],
            "hs_code": ["5205.12" if i % 2 else "" for i in range(n)],
            "hs": ["520512" if i % 2 else "" for i in range(n)],
            "stage": [(i % 5) - 1 for i in range(n)],
            "quantity": [FLOATS[i % len(FLOATS)] for i in range(n)],
            "unit": ["kg" if i % 3 else "" for i in range(n)],
            "date": [f"2025-{i % 12 + 1:02d}" for i in range(n)],
            "date_lo": [None if i % 4 == 0 else -big - 1 if i % 4 == 1 else i for i in range(n)],
            "date_hi": [None if i % 4 == 0 else big if i % 4 == 1 else i for i in range(n)],
            "evidence": [AWKWARD[-1 - i % len(AWKWARD)] for i in range(n)],
            "basis": [i % 3 for i in range(n)],
            "file": ["links.csv" if i % 2 else "数据/links.csv" for i in range(n)],
            "row": [big - i for i in range(n)],
            "extra": ["" if i % 2 else json.dumps({"PO 号": AWKWARD[i % len(AWKWARD)]},
                                                  ensure_ascii=False) for i in range(n)],
        },
        schema=EDGE_SCHEMA,
    )  # fmt: skip
    ownership = [
        Ownership(0, 1, 100 / 3, "tab\tevidence", Source("o.csv", 1), extra='{"filing": "10-K"}'),
        Ownership(2, 1, 0.1 + 0.2, "", Source("所有.csv", 2), Basis.INFERRED),
    ]
    risks = [RiskSource(i % 3, "uflpa", "high", AWKWARD[i % 11], AWKWARD[-1 - i % 11],
                        "5205.12" if i % 2 else "", "cotton" if i % 2 else "")
             for i in range(25)]  # fmt: skip
    return Graph(parties, edges, ownership), risks


def _same(loaded: LoadedGraph, graph: Graph, risks: list[RiskSource]) -> bool:
    again = loaded.graph
    return bool(
        again.parties.schema == graph.parties.schema and again.parties.equals(graph.parties)
        and again.edges.schema == graph.edges.schema and again.edges.equals(graph.edges)
        and again.ownership == graph.ownership and loaded.risks == risks
    )  # fmt: skip


def test_odd_values_and_many_links_come_back_exactly(db_url: str) -> None:
    graph, risks = _awkward(_BATCH + 7)  # more links than one batch of rows
    empty = Graph.of([])
    with ListStore(db_url) as store:
        save_graph(store, "odd", graph, risks)
        assert _same(load_graph(store, "odd"), graph, risks)
        save_graph(store, "odd", graph, risks[:3])  # replaced, not added to
        assert _same(load_graph(store, "odd"), graph, risks[:3])
        save_graph(store, "empty", empty)
        assert _same(load_graph(store, "empty"), empty, [])
        assert load_graph(store, "empty").graph.parties.schema == PARTY_SCHEMA


def test_a_failed_save_leaves_the_graph_saved_before(db_url: str) -> None:
    graph, risks = _awkward(50)
    rows = graph.edges.height
    bad = Graph(
        graph.parties,
        graph.edges.with_columns(  # no product on the last link: the store refuses it
            pl.when(pl.int_range(pl.len()) == rows - 1).then(None).otherwise(pl.col("product"))
            .alias("product")
        ),
        graph.ownership,
    )  # fmt: skip
    with ListStore(db_url) as store:
        save_graph(store, "g", graph, risks)
        with pytest.raises(ConfigError, match="could not save graph 'g', nothing was stored"):
            save_graph(store, "g", bad, [])
        assert _same(load_graph(store, "g"), graph, risks)
        assert [g.name for g in list_graphs(store)] == ["g"]


def _app() -> typer.Typer:
    """The real ``sourcetrace`` app (its ``trace`` and ``graph`` commands)."""
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
    run = CliRunner().invoke(_app(), ["graph", "delete", "nw", "--db", db])
    assert run.exit_code == 0, run.output
    assert "no saved graphs" in CliRunner().invoke(_app(), ["graph", "list", "--db", db]).output
    run = CliRunner().invoke(_app(), ["trace", "--graph", "nw", "-o", str(second), "--db", db])
    assert isinstance(run.exception, ConfigError) and "no graph named 'nw'" in str(run.exception)


def test_deleting_an_unknown_graph_names_those_there_are(tmp_path: Path) -> None:
    db = str(tmp_path / "store.db")
    with ListStore.open(db) as store:
        save_graph(store, "kept", _example().graph, [])
    run = CliRunner().invoke(_app(), ["graph", "delete", "kpet", "--db", db])
    assert isinstance(run.exception, ConfigError)
    assert str(run.exception) == "no graph named 'kpet' in the store (saved graphs: kept)"
    with ListStore.open(db) as store:
        assert [g.name for g in list_graphs(store)] == ["kept"]


def test_links_or_graph_not_both(tmp_path: Path) -> None:
    run = CliRunner().invoke(
        _app(), ["trace", str(CHAIN / "links.csv"), "--graph", "nw", "-o", str(tmp_path / "o.csv")]
    )
    assert isinstance(run.exception, ConfigError)
    assert "one of them" in str(run.exception)


def test_a_graph_saved_without_a_screening_record_is_screened_again(tmp_path: Path) -> None:
    db = str(tmp_path / "store.db")
    built = _example()
    with ListStore.open(db) as store:  # as graphs saved before they recorded their screening
        save_graph(store, "old", built.graph, find_risks(built.graph, None, None, built.facts))
    out = tmp_path / "again.csv"
    run = CliRunner().invoke(_app(), ["trace", "--graph", "old", "-o", str(out), "--db", db])
    assert run.exit_code == 0, run.output
    assert "saved without a record of its lists" in " ".join(run.output.split())
    # Screened again: the list hits that were not saved (no matcher then) are found.
    assert pl.read_csv(out).filter(pl.col("risk").str.starts_with("list:")).height > 0


def test_a_graph_saved_before_other_columns_were_kept_loads_without_them(tmp_path: Path) -> None:
    from alembic import command
    from sqlalchemy import create_engine

    from sourcetrace.store.migrations import alembic_config, upgrade

    url = f"sqlite:///{tmp_path / 'store.db'}"
    graph, risks = _awkward(20)
    with ListStore(url) as store:
        save_graph(store, "before", graph, risks)
    engine = create_engine(url)
    with engine.begin() as conn:  # back to the schema before revision 0006, and up again
        command.downgrade(alembic_config(conn), "0005")
    upgrade(engine)
    engine.dispose()
    with ListStore(url) as store:
        loaded = load_graph(store, "before")
    plain = Graph(
        graph.parties,
        graph.edges.with_columns(pl.lit("").alias("extra")),
        [replace(o, extra="") for o in graph.ownership],
    )
    assert _same(loaded, plain, risks)


def test_links_load_from_their_parquet_copy_and_from_their_rows_alike(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy import delete, select, update

    from sourcetrace.store import graphs as stored

    monkeypatch.setattr(stored, "_FRAME_ROWS", 7)  # several parts, read back in order
    graph, risks = _awkward(40)
    with ListStore(db_url) as store:
        save_graph(store, "odd", graph, risks)
        save_graph(store, "other", _awkward(3)[0])
        with store.engine.connect() as conn:
            parts = (
                conn.execute(
                    select(stored.graph_frames.c.part)
                    .join(stored.graphs, stored.graphs.c.id == stored.graph_frames.c.graph_id)
                    .where(stored.graphs.c.name == "odd", stored.graph_frames.c.frame == "links")
                )
                .scalars()
                .all()
            )
        assert sorted(parts) == list(range(6))  # 40 links, 7 a part
        assert _same(load_graph(store, "odd"), graph, risks)
        # The copy is what loads: a row changed by hand does not show while it is there ...
        with store.engine.begin() as conn:
            gid = conn.execute(select(stored.graphs.c.id).where(stored.graphs.c.name == "odd"))
            gid = gid.scalar_one()
            conn.execute(
                update(stored.graph_links)
                .where(stored.graph_links.c.graph_id == gid, stored.graph_links.c.seq == 0)
                .values(product="changed by hand")
            )
        assert _same(load_graph(store, "odd"), graph, risks)
        # ... and without it (a graph saved before copies were kept) the rows load.
        with store.engine.begin() as conn:
            conn.execute(delete(stored.graph_frames).where(stored.graph_frames.c.graph_id == gid))
        rows = load_graph(store, "odd").graph.edges
        assert rows.get_column("product")[0] == "changed by hand"
        assert rows.slice(1).equals(graph.edges.slice(1)) and rows.schema == graph.edges.schema
        assert _same(load_graph(store, "other"), _awkward(3)[0], [])
        assert delete_graph(store, "odd")
        with store.engine.connect() as conn:
            left = conn.execute(select(stored.graph_frames.c.graph_id).distinct()).scalars()
            assert gid not in set(left)
