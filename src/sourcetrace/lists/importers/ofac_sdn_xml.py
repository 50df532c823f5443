"""Import OFAC's SDN list from its XML file (``SDN.XML`` of the Sanctions List Service).

The XML (https://ofac.treasury.gov/sanctions-list-service) has an ``sdnList`` root with
``publshInformation`` (``Publish_Date``, ``Record_Count``) and one ``sdnEntry`` per listed party:
``uid``, ``firstName``, ``lastName``, ``sdnType`` (Entity, Individual, Vessel, Aircraft),
``programList/program``, ``akaList/aka`` (``type`` a.k.a./f.k.a./n.k.a., ``category`` strong or
weak), ``addressList/address``, ``idList/id`` (``idType``, ``idNumber``), ``vesselInfo`` and
``remarks``. Entity ids are those of the legacy CSV importer (``ofac-<uid>``), so versions read from
either format compare. ``Record_Count`` is checked: a file with fewer entries is truncated.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from sourcetrace.errors import ListError
from sourcetrace.lists.importers._common import (
    FtMDict,
    clean,
    org_schema,
    party,
    read_xml,
)
from sourcetrace.lists.importers.ofac_sdn_csv import (
    DATASET,
    PUBLISHER,
    SOURCE_URL,
    TITLE,
    ofac_sanction,
)

__all__ = ["DATASET", "PUBLISHER", "SOURCE_URL", "TITLE", "parse"]

_SCHEMAS = {"individual": "Person", "vessel": "Vessel", "aircraft": "Airplane", "entity": ""}
_AKA_PROPS = {"a.k.a.": "alias", "n.k.a.": "alias", "f.k.a.": "previousName"}


def parse(path: Path) -> list[FtMDict]:
    """OFAC's SDN XML as FtM entities: one party per sdnEntry, one Sanction per programme."""
    root = read_xml(path)
    if root.tag != "sdnList":
        raise ListError(
            f"root element is <{root.tag}>, not <sdnList>: not OFAC's SDN XML", path=path
        )
    entries = root.findall("sdnEntry")
    stated = clean(root.findtext("publshInformation/Record_Count"))
    if stated.isdigit() and int(stated) != len(entries):
        raise ListError(
            f"the file states {stated} entries but holds {len(entries)}: truncated or altered",
            path=path,
        )
    if not entries:
        raise ListError("no sdnEntry elements: not OFAC's SDN XML", path=path)
    out: list[FtMDict] = []
    for number, entry in enumerate(entries, start=1):
        out.extend(_entry(entry, number, path))
    return out


def _name(element: ET.Element) -> str:
    last, first = clean(element.findtext("lastName")), clean(element.findtext("firstName"))
    return f"{last}, {first}" if last and first else last or first


def _entry(entry: ET.Element, number: int, path: Path) -> list[FtMDict]:
    uid = clean(entry.findtext("uid"))
    where = f"sdnEntry {number} (uid {uid or '?'})"
    name = _name(entry)
    kind = clean(entry.findtext("sdnType")).lower()
    if not uid.isdigit() or not name or kind not in _SCHEMAS:
        raise ListError(f"{where}: no numeric uid, no name or unknown sdnType {kind!r}", path=path)
    programs = [clean(p.text) for p in entry.iterfind("programList/program") if clean(p.text)]
    if not programs:
        raise ListError(f"{where} has no program", path=path)
    schema = _SCHEMAS[kind] or org_schema(name)
    props: dict[str, list[str]] = {"name": [name], "topics": ["sanction"]}
    for aka in entry.iterfind("akaList/aka"):
        alias = _name(aka)
        if clean(aka.findtext("category")).lower() == "weak":
            prop = "weakAlias"
        else:
            prop = _AKA_PROPS.get(clean(aka.findtext("type")).lower(), "alias")
        props.setdefault(prop, []).append(alias)
    if schema != "Person":
        props["notes"] = [clean(entry.findtext("remarks"))]
        for address in entry.iterfind("addressList/address"):
            fields = ("address1", "address2", "address3", "city", "stateOrProvince", "postalCode")
            country = clean(address.findtext("country"))
            parts = [clean(address.findtext(f)) for f in fields]
            props.setdefault("address", []).append(", ".join(p for p in [*parts, country] if p))
            props.setdefault("country", []).append(country)
        for ident in entry.iterfind("idList/id"):
            id_type = clean(ident.findtext("idType"))
            prop = "uscCode" if "Unified Social Credit Code" in id_type else "registrationNumber"
            if id_type.startswith(("Unified Social Credit Code", "Registration", "Tax ID")):
                props.setdefault(prop, []).append(clean(ident.findtext("idNumber")))
    vessel = entry.find("vesselInfo")
    if vessel is not None and schema == "Vessel":
        for prop, tag in (
            ("callSign", "callSign"),
            ("type", "vesselType"),
            ("flag", "vesselFlag"),
            ("tonnage", "tonnage"),
            ("grossRegisteredTonnage", "grossRegisteredTonnage"),
        ):
            props[prop] = [clean(vessel.findtext(tag))]
    entity_id = f"ofac-{uid}"
    out = [party(schema, entity_id, DATASET, props)]
    out.extend(ofac_sanction(entity_id, program, uid) for program in programs)
    return out
