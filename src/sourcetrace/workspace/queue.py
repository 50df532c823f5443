"""The review queue of a job: each hit with the decision that stands for it, if any."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from sourcetrace.model import name_key
from sourcetrace.workspace.decisions import ReviewDecision, latest
from sourcetrace.workspace.jobs import Job


@dataclass(frozen=True, slots=True)
class ReviewItem:
    """One result row with a hit, and what analysts have decided on it."""

    row: dict[str, Any]
    decision: ReviewDecision | None
    """The decision that stands: same name, same entity, unchanged list data."""
    outdated: ReviewDecision | None = None
    """A decision taken before the entity's list data changed; it no longer stands."""

    @property
    def pending(self) -> bool:
        return self.decision is None

    @property
    def hit(self) -> dict[str, Any]:
        hit: dict[str, Any] = self.row["hit"]
        return hit


def review_items(engine: Engine, job: Job) -> list[ReviewItem]:
    """Every row of the job that has a hit, in input order, with its standing decision."""
    rows = [r for r in job.results if r.get("hit")]
    known = latest(engine, [(r["name"], r["hit"]["entity_id"]) for r in rows])
    items: list[ReviewItem] = []
    for r in rows:
        found = known.get((name_key(r["name"]), r["hit"]["entity_id"]))
        if found is not None and found.entity_hash == r["hit"]["entity_hash"]:
            items.append(ReviewItem(r, found))
        else:
            items.append(ReviewItem(r, None, found))
    return items
