"""The audit log's hash chain: intact after appends, broken where a row was edited or removed."""

from __future__ import annotations

from itertools import pairwise

from sqlalchemy import Engine, delete, update

from sourcetrace.store.workspace import audit_log
from sourcetrace.workspace import audit


def _fill(engine: Engine, n: int = 5) -> None:
    for i in range(n):
        audit.append(
            engine,
            "analyst",
            "decision",
            f"job:{i}",
            {"decision": "confirmed", "row": i, "name": "新疆中泰"},
        )


def test_chain_is_intact(engine: Engine) -> None:
    assert audit.verify_chain(engine) is None
    _fill(engine)
    assert audit.verify_chain(engine) is None
    entries = audit.entries(engine)
    assert [e.id for e in entries] == [1, 2, 3, 4, 5]
    assert entries[0].prev_hash == audit.GENESIS
    assert all(b.prev_hash == a.hash for a, b in pairwise(entries))
    assert entries[2].details["name"] == "新疆中泰"


def test_edited_details_break_the_chain(engine: Engine) -> None:
    _fill(engine)
    with engine.begin() as conn:
        conn.execute(
            update(audit_log)
            .where(audit_log.c.id == 3)
            .values(
                details=audit.canonical_json(
                    {"decision": "false_positive", "row": 2, "name": "新疆中泰"}
                )
            )
        )
    assert audit.verify_chain(engine) == 3


def test_edited_actor_with_recomputed_hash_breaks_the_next_link(engine: Engine) -> None:
    _fill(engine)
    entry = audit.entries(engine)[1]
    forged = {
        "id": entry.id,
        "at": entry.at,
        "actor": "someone else",
        "action": entry.action,
        "subject": entry.subject,
        "details": entry.details,
    }
    with engine.begin() as conn:
        conn.execute(
            update(audit_log)
            .where(audit_log.c.id == 2)
            .values(actor="someone else", hash=audit.entry_hash(entry.prev_hash, forged))
        )
    assert audit.verify_chain(engine) == 3


def test_removed_entries_break_the_chain(engine: Engine) -> None:
    _fill(engine)
    with engine.begin() as conn:
        conn.execute(delete(audit_log).where(audit_log.c.id == 2))
    assert audit.verify_chain(engine) == 3


def test_cut_off_tail_is_noticed(engine: Engine) -> None:
    _fill(engine)
    with engine.begin() as conn:
        conn.execute(delete(audit_log).where(audit_log.c.id >= 4))
    assert audit.verify_chain(engine) == 5


def test_appends_continue_the_chain_after_reopening(engine: Engine) -> None:
    _fill(engine, 2)
    engine.dispose()
    audit.append(engine, "admin", "user.add", "user:x", {})
    assert audit.count(engine) == 3 and audit.verify_chain(engine) is None


def test_concurrent_writers_keep_one_chain(engine: Engine) -> None:
    from concurrent.futures import ThreadPoolExecutor

    def write(worker: int) -> None:
        for i in range(10):
            audit.append(engine, f"w{worker}", "decision", f"job:{worker}", {"i": i})

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(write, range(4)))
    assert audit.count(engine) == 40
    assert audit.verify_chain(engine) is None
