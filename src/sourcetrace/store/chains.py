"""Supply chains traced in the web workspace: their files, the trace's results, who uploaded them.

A chain is a saved graph (:mod:`sourcetrace.store.graphs`, the one supply-chain store, which
``sourcetrace trace --graph NAME`` traces) and the trace the workspace made of it, stored whole
once traced, never updated (only deleted, whole): the map's data (risks per party, findings with
their paths hop by hop), the graph as the exporters wrote it (Cytoscape JSON, GraphML) and the
findings CSV, so that what a user downloads is what was traced. ``graph_id`` links the trace to
its graph: a chain uploaded in the workspace saves its graph; a graph saved by the command gets
a trace when a user maps it. Replacing or deleting the graph from the command line keeps the
trace, unlinked (the foreign key sets it to null). The rows are made by
:mod:`sourcetrace.workspace.maps`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Connection,
    Engine,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    delete,
    select,
)

from sourcetrace.store.database import metadata
from sourcetrace.store.graphs import graphs, remove_graph

EXPORTS = ("cytoscape", "graphml", "findings_csv")
"""The stored texts a chain can be downloaded as."""

chains = Table(
    "chains",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(255), nullable=False),  # the supply-links file's name
    Column("created_at", String(32), nullable=False),
    Column("created_by", String(64), nullable=False),
    Column("files", JSON, nullable=False),  # [{"role", "filename", "file_hash"}]
    Column("settings", JSON, nullable=False),  # the trace's depth, thresholds and caps
    Column("lists", JSON, nullable=False),  # [{"name", "version"}] the parties were screened on
    Column("counts", JSON, nullable=False),  # parties, links, holdings, findings by severity
    Column("map", JSON, nullable=False),  # see sourcetrace.workspace.maps.map_data
    Column("cytoscape", Text, nullable=False),
    Column("graphml", Text, nullable=False),
    Column("findings_csv", Text, nullable=False),
    # The saved graph traced; null: it was replaced or deleted since (the trace stays).
    Column("graph_id", Integer, ForeignKey("graphs.id", ondelete="SET NULL"), nullable=True),
)


@dataclass(frozen=True, slots=True)
class Chain:
    """One stored chain; ``map`` is None when it was read without it (for lists)."""

    id: int
    name: str
    created_at: str
    created_by: str
    files: list[dict[str, str]]
    settings: dict[str, Any]
    lists: list[dict[str, str]]
    counts: dict[str, int]
    graph: str | None = None
    """The name of the saved graph traced (``trace --graph NAME``); None if it is gone."""
    map: dict[str, Any] | None = None


_SUMMARY = [
    *(c for c in chains.c if c.name not in ("map", "graph_id", *EXPORTS)),
    graphs.c.name.label("graph"),
]
_JOINED = chains.outerjoin(graphs, chains.c.graph_id == graphs.c.id)


def insert_chain(conn: Connection, values: dict[str, Any]) -> int:
    """Store a traced chain in the caller's transaction; returns its id."""
    result = conn.execute(chains.insert().values(**values))
    return int(result.inserted_primary_key[0])  # type: ignore[index]


def get_chain(engine: Engine, chain_id: int) -> Chain | None:
    """One chain with its map data."""
    with engine.connect() as conn:
        query = select(*_SUMMARY, chains.c.map).select_from(_JOINED)
        row = conn.execute(query.where(chains.c.id == chain_id)).first()
    return None if row is None else Chain(**row._mapping)


def list_chains(engine: Engine, limit: int = 100) -> list[Chain]:
    """The newest chains first, without their map data."""
    with engine.connect() as conn:
        query = select(*_SUMMARY).select_from(_JOINED)
        rows = conn.execute(query.order_by(chains.c.id.desc()).limit(limit)).all()
    return [Chain(**r._mapping) for r in rows]


def chain_export(engine: Engine, chain_id: int, export: str) -> str | None:
    """One of the stored :data:`EXPORTS` of a chain; None if there is no such chain."""
    if export not in EXPORTS:
        raise ValueError(export)
    with engine.connect() as conn:
        value = conn.execute(select(chains.c[export]).where(chains.c.id == chain_id)).scalar()
    return None if value is None else str(value)


def delete_chain(conn: Connection, chain_id: int) -> Chain | None:
    """Remove a chain whole, its trace and its saved graph, in the caller's transaction; returns
    what it was (without its map), or None if there was no such chain."""
    row = conn.execute(
        select(*_SUMMARY).select_from(_JOINED).where(chains.c.id == chain_id)
    ).first()
    if row is None:
        return None
    conn.execute(delete(chains).where(chains.c.id == chain_id))
    if row.graph is not None:
        remove_graph(conn, row.graph)
    return Chain(**row._mapping)


def unmapped_graphs(engine: Engine) -> list[str]:
    """The names of the saved graphs no chain traces (saved by ``trace --save NAME``), by name."""
    query = (
        select(graphs.c.name)
        .where(~select(chains.c.id).where(chains.c.graph_id == graphs.c.id).exists())
        .order_by(graphs.c.name)
    )
    with engine.connect() as conn:
        return list(conn.execute(query).scalars())
