"""Upload a supplier file, screen it, review the hits, decide them, read the report.

Screening runs in the background (tests/web/test_runner.py covers how): these tests wait for it
through the JSON API, as the job page's script does.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from sourcetrace.store.workspace import jobs
from sourcetrace.web.state import AppState
from sourcetrace.workspace import audit


def _upload(client: TestClient, token: str, name: str, content: bytes) -> Any:
    return client.post(
        "/jobs",
        data={"csrf_token": token},
        files={"file": (name, content, "application/octet-stream")},
    )


def _job_count(st: AppState) -> int:
    with st.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(jobs)).scalar_one())


def test_upload_screen_review_decide_report(
    client: TestClient, as_user: Callable[[str], str], suppliers: bytes, tools: Any
) -> None:
    token = as_user("analyst")
    response = _upload(client, token, "suppliers.csv", suppliers)
    assert response.status_code == 303, response.text
    job_url = response.headers["location"]
    assert re.fullmatch(r"/jobs/\d+", job_url)
    status = tools.wait_for_job(client, job_url)
    assert status["status"] == "done" and status["rows_done"] == status["rows_total"] == 4
    assert status["counts"]["match"] >= 1 and status["error"] is None

    page = client.get(job_url)
    assert page.status_code == 200
    assert "Xinjiang Zhongtai Chemical Co. Ltd." in page.text
    # Names from the file are escaped, never markup.
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    only_clear = client.get(job_url, params={"decision": "clear"}).text
    assert "Acme Buttons GmbH" in only_clear and "新疆中泰化学股份有限公司" not in only_clear

    queue = client.get(f"{job_url}/review")
    assert queue.status_code == 200
    assert (
        "新疆中泰化学股份有限公司" in queue.text
        and "Your record" in queue.text
        and "Listed entity" in queue.text
    )
    rows = sorted({int(r) for r in re.findall(r'name="rows" value="(\d+)"', queue.text)})
    assert 1 in rows and len(rows) >= 2

    decided = client.post(
        f"{job_url}/rows/1/decision",
        data={"decision": "confirmed", "comment": "same USCC on invoice", "csrf_token": token},
    )
    assert decided.status_code == 303
    others = [r for r in rows if r != 1]
    bulk = client.post(
        f"{job_url}/decisions",
        data={
            "decision": "unsure",
            "comment": "ask supplier",
            "csrf_token": token,
            "rows": [str(r) for r in others],
        },
    )
    assert bulk.status_code == 303
    # "Unsure" does not end review: those hits stay in the queue, the confirmed one leaves it.
    left = sorted(
        {
            int(r)
            for r in re.findall(r'name="rows" value="(\d+)"', client.get(f"{job_url}/review").text)
        }
    )
    assert left == others
    assert "unsure" in client.get(job_url, params={"review": "unsure"}).text

    report = client.get(f"{job_url}/report")
    assert report.status_code == 200
    text = report.text
    assert "same USCC on invoice" in text and "analyst" in text
    assert "UFLPA" in text or "uflpa" in text
    assert "2026-08-10" in text  # the list version used
    assert "hash chain intact" in text
    assert "https://www.dhs.gov/uflpa-entity-list" in text


def test_decision_is_remembered_across_jobs(
    client: TestClient, as_user: Callable[[str], str], suppliers: bytes, tools: Any
) -> None:
    token = as_user("analyst")
    first = tools.screened(client, token, "a.csv", suppliers)
    client.post(
        f"{first}/rows/1/decision",
        data={"decision": "false_positive", "comment": "other company", "csrf_token": token},
    )
    # Same name written differently (full width, spacing) in a new file.
    second = tools.screened(client, token, "b.csv", "name\n 新疆中泰化学股份有限公司 \n".encode())
    queue = client.get(f"{second}/review").text
    # The hit is not asked again; the Xinjiang place in the name is still a lead to decide.
    assert not re.search(r'name="rows" value="\d+"', queue)
    assert 'value="1:location"' in queue
    everything = client.get(f"{second}/review", params={"show": "all"}).text
    assert "remembered from job" in everything and "False positive" in everything


def test_viewer_cannot_upload_or_decide(
    client: TestClient, as_user: Callable[[str], str], suppliers: bytes, st: AppState, tools: Any
) -> None:
    token = as_user("analyst")
    job_url = tools.screened(client, token, "suppliers.csv", suppliers)
    token = as_user("viewer")
    assert client.get(f"{job_url}/review").status_code == 200
    assert 'name="rows"' not in client.get(f"{job_url}/review").text
    refused = client.post(
        f"{job_url}/rows/1/decision", data={"decision": "confirmed", "csrf_token": token}
    )
    assert refused.status_code == 403
    assert _upload(client, token, "x.csv", suppliers).status_code == 403
    assert _job_count(st) == 1


def test_bad_uploads_store_nothing(
    client: TestClient, as_user: Callable[[str], str], st: AppState
) -> None:
    token = as_user("analyst")
    unknown = _upload(client, token, "suppliers.pdf", b"%PDF-1.4 ...")
    assert unknown.status_code == 400 and "unknown file type" in unknown.text
    empty = _upload(client, token, "empty.csv", b"")
    assert empty.status_code == 400 and "empty" in empty.text
    big = _upload(client, token, "big.csv", b"name\n" + b"Acme Ltd\n" * 30_000)
    assert big.status_code == 413 and "larger than the limit" in big.text
    assert _job_count(st) == 0


def test_unreadable_file_is_a_failed_job_with_no_results(
    client: TestClient, as_user: Callable[[str], str], st: AppState, tools: Any
) -> None:
    # Reading the file is part of the screening, after the upload has answered.
    token = as_user("analyst")
    broken = _upload(client, token, "broken.xlsx", b"not a workbook")
    assert broken.status_code == 303
    job_url = broken.headers["location"]
    status = tools.wait_for_job(client, job_url)
    assert status["status"] == "failed" and status["counts"] is None
    error = status["error"]
    assert error.startswith("broken.xlsx: ") and error.endswith("nothing was stored.")
    assert "\n" not in error and "sourcetrace-upload" not in error  # no temporary path shown
    page = client.get(job_url)
    assert (
        page.status_code == 200 and "Screening failed" in page.text and "broken.xlsx" in page.text
    )
    assert "failed" in client.get("/jobs").text
    for view in ("review", "report", "results.csv", "evidence.zip"):
        assert client.get(f"{job_url}/{view}").status_code == 409, view
    job_id = int(job_url.rsplit("/", 1)[1])
    with st.engine.connect() as conn:
        stored = conn.execute(
            select(jobs.c.results, jobs.c.counts).where(jobs.c.id == job_id)
        ).one()
    assert stored.results == [] and stored.counts == {}
    actions = [e.action for e in audit.entries(st.engine, subject=f"job:{job_id}")]
    assert actions == ["job.fail"]


def test_unknown_job_is_404(client: TestClient, as_user: Callable[[str], str]) -> None:
    as_user("viewer")
    assert client.get("/jobs/999").status_code == 404
    assert client.get("/jobs/999/report").status_code == 404


def test_results_are_paged(
    client: TestClient,
    as_user: Callable[[str], str],
    suppliers: bytes,
    monkeypatch: pytest.MonkeyPatch,
    tools: Any,
) -> None:
    from sourcetrace.web.routes import jobs as jobs_routes

    monkeypatch.setattr(jobs_routes, "PAGE_SIZE", 2)
    token = as_user("analyst")
    job_url = tools.screened(client, token, "suppliers.csv", suppliers)
    first = client.get(job_url).text
    assert "page 1 of 2" in first and "Acme Buttons GmbH" not in first
    second = client.get(job_url, params={"page": 2}).text
    assert "Acme Buttons GmbH" in second and "新疆中泰化学股份有限公司" not in second
    assert "page 2 of 2" in client.get(job_url, params={"page": 99}).text


def test_columns_named_on_the_form_are_read_as_named(
    client: TestClient, as_user: Callable[[str], str], tools: Any
) -> None:
    """Two columns hold company names; the form says which one is the supplier."""
    token = as_user("analyst")
    content = (
        b"buyer,vendor_legal_name\n"
        b"Acme Buttons GmbH,Xinjiang Zhongtai Chemical Co Ltd\n"
        b"Acme Buttons GmbH,Pacific Textiles Holdings Ltd\n"
    )

    def screen(**columns: str) -> dict[str, Any]:
        response = client.post(
            "/jobs",
            data={"csrf_token": token, **columns},
            files={"file": ("po.csv", content, "application/octet-stream")},
        )
        assert response.status_code == 303, response.text
        return dict(tools.wait_for_job(client, response.headers["location"]))

    named = screen(name_column="vendor_legal_name")
    assert named["status"] == "done" and named["counts"]["match"] == 1
    wrong = screen(name_column="supplier_nme")
    assert wrong["status"] == "failed" and "supplier_nme" in wrong["error"]
    assert wrong["error"].endswith("nothing was stored.") and "\n" not in wrong["error"]
