"""Import the EU Consolidated Financial Sanctions List from its XML file (``xmlFullSanctionsList_1_1``).

The European Commission publishes every person, group and entity under EU financial sanctions
(https://data.europa.eu/data/datasets/consolidated-list-of-persons-groups-and-entities-subject-to-eu-financial-sanctions).
The XML has an ``export`` root with one ``sanctionEntity`` per listed party (attributes
``euReferenceNumber``, ``unitedNationId``, ``logicalId``, ``designationDate``), holding:
``regulation`` elements (``programme``, ``numberTitle``, ``publicationDate``,
``entryIntoForceDate``, child ``publicationUrl``), one ``subjectType`` (``code`` person or
enterprise), ``nameAlias`` elements (``wholeName``, ``nameLanguage``, ``strong``), ``address``,
``identification``, ``birthdate`` and ``citizenship``. Names are kept in every language given;
weak aliases (``strong="false"``) become ``weakAlias``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from sourcetrace.errors import ListError
from sourcetrace.lists.importers._common import (
    FtMDict,
    clean,
    org_schema,
    party,
    read_xml,
    sanction,
)

DATASET = "eu_fsf"
TITLE = "EU Consolidated Financial Sanctions List"
PUBLISHER = "European Commission"
AUTHORITY = "Council of the European Union"
SOURCE_URL = "https://webgate.ec.europa.eu/fsd/fsf"


def parse(path: Path) -> list[FtMDict]:
    """The EU list as FtM entities: one party per sanctionEntity, one Sanction per regulation."""
    root = read_xml(path)
    if root.tag != "export":
        raise ListError(
            f"root element is <{root.tag}>, not <export>: not the EU consolidated list XML",
            path=path,
        )
    entries = root.findall("sanctionEntity")
    if not entries:
        raise ListError("no sanctionEntity elements: not the EU consolidated list XML", path=path)
    out: list[FtMDict] = []
    for number, entry in enumerate(entries, start=1):
        out.extend(_entry(entry, number, path))
    return out


def _attr(element: ET.Element | None, name: str) -> str:
    return clean(element.get(name)) if element is not None else ""


def _entry(entry: ET.Element, number: int, path: Path) -> list[FtMDict]:
    where = f"sanctionEntity {number} (logicalId {entry.get('logicalId', '?')})"
    eu_ref = _attr(entry, "euReferenceNumber")
    key = eu_ref or _attr(entry, "logicalId")
    if not key:
        raise ListError(f"{where} has neither euReferenceNumber nor logicalId", path=path)
    entity_id = "eu-fsf-" + re.sub(r"[^a-z0-9]+", "-", key.lower()).strip("-")
    code = _attr(entry.find("subjectType"), "code").lower()
    if code not in ("person", "enterprise"):
        raise ListError(
            f"{where}: subjectType {code!r} is neither person nor enterprise", path=path
        )
    strong: list[str] = []
    weak: list[str] = []
    for alias in entry.findall("nameAlias"):
        name = _attr(alias, "wholeName")
        if name:
            (weak if _attr(alias, "strong").lower() == "false" else strong).append(name)
    if not strong and not weak:
        raise ListError(f"{where} has no nameAlias with a wholeName", path=path)
    names = strong or weak
    schema = "Person" if code == "person" else org_schema(names[0])
    props: dict[str, list[str]] = {
        "name": names[:1],
        "alias": names[1:],
        "weakAlias": weak if strong else [],
        "topics": ["sanction"],
        "notes": [clean(r.text) for r in entry.findall("remark")],
    }
    for address in entry.findall("address"):
        parts = [_attr(address, a) for a in ("street", "poBox", "zipCode", "city", "region")]
        country = _attr(address, "countryDescription")
        if country == "UNKNOWN":
            country = ""
        props.setdefault("address", []).append(", ".join(p for p in [*parts, country] if p))
        props.setdefault("country", []).append(_attr(address, "countryIso2Code").lower())
    for ident in entry.findall("identification"):
        props.setdefault("registrationNumber", []).append(_attr(ident, "number"))
    out = [party(schema, entity_id, DATASET, props)]
    regulations = entry.findall("regulation")
    if not regulations:
        raise ListError(f"{where} has no regulation", path=path)
    for regulation in regulations:
        url = clean(regulation.findtext("publicationUrl"))
        dates = [
            d
            for d in (_attr(entry, "designationDate"), _attr(regulation, "entryIntoForceDate"))
            if d
        ]
        programme = _attr(regulation, "programme")
        out.append(
            sanction(
                entity_id,
                DATASET,
                url or _attr(regulation, "logicalId"),
                {
                    "authority": AUTHORITY,
                    "publisher": PUBLISHER,
                    "program": TITLE,
                    "programId": programme,
                    "provisions": programme,
                    "reason": _attr(regulation, "numberTitle"),
                    "listingDate": _attr(regulation, "publicationDate"),
                    "startDate": min(dates) if dates else "",
                    "authorityId": eu_ref,
                    "unscId": _attr(entry, "unitedNationId"),
                    "sourceUrl": url or SOURCE_URL,
                },
            )
        )
    return out
