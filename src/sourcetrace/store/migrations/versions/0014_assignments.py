"""Alerts assigned to reviewers: ``assignments``, keyed like ``decisions``.

The alert queue across jobs lets an analyst or admin give an alert (a hit or a signal of a
screened name) to a reviewer. Each assignment is a new row; the newest for a (name, entity) pair
stands. Stores made before this revision have no assignments: every alert is unassigned.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "assignments",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("name_key", sa.String(512), nullable=False),
        sa.Column("entity_id", sa.String(255), nullable=False),
        sa.Column("entity_hash", sa.String(71), nullable=False),
        sa.Column("assignee", sa.String(64), nullable=False),
        sa.Column("assigned_by", sa.String(64), nullable=False),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=True),
        sa.Column("row", sa.Integer(), nullable=True),
    )
    op.create_index("ix_assignments_name_entity", "assignments", ["name_key", "entity_id"])


def downgrade() -> None:
    op.drop_index("ix_assignments_name_entity", table_name="assignments")
    op.drop_table("assignments")
