"""The review queue: each hit beside the listed entity, and each signal (location lead,
identifier problem) beside the row, decided one by one or in bulk; under the four-eyes rule, a
second reviewer approves a false positive on a ``match`` here."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from sourcetrace.errors import ConfigError
from sourcetrace.web.pages import redirect, render
from sourcetrace.web.routes.jobs import load_job
from sourcetrace.web.security import (
    Analyst,
    CheckedForm,
    Viewer,
)
from sourcetrace.web.state import AppState, ItemId, StateDep
from sourcetrace.workspace import REVIEW_DECISIONS, SIGNAL_DECISIONS
from sourcetrace.workspace.decisions import ApprovalRefused, Decided, approve, record_many
from sourcetrace.workspace.jobs import Job
from sourcetrace.workspace.queue import ReviewItem, review_items

router = APIRouter(include_in_schema=False)
MAX_COMMENT = 4000
CHOICES = tuple(dict.fromkeys((*REVIEW_DECISIONS, *SIGNAL_DECISIONS)))


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
        choices=CHOICES,
    )


def _decision_fields(form: FormData) -> tuple[str, str]:
    decision = str(form.get("decision") or "")
    if decision not in CHOICES:
        raise HTTPException(status_code=400, detail=f"choose one of: {', '.join(CHOICES)}")
    comment = str(form.get("comment") or "")[:MAX_COMMENT]
    return decision, comment


def _items_by_key(st: AppState, job: Job) -> dict[str, ReviewItem]:
    return {i.key: i for i in review_items(st.engine, job)}


def _decided(job: Job, item: ReviewItem) -> Decided:
    return Decided(
        name=item.row["name"],
        entity_id=item.subject,
        entity_hash=item.subject_hash,
        job_id=job.id,
        row=int(item.row["row"]),
        screened=str(item.row.get("decision") or ""),
    )


async def _record(
    items: list[Decided], decision: str, comment: str, st: AppState, user: str
) -> None:
    try:
        await run_in_threadpool(
            record_many, st.engine, items, decision=decision, comment=comment, username=user,
            four_eyes=st.settings.four_eyes,
        )  # fmt: skip
    except ConfigError as exc:  # a decision that does not fit the item, a comment missing
        raise HTTPException(status_code=400, detail=exc.line()) from None


def _back_to_review(job_id: int, form: FormData) -> Response:
    """Back to the job's review page, showing what the form was showing (all rows or pending)."""
    back = "all" if form.get("show") == "all" else "pending"
    return redirect(f"/jobs/{job_id}/review?show={back}")


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
    # Which of the row's items: its hit (the default) or one kind of signal.
    kind = str(form.get("kind") or "hit")
    item = _items_by_key(st, job).get(str(row) if kind == "hit" else f"{row}:{kind}")
    if item is None:
        raise HTTPException(
            status_code=404, detail=f"row {row} of job {job_id} has no {kind} to decide"
        )
    await _record([_decided(job, item)], decision, comment, st, user.username)
    return _back_to_review(job_id, form)


@router.post("/jobs/{job_id}/decisions")
async def decide_bulk(
    job_id: ItemId,
    user: Analyst,
    form: CheckedForm,
    st: StateDep,
) -> Response:
    decision, comment = _decision_fields(form)
    job = load_job(st, job_id)
    by_key = _items_by_key(st, job)
    # Each ticked item is "<row>" (its hit) or "<row>:<kind>" (its signals of that kind).
    keys = list(dict.fromkeys(str(v) for v in form.getlist("rows")))
    if not keys:
        raise HTTPException(status_code=400, detail="tick at least one row to decide")
    missing = [k for k in keys if k not in by_key]
    if missing:
        raise HTTPException(status_code=404, detail=f"nothing to decide at: {missing[:10]}")
    items = [_decided(job, by_key[k]) for k in keys]
    # One transaction for all the rows ticked: every decision is stored, or none.
    await _record(items, decision, comment, st, user.username)
    return _back_to_review(job_id, form)


@router.post("/jobs/{job_id}/rows/{row}/approval")
async def approve_decision(
    job_id: ItemId,
    row: ItemId,
    user: Analyst,
    form: CheckedForm,
    st: StateDep,
) -> Response:
    """A second reviewer approves the row's hit decision that awaits one (four eyes)."""
    job = load_job(st, job_id)
    item = _items_by_key(st, job).get(str(row))
    if item is None or item.decision is None or not item.awaiting:
        raise HTTPException(
            status_code=404, detail=f"nothing on row {row} of job {job_id} awaits a second review"
        )
    try:
        await run_in_threadpool(approve, st.engine, item.decision.id, user.username)
    except ApprovalRefused as exc:
        raise HTTPException(status_code=403 if exc.own else 409, detail=exc.line()) from None
    return _back_to_review(job_id, form)
