"""A chain of the workspace is a saved graph: ``chains.graph_id``, and the chains carried over.

Each chain stored before gets its graph saved (``graphs`` and its rows), read back from the
Cytoscape export stored with it and the parties' countries and identifiers its map keeps
(:func:`sourcetrace.graph.export.read_cytoscape`), under the chain's name ("name (2)" when a
graph has it already), so that ``sourcetrace trace --graph NAME`` traces it. Its risk sources
are not carried over (the map keeps what they said, not all they hold): the graph is saved
without a record of its lists, so the first trace of it screens its parties again. What cannot
be read back is lost: shipment origins (the export has none) and the empty cells of other
columns.

This revision runs sourcetrace's own code (the reader and :func:`~sourcetrace.store.graphs.
write_graph`): a later change to the graph tables keeps it working, as the migration test of a
store of the release before says.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_chains = sa.table(
    "chains",
    sa.column("id", sa.Integer()),
    sa.column("name", sa.String()),
    sa.column("files", sa.JSON()),
    sa.column("lists", sa.JSON()),
    sa.column("map", sa.JSON()),
    sa.column("cytoscape", sa.Text()),
    sa.column("graph_id", sa.Integer()),
)


def upgrade() -> None:
    with op.batch_alter_table("chains") as batch:
        batch.add_column(sa.Column("graph_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_chains_graph_id_graphs", "graphs", ["graph_id"], ["id"], ondelete="SET NULL"
        )
    from sourcetrace.graph.export import read_cytoscape
    from sourcetrace.store.graphs import free_name, write_graph

    conn = op.get_bind()
    rows = conn.execute(sa.select(_chains).order_by(_chains.c.id)).all()
    for row in rows:
        graph = read_cytoscape(row.cytoscape, (row.map or {}).get("parties"))
        name = free_name(conn, row.name)
        files = [f["filename"] for f in row.files or []]
        lists = [f"{x['name']} {x['version']}" for x in row.lists or []]
        graph_id, _ = write_graph(conn, name, graph, (), files, lists, None)
        conn.execute(_chains.update().where(_chains.c.id == row.id).values(graph_id=graph_id))


def downgrade() -> None:
    # The graphs carried over stay: they are saved graphs like the others from now on.
    with op.batch_alter_table("chains") as batch:
        batch.drop_constraint("fk_chains_graph_id_graphs", type_="foreignkey")
        batch.drop_column("graph_id")
