"""Four eyes (SOURCETRACE_FOUR_EYES): calling a ``match`` a false positive takes effect only once
a second, different reviewer approves it; the approval is its own audit entry and ``audit verify``
replays it against the store."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import delete

from sourcetrace.store.workspace import approvals
from sourcetrace.web.app import create_app
from sourcetrace.web.config import load_web_config
from sourcetrace.workspace.accounts import add_user

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "suppliers.csv"


@pytest.fixture()
def four_eyes_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tools: Any) -> FastAPI:
    monkeypatch.setenv("SOURCETRACE_FOUR_EYES", "yes")
    app = create_app(f"sqlite:///{tmp_path / 'web.db'}", config=load_web_config())
    for name in ("alice", "bob"):
        add_user(app.state.sourcetrace.engine, name, "analyst", tools.password)
    add_user(app.state.sourcetrace.engine, "vera", "viewer", tools.password)
    add_user(app.state.sourcetrace.engine, "adam", "admin", tools.password)
    return app


@pytest.fixture()
def web(four_eyes_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(four_eyes_app, follow_redirects=False) as c:
        yield c


def _text(page: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


def _verify(db_url: str) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).parent / "sourcetrace"
    command = str(exe) if exe.exists() else shutil.which("sourcetrace")
    assert command
    return subprocess.run(
        [command, "audit", "verify", "--db", db_url], capture_output=True, text=True, check=False
    )


def _card(queue: str, row: int) -> str:
    """The queue's card of a row's listed match ("" when the queue does not show it)."""
    found = re.search(rf'<section class="pair card" id="row-{row}".*?</section>', queue, re.DOTALL)
    return found.group(0) if found else ""


def test_a_cleared_match_waits_for_a_second_reviewer(
    web: TestClient, four_eyes_app: FastAPI, suppliers: bytes, tools: Any
) -> None:
    st = four_eyes_app.state.sourcetrace
    db_url = st.engine.url.render_as_string(hide_password=False)
    token = tools.login(web, "alice")
    job = tools.screened(web, token, "suppliers.csv", suppliers)
    assert "match" in _card(web.get(f"{job}/review").text, 1)  # row 1 is a listed match
    cleared = web.post(
        f"{job}/rows/1/decision",
        data={
            "decision": "false_positive",
            "comment": "other firm, other USCC",
            "csrf_token": token,
        },
    )
    assert cleared.status_code == 303, cleared.text
    # Not in effect: still in the queue of items to decide, marked, and pending in the report.
    card = _card(web.get(f"{job}/review").text, 1)
    assert "Awaiting second review" in card and "False positive" in card
    assert "/rows/1/approval" not in card  # no approve button for the one who decided
    report = _text(web.get(f"{job}/report").text)
    assert "pending: awaiting second review" in report
    assert "awaiting second review" in web.get(f"{job}/results.csv").text
    # The reviewer who decided cannot approve their own decision: 403 and a plain message.
    own = web.post(f"{job}/rows/1/approval", data={"csrf_token": token})
    assert own.status_code == 403
    assert "a second, different reviewer must approve it" in own.text
    # A viewer cannot approve either.
    viewer = tools.login(web, "vera")
    assert web.post(f"{job}/rows/1/approval", data={"csrf_token": viewer}).status_code == 403
    assert "Awaiting second review" in _card(web.get(f"{job}/review").text, 1)

    token = tools.login(web, "bob")
    assert "/rows/1/approval" in _card(web.get(f"{job}/review").text, 1)
    approved = web.post(f"{job}/rows/1/approval", data={"csrf_token": token})
    assert approved.status_code == 303, approved.text
    assert _card(web.get(f"{job}/review").text, 1) == ""  # decided: gone from the open queue
    card = _card(web.get(f"{job}/review?show=all").text, 1)
    assert "approved by bob" in card and "Awaiting second review" not in card
    report = _text(web.get(f"{job}/report").text)
    assert "awaiting second review" not in report
    assert re.search(r"alice, [^;]+; approved by bob", report), report
    assert "approval: false_positive on row 1 (decided by alice)" in report
    # Approved once only.
    again = web.post(f"{job}/rows/1/approval", data={"csrf_token": token})
    assert again.status_code == 404

    # The audit log page shows the approval as its own entry, read as text.
    tools.login(web, "adam")
    log_page = web.get("/admin/audit").text
    assert tools.leaks(log_page) == []
    assert "approval" in _text(log_page) and "bob" in _text(log_page)

    done = _verify(db_url)
    assert done.returncode == 0, done.stderr
    # An approval removed from the store behind sourcetrace's back: verify names it.
    with st.engine.begin() as conn:
        conn.execute(delete(approvals))
    broken = _verify(db_url)
    assert broken.returncode == 1
    assert "approval of decision 1 by bob" in broken.stderr and "deleted" in broken.stderr


def test_only_a_false_positive_on_a_match_needs_approval(
    web: TestClient, suppliers: bytes, tools: Any
) -> None:
    token = tools.login(web, "alice")
    job = tools.screened(web, token, "suppliers.csv", suppliers)
    confirmed = web.post(
        f"{job}/rows/1/decision",
        data={"decision": "confirmed", "comment": "", "csrf_token": token},
    )
    assert confirmed.status_code == 303
    # A confirmed match is in effect at once: off the open queue, nothing to approve.
    assert _card(web.get(f"{job}/review").text, 1) == ""
    nothing = web.post(f"{job}/rows/1/approval", data={"csrf_token": token})
    assert nothing.status_code == 404 and "awaits a second review" in nothing.text


def test_a_mistyped_setting_is_one_line_and_exit_2(tmp_path: Path) -> None:
    exe = Path(sys.executable).parent / "sourcetrace"
    command = str(exe) if exe.exists() else shutil.which("sourcetrace")
    assert command
    done = subprocess.run(
        [command, "screen", str(EXAMPLE), "-o", str(tmp_path / "out.csv")],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "SOURCETRACE_FOUR_EYES": "maybe"},
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "error: SOURCETRACE_FOUR_EYES='maybe' is not a valid bool (use yes or no)"
    ]
    assert not (tmp_path / "out.csv").exists()
