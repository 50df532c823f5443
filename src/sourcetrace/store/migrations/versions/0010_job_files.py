"""A done job keeps the file that was uploaded for it, byte for byte: ``job_files``.

The web app deletes its temporary copy of an upload once the job ends; the evidence pack of a
job must still hold the file the results came from, so the bytes are stored with the results (in
the same transaction). Jobs stored before this revision have no row here: their pack says so.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "job_files",
        sa.Column("job_id", sa.Integer(), sa.ForeignKey("jobs.id"), primary_key=True),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("job_files")
