"""Analysts' decisions on hits and signals, remembered per (normalised name, listed entity).

A decision stands for every later screening of the same name against the same entity, until the
entity's list data changes (its :func:`entity_hash`); then the hit is asked again. A decision on a
row's signals is stored the same way, with ``signal:location`` or ``signal:identifier`` as its
entity id and a hash of the signals as its entity hash. A false positive or a cleared signal
closes an alert as no risk: it is refused without a comment saying why.

Four eyes (the ``four_eyes`` setting): calling a hit decided ``match`` a false positive is stored
with ``needs_approval`` and takes effect only once a second reviewer, not the one who decided,
approves it (:func:`approve`: its own row in ``approvals`` and its own ``approval`` audit
entry). Until then the item stays open, "awaiting second review". A reviewer who disagrees
decides the item again (e.g. confirmed); the newest decision stands, as always.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import Connection, Engine, RowMapping, Select, select
from sqlalchemy.exc import IntegrityError

from sourcetrace.errors import ConfigError, SourcetraceError
from sourcetrace.model import ListedEntity, name_key
from sourcetrace.store.database import now
from sourcetrace.store.workspace import (
    NEEDS_COMMENT,
    REVIEW_DECISIONS,
    SIGNAL_DECISIONS,
    approvals,
    decisions,
)
from sourcetrace.workspace import audit
from sourcetrace.workspace.audit import audited, canonical_json

SIGNAL_PREFIX = "signal:"
"""The entity id of a decision on a row's signals starts so (then the kind)."""


@dataclass(frozen=True, slots=True)
class ReviewDecision:
    """One decision as stored: on what, by whom, when and why."""

    id: int
    name: str
    name_key: str
    entity_id: str
    entity_hash: str
    decision: str
    comment: str
    username: str
    at: str
    job_id: int | None
    row: int | None
    needs_approval: bool = False
    """Taken under the four-eyes rule: it stands only once approved."""
    approved_by: str | None = None
    approved_at: str | None = None

    @property
    def awaiting_approval(self) -> bool:
        """Needs a second reviewer's approval and has none yet: not in effect."""
        return self.needs_approval and self.approved_by is None


class ApprovalRefused(SourcetraceError):
    """An approval the four-eyes rule does not allow: nothing awaits one, or the reviewer is the
    one who decided."""

    def __init__(self, message: str, *, own: bool = False) -> None:
        super().__init__(message)
        self.own = own
        """True when the reviewer tried to approve their own decision."""


def needs_second_review(decision: str, entity_id: str, screened: str, four_eyes: bool) -> bool:
    """Whether a decision needs a second reviewer under the four-eyes rule: a false positive on a
    hit that screening decided ``match`` (``screened``), when the rule is on."""
    return (
        four_eyes
        and decision == "false_positive"
        and screened == "match"
        and not entity_id.startswith(SIGNAL_PREFIX)
    )


def entity_hash(entity: ListedEntity) -> str:
    """sha256 of the entity's list data; the list's version label alone does not change it."""
    data = asdict(entity)
    for listing in data["listings"]:
        listing.pop("version", None)
    digest = hashlib.sha256(canonical_json(data).encode("utf-8")).hexdigest()
    return f"sha256:{digest}"


@dataclass(frozen=True, slots=True)
class Decided:
    """What one decision is about: a screened name against a listed entity (and where the name
    was, when it came from a job's row)."""

    name: str
    entity_id: str
    entity_hash: str
    job_id: int | None = None
    row: int | None = None
    screened: str = ""
    """The row's screening decision (``match``, ``review``): the four-eyes rule reads it."""


def record(
    engine: Engine,
    *,
    name: str,
    entity_id: str,
    entity_hash: str,
    decision: str,
    comment: str,
    username: str,
    job_id: int | None = None,
    row: int | None = None,
) -> ReviewDecision:
    """Store a decision and its audit entry in one transaction."""
    about = Decided(name, entity_id, entity_hash, job_id, row)
    return record_many(engine, [about], decision=decision, comment=comment, username=username)[0]


def record_many(
    engine: Engine,
    items: Sequence[Decided],
    *,
    decision: str,
    comment: str,
    username: str,
    four_eyes: bool = False,
    subject: str | None = None,
) -> list[ReviewDecision]:
    """The same decision on several hits, with an audit entry each, in one transaction: all are
    stored or none (a bulk decision never stops half-way). With ``four_eyes``, a false positive
    on a ``match`` is stored as needing a second reviewer's approval. ``subject``: what the audit
    entries are about when not a job (e.g. ``chain:3``; default ``entity:<id>``)."""
    for item in items:
        signal = item.entity_id.startswith(SIGNAL_PREFIX)
        allowed = SIGNAL_DECISIONS if signal else REVIEW_DECISIONS
        if decision not in allowed:
            what = "a signal" if signal else "a listed match"
            where = f" (row {item.row})" if item.row is not None else ""
            raise ConfigError(
                f"{decision!r} is not a decision on {what}{where}; use one of {', '.join(allowed)}"
            )
    if decision in NEEDS_COMMENT and not comment.strip():
        what = (
            "calling a hit a false positive"
            if decision == "false_positive"
            else "clearing a signal"
        )
        raise ConfigError(f"{what} needs a comment giving the reason or the evidence")
    at = now()
    rows = [
        {
            "name": item.name,
            "name_key": name_key(item.name),
            "entity_id": item.entity_id,
            "entity_hash": item.entity_hash,
            "decision": decision,
            "comment": comment.strip(),
            "username": username,
            "at": at,
            "job_id": item.job_id,
            "row": item.row,
            "needs_approval": needs_second_review(
                decision, item.entity_id, item.screened, four_eyes
            ),
        }
        for item in items
    ]

    def work(conn: Connection) -> list[int]:
        ids = []
        for values in rows:
            result = conn.execute(decisions.insert().values(**values))
            new_id = int(result.inserted_primary_key[0])  # type: ignore[index]
            # needs_approval is logged only when set, so entries written before the rule
            # existed read the same as the decisions they record.
            details = {
                k: v
                for k, v in values.items()
                if k not in ("username", "at") and (k != "needs_approval" or v)
            }
            job_id = values["job_id"]
            about = (
                f"job:{job_id}"
                if job_id is not None
                else subject or f"entity:{values['entity_id']}"
            )
            audit.append(
                engine, username, "decision", about, {"decision_id": new_id, **details},
                conn=conn,
            )  # fmt: skip
            ids.append(new_id)
        return ids

    ids = audited(engine, work)
    return [
        ReviewDecision(id=i, **values)  # type: ignore[arg-type]
        for i, values in zip(ids, rows, strict=True)
    ]


def latest(
    engine: Engine, pairs: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], ReviewDecision]:
    """The newest decision for each (name, entity id) pair that has one; names are normalised here."""
    return latest_by_key(engine, {(name_key(n), e) for n, e in pairs})


def latest_by_key(
    engine: Engine, wanted: set[tuple[str, str]]
) -> dict[tuple[str, str], ReviewDecision]:
    """:func:`latest` for pairs whose names are normalised already (:func:`name_key`)."""
    keys = sorted({k for k, _ in wanted})
    out: dict[tuple[str, str], ReviewDecision] = {}
    with engine.connect() as conn:
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            rows = conn.execute(
                _with_approvals().where(decisions.c.name_key.in_(chunk)).order_by(decisions.c.id)
            ).all()
            for r in rows:
                if (r.name_key, r.entity_id) in wanted:
                    out[(r.name_key, r.entity_id)] = _decision(r._mapping)
    return out


def approve(engine: Engine, decision_id: int, username: str) -> ReviewDecision:
    """A second reviewer's approval of a decision awaiting one, with its own audit entry, in one
    transaction. Refused (:class:`ApprovalRefused`) when the decision needs no approval, already
    has one, or was taken by ``username``."""
    with engine.connect() as conn:
        found = conn.execute(_with_approvals().where(decisions.c.id == decision_id)).first()
    if found is None:
        raise ApprovalRefused(f"decision {decision_id} does not exist")
    decided = _decision(found._mapping)
    where = f" on row {decided.row}" if decided.row is not None else ""
    if not decided.needs_approval:
        raise ApprovalRefused(f"the decision{where} needs no second review")
    if decided.approved_by is not None:
        raise ApprovalRefused(f"the decision{where} was already approved by {decided.approved_by}")
    if decided.username == username:
        raise ApprovalRefused(
            f"you took the decision{where}: a second, different reviewer must approve it",
            own=True,
        )
    at = now()

    def work(conn: Connection) -> None:
        # Read again in the transaction: another reviewer may have approved it meanwhile.
        other = conn.execute(
            select(approvals.c.username).where(approvals.c.decision_id == decision_id)
        ).scalar()
        if other is not None:
            raise ApprovalRefused(f"the decision{where} was already approved by {other}")
        conn.execute(approvals.insert().values(decision_id=decision_id, username=username, at=at))
        subject = (
            f"job:{decided.job_id}" if decided.job_id is not None else f"entity:{decided.entity_id}"
        )
        details = {
            "decision_id": decision_id,
            "decision": decided.decision,
            "decided_by": decided.username,
            "name": decided.name,
            "entity_id": decided.entity_id,
            "job_id": decided.job_id,
            "row": decided.row,
        }
        audit.append(engine, username, "approval", subject, details, conn=conn)

    try:
        audited(engine, work)
    except IntegrityError:  # approved by another process between the read and the write
        raise ApprovalRefused(f"the decision{where} was already approved") from None
    return ReviewDecision(
        **{**{f: getattr(decided, f) for f in ReviewDecision.__slots__},
           "approved_by": username, "approved_at": at}
    )  # fmt: skip


def _with_approvals() -> Select[Any]:
    """The decisions, each with its approval's reviewer and time (None when it has none)."""
    return select(
        decisions,
        approvals.c.username.label("approved_by"),
        approvals.c.at.label("approved_at"),
    ).outerjoin(approvals, approvals.c.decision_id == decisions.c.id)


def _decision(m: RowMapping) -> ReviewDecision:
    return ReviewDecision(
        **{f: m[f] for f in ReviewDecision.__slots__ if f not in ("approved_by", "approved_at")},
        approved_by=m.get("approved_by"),
        approved_at=m.get("approved_at"),
    )
