"""Uploading a supplier file, following its screening, and browsing a job's results.

The upload answers at once: the file is screened in the background by the app's
:class:`~sourcetrace.web.runner.JobRunner`, and the job page follows its progress. The same page
follows a supply chain being traced (a ``trace`` job, :mod:`sourcetrace.web.routes.chains`) and
links to its map when it is done. The analyst who started a job, or an admin, may cancel it.
"""

from __future__ import annotations

import codecs
import shutil
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData, UploadFile

from sourcetrace.web.config import UPLOAD_SUFFIXES
from sourcetrace.web.pages import redirect, render
from sourcetrace.web.runner import upload_folder
from sourcetrace.web.security import (
    Analyst,
    Viewer,
    checked_form,
)
from sourcetrace.web.state import AppState, ItemId, StateDep
from sourcetrace.web.uploads import UploadRefused, save_upload, too_big, upload_name
from sourcetrace.workspace.accounts import User
from sourcetrace.workspace.jobs import Job, cancel_job, get_job, list_jobs
from sourcetrace.workspace.queue import ReviewItem, review_items, row_review

router = APIRouter(include_in_schema=False)
FILTERS = ("match", "review", "clear")
REVIEW_FILTERS = (
    "pending",
    "awaiting",
    "confirmed",
    "false_positive",
    "unsure",
    "cleared",
    "escalated",
)
PAGE_SIZE = 500


def load_job(st: AppState, job_id: int) -> Job:
    """A job with its results, for the pages that show them: 404 if unknown, 409 if not done."""
    job = get_job(st.engine, job_id)
    if job is None or job.kind != "screen":
        raise HTTPException(status_code=404, detail=f"no screening job {job_id}")
    if job.status == "failed":
        raise HTTPException(status_code=409, detail=f"job {job_id} failed: {job.error}")
    if not job.done:
        raise HTTPException(
            status_code=409, detail=f"job {job_id} is still being screened ({job.status})"
        )
    return job


@router.get("/", response_class=HTMLResponse)
def home(_user: Viewer) -> Response:
    return redirect("/jobs")


@router.get("/jobs", response_class=HTMLResponse)
def jobs_page(request: Request, user: Viewer, st: StateDep) -> Response:
    return _jobs_page(request, st, user, error=None)


def _jobs_page(
    request: Request, st: AppState, user: User, error: str | None, status_code: int = 200
) -> Response:
    return render(
        request,
        st,
        "jobs.html",
        status_code=status_code,
        jobs=list_jobs(st.engine, kind="screen"),
        error=error,
        suffixes=", ".join(UPLOAD_SUFFIXES),
        max_mb=round(st.config.max_upload_bytes / 1024 / 1024, 1),
        can_upload=user.can("analyst"),
    )


@router.post("/jobs", response_class=HTMLResponse)
async def upload(request: Request, user: Analyst, st: StateDep) -> Response:
    limit = st.config.max_upload_bytes
    length = request.headers.get("content-length", "")
    # Refuse an oversized body before reading it; the form's own overhead is small.
    if length.isdigit() and int(length) > limit + 64 * 1024:
        return _jobs_page(request, st, user, too_big(limit), status_code=413)
    form = await checked_form(request)
    upload = form.get("file")
    try:
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise UploadRefused("Choose a file to upload.")
        filename, suffix = upload_name(upload.filename)
        folder = upload_folder("upload")
        try:
            path = folder / f"upload{suffix}"
            digest = await save_upload(upload, path, limit)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
    except UploadRefused as exc:
        return _jobs_page(request, st, user, str(exc), status_code=400)
    finally:
        await form.close()
    # Columns named on the form are read as named; the others are detected from the header.
    columns = {
        field: text.strip()
        for field in COLUMN_FIELDS
        if isinstance(text := form.get(field), str) and text.strip()
    }
    try:
        reading = reading_fields(form)
    except UploadRefused as exc:
        shutil.rmtree(folder, ignore_errors=True)
        return _jobs_page(request, st, user, str(exc), status_code=400)
    # From here the runner owns the folder: it screens the copy in the background, then deletes it.
    job_id = await run_in_threadpool(
        st.runner.add,
        path,
        filename=filename,
        file_hash=digest,
        actor=user.username,
        columns=columns,
        reading=reading,
    )
    return redirect(f"/jobs/{job_id}")


COLUMN_FIELDS = ("name_column", "address_column", "country_column", "id_column")
MAX_HEADER_ROW = 1_000_000


def reading_fields(form: FormData) -> dict[str, str | int]:
    """The sheet, header row and text encoding the form gives (empty fields: detected); a header
    row that is not a row number or an encoding Python does not know is refused at once."""
    given = {
        field: text.strip()
        for field in ("sheet", "header_row", "encoding")
        if isinstance(text := form.get(field), str) and text.strip()
    }
    reading: dict[str, str | int] = dict(given)
    if "header_row" in given:
        row = given["header_row"]
        if not (row.isascii() and row.isdigit()) or not 1 <= int(row) <= MAX_HEADER_ROW:
            raise UploadRefused(
                f"Header row: give the number of the row holding the column names (1 for the "
                f"first line), not {row[:20]!r}; nothing was stored."
            )
        reading["header_row"] = int(row)
    if "encoding" in given:
        try:
            codecs.lookup(given["encoding"])
        except LookupError:
            raise UploadRefused(
                f"Text encoding: {given['encoding'][:40]!r} is not an encoding this server "
                "knows (utf-8, utf-16, gb18030, cp1252 ...); leave it empty to detect it. "
                "Nothing was stored."
            ) from None
    return reading


@router.get("/jobs/{job_id}", response_class=HTMLResponse)
def job_page(
    request: Request,
    job_id: ItemId,
    user: Viewer,
    st: StateDep,
    decision: str = "",
    review: str = "",
    page: int = 1,
) -> Response:
    job = get_job(st.engine, job_id)
    if job is None:
        raise HTTPException(status_code=404, detail=f"no job {job_id}")
    if not job.done or job.kind != "screen":
        return render(request, st, "job.html", job=job, can_cancel=_may_cancel(user, job))
    items = review_items(st.engine, job)
    standing: dict[int, list[ReviewItem]] = {}
    for one in items:
        standing.setdefault(one.row["row"], []).append(one)
    rows: list[dict[str, Any]] = []
    for row in job.results:
        found = standing.get(row["row"], [])
        item = found[0] if found else None
        status = row_review(found)
        if decision in FILTERS and row["decision"] != decision:
            continue
        if review in REVIEW_FILTERS and status != review:
            continue
        rows.append({**row, "review": status, "item": item})
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    page = min(max(page, 1), pages)
    shown = rows[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    return render(
        request,
        st,
        "job.html",
        job=job,
        can_cancel=False,
        rows=shown,
        matching=len(rows),
        page=page,
        pages=pages,
        decision=decision if decision in FILTERS else "",
        review=review if review in REVIEW_FILTERS else "",
        filters=FILTERS,
        review_filters=REVIEW_FILTERS,
        pending=sum(1 for i in items if i.pending),
    )


def _may_cancel(user: User, job: Job) -> bool:
    return job.active and (
        user.can("admin") or (user.can("analyst") and job.created_by == user.username)
    )


@router.post("/jobs/{job_id}/cancel")
async def cancel(request: Request, job_id: ItemId, user: Analyst, st: StateDep) -> Response:
    """Cancel a queued or running job: the analyst who started it, or an admin. It ends as
    failed ("cancelled by ..."), storing nothing; the audit log records who cancelled it."""
    form = await checked_form(request)
    await form.close()
    job = await run_in_threadpool(get_job, st.engine, job_id, results=False)
    if job is None:
        raise HTTPException(status_code=404, detail=f"no job {job_id}")
    if not _may_cancel(user, job):
        if not job.active:
            return redirect(f"/jobs/{job_id}")  # it ended meanwhile: the page says how
        raise HTTPException(
            status_code=403, detail="only the analyst who started a job, or an admin, may cancel it"
        )
    await run_in_threadpool(cancel_job, st.engine, job_id, user.username)
    return redirect(f"/jobs/{job_id}")
