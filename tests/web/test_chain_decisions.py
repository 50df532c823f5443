"""Decisions on a chain's list risk sources, on its map page, reach the next trace (issue 17
item 5); a screening review decision on the same name and entity does too.

The example chain's HUAFU COLOR SPINNING matches two listed Huafu entities (UFLPA Entity List):
a match that spreads to every party downstream.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from sourcetrace.web.state import AppState
from sourcetrace.workspace.audit import entries, verify_chain, verify_decisions
from tests.web.conftest import wait_for_job

ROOT = Path(__file__).resolve().parents[2]
CHAIN = ROOT / "examples/chain"
HUAFU = "HUAFU COLOR SPINNING"
HUAFU_GROUP = "uflpa-89aaaa85b3c7"  # Xinjiang Huafu Color Spinning Group Co., Ltd. (UFLPA)
HUAFU_LISTED = ("Xinjiang Huafu Color Spinning Group Co., Ltd.",
                "Aksu Huafu Color Spinning Co., Ltd.")  # fmt: skip
ZHONGTAI = "新疆中泰化学股份有限公司"


def _upload(client: TestClient, token: str) -> int:
    files = {
        role: (f"{role}.csv", (CHAIN / f"{role}.csv").read_bytes(), "text/csv")
        for role in ("links", "ownership", "shipments")
    }
    return _chain_of(client, client.post("/chains", data={"csrf_token": token}, files=files))


def _chain_of(client: TestClient, response: Any) -> int:
    """The upload (or "Trace again") answers with the trace job's page; the job, done, names
    the chain."""
    assert response.status_code == 303, response.text
    status = wait_for_job(client, str(response.headers["location"]), timeout=120)
    assert status["status"] == "done" and status["kind"] == "trace", status
    return int(status["chain_url"].rsplit("/", 1)[1])


def _graph(client: TestClient, chain_id: int) -> dict[str, Any]:
    response = client.get(f"/api/chains/{chain_id}/graph")
    assert response.status_code == 200, response.text
    graph: dict[str, Any] = response.json()
    return graph


def _party(graph: dict[str, Any], label: str) -> str:
    (found,) = [n["data"]["id"] for n in graph["elements"]["nodes"] if n["data"]["label"] == label]
    return str(found)


def _resting(graph: dict[str, Any], source: str, kind: str) -> set[tuple[str, str]]:
    return {
        (f["party"], f["product"])
        for f in graph["findings"]
        if f["source"] == source and f["kind"] == kind
    }


def _keys(graph: dict[str, Any]) -> set[tuple[str, str, str, str]]:
    return {(f["party"], f["product"], f["kind"], f["source"]) for f in graph["findings"]}


def test_dismissed_on_the_map_is_gone_from_the_next_trace(
    client: TestClient, as_user: Callable[[str], str], st: AppState
) -> None:
    token = as_user("analyst")
    chain_id = _upload(client, token)
    before = _graph(client, chain_id)
    tianshan, zhongtai = _party(before, HUAFU), _party(before, ZHONGTAI)
    resting = _resting(before, tianshan, "list")
    assert len(resting) >= 5  # the match reaches the brand and four more parties

    page = client.get(f"/chains/{chain_id}").text
    assert f'action="/chains/{chain_id}/risks/decision"' in page
    assert f'name="party" value="{tianshan}"' in page

    url = f"/chains/{chain_id}/risks/decision"
    form = {"csrf_token": token, "party": tianshan, "kind": "list", "decision": "false_positive"}
    # A comment is required; the CSRF token too; the party must have such a risk source.
    assert client.post(url, data={**form, "comment": "  "}).status_code == 400
    assert client.post(url, data={**form, "csrf_token": "x", "comment": "c"}).status_code == 403
    nothing = {**form, "party": _party(before, "Harbour Garments Ltd"), "comment": "c"}
    assert client.post(url, data=nothing).status_code == 404
    assert client.post(url, data={**form, "decision": "maybe", "comment": "c"}).status_code == 400
    assert client.post(url, data={**form, "party": "x", "comment": "c"}).status_code == 400
    assert client.post(url, data={**form, "kind": "sector", "comment": "c"}).status_code == 400
    elsewhere = f"/chains/{chain_id + 100}/risks/decision"
    assert client.post(elsewhere, data={**form, "comment": "c"}).status_code == 404
    assert not [e for e in entries(st.engine) if e.action == "decision"]

    why = "Zhejiang spinner (registry extract 2026-02), not the listed Huafu companies"
    response = client.post(url, data={**form, "comment": why})
    assert response.status_code == 303, response.text
    assert response.headers["location"].startswith(f"/chains/{chain_id}?decided={tianshan}")
    confirm = {**form, "party": zhongtai, "decision": "confirmed", "comment": "same USCC"}
    assert client.post(url, data=confirm).status_code == 303
    shown = client.get(str(response.headers["location"])).text
    assert "Trace again" in shown and f"match of {HUAFU}" in shown
    # The page lists the decision beside the risk source, not yet applied to this trace.
    assert f"'{HUAFU_GROUP}' by analyst" in shown and "after this trace" in shown

    # Each decision is audited about the chain; the log still accounts for the table.
    logged = [e for e in entries(st.engine, subject=f"chain:{chain_id}") if e.action == "decision"]
    assert {(e.actor, e.details["entity_id"], e.details["decision"]) for e in logged} >= {
        ("analyst", HUAFU_GROUP, "false_positive")
    }
    assert all(e.details["comment"] for e in logged)
    assert verify_chain(st.engine) is None and verify_decisions(st.engine) == []

    # Trace again (the saved graph), as the page's button does.
    chain = client.get(f"/api/chains/{chain_id}/graph").json()
    again = client.post(
        "/chains/graph", data={"csrf_token": token, "name": _graph_name(client, chain_id)}
    )
    new_id = _chain_of(client, again)
    assert new_id != chain["id"]
    after = _graph(client, new_id)
    assert _resting(after, tianshan, "list") == set()
    gone = {(p, prod, "list", tianshan) for p, prod in resting}
    assert _keys(after) == _keys(before) - gone
    confirmed = [f for f in after["findings"] if f["source"] == zhongtai and f["kind"] == "list"]
    assert confirmed and all("confirmed by analyst at" in f["risk"] for f in confirmed)
    page = client.get(f"/chains/{new_id}").text
    assert "Dismissed before this trace" in page and why in page


def _graph_name(client: TestClient, chain_id: int) -> str:
    """The saved graph a chain traces, as its page names it."""
    page = client.get(f"/chains/{chain_id}").text
    marker = "saved as graph <code>"
    start = page.index(marker) + len(marker)
    return page[start : page.index("</code>", start)]


def test_a_viewer_cannot_decide(client: TestClient, as_user: Callable[[str], str]) -> None:
    chain_id = _upload(client, as_user("analyst"))
    tianshan = _party(_graph(client, chain_id), HUAFU)
    token = as_user("viewer")
    assert 'risks/decision"' not in client.get(f"/chains/{chain_id}").text
    response = client.post(
        f"/chains/{chain_id}/risks/decision",
        data={"csrf_token": token, "party": tianshan, "kind": "list",
              "decision": "false_positive", "comment": "not them"},
    )  # fmt: skip
    assert response.status_code == 403


def test_a_screening_review_decision_reaches_the_chain(
    client: TestClient, as_user: Callable[[str], str], tools: Any
) -> None:
    """A false positive decided in a screening job's queue for the same name and listed entity
    takes that entity off the risk source in a chain traced afterwards (the other stays)."""
    token = as_user("analyst")

    def listed_on(graph: dict[str, Any]) -> set[str]:
        spinner = _party(graph, HUAFU)
        risks = " ".join(f["risk"] for f in graph["findings"]
                         if f["source"] == spinner and f["kind"] == "list")  # fmt: skip
        return {name for name in HUAFU_LISTED if name in risks}

    assert listed_on(_graph(client, _upload(client, token))) == set(HUAFU_LISTED)
    job_url = tools.screened(client, token, "suppliers.csv",
                             f"name,country\n{HUAFU},CN\n".encode())  # fmt: skip
    job_id = job_url.rstrip("/").rsplit("/", 1)[1]
    queue = client.get(f"/jobs/{job_id}/review").text
    assert any(name in queue for name in HUAFU_LISTED)
    response = client.post(
        f"/jobs/{job_id}/rows/1/decision",
        data={"csrf_token": token, "decision": "false_positive", "comment": "not the group"},
    )
    assert response.status_code == 303, response.text
    left = listed_on(_graph(client, _upload(client, token)))
    assert len(left) == 1 and left < set(HUAFU_LISTED)
