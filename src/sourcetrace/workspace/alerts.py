"""The alert queue across jobs: every hit and signal still to decide, and who is to decide it.

An *alert* is what a decision is about: a screened name against one listed entity (a hit), or a
name's location lead or identifier problem (a signal). The same supplier screened in several
jobs raises one alert, not one per job, because one decision settles it everywhere (see
:mod:`sourcetrace.workspace.decisions`). The alert shows the row of the newest job that raised
it (its data is the current one); its age counts from the oldest job that raised it with that
same data, so an alert asked again after its list entry changed starts a new clock.

An alert is *open* (never decided, or decided before its data changed), *unsure* (decided so:
still to settle) or *decided*. An assignment gives it to a reviewer, an analyst or admin account;
it is stored like a decision, per (normalised name, entity), with its own audit entry
(``assignment``), and follows the alert into later jobs until it is given to someone else.
Assigning does not decide: the decisions, and their replay by ``audit verify``, are untouched.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, RowMapping, select

from sourcetrace.errors import ConfigError
from sourcetrace.model import name_key
from sourcetrace.store.database import now
from sourcetrace.store.workspace import assignments, jobs, users
from sourcetrace.workspace import audit
from sourcetrace.workspace.audit import audited
from sourcetrace.workspace.decisions import latest_by_key
from sourcetrace.workspace.queue import KIND_LABELS, ReviewItem, bare_items, standing

STATES: tuple[str, ...] = ("pending", "open", "unsure", "decided", "all")
"""Decision-state filters: ``pending`` (open or unsure: the work left, the default), ``open``
(never decided, or its decision no longer stands), ``unsure``, ``decided`` (any other decision),
``all``."""
SORTS: tuple[str, ...] = ("oldest", "newest")
REVIEWER_ROLES: tuple[str, ...] = ("analyst", "admin")
"""The roles an alert can be assigned to: those that may decide it."""
UNASSIGNED = "none"
"""The reviewer filter that keeps the alerts nobody is assigned."""


@dataclass(frozen=True, slots=True)
class Assignment:
    """One assignment as stored: which alert, to whom (empty: unassigned), by whom and when."""

    id: int
    name: str
    name_key: str
    entity_id: str
    entity_hash: str
    assignee: str
    assigned_by: str
    at: str
    job_id: int | None
    row: int | None


@dataclass(frozen=True, slots=True)
class Alert:
    """One alert across jobs: the item in the newest job that raised it, and its assignee."""

    item: ReviewItem
    job_id: int
    job_filename: str
    opened_at: str
    """When the oldest job raising it with its current data was uploaded."""
    job_ids: tuple[int, ...]
    """Every job that raised it, oldest first."""
    assignment: Assignment | None = None

    @property
    def key(self) -> str:
        """The alert's name in forms: ``<job>:<row>`` for a hit, ``<job>:<row>:<kind>`` else."""
        return f"{self.job_id}:{self.item.key}"

    @property
    def state(self) -> str:
        """``open``, ``unsure`` or ``decided``."""
        decision = self.item.decision
        if decision is None:
            return "open"
        return "unsure" if decision.decision == "unsure" else "decided"

    @property
    def assignee(self) -> str:
        """The reviewer it is assigned to; empty when nobody is."""
        return self.assignment.assignee if self.assignment is not None else ""

    @property
    def lists(self) -> list[str]:
        """The names of the lists that name the hit's entity (none for a signal)."""
        names = [str(x.get("list_name") or "") for x in self.item.hit.get("listings", [])]
        return list(dict.fromkeys(n for n in names if n))

    def age_days(self, at: datetime) -> int:
        """Whole days from when it was opened to ``at``."""
        return max(0, (at - parse_time(self.opened_at)).days)


@dataclass(frozen=True, slots=True)
class AlertFilter:
    """Which alerts to show, and in which order."""

    state: str = "pending"
    list_name: str = ""
    """Keep hits on entities of this list (signals have none, so none are kept)."""
    kind: str = ""
    """``hit``, ``location`` or ``identifier``; empty for every kind."""
    reviewer: str = ""
    """An assignee's username, :data:`UNASSIGNED`, or empty for anyone's."""
    older_than: int | None = None
    """Keep alerts opened more than this many days ago."""
    sort: str = "oldest"

    def __post_init__(self) -> None:
        if self.state not in STATES:
            raise ConfigError(f"state {self.state!r}: choose one of {', '.join(STATES)}")
        if self.kind and self.kind not in KIND_LABELS:
            raise ConfigError(f"kind {self.kind!r}: choose one of {', '.join(KIND_LABELS)}")
        if self.sort not in SORTS:
            raise ConfigError(f"sort {self.sort!r}: choose one of {', '.join(SORTS)}")
        if self.older_than is not None and self.older_than < 0:
            raise ConfigError(f"older than {self.older_than} days: give 0 days or more")

    def keeps(self, alert: Alert, cutoff: str | None) -> bool:
        """Whether ``alert`` passes; ``cutoff`` is the time stamp "older than" stands for."""
        if self.state == "pending" and alert.state == "decided":
            return False
        if self.state not in ("pending", "all") and alert.state != self.state:
            return False
        if self.kind and alert.item.kind != self.kind:
            return False
        if self.list_name and self.list_name not in alert.lists:
            return False
        if self.reviewer == UNASSIGNED and alert.assignee:
            return False
        if self.reviewer not in ("", UNASSIGNED) and alert.assignee != self.reviewer:
            return False
        return cutoff is None or alert.opened_at < cutoff


@dataclass(slots=True)
class AlertQueue:
    """The alerts that pass a filter, in order, and what the filter form can offer."""

    alerts: list[Alert]
    total: int
    """Alerts of every state before filtering."""
    list_names: list[str] = field(default_factory=list)
    """The lists named by any alert, for the list filter."""


def parse_time(stamp: str) -> datetime:
    """A stored time stamp (:func:`~sourcetrace.store.database.now`'s format) as a datetime."""
    return datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def _stamp(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(slots=True)
class _Seen:
    """One alert while the jobs are read, oldest first: its newest item and every raising job."""

    item: ReviewItem
    job_id: int
    filename: str
    raised: list[tuple[int, str, str]]  # (job id, uploaded at, subject hash)


_ROW_FIELDS = ("row", "name", "address", "country", "identifier", "signals")
_HIT_FIELDS = ("entity_id", "caption", "score", "entity_hash")
CACHED_ITEMS = 300_000
"""Most alerts of done jobs kept in memory between requests (a few hundred bytes each)."""


@dataclass(frozen=True, slots=True)
class _Raised:
    """An item of a done job as the queue needs it: its decision key, its data hash, and a
    slim copy of its row (what the queue shows, not the whole hit snapshot)."""

    key: tuple[str, str]
    subject_hash: str
    item: ReviewItem


_CACHE: OrderedDict[tuple[str, int, str], list[_Raised]] = OrderedDict()
_CACHE_LOCK = threading.Lock()


def _slim(row: dict[str, Any]) -> dict[str, Any]:
    out = {k: row.get(k) for k in _ROW_FIELDS}
    out["signals"] = list(row.get("signals") or [])
    hit = row.get("hit")
    if hit:
        slim_hit = {k: hit.get(k) for k in _HIT_FIELDS}
        slim_hit["listings"] = [{"list_name": x.get("list_name")} for x in hit.get("listings", [])]
        out["hit"] = slim_hit
    return out


def _raised(results: list[dict[str, Any]]) -> list[_Raised]:
    out = []
    for item in bare_items(results):
        slim = ReviewItem(_slim(item.row), None, kind=item.kind)
        out.append(_Raised((name_key(slim.row["name"]), slim.subject), item.subject_hash, slim))
    return out


def _job_alerts(engine: Engine) -> Iterator[tuple[int, str, str, list[_Raised]]]:
    """Each done job's id, file name, upload time and items, oldest first.

    A done job's results never change, so its items are worked out once per process and kept
    (:data:`CACHED_ITEMS` at most, the least recently used dropped first): a request then reads
    only the results of jobs it has not seen.
    """
    where = engine.url.render_as_string(hide_password=True)
    query = (
        select(jobs.c.id, jobs.c.filename, jobs.c.created_at)
        .where(jobs.c.status == "done", jobs.c.kind == "screen")  # a trace raises no alert
        .order_by(jobs.c.id)
    )
    with engine.connect() as conn:
        done = conn.execute(query).all()
        for r in done:
            key = (where, int(r.id), str(r.created_at))
            with _CACHE_LOCK:
                items = _CACHE.get(key)
                if items is not None:
                    _CACHE.move_to_end(key)
            if items is None:
                results = conn.execute(select(jobs.c.results).where(jobs.c.id == r.id)).scalar()
                items = _raised(list(results or []))
                _remember(key, items)
            yield int(r.id), str(r.filename), str(r.created_at), items


def _remember(key: tuple[str, int, str], items: list[_Raised]) -> None:
    with _CACHE_LOCK:
        _CACHE[key] = items
        held = sum(len(v) for v in _CACHE.values())
        while held > CACHED_ITEMS and len(_CACHE) > 1:
            _, dropped = _CACHE.popitem(last=False)
            held -= len(dropped)


def alert_queue(
    engine: Engine, wanted: AlertFilter | None = None, *, at: datetime | None = None
) -> AlertQueue:
    """Every alert of every done job that passes ``wanted``, sorted by age (oldest first by
    default), each with its standing decision and assignment."""
    wanted = wanted or AlertFilter()
    seen: dict[tuple[str, str], _Seen] = {}
    for job_id, filename, created_at, raised in _job_alerts(engine):
        for one in raised:
            stamp = (job_id, created_at, one.subject_hash)
            known = seen.get(one.key)
            if known is None:
                seen[one.key] = _Seen(one.item, job_id, filename, [stamp])
            else:
                known.item, known.job_id, known.filename = one.item, job_id, filename
                known.raised.append(stamp)
    # Each name is normalised and each subject hashed once: a large workspace has many alerts.
    decided = latest_by_key(engine, set(seen))
    assigned = latest_assignments(engine, set(seen))
    every: list[Alert] = []
    for key, s in seen.items():
        current = s.raised[-1][2]
        opened = next(stamp for _, stamp, digest in s.raised if digest == current)
        every.append(
            Alert(
                item=standing(s.item, decided.get(key), current),
                job_id=s.job_id,
                job_filename=s.filename,
                opened_at=opened,
                job_ids=tuple(dict.fromkeys(j for j, _, _ in s.raised)),
                assignment=assigned.get(key),
            )
        )
    at = at or datetime.now(UTC)
    cutoff = None if wanted.older_than is None else _stamp(at - timedelta(days=wanted.older_than))
    kept = [a for a in every if wanted.keeps(a, cutoff)]
    kept.sort(key=lambda a: (a.opened_at, a.job_id, int(a.item.row["row"]), a.item.kind))
    if wanted.sort == "newest":
        kept.reverse()
    names = sorted({n for a in every for n in a.lists})
    return AlertQueue(kept, len(every), names)


def latest_assignments(
    engine: Engine, wanted: set[tuple[str, str]]
) -> dict[tuple[str, str], Assignment]:
    """The assignment that stands (the newest) for each (normalised name, entity id) pair that
    has one; an unassigned pair (empty assignee) is left out."""
    keys = sorted({k for k, _ in wanted})
    out: dict[tuple[str, str], Assignment] = {}
    with engine.connect() as conn:
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            rows = conn.execute(
                select(assignments)
                .where(assignments.c.name_key.in_(chunk))
                .order_by(assignments.c.id)
            ).all()
            for r in rows:
                if (r.name_key, r.entity_id) in wanted:
                    out[(r.name_key, r.entity_id)] = _assignment(r._mapping)
    return {k: v for k, v in out.items() if v.assignee}


def reviewers(engine: Engine) -> list[str]:
    """The usernames alerts can be assigned to: active analyst and admin accounts."""
    query = (
        select(users.c.username)
        .where(users.c.role.in_(REVIEWER_ROLES), users.c.active.is_(True))
        .order_by(users.c.username)
    )
    with engine.connect() as conn:
        return [str(u) for u in conn.execute(query).scalars()]


def find_alerts(engine: Engine, keys: Sequence[str]) -> list[tuple[int, ReviewItem]]:
    """The job and item each alert key (``<job>:<row>[:<kind>]``) names; a key that names no
    item of a done job is a :class:`ConfigError` naming it."""
    by_job: dict[int, list[str]] = {}
    for key in keys:
        job_part, _, item_key = key.partition(":")
        if not (job_part.isascii() and job_part.isdigit() and len(job_part) <= 18) or not item_key:
            raise ConfigError(f"alert {key!r}: expected <job>:<row> or <job>:<row>:<kind>")
        by_job.setdefault(int(job_part), []).append(item_key)
    found: dict[str, tuple[int, ReviewItem]] = {}
    with engine.connect() as conn:
        for job_id in by_job:
            results = conn.execute(
                select(jobs.c.results).where(jobs.c.id == job_id, jobs.c.status == "done")
            ).scalar()
            for item in bare_items(results or []):
                found[f"{job_id}:{item.key}"] = (job_id, item)
    missing = [k for k in keys if k not in found]
    if missing:
        raise ConfigError(f"no such alert: {', '.join(missing[:10])}")
    return [found[k] for k in keys]


def assign(
    engine: Engine, items: Sequence[tuple[int, ReviewItem]], *, assignee: str, actor: str
) -> list[Assignment]:
    """Give the alerts of ``items`` (job id, item) to ``assignee`` (empty: take them back), with
    an audit entry each, in one transaction: all are assigned or none."""
    assignee = assignee.strip()
    if assignee and assignee not in reviewers(engine):
        raise ConfigError(
            f"{assignee!r} is not an active analyst or admin account: alerts go to those who "
            "may decide them"
        )
    if not items:
        raise ConfigError("no alerts to assign: tick at least one")
    at = now()
    rows = [
        {
            "name": item.row["name"],
            "name_key": name_key(item.row["name"]),
            "entity_id": item.subject,
            "entity_hash": item.subject_hash,
            "assignee": assignee,
            "assigned_by": actor,
            "at": at,
            "job_id": job_id,
            "row": int(item.row["row"]),
        }
        for job_id, item in items
    ]

    def work(conn: Connection) -> list[int]:
        ids = []
        for values in rows:
            result = conn.execute(assignments.insert().values(**values))
            new_id = int(result.inserted_primary_key[0])  # type: ignore[index]
            details = {k: v for k, v in values.items() if k not in ("assigned_by", "at")}
            audit.append(
                engine, actor, "assignment", f"job:{values['job_id']}",
                {"assignment_id": new_id, **details}, conn=conn,
            )  # fmt: skip
            ids.append(new_id)
        return ids

    ids = audited(engine, work)
    return [Assignment(id=i, **v) for i, v in zip(ids, rows, strict=True)]


def _assignment(m: RowMapping) -> Assignment:
    return Assignment(**{f: m[f] for f in Assignment.__slots__})
