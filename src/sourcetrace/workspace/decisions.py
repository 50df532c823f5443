"""Analysts' decisions on hits and signals, remembered per (normalised name, listed entity).

A decision stands for every later screening of the same name against the same entity, until the
entity's list data changes (its :func:`entity_hash`); then the hit is asked again. A decision on a
row's signals is stored the same way, with ``signal:location`` or ``signal:identifier`` as its
entity id and a hash of the signals as its entity hash. A false positive or a cleared signal
closes an alert as no risk: it is refused without a comment saying why.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

from sqlalchemy import Connection, Engine, RowMapping, select

from sourcetrace.errors import ConfigError
from sourcetrace.model import ListedEntity, name_key
from sourcetrace.store.database import now
from sourcetrace.store.workspace import (
    NEEDS_COMMENT,
    REVIEW_DECISIONS,
    SIGNAL_DECISIONS,
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
    engine: Engine, items: Sequence[Decided], *, decision: str, comment: str, username: str
) -> list[ReviewDecision]:
    """The same decision on several hits, with an audit entry each, in one transaction: all are
    stored or none (a bulk decision never stops half-way)."""
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
        }
        for item in items
    ]

    def work(conn: Connection) -> list[int]:
        ids = []
        for values in rows:
            result = conn.execute(decisions.insert().values(**values))
            new_id = int(result.inserted_primary_key[0])  # type: ignore[index]
            details = {k: v for k, v in values.items() if k not in ("username", "at")}
            job_id = values["job_id"]
            subject = f"job:{job_id}" if job_id is not None else f"entity:{values['entity_id']}"
            audit.append(
                engine, username, "decision", subject, {"decision_id": new_id, **details},
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
                select(decisions).where(decisions.c.name_key.in_(chunk)).order_by(decisions.c.id)
            ).all()
            for r in rows:
                if (r.name_key, r.entity_id) in wanted:
                    out[(r.name_key, r.entity_id)] = _decision(r._mapping)
    return out


def _decision(m: RowMapping) -> ReviewDecision:
    return ReviewDecision(**{f: m[f] for f in ReviewDecision.__slots__})
