"""The workspace's supply chains: a saved graph and the trace the map shows, audited.

A chain is stored in one transaction with its audit entry: an upload saves its graph too (under
the links file's name, "name (2)"... when taken, so that ``sourcetrace trace --graph NAME``
traces it); a graph saved by the command is linked, not copied. Deleting a chain deletes its
graph. The tables are :mod:`sourcetrace.store.chains` and :mod:`sourcetrace.store.graphs`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine

from sourcetrace.errors import InputError
from sourcetrace.store.chains import (
    EXPORTS,
    Chain,
    chain_export,
    delete_chain,
    get_chain,
    insert_chain,
    list_chains,
    unmapped_graphs,
)
from sourcetrace.store.graphs import free_name, graph_id, write_graph
from sourcetrace.tracing import ChainTrace
from sourcetrace.workspace import audit
from sourcetrace.workspace.jobs import finish_trace

__all__ = [
    "EXPORTS",
    "Chain",
    "chain_export",
    "get_chain",
    "list_chains",
    "remove_chain",
    "store_chain",
    "unmapped_graphs",
]


def store_chain(
    engine: Engine,
    traced: ChainTrace,
    values: dict[str, Any],
    graph: str | None,
    actor: str,
    job_id: int | None = None,
) -> int:
    """Store a traced chain (``values``: the row of :data:`~sourcetrace.store.chains.chains`
    but its graph) and its audit entry in one transaction; returns the chain's id.

    ``graph``: the saved graph it traces, or None for an upload, whose graph is saved with it.
    ``job_id``: the trace job that traced it, marked done in the same transaction (nothing is
    stored, :class:`~sourcetrace.workspace.jobs.JobEnded`, if it was cancelled meanwhile).
    """

    def work(conn: Connection) -> int:
        if graph is None:
            saved_as = free_name(conn, values["name"])
            lists = traced.lists
            gid, _ = write_graph(conn, saved_as, traced.graph, traced.sources,
                                 [f["filename"] for f in values["files"]], lists.labels(),
                                 lists.screened_with)  # fmt: skip
        else:
            found = graph_id(conn, graph)
            if found is None:  # deleted from the command line while it was traced
                raise InputError("no such saved graph (deleted meanwhile)", path=graph)
            saved_as, gid = graph, found
        chain_id = insert_chain(conn, {**values, "graph_id": gid})
        details = {"files": values["files"], "graph": saved_as, "counts": values["counts"],
                   "lists": values["lists"]}  # fmt: skip
        audit.append(engine, actor, "chain.create", f"chain:{chain_id}", details, conn=conn)
        if job_id is not None:
            finish_trace(conn, job_id, chain_id)
        return chain_id

    return audit.audited(engine, work)


def remove_chain(engine: Engine, chain_id: int, actor: str) -> Chain | None:
    """Delete a stored chain and its saved graph, and write the audit entry, in one transaction
    (what was deleted: the files by name and hash, the graph's name, who traced them and when,
    the counts); None if there was no such chain, and nothing is written."""

    def work(conn: Connection) -> Chain | None:
        chain = delete_chain(conn, chain_id)
        if chain is not None:
            details = {"name": chain.name, "files": chain.files, "graph": chain.graph,
                       "created_at": chain.created_at, "created_by": chain.created_by,
                       "counts": chain.counts}  # fmt: skip
            audit.append(engine, actor, "chain.delete", f"chain:{chain_id}", details, conn=conn)
        return chain

    return audit.audited(engine, work)
