"""Records, listed entities and screening results: the types every stage passes on."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from sourcetrace.names.text import fold

NO_HIT_REASON = "no listed entity shares a distinctive name"


class Decision(str, Enum):
    """What the screener advises for one input row."""

    MATCH = "match"
    REVIEW = "review"
    CLEAR = "clear"

    @property
    def rank(self) -> int:
        return {"clear": 0, "review": 1, "match": 2}[self.value]


class NameKind(str, Enum):
    """Where a name of a listed entity comes from; weak names never make a ``match`` alone."""

    NAME = "name"
    ALIAS = "alias"
    PREVIOUS = "previousName"
    WEAK = "weakAlias"


@dataclass(frozen=True, slots=True)
class Listing:
    """One listing of an entity: which list, which section, since when, on what source."""

    list_name: str
    section: str = ""
    date: str = ""
    authority: str = ""
    source_url: str = ""
    scope_note: str = ""
    version: str = ""

    def label(self) -> str:
        """Human form used in the ``lists`` output column."""
        text = self.list_name
        if self.section:
            text += f" {self.section}"
        if self.date:
            text += f", listed {self.date}"
        if self.scope_note:
            text += f" ({self.scope_note})"
        return text


@dataclass(frozen=True, slots=True)
class EntityName:
    """A name of a listed entity as it is written on the list."""

    value: str
    kind: NameKind = NameKind.NAME
    source: str = ""
    verified: bool = True


@dataclass(slots=True)
class ListedEntity:
    """An organisation (or, from sanctions lists only, a person) as a watchlist gives it."""

    id: str
    schema: str
    caption: str
    names: list[EntityName] = field(default_factory=list)
    listings: list[Listing] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    identifiers: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    dataset: str = ""

    @classmethod
    def company(cls, ident: str, *names: str, list_name: str = "custom list") -> ListedEntity:
        """A company listed under these names (the first is its caption) on one list: for a
        list built in Python rather than read from a file (``Matcher([...], settings)``)."""
        return cls(
            id=ident, schema="Company", caption=names[0], names=[EntityName(n) for n in names],
            listings=[Listing(list_name)],
        )  # fmt: skip

    @property
    def covers_subordinates(self) -> bool:
        """True when a listing extends to subordinate units, subsidiaries or affiliates."""
        notes = " ".join(listing.scope_note.lower() for listing in self.listings)
        return any(word in notes for word in ("subordinate", "subsidiar", "affiliate"))

    def lists_label(self) -> str:
        return "; ".join(dict.fromkeys(listing.label() for listing in self.listings))


@dataclass(frozen=True, slots=True)
class Record:
    """One input row to screen."""

    row: int
    name: str
    address: str = ""
    country: str = ""
    identifier: str = ""


@dataclass(slots=True)
class Hit:
    """The best listed entity found for one record, with the evidence for it."""

    entity: ListedEntity
    matched_name: str
    score: float
    decision: Decision
    reasons: list[str]


@dataclass(slots=True)
class Result:
    """The screening outcome for one input row: the output contract's row."""

    record: Record
    decision: Decision
    score: float
    hit: Hit | None
    signals: list[str] = field(default_factory=list)

    def reasons_text(self) -> str:
        """Why the row got its decision; location and identifier signals have their own column."""
        if self.hit is None:
            return NO_HIT_REASON
        return "; ".join(self.hit.reasons)

    def as_row(self) -> dict[str, object]:
        """The output contract: one dict per input row, keys in contract order."""
        hit = self.hit
        return {
            "row": self.record.row,
            "name": self.record.name,
            "decision": self.decision.value,
            "score": round(self.score, 4),
            "entity_id": hit.entity.id if hit else "",
            "entity_name": hit.entity.caption if hit else "",
            "matched_name": hit.matched_name if hit else "",
            "lists": hit.entity.lists_label() if hit else "",
            "reasons": self.reasons_text(),
        }


OUTPUT_COLUMNS: tuple[str, ...] = (
    "row",
    "name",
    "decision",
    "score",
    "entity_id",
    "entity_name",
    "matched_name",
    "lists",
    "reasons",
)


def name_key(name: str) -> str:
    """A name as sourcetrace keys it: folded case, width and script, spaces collapsed. Names
    that differ only so are screened once, and share the review decisions made on them."""
    return " ".join(fold(name).split())
