"""Supply-chain graphs kept in the store under a name, to trace again without the files.

A saved graph is what :mod:`sourcetrace.graph.build` made of the files: its parties with every
spelling, address, country, identifier and shipment origin; its supply links with product, HS
code, production stage, quantity, unit, date, evidence, basis and the file row they came from;
its holdings; and the risk sources found when it was saved, with the lists they were found on.
Loading gives back the same :class:`~sourcetrace.graph.model.Graph`, so tracing it gives the same
findings as tracing the files (tested on SQLite and PostgreSQL).

Saving a name again replaces the graph, in one transaction. Five tables, declared on the store's
metadata like those of :mod:`sourcetrace.store.watch`; the store's migrations make them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson
import polars as pl
from sqlalchemy import (
    Column,
    Float,
    ForeignKey,
    Integer,
    SmallInteger,
    String,
    Table,
    Text,
    delete,
    select,
)
from sqlalchemy.exc import SQLAlchemyError

from sourcetrace.errors import ConfigError
from sourcetrace.graph.model import BASES, EDGE_SCHEMA, PARTY_SCHEMA, Graph, Ownership, Source
from sourcetrace.graph.risks import RiskSource
from sourcetrace.store.db import ListStore, metadata

graphs = Table(
    "graphs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("saved_at", String(40), nullable=False),
    Column("files", Text, nullable=False),  # JSON: the files it was built from
    Column("lists", Text, nullable=False),  # JSON: the list versions its risks were found on
    Column("parties", Integer, nullable=False),
    Column("links", Integer, nullable=False),
    Column("holdings", Integer, nullable=False),
)


def _child(name: str, *columns: Column[Any]) -> Table:
    return Table(
        name,
        metadata,
        Column("graph_id", Integer, ForeignKey("graphs.id", ondelete="CASCADE"), primary_key=True),
        Column("seq", Integer, primary_key=True, autoincrement=False),
        *columns,
    )


graph_parties = _child(
    "graph_parties",
    Column("name", Text, nullable=False),
    Column("names", Text, nullable=False),  # JSON lists, most frequent spelling first
    Column("addresses", Text, nullable=False),
    Column("countries", Text, nullable=False),
    Column("identifiers", Text, nullable=False),
    Column("origins", Text, nullable=False),
)
graph_links = _child(
    "graph_links",
    Column("supplier", Integer, nullable=False),
    Column("buyer", Integer, nullable=False),
    Column("product", Text, nullable=False),
    Column("hs_code", String(40), nullable=False),
    Column("hs", String(40), nullable=False),
    Column("stage", SmallInteger, nullable=False),
    Column("quantity", Float),
    Column("unit", String(40), nullable=False),
    Column("date", String(40), nullable=False),
    Column("date_lo", Integer),
    Column("date_hi", Integer),
    Column("evidence", Text, nullable=False),
    Column("basis", SmallInteger, nullable=False),
    Column("file", Text, nullable=False),
    Column("row", Integer, nullable=False),
)
graph_holdings = _child(
    "graph_holdings",
    Column("owner", Integer, nullable=False),
    Column("owned", Integer, nullable=False),
    Column("share", Float, nullable=False),
    Column("evidence", Text, nullable=False),
    Column("basis", SmallInteger, nullable=False),
    Column("file", Text, nullable=False),
    Column("row", Integer, nullable=False),
)
graph_risks = _child(
    "graph_risks",
    Column("node", Integer, nullable=False),
    Column("kind", String(40), nullable=False),
    Column("severity", String(10), nullable=False),
    Column("detail", Text, nullable=False),
    Column("provenance", Text, nullable=False),
    Column("hs_code", String(40), nullable=False),
    Column("sector", String(100), nullable=False),
)
_LISTS = ("names", "addresses", "countries", "identifiers", "origins")
_BATCH = 50_000


@dataclass(frozen=True, slots=True)
class SavedGraph:
    """A stored graph's name and what it holds (without loading it)."""

    name: str
    saved_at: str
    files: list[str]
    lists: list[str]
    parties: int
    links: int
    holdings: int


@dataclass(slots=True)
class LoadedGraph:
    """A stored graph, and the risk sources found when it was saved."""

    graph: Graph
    risks: list[RiskSource]
    saved: SavedGraph


def save_graph(
    store: ListStore,
    name: str,
    graph: Graph,
    risks: Sequence[RiskSource] = (),
    files: Sequence[str] = (),
    lists: Sequence[str] = (),
) -> SavedGraph:
    """Save (or replace) the graph under ``name``, in one transaction."""
    if not name.strip():
        raise ConfigError("a stored graph needs a name")
    saved = SavedGraph(
        name=name, saved_at=datetime.now(UTC).isoformat(timespec="seconds"), files=list(files),
        lists=list(lists), parties=graph.size, links=graph.edges.height,
        holdings=len(graph.ownership),
    )  # fmt: skip
    parties = graph.parties.select(pl.col("id").alias("seq"), "name").with_columns(
        pl.Series(c, [_json(x) for x in graph.parties.get_column(c).to_list()], dtype=pl.String)
        for c in _LISTS
    )
    links = graph.edges.with_row_index("seq").select("seq", *(c for c in EDGE_SCHEMA))
    holdings = [
        {"seq": i, "owner": o.owner, "owned": o.owned, "share": o.share, "evidence": o.evidence,
         "basis": o.basis.rank, "file": o.source.path, "row": o.source.row}
        for i, o in enumerate(graph.ownership)
    ]  # fmt: skip
    found = [
        {"seq": i, "node": r.node, "kind": r.kind, "severity": r.severity, "detail": r.detail,
         "provenance": r.provenance, "hs_code": r.hs_code, "sector": r.sector}
        for i, r in enumerate(risks)
    ]  # fmt: skip
    try:
        with store.engine.begin() as conn:
            conn.execute(delete(graphs).where(graphs.c.name == name))
            key = conn.execute(
                graphs.insert().values(
                    name=name,
                    saved_at=saved.saved_at,
                    files=_json(saved.files),
                    lists=_json(saved.lists),
                    parties=saved.parties,
                    links=saved.links,
                    holdings=saved.holdings,
                )
            ).inserted_primary_key
            assert key is not None
            graph_id = int(key[0])
            # Child rows go by id, not by cascade: a foreign key off on SQLite leaves no orphans.
            for table in (graph_parties, graph_links, graph_holdings, graph_risks):
                conn.execute(delete(table).where(table.c.graph_id == graph_id))
            for table, rows in (
                (graph_parties, parties.iter_rows(named=True)),
                (graph_links, links.iter_rows(named=True)),
                (graph_holdings, iter(holdings)),
                (graph_risks, iter(found)),
            ):
                for batch in _batches(rows, graph_id):
                    conn.execute(table.insert(), batch)
    except SQLAlchemyError as exc:
        raise ConfigError(f"could not save graph {name!r}, nothing was saved: {exc}") from None
    return saved


def load_graph(store: ListStore, name: str) -> LoadedGraph:
    """The graph saved under ``name``; an unknown name is a ConfigError naming those there are."""
    with store.engine.connect() as conn:
        row = conn.execute(select(graphs).where(graphs.c.name == name)).first()
        if row is None:
            known = ", ".join(g.name for g in list_graphs(store)) or "none"
            raise ConfigError(f"no graph named {name!r} in the store (saved graphs: {known})")
        gid = row.id

        def rows(table: Table) -> list[tuple[Any, ...]]:
            cols = [c for c in table.c if c.name != "graph_id"]
            query = select(*cols).where(table.c.graph_id == gid).order_by(table.c.seq)
            return [tuple(r) for r in conn.execute(query)]

        party_rows = rows(graph_parties)
        link_rows = rows(graph_links)
        holding_rows = rows(graph_holdings)
        risk_rows = rows(graph_risks)
    parties = pl.DataFrame(
        {
            "id": [r[0] for r in party_rows],
            "name": [r[1] for r in party_rows],
            **{c: [orjson.loads(r[2 + i]) for r in party_rows] for i, c in enumerate(_LISTS)},
        },
        schema=PARTY_SCHEMA,
    )
    edges = pl.DataFrame(
        [r[1:] for r in link_rows], schema=EDGE_SCHEMA, orient="row"
    ) if link_rows else pl.DataFrame(schema=EDGE_SCHEMA)  # fmt: skip
    ownership = [
        Ownership(owner=owner, owned=owned, share=share, evidence=evidence,
                  source=Source(file, rownum), basis=BASES[basis])
        for _, owner, owned, share, evidence, basis, file, rownum in holding_rows
    ]  # fmt: skip
    risks = [
        RiskSource(node, kind, severity, detail, provenance, hs_code=hs, sector=sector)
        for _, node, kind, severity, detail, provenance, hs, sector in risk_rows
    ]
    return LoadedGraph(Graph(parties, edges, ownership), risks, _saved(row))


def list_graphs(store: ListStore) -> list[SavedGraph]:
    """Every stored graph, by name."""
    with store.engine.connect() as conn:
        return [_saved(r) for r in conn.execute(select(graphs).order_by(graphs.c.name))]


def delete_graph(store: ListStore, name: str) -> bool:
    """Remove a stored graph; False when there was none of that name."""
    with store.engine.begin() as conn:
        row = conn.execute(select(graphs.c.id).where(graphs.c.name == name)).first()
        if row is None:
            return False
        for table in (graph_parties, graph_links, graph_holdings, graph_risks):
            conn.execute(delete(table).where(table.c.graph_id == row.id))
        conn.execute(delete(graphs).where(graphs.c.id == row.id))
    return True


def _saved(row: Any) -> SavedGraph:
    return SavedGraph(
        name=row.name, saved_at=row.saved_at, files=orjson.loads(row.files),
        lists=orjson.loads(row.lists), parties=row.parties, links=row.links,
        holdings=row.holdings,
    )  # fmt: skip


def _json(value: object) -> str:
    return orjson.dumps(value).decode()


def _batches(rows: Iterator[dict[str, Any]], graph_id: int) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for r in rows:
        r["graph_id"] = graph_id
        batch.append(r)
        if len(batch) >= _BATCH:
            yield batch
            batch = []
    if batch:
        yield batch
