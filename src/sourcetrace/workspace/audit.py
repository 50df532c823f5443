"""The append-only audit log: every entry hash-chained to the one before it.

Each entry stores ``hash = sha256(prev_hash + canonical_json(entry))`` where the entry is its id,
time, actor, action, subject and details. Changing, removing or reordering any stored entry breaks
the chain at that entry, which :func:`verify_chain` reports.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, RowMapping, func, select, text
from sqlalchemy.exc import IntegrityError

from sourcetrace.store.database import now
from sourcetrace.store.workspace import audit_log, meta

GENESIS = "0" * 64
"""The ``prev_hash`` of the first entry."""

_LOCK = threading.RLock()
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One entry of the audit log as stored."""

    id: int
    at: str
    actor: str
    action: str
    subject: str
    details: dict[str, Any]
    prev_hash: str
    hash: str


def canonical_json(value: object) -> str:
    """The one JSON text of a value: sorted keys, no spaces, UTF-8 kept as is."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entry_hash(prev_hash: str, entry: Mapping[str, object]) -> str:
    """sha256 of the previous hash followed by the canonical JSON of the entry."""
    body = {k: entry[k] for k in ("id", "at", "actor", "action", "subject", "details")}
    return hashlib.sha256((prev_hash + canonical_json(body)).encode("utf-8")).hexdigest()


def audited(engine: Engine, work: Callable[[Connection], T]) -> T:
    """Run ``work`` in one transaction that also appends to the log, and return its result.

    Writers in this process take turns; one that lost a race for the next entry id to another
    process (the primary key refuses the second) is run again from the start.
    """
    with _LOCK:
        for attempt in range(5):
            try:
                with engine.begin() as conn:
                    return work(conn)
            except IntegrityError:
                if attempt == 4:
                    raise
    raise AssertionError("unreachable")


def append(
    engine: Engine,
    actor: str,
    action: str,
    subject: str = "",
    details: Mapping[str, object] | None = None,
    *,
    conn: Connection | None = None,
) -> AuditEntry:
    """Add one entry at the end of the chain and return it.

    Pass ``conn`` (inside :func:`audited`) to write the entry in the caller's transaction, so that
    the change and its audit entry are committed together or not at all.
    """
    if conn is not None:
        return _append(conn, actor, action, subject, dict(details or {}))
    return audited(engine, lambda c: _append(c, actor, action, subject, dict(details or {})))


def _append(
    conn: Connection, actor: str, action: str, subject: str, details: dict[str, Any]
) -> AuditEntry:
    if conn.dialect.name == "postgresql":
        # Serialise writers across processes; the primary key would also stop a fork.
        conn.execute(text("LOCK TABLE audit_log IN SHARE ROW EXCLUSIVE MODE"))
    last = conn.execute(
        select(audit_log.c.id, audit_log.c.hash).order_by(audit_log.c.id.desc()).limit(1)
    ).first()
    entry: dict[str, Any] = {
        "id": (last.id + 1) if last else 1,
        "at": now(),
        "actor": actor,
        "action": action,
        "subject": subject,
        "details": details,
    }
    prev = last.hash if last else GENESIS
    digest = entry_hash(prev, entry)
    conn.execute(
        audit_log.insert().values(
            **{**entry, "details": canonical_json(details)}, prev_hash=prev, hash=digest
        )
    )
    _set_head(conn, f"{entry['id']}:{digest}")
    return AuditEntry(**entry, prev_hash=prev, hash=digest)


def _set_head(conn: Connection, value: str) -> None:
    # The last id and hash, kept apart from the log, so that cutting entries off its end shows.
    done = conn.execute(meta.update().where(meta.c.key == "audit_head").values(value=value))
    if done.rowcount == 0:
        conn.execute(meta.insert().values(key="audit_head", value=value))


def entries(
    engine: Engine, limit: int | None = None, subject: str | None = None
) -> list[AuditEntry]:
    """Entries in chain order (newest last); ``subject`` keeps those about one thing."""
    query = select(audit_log).order_by(audit_log.c.id)
    if subject is not None:
        query = query.where(audit_log.c.subject == subject)
    if limit is not None:
        query = query.order_by(None).order_by(audit_log.c.id.desc()).limit(limit)
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    out = [_entry(r._mapping) for r in rows]
    return sorted(out, key=lambda e: e.id)


def _entry(row: RowMapping) -> AuditEntry:
    try:
        details = json.loads(row["details"])
    except (TypeError, ValueError):
        details = {"unparsable": row["details"]}
    return AuditEntry(
        id=row["id"],
        at=row["at"],
        actor=row["actor"],
        action=row["action"],
        subject=row["subject"],
        details=details,
        prev_hash=row["prev_hash"],
        hash=row["hash"],
    )


def verify_chain(engine: Engine) -> int | None:
    """The id of the first entry that breaks the chain, or None when the whole log is intact.

    An entry breaks the chain when its id does not follow the previous one (an entry was removed),
    when its ``prev_hash`` is not the previous entry's hash, or when its own hash does not match
    its content (it was edited). Entries cut off the end show against the head kept in ``meta``:
    the answer is then the id of the last entry that is missing.
    """
    prev = GENESIS
    expected_id = 1
    with engine.connect() as conn:
        # Streamed, so a long log is checked in constant memory; closed on an early answer.
        result = conn.execution_options(yield_per=1000).execute(
            select(audit_log).order_by(audit_log.c.id)
        )
        try:
            for row in result:
                m = row._mapping
                if m["id"] != expected_id or m["prev_hash"] != prev:
                    return int(m["id"])
                # The stored text of the details must be canonical, so that edits to it show.
                body = {k: m[k] for k in ("id", "at", "actor", "action", "subject")}
                try:
                    body["details"] = json.loads(m["details"])
                except (TypeError, ValueError):
                    return int(m["id"])
                if (
                    canonical_json(body["details"]) != m["details"]
                    or entry_hash(prev, body) != m["hash"]
                ):
                    return int(m["id"])
                prev = m["hash"]
                expected_id += 1
        finally:
            result.close()
        head = conn.execute(select(meta.c.value).where(meta.c.key == "audit_head")).scalar()
    if head is not None:
        head_id, _, head_hash = head.partition(":")
        if int(head_id) != expected_id - 1 or head_hash != prev:
            return max(int(head_id), expected_id)
    return None


def count(engine: Engine) -> int:
    """How many entries the log holds."""
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(audit_log)).scalar_one())
