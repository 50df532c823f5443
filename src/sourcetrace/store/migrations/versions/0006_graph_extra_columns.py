"""Saved links and holdings keep the input file's other columns (a JSON object per row).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Null for rows saved before: they load as "no other columns".
    for table in ("graph_links", "graph_holdings"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("extra", sa.Text(), nullable=True))


def downgrade() -> None:
    for table in ("graph_links", "graph_holdings"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("extra")
