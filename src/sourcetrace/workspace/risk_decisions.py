"""Decisions on a supply chain's risk sources, kept with the screening review's decisions.

A chain's list risk source rests on the listed entities its party's names matched
(:mod:`sourcetrace.graph.decisions`). Deciding it records one decision per entity, keyed as a
screening review decision is (the party's name, the entity, the entity's data hash), with an
audit entry each about ``chain:<id>``: ``sourcetrace audit verify`` replays them as any other.
:class:`StoreDecisions` reads them back for the next trace, by ``sourcetrace trace`` and the map.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, select

from sourcetrace.graph.decisions import HitDecision
from sourcetrace.model import Hit, ListedEntity, name_key
from sourcetrace.settings import Settings
from sourcetrace.store.database import resolve_url
from sourcetrace.store.engine import make_engine, sqlite_file
from sourcetrace.store.workspace import decisions
from sourcetrace.workspace.decisions import (
    SIGNAL_PREFIX,
    Decided,
    ReviewDecision,
    entity_hash,
    record_many,
)

CHUNK = 500
"""Names per query: well under every database's limit on bound parameters."""


class StoreDecisions:
    """The decisions on hits in the workspace store, as a trace reads them
    (:class:`~sourcetrace.graph.decisions.DecisionBook`)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def decided(self, names: Collection[str]) -> list[HitDecision]:
        """The newest decision on each (name, entity) for these names; signals left out."""
        keys = sorted({name_key(n) for n in names} - {""})
        newest: dict[tuple[str, str], HitDecision] = {}
        with self.engine.connect() as conn:
            for start in range(0, len(keys), CHUNK):
                rows = conn.execute(
                    select(decisions)
                    .where(decisions.c.name_key.in_(keys[start : start + CHUNK]))
                    .where(~decisions.c.entity_id.startswith(SIGNAL_PREFIX))
                    .order_by(decisions.c.id)
                ).all()
                for r in rows:
                    m = r._mapping
                    newest[(m["name_key"], m["entity_id"])] = HitDecision(
                        id=m["id"], name=m["name"], entity_id=m["entity_id"],
                        entity_hash=m["entity_hash"], decision=m["decision"],
                        comment=m["comment"], username=m["username"], at=m["at"],
                    )  # fmt: skip
        return list(newest.values())

    def entity_hash(self, entity: ListedEntity) -> str:
        return entity_hash(entity)


@contextmanager
def store_decisions(
    db: str | None = None, settings: Settings | None = None
) -> Iterator[StoreDecisions | None]:
    """The decisions in the store ``db`` (default: ``SOURCETRACE_DB`` or the data directory's
    file, the one ``sourcetrace serve`` uses); None when that SQLite file does not exist (a
    trace never creates a store)."""
    url = resolve_url(db, settings)
    path = sqlite_file(url)
    if path is not None and not path.exists():
        yield None
        return
    engine = make_engine(url, settings)
    try:
        yield StoreDecisions(engine)
    finally:
        engine.dispose()


def decide_source(
    engine: Engine,
    chain_id: int,
    party: str,
    hits: list[Hit],
    *,
    decision: str,
    comment: str,
    username: str,
) -> list[ReviewDecision]:
    """Decide a chain's risk source: the same decision on each hit it rests on, under the
    party's name, with an audit entry each, in one transaction (a false positive needs a
    comment: :func:`~sourcetrace.workspace.decisions.record_many`)."""
    items = [Decided(party, h.entity.id, entity_hash(h.entity)) for h in hits]
    return record_many(engine, items, decision=decision, comment=comment, username=username,
                       subject=f"chain:{chain_id}")  # fmt: skip
