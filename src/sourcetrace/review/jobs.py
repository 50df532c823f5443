"""Screening jobs: an uploaded file's results kept with the lists and algorithm that made them."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import Connection, Engine, select

from sourcetrace.model import Result
from sourcetrace.review import audit
from sourcetrace.review.audit import audited
from sourcetrace.review.db import jobs, now
from sourcetrace.review.decisions import entity_hash
from sourcetrace.screening import ScreeningRun


@dataclass(frozen=True, slots=True)
class Job:
    """One screened file, with every result row as JSON."""

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


def create_job(
    engine: Engine, *, filename: str, file_hash: str, run: ScreeningRun, actor: str
) -> int:
    """Store a screening run as a job; returns its id."""
    columns = asdict(run.columns) if run.columns is not None else {}
    lists = [asdict(x) for x in run.lists]
    values = {
        "filename": filename,
        "file_hash": file_hash,
        "created_at": now(),
        "created_by": actor,
        "algorithm": run.algorithm,
        "columns": {k: v for k, v in columns.items() if isinstance(v, str | None)},
        "lists": lists,
        "counts": run.counts(),
        "results": [result_row(r) for r in run.results],
    }

    def work(conn: Connection) -> int:
        result = conn.execute(jobs.insert().values(**values))
        job_id = int(result.inserted_primary_key[0])  # type: ignore[index]
        audit.append(
            engine,
            actor,
            "job.create",
            f"job:{job_id}",
            {
                "filename": filename,
                "file_hash": file_hash,
                "rows": len(values["results"]),
                "counts": values["counts"],
                "lists": [{"name": x["name"], "version": x["version"]} for x in lists],
                "algorithm": run.algorithm,
            },
            conn=conn,
        )
        return job_id

    return audited(engine, work)


def get_job(engine: Engine, job_id: int) -> Job | None:
    with engine.connect() as conn:
        row = conn.execute(select(jobs).where(jobs.c.id == job_id)).first()
    return Job(**row._mapping) if row else None


def list_jobs(engine: Engine, limit: int = 100) -> list[Job]:
    """The newest jobs first, without their result rows."""
    cols = [c for c in jobs.c if c.name != "results"]
    with engine.connect() as conn:
        rows = conn.execute(select(*cols).order_by(jobs.c.id.desc()).limit(limit)).all()
    return [Job(**r._mapping, results=[]) for r in rows]
