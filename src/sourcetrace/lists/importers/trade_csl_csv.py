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

import csv
import io
import re
from pathlib import Path

from sourcetrace.errors import ListError
from sourcetrace.lists.importers._common import (
    FtMDict,
    clean,
    org_schema,
    party,
    read_text,
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


def _split(cell: str) -> list[str]:
    return [clean(part) for part in cell.split(";") if clean(part)]


def parse(path: Path) -> list[FtMDict]:
    """The CSL as FtM entities: one party per row, with one Sanction carrying its source list."""
    text = read_text(path, ("utf-8-sig", "cp1252"))
    reader = csv.reader(io.StringIO(text), strict=True)
    try:
        header = [h.strip() for h in next(reader)]
    except (StopIteration, csv.Error):
        raise ListError(
            "no header row: not the Consolidated Screening List CSV", path=path
        ) from None
    missing = [col for col in REQUIRED if col not in header]
    if missing:
        raise ListError(
            f"missing columns {', '.join(missing)}: not the Consolidated Screening List CSV",
            path=path,
            row=1,
        )
    out: list[FtMDict] = []
    seen: set[str] = set()
    try:
        for fields in reader:
            line = reader.line_num
            if not any(f.strip() for f in fields):
                continue
            if len(fields) != len(header):
                raise ListError(
                    f"expected {len(header)} fields, found {len(fields)}: the file is truncated "
                    "or a row is corrupt",
                    path=path,
                    row=line,
                )
            row = dict(zip(header, fields, strict=True))
            out.extend(_entities(row, path, line, seen))
    except csv.Error as exc:
        raise ListError(f"corrupt CSV ({exc})", path=path, row=reader.line_num) from None
    if not out:
        raise ListError("no listed parties in the file", path=path)
    return out


def _entities(row: dict[str, str], path: Path, line: int, seen: set[str]) -> list[FtMDict]:
    row_id = clean(row["_id"])
    name = clean(row["name"].replace(_NAME_SUFFIX, ""))
    if not row_id or not name:
        raise ListError("row without _id or name", path=path, row=line)
    if row_id in seen:
        raise ListError(f"_id {row_id} appears twice", path=path, row=line)
    seen.add(row_id)
    kind = clean(row["type"]).lower()
    if kind not in _SCHEMAS and kind:
        raise ListError(f"unknown type {row['type']!r}", path=path, row=line)
    # Rows without a type (most of the BIS lists) may name a company or a person: LegalEntity
    # commits to neither.
    schema = _SCHEMAS.get(kind) or (org_schema(name) if kind == "entity" else "LegalEntity")
    entity_id = f"csl-{row_id}"
    props: dict[str, list[str]] = {
        "name": [name],
        "alias": _split(row.get("alt_names", "")),
        "topics": ["sanction"],
    }
    if schema != "Person":
        addresses = _split(row.get("addresses", ""))
        props["address"] = addresses
        props["country"] = [a.rsplit(",", 1)[-1] for a in addresses if "," in a]
        props["notes"] = [clean(row.get("remarks", ""))]
        props["uscCode"] = _USCC.findall(row.get("ids", ""))
    if schema == "Vessel":
        props.update(
            callSign=[clean(row.get("call_sign", ""))],
            type=[clean(row.get("vessel_type", ""))],
            tonnage=[clean(row.get("gross_tonnage", ""))],
            grossRegisteredTonnage=[clean(row.get("gross_registered_tonnage", ""))],
            flag=[clean(row.get("vessel_flag", ""))],
        )
    source = clean(row["source"])
    match = _SOURCE.match(source)
    list_title = match.group("list") if match else source
    agency = match.group("agency") if match else PUBLISHER
    programs = _split(row["programs"])
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
            "authorityId": clean(row.get("federal_register_notice", "")),
            "listingDate": clean(row.get("start_date", "")),
            "startDate": clean(row.get("start_date", "")),
            "endDate": clean(row.get("end_date", "")),
            "reason": clean(row.get("license_requirement", "")),
            "summary": clean(row.get("license_policy", "")),
            "recordId": clean(row.get("entity_number", "")) or row_id,
            "sourceUrl": [
                clean(row.get("source_information_url", "")),
                clean(row.get("source_list_url", "")),
            ],
        },
    )
    return [party(schema, entity_id, DATASET, props), listing]
