"""``sourcetrace audit verify`` against a log that was cut, wiped, recomputed or worked around.

Each case builds a store with the workspace's own functions (accounts and decisions on real
listed entities), tampers with it the way someone with write access to the database would, and
runs the installed command in a subprocess: the tampering must be found (exit 1, one line saying
what), and an untouched store must verify intact (exit 0).
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, delete, text, update

from sourcetrace.model import ListedEntity
from sourcetrace.store.engine import make_engine
from sourcetrace.store.workspace import audit_log, decisions, meta
from sourcetrace.workspace import accounts, audit
from sourcetrace.workspace import decisions as review

# Real entries of the bundled UFLPA Entity List (see sources/README.md).
ENTITIES = ("uflpa-23795c8155f2", "uflpa-ca93a70f4f24")


def sourcetrace(*args: str) -> subprocess.CompletedProcess[str]:
    """The installed command, as a user runs it."""
    exe = Path(sys.executable).parent / "sourcetrace"
    command = str(exe) if exe.exists() else shutil.which("sourcetrace")
    assert command, "the sourcetrace command is not installed"
    return subprocess.run(
        [command, *args], check=False, capture_output=True, text=True, timeout=120
    )


@pytest.fixture(params=["sqlite", "postgresql"])
def store(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    bundled_entities: list[ListedEntity],
) -> Iterator[tuple[str, Engine]]:
    """A store (URL and engine) with two accounts and three decisions, and its anchor."""
    # The data folder holds a server store's anchor: this test's own, for this process and the
    # command it runs.
    monkeypatch.setenv("SOURCETRACE_DATA_DIR", str(tmp_path / "data"))
    admin: Engine | None = None
    name = ""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'store.db'}"
    else:
        server = os.environ.get("SOURCETRACE_TEST_PG_URL")
        if not server:
            pytest.skip("set SOURCETRACE_TEST_PG_URL to test on PostgreSQL")
        name = f"st_test_{uuid.uuid4().hex[:10]}"
        admin = create_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = f"{server.rsplit('/', 1)[0]}/{name}"
    engine = make_engine(url)
    accounts.add_user(engine, "alice", "analyst", "correct horse battery", actor="cli")
    accounts.add_user(engine, "bob", "analyst", "staple paper clip 42", actor="cli")
    by_id = {e.id: e for e in bundled_entities}
    for i, (entity_id, decision, user) in enumerate(
        [
            (ENTITIES[0], "confirmed", "alice"),
            (ENTITIES[1], "unsure", "bob"),
            (ENTITIES[1], "confirmed", "alice"),
        ]
    ):
        entity = by_id[entity_id]
        review.record(
            engine,
            name=entity.caption,
            entity_id=entity.id,
            entity_hash=review.entity_hash(entity),
            decision=decision,
            comment=f"checked against the listing ({i})",
            username=user,
        )
    try:
        yield url, engine
    finally:
        engine.dispose()
        if admin is not None:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
            admin.dispose()


def _broken(url: str, *extra: str) -> str:
    done = sourcetrace("audit", "verify", "--db", url, *extra)
    assert done.returncode == 1, done.stdout + done.stderr
    first = done.stderr.splitlines()[0]
    assert first.startswith("audit log BROKEN: ")
    return done.stderr


def test_untouched_log_verifies_intact_and_is_anchored(store: tuple[str, Engine]) -> None:
    url, engine = store
    now = audit.head(engine)
    assert now.count == 5  # two accounts, three decisions
    done = sourcetrace("audit", "verify", "--db", url)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"audit log intact: 5 entries, head {now.line()}"
    path = audit.anchor_path(engine)
    assert path is not None and audit.read_anchor(path) == now
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    if url.startswith("sqlite"):
        assert path.name == "store.db.audit-head"
    else:  # a server store's anchor is in the data folder, outside the database
        assert path.parent == Path(os.environ["SOURCETRACE_DATA_DIR"])
    # The head kept from earlier is still in a log that has grown since.
    accounts.add_user(engine, "carol", "viewer", "another long password", actor="cli")
    later = sourcetrace("audit", "verify", "--db", url, "--expect", now.line())
    assert later.returncode == 0, later.stderr
    assert "6 entries" in later.stdout


def test_cut_tail_with_its_head_row_is_found(store: tuple[str, Engine]) -> None:
    url, engine = store
    with engine.begin() as conn:
        conn.execute(delete(audit_log).where(audit_log.c.id >= 4))
        conn.execute(delete(meta).where(meta.c.key == "audit_head"))
    out = _broken(url)
    assert "log ends at entry 3, the anchor at entry 5: 2 entries were cut off" in out


def test_removed_first_row_is_found(store: tuple[str, Engine]) -> None:
    url, engine = store
    with engine.begin() as conn:
        conn.execute(delete(audit_log).where(audit_log.c.id == 1))
    assert "chain broken at entry 2" in _broken(url)


def test_wiped_log_is_found(store: tuple[str, Engine]) -> None:
    url, engine = store
    kept = audit.head(engine).line()
    with engine.begin() as conn:
        conn.execute(delete(audit_log))
        conn.execute(delete(meta).where(meta.c.key == "audit_head"))
        conn.execute(delete(decisions))
    out = _broken(url)
    assert "log is empty, the anchor says 5 entries" in out and "wiped" in out
    # Without the anchor file too, the head the user kept still shows it.
    path = audit.anchor_path(engine)
    assert path is not None
    path.unlink()
    assert sourcetrace("audit", "verify", "--db", url).returncode == 0  # nothing left to compare
    assert "holds no entry 5 with hash" in _broken(url, "--expect", kept)


def test_recomputed_chain_is_found(store: tuple[str, Engine]) -> None:
    url, engine = store
    kept = audit.head(engine).line()
    # Rewrite entry 4 (bob's decision) to say alice, then every hash from the start with the
    # module's own hashing, and the head row: the chain itself verifies again.
    forged = audit.entries(engine)
    prev = audit.GENESIS
    with engine.begin() as conn:
        for e in forged:
            actor = "alice" if e.id == 4 else e.actor
            body = {"id": e.id, "at": e.at, "actor": actor, "action": e.action,
                    "subject": e.subject, "details": e.details}  # fmt: skip
            digest = audit.entry_hash(prev, body)
            conn.execute(
                update(audit_log)
                .where(audit_log.c.id == e.id)
                .values(actor=actor, prev_hash=prev, hash=digest)
            )
            prev = digest
        conn.execute(update(meta).where(meta.c.key == "audit_head").values(value=f"5:{prev}"))
        conn.execute(update(decisions).where(decisions.c.id == 2).values(username="alice"))
    assert audit.verify_chain(engine) is None  # what the chain alone can say
    out = _broken(url)
    assert "entry 5 does not have the anchored hash" in out and "rewritten" in out
    assert "holds no entry 5 with hash" in _broken(url, "--expect", kept)


def test_edited_decision_is_found(store: tuple[str, Engine]) -> None:
    url, engine = store
    with engine.begin() as conn:
        conn.execute(
            update(decisions)
            .where(decisions.c.id == 1)
            .values(decision="false_positive", username="bob")
        )
    out = _broken(url)
    assert "decision 1: table says false_positive by bob, the log says confirmed by alice" in out
    # Nothing else was touched: the chain and the anchor hold.
    assert "chain broken" not in out and "anchor" not in out


def test_removed_decision_row_is_found(store: tuple[str, Engine]) -> None:
    url, engine = store
    with engine.begin() as conn:
        conn.execute(delete(decisions).where(decisions.c.id == 2))
    assert "decision 2: the log says unsure by bob, the table has no such row" in _broken(url)


def test_new_entries_do_not_move_the_anchor_past_a_cut(store: tuple[str, Engine]) -> None:
    url, engine = store
    with engine.begin() as conn:
        conn.execute(delete(audit_log).where(audit_log.c.id >= 3))
        conn.execute(delete(decisions).where(decisions.c.id >= 1))
    # sourcetrace keeps writing: entries 3..6 are new, and none may hide the cut.
    for n in range(4):
        accounts.add_user(engine, f"user{n}", "viewer", "a long enough password", actor="cli")
    assert audit.head(engine).id == 6
    assert "entry 5 does not have the anchored hash" in _broken(url)


def test_bad_expect_value_is_refused(store: tuple[str, Engine]) -> None:
    url, _ = store
    done = sourcetrace("audit", "verify", "--db", url, "--expect", "5:not-a-hash")
    assert done.returncode == 2
    assert "--expect" in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_removed_anchor_is_reported_until_the_next_change(store: tuple[str, Engine]) -> None:
    url, engine = store
    path = audit.anchor_path(engine)
    assert path is not None
    path.unlink()
    assert "no anchor file" in _broken(url)
    accounts.add_user(engine, "dave", "viewer", "yet another password", actor="cli")
    assert sourcetrace("audit", "verify", "--db", url).returncode == 0
