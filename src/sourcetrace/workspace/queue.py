"""The review queue of a job: each hit and each signal, with the decision that stands for it.

A row gives up to three work items: its hit (a listed entity), a *location lead* (a Xinjiang
place or postcode in its address or name) and an *identifier problem* (an invalid USCC, or one
registered in Xinjiang). A hit is decided confirmed, false positive or unsure; a signal cleared
(the supplier is shown to be outside the region, the evidence in the comment), escalated or
unsure. An item decided "unsure" stays open: it is still shown as one to decide, and so does one
whose decision awaits a second reviewer's approval (four eyes, see
:mod:`sourcetrace.workspace.decisions`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from sourcetrace.model import name_key
from sourcetrace.signals import SIGNAL_KINDS, signal_kind
from sourcetrace.store.workspace import REVIEW_DECISIONS, SIGNAL_DECISIONS
from sourcetrace.workspace.audit import canonical_json
from sourcetrace.workspace.decisions import SIGNAL_PREFIX, ReviewDecision, latest
from sourcetrace.workspace.jobs import Job

HIT = "hit"
"""The kind of a work item about a listed entity; the others are :data:`SIGNAL_KINDS`."""
AWAITING = "awaiting"
"""A row's review state while a decision on it awaits a second reviewer (four eyes)."""
KIND_LABELS = {HIT: "listed match", "location": "location lead", "identifier": "identifier problem"}


@dataclass(frozen=True, slots=True)
class ReviewItem:
    """One thing to decide on a result row (its hit or one kind of signal), and the decision."""

    row: dict[str, Any]
    decision: ReviewDecision | None
    """The decision that stands: same name, same entity (or signals), unchanged data."""
    outdated: ReviewDecision | None = None
    """A decision taken before the entity's list data (or the signals) changed; it no longer
    stands."""
    kind: str = HIT
    """``hit``, ``location`` or ``identifier``."""

    @property
    def pending(self) -> bool:
        """Still open: never decided, decided "unsure", or awaiting a second review."""
        return (
            self.decision is None
            or self.decision.decision == "unsure"
            or self.decision.awaiting_approval
        )

    @property
    def awaiting(self) -> bool:
        """Decided, but the decision needs a second reviewer's approval it does not have yet."""
        return self.decision is not None and self.decision.awaiting_approval

    @property
    def is_hit(self) -> bool:
        return self.kind == HIT

    @property
    def hit(self) -> dict[str, Any]:
        """The listed entity of a hit item; empty for a signal item."""
        hit: dict[str, Any] = self.row["hit"] if self.is_hit else {}
        return hit

    @property
    def signals(self) -> list[str]:
        """The row's signals of this item's kind (none for a hit item)."""
        return [s for s in self.row.get("signals", []) if signal_kind(s) == self.kind]

    @property
    def subject(self) -> str:
        """What the decision is about beside the name: the entity id, or ``signal:<kind>``."""
        return str(self.hit["entity_id"]) if self.is_hit else SIGNAL_PREFIX + self.kind

    @property
    def subject_hash(self) -> str:
        """The entity's data hash, or a hash of the signals and the row's fields they come from,
        so that a signal decision is asked again when the address or identifier changes."""
        if self.is_hit:
            return str(self.hit["entity_hash"])
        fields = {k: self.row.get(k, "") for k in ("address", "country", "identifier")}
        data = canonical_json({"kind": self.kind, "signals": self.signals, **fields})
        return "sha256:" + hashlib.sha256(data.encode("utf-8")).hexdigest()

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def choices(self) -> tuple[str, ...]:
        return REVIEW_DECISIONS if self.is_hit else SIGNAL_DECISIONS

    @property
    def key(self) -> str:
        """The item's name in forms and anchors: ``<row>`` for a hit, ``<row>:<kind>`` else."""
        row = int(self.row["row"])
        return str(row) if self.is_hit else f"{row}:{self.kind}"


def review_items(engine: Engine, job: Job) -> list[ReviewItem]:
    """Every hit and signal of the job, in input order (a row's hit first), each with its
    standing decision."""
    return with_decisions(engine, bare_items(job.results))


def bare_items(results: Iterable[dict[str, Any]]) -> list[ReviewItem]:
    """The work items of result rows, in their order (a row's hit first), not yet looked up."""
    bare: list[ReviewItem] = []
    for r in results:
        if r.get("hit"):
            bare.append(ReviewItem(r, None))
        kinds = {signal_kind(s) for s in r.get("signals", [])}
        bare.extend(ReviewItem(r, None, kind=k) for k in SIGNAL_KINDS if k in kinds)
    return bare


def with_decisions(engine: Engine, bare: list[ReviewItem]) -> list[ReviewItem]:
    """``bare`` items each with the decision that stands for it (or the outdated one)."""
    known = latest(engine, [(i.row["name"], i.subject) for i in bare])
    return [
        standing(item, known.get((name_key(item.row["name"]), item.subject)), item.subject_hash)
        for item in bare
    ]


def standing(item: ReviewItem, found: ReviewDecision | None, subject_hash: str) -> ReviewItem:
    """``item`` with the newest decision ``found`` on its name and subject: the one that stands
    while the subject's data (``subject_hash``, the item's own) is unchanged, else outdated."""
    if found is not None and found.entity_hash == subject_hash:
        return ReviewItem(item.row, found, kind=item.kind)
    return ReviewItem(item.row, None, found, kind=item.kind)


def row_review(items: list[ReviewItem]) -> str:
    """One row's review state from its items: "" (nothing to decide), "pending" (an item was
    never decided), "awaiting" (a decision awaits its second review), "unsure", or the decision
    of its first item."""
    if not items:
        return ""
    if any(i.decision is None for i in items):
        return "pending"
    if any(i.awaiting for i in items):
        return AWAITING
    if any(i.pending for i in items):
        return "unsure"
    first = items[0].decision
    return first.decision if first is not None else "pending"
