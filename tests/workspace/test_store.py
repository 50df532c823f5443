"""Accounts, API keys, jobs and remembered decisions, on every store backend."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import Engine

from sourcetrace.errors import ConfigError
from sourcetrace.model import Decision, Hit, ListedEntity, Listing, Record, Result, name_key
from sourcetrace.screening import ListUsed, ScreeningRun
from sourcetrace.workspace import accounts, audit, decisions
from sourcetrace.workspace.jobs import create_job, get_job, list_jobs
from sourcetrace.workspace.queue import review_items

ENTITY = ListedEntity(
    id="uflpa-23795c8155f2",
    schema="Company",
    caption="Xinjiang Zhongtai Chemical Co. Ltd.",
    listings=[
        Listing(
            "UFLPA Entity List",
            version="2026-08-10",
            source_url="https://www.dhs.gov/uflpa-entity-list",
        )
    ],
    countries=["cn"],
    dataset="uflpa",
)


def _run(name: str, entity: ListedEntity = ENTITY) -> ScreeningRun:
    hit = Hit(entity, entity.caption, 0.97, Decision.MATCH, ["trade name 'zhongtai' agrees"])
    results = [
        Result(Record(1, name), Decision.MATCH, 0.97, hit),
        Result(Record(2, "Acme Buttons GmbH"), Decision.CLEAR, 0.0, None),
    ]
    return ScreeningRun(
        results=results, lists=[ListUsed("uflpa", "2026-08-10", "(bundled)", "sha256:x", 187)]
    )


def test_users_and_passwords(engine: Engine) -> None:
    accounts.add_user(engine, "ana", "analyst", "s3cret-passphrase")
    assert accounts.authenticate(engine, "ana", "s3cret-passphrase") == accounts.User(
        "ana", "analyst"
    )
    assert accounts.authenticate(engine, "ana", "wrong-pass") is None
    assert accounts.authenticate(engine, "nobody", "s3cret-passphrase") is None
    with pytest.raises(ConfigError):
        accounts.add_user(engine, "ana", "viewer", "another-pass")
    with pytest.raises(ConfigError):
        accounts.add_user(engine, "eve", "superuser", "another-pass")
    with pytest.raises(ConfigError):
        accounts.add_user(engine, "eve", "viewer", "short")
    accounts.set_active(engine, "ana", False, actor="admin")
    assert accounts.authenticate(engine, "ana", "s3cret-passphrase") is None
    viewer = accounts.User("v", "viewer")
    assert viewer.can("viewer") and not viewer.can("analyst")
    assert accounts.User("a", "admin").can("analyst")


def test_api_keys_are_hashed_and_revocable(engine: Engine) -> None:
    accounts.add_user(engine, "ana", "analyst", "s3cret-passphrase")
    key = accounts.create_api_key(engine, "ana", "erp", actor="admin")
    assert accounts.user_for_key(engine, key) == accounts.User("ana", "analyst")
    listed = accounts.list_api_keys(engine)
    assert len(listed) == 1 and key.startswith(listed[0].prefix) and listed[0].prefix != key
    accounts.revoke_api_key(engine, listed[0].id, actor="admin")
    assert accounts.user_for_key(engine, key) is None
    with pytest.raises(ConfigError):
        accounts.revoke_api_key(engine, listed[0].id, actor="admin")
    assert audit.verify_chain(engine) is None


def test_jobs_keep_results_and_lists(engine: Engine) -> None:
    job_id = create_job(
        engine,
        filename="suppliers.csv",
        file_hash="sha256:ab",
        run=_run("新疆中泰化学股份有限公司"),
        actor="ana",
    )
    job = get_job(engine, job_id)
    assert job is not None
    assert job.counts == {"match": 1, "review": 0, "clear": 1}
    assert job.lists[0]["version"] == "2026-08-10"
    assert job.results[0]["hit"]["entity_id"] == ENTITY.id
    assert job.results[0]["name"] == "新疆中泰化学股份有限公司"
    assert [j.id for j in list_jobs(engine)] == [job_id]
    assert audit.entries(engine)[-1].action == "job.create"


def test_decision_remembered_until_list_data_changes(engine: Engine) -> None:
    first = get_job(
        engine,
        create_job(
            engine,
            filename="a.csv",
            file_hash="h",
            run=_run("Xinjiang Zhongtai Chemical Co Ltd"),
            actor="ana",
        ),
    )
    assert first is not None
    [item] = [i for i in review_items(engine, first) if i.is_hit]
    assert item.pending
    decisions.record(
        engine,
        name=item.row["name"],
        entity_id=ENTITY.id,
        entity_hash=item.hit["entity_hash"],
        decision="false_positive",
        comment="different company",
        username="ana",
        job_id=first.id,
        row=1,
    )
    # The same name, differently written, in a later file: not asked again.
    again = get_job(
        engine,
        create_job(
            engine,
            filename="b.csv",
            file_hash="h",
            run=_run("  XINJIANG  zhongtai chemical co ltd "),
            actor="ana",
        ),
    )
    assert again is not None
    [item] = [i for i in review_items(engine, again) if i.is_hit]
    assert (
        not item.pending
        and item.decision is not None
        and item.decision.decision == "false_positive"
    )
    # A new list version that leaves the entity as it was: still not asked.
    relabelled = replace(ENTITY, listings=[replace(ENTITY.listings[0], version="2026-09-01")])
    assert decisions.entity_hash(relabelled) == decisions.entity_hash(ENTITY)
    # The entity's list data changes: asked again, the old decision shown as outdated.
    changed = replace(ENTITY, identifiers=["91650100XXXXXXXXXX"])
    later = get_job(
        engine,
        create_job(
            engine,
            filename="c.csv",
            file_hash="h",
            run=_run("Xinjiang Zhongtai Chemical Co Ltd", changed),
            actor="ana",
        ),
    )
    assert later is not None
    [item] = [i for i in review_items(engine, later) if i.is_hit]
    assert item.pending and item.outdated is not None and item.outdated.decision == "false_positive"
    with pytest.raises(ConfigError):
        decisions.record(
            engine,
            name="x",
            entity_id="y",
            entity_hash="z",
            decision="maybe",
            comment="",
            username="ana",
        )
    assert audit.verify_chain(engine) is None


def test_name_key_folds_width_case_and_spaces() -> None:
    assert name_key("  ＸＩＮＪＩＡＮＧ  Zhongtai ") == name_key("xinjiang zhongtai")


def test_default_url(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from sourcetrace.settings import load_settings
    from sourcetrace.store.database import resolve_url

    monkeypatch.delenv("SOURCETRACE_DB", raising=False)
    assert (
        resolve_url(None, load_settings(data_dir=tmp_path))
        == f"sqlite:///{tmp_path / 'sourcetrace.db'}"
    )
    monkeypatch.setenv("SOURCETRACE_DB", "postgresql+psycopg://u@h/db")
    assert resolve_url() == "postgresql+psycopg://u@h/db"


def test_a_bulk_decision_is_stored_whole_or_not_at_all(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    digest = decisions.entity_hash(ENTITY)
    items = [
        decisions.Decided(name, ENTITY.id, digest, job_id=None, row=n)
        for n, name in enumerate(["Xinjiang Zhongtai Chemical Co Ltd", "新疆中泰化学股份有限公司",
                                  "XINJIANG ZHONGTAI CHEM CO"], start=1)
    ]  # fmt: skip
    before = len(audit.entries(engine))
    real = audit._append
    calls = {"n": 0}

    def failing_third(*args: object, **kwargs: object) -> object:
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError("disk full")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(audit, "_append", failing_third)
    with pytest.raises(OSError):
        decisions.record_many(
            engine, items, decision="false_positive", comment="other plant", username="ana"
        )
    monkeypatch.undo()
    # Nothing of the first two was kept: no decision, no audit entry.
    assert decisions.latest(engine, [(i.name, ENTITY.id) for i in items]) == {}
    assert len(audit.entries(engine)) == before

    stored = decisions.record_many(
        engine, items, decision="false_positive", comment=" other plant ", username="ana"
    )
    assert [d.row for d in stored] == [1, 2, 3] and len({d.id for d in stored}) == 3
    assert all(d.comment == "other plant" and d.at == stored[0].at for d in stored)
    logged = audit.entries(engine)[before:]
    assert [e.details["decision_id"] for e in logged] == [d.id for d in stored]
    assert audit.verify_chain(engine) is None
    with pytest.raises(ConfigError):
        decisions.record_many(engine, items, decision="maybe", comment="", username="ana")
