"""Import the UK Sanctions List (FCDO) from its XML file (``UK_Sanctions_List.xml``).

The Foreign, Commonwealth & Development Office publishes everyone designated under the Sanctions
Act (https://www.gov.uk/government/publications/the-uk-sanctions-list) as CSV, ODS, XML and JSON;
this reads the XML. One ``Designation`` per listed party: ``UniqueID``, ``IndividualEntityShip``
(Individual, Entity or Ship), ``Names/Name`` (``Name1``..``Name6``, ``Name6`` being the family or
entity name, ``NameType``: Primary Name, Primary Name Variation or Alias, and ``AliasStrength``, a
low-quality alias becoming a weak alias), ``NonLatinNames`` (``NameNonLatinScript``),
``Addresses/Address`` (``AddressLine1``..``6``, ``AddressPostalCode``, ``AddressCountry``),
``RegimeName``, ``DesignationSource``, ``SanctionsImposed`` (``|``-separated), ``DateDesignated``
(dd/mm/yyyy), ``OtherInformation`` and ``UKStatementofReasons``. A :class:`Designation` is mapped
to FtM by :func:`designation_entities`, which the CSV importer shares.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from sourcetrace.errors import ListError
from sourcetrace.lists.importers._common import (
    FtMDict,
    clean,
    iso_date,
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


@dataclass
class Designation:
    """One designation as the XML or the CSV gives it, before it becomes FtM entities."""

    unique_id: str
    kind: str
    where: str
    row: int | None = None
    names: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    weak_aliases: list[str] = field(default_factory=list)
    non_latin: list[str] = field(default_factory=list)
    addresses: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    imo_numbers: list[str] = field(default_factory=list)
    other_information: str = ""
    date_designated: str = ""
    regime: str = ""
    source: str = ""
    sanctions_imposed: str = ""
    statement_of_reasons: str = ""
    un_reference: str = ""

    def add_name(self, full: str, name_type: str, strength: str = "") -> None:
        """A name record: Primary Name, else an alias (weak when the list says low quality)."""
        if name_type.casefold() == "primary name":
            kept = self.names
        elif "low" in strength.casefold():
            kept = self.weak_aliases
        else:
            kept = self.aliases
        add_unique(kept, full)

    def add_address(self, lines: list[str], postcode: str, country: str) -> None:
        add_unique(self.addresses, ", ".join(x for x in [*lines, postcode, country] if x))
        add_unique(self.countries, country)


def add_unique(values: list[str], value: str) -> None:
    """Append ``value`` unless it is empty or already there."""
    if value and value not in values:
        values.append(value)


def parse(path: Path) -> list[FtMDict]:
    """The UK list as FtM entities: one party per Designation, with one Sanction each."""
    root = read_xml(path)
    designations = list(root.iter("Designation"))
    if not designations:
        raise ListError("no Designation elements: not the UK Sanctions List XML", path=path)
    out: list[FtMDict] = []
    for number, designation in enumerate(designations, start=1):
        out.extend(designation_entities(_designation(designation, number), path))
    return out


def _text(element: ET.Element, path: str) -> str:
    return clean(element.findtext(path))


def _designation(element: ET.Element, number: int) -> Designation:
    unique_id = _text(element, "UniqueID")
    found = Designation(
        unique_id,
        _text(element, "IndividualEntityShip"),
        f"Designation {number} ({unique_id or 'no UniqueID'})",
        other_information=_text(element, "OtherInformation"),
        date_designated=_text(element, "DateDesignated"),
        regime=_text(element, "RegimeName"),
        source=_text(element, "DesignationSource"),
        sanctions_imposed=_text(element, "SanctionsImposed"),
        statement_of_reasons=_text(element, "UKStatementofReasons"),
        un_reference=_text(element, "UNReferenceNumber"),
    )
    for name in element.iterfind("Names/Name"):
        full = " ".join(p for p in (_text(name, f"Name{i}") for i in range(1, 7)) if p)
        found.add_name(full, _text(name, "NameType"), _text(name, "AliasStrength"))
    for name in element.iter("NameNonLatinScript"):
        add_unique(found.non_latin, clean(name.text))
    for address in element.iterfind("Addresses/Address"):
        found.add_address(
            [_text(address, f"AddressLine{i}") for i in range(1, 7)],
            _text(address, "AddressPostalCode"),
            _text(address, "AddressCountry"),
        )
    for imo in element.iter("IMONumber"):
        add_unique(found.imo_numbers, clean(imo.text))
    return found


def designation_entities(found: Designation, path: Path) -> list[FtMDict]:
    """A designation as its party and its Sanction (shared by the XML and the CSV importer)."""
    kind = found.kind.lower()
    if not found.unique_id or kind not in _KINDS:
        raise ListError(
            f"{found.where}: no unique id or unknown kind {found.kind!r} "
            "(Individual, Entity or Ship)",
            path=path,
            row=found.row,
        )
    names = found.names or (found.aliases + found.non_latin)[:1]
    aliases = [a for a in [*found.aliases, *found.non_latin] if a not in names]
    if not names:
        raise ListError(f"{found.where} has no name", path=path, row=found.row)
    schema = _KINDS[kind] or org_schema(names[0])
    entity_id = "gb-fcdo-" + found.unique_id.lower()
    props: dict[str, list[str]] = {
        "name": names,
        "alias": aliases,
        "weakAlias": found.weak_aliases,
        "topics": ["sanction"],
        "imoNumber": found.imo_numbers,
    }
    if schema != "Person":
        props.update(
            notes=[found.other_information], address=found.addresses, country=found.countries
        )
    date = iso_date(found.date_designated, ("%d/%m/%Y", "%Y-%m-%d"))
    if date is None and found.date_designated:
        raise ListError(
            f"{found.where}: date {found.date_designated!r} is not dd/mm/yyyy",
            path=path,
            row=found.row,
        )
    listing = sanction(
        entity_id,
        DATASET,
        found.regime,
        {
            "authority": _SOURCES.get(found.source, found.source or PUBLISHER),
            "publisher": PUBLISHER,
            "program": TITLE,
            "programId": found.regime,
            "provisions": found.regime,
            "summary": found.sanctions_imposed.replace("|", "; "),
            "reason": found.statement_of_reasons,
            "authorityId": found.unique_id,
            "unscId": found.un_reference,
            "listingDate": date or "",
            "startDate": date or "",
            "sourceUrl": SOURCE_URL,
        },
    )
    return [party(schema, entity_id, DATASET, props), listing]
