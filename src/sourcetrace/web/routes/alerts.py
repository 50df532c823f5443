"""The alert queue across jobs (``/alerts``): filter every open hit and signal, assign them.

The filters are query parameters, the same for the page and for ``GET /api/alerts``: ``state``
(pending, open, unsure, decided, all), ``list``, ``kind``, ``reviewer`` (a username, ``me`` or
``none``), ``older_than`` (days) and ``sort`` (oldest first by default). The page shows
:data:`PAGE_SIZE` alerts at a time, so a workspace of many jobs is never rendered whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import parse_qsl, quote, urlencode

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response

from sourcetrace.errors import ConfigError
from sourcetrace.web.pages import redirect, render
from sourcetrace.web.security import Analyst, ApiViewer, CheckedForm, Viewer
from sourcetrace.web.state import StateDep
from sourcetrace.workspace.accounts import User
from sourcetrace.workspace.alerts import (
    SORTS,
    STATES,
    UNASSIGNED,
    Alert,
    AlertFilter,
    AlertQueue,
    alert_queue,
    assign,
    find_alerts,
    reviewers,
)
from sourcetrace.workspace.queue import KIND_LABELS

router = APIRouter(include_in_schema=False)
api_router = APIRouter(tags=["Alerts"])
PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
ME = "me"
"""The reviewer filter that stands for the signed-in account."""
FILTER_KEYS = ("state", "list", "kind", "reviewer", "older_than", "sort")
MAX_TICKED = 1000


Days = Annotated[int | None, Query(ge=0, le=36500)]
Text = Annotated[str, Query(max_length=200)]
ListName = Annotated[str, Query(alias="list", max_length=200)]
Page = Annotated[int, Query(ge=1, le=10**9)]


@dataclass(frozen=True, slots=True)
class AlertQuery:
    """The queue's query parameters as asked, shared by the page and ``GET /api/alerts``."""

    state: str
    list_name: str
    kind: str
    reviewer: str
    older_than: int | None
    sort: str
    page: int

    def filter_for(self, user: User) -> AlertFilter:
        """The filter the query asks for (``reviewer=me`` is the user); a bad value is a 400."""
        who = user.username if self.reviewer == ME else self.reviewer
        try:
            return AlertFilter(
                state=self.state, list_name=self.list_name, kind=self.kind, reviewer=who,
                older_than=self.older_than, sort=self.sort,
            )  # fmt: skip
        except ConfigError as exc:
            raise HTTPException(status_code=400, detail=exc.line()) from None

    def params(self) -> dict[str, str]:
        """The filters as query-string values (the page's links and forms keep them)."""
        return {
            "state": self.state, "list": self.list_name, "kind": self.kind,
            "reviewer": self.reviewer,
            "older_than": "" if self.older_than is None else str(self.older_than),
            "sort": self.sort,
        }  # fmt: skip


def alert_query(
    state: Text = "pending",
    list_name: ListName = "",
    kind: Text = "",
    reviewer: Text = "",
    older_than: Days = None,
    sort: Text = "oldest",
    page: Page = 1,
) -> AlertQuery:
    """Read the queue's query parameters (a FastAPI dependency of both routes)."""
    return AlertQuery(state, list_name, kind, reviewer, older_than, sort, page)


QueryDep = Annotated[AlertQuery, Depends(alert_query)]


def paged(queue: AlertQueue, page: int, size: int) -> tuple[list[Alert], int, int]:
    """One page of the queue's alerts, the page number (kept in range) and the page count."""
    pages = max(1, -(-len(queue.alerts) // size))
    page = min(max(page, 1), pages)
    return queue.alerts[(page - 1) * size : page * size], page, pages


@router.get("/alerts", response_class=HTMLResponse)
async def alerts_page(
    request: Request,
    user: Viewer,
    st: StateDep,
    asked: QueryDep,
) -> Response:
    at = datetime.now(UTC)
    queue = await run_in_threadpool(alert_queue, st.engine, asked.filter_for(user), at=at)
    shown, page, pages = paged(queue, asked.page, PAGE_SIZE)
    query = asked.params()
    return render(
        request,
        st,
        "alerts.html",
        alerts=shown,
        matching=len(queue.alerts),
        total=queue.total,
        page=page,
        pages=pages,
        query=query,
        query_string=urlencode({k: v for k, v in query.items() if v}),
        list_names=queue.list_names,
        reviewers=await run_in_threadpool(reviewers, st.engine),
        states=STATES,
        sorts=SORTS,
        kinds=KIND_LABELS,
        unassigned=UNASSIGNED,
        me=ME,
        now=at,
    )


@api_router.get("/api/alerts")
async def alerts_api(
    user: ApiViewer,
    st: StateDep,
    asked: QueryDep,
    size: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = PAGE_SIZE,
) -> dict[str, Any]:
    """The alert queue across jobs as JSON, with the page's filters (``reviewer=me``: the
    key's account), one page of ``size`` alerts at a time, oldest first by default."""
    at = datetime.now(UTC)
    queue = await run_in_threadpool(alert_queue, st.engine, asked.filter_for(user), at=at)
    shown, page, pages = paged(queue, asked.page, size)
    return {
        "total": queue.total,
        "matching": len(queue.alerts),
        "page": page,
        "pages": pages,
        "alerts": [alert_json(a, at) for a in shown],
    }


@router.post("/alerts/assign")
async def assign_alerts(user: Analyst, form: CheckedForm, st: StateDep) -> Response:
    keys = list(dict.fromkeys(str(v) for v in form.getlist("alerts")))[: MAX_TICKED + 1]
    if not keys:
        raise HTTPException(status_code=400, detail="tick at least one alert to assign")
    if len(keys) > MAX_TICKED:
        raise HTTPException(status_code=400, detail=f"assign at most {MAX_TICKED} alerts at once")
    assignee = str(form.get("assignee") or "")
    if assignee == ME:
        assignee = user.username
    try:
        items = await run_in_threadpool(find_alerts, st.engine, keys)
        await run_in_threadpool(
            lambda: assign(st.engine, items, assignee=assignee, actor=user.username)
        )
    except ConfigError as exc:
        raise HTTPException(status_code=400, detail=exc.line()) from None
    return redirect(f"/alerts?{_back(str(form.get('back') or ''))}")


def _back(query: str) -> str:
    """The filters to return to after assigning: only the known ones, re-encoded (never a URL
    of the form's choosing)."""
    kept = [(k, v) for k, v in parse_qsl(query) if k in (*FILTER_KEYS, "page")]
    return urlencode(kept)


def alert_json(alert: Alert, at: datetime) -> dict[str, Any]:
    """One alert as ``GET /api/alerts`` gives it."""
    item = alert.item
    row = item.row
    decision = item.decision
    return {
        "key": alert.key,
        "kind": item.kind,
        "label": item.label,
        "state": alert.state,
        "name": row["name"],
        "job_id": alert.job_id,
        "row": int(row["row"]),
        "job_ids": list(alert.job_ids),
        "opened_at": alert.opened_at,
        "age_days": alert.age_days(at),
        "entity_id": item.hit.get("entity_id"),
        "entity_name": item.hit.get("caption"),
        "lists": alert.lists,
        "signals": item.signals,
        "assignee": alert.assignee or None,
        "decision": None if decision is None else decision.decision,
        "decided_by": None if decision is None else decision.username,
        "links": {
            "job": f"/jobs/{alert.job_id}",
            "row": row_link(alert),
            "entity": entity_link(alert),
        },
    }


def row_link(alert: Alert) -> str:
    """The alert's card in its job's review queue."""
    anchor = alert.item.key.replace(":", "-")
    return f"/jobs/{alert.job_id}/review?show=all#row-{anchor}"


def entity_link(alert: Alert) -> str | None:
    """The listed entity's page; None for a signal."""
    entity = alert.item.hit.get("entity_id")
    return f"/entities/{quote(str(entity), safe='')}" if entity else None
