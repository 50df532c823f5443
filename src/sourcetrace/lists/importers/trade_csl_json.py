"""Import the U.S. Consolidated Screening List (trade.gov) from its JSON download.

The International Trade Administration publishes the same list as CSV and JSON
(https://www.trade.gov/consolidated-screening-list, "CSL Downloadable Files"; the bulk file is
``consolidated.json`` at data.trade.gov). The JSON is one object whose ``results`` array holds one
object per listed party, under the CSV's field names except ``id`` for ``_id``: ``source``,
``entity_number``, ``type``, ``name``, ``title``, ``federal_register_notice``, ``start_date``,
``end_date``, ``license_requirement``, ``license_policy``, ``remarks``, ``source_list_url``,
``source_information_url``, the vessel fields, and as arrays ``programs``, ``alt_names``,
``addresses`` (objects: ``address``, ``city``, ``state``, ``postal_code``, ``country``) and ``ids``
(objects: ``type``, ``number``, ``country``, ``issue_date``, ``expiration_date``). Missing values
are ``null``. Each result is mapped exactly as the CSV row it corresponds to (same ids, same
Sanction), so versions imported from either download compare.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sourcetrace.errors import ListError
from sourcetrace.lists.importers._common import FtMDict, clean, read_text
from sourcetrace.lists.importers.trade_csl_csv import (
    DATASET,
    PUBLISHER,
    SOURCE_URL,
    TITLE,
    csl_entities,
)

__all__ = ["DATASET", "PUBLISHER", "SOURCE_URL", "TITLE", "parse"]

_ADDRESS_PARTS = ("address", "city", "state", "state_or_province", "postal_code", "country")


def parse(path: Path) -> list[FtMDict]:
    """The CSL JSON as FtM entities: one party per result, with one Sanction for its source list."""
    try:
        data = json.loads(read_text(path))
    except json.JSONDecodeError as exc:
        raise ListError(
            f"corrupt or truncated JSON ({exc.msg})", path=path, row=exc.lineno
        ) from None
    results = data.get("results") if isinstance(data, dict) else None
    if not isinstance(results, list):
        raise ListError("no 'results' array: not the Consolidated Screening List JSON", path=path)
    out: list[FtMDict] = []
    seen: set[str] = set()
    for number, result in enumerate(results, start=1):
        where = f"result {number}: "
        if not isinstance(result, dict):
            raise ListError(f"{where}not an object", path=path)
        out.extend(csl_entities(_as_row(result, where, path), path, seen, where=where))
    if not out:
        raise ListError("no listed parties in the file", path=path)
    return out


def _as_row(result: dict[str, Any], where: str, path: Path) -> dict[str, str | list[str]]:
    """A JSON result in the shape of a CSV row: text fields as text, arrays as lists of text."""
    row: dict[str, str | list[str]] = {}
    for key, value in result.items():
        if key == "addresses" and isinstance(value, list):
            row[key] = [_address(a, where, path) for a in value]
        elif key == "ids" and isinstance(value, list):
            # "Unified Social Credit Code (USCC), 9165...": the CSV writes an identifier so.
            row[key] = [", ".join(_parts(i, ("type", "number"), where, path)) for i in value]
        elif isinstance(value, list):
            row[key] = [_text(v, f"{where}{key}", path) for v in value]
        else:
            row[key] = _text(value, f"{where}{key}", path)
    row["_id"] = row.pop("id", "")
    return row


def _address(value: object, where: str, path: Path) -> str:
    if isinstance(value, str):
        return value
    return ", ".join(_parts(value, _ADDRESS_PARTS, where, path))


def _parts(value: object, keys: tuple[str, ...], where: str, path: Path) -> list[str]:
    if not isinstance(value, dict):
        raise ListError(f"{where}expected an object, found {type(value).__name__}", path=path)
    texts = (_text(value.get(key), f"{where}{key}", path) for key in keys)
    return [t for t in texts if clean(t)]


def _text(value: object, what: str, path: Path) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    raise ListError(f"{what} is a {type(value).__name__}, not text", path=path)
