"""Failed-login counts shared by every server process: ``login_throttle``.

The web's login throttle counted failures in each process's memory and locked an account for
everyone. It now slows guesses down by account, by client address and by the two together, and
every process reads and writes the same counts here. The keys are HMACs under the server's secret
(no account name or address in clear); rows are deleted once their window has passed.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_throttle",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("blocked_until", sa.String(32), nullable=True),
        sa.Column("expires_at", sa.String(32), nullable=False),
    )
    op.create_index("ix_login_throttle_expires_at", "login_throttle", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_login_throttle_expires_at", table_name="login_throttle")
    op.drop_table("login_throttle")
