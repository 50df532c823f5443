"""One timestamp format: list versions, watched portfolios and saved graphs as the workspace's.

Before, ``list_versions.imported_at``, ``watch_portfolios.created_at``/``last_run_at`` and
``graphs.saved_at`` were written to the second with an offset (``2026-12-06T22:49:53+00:00``)
and the workspace's tables to the microsecond with a ``Z``; every table now holds the latter
(:func:`sourcetrace.store.database.now`), so that values of one column sort as text. Rows
written before are rewritten in place (the same instant, ``.000000Z``).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

COLUMNS = (
    ("list_versions", "imported_at"),
    ("watch_portfolios", "created_at"),
    ("watch_portfolios", "last_run_at"),
    ("graphs", "saved_at"),
)


def upgrade() -> None:
    # substr and || are the same on SQLite and PostgreSQL; only values in the old form change.
    for table, column in COLUMNS:
        op.execute(
            f"UPDATE {table} SET {column} = substr({column}, 1, 19) || '.000000Z' "
            f"WHERE {column} LIKE '____-__-__T__:__:__+00:00'"
        )


def downgrade() -> None:
    for table, column in COLUMNS:
        op.execute(
            f"UPDATE {table} SET {column} = substr({column}, 1, 19) || '+00:00' "
            f"WHERE {column} LIKE '____-__-__T__:__:__.______Z'"
        )
