"""Signals: risks of a record that are not list matches (Xinjiang location, USCC checks)."""

from __future__ import annotations

from sourcetrace.model import Record
from sourcetrace.names.identifiers import check_uscc
from sourcetrace.names.location import xinjiang_places, xinjiang_postcode


def signals_for(record: Record) -> list[str]:
    """Risk signals that are not list matches: Xinjiang location and USCC checks."""
    out: list[str] = []
    places, where = xinjiang_places(record.address), "address"
    if not places:
        places, where = xinjiang_places(record.name), "name"
    if places:
        out.append(f"Xinjiang location in {where} ({', '.join(places[:3])}): UFLPA presumption applies")
    elif record.address and xinjiang_postcode(record.address):
        out.append(f"Xinjiang postcode {xinjiang_postcode(record.address)} in address")
    if record.identifier:
        check = check_uscc(record.identifier)
        if not check.valid:
            out.append(f"identifier {record.identifier!r} is not a valid USCC: {check.problem}")
        elif check.registered_in_xinjiang:
            out.append(f"USCC registered in Xinjiang (region code {check.region})")
    return out
