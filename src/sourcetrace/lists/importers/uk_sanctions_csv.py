"""Import the UK Sanctions List (FCDO) from its CSV file (``UK-Sanctions-List.csv``).

The Foreign, Commonwealth & Development Office publishes the list
(https://www.gov.uk/government/publications/the-uk-sanctions-list) as CSV besides XML; since OFSI's
Consolidated List closed in January 2026 it is the one UK list. The CSV starts with a line
``Report Date: dd-Mon-yyyy``, then a header, then one row per name record of a designation: a
designation with a primary name, two aliases and a name in Chinese characters has several rows, and
a name is repeated on a row for each further address. The columns this importer reads are
``Unique ID``, ``Name 1``..``Name 6`` (``Name 6`` the family or entity name), ``Name type`` (Primary
Name, Primary Name Variation, Alias), ``Alias strength``, ``Name non-latin script``, ``Regime
Name``, ``Designation Type`` (Individual, Entity, Ship; headed ``Individual, Entity, Ship`` in
earlier files), ``Designation source``, ``Sanctions Imposed`` (``|``-separated), ``Other
Information``, ``UK Statement of Reasons``, ``Address Line 1``..``6``, ``Address Postal Code``,
``Address Country``, ``Date Designated`` (dd/mm/yyyy), ``UN Reference Number`` and ``IMO number``.

The rows of one ``Unique ID`` collapse to one party, mapped exactly as the XML importer maps a
``Designation`` (same ids, names, aliases and Sanction), so versions read from either file compare.
Persons keep only their names, as everywhere.
"""

from __future__ import annotations

from pathlib import Path

from sourcetrace.errors import ListError
from sourcetrace.lists.importers._common import FtMDict, clean, read_csv
from sourcetrace.lists.importers.uk_sanctions_xml import (
    DATASET,
    PUBLISHER,
    SOURCE_URL,
    TITLE,
    Designation,
    add_unique,
    designation_entities,
)

__all__ = ["DATASET", "PUBLISHER", "SOURCE_URL", "TITLE", "parse"]

_KIND_COLUMNS = ("Designation Type", "Individual, Entity, Ship")
REQUIRED: tuple[str | tuple[str, ...], ...] = (
    "Unique ID",
    *(f"Name {i}" for i in range(1, 7)),
    "Name type",
    "Name non-latin script",
    "Regime Name",
    _KIND_COLUMNS,
    "Sanctions Imposed",
    "Date Designated",
)
# Columns that hold one value for the whole designation, repeated on each of its rows.
_SINGLE = {
    "other_information": "Other Information",
    "date_designated": "Date Designated",
    "regime": "Regime Name",
    "source": "Designation source",
    "sanctions_imposed": "Sanctions Imposed",
    "statement_of_reasons": "UK Statement of Reasons",
    "un_reference": "UN Reference Number",
}


def parse(path: Path) -> list[FtMDict]:
    """The UK list's CSV as FtM entities: one party per Unique ID, with one Sanction each."""
    found: dict[str, Designation] = {}
    rows = read_csv(path, REQUIRED, "the UK Sanctions List CSV", preamble="Report Date")
    for line, row in rows:
        unique_id = clean(row["Unique ID"])
        if not unique_id:
            raise ListError("row without a Unique ID", path=path, row=line)
        designation = found.get(unique_id)
        if designation is None:
            kind = next(clean(row[c]) for c in _KIND_COLUMNS if c in row)
            designation = Designation(unique_id, kind, f"Unique ID {unique_id}", row=line)
            found[unique_id] = designation
        _add_row(designation, row)
    if not found:
        raise ListError("no designations in the file", path=path)
    out: list[FtMDict] = []
    for designation in found.values():
        out.extend(designation_entities(designation, path))
    return out


def _add_row(designation: Designation, row: dict[str, str]) -> None:
    """One name row's names and address into its designation; single values from the first."""
    full = " ".join(p for p in (clean(row[f"Name {i}"]) for i in range(1, 7)) if p)
    designation.add_name(full, clean(row["Name type"]), clean(row.get("Alias strength")))
    add_unique(designation.non_latin, clean(row["Name non-latin script"]))
    lines = [clean(row.get(f"Address Line {i}")) for i in range(1, 7)]
    designation.add_address(
        lines, clean(row.get("Address Postal Code")), clean(row.get("Address Country"))
    )
    add_unique(designation.imo_numbers, clean(row.get("IMO number")))
    for attribute, column in _SINGLE.items():
        if not getattr(designation, attribute):
            setattr(designation, attribute, clean(row.get(column)))
