"""The tables as ``create_all`` made them before migrations: list store, watch, workspace.

A database made before migrations holds some or all of these already (the list store and the
workspace each created their own): only the missing ones are created, so the database is
adopted as it is, then upgraded like any other.

Revision ID: 0001
Revises:
Create Date: 2026-05-01
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _list_versions() -> None:
    op.create_table(
        "list_versions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("list_name", sa.String(200), nullable=False),
        sa.Column("format", sa.String(50), nullable=False),
        sa.Column("imported_at", sa.String(40), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("source_hash", sa.String(80), nullable=False),
        sa.Column("content_hash", sa.String(80), nullable=False),
        sa.Column("entity_count", sa.Integer(), nullable=False),
    )
    op.create_index("ix_list_versions_name", "list_versions", ["list_name", "id"])


def _list_entities() -> None:
    op.create_table(
        "list_entities",
        sa.Column(
            "version_id",
            sa.Integer(),
            sa.ForeignKey("list_versions.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("entity_id", sa.String(255), primary_key=True),
        sa.Column("schema_name", sa.String(64), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
    )


def _watch_portfolios() -> None:
    op.create_table(
        "watch_portfolios",
        sa.Column("name", sa.String(200), primary_key=True),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("name_column", sa.String(200)),
        sa.Column("address_column", sa.String(200)),
        sa.Column("country_column", sa.String(200)),
        sa.Column("id_column", sa.String(200)),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("last_run_at", sa.String(40)),
    )


def _watch_hits() -> None:
    op.create_table(
        "watch_hits",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "portfolio",
            sa.String(200),
            sa.ForeignKey("watch_portfolios.name", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("entity_id", sa.String(255), nullable=False),
        sa.Column("entity_name", sa.Text(), nullable=False),
        sa.Column("decision", sa.String(20), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("lists", sa.Text(), nullable=False),
    )


def _meta() -> None:
    op.create_table(
        "meta",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
    )


def _users() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("username", sa.String(64), nullable=False, unique=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
    )


def _api_keys() -> None:
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("username", sa.String(64), sa.ForeignKey("users.username"), nullable=False),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("revoked_at", sa.String(32), nullable=True),
    )


def _jobs() -> None:
    op.create_table(
        "jobs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("file_hash", sa.String(71), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("algorithm", sa.String(64), nullable=False),
        sa.Column("columns", sa.JSON(), nullable=False),
        sa.Column("lists", sa.JSON(), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("results", sa.JSON(), nullable=False),
    )


def _decisions() -> None:
    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("name_key", sa.String(512), nullable=False),
        sa.Column("entity_id", sa.String(255), nullable=False),
        sa.Column("entity_hash", sa.String(71), nullable=False),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=True),
        sa.Column("row", sa.Integer(), nullable=True),
    )
    op.create_index("ix_decisions_name_entity", "decisions", ["name_key", "entity_id"])


def _audit_log() -> None:
    # Ids are given by the writer (they are hashed into the chain): no sequence.
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )


# In creation order: a table comes after the tables its foreign keys name.
TABLES: dict[str, Callable[[], None]] = {
    "list_versions": _list_versions,
    "list_entities": _list_entities,
    "watch_portfolios": _watch_portfolios,
    "watch_hits": _watch_hits,
    "meta": _meta,
    "users": _users,
    "api_keys": _api_keys,
    "jobs": _jobs,
    "decisions": _decisions,
    "audit_log": _audit_log,
}


def upgrade() -> None:
    existing = set(sa.inspect(op.get_bind()).get_table_names())
    for name, create in TABLES.items():
        if name not in existing:
            create()


def downgrade() -> None:
    for name in reversed(TABLES):
        op.drop_table(name)
