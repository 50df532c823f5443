"""The workspace's tables: users, API keys, screening jobs, review decisions, the audit log.

Declared on the store's one :data:`~sourcetrace.store.database.metadata`, next to the lists and
the saved supply chains; the migrations of :mod:`sourcetrace.store.migrations` make them (a
change here needs a revision there: the tests say so). The use cases over them are in
:mod:`sourcetrace.workspace`. Timestamps are :func:`~sourcetrace.store.database.now`'s; JSON
columns use the generic :class:`~sqlalchemy.JSON` type.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    false,
)

from sourcetrace.store.database import metadata

ROLES: tuple[str, ...] = ("viewer", "analyst", "admin")
"""Roles from least to most: a viewer reads, an analyst also decides, an admin also manages users."""

REVIEW_DECISIONS: tuple[str, ...] = ("confirmed", "false_positive", "unsure")
"""What an analyst can decide about a hit."""

SIGNAL_DECISIONS: tuple[str, ...] = ("cleared", "escalated", "unsure")
"""What an analyst can decide about a signal (a location lead or an identifier problem)."""

NEEDS_COMMENT: tuple[str, ...] = ("false_positive", "cleared")
"""Decisions that close an alert as no risk: they must say why (the evidence) in the comment."""

JOB_STATES: tuple[str, ...] = ("queued", "running", "done", "failed")
"""Where a job stands; only ``done`` jobs have results (a screening's rows, a trace's chain)."""

JOB_KINDS: tuple[str, ...] = ("screen", "trace")
"""What a job does: screen an uploaded file, or trace a supply chain for the map."""


meta = Table(
    "meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("role", String(16), nullable=False),
    Column("password_hash", Text, nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", String(32), nullable=False),
)

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key_hash", String(64), nullable=False, unique=True),
    Column("prefix", String(16), nullable=False),
    Column("username", String(64), ForeignKey("users.username"), nullable=False),
    Column("label", String(200), nullable=False, default=""),
    Column("created_at", String(32), nullable=False),
    Column("revoked_at", String(32), nullable=True),
)

jobs = Table(
    "jobs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("filename", String(255), nullable=False),
    Column("file_hash", String(71), nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("created_by", String(64), nullable=False),
    Column("algorithm", String(64), nullable=False),
    Column("columns", JSON, nullable=False),
    Column("lists", JSON, nullable=False),
    Column("counts", JSON, nullable=False),
    Column("results", JSON, nullable=False),
    # Screening runs in the background (see sourcetrace.web.runner): where it stands, which
    # process runs it, and when that process last said it was alive.
    Column("status", String(16), nullable=False, server_default="done"),
    Column("rows_done", Integer, nullable=False, server_default="0"),
    Column("rows_total", Integer, nullable=True),
    Column("error", Text, nullable=True),
    Column("worker", String(128), nullable=True),
    Column("updated_at", String(32), nullable=True),
    Column("finished_at", String(32), nullable=True),
    # A trace job (sourcetrace.web.tracer): its step in words, and the chain it stored.
    Column("kind", String(16), nullable=False, server_default="screen"),
    Column("step", Text, nullable=True),
    Column("chain_id", Integer, nullable=True),
)

# The file a done job screened, as uploaded: the evidence pack holds it (the web app's own
# copy is deleted when the job ends). One row per job, written with its results.
job_files = Table(
    "job_files",
    metadata,
    Column("job_id", Integer, ForeignKey("jobs.id"), primary_key=True),
    Column("filename", String(255), nullable=False),
    Column("data", LargeBinary, nullable=False),
)


def _alert_key() -> list[Column[Any]]:
    """The columns an alert is keyed by, in decisions and assignments alike: the name as written,
    its normalised key, the listed entity's id (or ``signal:<kind>``) and that entity's hash."""
    return [
        Column("name", Text, nullable=False),
        Column("name_key", String(512), nullable=False),
        Column("entity_id", String(255), nullable=False),
        Column("entity_hash", String(71), nullable=False),
    ]


def _raised_at() -> list[Column[Any]]:
    """The job and row the alert was decided or assigned on (none for one made elsewhere)."""
    return [Column("job_id", Integer, nullable=True), Column("row", Integer, nullable=True)]


decisions = Table(
    "decisions",
    metadata,
    Column("id", Integer, primary_key=True),
    *_alert_key(),
    Column("decision", String(16), nullable=False),
    Column("comment", Text, nullable=False, default=""),
    Column("username", String(64), nullable=False),
    Column("at", String(32), nullable=False),
    *_raised_at(),
    # Set when the decision was taken under the four-eyes rule (SOURCETRACE_FOUR_EYES): it takes
    # effect only once a second, different reviewer approves it (table ``approvals``).
    Column("needs_approval", Boolean, nullable=False, server_default=false(), default=False),
    Index("ix_decisions_name_entity", "name_key", "entity_id"),
)

# A second reviewer's approval of a decision that needs one; at most one per decision (the
# primary key), never by the decision's own reviewer (checked when it is written and by
# ``audit verify``).
approvals = Table(
    "approvals",
    metadata,
    Column("decision_id", Integer, ForeignKey("decisions.id"), primary_key=True),
    Column("username", String(64), nullable=False),
    Column("at", String(32), nullable=False),
)

# Who is to decide an alert. Keyed as a decision is, by (normalised name, entity id or
# ``signal:<kind>``), so an assignment follows the alert into every job that raises it again.
# Rows are only added: the newest for a key stands (an empty ``assignee`` unassigns), and the
# earlier ones are the alert's history, as the audit log's ``assignment`` entries are.
assignments = Table(
    "assignments",
    metadata,
    Column("id", Integer, primary_key=True),
    *_alert_key(),
    Column("assignee", String(64), nullable=False),
    Column("assigned_by", String(64), nullable=False),
    Column("at", String(32), nullable=False),
    *_raised_at(),
    Index("ix_assignments_name_entity", "name_key", "entity_id"),
)

# Ids are given by the writer, not the database: the id is part of the hashed entry, and the
# primary key makes two writers that read the same last entry collide instead of forking the chain.
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("at", String(32), nullable=False),
    Column("actor", String(64), nullable=False),
    Column("action", String(64), nullable=False),
    Column("subject", Text, nullable=False),
    Column("details", Text, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)

# Failed-login counts for the web's throttle (sourcetrace.web.throttle), shared by every server
# process. ``key`` is an HMAC, under the server's secret, of the account, the client address (or
# IPv6 /64) or the two together: no name or address is stored in clear. A row holds only what the
# delay needs and is deleted once ``expires_at`` is past.
login_throttle = Table(
    "login_throttle",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("failures", Integer, nullable=False),
    Column("blocked_until", String(32), nullable=True),
    Column("expires_at", String(32), nullable=False),
    Index("ix_login_throttle_expires_at", "expires_at"),
)
