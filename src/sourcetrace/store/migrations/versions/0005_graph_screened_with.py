"""A saved graph records how its risk sources were found, so that tracing it again can reuse them.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Null for graphs saved before: their risk sources are always found again.
    with op.batch_alter_table("graphs") as batch:
        batch.add_column(sa.Column("screened_with", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("graphs") as batch:
        batch.drop_column("screened_with")
