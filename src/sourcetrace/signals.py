"""Signals: risks of a record that are not list matches (Xinjiang location, USCC checks)."""

from __future__ import annotations

from collections.abc import Sequence

from sourcetrace.model import Record
from sourcetrace.names.identifiers import check_uscc
from sourcetrace.names.location import (
    Location,
    may_hold_place,
    xinjiang_location,
    xinjiang_places,
    xinjiang_postcode,
)

LOCATION = "location"
"""A signal's kind: a Xinjiang place or postcode in the row's address or name."""
IDENTIFIER = "identifier"
"""A signal's kind: the row's USCC is invalid or registered in Xinjiang."""
SIGNAL_KINDS: tuple[str, ...] = (LOCATION, IDENTIFIER)

# How each kind's texts (made below) begin; a results file joins a row's signals with "; ".
_STARTS = {
    LOCATION: ("Xinjiang location in ", "Xinjiang postcode "),
    IDENTIFIER: ("identifier ", "USCC registered in Xinjiang"),
}
SIGNAL_PATTERNS: dict[str, str] = {
    kind: "(^|; )(" + "|".join(starts) + ")" for kind, starts in _STARTS.items()
}
"""A regular expression per kind that finds its signals in a "; "-joined signals cell."""


def signal_kind(signal: str) -> str:
    """The kind of one signal text of :func:`signals_for`: location or identifier."""
    return LOCATION if signal.startswith(_STARTS[LOCATION]) else IDENTIFIER


def signals_for(record: Record) -> list[str]:
    """Risk signals that are not list matches: Xinjiang location and USCC checks."""
    return _signals(record, address_possible=True, name_possible=True)


def signals_many(records: Sequence[Record]) -> list[list[str]]:
    """:func:`signals_for` of each record, the same lists; the Xinjiang place search is skipped
    for the names and addresses in which :func:`~sourcetrace.names.location.may_hold_place`
    says no place can be (most rows of a bill of lading: the search costs more than matching
    the name). Runs in the bulk engine's forked workers: no polars here."""
    return [
        _signals(
            r,
            # The address is searched with its country as last part: run together, the same.
            address_possible=bool(r.address.strip()) and may_hold_place(f"{r.address} {r.country}"),
            name_possible=may_hold_place(r.name),
        )
        for r in records
    ]


def _signals(record: Record, *, address_possible: bool, name_possible: bool) -> list[str]:
    """:func:`signals_for`, told where no Xinjiang place can be found (``*_possible`` False)."""
    out: list[str] = []
    # The row's country column is read as the address's last part, so "Aksu, Antalya" with "TR"
    # is Turkey's Aksu, not Xinjiang's; the reason names place, script and part of the address.
    location = (
        xinjiang_location(record.address, country=record.country)
        if address_possible
        else Location()
    )
    if location:
        places = [p.name_zh for p in location.places]
        out.append(f"{_location(places, 'address')} ({location.reason})")
    else:
        if name_possible:
            out.extend(name_signals(record.name))
        code = xinjiang_postcode(record.address) if not out else ""
        if code:
            out.append(f"Xinjiang postcode {code} in address")
    if record.identifier:
        check = check_uscc(record.identifier)
        if not check.valid:
            out.append(f"identifier {record.identifier!r} is not a valid USCC: {check.problem}")
        elif check.registered_in_xinjiang:
            out.append(f"USCC registered in Xinjiang (region code {check.region})")
    return out


def name_signals(name: str) -> list[str]:
    """The signals of a name alone (no address, no identifier): a Xinjiang place in it."""
    places = xinjiang_places(name)
    return [_location(places, "name")] if places else []


def _location(places: list[str], where: str) -> str:
    return f"Xinjiang location in {where} ({', '.join(places[:3])}): UFLPA presumption applies"
