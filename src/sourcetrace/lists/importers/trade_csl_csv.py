"""Import the U.S. Consolidated Screening List (trade.gov) from its CSV download.

The International Trade Administration consolidates the export screening lists of Commerce (Entity
List, Denied Persons, Unverified, Military End User), State and the Treasury into one file
(https://www.trade.gov/consolidated-screening-list). The CSV has one header row and one row per
listed party; the columns are ``_id, source, entity_number, type, programs, name, title, addresses,
federal_register_notice, start_date, end_date, standard_order, license_requirement, license_policy,
call_sign, vessel_type, gross_tonnage, gross_registered_tonnage, vessel_flag, vessel_owner, remarks,
source_list_url, alt_names, citizenships, dates_of_birth, nationalities, places_of_birth,
source_information_url, ids``. Several values share a cell, separated by ``"; "``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from sourcetrace.errors import ListError
from sourcetrace.lists.importers._common import (
    FtMDict,
    clean,
    org_schema,
    party,
    read_csv,
    sanction,
)

DATASET = "us_trade_csl"
TITLE = "Consolidated Screening List"
PUBLISHER = "U.S. Department of Commerce, International Trade Administration"
SOURCE_URL = "https://www.trade.gov/consolidated-screening-list"

REQUIRED = ("_id", "source", "type", "programs", "name", "addresses", "start_date", "alt_names")
_SCHEMAS = {"individual": "Person", "entity": "", "vessel": "Vessel", "aircraft": "Airplane"}
# "Entity List (EL) - Bureau of Industry and Security" -> list "Entity List (EL)", agency "Bureau ..."
_SOURCE = re.compile(r"^(?P<list>.+?)\s+-\s+(?P<agency>[^-]+)$")
_USCC = re.compile(r"Unified Social Credit Code[^,;]*,\s*([0-9A-Z]{18})")
_NAME_SUFFIX = "and any successor, sub-unit, or subsidiary thereof"


def _values(value: str | list[str] | None) -> list[str]:
    """A multi-valued field: a CSV cell of ``"; "``-separated values, or a JSON list."""
    if isinstance(value, list):
        return [clean(v) for v in value if clean(v)]
    return [clean(part) for part in (value or "").split(";") if clean(part)]


def parse(path: Path) -> list[FtMDict]:
    """The CSL as FtM entities: one party per row, with one Sanction carrying its source list."""
    out: list[FtMDict] = []
    seen: set[str] = set()
    for line, row in read_csv(path, REQUIRED, "the Consolidated Screening List CSV"):
        out.extend(csl_entities(row, path, seen, line=line))
    if not out:
        raise ListError("no listed parties in the file", path=path)
    return out


def csl_entities(
    row: Mapping[str, str | list[str]],
    path: Path,
    seen: set[str],
    *,
    line: int | None = None,
    where: str = "",
) -> list[FtMDict]:
    """One CSL record as a party and its Sanction, for the CSV and the JSON importer alike.

    ``row`` is a CSV row or a JSON result under the same field names; multi-valued fields may be
    ``"; "``-separated cells or lists. ``seen`` collects record ids, so a repeated one is refused;
    errors name ``line`` (CSV) or start with ``where`` (JSON: "result 12: ").
    """

    def text(key: str) -> str:
        value = row.get(key)
        return clean(value) if isinstance(value, str) else ""

    def fail(message: str) -> ListError:
        return ListError(where + message, path=path, row=line)

    row_id = text("_id")
    name = clean(text("name").replace(_NAME_SUFFIX, ""))
    if not row_id or not name:
        raise fail("row without _id or name")
    if row_id in seen:
        raise fail(f"_id {row_id} appears twice")
    seen.add(row_id)
    kind = text("type").lower()
    if kind not in _SCHEMAS and kind:
        raise fail(f"unknown type {text('type')!r}")
    # Rows without a type (most of the BIS lists) may name a company or a person: LegalEntity
    # commits to neither.
    schema = _SCHEMAS.get(kind) or (org_schema(name) if kind == "entity" else "LegalEntity")
    entity_id = f"csl-{row_id}"
    props: dict[str, list[str]] = {
        "name": [name],
        "alias": _values(row.get("alt_names")),
        "topics": ["sanction"],
    }
    if schema != "Person":
        addresses = _values(row.get("addresses"))
        props["address"] = addresses
        props["country"] = [a.rsplit(",", 1)[-1] for a in addresses if "," in a]
        props["notes"] = [text("remarks")]
        props["uscCode"] = _USCC.findall("; ".join(_values(row.get("ids"))))
    if schema == "Vessel":
        props.update(
            callSign=[text("call_sign")],
            type=[text("vessel_type")],
            tonnage=[text("gross_tonnage")],
            grossRegisteredTonnage=[text("gross_registered_tonnage")],
            flag=[text("vessel_flag")],
        )
    source = text("source")
    match = _SOURCE.match(source)
    list_title = match.group("list") if match else source
    agency = match.group("agency") if match else PUBLISHER
    programs = _values(row.get("programs"))
    listing = sanction(
        entity_id,
        DATASET,
        source,
        {
            "authority": agency,
            "publisher": PUBLISHER,
            "program": list_title or TITLE,
            "programId": programs,
            "provisions": programs,
            "authorityId": text("federal_register_notice"),
            "listingDate": text("start_date"),
            "startDate": text("start_date"),
            "endDate": text("end_date"),
            "reason": text("license_requirement"),
            "summary": text("license_policy"),
            "recordId": text("entity_number") or row_id,
            "sourceUrl": [
                text("source_information_url"),
                text("source_list_url"),
            ],
        },
    )
    return [party(schema, entity_id, DATASET, props), listing]
