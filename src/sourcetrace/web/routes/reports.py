"""The report of a job: results, decisions with who and when, the lists and their sources."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from sourcetrace.review import audit
from sourcetrace.review.accounts import User
from sourcetrace.review.db import now
from sourcetrace.review.queue import review_items
from sourcetrace.web.pages import render
from sourcetrace.web.routes.jobs import load_job
from sourcetrace.web.security import require
from sourcetrace.web.state import AppState, state

router = APIRouter(include_in_schema=False)


@router.get("/jobs/{job_id}/report", response_class=HTMLResponse)
def report_page(
    request: Request,
    job_id: int,
    _user: Viewer,
    st: StateDep,
) -> Response:
    job = load_job(st, job_id)
    items = review_items(st.engine, job)
    sources: dict[str, set[str]] = {}
    for item in items:
        for listing in item.hit["listings"]:
            if listing.get("source_url"):
                sources.setdefault(listing["list_name"], set()).add(listing["source_url"])
    trail = audit.entries(st.engine, subject=f"job:{job.id}")
    return render(
        request,
        st,
        "report.html",
        job=job,
        items=items,
        pending=sum(1 for i in items if i.pending),
        sources={k: sorted(v) for k, v in sorted(sources.items())},
        trail=trail,
        chain_broken_at=audit.verify_chain(st.engine),
        generated_at=now(),
    )
