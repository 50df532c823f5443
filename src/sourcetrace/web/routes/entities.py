"""Search and browse: one name against the lists, each listed entity's page, the lists and diffs.

The search box asks the very matcher ``POST /match`` asks (the app's, over the bundled lists), with
the same decision, score and reasons; any signed-in account may use it. Entity pages and the lists
page show the lists in force in the store (:class:`~sourcetrace.catalogue.Catalogue`).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response

from sourcetrace.catalogue import Catalogue, consecutive
from sourcetrace.errors import ListError
from sourcetrace.model import Hit
from sourcetrace.web.pages import render, store_url
from sourcetrace.web.security import Viewer
from sourcetrace.web.state import StateDep

router = APIRouter(include_in_schema=False)

MAX_QUERY = 500
"""Longer than any company name with its address; the matcher cuts further itself."""
TOP_HITS = 10
PAGE_SIZE = 200
"""Entities per page of a list: the Consolidated Screening List has thousands."""


@router.get("/search", response_class=HTMLResponse)
async def search_page(
    request: Request,
    _user: Viewer,
    st: StateDep,
    q: Annotated[str, Query(max_length=MAX_QUERY)] = "",
    identifier: Annotated[str, Query(max_length=64)] = "",
) -> Response:
    name, ident = q.strip(), identifier.strip()
    hits: list[Hit] = []
    if name or ident:
        hits = await run_in_threadpool(st.matcher.match, name, ident)
        hits = sorted(hits, key=lambda h: (-h.decision.rank, -h.score, h.entity.id))
    return render(
        request,
        st,
        "search.html",
        q=name,
        identifier=ident,
        searched=bool(name or ident),
        hits=hits[:TOP_HITS],
        total=len(hits),
    )


@router.get("/entities/{entity_id:path}", response_class=HTMLResponse)
async def entity_page(request: Request, entity_id: str, _user: Viewer, st: StateDep) -> Response:
    catalogue = await run_in_threadpool(Catalogue, store_url(st))
    entity = await run_in_threadpool(catalogue.entity, entity_id)
    if entity is None:
        raise HTTPException(status_code=404, detail=f"no listed entity {entity_id!r} in force")
    appearances = await run_in_threadpool(catalogue.appearances, entity_id)
    replaced_by = catalogue.replaced.get(entity.list_name, "")
    return render(
        request, st, "entity.html", entity=entity, appearances=appearances, replaced_by=replaced_by
    )


@router.get("/lists", response_class=HTMLResponse)
async def lists_page(request: Request, _user: Viewer, st: StateDep) -> Response:
    catalogue = await run_in_threadpool(Catalogue, store_url(st))
    in_use = catalogue.lists()
    return render(
        request,
        st,
        "lists.html",
        in_use=in_use,
        pairs={x.name: consecutive(x.versions) for x in in_use},
        replaced=catalogue.replaced,
    )


@router.get("/lists/diff", response_class=HTMLResponse)
async def diff_page(request: Request, _user: Viewer, st: StateDep, old: int, new: int) -> Response:
    catalogue = await run_in_threadpool(Catalogue, store_url(st))
    try:
        before, after, changes = await run_in_threadpool(catalogue.diff, old, new)
    except ListError as exc:
        raise HTTPException(status_code=404, detail=exc.message) from None
    if before.list_name != after.list_name:
        raise HTTPException(
            status_code=400,
            detail=f"versions {old} and {new} are of different lists "
            f"({before.list_name}, {after.list_name})",
        )
    return render(request, st, "list_diff.html", before=before, after=after, diff=changes)


# After /lists/diff, which this path would otherwise swallow.
@router.get("/lists/{list_name}", response_class=HTMLResponse)
async def list_page(
    request: Request,
    list_name: str,
    _user: Viewer,
    st: StateDep,
    page: Annotated[int, Query(ge=1)] = 1,
) -> Response:
    catalogue = await run_in_threadpool(Catalogue, store_url(st))
    entities = await run_in_threadpool(catalogue.entities_of, list_name)
    if entities is None:
        raise HTTPException(status_code=404, detail=f"no list {list_name!r} in use")
    pages = max(1, -(-len(entities) // PAGE_SIZE))
    page = min(page, pages)
    shown = entities[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    info = next(x for x in catalogue.lists() if x.name == list_name)
    return render(
        request,
        st,
        "list.html",
        info=info,
        entities=shown,
        total=len(entities),
        page=page,
        pages=pages,
    )
