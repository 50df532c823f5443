"""Review: the store of users, jobs, decisions and the hash-chained audit log (SQLite or PostgreSQL)."""

from __future__ import annotations

from sourcetrace.review.accounts import User, add_user, authenticate, create_api_key, user_for_key
from sourcetrace.review.audit import append as audit_append
from sourcetrace.review.audit import verify_chain
from sourcetrace.review.db import REVIEW_DECISIONS, ROLES, default_url, make_engine
from sourcetrace.review.decisions import ReviewDecision, entity_hash, name_key
from sourcetrace.review.decisions import record as record_decision
from sourcetrace.review.jobs import Job, create_job, get_job, list_jobs
from sourcetrace.review.queue import ReviewItem, review_items

__all__ = [
    "REVIEW_DECISIONS",
    "ROLES",
    "Job",
    "ReviewDecision",
    "ReviewItem",
    "User",
    "add_user",
    "audit_append",
    "authenticate",
    "create_api_key",
    "create_job",
    "default_url",
    "entity_hash",
    "get_job",
    "list_jobs",
    "make_engine",
    "name_key",
    "record_decision",
    "review_items",
    "user_for_key",
    "verify_chain",
]
