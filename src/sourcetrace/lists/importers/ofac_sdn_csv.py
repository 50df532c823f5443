"""Import OFAC's SDN list from its legacy CSV files (``sdn.csv`` with ``alt.csv`` and ``add.csv``).

OFAC publishes the list as three header-less CSV files joined on ``ent_num`` (data specification:
https://ofac.treasury.gov/sdn-list-data-formats-data-schemas):

- ``sdn.csv``: ent_num, SDN_Name, SDN_Type, Program, Title, Call_Sign, Vess_type, Tonnage, GRT,
  Vess_flag, Vess_owner, Remarks;
- ``alt.csv``: ent_num, alt_num, alt_type (aka, fka, nka), alt_name, alt_remarks;
- ``add.csv``: ent_num, add_num, address, city/state/province/postal code, country, add_remarks.

``-0-`` marks an empty field, several programmes share one cell as ``SDGT] [IFSR``, and each file
ends with a Ctrl-Z (``\\x1a``) line. Give the path of ``sdn.csv`` or of the folder holding the three
files; ``alt.csv`` and ``add.csv`` must sit beside it, since OFAC's aliases live only there.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

from sourcetrace.errors import ListError
from sourcetrace.lists.importers._common import (
    FtMDict,
    check_file,
    merge_parties,
    org_schema,
    party,
    read_text,
    sanction,
)

DATASET = "us_ofac_sdn"
TITLE = "OFAC SDN List"
PUBLISHER = "U.S. Department of the Treasury, Office of Foreign Assets Control"
SOURCE_URL = "https://ofac.treasury.gov/specially-designated-nationals-and-blocked-persons-list-sdn-human-readable-lists"

_SDN_FIELDS = 12
_ALT_FIELDS = 5
_ADD_FIELDS = 6
_SCHEMAS = {"individual": "Person", "vessel": "Vessel", "aircraft": "Airplane"}
_ALT_PROPS = {"aka": "alias", "nka": "alias", "fka": "previousName"}
_USCC = re.compile(r"Unified Social Credit Code \(USCC\)\s*([0-9A-Z]{18})")
_ENCODINGS = ("utf-8-sig", "cp1252")


def source_files(path: Path) -> list[Path]:
    """The three files one import reads, in the order their bytes are hashed."""
    sdn = _find(path, "sdn.csv") if path.is_dir() else path
    check_file(sdn)
    folder = sdn.parent
    return [sdn, _find(folder, "alt.csv"), _find(folder, "add.csv")]


def _find(folder: Path, name: str) -> Path:
    for candidate in (folder / name, folder / name.upper()):
        if candidate.exists():
            return candidate
    raise ListError(
        f"{name} not found: OFAC's legacy CSV is sdn.csv, alt.csv and add.csv in one folder",
        path=folder / name,
    )


def _null(value: str) -> str:
    value = value.strip()
    return "" if value == "-0-" else value


def _rows(path: Path, width: int) -> Iterator[tuple[int, list[str]]]:
    """Each record of a header-less OFAC file as ``(line number, fields)``, checked for width."""
    text = read_text(path, _ENCODINGS)
    reader = csv.reader(io.StringIO(text), strict=True)
    try:
        for fields in reader:
            if not fields or fields == ["\x1a"] or (len(fields) == 1 and not fields[0].strip()):
                continue
            if len(fields) != width:
                raise ListError(
                    f"expected {width} fields, found {len(fields)}: the file is truncated or not "
                    f"OFAC's legacy {path.name}",
                    path=path,
                    row=reader.line_num,
                )
            if not fields[0].strip().isdigit():
                raise ListError(
                    f"ent_num {fields[0]!r} is not a number: not OFAC's legacy {path.name}",
                    path=path,
                    row=reader.line_num,
                )
            yield reader.line_num, fields
    except csv.Error as exc:
        raise ListError(f"corrupt CSV ({exc})", path=path, row=reader.line_num) from None


def _programs(cell: str) -> list[str]:
    return [p.strip(" []") for p in cell.split("] [") if p.strip(" []")]


def parse(path: Path) -> list[FtMDict]:
    """OFAC's SDN list as FtM entities: one party per ``ent_num``, one Sanction per programme."""
    sdn_path, alt_path, add_path = source_files(path)
    parties: dict[str, dict[str, list[str]]] = {}
    schemas: dict[str, str] = {}
    programs: dict[str, list[str]] = {}
    for line, fields in _rows(sdn_path, _SDN_FIELDS):
        ent_num = fields[0].strip()
        name = _null(fields[1])
        if not name:
            raise ListError("SDN_Name is empty", path=sdn_path, row=line)
        kind = _null(fields[2]).lower()
        if kind and kind not in _SCHEMAS:
            raise ListError(f"unknown SDN_Type {kind!r}", path=sdn_path, row=line)
        found = _programs(_null(fields[3]))
        if not found:
            raise ListError("no Program given", path=sdn_path, row=line)
        if ent_num in parties:
            raise ListError(f"ent_num {ent_num} appears twice", path=sdn_path, row=line)
        schema = _SCHEMAS.get(kind) or org_schema(name)
        remarks = _null(fields[11])
        props: dict[str, list[str]] = {"name": [name], "topics": ["sanction"]}
        if schema == "Vessel":
            props.update(
                callSign=[_null(fields[5])],
                type=[_null(fields[6])],
                tonnage=[_null(fields[7])],
                grossRegisteredTonnage=[_null(fields[8])],
                flag=[_null(fields[9])],
            )
            owner = _null(fields[10])
            props["notes"] = [f"Owner: {owner}"] if owner else []
        if schema != "Person":
            props.setdefault("notes", []).append(remarks)
            props["uscCode"] = _USCC.findall(remarks)
        parties[ent_num] = props
        schemas[ent_num] = schema
        programs[ent_num] = found
    if not parties:
        raise ListError("no SDN records: not OFAC's legacy sdn.csv", path=sdn_path)

    for line, fields in _rows(alt_path, _ALT_FIELDS):
        props = _owner(parties, fields[0].strip(), alt_path, line)
        name = _null(fields[3])
        if name:
            prop = _ALT_PROPS.get(_null(fields[2]).lower().strip("."), "alias")
            props.setdefault(prop, []).append(name)

    for line, fields in _rows(add_path, _ADD_FIELDS):
        props = _owner(parties, fields[0].strip(), add_path, line)
        street, city, country = _null(fields[2]), _null(fields[3]), _null(fields[4])
        full = ", ".join(part for part in (street, city, country) if part)
        if full:
            props.setdefault("address", []).append(full)
        if country:
            props.setdefault("country", []).append(country)

    out: list[FtMDict] = []
    for ent_num, props in parties.items():
        entity_id = f"ofac-{ent_num}"
        out.append(party(schemas[ent_num], entity_id, DATASET, props))
        out.extend(ofac_sanction(entity_id, program, ent_num) for program in programs[ent_num])
    return merge_parties(out)


def ofac_sanction(entity_id: str, program: str, record_id: str) -> FtMDict:
    """The Sanction entity of one OFAC programme listing (shared with the XML importer)."""
    return sanction(
        entity_id,
        DATASET,
        program,
        {
            "authority": PUBLISHER,
            "publisher": PUBLISHER,
            "program": TITLE,
            "programId": program,
            "provisions": program,
            "recordId": record_id,
            "sourceUrl": SOURCE_URL,
        },
    )


def _owner(
    parties: dict[str, dict[str, list[str]]], ent_num: str, path: Path, line: int
) -> dict[str, list[str]]:
    props = parties.get(ent_num)
    if props is None:
        raise ListError(
            f"ent_num {ent_num} is not in sdn.csv: sdn.csv is truncated or from another release",
            path=path,
            row=line,
        )
    return props
