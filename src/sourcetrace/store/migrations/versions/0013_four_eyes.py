"""Four eyes: a decision may need a second reviewer's approval before it takes effect.

``decisions.needs_approval`` (false for every earlier decision: none was taken under the rule)
and ``approvals``, one row per approved decision with the approver and the time.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("decisions") as batch:
        batch.add_column(
            sa.Column("needs_approval", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_table(
        "approvals",
        sa.Column("decision_id", sa.Integer(), sa.ForeignKey("decisions.id"), primary_key=True),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("at", sa.String(32), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("approvals")
    with op.batch_alter_table("decisions") as batch:
        batch.drop_column("needs_approval")
