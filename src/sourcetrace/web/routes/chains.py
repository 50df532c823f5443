"""Supply chains: upload links (and ownership, shipments), trace them, and read the map.

The map page draws the chain with the vendored Cytoscape.js from ``GET /api/chains/{id}/graph``
(the one JSON route here, in the OpenAPI schema); the findings table under it is rendered on the
server, so the page reads without script too.

An upload is read, checked and counted in the request (no party is resolved or screened): a
bad file or a chain larger than the map takes (:attr:`~sourcetrace.settings.Settings.
map_max_links` links or holdings) is refused at once, with nothing stored. The tracing itself,
screening every party included, is a background job (:meth:`~sourcetrace.web.runner.JobRunner.
add_trace`) held to a time and a memory limit: the request answers with the job's page, which
links to the map when it is done.

A chain is deleted whole, by the analyst who uploaded it or by an admin; the audit log keeps
that it was (files by name and hash, counts), not its contents.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field
from starlette.datastructures import UploadFile

from sourcetrace.errors import SourcetraceError
from sourcetrace.tracing import saved_graphs
from sourcetrace.web.config import UPLOAD_SUFFIXES
from sourcetrace.web.pages import redirect, render
from sourcetrace.web.routes.risk_decisions import decidable
from sourcetrace.web.runner import upload_folder
from sourcetrace.web.security import Analyst, ApiViewer, Viewer, checked_form
from sourcetrace.web.state import AppState, ItemId, StateDep
from sourcetrace.web.uploads import UploadRefused, save_upload, too_big, upload_name
from sourcetrace.web.wording import CHAIN_FIELDS, web_words
from sourcetrace.workspace.accounts import User
from sourcetrace.workspace.chains import (
    Chain,
    chain_export,
    get_chain,
    list_chains,
    remove_chain,
    unmapped_graphs,
)
from sourcetrace.workspace.jobs import list_jobs
from sourcetrace.workspace.maps import (
    ROLES,
    ChainSize,
    Upload,
    map_view,
    survey_files,
)
from sourcetrace.workspace.risk_decisions import StoreDecisions

router = APIRouter(tags=["Supply chains"])
Severity = Literal["low", "medium", "high"]


class Risk(BaseModel):
    """Why a party is a starting point of risk, with its provenance."""

    kind: str = Field(examples=["list"], description="list, cbp_wro, xinjiang_location, "
                      "uscc_xinjiang, sector or mass_balance")  # fmt: skip
    label: str = Field(examples=["On an official list"])
    severity: Severity
    detail: str
    provenance: str


class Step(BaseModel):
    """One hop of a finding's path, downstream: goods sold, or a holding."""

    start: str = Field(description="Element id of the party the goods or the holding come from.")
    end: str = Field(description="Element id of the party they reach.")
    kind: Literal["supply", "ownership"]
    product: str
    text: str = Field(description="The hop in words, as the findings CSV's evidence gives it.")
    basis: Literal["inferred", "declared", "observed"]
    evidence: str
    edges: list[str] = Field(description="Element ids of the links it stands for (parallel "
                             "links, same parties, product and HS code, are one hop).")  # fmt: skip


class ChainFinding(BaseModel):
    """A risk reaching a party along one path: a row of the findings CSV, with the path's ids."""

    id: int = Field(description="Stable within the chain (also when filtered by product).")
    node: str = Field(description="The party's name.")
    party: str = Field(description="The party's element id.")
    product: str = Field(description="What the party receives along the path (may be empty).")
    kind: str = Field(description="The kind of risk, as in Risk.kind.")
    risk: str
    severity: Severity
    source: str = Field(description="Element id of the party where the risk starts.")
    nodes: list[str] = Field(description="Element ids along the path, source first.")
    path: str
    hops: int
    basis: str = Field(description="The path's weakest link; empty for the source itself.")
    evidence: str
    checklist: str = Field(description="The documents that would clear it (CBP guidance).")
    steps: list[Step]


class NodeData(BaseModel):
    id: str = Field(examples=["party-5"])
    label: str
    names: list[str] = Field(description="Every spelling the files use for the party.")
    addresses: list[str]
    countries: list[str]
    identifiers: list[str]
    risks: list[Risk] = Field(description="The party's own risks, worst first.")
    risk: str = Field(description="Kind of its worst risk, which colours it; empty if none.")
    severity: Severity | Literal[""]
    exposure: Severity | Literal[""] = Field(
        description="Worst severity of the findings whose path reaches it from another party."
    )
    findings: list[int] = Field(description="Ids of the findings about this party.")


class EdgeData(BaseModel):
    id: str = Field(examples=["link-3"])
    source: str
    target: str
    kind: Literal["supplies", "owns"]
    product: str | None = None
    hs_code: str | None = None
    quantity: float | None = None
    unit: str | None = None
    share: float | None = Field(None, description="Percent held (ownership).")
    date: str | None = Field(None, description="The link's date as the file gives it.")
    basis: str
    evidence: str
    read_from: str = Field("", description="File and row it was read from (empty for a chain "
                           "uploaded before it was kept).", examples=["links.csv row 3"])  # fmt: skip
    extra: dict[str, str] = Field(
        default_factory=dict,
        description="The file's other columns for this row, by header (empty cells left out).",
        examples=[{"PO Number": "NW-2026-031"}],
    )
    exposure: Severity | Literal[""] = Field(
        description="Worst severity of the findings whose path runs along it."
    )


class NodeElement(BaseModel):
    data: NodeData
    classes: str = Field(examples=["risk risk-list exposed-high"])


class EdgeElement(BaseModel):
    data: EdgeData
    classes: str = Field(examples=["path-high"])


class Elements(BaseModel):
    nodes: list[NodeElement]
    edges: list[EdgeElement]


class RiskKind(BaseModel):
    kind: str
    label: str


class ChainGraph(BaseModel):
    """A traced chain as Cytoscape.js elements, with its findings."""

    id: int
    name: str = Field(examples=["links.csv"])
    product: str | None = Field(description="The product the map is limited to, if any.")
    products: list[str] = Field(description="The products of the chain's supply links.")
    elements: Elements
    findings: list[ChainFinding] = Field(description="Worst severity first.")
    risk_kinds: list[RiskKind] = Field(description="The legend, in the order that colours win.")


def _load(st: AppState, chain_id: int, product: str) -> tuple[Chain, dict[str, Any]]:
    """A chain and its :func:`~sourcetrace.workspace.maps.map_view`: 404 for an unknown chain or
    product."""
    chain = get_chain(st.engine, chain_id)
    cytoscape = chain_export(st.engine, chain_id, "cytoscape")
    if chain is None or chain.map is None or cytoscape is None:
        raise HTTPException(status_code=404, detail=f"no supply chain {chain_id}")
    if product and product not in chain.map["products"]:
        raise HTTPException(status_code=404, detail=f"chain {chain.id} has no product {product!r}")
    return chain, map_view(chain.map, cytoscape, product)


@router.get(
    "/api/chains/{chain_id}/graph",
    response_model=ChainGraph,
    responses={404: {"description": "No such chain, or no such product in it."}},
)
async def chain_graph(chain_id: ItemId, _user: ApiViewer, st: StateDep, product: str = "") -> Any:
    """A traced supply chain as Cytoscape.js elements and findings; ``product`` limits it to
    the supply links of one product and the findings about it (and the paths they take)."""
    chain, view = await run_in_threadpool(_load, st, chain_id, product)
    return {"id": chain.id, "name": chain.name, **view}


@router.get("/chains", response_class=HTMLResponse, include_in_schema=False)
def chains_page(request: Request, user: Viewer, st: StateDep) -> Response:
    return _chains_page(request, st, user, error=None)


def _chains_page(
    request: Request, st: AppState, user: User, error: str | None, status_code: int = 200
) -> Response:
    return render(
        request,
        st,
        "chains.html",
        status_code=status_code,
        chains=list_chains(st.engine),
        graphs=unmapped_graphs(st.engine),
        tracing=[j for j in list_jobs(st.engine, 20, kind="trace") if not j.done],
        error=error,
        suffixes=", ".join(UPLOAD_SUFFIXES),
        max_mb=round(st.config.max_upload_bytes / 1024 / 1024, 1),
        can_upload=user.can("analyst"),
    )


@router.post("/chains", response_class=HTMLResponse, include_in_schema=False)
async def upload(request: Request, user: Analyst, st: StateDep) -> Response:
    limit = st.config.max_upload_bytes
    length = request.headers.get("content-length", "")
    # Refuse an oversized body before reading it: each of the files may reach the limit.
    if length.isdigit() and int(length) > len(ROLES) * limit + 64 * 1024:
        return _chains_page(request, st, user, too_big(limit), status_code=413)
    form = await checked_form(request)
    folder = upload_folder("chain")
    try:
        uploads: dict[str, Upload] = {}
        for role in ROLES:
            item = form.get(role)
            if isinstance(item, UploadFile) and item.filename:
                uploads[role] = await _keep(item, role, folder, limit)
        if "links" not in uploads:
            raise UploadRefused("Choose a supply-links file to upload; nothing was stored.")
        # Read, checked and counted, no name screened: cheap, and a bad file is refused now.
        counted = await run_in_threadpool(survey_files, uploads)
        _within(counted, uploads, st.settings.map_max_links)
        links = uploads["links"]
        # From here the runner owns the folder: it traces the copies, then deletes them.
        job_id = await run_in_threadpool(
            st.runner.add_trace, folder, filename=links.filename, file_hash=links.file_hash,
            actor=user.username,
            uploads={r: (u.path, u.filename, u.file_hash) for r, u in uploads.items()},
            counts={"links": counted.links, "holdings": counted.holdings,
                    "party_names": counted.spellings},
        )  # fmt: skip
    except UploadRefused as exc:
        shutil.rmtree(folder, ignore_errors=True)
        return _chains_page(request, st, user, str(exc), status_code=400)
    except SourcetraceError as exc:
        shutil.rmtree(folder, ignore_errors=True)
        message = f"{web_words(exc.line(), CHAIN_FIELDS)}. Nothing was stored."
        return _chains_page(request, st, user, message, status_code=400)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    finally:
        await form.close()
    return redirect(f"/jobs/{job_id}")


FIELDS = {"links": "Supply links", "ownership": "Ownership", "shipments": "Shipments"}
"""The upload form's fields, as it labels them."""


def _within(counted: ChainSize, uploads: dict[str, Upload], limit: int) -> None:
    """Refuse a chain larger than the map takes, naming the form's field and the file."""
    if counted.links > limit:
        files = " and ".join(f"{FIELDS[r]} ({uploads[r].filename})"
                             for r in ("links", "shipments") if r in uploads)  # fmt: skip
        raise UploadRefused(
            f"{files}: {counted.links:,} links; a chain on the map may have at most "
            f"{limit:,}. Nothing was stored. Trace a chain this large with the command "
            "(sourcetrace trace)."
        )
    if counted.holdings > limit:
        raise UploadRefused(
            f"{FIELDS['ownership']} ({uploads['ownership'].filename}): {counted.holdings:,} "
            f"holdings; a chain on the map may have at most {limit:,}. Nothing was stored."
        )


@router.post("/chains/graph", response_class=HTMLResponse, include_in_schema=False)
async def map_graph(request: Request, user: Analyst, st: StateDep) -> Response:
    """Trace a graph saved by the command (``sourcetrace trace --save NAME``) for the map, as a
    background job."""
    form = await checked_form(request)
    name = str(form.get("name") or "")
    await form.close()
    url = st.engine.url.render_as_string(hide_password=False)
    saved = {g.name: g for g in await run_in_threadpool(saved_graphs, url)}
    limit = st.settings.map_max_links
    if name not in saved:
        message = f"There is no graph named {name!r} in this workspace; nothing was stored."
        return _chains_page(request, st, user, message, status_code=400)
    if saved[name].links > limit or saved[name].holdings > limit:
        message = (
            f"Graph {name!r}: {saved[name].links:,} links and {saved[name].holdings:,} "
            f"holdings; a chain on the map may have at most {limit:,} of each. Nothing was "
            "stored."
        )
        return _chains_page(request, st, user, message, status_code=400)
    counts = {"links": saved[name].links, "holdings": saved[name].holdings,
              "parties": saved[name].parties}  # fmt: skip
    job_id = await run_in_threadpool(
        st.runner.add_trace, None, filename=name, file_hash="", actor=user.username, graph=name,
        counts=counts,
    )  # fmt: skip
    return redirect(f"/jobs/{job_id}")


async def _keep(item: UploadFile, role: str, folder: Path, limit: int) -> Upload:
    """Copy one uploaded file into ``folder``, refusing an unknown type, an empty or a big file."""
    filename, suffix = upload_name(item.filename or "", " Nothing was stored.")
    path = folder / f"{role}{suffix}"
    digest = await save_upload(item, path, limit)
    return Upload(role=role, path=path, filename=filename, file_hash=digest)


@router.get("/chains/{chain_id}", response_class=HTMLResponse, include_in_schema=False)
def chain_page(
    request: Request,
    chain_id: ItemId,
    user: Viewer,
    st: StateDep,
    product: str = "",
    decided: str = "",
) -> Response:
    chain, view = _load(st, chain_id, product)
    query = f"?{urlencode({'product': product})}" if product else ""
    return render(
        request,
        st,
        "chain.html",
        chain=chain,
        product=product,
        products=view["products"],
        findings=view["findings"],
        risk_kinds=view["risk_kinds"],
        graph_url=f"/api/chains/{chain.id}/graph{query}",
        can_delete=_may_delete(user, chain),
        risk_sources=decidable(view, StoreDecisions(st.engine)),
        dismissed=(chain.map or {}).get("dismissed", []),
        can_decide=user.can("analyst"),
        decided=decided,
    )


def _may_delete(user: User, chain: Chain) -> bool:
    return user.can("admin") or (user.can("analyst") and chain.created_by == user.username)


@router.post("/chains/{chain_id}/delete", include_in_schema=False)
async def remove(request: Request, chain_id: ItemId, user: Analyst, st: StateDep) -> Response:
    """Delete a chain: the analyst who uploaded it, or an admin."""
    form = await checked_form(request)
    await form.close()
    chain = await run_in_threadpool(get_chain, st.engine, chain_id)
    if chain is None:
        raise HTTPException(status_code=404, detail=f"no supply chain {chain_id}")
    if not _may_delete(user, chain):
        raise HTTPException(
            status_code=403,
            detail="only the analyst who uploaded a chain, or an admin, may delete it",
        )
    await run_in_threadpool(remove_chain, st.engine, chain_id, user.username)
    return redirect("/chains")


def _download(st: AppState, chain_id: int, export: str, media_type: str, name: str) -> Response:
    text = chain_export(st.engine, chain_id, export)
    if text is None:
        raise HTTPException(status_code=404, detail=f"no supply chain {chain_id}")
    if export == "findings_csv":
        text = "\ufeff" + text  # so that spreadsheet programs read the names as UTF-8
    return Response(
        text,
        media_type=media_type,
        headers={
            "Content-Disposition": f'attachment; filename="sourcetrace-chain-{chain_id}{name}"'
        },
    )


@router.get("/chains/{chain_id}/chain.graphml", include_in_schema=False)
def graphml_download(chain_id: ItemId, _user: Viewer, st: StateDep) -> Response:
    return _download(st, chain_id, "graphml", "application/graphml+xml; charset=utf-8", ".graphml")


@router.get("/chains/{chain_id}/chain.cytoscape.json", include_in_schema=False)
def cytoscape_download(chain_id: ItemId, _user: Viewer, st: StateDep) -> Response:
    return _download(st, chain_id, "cytoscape", "application/json", ".cytoscape.json")


@router.get("/chains/{chain_id}/findings.csv", include_in_schema=False)
def findings_download(chain_id: ItemId, _user: Viewer, st: StateDep) -> Response:
    return _download(st, chain_id, "findings_csv", "text/csv; charset=utf-8", "-findings.csv")
