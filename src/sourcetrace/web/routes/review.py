"""The review queue: each hit beside the listed entity, decided one by one or in bulk."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from sourcetrace.web.pages import redirect, render
from sourcetrace.web.routes.jobs import load_job
from sourcetrace.web.security import (
    Analyst,
    CheckedForm,
    Viewer,
)
from sourcetrace.web.state import AppState, ItemId, StateDep
from sourcetrace.workspace import REVIEW_DECISIONS
from sourcetrace.workspace.decisions import Decided, record_many
from sourcetrace.workspace.jobs import Job
from sourcetrace.workspace.queue import ReviewItem, review_items

router = APIRouter(include_in_schema=False)
MAX_COMMENT = 4000


@router.get("/jobs/{job_id}/review", response_class=HTMLResponse)
def queue_page(
    request: Request,
    job_id: ItemId,
    _user: Viewer,
    st: StateDep,
    show: str = "pending",
) -> Response:
    job = load_job(st, job_id)
    items = review_items(st.engine, job)
    shown = items if show == "all" else [i for i in items if i.pending]
    return render(
        request,
        st,
        "queue.html",
        job=job,
        items=shown,
        show="all" if show == "all" else "pending",
        total=len(items),
        pending=sum(1 for i in items if i.pending),
        choices=REVIEW_DECISIONS,
    )


def _decision_fields(form: FormData) -> tuple[str, str]:
    decision = str(form.get("decision") or "")
    if decision not in REVIEW_DECISIONS:
        raise HTTPException(status_code=400, detail=f"choose one of: {', '.join(REVIEW_DECISIONS)}")
    comment = str(form.get("comment") or "")[:MAX_COMMENT]
    return decision, comment


def _items_by_row(st: AppState, job: Job) -> dict[int, ReviewItem]:
    return {int(i.row["row"]): i for i in review_items(st.engine, job)}


def _decided(job: Job, item: ReviewItem) -> Decided:
    return Decided(
        name=item.row["name"],
        entity_id=item.hit["entity_id"],
        entity_hash=item.hit["entity_hash"],
        job_id=job.id,
        row=int(item.row["row"]),
    )


@router.post("/jobs/{job_id}/rows/{row}/decision")
async def decide(
    job_id: ItemId,
    row: ItemId,
    user: Analyst,
    form: CheckedForm,
    st: StateDep,
) -> Response:
    decision, comment = _decision_fields(form)
    job = load_job(st, job_id)
    item = _items_by_row(st, job).get(row)
    if item is None:
        raise HTTPException(
            status_code=404, detail=f"row {row} of job {job_id} has no hit to decide"
        )
    await run_in_threadpool(
        record_many, st.engine, [_decided(job, item)], decision=decision, comment=comment,
        username=user.username,
    )  # fmt: skip
    back = "all" if form.get("show") == "all" else "pending"
    return redirect(f"/jobs/{job_id}/review?show={back}")


@router.post("/jobs/{job_id}/decisions")
async def decide_bulk(
    job_id: ItemId,
    user: Analyst,
    form: CheckedForm,
    st: StateDep,
) -> Response:
    decision, comment = _decision_fields(form)
    job = load_job(st, job_id)
    by_row = _items_by_row(st, job)
    try:
        rows = sorted({int(str(v)) for v in form.getlist("rows")})
    except ValueError:
        raise HTTPException(status_code=400, detail="rows must be row numbers") from None
    if not rows:
        raise HTTPException(status_code=400, detail="tick at least one row to decide")
    missing = [r for r in rows if r not in by_row]
    if missing:
        raise HTTPException(status_code=404, detail=f"rows without a hit: {missing[:10]}")
    items = [_decided(job, by_row[r]) for r in rows]
    # One transaction for all the rows ticked: every decision is stored, or none.
    await run_in_threadpool(
        record_many, st.engine, items, decision=decision, comment=comment, username=user.username
    )
    back = "all" if form.get("show") == "all" else "pending"
    return redirect(f"/jobs/{job_id}/review?show={back}")
