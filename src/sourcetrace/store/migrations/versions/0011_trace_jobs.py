"""Supply chains are traced as background jobs: a job's kind, its current step and its chain.

A ``trace`` job traces an uploaded chain (or a graph saved by the command) in a child process
of the server; ``step`` says in words what it is doing, ``chain_id`` is the chain it stored
once done. Jobs stored before this revision are screenings: ``kind`` is ``screen``.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("kind", sa.String(16), nullable=False, server_default="screen"))
        batch.add_column(sa.Column("step", sa.Text(), nullable=True))
        batch.add_column(sa.Column("chain_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        for name in ("chain_id", "step", "kind"):
            batch.drop_column(name)
