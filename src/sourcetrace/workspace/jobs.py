"""Jobs: an uploaded file's screening, kept with the lists and algorithm that made it, and the
tracing of a supply chain for the map.

A job run in the background goes queued -> running -> done, or failed with a one-line error
(cancelled is failed, with who cancelled it); its results are written only when it is done, in
the transaction that marks it so, so a failed job holds none. A screening (kind ``screen``)
keeps its result rows; a trace (kind ``trace``) stores a chain (:mod:`sourcetrace.workspace.
chains`) and names it in ``chain_id``. :mod:`sourcetrace.web.runner` drives these steps.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import Connection, Engine, select

from sourcetrace.matching.score import ALGORITHM
from sourcetrace.model import Result
from sourcetrace.screening import ScreeningRun
from sourcetrace.store.database import now
from sourcetrace.store.workspace import job_files, jobs
from sourcetrace.workspace import audit
from sourcetrace.workspace.audit import audited
from sourcetrace.workspace.decisions import entity_hash

MAX_ERROR = 1000
"""Longest error kept for a failed job (it is one line)."""


@dataclass(frozen=True, slots=True)
class Job:
    """One uploaded file: its screening's state and, once done, every result row as JSON."""

    id: int
    filename: str
    file_hash: str
    created_at: str
    created_by: str
    algorithm: str
    columns: dict[str, Any]
    lists: list[dict[str, Any]]
    counts: dict[str, int]
    results: list[dict[str, Any]]
    status: str = "done"
    """One of :data:`~sourcetrace.workspace.db.JOB_STATES`."""
    rows_done: int = 0
    rows_total: int | None = None
    """Known once the file has been read."""
    error: str | None = None
    """Why a failed job failed, in one line."""
    worker: str | None = None
    """The server process that runs (or ran) the screening."""
    updated_at: str | None = None
    """When that process last reported progress or that it was alive."""
    finished_at: str | None = None
    kind: str = "screen"
    """One of :data:`~sourcetrace.store.workspace.JOB_KINDS`."""
    step: str | None = None
    """A trace job: what it is doing, in words (``rows_done`` of ``rows_total`` counts steps)."""
    chain_id: int | None = None
    """A done trace job: the chain it stored."""

    @property
    def done(self) -> bool:
        return self.status == "done"

    @property
    def active(self) -> bool:
        """Queued or running: the screening has not ended yet."""
        return self.status in ("queued", "running")


def result_row(result: Result) -> dict[str, Any]:
    """One result as stored: the record, the decision and a snapshot of the listed entity."""
    rec = result.record
    row: dict[str, Any] = {
        "row": rec.row,
        "name": rec.name,
        "address": rec.address,
        "country": rec.country,
        "identifier": rec.identifier,
        "decision": result.decision.value,
        "score": round(result.score, 4),
        "reasons": result.reasons_text(),
        "signals": list(result.signals),
        "hit": None,
    }
    hit = result.hit
    if hit is not None:
        e = hit.entity
        row["hit"] = {
            "entity_id": e.id,
            "schema": e.schema,
            "caption": e.caption,
            "matched_name": hit.matched_name,
            "score": round(hit.score, 4),
            "reasons": list(hit.reasons),
            "names": [{"value": n.value, "kind": n.kind.value} for n in e.names],
            "listings": [asdict(x) for x in e.listings],
            "countries": list(e.countries),
            "identifiers": list(e.identifiers),
            "topics": list(e.topics),
            "dataset": e.dataset,
            "entity_hash": entity_hash(e),
        }
    return row


def _outcome(run: ScreeningRun) -> dict[str, Any]:
    """A run's results as the job columns that hold them."""
    columns = asdict(run.columns) if run.columns is not None else {}
    kept: dict[str, Any] = {k: v for k, v in columns.items() if isinstance(v, str | None)}
    results = [result_row(r) for r in run.results]
    if run.extra_columns:
        # The file's own other columns, in its order: each row keeps its values under "input".
        kept["extra"] = list(run.extra_columns)
        for i, row in enumerate(results):
            row["input"] = {c: values[i] for c, values in run.extra_columns.items()}
    return {
        "algorithm": run.algorithm,
        "columns": kept,
        "lists": [asdict(x) for x in run.lists],
        "counts": run.counts(),
        "results": results,
    }


def _keep_upload(conn: Connection, job_id: int, filename: str, upload: bytes | None) -> None:
    if upload is not None:
        conn.execute(job_files.insert().values(job_id=job_id, filename=filename, data=upload))


def uploaded_file(engine: Engine, job_id: int) -> tuple[str, bytes] | None:
    """The file a job screened, as uploaded (name, bytes); None for a job that kept none."""
    query = select(job_files.c.filename, job_files.c.data).where(job_files.c.job_id == job_id)
    with engine.connect() as conn:
        row = conn.execute(query).first()
    return None if row is None else (str(row.filename), bytes(row.data))


def _audit_created(
    engine: Engine, conn: Connection, job_id: int, job: dict[str, Any], actor: str
) -> None:
    audit.append(
        engine,
        actor,
        "job.create",
        f"job:{job_id}",
        {
            "filename": job["filename"],
            "file_hash": job["file_hash"],
            "rows": len(job["results"]),
            "counts": job["counts"],
            "lists": [{"name": x["name"], "version": x["version"]} for x in job["lists"]],
            "algorithm": job["algorithm"],
        },
        conn=conn,
    )


def create_job(
    engine: Engine,
    *,
    filename: str,
    file_hash: str,
    run: ScreeningRun,
    actor: str,
    upload: bytes | None = None,
) -> int:
    """Store a finished screening run as a ``done`` job (with the file's bytes, ``upload``, when
    given); returns its id."""
    stamp = now()
    values = {
        "filename": filename,
        "file_hash": file_hash,
        "created_at": stamp,
        "created_by": actor,
        **_outcome(run),
        "status": "done",
        "rows_done": len(run.results),
        "rows_total": len(run.results),
        "updated_at": stamp,
        "finished_at": stamp,
    }

    def work(conn: Connection) -> int:
        result = conn.execute(jobs.insert().values(**values))
        job_id = int(result.inserted_primary_key[0])  # type: ignore[index]
        _keep_upload(conn, job_id, filename, upload)
        _audit_created(engine, conn, job_id, values, actor)
        return job_id

    return audited(engine, work)


class JobEnded(Exception):
    """The job is no longer running (cancelled, or failed as interrupted): store nothing."""


def queue_job(
    engine: Engine,
    *,
    filename: str,
    file_hash: str,
    actor: str,
    worker: str,
    kind: str = "screen",
    counts: dict[str, int] | None = None,
) -> int:
    """Record an uploaded file that ``worker`` will screen (or, ``kind="trace"``, a chain it
    will trace, with ``counts`` of what its files hold); returns the job's id.

    The job has no results until :func:`finish_job` (:func:`finish_trace`); the audit log
    records it then.
    """
    stamp = now()
    values = {
        "filename": filename,
        "file_hash": file_hash,
        "created_at": stamp,
        "created_by": actor,
        "algorithm": ALGORITHM,
        "columns": {},
        "lists": [],
        "counts": counts or {},
        "results": [],
        "status": "queued",
        "worker": worker,
        "updated_at": stamp,
        "kind": kind,
    }
    with engine.begin() as conn:
        result = conn.execute(jobs.insert().values(**values))
    return int(result.inserted_primary_key[0])  # type: ignore[index]


def start_job(engine: Engine, job_id: int) -> bool:
    """Mark a queued job running; False when it is no longer queued (failed meanwhile)."""
    with engine.begin() as conn:
        done = conn.execute(
            jobs.update()
            .where(jobs.c.id == job_id, jobs.c.status == "queued")
            .values(status="running", updated_at=now())
        )
    return done.rowcount == 1


def record_progress(
    engine: Engine, job_id: int, rows_done: int, rows_total: int, step: str | None = None
) -> bool:
    """How many of the file's rows a running job has screened (a trace: which of its steps,
    and ``step`` in words); False when the job is no longer running (it was cancelled)."""
    values: dict[str, Any] = {"rows_done": rows_done, "rows_total": rows_total,
                              "updated_at": now()}  # fmt: skip
    if step is not None:
        values["step"] = step[:MAX_ERROR]
    with engine.begin() as conn:
        done = conn.execute(
            jobs.update().where(jobs.c.id == job_id, jobs.c.status == "running").values(**values)
        )
    return done.rowcount == 1


def finish_trace(conn: Connection, job_id: int, chain_id: int) -> None:
    """Mark a running trace job done with the chain it stored, in the transaction that stores
    the chain; raises :class:`JobEnded` (so that nothing is stored) when it is no longer
    running."""
    stamp = now()
    done = conn.execute(
        jobs.update()
        .where(jobs.c.id == job_id, jobs.c.status == "running", jobs.c.kind == "trace")
        .values(
            status="done",
            chain_id=chain_id,
            rows_done=jobs.c.rows_total,
            step="done",
            updated_at=stamp,
            finished_at=stamp,
        )
    )
    if done.rowcount != 1:
        raise JobEnded(job_id)


def cancel_job(engine: Engine, job_id: int, actor: str) -> bool:
    """End a queued or running job as failed, "cancelled by ``actor``", with its audit entry;
    the process running it notices and stops. False when the job had already ended."""
    return _end_failed(engine, job_id, f"cancelled by {actor}; nothing was stored.", actor)


def job_status(engine: Engine, job_id: int) -> str | None:
    """Where a job stands (one of :data:`~sourcetrace.store.workspace.JOB_STATES`); None when
    there is no such job."""
    with engine.connect() as conn:
        status = conn.execute(select(jobs.c.status).where(jobs.c.id == job_id)).scalar()
    return None if status is None else str(status)


def keep_alive(engine: Engine, job_ids: Collection[int]) -> None:
    """Say that the process running these jobs is alive (see :func:`unfinished_jobs`)."""
    if not job_ids:
        return
    with engine.begin() as conn:
        conn.execute(
            jobs.update()
            .where(jobs.c.id.in_(sorted(job_ids)), jobs.c.status.in_(("queued", "running")))
            .values(updated_at=now())
        )


def finish_job(engine: Engine, job_id: int, run: ScreeningRun, upload: bytes | None = None) -> bool:
    """Store a running job's results and mark it done, with its audit entry and the screened
    file's bytes (``upload``, when given), in one transaction.

    False (and nothing stored) when the job is no longer running: it was marked failed meanwhile.
    """
    outcome = _outcome(run)

    def work(conn: Connection) -> bool:
        row = conn.execute(
            select(jobs.c.filename, jobs.c.file_hash, jobs.c.created_by).where(jobs.c.id == job_id)
        ).first()
        stamp = now()
        done = conn.execute(
            jobs.update()
            .where(jobs.c.id == job_id, jobs.c.status == "running")
            .values(
                **outcome,
                status="done",
                rows_done=len(run.results),
                rows_total=len(run.results),
                updated_at=stamp,
                finished_at=stamp,
            )
        )
        if row is None or done.rowcount != 1:
            return False
        job = {"filename": row.filename, "file_hash": row.file_hash, **outcome}
        _keep_upload(conn, job_id, row.filename, upload)
        _audit_created(engine, conn, job_id, job, row.created_by)
        return True

    return audited(engine, work)


def fail_job(engine: Engine, job_id: int, error: str) -> bool:
    """Mark a queued or running job failed with a one-line reason; it keeps no results.

    False when the job had already ended.
    """
    return _end_failed(engine, job_id, " ".join(error.split())[:MAX_ERROR])


def _end_failed(engine: Engine, job_id: int, line: str, cancelled_by: str | None = None) -> bool:
    """Mark a queued or running job failed with ``line`` and no results, and audit it in the
    same transaction: ``job.cancel`` by the user who cancelled it, else ``job.fail`` by the
    system. False when the job had already ended."""
    actor, action = (cancelled_by, "job.cancel") if cancelled_by else ("system", "job.fail")

    def work(conn: Connection) -> bool:
        stamp = now()
        done = conn.execute(
            jobs.update()
            .where(jobs.c.id == job_id, jobs.c.status.in_(("queued", "running")))
            .values(status="failed", error=line, results=[], updated_at=stamp, finished_at=stamp)
        )
        if done.rowcount != 1:
            return False
        audit.append(engine, actor, action, f"job:{job_id}", {"error": line}, conn=conn)
        return True

    return audited(engine, work)


def unfinished_jobs(engine: Engine) -> list[Job]:
    """Queued and running jobs (without results), to tell the live ones from the interrupted."""
    cols = [c for c in jobs.c if c.name != "results"]
    query = select(*cols).where(jobs.c.status.in_(("queued", "running"))).order_by(jobs.c.id)
    with engine.connect() as conn:
        return [Job(**r._mapping, results=[]) for r in conn.execute(query)]


def get_job(engine: Engine, job_id: int, *, results: bool = True) -> Job | None:
    """One job; ``results=False`` leaves its result rows out (cheap, for its status)."""
    cols = list(jobs.c) if results else [c for c in jobs.c if c.name != "results"]
    with engine.connect() as conn:
        row = conn.execute(select(*cols).where(jobs.c.id == job_id)).first()
    if row is None:
        return None
    return Job(**row._mapping) if results else Job(**row._mapping, results=[])


def list_jobs(engine: Engine, limit: int = 100, kind: str | None = None) -> list[Job]:
    """The newest jobs first (of one ``kind`` when given), without their result rows."""
    cols = [c for c in jobs.c if c.name != "results"]
    query = select(*cols).order_by(jobs.c.id.desc()).limit(limit)
    if kind is not None:
        query = query.where(jobs.c.kind == kind)
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return [Job(**r._mapping, results=[]) for r in rows]
