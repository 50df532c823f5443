"""Import the UK Sanctions List (FCDO) from its XML file (``UK_Sanctions_List.xml``).

The Foreign, Commonwealth & Development Office publishes everyone designated under the Sanctions
Act (https://www.gov.uk/government/publications/the-uk-sanctions-list) as CSV, ODS, XML and JSON;
this reads the XML. One ``Designation`` per listed party: ``UniqueID``, ``IndividualEntityShip``
(Individual, Entity or Ship), ``Names/Name`` (``Name1``..``Name6``, ``Name6`` being the family or
entity name, and ``NameType``: Primary Name or Alias), ``NonLatinNames`` (``NameNonLatinScript``),
``Addresses/Address`` (``AddressLine1``..``6``, ``AddressCountry``), ``RegimeName``,
``DesignationSource``, ``SanctionsImposed`` (``|``-separated), ``DateDesignated`` (dd/mm/yyyy),
``OtherInformation`` and ``UKStatementofReasons``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime
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

DATASET = "gb_fcdo_sanctions"
TITLE = "UK Sanctions List"
PUBLISHER = "UK Foreign, Commonwealth & Development Office"
SOURCE_URL = "https://www.gov.uk/government/publications/the-uk-sanctions-list"

_KINDS = {"individual": "Person", "entity": "", "ship": "Vessel"}
# DesignationSource says who designated: the UK itself, or the UN with the UK implementing it.
_SOURCES = {"UK": PUBLISHER, "UN": "United Nations Security Council"}


def parse(path: Path) -> list[FtMDict]:
    """The UK list as FtM entities: one party per Designation, with one Sanction each."""
    root = read_xml(path)
    designations = list(root.iter("Designation"))
    if not designations:
        raise ListError("no Designation elements: not the UK Sanctions List XML", path=path)
    out: list[FtMDict] = []
    for number, designation in enumerate(designations, start=1):
        out.extend(_designation(designation, number, path))
    return out


def _text(element: ET.Element, path: str) -> str:
    return clean(element.findtext(path))


def _date(text: str, where: str, path: Path) -> str:
    if not text:
        return ""
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    raise ListError(f"{where}: date {text!r} is not dd/mm/yyyy", path=path)


def _designation(designation: ET.Element, number: int, path: Path) -> list[FtMDict]:
    unique_id = _text(designation, "UniqueID")
    where = f"Designation {number} ({unique_id or 'no UniqueID'})"
    kind = _text(designation, "IndividualEntityShip").lower()
    if not unique_id or kind not in _KINDS:
        raise ListError(f"{where}: no UniqueID or unknown IndividualEntityShip {kind!r}", path=path)
    names: dict[str, list[str]] = {"name": [], "alias": []}
    for name in designation.iterfind("Names/Name"):
        parts = [_text(name, f"Name{i}") for i in range(1, 7)]
        full = " ".join(p for p in parts if p)
        if full:
            primary = _text(name, "NameType").lower() == "primary name"
            names["name" if primary else "alias"].append(full)
    for name in designation.iter("NameNonLatinScript"):
        if clean(name.text):
            names["alias"].append(clean(name.text))
    if not names["name"]:
        names["name"], names["alias"] = names["alias"][:1], names["alias"][1:]
    if not names["name"]:
        raise ListError(f"{where} has no name", path=path)
    schema = _KINDS[kind] or org_schema(names["name"][0])
    entity_id = "gb-fcdo-" + unique_id.lower()
    props: dict[str, list[str]] = {**names, "topics": ["sanction"]}
    if schema != "Person":
        props["notes"] = [_text(designation, "OtherInformation")]
        for address in designation.iterfind("Addresses/Address"):
            lines = [_text(address, f"AddressLine{i}") for i in range(1, 7)]
            country = _text(address, "AddressCountry")
            props.setdefault("address", []).append(", ".join(x for x in [*lines, country] if x))
            props.setdefault("country", []).append(country)
    for imo in designation.iter("IMONumber"):
        props.setdefault("imoNumber", []).append(clean(imo.text))
    date = _date(_text(designation, "DateDesignated"), where, path)
    regime = _text(designation, "RegimeName")
    source = _text(designation, "DesignationSource")
    listing = sanction(
        entity_id,
        DATASET,
        regime,
        {
            "authority": _SOURCES.get(source, source or PUBLISHER),
            "publisher": PUBLISHER,
            "program": TITLE,
            "programId": regime,
            "provisions": regime,
            "summary": _text(designation, "SanctionsImposed").replace("|", "; "),
            "reason": _text(designation, "UKStatementofReasons"),
            "authorityId": unique_id,
            "unscId": _text(designation, "UNReferenceNumber"),
            "listingDate": date,
            "startDate": date,
            "sourceUrl": SOURCE_URL,
        },
    )
    return [party(schema, entity_id, DATASET, props), listing]
