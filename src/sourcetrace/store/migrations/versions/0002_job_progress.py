"""Screening jobs run in the background: their state, progress, error and the process running them.

Jobs stored before this revision were screened within the upload request: they are ``done``.

Revision ID: 0002
Revises: 0001
Create Date: 2026-05-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

COLUMNS = ("status", "rows_done", "rows_total", "error", "worker", "updated_at", "finished_at")


def upgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("status", sa.String(16), nullable=False, server_default="done"))
        batch.add_column(sa.Column("rows_done", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("rows_total", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("error", sa.Text(), nullable=True))
        batch.add_column(sa.Column("worker", sa.String(128), nullable=True))
        batch.add_column(sa.Column("updated_at", sa.String(32), nullable=True))
        batch.add_column(sa.Column("finished_at", sa.String(32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        for name in reversed(COLUMNS):
            batch.drop_column(name)
