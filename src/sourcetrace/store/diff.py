"""What changed between two versions of a list: parties added, removed, and changed (names, sections).

Pure functions over FtM entity dicts. A party's sections come from the ``Sanction`` entities that
name it, so a party listed under a further UFLPA section, or a further OFAC programme, shows as
changed with the new section.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from sourcetrace.lists.importers import FtMDict

NAME_PROPS = ("name", "alias", "previousName", "weakAlias")
_IGNORED = frozenset({"modifiedAt", "retrievedAt", "indexText"})


@dataclass(frozen=True, slots=True)
class PartyView:
    """A listed party as the diff sees it: names by kind, sections and other properties."""

    id: str
    schema: str
    caption: str
    names: dict[str, str]
    sections: frozenset[str]
    listings: frozenset[str]
    other: dict[str, tuple[str, ...]]


@dataclass(slots=True)
class PartyChange:
    """How one party differs between two versions."""

    id: str
    caption: str
    added_names: list[str] = field(default_factory=list)
    removed_names: list[str] = field(default_factory=list)
    added_sections: list[str] = field(default_factory=list)
    removed_sections: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    """Other properties that differ, and ``listing`` when a listing's details (dates...) do."""


@dataclass(slots=True)
class ListDiff:
    """Parties added, removed and changed from ``old`` to ``new``."""

    added: list[PartyView] = field(default_factory=list)
    removed: list[PartyView] = field(default_factory=list)
    changed: list[PartyChange] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def parties(entities: Sequence[FtMDict]) -> dict[str, PartyView]:
    """The parties of a version, each with the sections of the Sanctions that name it."""
    sections: dict[str, set[str]] = defaultdict(set)
    listings: dict[str, set[str]] = defaultdict(set)
    for e in entities:
        if e.get("schema") != "Sanction":
            continue
        props = e.get("properties", {})
        label = _section(props)
        detail = repr(sorted((k, tuple(v)) for k, v in props.items() if k not in _IGNORED))
        for ref in props.get("entity", []):
            sections[ref].add(label)
            listings[ref].add(detail)
    out: dict[str, PartyView] = {}
    for e in entities:
        props = e.get("properties", {})
        names: dict[str, str] = {}
        for prop in NAME_PROPS:
            for value in props.get(prop, []):
                names.setdefault(value, prop)
        if e.get("schema") == "Sanction" or not names:
            continue
        entity_id = str(e["id"])
        caption = (props.get("name") or list(names))[0]
        out[entity_id] = PartyView(
            id=entity_id,
            schema=str(e["schema"]),
            caption=caption,
            names=names,
            sections=frozenset(sections.get(entity_id, set())),
            listings=frozenset(listings.get(entity_id, set())),
            other={
                k: tuple(v) for k, v in props.items() if k not in NAME_PROPS and k not in _IGNORED
            },
        )
    return out


def _section(props: dict[str, list[str]]) -> str:
    program = ", ".join(props.get("program", [])) or "listed"
    provisions = [p for p in props.get("provisions", []) if p not in props.get("program", [])]
    return f"{program} {', '.join(provisions)}".strip()


def diff(old: Sequence[FtMDict], new: Sequence[FtMDict]) -> ListDiff:
    """Compare two versions' entities: parties added, removed, and changed."""
    before, after = parties(old), parties(new)
    result = ListDiff(
        added=[after[i] for i in after if i not in before],
        removed=[before[i] for i in before if i not in after],
    )
    for entity_id in after:
        if entity_id not in before:
            continue
        a, b = before[entity_id], after[entity_id]
        change = PartyChange(
            id=entity_id,
            caption=b.caption,
            added_names=[f"{b.names[n]}: {n}" for n in b.names if n not in a.names],
            removed_names=[f"{a.names[n]}: {n}" for n in a.names if n not in b.names],
            added_sections=sorted(b.sections - a.sections),
            removed_sections=sorted(a.sections - b.sections),
        )
        change.changed = sorted(
            {k for k in a.other.keys() | b.other.keys() if a.other.get(k) != b.other.get(k)}
            | {f"kind of name {n!r}" for n in b.names if n in a.names and a.names[n] != b.names[n]}
            | ({"schema"} if a.schema != b.schema else set())
            | ({"listing"} if a.listings != b.listings and a.sections == b.sections else set())
        )
        if (
            change.added_names
            or change.removed_names
            or change.added_sections
            or change.removed_sections
            or change.changed
        ):
            result.changed.append(change)
    return result
