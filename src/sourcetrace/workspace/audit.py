"""The append-only audit log: every entry hash-chained to the one before it.

Each entry stores ``hash = sha256(prev_hash + canonical_json(entry))`` where the entry is its id,
time, actor, action, subject and details. Changing, removing or reordering any stored entry breaks
the chain at that entry, which :func:`verify_chain` reports.

The chain alone cannot show entries cut off its end, a wiped log, or a chain recomputed from the
first edited entry on: whoever can write the table can also rewrite the ``meta`` row that keeps the
head. So after every committed append the head (entry id, hash and count) is also written to an
*anchor file* outside the database (:func:`anchor_path`): ``<store file>.audit-head`` beside a
SQLite store, ``audit-head-<hash of the URL>`` in the data folder for any other store, mode 0600.
:func:`verify` compares the log with the anchor, with a head hash the user kept elsewhere
(``--expect``: every evidence pack prints one), and replays the decision entries against the
``decisions`` table, the ``approval`` entries (four eyes) against the ``approvals`` table and the
assignment entries against the ``assignments`` table. See docs/security.md ("Audit log") for what
this cannot detect.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import tempfile
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, RowMapping, func, select, text
from sqlalchemy.exc import IntegrityError

from sourcetrace.settings import load_settings
from sourcetrace.store.database import now
from sourcetrace.store.workspace import approvals, assignments, audit_log, decisions, meta

log = logging.getLogger(__name__)

GENESIS = "0" * 64
"""The ``prev_hash`` of the first entry."""

_LOCK = threading.RLock()
_PENDING = "sourcetrace.audit.pending_head"
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
                    conn.info.pop(_PENDING, None)
                    result = work(conn)
                    pending: AuditEntry | None = conn.info.pop(_PENDING, None)
            except IntegrityError:
                if attempt == 4:
                    raise
                continue
            # Only a committed head is anchored: an anchor ahead of the log would read as a cut.
            if pending is not None:
                advance_anchor(engine, pending)
            return result
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
    written = AuditEntry(**entry, prev_hash=prev, hash=digest)
    conn.info[_PENDING] = written  # anchored by audited() once the transaction commits
    return written


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


@dataclass(frozen=True, slots=True)
class Head:
    """The end of the chain: its last entry's id and hash, and how many entries it holds."""

    id: int
    hash: str
    count: int

    def line(self) -> str:
        """The head as printed in packs and accepted by ``audit verify --expect``: ``ID:HASH``."""
        return f"{self.id}:{self.hash}"


def head(engine: Engine) -> Head:
    """The log's current head (id 0 and the genesis hash when the log is empty)."""
    with engine.connect() as conn:
        last = conn.execute(
            select(audit_log.c.id, audit_log.c.hash).order_by(audit_log.c.id.desc()).limit(1)
        ).first()
        n = int(conn.execute(select(func.count()).select_from(audit_log)).scalar_one())
    return Head(int(last.id), str(last.hash), n) if last else Head(0, GENESIS, 0)


def anchor_path(engine: Engine) -> Path | None:
    """Where the anchor of this store's log lives; None for an in-memory SQLite store.

    Beside a SQLite file, so that copying or moving the two together keeps them paired; for a
    server store, in the data folder, named by a hash of the URL without its password (a new
    password does not lose the anchor).
    """
    url = engine.url
    if url.get_backend_name() == "sqlite":
        if url.database in (None, "", ":memory:"):
            return None
        return Path(f"{url.database}.audit-head")
    shown = url.render_as_string(hide_password=True)
    digest = hashlib.sha256(shown.encode("utf-8")).hexdigest()[:16]
    return load_settings().data_dir / f"audit-head-{digest}"


def read_anchor(path: Path) -> Head | None:
    """The head written in an anchor file; None when there is none. An unreadable file is a
    :class:`ValueError` (it was changed by hand, which verification reports)."""
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    data = json.loads(raw)
    return Head(int(data["id"]), str(data["hash"]), int(data["count"]))


def write_anchor(path: Path, value: Head) -> None:
    """Replace the anchor file atomically (a temporary file renamed over it), mode 0600."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    body = canonical_json({"count": value.count, "hash": value.hash, "id": value.id}) + "\n"
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)  # created 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(body)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextmanager
def _anchor_lock(path: Path) -> Iterator[None]:
    # Writers in other processes (``serve --workers``) take turns too, so the anchor never moves
    # back to an older head that a slower process committed first.
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(f"{path}.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def advance_anchor(engine: Engine, entry: AuditEntry) -> None:
    """Move the anchor to a newly committed entry, unless that would hide a break.

    The anchor only moves forward, and only while the entry it names is still in the log with
    the same hash: after a cut or a recomputed chain, new entries must not paper over it, so the
    anchor stays where it was and :func:`verify` keeps reporting the break. A failure to write
    it is logged, not raised: the change itself is committed and in the chain already.
    """
    path = anchor_path(engine)
    if path is None:
        return
    try:
        with _anchor_lock(path):
            try:
                current = read_anchor(path)
            except (ValueError, KeyError, TypeError):
                log.warning("audit anchor %s is unreadable: left as it is", path)
                return
            if current is not None:
                if current.id >= entry.id:
                    return
                with engine.connect() as conn:
                    kept = conn.execute(
                        select(audit_log.c.hash).where(audit_log.c.id == current.id)
                    ).scalar()
                if current.id > 0 and kept != current.hash:
                    log.warning(
                        "audit log no longer holds anchored entry %s: anchor kept at it", current.id
                    )
                    return
            write_anchor(path, Head(entry.id, entry.hash, entry.id))
    except OSError as exc:
        log.warning("cannot write the audit anchor %s: %s", path, exc)


@dataclass(slots=True)
class Verdict:
    """What :func:`verify` found: the log's head and a one-line finding per problem."""

    head: Head
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """Findings that are not breaks (an anchor behind the log)."""

    @property
    def intact(self) -> bool:
        """True when nothing was found wrong."""
        return not self.problems


def parse_expected(value: str) -> tuple[int | None, str]:
    """An expected head as the user typed it: ``ID:HASH`` (as printed) or the hash alone."""
    ident, sep, digest = value.strip().rpartition(":")
    digest = digest.lower()
    if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        raise ValueError(f"--expect {value!r}: give the head as printed, ID:HASH (64 hex digits)")
    if not sep:
        return None, digest
    if not ident.isdigit():
        raise ValueError(f"--expect {value!r}: the part before ':' must be an entry id")
    return int(ident), digest


def verify(engine: Engine, expect: str | None = None) -> Verdict:
    """Check the chain, the anchor file, an expected head and the decisions against the log.

    ``expect`` is a head kept from earlier (an evidence pack prints one): the log may have grown
    since, but that entry must still be in it with that hash. An anchor behind the log (a process
    killed between its commit and the anchor write) is not a break: the entries it names are
    still checked, and the next change moves it on.
    """
    expected = parse_expected(expect) if expect else None
    now_head = head(engine)
    verdict = Verdict(now_head)
    broken = verify_chain(engine)
    if broken is not None:
        verdict.problems.append(
            f"chain broken at entry {broken}: an entry was changed, removed or reordered"
        )
    path = anchor_path(engine)
    if path is not None:
        _check_anchor(engine, path, now_head, verdict)
    if expected is not None:
        _check_expected(engine, expected, verdict)
    verdict.problems.extend(verify_decisions(engine))
    verdict.problems.extend(verify_approvals(engine))
    verdict.problems.extend(verify_assignments(engine))
    return verdict


def _hash_at(engine: Engine, entry_id: int) -> str | None:
    with engine.connect() as conn:
        value = conn.execute(select(audit_log.c.hash).where(audit_log.c.id == entry_id)).scalar()
    return None if value is None else str(value)


def _check_anchor(engine: Engine, path: Path, now_head: Head, verdict: Verdict) -> None:
    try:
        anchored = read_anchor(path)
    except (ValueError, KeyError, TypeError):
        verdict.problems.append(f"anchor file {path} is unreadable: it was changed by hand")
        return
    if anchored is None:
        if now_head.count:
            verdict.problems.append(
                f"no anchor file {path} for a log of {now_head.count} entries: it was removed, "
                "or the store was moved without it or predates anchors (the next change writes "
                "one; check the head with --expect)"
            )
        return
    if now_head.count == 0:
        verdict.problems.append(
            f"log is empty, the anchor says {anchored.count} entries (head {anchored.line()}): "
            "the log was wiped"
        )
    elif now_head.id < anchored.id:
        verdict.problems.append(
            f"log ends at entry {now_head.id}, the anchor at entry {anchored.id}: "
            f"{anchored.id - now_head.id} entries were cut off its end"
        )
    elif _hash_at(engine, anchored.id) != anchored.hash:
        verdict.problems.append(
            f"entry {anchored.id} does not have the anchored hash {anchored.hash[:16]}...: "
            "the chain was rewritten"
        )
    elif anchored.id < now_head.id:
        verdict.notes.append(
            f"the anchor is at entry {anchored.id}, {now_head.id - anchored.id} behind the log "
            "(a process ended before writing it; the next change moves it on)"
        )


def _check_expected(engine: Engine, expected: tuple[int | None, str], verdict: Verdict) -> None:
    ident, digest = expected
    with engine.connect() as conn:
        query = select(audit_log.c.id).where(audit_log.c.hash == digest)
        if ident is not None:
            query = query.where(audit_log.c.id == ident)
        found = conn.execute(query.limit(1)).scalar()
    if found is None:
        where = f"entry {ident} with hash" if ident is not None else "an entry with hash"
        verdict.problems.append(
            f"the log holds no {where} {digest[:16]}... (--expect): it was cut or rewritten"
        )


_DECISION_FIELDS: tuple[str, ...] = (
    "decision", "name", "entity_id", "entity_hash", "comment", "job_id", "row",
)  # fmt: skip


def verify_decisions(engine: Engine) -> list[str]:
    """The decisions table replayed against the log's ``decision`` entries: one line per row
    that differs (decision, user, comment, name, entity, job or row), is missing from either,
    or has no entry. Decisions are never changed or deleted by sourcetrace, so any difference
    is an edit made outside it; the table's ``at`` is not compared (its own clock reading)."""
    logged: dict[int, AuditEntry] = {}
    for logged_entry in _decision_entries(engine):
        decision_id = logged_entry.details.get("decision_id")
        if isinstance(decision_id, int):
            logged[decision_id] = logged_entry
    problems: list[str] = []
    with engine.connect() as conn:
        rows = conn.execute(select(decisions).order_by(decisions.c.id)).all()
    seen: set[int] = set()
    for row in rows:
        m = row._mapping
        seen.add(int(m["id"]))
        entry = logged.get(int(m["id"]))
        if entry is None:
            problems.append(
                f"decision {m['id']}: table says {m['decision']} by {m['username']}, "
                "the log has no entry for it"
            )
            continue
        said = {k: entry.details.get(k) for k in _DECISION_FIELDS}
        table = {k: m[k] for k in _DECISION_FIELDS}
        # Logged only when set (four eyes), so older entries read as "no approval needed".
        said["needs_approval"] = bool(entry.details.get("needs_approval", False))
        table["needs_approval"] = bool(m["needs_approval"])
        if said == table and entry.actor == m["username"]:
            continue
        differ = [k for k in table if said[k] != table[k]]
        if entry.actor != m["username"]:
            differ.insert(1, "user")
        problems.append(
            f"decision {m['id']}: table says {m['decision']} by {m['username']}, "
            f"the log says {said['decision']} by {entry.actor} (differs in {', '.join(differ)})"
        )
    for decision_id, entry in sorted(logged.items()):
        if decision_id not in seen:
            problems.append(
                f"decision {decision_id}: the log says {entry.details.get('decision')} by "
                f"{entry.actor}, the table has no such row (deleted)"
            )
    return problems


def verify_approvals(engine: Engine) -> list[str]:
    """The approvals table (four eyes) replayed against the log's ``approval`` entries: one line
    per approval missing from either, given by another reviewer than the log says, of a decision
    that needed none, or by the decision's own reviewer."""
    logged: dict[int, AuditEntry] = {}
    for logged_entry in _decision_entries(engine, "approval"):
        decision_id = logged_entry.details.get("decision_id")
        if isinstance(decision_id, int):
            logged[decision_id] = logged_entry
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                approvals.c.decision_id,
                approvals.c.username,
                decisions.c.username.label("decided_by"),
                decisions.c.needs_approval,
            )
            .select_from(approvals.outerjoin(decisions, decisions.c.id == approvals.c.decision_id))
            .order_by(approvals.c.decision_id)
        ).all()
    problems: list[str] = []
    for r in rows:
        entry = logged.get(int(r.decision_id))
        if entry is not None:
            del logged[int(r.decision_id)]
        what = f"approval of decision {r.decision_id} by {r.username}"
        if entry is None:
            problems.append(f"{what}: the log has no entry for it")
        elif entry.actor != r.username:
            problems.append(f"{what}: the log says it was approved by {entry.actor}")
        if r.decided_by is not None and r.decided_by == r.username:
            problems.append(f"{what}: approved by the reviewer who decided it")
        elif r.decided_by is not None and not r.needs_approval:
            problems.append(f"{what}: the decision needed no second review")
    for decision_id, entry in sorted(logged.items()):
        problems.append(
            f"approval of decision {decision_id} by {entry.actor}: the log has it, the table has "
            "no such row (deleted)"
        )
    return problems


_ASSIGNMENT_FIELDS: tuple[str, ...] = (
    "assignee", "name", "entity_id", "entity_hash", "job_id", "row",
)  # fmt: skip


def verify_assignments(engine: Engine) -> list[str]:
    """The assignments table replayed against the log's ``assignment`` entries, as
    :func:`verify_decisions` does for decisions: one line per row that differs (assignee, who
    assigned, alert, job or row), has no entry, or is gone while its entry stays."""
    logged: dict[int, AuditEntry] = {}
    for logged_entry in _decision_entries(engine, "assignment"):
        assignment_id = logged_entry.details.get("assignment_id")
        if isinstance(assignment_id, int):
            logged[assignment_id] = logged_entry
    with engine.connect() as conn:
        rows = conn.execute(select(assignments).order_by(assignments.c.id)).all()
    problems: list[str] = []
    for row in rows:
        m = row._mapping
        entry = logged.pop(int(m["id"]), None)
        if entry is None:
            problems.append(
                f"assignment {m['id']}: table says to {m['assignee'] or 'nobody'} by "
                f"{m['assigned_by']}, the log has no entry for it"
            )
            continue
        differ = [k for k in _ASSIGNMENT_FIELDS if entry.details.get(k) != m[k]]
        if entry.actor != m["assigned_by"]:
            differ.append("assigned by")
        if differ:
            problems.append(
                f"assignment {m['id']}: table says to {m['assignee'] or 'nobody'} by "
                f"{m['assigned_by']}, the log says to {entry.details.get('assignee') or 'nobody'}"
                f" by {entry.actor} (differs in {', '.join(differ)})"
            )
    for assignment_id, entry in sorted(logged.items()):
        problems.append(
            f"assignment {assignment_id}: the log says to "
            f"{entry.details.get('assignee') or 'nobody'} by {entry.actor}, the table has no "
            "such row (deleted)"
        )
    return problems


def _decision_entries(engine: Engine, action: str = "decision") -> Iterator[AuditEntry]:
    with engine.connect() as conn:
        result = conn.execution_options(yield_per=1000).execute(
            select(audit_log).where(audit_log.c.action == action).order_by(audit_log.c.id)
        )
        try:
            for row in result:
                yield _entry(row._mapping)
        finally:
            result.close()
