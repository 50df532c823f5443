"""The listed entities as people browse them: every name, address, identifier and listing.

Built from the raw FtM entities, not from the matcher's :class:`~sourcetrace.model.ListedEntity`,
because a reader wants what the list says (addresses, the reason given, which script each name is
written in), not only what matching uses. The lists in force are the ones screening uses: the
bundled snapshot, with each bundled list replaced by the official list imported into the store
that supersedes it (:data:`~sourcetrace.lists.bundled.REPLACED_BY`), and every other list in the
store at its newest version.

Store versions never change once imported, so a version's entities are read once per process;
the store itself is opened once per URL (opening checks its migrations, about 15 ms), as pages
ask for the lists in force on every request.
"""

from __future__ import annotations

import itertools
import threading
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import orjson

from sourcetrace.lists.bundled import REPLACED_BY, bundled_lists, default_list_path
from sourcetrace.lists.ftm import PARTY_SCHEMAS
from sourcetrace.store import ListDiff, ListStore, ListVersion

NAME_KINDS = {
    "name": "name",
    "alias": "alias",
    "previousName": "previous name",
    "weakAlias": "weak alias",
}
ID_PROPS = {
    "uscCode": "USCC",
    "registrationNumber": "registration number",
    "taxNumber": "tax number",
    "innCode": "INN",
    "ogrnCode": "OGRN",
    "leiCode": "LEI",
    "imoNumber": "IMO number",
    "idNumber": "ID number",
}
_SCRIPTS = (
    ("CJK", "Chinese characters"),
    ("LATIN", "Latin"),
    ("CYRILLIC", "Cyrillic"),
    ("ARABIC", "Arabic"),
    ("HANGUL", "Korean"),
    ("HIRAGANA", "Japanese"),
    ("KATAKANA", "Japanese"),
)


@dataclass(frozen=True, slots=True)
class NameView:
    """One name as the list writes it, with its kind, its script and where it comes from."""

    value: str
    kind: str
    script: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class ListingView:
    """One listing (an FtM ``Sanction``): programme, section, date, authority, reason, source."""

    program: str
    section: str
    date: str
    authority: str
    reason: str
    source_url: str


@dataclass(slots=True)
class EntityView:
    """A listed entity with everything its list says about it."""

    id: str
    schema: str
    caption: str
    list_name: str
    version: str
    names: list[NameView] = field(default_factory=list)
    addresses: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    identifiers: list[tuple[str, str]] = field(default_factory=list)
    listings: list[ListingView] = field(default_factory=list)
    source_urls: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ListInUse:
    """A list screening uses now: bundled or in the store, with its version and size."""

    name: str
    title: str
    version: str
    date: str
    entities: int
    origin: str
    """``bundled`` or ``store``."""
    url: str = ""
    versions: tuple[ListVersion, ...] = ()
    """Every stored version of the list, oldest first (none for a bundled snapshot)."""


def script_of(text: str) -> str:
    """The writing system of a name, from its first letter ("Chinese characters", "Latin", ...)."""
    for char in text:
        if not char.isalpha():
            continue
        name = unicodedata.name(char, "")
        for key, label in _SCRIPTS:
            if name.startswith(key):
                return label
        return name.split(" ")[0].title() if name else ""
    return ""


def _strings(values: object) -> list[str]:
    if not isinstance(values, list):
        return []
    return list(dict.fromkeys(v.strip() for v in values if isinstance(v, str) and v.strip()))


def _first(props: dict[str, Any], prop: str) -> str:
    values = _strings(props.get(prop))
    return values[0] if values else ""


def entity_views(
    entities: Iterable[dict[str, Any]], list_name: str, version: str
) -> dict[str, EntityView]:
    """The party entities of one list version, each with its Sanctions as listings, by id."""
    listings: dict[str, list[ListingView]] = defaultdict(list)
    parties: dict[str, EntityView] = {}
    for data in entities:
        props = data.get("properties") or {}
        schema = str(data.get("schema", ""))
        if schema == "Sanction":
            program = _first(props, "program")
            section = _first(props, "provisions")
            view = ListingView(
                program=program or list_name,
                section="" if section == program else section,
                date=_first(props, "listingDate") or _first(props, "startDate"),
                authority=_first(props, "authority"),
                reason=_first(props, "reason") or _first(props, "summary"),
                source_url=_first(props, "sourceUrl"),
            )
            for ref in _strings(props.get("entity")):
                listings[ref].append(view)
            continue
        if schema not in PARTY_SCHEMAS:
            continue
        found = data.get("name_sources")
        sources: dict[str, Any] = found if isinstance(found, dict) else {}
        names = [
            NameView(value, label, script_of(value), _name_note(sources.get(value)))
            for prop, label in NAME_KINDS.items()
            for value in _strings(props.get(prop))
        ]
        if not names:
            continue
        entity_id = str(data["id"])
        parties[entity_id] = EntityView(
            id=entity_id,
            schema=schema,
            caption=str(data.get("caption") or names[0].value),
            list_name=list_name,
            version=version,
            names=names,
            addresses=_strings(props.get("address")),
            countries=_strings(props.get("country")) + _strings(props.get("jurisdiction")),
            identifiers=[
                (label, value)
                for prop, label in ID_PROPS.items()
                for value in _strings(props.get(prop))
            ],
            source_urls=_strings(props.get("sourceUrl")),
        )
    for entity_id, party in parties.items():
        party.listings = list(dict.fromkeys(listings.get(entity_id, [])))
    return parties


def _name_note(source: object) -> str:
    if not isinstance(source, dict):
        return ""
    parts = [str(source.get(k) or "") for k in ("name_type", "note")]
    return "; ".join(p for p in parts if p)


@lru_cache(maxsize=1)
def _bundled() -> dict[str, dict[str, EntityView]]:
    """The bundled snapshot's entities, by list then id."""
    versions = {b.name: b.version for b in bundled_lists()}
    by_list: dict[str, list[dict[str, Any]]] = defaultdict(list)
    with default_list_path().open("rb") as handle:
        for line in handle:
            if line.strip():
                data = orjson.loads(line)
                by_list[(data.get("datasets") or [""])[0]].append(data)
    return {
        name: entity_views(items, name, versions.get(name, "")) for name, items in by_list.items()
    }


_STORES: dict[str, ListStore] = {}
_STORES_LOCK = threading.Lock()


def _store(url: str) -> ListStore:
    """The list store at ``url``, opened once and kept for the process's requests (until
    :func:`close_stores`)."""
    with _STORES_LOCK:
        store = _STORES.get(url)
        if store is None:
            store = _STORES[url] = ListStore(url)
        return store


def close_stores() -> None:
    """Close the stores kept open for browsing (the web app calls it as it stops)."""
    with _STORES_LOCK:
        for store in _STORES.values():
            store.close()
        _STORES.clear()
    _stored.cache_clear()


@lru_cache(maxsize=32)
def _stored(url: str, version_id: int, content_hash: str) -> dict[str, EntityView]:
    """One store version's entities (immutable once imported, hence cached by id and hash)."""
    store = _store(url)
    version = store.version(version_id)
    return entity_views(store.entities(version_id), version.list_name, version_label(version))


def version_label(version: ListVersion) -> str:
    """How a store version is named on pages and in results: ``v3 2026-12-01`` (import date)."""
    return f"v{version.id} {version.imported_at[:10]}"


class Catalogue:
    """The lists in force in one store (bundled ones included) and their entities."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._versions = _store(url).versions()
        self._in_force: dict[str, ListVersion] = {}
        for version in self._versions:
            self._in_force[version.list_name] = version
        replaced = {old for old, new in REPLACED_BY.items() if new in self._in_force}
        self.replaced = {old: REPLACED_BY[old] for old in replaced}
        self._bundled_names = [b.name for b in bundled_lists() if b.name not in replaced]

    def lists(self) -> list[ListInUse]:
        """Every list screening uses now, bundled ones first, then the store's by name."""
        out = [
            ListInUse(b.name, b.title, b.version, b.version, b.entities, "bundled", b.url)
            for b in bundled_lists()
            if b.name in self._bundled_names
        ]
        for name in sorted(self._in_force):
            v = self._in_force[name]
            out.append(
                ListInUse(
                    name,
                    name,
                    version_label(v),
                    v.imported_at,
                    v.entity_count,
                    "store",
                    v.source,
                    tuple(x for x in self._versions if x.list_name == name),
                )
            )
        return out

    def _lists_views(self) -> Iterable[dict[str, EntityView]]:
        bundled = _bundled()
        for name in self._bundled_names:
            yield bundled.get(name, {})
        for v in self._in_force.values():
            yield _stored(self.url, v.id, v.content_hash)

    def entities_of(self, list_name: str) -> list[EntityView] | None:
        """The entities of one list in force, by caption; None for a list not in use."""
        if list_name in self._in_force:
            v = self._in_force[list_name]
            views = _stored(self.url, v.id, v.content_hash)
        elif list_name in self._bundled_names:
            views = _bundled().get(list_name, {})
        else:
            return None
        return sorted(views.values(), key=lambda e: (e.caption.casefold(), e.id))

    def entity(self, entity_id: str) -> EntityView | None:
        """A listed entity, or None: first the lists in force (the store's, then the bundled
        ones), then a bundled snapshot an imported list replaced, which the app's ``/match``
        and search still match against (the page says it was replaced)."""
        for views in reversed(list(self._lists_views())):
            if entity_id in views:
                return views[entity_id]
        for name in self.replaced:
            found = _bundled().get(name, {}).get(entity_id)
            if found is not None:
                return found
        return None

    def appearances(self, entity_id: str) -> list[tuple[str, str]]:
        """Every list version the entity appears in, as (list, version), oldest first.

        The bundled snapshot counts as a version; of the store, every stored version whose
        entities include this id (a party removed from the list stops appearing).
        """
        found: list[tuple[str, str]] = [
            (name, views[entity_id].version)
            for name, views in _bundled().items()
            if entity_id in views
        ]
        for version in _store(self.url).versions_with(entity_id):
            found.append((version.list_name, version_label(version)))
        return found

    def diff(self, old_id: int, new_id: int) -> tuple[ListVersion, ListVersion, ListDiff]:
        """Two stored versions of one list and what changed between them."""
        store = _store(self.url)
        return store.version(old_id), store.version(new_id), store.diff(old_id, new_id)


def consecutive(versions: Sequence[ListVersion]) -> list[tuple[ListVersion, ListVersion]]:
    """Each stored version with the one before it, for the links to their diffs."""
    return list(itertools.pairwise(versions))


__all__ = [
    "Catalogue",
    "EntityView",
    "ListInUse",
    "ListingView",
    "NameView",
    "consecutive",
    "entity_views",
    "script_of",
    "version_label",
]
