"""A saved graph's parties and links also kept as Parquet, for a quick load (graph_frames).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Graphs saved before have no frames: they load from their rows, as before.
    op.create_table(
        "graph_frames",
        sa.Column("graph_id", sa.Integer(), nullable=False),
        sa.Column("frame", sa.String(length=20), nullable=False),
        sa.Column("part", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["graph_id"], ["graphs.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("graph_id", "frame", "part"),
    )


def downgrade() -> None:
    op.drop_table("graph_frames")
