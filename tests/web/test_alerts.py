"""The alert queue across jobs: one alert per supplier and entity, filters, pages, assignment."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, delete, text, update

from sourcetrace.store.workspace import assignments, jobs
from sourcetrace.web.app import create_app
from sourcetrace.workspace import audit
from sourcetrace.workspace.accounts import add_user, create_api_key

# A supplier list as analysts keep one: two listed companies (UFLPA Entity List), a supplier
# with a Xinjiang address and one with an invalid USCC, and one with nothing to see.
SUPPLIERS = (
    "name,address,country,uscc\n"
    "新疆中泰化学股份有限公司,乌鲁木齐市经济技术开发区,CN,\n"
    "Hoshine Silicon Industry Co. Ltd,Zhejiang,CN,\n"
    '"Northwest Cotton Trading Co Ltd","Urumqi, Xinjiang",CN,\n'
    '"Ningbo Bright Textile Co Ltd","Ningbo, Zhejiang",CN,913302001234567890\n'
    "Acme Buttons GmbH,Berlin,DE,\n"
).encode()
_ROW = re.compile(r'<tr id="alert-([0-9-]+(?:-[a-z]+)?)" data-state="(\w+)" data-kind="(\w+)">')


def _alerts(client: TestClient, **query: str) -> dict[str, tuple[str, str]]:
    """Alert key -> (state, kind) as the page lists them, for these filters."""
    page = client.get("/alerts", params=query)
    assert page.status_code == 200, page.text
    return {k: (s, kind) for k, s, kind in _ROW.findall(page.text)}


def _api(client: TestClient, **query: Any) -> dict[str, Any]:
    answer = client.get("/api/alerts", params=query)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def _assign(client: TestClient, token: str, keys: list[str], assignee: str, back: str = "") -> Any:
    return client.post(
        "/alerts/assign",
        data={"csrf_token": token, "alerts": keys, "assignee": assignee, "back": back},
    )


def _sourcetrace(*args: str) -> subprocess.CompletedProcess[str]:
    here = Path(sys.executable).parent / "sourcetrace"
    exe = str(here) if here.exists() else shutil.which("sourcetrace")
    assert exe, "the sourcetrace command is not installed"
    return subprocess.run(
        [exe, *args], check=False, capture_output=True, text=True, timeout=120, env=dict(os.environ)
    )


def test_every_open_item_of_every_job_is_one_alert_with_its_links(
    client: TestClient, as_user: Callable[[str], str], tools: Any
) -> None:
    token = as_user("analyst")
    first = tools.screened(client, token, "suppliers.csv", SUPPLIERS)
    job1 = first.rsplit("/", 1)[1]
    found = _alerts(client)
    assert found == {
        f"{job1}-1": ("open", "hit"),
        f"{job1}-1-location": ("open", "location"),
        f"{job1}-2": ("open", "hit"),
        f"{job1}-3-location": ("open", "location"),
        f"{job1}-4-identifier": ("open", "identifier"),
    }
    # The same supplier in a later job is the same alert, shown at its newest row.
    again = tools.screened(
        client, token, "new.csv", b"name\nfoo\nHoshine Silicon Industry Co. Ltd\n"
    )
    job2 = again.rsplit("/", 1)[1]
    found = _alerts(client)
    assert f"{job1}-2" not in found and found[f"{job2}-2"] == ("open", "hit")
    assert len(found) == 5
    page = client.get("/alerts").text
    assert "also in 1 earlier job" in page

    # Each alert links to its job, its card in the job's queue and the listed entity's page.
    body = _api(client)
    hoshine = next(a for a in body["alerts"] if a["key"] == f"{job2}:2")
    assert hoshine["job_ids"] == [int(job1), int(job2)]
    links = hoshine["links"]
    assert links["job"] in page and links["entity"] in page
    assert links["row"].replace("&", "&amp;") in page
    assert client.get(links["job"]).status_code == 200
    card = client.get(links["row"].split("#")[0]).text
    assert f'id="{links["row"].split("#")[1]}"' in card
    entity = client.get(links["entity"])
    assert entity.status_code == 200 and "Hoshine" in entity.text
    signal = next(a for a in body["alerts"] if a["key"] == f"{job1}:3:location")
    assert signal["links"]["entity"] is None and signal["signals"]
    # The navigation leads to the page.
    assert '<a href="/alerts">Alerts</a>' in client.get("/jobs").text


def test_filters_by_decision_kind_list_and_age(
    app: FastAPI, client: TestClient, as_user: Callable[[str], str], tools: Any
) -> None:
    token = as_user("analyst")
    job = tools.screened(client, token, "suppliers.csv", SUPPLIERS)
    job_id = job.rsplit("/", 1)[1]
    decided = client.post(
        f"{job}/rows/2/decision", data={"decision": "confirmed", "comment": "", "csrf_token": token}
    )
    assert decided.status_code == 303
    unsure = client.post(
        f"{job}/rows/3/decision",
        data={"kind": "location", "decision": "unsure", "comment": "", "csrf_token": token},
    )
    assert unsure.status_code == 303

    pending = _alerts(client)
    assert f"{job_id}-2" not in pending  # decided: out of the work left
    assert pending[f"{job_id}-3-location"] == ("unsure", "location")  # unsure stays to decide
    assert set(_alerts(client, state="decided")) == {f"{job_id}-2"}
    assert set(_alerts(client, state="unsure")) == {f"{job_id}-3-location"}
    assert set(_alerts(client, state="open")) == {
        f"{job_id}-1", f"{job_id}-1-location", f"{job_id}-4-identifier"
    }  # fmt: skip
    assert len(_alerts(client, state="all")) == 5
    assert set(_alerts(client, kind="identifier")) == {f"{job_id}-4-identifier"}

    # The list filter offers the lists the alerts name, and keeps the hits on that list.
    body = _api(client, state="all")
    lists = {a["key"]: a["lists"] for a in body["alerts"]}
    zhongtai, hoshine = lists[f"{job_id}:1"], lists[f"{job_id}:2"]
    assert any("UFLPA" in n for n in zhongtai) and lists[f"{job_id}:4:identifier"] == []
    only_zhongtai = next(n for n in zhongtai if n not in hoshine)
    only_hoshine = next(n for n in hoshine if n not in zhongtai)
    assert set(_alerts(client, state="all", list=only_zhongtai)) == {f"{job_id}-1"}
    assert set(_alerts(client, state="all", list=only_hoshine)) == {f"{job_id}-2"}
    assert f'<option value="{only_hoshine}"' in client.get("/alerts").text
    assert _alerts(client, list="No Such List") == {}

    # Age: a job uploaded ten days ago raised older alerts, listed first.
    engine = app.state.sourcetrace.engine
    old = (datetime.now(UTC) - timedelta(days=10)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    with engine.begin() as conn:
        conn.execute(update(jobs).where(jobs.c.id == int(job_id)).values(created_at=old))
    newer = tools.screened(
        client, token, "later.csv", b"name,address\nKashgar Fresh Foods Co,Kashgar Xinjiang\n"
    )
    newer_id = newer.rsplit("/", 1)[1]
    assert f"{newer_id}-1-location" in _alerts(client)
    assert f"{newer_id}-1-location" not in _alerts(client, older_than="5")
    assert len(_alerts(client, older_than="5")) == 4
    assert _alerts(client, older_than="11") == {}
    ages = _api(client)["alerts"]
    assert [a["age_days"] for a in ages] == [10, 10, 10, 10, 0]
    assert next(iter(_alerts(client, sort="newest"))) == f"{newer_id}-1-location"
    # A filter value that means nothing is refused, not ignored.
    bad = client.get("/alerts", params={"state": "closed"})
    assert bad.status_code == 400 and "choose one of" in bad.text


def test_assignment_with_its_audit_entry_and_filters(
    app: FastAPI, client: TestClient, as_user: Callable[[str], str], tools: Any
) -> None:
    token = as_user("analyst")
    job = tools.screened(client, token, "suppliers.csv", SUPPLIERS)
    job_id = job.rsplit("/", 1)[1]
    keys = [f"{job_id}:1", f"{job_id}:3:location"]
    done = _assign(client, token, keys, "admin", back="state=all&reviewer=admin&evil=//x.org")
    assert done.status_code == 303
    assert done.headers["location"] == "/alerts?state=all&reviewer=admin"
    assert set(_alerts(client, reviewer="admin")) == {f"{job_id}-1", f"{job_id}-3-location"}
    assert len(_alerts(client, reviewer="none")) == 3
    assert _alerts(client, reviewer="me") == {}
    mine = _assign(client, token, [f"{job_id}:2"], "me")
    assert mine.status_code == 303
    assert set(_alerts(client, reviewer="me")) == {f"{job_id}-2"}

    # The admin sees the two given to them under "assigned to me", from the page and the API.
    as_user("admin")
    assert set(_alerts(client, reviewer="me")) == {f"{job_id}-1", f"{job_id}-3-location"}
    assert {a["assignee"] for a in _api(client, reviewer="me")["alerts"]} == {"admin"}

    # A script with the admin's API key asks the same of the JSON API.
    key = create_api_key(app.state.sourcetrace.engine, "admin", "alerts script", actor="admin")
    client.cookies.clear()
    scripted = client.get(
        "/api/alerts", params={"reviewer": "me"}, headers={"Authorization": f"ApiKey {key}"}
    )
    assert scripted.status_code == 200, scripted.text
    assert {a["key"] for a in scripted.json()["alerts"]} == {f"{job_id}:1", f"{job_id}:3:location"}
    assert client.get("/api/alerts").status_code == 401

    # An assignment follows the alert into a later job that raises it again.
    token = as_user("analyst")
    again = tools.screened(client, token, "again.csv", "name\n新疆中泰化学股份有限公司\n".encode())
    again_id = again.rsplit("/", 1)[1]
    assert f"{again_id}-1" in _alerts(client, reviewer="admin")

    # Unassigning; refusals: a viewer, an account that may not decide, an unknown alert, no token.
    assert _assign(client, token, [f"{job_id}:3:location"], "").status_code == 303
    assert set(_alerts(client, reviewer="admin")) == {f"{again_id}-1"}
    viewer_refused = _assign(client, token, [f"{job_id}:2"], "viewer")
    assert (
        viewer_refused.status_code == 400
        and "not an active analyst or admin" in viewer_refused.text
    )
    unknown = _assign(client, token, [f"{job_id}:5"], "admin")
    assert unknown.status_code == 400 and f"no such alert: {job_id}:5" in unknown.text
    for odd in ("²:1", "99999999999999999999:1", "x", f"{job_id}:"):
        strange = _assign(client, token, [odd], "admin")
        assert strange.status_code == 400 and "alert" in strange.text, odd
    nothing = _assign(client, token, [], "admin")
    assert nothing.status_code == 400
    no_token = client.post("/alerts/assign", data={"alerts": [f"{job_id}:2"], "assignee": "admin"})
    assert no_token.status_code == 403
    viewer_token = as_user("viewer")
    assert _assign(client, viewer_token, [f"{job_id}:2"], "viewer").status_code == 403
    assert 'action="/alerts/assign"' not in client.get("/alerts").text

    # Each assignment is in the audit log; the chain and the decisions' replay stay intact.
    engine = app.state.sourcetrace.engine
    logged = [e for e in audit.entries(engine) if e.action == "assignment"]
    assert [(e.actor, e.details["assignee"], e.details["row"]) for e in logged] == [
        ("analyst", "admin", 1), ("analyst", "admin", 3), ("analyst", "analyst", 2),
        ("analyst", "", 3),
    ]  # fmt: skip
    assert logged[1].details["entity_id"] == "signal:location"
    assert logged[0].subject == f"job:{job_id}"
    url = str(engine.url.render_as_string(hide_password=False))
    verified = _sourcetrace("audit", "verify", "--db", url)
    assert verified.returncode == 0, verified.stdout + verified.stderr

    # The assignments are replayed against their entries: an edit of the table shows.
    with engine.begin() as conn:
        conn.execute(update(assignments).where(assignments.c.id == 1).values(assignee="viewer"))
        conn.execute(delete(assignments).where(assignments.c.id == 4))
    broken = _sourcetrace("audit", "verify", "--db", url)
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert (
        "assignment 1: table says to viewer by analyst, the log says to admin by analyst "
        "(differs in assignee)" in broken.stderr
    )
    assert "assignment 4: the log says to nobody by analyst, the table has no such row" in (
        broken.stderr
    )


def test_a_long_queue_is_shown_a_page_at_a_time(
    client: TestClient, as_user: Callable[[str], str], tools: Any
) -> None:
    token = as_user("analyst")
    rows = "".join(f"Tianshan Supplier {i} Co Ltd,乌鲁木齐市新市区{i}号\n" for i in range(1, 121))
    tools.screened(client, token, "many.csv", f"name,address\n{rows}".encode())
    first = _alerts(client)
    second = _alerts(client, page="2")
    third = _alerts(client, page="3")
    assert len(first) == 50 and len(second) == 50 and len(third) == 20
    assert not set(first) & set(second)
    assert "page 1 of 3" in client.get("/alerts").text
    assert _alerts(client, page="99") == third  # past the end: the last page
    body = _api(client, size=200)
    assert body["matching"] == 120 and len(body["alerts"]) == 120 and body["pages"] == 1
    assert [a["row"] for a in body["alerts"]] == list(range(1, 121))  # oldest, then input order


PG_SERVER = os.environ.get("SOURCETRACE_TEST_PG_URL")


@pytest.fixture()
def pg_url() -> Iterator[str]:
    if not PG_SERVER:
        pytest.skip("set SOURCETRACE_TEST_PG_URL to test on PostgreSQL")
    name = f"st_alerts_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield f"{PG_SERVER.rsplit('/', 1)[0]}/{name}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


def test_alerts_and_assignment_on_postgresql(pg_url: str, tools: Any) -> None:
    app = create_app(pg_url)
    engine = app.state.sourcetrace.engine
    for name in ("analyst", "admin"):
        add_user(engine, name, name, tools.password)
    with TestClient(app, follow_redirects=False) as client:
        token = tools.login(client, "analyst")
        job_id = tools.screened(client, token, "suppliers.csv", SUPPLIERS).rsplit("/", 1)[1]
        again = tools.screened(
            client, token, "again.csv", b"name\nHoshine Silicon Industry Co. Ltd\n"
        )
        again_id = again.rsplit("/", 1)[1]
        assert len(_alerts(client)) == 5 and f"{again_id}-1" in _alerts(client)
        assert (
            _assign(client, token, [f"{again_id}:1", f"{job_id}:4:identifier"], "admin").status_code
            == 303
        )
        tools.login(client, "admin")
        assert set(_alerts(client, reviewer="me")) == {f"{again_id}-1", f"{job_id}-4-identifier"}
        assert set(_alerts(client, kind="identifier", reviewer="admin")) == {
            f"{job_id}-4-identifier"
        }
        assert _api(client, state="decided")["matching"] == 0
    assert [e.details["assignee"] for e in audit.entries(engine) if e.action == "assignment"] == [
        "admin", "admin"
    ]  # fmt: skip
    assert audit.verify(engine).intact
    engine.dispose()
