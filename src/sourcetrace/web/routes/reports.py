"""The report of a job: results, decisions with who and when, the lists and their sources."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from sourcetrace.store import now
from sourcetrace.web.pages import render
from sourcetrace.web.routes.jobs import load_job
from sourcetrace.web.security import Viewer
from sourcetrace.web.state import AppState, ItemId, StateDep
from sourcetrace.workspace import audit
from sourcetrace.workspace.jobs import Job
from sourcetrace.workspace.queue import ReviewItem, review_items

router = APIRouter(include_in_schema=False)


def report_context(st: AppState, job: Job) -> dict[str, Any]:
    """What the report shows: the hits and signals with their decisions, the sources and the
    audit trail."""
    items = review_items(st.engine, job)
    sources: dict[str, set[str]] = {}
    for item in items:
        for listing in item.hit.get("listings", []):
            if listing.get("source_url"):
                sources.setdefault(listing["list_name"], set()).add(listing["source_url"])
    return {
        "job": job,
        "items": items,
        "pending": sum(1 for i in items if i.pending),
        "sources": {k: sorted(v) for k, v in sorted(sources.items())},
        "trail": _trail(st, job, items),
        "chain_broken_at": audit.verify_chain(st.engine),
        "generated_at": now(),
    }


def _trail(st: AppState, job: Job, items: list[ReviewItem]) -> list[audit.AuditEntry]:
    """The job's audit entries, and those of decisions remembered from other jobs."""
    own = audit.entries(st.engine, subject=f"job:{job.id}")
    wanted = {
        i.decision.id for i in items if i.decision is not None and i.decision.job_id != job.id
    }
    if wanted:
        others = {
            i.decision.job_id
            for i in items
            if i.decision is not None and i.decision.job_id != job.id
        }
        for other in sorted(j for j in others if j is not None):
            own += [
                e
                for e in audit.entries(st.engine, subject=f"job:{other}")
                if e.details.get("decision_id") in wanted
            ]
    return sorted(own, key=lambda e: e.id)


@router.get("/jobs/{job_id}/report", response_class=HTMLResponse)
def report_page(request: Request, job_id: ItemId, _user: Viewer, st: StateDep) -> Response:
    return render(request, st, "report.html", **report_context(st, load_job(st, job_id)))
