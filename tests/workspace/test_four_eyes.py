"""Four eyes in the workspace's Python API: which decisions wait for a second reviewer, who may
approve them, and ``audit.verify`` replaying approvals against the log (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, update

from sourcetrace.store.workspace import approvals, decisions
from sourcetrace.workspace import audit
from sourcetrace.workspace.decisions import ApprovalRefused, Decided, approve, latest, record_many

# A real listed name and its entity id in the bundled UFLPA list.
NAME = "Xinjiang Zhongtai Chemical Co Ltd"
ENTITY = "uflpa-23795c8155f2"


def _clear(engine: Engine, screened: str, four_eyes: bool = True, user: str = "alice") -> int:
    item = Decided(NAME, ENTITY, "sha256:" + "ab" * 32, job_id=1, row=13, screened=screened)
    done = record_many(
        engine,
        [item],
        decision="false_positive",
        comment="other firm: USCC differs",
        username=user,
        four_eyes=four_eyes,
    )
    return done[0].id


def test_only_a_cleared_match_under_the_rule_waits(engine: Engine) -> None:
    on_review = _clear(engine, "review")  # a review-level hit: in effect at once
    off = _clear(engine, "match", four_eyes=False)  # the rule off: in effect at once
    on = _clear(engine, "match")
    with engine.connect() as conn:
        needs = {
            r.id: bool(r.needs_approval)
            for r in conn.execute(decisions.select().order_by(decisions.c.id))
        }
    assert needs == {on_review: False, off: False, on: True}
    (standing,) = latest(engine, [(NAME, ENTITY)]).values()
    assert standing.id == on and standing.awaiting_approval


def test_approval_by_a_second_reviewer_only(engine: Engine) -> None:
    decision_id = _clear(engine, "match")
    with pytest.raises(ApprovalRefused) as own:
        approve(engine, decision_id, "alice")
    assert own.value.own and "second, different reviewer" in own.value.line()
    approved = approve(engine, decision_id, "bob")
    assert approved.approved_by == "bob" and not approved.awaiting_approval
    (standing,) = latest(engine, [(NAME, ENTITY)]).values()
    assert standing.approved_by == "bob" and not standing.awaiting_approval
    with pytest.raises(ApprovalRefused, match="already approved by bob"):
        approve(engine, decision_id, "carol")
    plain = _clear(engine, "match", four_eyes=False)
    with pytest.raises(ApprovalRefused, match="needs no second review"):
        approve(engine, plain, "bob")
    entry = audit.entries(engine)[-2]  # the approval, then the plain decision
    assert entry.action == "approval" and entry.actor == "bob"
    assert entry.details["decision_id"] == decision_id and entry.details["decided_by"] == "alice"
    assert audit.verify(engine).intact


def test_verify_replays_approvals(engine: Engine) -> None:
    decision_id = _clear(engine, "match")
    approve(engine, decision_id, "bob")
    assert audit.verify_approvals(engine) == []
    # The approver rewritten in the table to the one who decided: both problems are named.
    with engine.begin() as conn:
        conn.execute(update(approvals).values(username="alice"))
    problems = audit.verify_approvals(engine)
    assert any("the log says it was approved by bob" in p for p in problems), problems
    assert any("approved by the reviewer who decided it" in p for p in problems), problems
    # The rule taken off the decision in the table: the decision no longer matches its entry.
    with engine.begin() as conn:
        conn.execute(update(approvals).values(username="bob"))
        conn.execute(update(decisions).values(needs_approval=False))
    found = audit.verify_decisions(engine)
    assert len(found) == 1 and "differs in needs_approval" in found[0], found
    assert any("needed no second review" in p for p in audit.verify_approvals(engine))
    assert not audit.verify(engine).intact
