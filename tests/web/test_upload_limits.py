"""Issue 21's decompression bombs uploaded to the workspace: each job fails with the reader's
one line, stores no results, and the server's memory stays small (the report: 1.9 GB and
400 MB stored for the workbook, 920 MB for the Parquet file)."""

from __future__ import annotations

import resource
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from sourcetrace.store.workspace import jobs
from sourcetrace.web.app import create_app
from sourcetrace.web.config import WebConfig, load_web_config
from sourcetrace.web.state import AppState
from sourcetrace.workspace.accounts import add_user

PASSWORD = "correct horse battery"  # as the shared fixtures sign in with
GROWTH_MB = 200  # what the server process may grow by while refusing both files


@pytest.fixture()
def app(tmp_path: Path) -> FastAPI:
    """The test app with the default upload limit (50 MB): both bombs are well under it. Made
    with that limit, as the request body limits are set when the app is made."""
    app = create_app(f"sqlite:///{tmp_path / 'web.db'}", config=load_web_config())
    assert app.state.sourcetrace.config.max_upload_bytes == WebConfig().max_upload_bytes
    for name in ("admin", "analyst", "viewer"):
        add_user(app.state.sourcetrace.engine, name, name, PASSWORD)
    return app


@pytest.mark.parametrize(
    ("fixture", "name", "reason"),
    [
        ("xlsx_bomb", "suppliers.xlsx", "refused as a decompression bomb"),
        ("parquet_rows", "shipments.parquet", "holds 50,000,000 rows, over the 20,000,000 limit"),
    ],
)
def test_a_bomb_upload_is_a_failed_job_with_nothing_stored(
    client: TestClient,
    as_user: Callable[[str], str],
    st: AppState,
    tools: Any,
    request: pytest.FixtureRequest,
    fixture: str,
    name: str,
    reason: str,
) -> None:
    content = Path(request.getfixturevalue(fixture)).read_bytes()
    token = as_user("analyst")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    response = tools.upload(client, token, name, content)
    assert response.status_code == 303, response.text
    status = tools.wait_for_job(client, response.headers["location"])
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert status["status"] == "failed" and status["counts"] is None
    assert status["error"].startswith(f"{name}: ") and reason in status["error"]
    assert status["error"].endswith("nothing was stored.") and "\n" not in status["error"]
    assert grown_mb < GROWTH_MB, grown_mb
    job_id = int(response.headers["location"].rsplit("/", 1)[1])
    with st.engine.connect() as conn:
        stored = conn.execute(select(jobs.c.results).where(jobs.c.id == job_id)).scalar_one()
    assert stored == []
