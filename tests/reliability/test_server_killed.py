"""A server killed (SIGKILL) while analysts record decisions leaves the store and audit log whole.

A real ``sourcetrace serve`` on 127.0.0.1 over a SQLite store in a temporary folder; clients post
decisions from several threads, the server is killed mid-way, twice, and started again on the
same store. Every decision a client saw acknowledged must be stored, the audit chain must verify,
and decisions and their audit entries must match one to one: a decision whose answer was lost in
the kill may be stored or not, but never without its audit entry, nor an entry without it.
"""

from __future__ import annotations

import json
import random
import re
import sqlite3
import threading
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select

from sourcetrace.screening import screen
from sourcetrace.store.engine import make_engine
from sourcetrace.store.workspace import audit_log, decisions
from sourcetrace.workspace.accounts import add_user
from sourcetrace.workspace.audit import verify_chain
from sourcetrace.workspace.jobs import create_job, get_job
from sourcetrace.workspace.queue import review_items

PASSWORD = "correct horse battery"
CLIENTS = 4
KILLS = 2
ACKS_BEFORE_KILL = 12
SUPPLIERS = (
    "name,country\n"
    "新疆中泰化学股份有限公司,CN\n"
    "Hoshine Silicon Industry Co. Ltd,CN\n"
    "Xinjiang Zhongtai Chemical Co Ltd,CN\n"
    "Aksu Huafu Textiles Co Ltd,CN\n"
    "Acme Buttons GmbH,DE\n"
)
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _csrf(html: str) -> str:
    found = _CSRF.search(html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def _store(tmp_path: Path) -> tuple[str, int, list[int]]:
    """A store with an analyst and a screened job; returns its URL, the job and its hit rows."""
    url = f"sqlite:///{tmp_path / 'workspace.db'}"
    engine = make_engine(url)
    add_user(engine, "analyst", "analyst", PASSWORD)
    source = tmp_path / "suppliers.csv"
    source.write_text(SUPPLIERS, encoding="utf-8")
    job_id = create_job(
        engine, filename=source.name, file_hash="sha256:test", run=screen(source), actor="analyst"
    )
    job = get_job(engine, job_id)
    assert job is not None
    rows = [int(item.row["row"]) for item in review_items(engine, job) if item.is_hit]
    engine.dispose()
    assert len(rows) >= 3, "the job needs hits to decide on"
    return url, job_id, rows


def _login(base: str) -> tuple[httpx.Cookies, str]:
    """Log in as the analyst; returns the session cookie and the session's CSRF token."""
    with httpx.Client(base_url=base, timeout=30) as client:
        token = _csrf(client.get("/login").text)
        answer = client.post(
            "/login", data={"username": "analyst", "password": PASSWORD, "csrf_token": token}
        )
        assert answer.status_code == 303, answer.text
        return client.cookies, _csrf(client.get("/jobs").text)


class Decider(threading.Thread):
    """Posts decisions until the server stops answering; notes which were acknowledged."""

    def __init__(
        self, name: str, base: str, session: tuple[httpx.Cookies, str], job: int, rows: list[int]
    ) -> None:
        super().__init__(name=name, daemon=True)
        self.base, self.cookies, self.token = base, *session
        self.job, self.rows = job, rows
        self.acknowledged: list[str] = []
        self.unanswered: list[str] = []
        self.refused: str | None = None

    def run(self) -> None:
        pick = random.Random(self.name)
        with httpx.Client(base_url=self.base, cookies=self.cookies, timeout=30) as client:
            for n in range(100_000):
                comment = f"{self.name}-{n}"
                form = {
                    "decision": pick.choice(["confirmed", "false_positive", "unsure"]),
                    "comment": comment,
                    "csrf_token": self.token,
                }
                try:
                    answer = client.post(
                        f"/jobs/{self.job}/rows/{pick.choice(self.rows)}/decision", data=form
                    )
                except httpx.TransportError:
                    self.unanswered.append(comment)  # sent, maybe stored: the kill cut it off
                    return
                if answer.status_code != 303:
                    self.refused = f"{answer.status_code}: {answer.text[:500]}"
                    return
                self.acknowledged.append(comment)


def _start_deciders(
    base: str, session: tuple[httpx.Cookies, str], job: int, rows: list[int], tag: str
) -> list[Decider]:
    deciders = [Decider(f"{tag}c{i}", base, session, job, rows) for i in range(CLIENTS)]
    for decider in deciders:
        decider.start()
    return deciders


def _wait_for_acks(deciders: list[Decider], count: int, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while sum(len(d.acknowledged) for d in deciders) < count:
        assert time.monotonic() < deadline, "the server acknowledged too few decisions"
        assert not [d.refused for d in deciders if d.refused], "a decision was refused"
        assert any(d.is_alive() for d in deciders), "every client stopped"
        time.sleep(0.01)


def _integrity(path: Path) -> str:
    with closing(sqlite3.connect(path)) as conn:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])


def test_killed_server_leaves_decisions_and_audit_consistent(
    tmp_path: Path, serve: Callable[..., Any]
) -> None:
    url, job, rows = _store(tmp_path)
    acknowledged: list[str] = []
    unanswered: list[str] = []
    session: tuple[httpx.Cookies, str] | None = None
    for kill in range(KILLS):
        server = serve(url)
        session = session or _login(server.base)  # the session survives restarts
        deciders = _start_deciders(server.base, session, job, rows, f"k{kill}")
        _wait_for_acks(deciders, ACKS_BEFORE_KILL)
        time.sleep(random.uniform(0, 0.05))
        server.kill()
        for decider in deciders:
            decider.join(timeout=60)
            assert not decider.is_alive()
            assert decider.refused is None, decider.refused
            acknowledged += decider.acknowledged
            unanswered += decider.unanswered

    # Started again on the same store, it serves, and takes another decision.
    server = serve(url)
    assert session is not None
    cookies, token = session
    with httpx.Client(base_url=server.base, cookies=cookies, timeout=30) as client:
        answer = client.post(
            f"/jobs/{job}/rows/{rows[0]}/decision",
            data={"decision": "unsure", "comment": "after-restart", "csrf_token": token},
        )
        assert answer.status_code == 303, answer.text
    acknowledged.append("after-restart")
    # uvicorn ends on SIGTERM after a clean shutdown, and says so by ending by the signal.
    assert server.stop() in (0, -15), server.output()

    path = tmp_path / "workspace.db"
    assert _integrity(path) == "ok"
    engine = make_engine(url)
    try:
        assert verify_chain(engine) is None, "the audit chain is broken"
        with engine.connect() as conn:
            stored = {r.id: r for r in conn.execute(select(decisions)).all()}
            entries = conn.execute(
                select(audit_log.c.details).where(audit_log.c.action == "decision")
            ).all()
    finally:
        engine.dispose()
    audited: dict[int, dict[str, Any]] = {}
    for (text,) in entries:
        details = json.loads(text)
        assert details["decision_id"] not in audited, "two audit entries for one decision"
        audited[details["decision_id"]] = details
    assert set(audited) == set(stored), "a decision without its audit entry, or the reverse"
    for decision_id, details in audited.items():
        row = stored[decision_id]
        assert (details["comment"], details["decision"], details["row"]) == (
            row.comment,
            row.decision,
            row.row,
        )
    comments = {row.comment for row in stored.values()}
    lost = [c for c in acknowledged if c not in comments]
    assert not lost, f"acknowledged decisions missing from the store: {lost[:10]}"
    # Every stored decision was sent by a client: acknowledged, or cut off by the kill.
    assert comments <= set(acknowledged) | set(unanswered)
    assert len(acknowledged) >= KILLS * ACKS_BEFORE_KILL
    assert unanswered, "no request was in flight when the server was killed"
