"""Import CBP's Withhold Release Orders and Findings list from the CSV that CBP publishes.

U.S. Customs and Border Protection lists every Withhold Release Order (WRO) and Finding issued under
19 U.S.C. 1307 on its page "Withhold Release Orders and Findings List"
(https://www.cbp.gov/trade/forced-labor/withhold-release-orders-and-findings) and publishes the
list as a CSV on https://www.cbp.gov/document/stats/withhold-release-orders-findings, under a name
that changes with each update (``withhold-release-orders-findings-fy26-2026-06-23.csv``). One header
row, then one row per order: ``Effective Date`` (m/d/yyyy), ``Calendar Year``, ``Country Code``,
``Country``, ``Merchandise``, ``WRO/Finding``, ``Industry``, ``Status``, ``Press Release``,
``Entity``, ``Remarks`` (quoted cells may hold commas and line breaks; the file has been served as
UTF-8 and as Windows-1252). Each order becomes a Sanction on each party it names: program ``CBP
WRO`` or ``CBP Finding``, the effective date, status, merchandise, remarks, country, and as sources
the press release (when the cell holds a URL) and CBP's page; the party carries the industry.

Which rows are kept. A compliance user screens against the orders in force, and a match on a
revoked order is a false alarm that costs a review. So a row whose ``Status`` says the order no
longer applies (``Inactive``, ``Inactive-Pending Litigation``, ``Modified``, ``Revoked``) is left
out; every other row (``Active``, ``Partially Active``, ``Partially Modified``: still in force for
some producers or goods, and any status CBP may add) is kept, its status recorded on the Sanction.
An entity with an order in force and one no longer in force keeps only the first. A region-wide
order (the Xinjiang Uyghur Autonomous Region) names no party and is left out too: sourcetrace
applies it as the Xinjiang location signal, as the bundled lists do. Rows without an ``Entity``
(layout rows in CBP's file) are skipped.

How an ``Entity`` cell is read: ``; `` separates parties named by one order; ``X, a/k/a Y, a/k/a
Z`` gives aliases; ``X Co., Ltd. and Y Co., Ltd.`` is two parties; a trailing ``and its
subordinates`` / ``and Subsidiaries`` / ``and their subsidiaries`` is the listing's scope (so units
of the entity are flagged), and ``X and its two subsidiaries ..., A and B`` lists A and B as parties
of their own; a trailing acronym ``(XPCC)`` is an alias; ``Fishing Vessel: NAME`` is a vessel. A
cell in none of these forms is kept whole as the party's name. Entity ids follow the bundled CBP
list's rule (``cbp-wro-`` and the key of the name), so an imported version and the bundled list
give an organisation the same id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from sourcetrace.errors import ListError
from sourcetrace.lists.importers._common import (
    FtMDict,
    clean,
    iso_date,
    make_id,
    merge_key,
    merge_parties,
    org_schema,
    party,
    read_csv,
    sanction,
    split_acronym,
)

DATASET = "us_cbp_forced_labor"
TITLE = "Withhold Release Orders and Findings"
PUBLISHER = "U.S. Customs and Border Protection"
SOURCE_URL = "https://www.cbp.gov/trade/forced-labor/withhold-release-orders-and-findings"

REQUIRED = ("Effective Date", "Country", "Merchandise", "WRO/Finding", "Status", "Entity")
_NOT_IN_FORCE = re.compile(r"^(inactive|modified|revoked)\b", re.IGNORECASE)
_REGION_WIDE = {merge_key("Xinjiang Uyghur Autonomous Region")}
_AKA = re.compile(r",?\s+a/k/a\s+", re.IGNORECASE)
_VESSEL = re.compile(r"^Fishing Vessel:\s*", re.IGNORECASE)
_SCOPE = re.compile(
    r",?\s+(and\s+(?:(?:its|their)\s+)?(?:subordinates|subsidiaries)(?:\s+and\s+joint ventures)?)"
    r"\.?\s*$",
    re.IGNORECASE,
)
_NAMED_SUBSIDIARIES = re.compile(
    r",?\s+(and\s+(?:its|their)\s+(?:\w+\s+)?subsidiaries)(?:\s+from\s+[\w\s]+?)?,\s+(.+)$",
    re.IGNORECASE,
)
# "Yili Zhuowan Garment Manufacturing Co., Ltd. and Baoding LYSZD Trade and Business Co., Ltd."
_TWO_PARTIES = re.compile(r"^(.+?\b(?:Ltd|Limited|Co)\.?)\s+and\s+(?!(?:its|their)\b)(.+)$")


@dataclass
class Named:
    """One party an ``Entity`` cell names, taken apart (pure: no I/O)."""

    name: str
    aliases: list[str] = field(default_factory=list)
    scope: str = ""
    vessel: bool = False
    parent: str = ""


def split_entity(cell: str) -> list[Named]:
    """The parties one ``Entity`` cell names, with their aliases and the scope of the order."""
    out: list[Named] = []
    for part in (clean(p) for p in cell.split(";")):
        vessel = bool(_VESSEL.match(part))
        text = _VESSEL.sub("", part)
        scope, subsidiaries = "", []
        named = _NAMED_SUBSIDIARIES.search(text)
        if named:
            scope, subsidiaries = named.group(1), _two(named.group(2).rstrip("."))
            text = text[: named.start()]
        elif tail := _SCOPE.search(text):
            scope, text = tail.group(1), text[: tail.start()]
        name, *aliases = [clean(a).rstrip(",") for a in _AKA.split(text) if clean(a)] or [""]
        for one in _two(name):
            base, acronyms = split_acronym(one)
            out.append(Named(base, [*acronyms, *aliases], scope, vessel))
        parent = out[-1].name if out else ""
        out.extend(Named(sub, parent=parent) for sub in subsidiaries)
    return [p for p in out if p.name]


def _two(name: str) -> list[str]:
    found = _TWO_PARTIES.match(name)
    return [found.group(1), found.group(2)] if found else [name]


def parse(path: Path) -> list[FtMDict]:
    """CBP's list as FtM entities: a party per entity named, a Sanction per order in force."""
    out: list[FtMDict] = []
    for line, row in read_csv(path, REQUIRED, "CBP's Withhold Release Orders and Findings CSV"):
        cell = clean(row["Entity"])
        if not cell or _NOT_IN_FORCE.match(clean(row["Status"])):
            continue
        date = iso_date(clean(row["Effective Date"]), ("%m/%d/%Y", "%Y-%m-%d"))
        if date is None:
            raise ListError(
                f"Effective Date {row['Effective Date']!r} is not a date (m/d/yyyy)",
                path=path,
                row=line,
            )
        for found in split_entity(cell):
            if merge_key(found.name) not in _REGION_WIDE:
                out.extend(_entities(found, row, date))
    if not out:
        raise ListError("no order in force names a party: nothing to import", path=path)
    return merge_parties(out)


def _entities(found: Named, row: dict[str, str], date: str) -> list[FtMDict]:
    kind = clean(row["WRO/Finding"])
    merchandise = clean(row["Merchandise"])
    press = clean(row.get("Press Release"))
    press_url = press if press.startswith(("https://", "http://")) else ""
    entity_id = make_id("cbp-wro", merge_key(found.name))
    notes = [f"Listed as a subsidiary of {found.parent}"] if found.parent else [found.scope]
    props: dict[str, list[str]] = {
        "name": [found.name],
        "alias": found.aliases,
        "notes": notes,
        "country": [clean(row.get("Country Code")), clean(row["Country"])],
        "sector": [clean(row.get("Industry"))],
        "topics": ["forced.labor"],
        "sourceUrl": [press_url],
    }
    schema = "Vessel" if found.vessel else org_schema(found.name)
    listing = sanction(
        entity_id,
        DATASET,
        f"{kind}|{date}|{merchandise}",
        {
            "authority": PUBLISHER,
            "publisher": PUBLISHER,
            "program": f"CBP {kind}" if kind else "CBP WRO or Finding",
            "reason": f"Merchandise: {merchandise}" if merchandise else "",
            "status": clean(row["Status"]),
            "listingDate": date,
            "startDate": date,
            "summary": found.scope,
            "description": clean(row.get("Remarks")),
            "country": props["country"],
            "sourceUrl": [press_url, SOURCE_URL],
        },
    )
    return [party(schema, entity_id, DATASET, props), listing]
