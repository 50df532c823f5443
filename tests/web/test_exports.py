"""The results CSV and the evidence pack of a job."""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from sourcetrace.web.pdf import printer_missing
from sourcetrace.web.state import AppState
from sourcetrace.workspace import audit


def test_results_csv_has_decisions_and_no_formulas(
    client: TestClient, as_user: Callable[[str], str], suppliers: bytes, tools: Any
) -> None:
    token = as_user("analyst")
    content = suppliers + b'=HYPERLINK("http://x"),Somewhere,CN\n'
    job = tools.screened(client, token, "s.csv", content)
    client.post(
        f"{job}/rows/1/decision",
        data={"decision": "confirmed", "comment": "invoice", "csrf_token": token},
    )
    response = client.get(f"{job}/results.csv")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0]["name"] == "新疆中泰化学股份有限公司"
    assert (
        rows[0]["review"] == "confirmed"
        and rows[0]["review_by"] == "analyst"
        and rows[0]["review_comment"] == "invoice"
    )
    assert rows[2]["review"] == ""  # a clear row has nothing to review
    assert rows[-1]["name"].startswith("'=")


def test_evidence_pack(
    client: TestClient, as_user: Callable[[str], str], suppliers: bytes, tools: Any, st: AppState
) -> None:
    token = as_user("analyst")
    job = tools.screened(client, token, "s.csv", suppliers)
    client.post(
        f"{job}/rows/1/decision",
        data={"decision": "false_positive", "comment": "other firm", "csrf_token": token},
    )
    as_user("viewer")
    response = client.get(f"{job}/evidence.zip")
    assert response.status_code == 200 and response.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as zf:
        files = {name.split("/", 1)[1]: zf.read(name) for name in zf.namelist()}
    assert {
        "report.html",
        "results.csv",
        "decisions.json",
        "lists.json",
        "audit.jsonl",
        "audit-head.txt",
        "README.txt",
        "SHA256SUMS",
    } <= set(files)
    # The log's head as the pack was made, to check the log against later (audit verify --expect).
    kept = audit.head(st.engine)
    assert files["audit-head.txt"].decode().strip() == kept.line()
    assert f"Audit log head: {kept.line()} ({kept.count} entries)" in files["README.txt"].decode()
    for line in files["SHA256SUMS"].decode().splitlines():
        digest, name = line.split("  ")
        assert hashlib.sha256(files[name]).hexdigest() == digest
    report = files["report.html"].decode()
    assert "other firm" in report and "<style>" in report and "/static/app.css" not in report
    assert b'"decision": "false_positive"' in files["audit.jsonl"].replace(b'":"', b'": "')
    assert b"2026-08-10" in files["lists.json"]


def test_report_pdf(
    client: TestClient,
    as_user: Callable[[str], str],
    suppliers: bytes,
    tools: Any,
) -> None:
    token = as_user("analyst")
    job = tools.screened(client, token, "s.csv", suppliers)
    if printer_missing() is not None:
        pytest.skip(str(printer_missing()))
    response = client.get(f"{job}/report.pdf")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
