"""Issue 21, item 10 and the password policy: each attack replayed over HTTP, and refused.

List links limited to http(s), a CSP in the exported report, ids past the store's integers,
security and no-store headers on every answer (errors too), the ``Host`` allowlist, and
passwords that are short or common.
"""

from __future__ import annotations

import html
import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from sourcetrace.store.workspace import jobs
from sourcetrace.web.app import create_app
from sourcetrace.web.config import WebConfig
from sourcetrace.web.state import AppState

HUGE = 2**63
EVIL_URL = "javascript:alert(document.cookie)"


def _poison_source_urls(st: AppState, job_id: int) -> int:
    """Give every listing of a job's hits a ``javascript:`` source URL, as a list imported from
    a hostile FtM file stores it (``lists import --format ftm`` keeps ``sourceUrl`` as given);
    returns how many were changed."""
    changed = 0

    def walk(value: Any) -> Any:
        nonlocal changed
        if isinstance(value, dict):
            if "source_url" in value:
                changed += 1
                value = {**value, "source_url": EVIL_URL}
            return {k: walk(v) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v) for v in value]
        return value

    with st.engine.begin() as conn:
        results = conn.execute(select(jobs.c.results).where(jobs.c.id == job_id)).scalar_one()
        conn.execute(jobs.update().where(jobs.c.id == job_id).values(results=walk(results)))
    return changed


def test_script_urls_from_list_data_are_never_links(
    client: TestClient,
    st: AppState,
    as_user: Callable[[str], str],
    tools: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    token = as_user("analyst")
    csv = b"name,country\nHoshine Silicon Industry Co. Ltd,CN\n"
    job = tools.screened(client, token, "s.csv", csv)
    assert _poison_source_urls(st, int(job.rsplit("/", 1)[1])) > 0
    from sourcetrace.web.routes import exports

    monkeypatch.setattr(exports, "printer_missing", lambda: "off")  # the HTML is what counts
    queue = client.get(f"{job}/review?show=all").text
    report = client.get(f"{job}/report").text
    pack = client.get(f"{job}/evidence.zip")
    with zipfile.ZipFile(io.BytesIO(pack.content)) as zf:
        (name,) = [n for n in zf.namelist() if n.endswith("report.html")]
        exported = zf.read(name).decode()
    for page in (queue, report, exported):
        assert "alert(document.cookie)" in page, "the hostile listing did not reach the page"
        assert 'href="javascript:' not in page.lower()
    csp = '<meta http-equiv="Content-Security-Policy" content="default-src \'none\';'
    assert csp in html.unescape(exported)
    assert "script-src" not in exported  # default-src 'none': no script at all


def test_ids_past_the_store_integers_are_not_found(
    client: TestClient, as_user: Callable[[str], str], tools: Any, suppliers: bytes
) -> None:
    token = as_user("admin")
    job = tools.screened(client, token, "s.csv", suppliers)
    gets = [
        f"/jobs/{HUGE}",
        f"/jobs/{HUGE}/report",
        f"/jobs/{HUGE}/report.pdf",
        f"/jobs/{HUGE}/results.csv",
        f"/jobs/{HUGE}/review",
        f"/api/jobs/{HUGE}",
        f"/chains/{HUGE}",
        f"/api/chains/{HUGE}/graph",
        f"/jobs/{-HUGE - 1}",
    ]
    for path in gets:
        answer = client.get(path)
        assert answer.status_code in (404, 422), (path, answer.status_code)
    posts = [
        f"{job}/rows/{HUGE}/decision",
        f"/jobs/{HUGE}/rows/1/decision",
        f"/admin/keys/{HUGE}/revoke",
        f"/chains/{HUGE}/delete",
    ]
    for path in posts:
        answer = client.post(path, data={"csrf_token": token, "decision": "unsure"})
        assert answer.status_code in (404, 405, 422), (path, answer.status_code)


def test_every_answer_has_the_security_headers(
    client: TestClient, as_user: Callable[[str], str], tools: Any, suppliers: bytes
) -> None:
    anonymous = [
        client.get("/login"),  # a page
        client.get("/nowhere"),  # 404
        client.post("/match/default", json={}),  # 401 JSON
        client.post("/login", data={"username": "x"}),  # 403: no CSRF token
        client.get("/jobs"),  # 303 to the login page
        client.get("/login", headers={"host": "attacker.example"}),  # 400: unknown host
    ]
    token = as_user("analyst")
    job = tools.screened(client, token, "s.csv", suppliers)
    answers = [
        *anonymous,
        client.get(job),
        client.get(f"{job}/results.csv"),  # a download
        client.get("/jobs/abc"),  # 422
        client.post("/match/default", json={"queries": 1}),  # 422 JSON
        client.post("/admin/users", data={"csrf_token": token}),  # 403 role
        client.post("/logout", content=b"x" * (2 * 1024 * 1024), headers={
            "content-type": "application/x-www-form-urlencoded"}),  # 413
    ]  # fmt: skip
    assert {a.status_code for a in answers} >= {200, 303, 400, 401, 403, 404, 413, 422}
    for answer in answers:
        h = answer.headers
        where = (answer.request.url, answer.status_code)
        assert "default-src 'self'" in h.get("content-security-policy", ""), where
        assert h.get("x-content-type-options") == "nosniff", where
        assert h.get("x-frame-options") == "DENY", where
        assert h.get("cache-control") == "no-store", where
    static = client.get("/static/app.css")
    assert static.status_code == 200 and static.headers.get("cache-control") != "no-store"
    assert static.headers.get("x-content-type-options") == "nosniff"


def test_unknown_host_names_are_refused(tmp_path: Path) -> None:
    """DNS rebinding: a page of another site whose name now points at 127.0.0.1."""
    app: FastAPI = create_app(f"sqlite:///{tmp_path / 'web.db'}", config=WebConfig())
    with TestClient(app, base_url="http://127.0.0.1:8000", follow_redirects=False) as client:
        assert client.get("/login").status_code == 200
        for host in ("localhost:8000", "[::1]:8000", "LOCALHOST", "127.0.0.1"):
            assert client.get("/login", headers={"host": host}).status_code == 200, host
        for host in ("rebind.attacker.example", "127.0.0.1.attacker.example", "", "[::2]:80"):
            refused = client.get("/login", headers={"host": host})
            assert refused.status_code == 400, host
            assert "SOURCETRACE_ALLOWED_HOSTS" in refused.text
    listed = create_app(
        f"sqlite:///{tmp_path / 'web.db'}", config=WebConfig(allowed_hosts=("review.example",))
    )
    with TestClient(listed, base_url="http://review.example") as client:
        assert client.get("/login").status_code == 200


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("12345678", "at least 12 characters"),
        ("correct-hors", None),
        ("1qaz2wsx3edc", "most common passwords"),  # on the list, 12 characters
        ("QWERTY123456", "most common passwords"),  # case does not help
        ("mallory-the-admin", "must not be the username"),
    ],
)
def test_password_policy(
    client: TestClient, as_user: Callable[[str], str], password: str, why: str | None
) -> None:
    token = as_user("admin")
    username = "mallory-the-admin"
    added = client.post(
        "/admin/users",
        data={"username": username, "role": "viewer", "password": password, "csrf_token": token},
    )
    if why is None:
        assert added.status_code == 303, added.text
    else:
        assert added.status_code == 400 and why in added.text, added.text
