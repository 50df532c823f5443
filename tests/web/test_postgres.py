"""The workspace on PostgreSQL: upload, decide, remember, report, with the audit chain intact.

Runs when ``SOURCETRACE_TEST_PG_URL`` names a server (``postgresql+psycopg://user@host:port/db``);
a database is made for the test and dropped afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from sourcetrace.web.app import create_app
from sourcetrace.workspace import audit
from sourcetrace.workspace.accounts import add_user

SERVER = os.environ.get("SOURCETRACE_TEST_PG_URL")
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "chain"
pytestmark = pytest.mark.skipif(
    not SERVER, reason="set SOURCETRACE_TEST_PG_URL to test on PostgreSQL"
)


@pytest.fixture()
def pg_url() -> Iterator[str]:
    assert SERVER
    name = f"st_web_{uuid.uuid4().hex[:10]}"
    admin = create_engine(SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield f"{SERVER.rsplit('/', 1)[0]}/{name}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


def test_flow_on_postgresql(pg_url: str, suppliers: bytes, tools: Any) -> None:
    app = create_app(pg_url)
    engine = app.state.sourcetrace.engine
    add_user(engine, "analyst", "analyst", tools.password)
    with TestClient(app, follow_redirects=False) as client:
        token = tools.login(client, "analyst")
        job = client.post(
            "/jobs", data={"csrf_token": token}, files={"file": ("s.csv", suppliers, "text/csv")}
        )
        assert job.status_code == 303, job.text
        url = job.headers["location"]
        assert tools.wait_for_job(client, url)["status"] == "done"
        decided = client.post(
            f"{url}/rows/1/decision",
            data={"decision": "confirmed", "comment": "c", "csrf_token": token},
        )
        assert decided.status_code == 303
        again = client.post(
            "/jobs",
            data={"csrf_token": token},
            files={"file": ("t.csv", "name\n新疆中泰化学股份有限公司\n".encode(), "text/csv")},
        )
        assert tools.wait_for_job(client, again.headers["location"])["status"] == "done"
        # The hit is remembered; the Xinjiang place in the name stays a lead to decide.
        queue = client.get(f"{again.headers['location']}/review").text
        assert 'value="1:location"' in queue and 'name="rows" value="1"' not in queue
        assert "hash chain intact" in client.get(f"{url}/report").text
        body = client.post(
            "/match/default",
            json={
                "queries": {
                    "q": {"schema": "Company", "properties": {"name": ["新疆中泰化学股份有限公司"]}}
                }
            },
        )
        assert body.json()["responses"]["q"]["results"][0]["match"] is True
        # A chain is traced by a child process of the server, which reaches the same store.
        roles = ("links", "ownership", "shipments")
        chain = client.post(
            "/chains",
            data={"csrf_token": token},
            files={r: (f"{r}.csv", (EXAMPLE / f"{r}.csv").read_bytes(), "text/csv") for r in roles},
        )
        traced = tools.wait_for_job(client, chain.headers["location"], 120)
        assert traced["status"] == "done" and traced["kind"] == "trace", traced
        graph = client.get(f"/api{traced['chain_url']}/graph").json()
        assert len(graph["elements"]["nodes"]) == 9
    assert audit.verify_chain(engine) is None
    engine.dispose()
