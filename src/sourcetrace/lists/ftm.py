"""Read FollowTheMoney entity files (JSON lines, as OpenSanctions publishes) into listed entities.

Organisations, companies, public bodies, vessels and (from sanctions lists only) persons become
:class:`~sourcetrace.model.ListedEntity`; ``Sanction`` entities become their listings (list,
section, date, authority, source). Other schemas (addresses, ownership edges, ...) are skipped.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from pathlib import Path

import orjson

from sourcetrace.errors import ListError
from sourcetrace.model import EntityName, ListedEntity, Listing, NameKind

PARTY_SCHEMAS = frozenset(
    {"LegalEntity", "Organization", "Company", "PublicBody", "Person", "Vessel", "Airplane"}
)
_NAME_PROPS = (
    ("name", NameKind.NAME),
    ("alias", NameKind.ALIAS),
    ("previousName", NameKind.PREVIOUS),
    ("weakAlias", NameKind.WEAK),
)
_ID_PROPS = ("uscCode", "registrationNumber", "taxNumber", "innCode", "ogrnCode", "leiCode")


def _strings(values: object) -> list[str]:
    if not isinstance(values, list):
        return []
    return [v for v in values if isinstance(v, str) and v.strip()]


def load_entities(path: Path, version: str = "") -> list[ListedEntity]:
    """Read one FtM JSON-lines file; a corrupt line raises ListError naming the line."""
    if not path.exists():
        raise ListError("list file not found", path=path)
    parties: dict[str, ListedEntity] = {}
    sanctions: dict[str, list[Listing]] = defaultdict(list)
    name_sources: dict[str, dict[str, dict[str, object]]] = {}
    default_list = path.name.split(".")[0]
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise ListError(f"cannot open list file: {exc.strerror}", path=path) from None
    with handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                data = orjson.loads(line)
            except orjson.JSONDecodeError:
                raise ListError(
                    "not a JSON object (corrupt FtM line)", path=path, row=number
                ) from None
            if not isinstance(data, dict) or "schema" not in data or "id" not in data:
                raise ListError("not an FtM entity (no 'id' or 'schema')", path=path, row=number)
            props = data.get("properties") or {}
            if not isinstance(props, dict):
                raise ListError("'properties' is not an object", path=path, row=number)
            schema = str(data["schema"])
            datasets = _strings(data.get("datasets")) or [default_list]
            if schema == "Sanction":
                for ref in _strings(props.get("entity")):
                    sanctions[ref].append(_listing(props, datasets[0], version))
                continue
            if schema not in PARTY_SCHEMAS:
                continue
            names = [
                EntityName(value=v.strip(), kind=kind)
                for prop, kind in _NAME_PROPS
                for v in _strings(props.get(prop))
            ]
            if not names:
                continue
            entity_id = str(data["id"])
            parties[entity_id] = ListedEntity(
                id=entity_id,
                schema=schema,
                caption=str(data.get("caption") or names[0].value),
                names=names,
                countries=_strings(props.get("country")) + _strings(props.get("jurisdiction")),
                identifiers=[v for p in _ID_PROPS for v in _strings(props.get(p))],
                topics=_strings(props.get("topics")),
                dataset=datasets[0],
            )
            if isinstance(data.get("name_sources"), dict):
                name_sources[entity_id] = data["name_sources"]
            notes = [n for n in _strings(props.get("notes")) if n.lower().startswith("and ")]
            if notes:
                parties[entity_id].listings.append(
                    Listing(list_name=datasets[0], scope_note="; ".join(notes), version=version)
                )
    for entity_id, entity in parties.items():
        found = sanctions.get(entity_id, [])
        scope = [x.scope_note for x in entity.listings if x.scope_note]
        entity.listings = [
            Listing(
                list_name=x.list_name,
                section=x.section,
                date=x.date,
                authority=x.authority,
                source_url=x.source_url,
                scope_note=x.scope_note or ("; ".join(scope) if scope else ""),
                version=version,
            )
            for x in found
        ] or [Listing(list_name=entity.dataset, scope_note="; ".join(scope), version=version)]
        sources = name_sources.get(entity_id, {})
        if sources:
            entity.names = [
                EntityName(
                    value=n.value,
                    kind=n.kind,
                    source=str(sources.get(n.value, {}).get("source", "")),
                    verified=bool(sources.get(n.value, {}).get("verified", True)),
                )
                for n in entity.names
            ]
    return list(parties.values())


def _listing(props: dict[str, object], dataset: str, version: str) -> Listing:
    def first(prop: str) -> str:
        values = _strings(props.get(prop))
        return values[0] if values else ""

    return Listing(
        list_name=first("program") or dataset,
        section=first("provisions") if first("provisions") != first("program") else "",
        date=first("listingDate") or first("startDate"),
        authority=first("authority"),
        source_url=first("sourceUrl"),
        scope_note=first("summary") if first("summary").lower().startswith("and ") else "",
        version=version,
    )


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return "sha256:" + digest.hexdigest()
