"""``GET /api/jobs/{job_id}``: where a job (a screening, or a chain traced for the map) stands,
for scripts and the job page."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, HTTPException
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from sourcetrace.web.security import ApiViewer
from sourcetrace.web.state import ItemId, StateDep
from sourcetrace.workspace.jobs import Job, get_job

router = APIRouter(tags=["Jobs"])


class JobStatus(BaseModel):
    """A screening job's state and progress; its counts once it is done."""

    id: int
    filename: str = Field(examples=["suppliers.xlsx"])
    status: Literal["queued", "running", "done", "failed"] = Field(
        description="queued (waiting for the server's screening thread), running, done, or "
        "failed (see error; a failed job holds no results)."
    )
    rows_done: int = Field(description="Rows screened so far.")
    rows_total: int | None = Field(
        description="Rows in the file; null until the file has been read."
    )
    error: str | None = Field(None, description="Why the job failed, in one line.", examples=[None])
    counts: dict[str, int] | None = Field(
        None,
        description="Rows by decision (match, review, clear), once done; a trace job: the "
        "links, holdings and party names (or, a saved graph, parties) its chain holds, from the "
        "start.",
        examples=[{"match": 2, "review": 0, "clear": 25}],
    )
    created_at: str
    created_by: str
    finished_at: str | None = None
    url: str = Field(description="The job's page in the workspace.", examples=["/jobs/7"])
    kind: Literal["screen", "trace"] = Field(
        "screen", description="screen (an uploaded file) or trace (a supply chain for the map; "
        "rows_done and rows_total then count its steps)."
    )  # fmt: skip
    step: str | None = Field(
        None, description="A trace job: what it is doing, in words.", examples=[None]
    )
    chain_url: str | None = Field(
        None, description="A done trace job: the map of its chain.", examples=[None]
    )

    @classmethod
    def of(cls, job: Job) -> JobStatus:
        return cls(
            id=job.id,
            filename=job.filename,
            status=job.status,  # type: ignore[arg-type]
            rows_done=job.rows_done,
            rows_total=job.rows_total,
            error=job.error,
            counts=job.counts if job.done or job.kind == "trace" else None,
            created_at=job.created_at,
            created_by=job.created_by,
            finished_at=job.finished_at,
            url=f"/jobs/{job.id}",
            kind=job.kind,  # type: ignore[arg-type]
            step=job.step,
            chain_url=f"/chains/{job.chain_id}" if job.chain_id is not None else None,
        )


@router.get(
    "/api/jobs/{job_id}",
    response_model=JobStatus,
    responses={404: {"description": "No such job."}},
)
async def job_status(job_id: ItemId, _user: ApiViewer, st: StateDep) -> JobStatus:
    """The state of a job: queued, running (rows, or a trace's steps, done of total), done or
    failed."""
    job = await run_in_threadpool(get_job, st.engine, job_id, results=False)
    if job is None:
        raise HTTPException(status_code=404, detail=f"no job {job_id}")
    return JobStatus.of(job)
