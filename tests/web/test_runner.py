"""Screening in the background: the upload answers at once, the job's state is in the store.

The real app through TestClient, with the screening held at a gate where a test needs to see a
job queued or running; and a real server killed in the middle of a job, then started again.
"""

from __future__ import annotations

import dataclasses
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from sourcetrace.store.engine import make_engine
from sourcetrace.store.workspace import jobs
from sourcetrace.web import runner as runner_module
from sourcetrace.web.app import create_app
from sourcetrace.web.runner import INTERRUPTED, remove_orphaned_uploads, upload_folder
from sourcetrace.web.state import AppState
from sourcetrace.workspace import audit
from sourcetrace.workspace.accounts import add_user, create_api_key
from sourcetrace.workspace.jobs import get_job, queue_job


@pytest.fixture()
def gate(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Holds every screening half-way (2 of 4 rows reported) until the test sets it."""
    gate = threading.Event()
    real = runner_module.screen

    def held(path: Path, **kwargs: Any) -> Any:
        progress = kwargs["progress"]
        progress(2, 4)
        while not gate.wait(0.02):
            progress(0, 4)  # as the real one does between rows; raises when the runner stops
        return real(path, settings=kwargs["settings"])

    monkeypatch.setattr(runner_module, "screen", held)
    return gate


@pytest.fixture()
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private temporary folder for the uploaded copies, so that one left behind shows."""
    folder = tmp_path / "scratch"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def _wait_emptied(folder: Path, what: str) -> None:
    """Wait until the job has deleted its copy of the upload from ``folder``."""
    deadline = time.monotonic() + 30
    while list(folder.iterdir()):
        assert time.monotonic() < deadline, what
        time.sleep(0.02)


def _job_id(response: Any) -> int:
    assert response.status_code == 303, response.text
    return int(response.headers["location"].rsplit("/", 1)[1])


@dataclasses.dataclass(frozen=True)
class Analyst:
    """The analyst, logged in to the app: their CSRF token, and uploads that answer at once."""

    client: TestClient
    token: str
    suppliers: bytes
    tools: Any

    def upload(self, name: str = "suppliers.csv", content: bytes | None = None) -> int:
        """Upload a file (the example suppliers unless given): the id of its screening job."""
        file = self.suppliers if content is None else content
        return _job_id(self.tools.upload(self.client, self.token, name, file))


@pytest.fixture()
def analyst(
    client: TestClient, as_user: Callable[[str], str], suppliers: bytes, tools: Any
) -> Analyst:
    return Analyst(client, as_user("analyst"), suppliers, tools)


def _wait(
    client: TestClient, job_id: int, until: Callable[[dict[str, Any]], bool]
) -> dict[str, Any]:
    deadline = time.monotonic() + 30
    while True:
        status: dict[str, Any] = client.get(f"/api/jobs/{job_id}").json()
        if until(status):
            return status
        assert time.monotonic() < deadline, status
        time.sleep(0.02)


def test_upload_answers_at_once_and_the_page_follows_the_job(
    client: TestClient, analyst: Analyst, gate: threading.Event, scratch: Path
) -> None:
    first = analyst.upload()
    running = _wait(client, first, lambda s: s["status"] == "running" and s["rows_done"] == 2)
    assert running["rows_total"] == 4 and running["counts"] is None and running["error"] is None
    assert running["url"] == f"/jobs/{first}" and running["created_by"] == "analyst"

    page = client.get(f"/jobs/{first}")
    assert page.status_code == 200
    assert (
        f'data-job-status="/api/jobs/{first}"' in page.text and 'data-status="running"' in page.text
    )
    assert '<progress value="2" max="4">' in page.text and "2 of 4 rows screened" in page.text
    assert "Xinjiang Zhongtai" not in page.text  # no results before the job is done
    assert '<meta http-equiv="refresh"' in page.text.split("<noscript>")[1]  # pages work without JS
    assert client.get(f"/jobs/{first}/review").status_code == 409
    assert "running" in client.get("/jobs").text

    # One screening at a time per server process: the next upload waits its turn.
    second = analyst.upload("again.csv")
    assert client.get(f"/api/jobs/{second}").json()["status"] == "queued"
    assert "Waiting for the screening of another file" in client.get(f"/jobs/{second}").text

    gate.set()
    for job_id in (first, second):
        done = _wait(client, job_id, lambda s: s["status"] == "done")
        assert done["rows_done"] == done["rows_total"] == 4 and done["counts"]["match"] >= 1
        page = client.get(f"/jobs/{job_id}")
        assert (
            "Xinjiang Zhongtai Chemical Co. Ltd." in page.text
            and "data-job-status" not in page.text
        )
    assert list(scratch.iterdir()) == [], "an uploaded copy was left behind"


def test_a_failure_while_storing_the_results_stores_nothing(
    client: TestClient, analyst: Analyst, st: AppState, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sourcetrace.workspace import jobs as review_jobs

    def broken(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("disk full")

    # The results are written, then the audit entry fails: the whole transaction goes.
    monkeypatch.setattr(review_jobs, "_audit_created", broken)
    job_id = analyst.upload()
    failed = _wait(client, job_id, lambda s: s["status"] == "failed")
    assert failed["error"] == "the results could not be stored (RuntimeError); nothing was stored."
    job = get_job(st.engine, job_id)
    assert job is not None and job.results == [] and job.counts == {} and job.lists == []
    assert "Screening failed: the results could not be stored" in client.get(f"/jobs/{job_id}").text
    assert [e.action for e in audit.entries(st.engine, subject=f"job:{job_id}")] == ["job.fail"]
    assert audit.verify_chain(st.engine) is None


def test_a_failure_while_screening_stores_nothing(
    client: TestClient, analyst: Analyst, st: AppState, monkeypatch: pytest.MonkeyPatch
) -> None:
    def breaks_half_way(_path: Path, **kwargs: Any) -> Any:
        kwargs["progress"](1, 2)
        raise ValueError("a reader library gave up")

    monkeypatch.setattr(runner_module, "screen", breaks_half_way)
    job_id = analyst.upload("odd.csv", b"name\nA\nB\n")
    failed = _wait(client, job_id, lambda s: s["status"] == "failed")
    assert (
        failed["error"] == "odd.csv: the file could not be read (ValueError); nothing was stored."
    )
    job = get_job(st.engine, job_id)
    assert job is not None and job.results == [] and job.rows_done == 1


def test_a_running_screening_is_cancelled_by_its_analyst_and_stores_nothing(
    client: TestClient, analyst: Analyst, st: AppState, gate: threading.Event, scratch: Path
) -> None:
    job_id = analyst.upload()
    _wait(client, job_id, lambda s: s["status"] == "running")
    assert f'action="/jobs/{job_id}/cancel"' in client.get(f"/jobs/{job_id}").text
    response = client.post(f"/jobs/{job_id}/cancel", data={"csrf_token": analyst.token})
    assert response.status_code == 303 and response.headers["location"] == f"/jobs/{job_id}"
    # The screening stops at its next progress report and deletes its copy of the file.
    _wait_emptied(scratch, "the screening went on")
    status = client.get(f"/api/jobs/{job_id}").json()
    assert status["error"] == "cancelled by analyst; nothing was stored."
    job = get_job(st.engine, job_id)
    assert job is not None and job.status == "failed" and job.results == []
    actions = [e.action for e in audit.entries(st.engine, subject=f"job:{job_id}")]
    assert actions == ["job.cancel"]
    assert "Cancel this job" not in client.get(f"/jobs/{job_id}").text


def test_other_server_processes_see_the_job(
    app: FastAPI, client: TestClient, analyst: Analyst, gate: threading.Event
) -> None:
    job_id = analyst.upload()
    _wait(client, job_id, lambda s: s["status"] == "running")
    # A second app on the same store: another worker of `sourcetrace serve --workers N`.
    other = create_app(str(app.state.sourcetrace.engine.url))
    key = create_api_key(other.state.sourcetrace.engine, "viewer", "script", actor="admin")
    with TestClient(other) as elsewhere:
        headers = {"Authorization": f"ApiKey {key}"}
        assert elsewhere.get(f"/api/jobs/{job_id}", headers=headers).json()["status"] == "running"
        gate.set()
        _wait(client, job_id, lambda s: s["status"] == "done")
        seen = elsewhere.get(f"/api/jobs/{job_id}", headers=headers).json()
        assert seen["status"] == "done" and seen["counts"]["match"] >= 1


def test_stopping_the_server_fails_its_unfinished_jobs(
    app: FastAPI, suppliers: bytes, gate: threading.Event, scratch: Path, tools: Any
) -> None:
    st: AppState = app.state.sourcetrace
    with TestClient(app, follow_redirects=False) as client:
        token = tools.login(client, "analyst")
        running = _job_id(tools.upload(client, token, "a.csv", suppliers))
        _wait(client, running, lambda s: s["status"] == "running")
        queued = _job_id(tools.upload(client, token, "b.csv", suppliers))
    # The app has stopped (its lifespan ended) with one job running and one waiting.
    for job_id in (running, queued):
        job = get_job(st.engine, job_id)
        assert job is not None and job.status == "failed" and job.error == INTERRUPTED
        assert job.results == []
    assert list(scratch.iterdir()) == []


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_a_starting_server_fails_the_jobs_of_ended_processes(app: FastAPI, tools: Any) -> None:
    st: AppState = app.state.sourcetrace
    here = socket.gethostname()

    def job(worker: str, status: str, updated_at: str | None = None) -> int:
        job_id = queue_job(
            st.engine, filename="f.csv", file_hash="h", actor="analyst", worker=worker
        )
        values: dict[str, Any] = {"status": status}
        if updated_at is not None:
            values["updated_at"] = updated_at
        with st.engine.begin() as conn:
            conn.execute(update(jobs).where(jobs.c.id == job_id).values(**values))
        return int(job_id)

    crashed = job(f"{here}:{_dead_pid()}:1a2b", "running")  # this machine, process gone
    silent = job("other-host:41:3c4d", "queued", updated_at="2020-01-01T00:00:00.000000Z")
    alive = job("other-host:42:5e6f", "running")  # another machine, still reporting
    mine = job(f"{here}:{os.getpid()}:7a8b", "running")  # a live process of this machine
    with TestClient(app):
        with st.engine.connect() as conn:
            states = {r.id: r.status for r in conn.execute(select(jobs.c.id, jobs.c.status))}
        assert states == {crashed: "failed", silent: "failed", alive: "running", mine: "running"}
        crashed_job = get_job(st.engine, crashed)
        assert crashed_job is not None and crashed_job.error == INTERRUPTED
        # Once the other machine stops reporting, a live server fails its job too.
        with st.engine.begin() as conn:
            conn.execute(update(jobs).where(jobs.c.id == alive).values(updated_at="2020-01-01"))
        assert st.runner.fail_interrupted() == [alive]


def test_job_status_api_is_protected_and_documented(
    client: TestClient, st: AppState, analyst: Analyst
) -> None:
    job_id = analyst.upload("s.csv")
    client.cookies.clear()
    refused = client.get(f"/api/jobs/{job_id}")
    assert refused.status_code == 401 and refused.headers["content-type"] == "application/json"
    wrong = client.get(f"/api/jobs/{job_id}", headers={"Authorization": "ApiKey st_wrong"})
    assert wrong.status_code == 401
    headers = {
        "Authorization": f"ApiKey {create_api_key(st.engine, 'viewer', 'ci', actor='admin')}"
    }
    assert client.get(f"/api/jobs/{job_id}", headers=headers).json()["id"] == job_id
    missing = client.get("/api/jobs/999", headers=headers)
    assert missing.status_code == 404 and missing.json() == {"detail": "no job 999"}

    schema = client.get("/openapi.json").json()
    operation = schema["paths"]["/api/jobs/{job_id}"]["get"]
    assert {"ApiKey": []} in operation["security"] and operation["tags"] == ["Jobs"]
    status = schema["components"]["schemas"]["JobStatus"]
    assert {"status", "rows_done", "rows_total", "error", "counts"} <= set(status["properties"])
    assert status["properties"]["status"]["enum"] == ["queued", "running", "done", "failed"]


# --- a real server, killed in the middle of a job --------------------------------------------


def _login(http: httpx.Client, password: str) -> str:
    token = str(_csrf(http.get("/login").text))
    response = http.post(
        "/login", data={"username": "ana", "password": password, "csrf_token": token}
    )
    assert response.status_code == 303, response.text
    return _csrf(http.get("/jobs").text)


def _csrf(html: str) -> str:
    marker = 'name="csrf_token" value="'
    return html.split(marker, 1)[1].split('"', 1)[0]


@pytest.fixture()
def served_store(tmp_path: Path, tools: Any) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'serve.db'}"
    engine = make_engine(url)
    add_user(engine, "ana", "analyst", tools.password)
    engine.dispose()
    yield url


def test_a_job_killed_with_its_server_is_failed_when_the_server_starts_again(
    served_store: str, tools: Any, tmp_path: Path
) -> None:
    rows = "".join(f"Supplier {i} Textile Trading Co Ltd,CN\n" for i in range(20_000))
    scratch = {"TMPDIR": str(tmp_path)}  # the killed server's uploaded copy stays in there
    with tools.running_server(served_store, scratch) as (base, proc):
        with httpx.Client(base_url=base, follow_redirects=False) as http:
            token = _login(http, tools.password)
            response = http.post(
                "/jobs",
                data={"csrf_token": token},
                files={"file": ("many.csv", "name,country\n" + rows, "text/csv")},
            )
            job = response.headers["location"]
            deadline = time.monotonic() + 60
            while http.get(f"/api{job}").json()["rows_done"] == 0:
                assert time.monotonic() < deadline, "the job did not start"
                time.sleep(0.05)
            cookies = dict(http.cookies)
        proc.kill()  # no clean stop: the process is gone in the middle of the screening
        proc.wait()
    # The session survives the restart (its key is in the store); the job does not.
    left = list(tmp_path.glob("sourcetrace-upload-*"))
    assert len(left) == 1 and list(left[0].glob("upload.csv"))  # the killed server's copy
    with (
        tools.running_server(served_store, scratch) as (base, _proc),
        httpx.Client(base_url=base, cookies=cookies) as http,
    ):
        status = http.get(f"/api{job}").json()
        assert status["status"] == "failed" and status["error"] == INTERRUPTED
        assert "Upload the file again" in http.get(job).text
        assert not left[0].exists()  # removed as the server started again


def test_upload_folders_of_ended_processes_are_removed_and_no_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                           capture_output=True, text=True, check=True)  # fmt: skip
    host = socket.gethostname()
    mine = upload_folder("upload")
    (mine / "upload.csv").write_text("name\nAcme\n")
    dead = upload_folder("chain")
    (dead / ".owner").write_text(f"{host}:{ended.stdout.strip()}")
    (dead / "links.csv").write_text("buyer,supplier\n")
    elsewhere = upload_folder("upload")
    (elsewhere / ".owner").write_text(f"not-{host}:{ended.stdout.strip()}")
    unmarked = tmp_path / "sourcetrace-upload-unmarked"
    unmarked.mkdir()
    other = tmp_path / "not-ours"
    other.mkdir()
    (other / ".owner").write_text(f"{host}:{ended.stdout.strip()}")
    assert remove_orphaned_uploads() == [dead]
    assert not dead.exists()
    assert all(p.is_dir() for p in (mine, elsewhere, unmarked, other))
    assert (mine / "upload.csv").read_text() == "name\nAcme\n"
    with pytest.raises(ValueError):
        upload_folder("../escape")


def test_a_screening_past_its_time_limit_fails_and_stores_nothing(
    client: TestClient, analyst: Analyst, st: AppState, gate: threading.Event, scratch: Path
) -> None:
    """SOURCETRACE_SCREEN_JOB_SECONDS bounds a screening's wall time: past it the job fails at
    its next progress report with the reason, its copy deleted, nothing stored; the server
    answers meanwhile."""
    st.runner.settings = dataclasses.replace(st.settings, screen_job_seconds=0.5)
    started = time.monotonic()
    job_id = analyst.upload()
    assert client.get("/jobs").status_code == 200  # held by the gate, never finishing
    failed = _wait(client, job_id, lambda s: s["status"] == "failed")
    assert time.monotonic() - started >= 0.5
    assert failed["error"].startswith("stopped at the time limit: screening may take 0.5 s")
    assert "SOURCETRACE_SCREEN_JOB_SECONDS" in failed["error"]
    job = get_job(st.engine, job_id)
    assert job is not None and job.results == []
    _wait_emptied(scratch, "the uploaded copy was left behind")
