"""The review workspace's use cases: accounts and API keys, screening jobs, review decisions, the
hash-chained audit log and the evidence pack. Their tables are in :mod:`sourcetrace.store.workspace`,
in the one store (SQLite or PostgreSQL)."""

from __future__ import annotations

from sourcetrace.model import name_key
from sourcetrace.store.workspace import JOB_STATES, REVIEW_DECISIONS, ROLES, SIGNAL_DECISIONS
from sourcetrace.workspace.accounts import (
    User,
    add_user,
    authenticate,
    create_api_key,
    user_for_key,
)
from sourcetrace.workspace.audit import append as audit_append
from sourcetrace.workspace.audit import verify_chain
from sourcetrace.workspace.decisions import ReviewDecision, entity_hash
from sourcetrace.workspace.decisions import record as record_decision
from sourcetrace.workspace.jobs import Job, create_job, get_job, list_jobs
from sourcetrace.workspace.queue import ReviewItem, review_items

__all__ = [
    "JOB_STATES",
    "REVIEW_DECISIONS",
    "ROLES",
    "SIGNAL_DECISIONS",
    "Job",
    "ReviewDecision",
    "ReviewItem",
    "User",
    "add_user",
    "audit_append",
    "authenticate",
    "create_api_key",
    "create_job",
    "entity_hash",
    "get_job",
    "list_jobs",
    "name_key",
    "record_decision",
    "review_items",
    "user_for_key",
    "verify_chain",
]
