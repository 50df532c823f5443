"""Decisions on a supply chain's list risk sources, from its map page.

A party's ``list`` or ``cbp_wro`` risk source rests on the listed entities its names matched;
an analyst decides it (confirmed, false positive, unsure) with a comment saying why, and the
decision is stored per entity as a screening review decision is
(:mod:`sourcetrace.workspace.risk_decisions`), with its audit entries. It applies from the next
trace of the chain (the page offers one) and to every other trace and screening of that name
against that entity: the stored map is what was traced, and is not rewritten.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from fastapi import APIRouter, HTTPException
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from sourcetrace.errors import ConfigError, SourcetraceError
from sourcetrace.graph.decisions import LISTED_KINDS
from sourcetrace.model import name_key
from sourcetrace.tracing import risk_hits, trace_lists
from sourcetrace.web.pages import redirect, store_url
from sourcetrace.web.security import Analyst, CheckedForm
from sourcetrace.web.state import ItemId, StateDep
from sourcetrace.workspace import REVIEW_DECISIONS
from sourcetrace.workspace.chains import get_chain
from sourcetrace.workspace.risk_decisions import StoreDecisions, decide_source

router = APIRouter(include_in_schema=False)
MAX_COMMENT = 4000
PARTY_PREFIX = "party-"
"""Parties are named in forms by their map element id (``party-<index>``)."""


def decidable(view: dict[str, Any], book: StoreDecisions | None = None) -> list[dict[str, Any]]:
    """The parties of a map view with a list risk source, one row per risk source (element id,
    name, kind, severity, detail, provenance), with the decisions ``book`` holds on the party's
    names for the entities it names (``decisions``, newest first; they apply from the next
    trace): what the chain page offers to decide."""
    rows = []
    for node in view["elements"]["nodes"]:
        data = node["data"]
        for risk in data.get("risks", []):
            if risk["kind"] in LISTED_KINDS:
                rows.append({"party": data["id"], "name": data["label"],
                             "names": data.get("names", []), **risk})  # fmt: skip
    known = book.decided({n for r in rows for n in r["names"]}) if book and rows else []
    for row in rows:
        keys = {name_key(n) for n in row["names"]}
        # The provenance names each entity the risk source rests on as "<entity id>: <lists>".
        row["decisions"] = sorted(
            (d for d in known
             if name_key(d.name) in keys and f"{d.entity_id}: " in row["provenance"]),
            key=lambda d: -d.id,
        )  # fmt: skip
    return rows


@router.post("/chains/{chain_id}/risks/decision")
async def decide_risk(chain_id: ItemId, user: Analyst, form: CheckedForm, st: StateDep) -> Response:
    """Decide one list risk source of a chain: every hit it rests on, in one transaction."""
    decision = str(form.get("decision") or "")
    if decision not in REVIEW_DECISIONS:
        raise HTTPException(status_code=400, detail=f"choose one of: {', '.join(REVIEW_DECISIONS)}")
    comment = str(form.get("comment") or "")[:MAX_COMMENT].strip()
    if not comment:
        # One decision here reaches every finding downstream: the reason is always asked.
        raise HTTPException(status_code=400, detail="a decision on a risk source needs a comment "
                            "giving the reason or the evidence")  # fmt: skip
    party, kind = str(form.get("party") or ""), str(form.get("kind") or "")
    index = party.removeprefix(PARTY_PREFIX)
    if not party.startswith(PARTY_PREFIX) or not index.isdigit() or kind not in LISTED_KINDS:
        raise HTTPException(status_code=400, detail="name a party and a list risk kind to decide")
    chain = await run_in_threadpool(get_chain, st.engine, chain_id)
    if chain is None:
        raise HTTPException(status_code=404, detail=f"no supply chain {chain_id}")
    if chain.graph is None:
        raise HTTPException(status_code=409, detail=f"chain {chain_id}'s graph was deleted")
    url = store_url(st)
    try:
        lists = await run_in_threadpool(trace_lists, url, st.settings)
        name, hits = await run_in_threadpool(risk_hits, chain.graph, int(index), kind, lists, url)
    except SourcetraceError as exc:
        raise HTTPException(status_code=409, detail=exc.line()) from None
    if not hits:
        raise HTTPException(
            status_code=404, detail=f"{party} of chain {chain_id} has no {kind} risk source now"
        )
    try:
        await run_in_threadpool(
            partial(decide_source, decision=decision, comment=comment, username=user.username),
            st.engine, chain_id, name, hits,
        )  # fmt: skip
    except ConfigError as exc:
        raise HTTPException(status_code=400, detail=exc.line()) from None
    return redirect(f"/chains/{chain_id}?decided={party}#risk-sources")
