"""Import FollowTheMoney JSON lines (OpenSanctions datasets, Aleph exports) after checking them.

Every line must be an entity whose schema and properties followthemoney knows; a line that is not
is a ListError naming the line. What is kept follows the red line: organisations, companies, public
bodies, vessels and aircraft with their ``Sanction`` and ``Ownership`` entities; persons only when
a Sanction in the same file names them, and then only their names. Other schemas (addresses,
family ties, positions, identity documents, ...) are left out.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from sourcetrace.errors import ListError
from sourcetrace.lists.importers._common import (
    PERSON_PROPS,
    FtMDict,
    check_file,
    ftm_model,
    list_limits,
)

_PARTIES = frozenset({"LegalEntity", "Organization", "Company", "PublicBody", "Vessel", "Airplane"})
_LINKS = frozenset({"Sanction", "Ownership"})
_EXTRA_KEYS = ("caption", "datasets", "referents", "first_seen", "last_seen", "name_sources")


def parse(path: Path) -> list[FtMDict]:
    """The file's entities, checked against the FtM model and kept within the red line."""
    check_file(path)
    limits = list_limits()
    longest = limits.max_cell_chars * 100  # one entity: up to a hundred cells' worth of bytes
    model = ftm_model()
    checked: list[tuple[int, FtMDict]] = []
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise ListError(f"cannot open list file: {exc.strerror}", path=path) from None
    with handle:
        number = 0
        while line := handle.readline(longest + 1):
            number += 1
            if len(line) > longest:
                raise ListError(
                    f"an entity line over {longest:,} bytes (SOURCETRACE_MAX_CELL_CHARS x 100)",
                    path=path,
                    row=number,
                )
            if line.strip():
                checked.append((number, _check(model, line, path, number)))
                if len(checked) > limits.max_rows:
                    raise ListError(
                        f"more than {limits.max_rows:,} entities (SOURCETRACE_MAX_INPUT_ROWS)",
                        path=path,
                    )
    if not checked:
        raise ListError("list file is empty", path=path)
    sanctioned = {
        ref
        for _, data in checked
        if data["schema"] == "Sanction"
        for ref in data["properties"].get("entity", [])
    }
    kept: dict[str, FtMDict] = {}
    dropped: set[str] = set()
    for _, data in checked:
        schema = model.get(data["schema"])
        if schema.is_a("Person"):
            if data["id"] not in sanctioned:
                dropped.add(data["id"])
                continue
            data["properties"] = {k: v for k, v in data["properties"].items() if k in PERSON_PROPS}
        elif data["schema"] not in _PARTIES and data["schema"] not in _LINKS:
            continue
        kept[data["id"]] = data
    # A link to a person who is not on a sanctions list goes too: it would describe that person.
    out = [
        data
        for data in kept.values()
        if data["schema"] not in _LINKS or not _refs(model, data) & dropped
    ]
    if not any(d["schema"] not in _LINKS for d in out):
        raise ListError("no organisation, vessel or sanctioned person in this FtM file", path=path)
    return out


def _check(model: Any, line: bytes, path: Path, number: int) -> FtMDict:
    try:
        data = orjson.loads(line)
    except orjson.JSONDecodeError:
        raise ListError(
            "not a JSON object (corrupt or truncated FtM line)", path=path, row=number
        ) from None
    if not isinstance(data, dict) or not data.get("id") or not data.get("schema"):
        raise ListError("not an FtM entity (no 'id' or 'schema')", path=path, row=number)
    schema = model.get(str(data["schema"]))
    if schema is None or schema.abstract:
        raise ListError(f"unknown or abstract FtM schema {data['schema']!r}", path=path, row=number)
    props = data.get("properties") or {}
    if not isinstance(props, dict):
        raise ListError("'properties' is not an object", path=path, row=number)
    for prop, values in props.items():
        if schema.get(prop) is None:
            raise ListError(f"schema {schema.name} has no property {prop!r}", path=path, row=number)
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise ListError(f"property {prop!r} is not a list of strings", path=path, row=number)
    out: FtMDict = {
        "id": str(data["id"]),
        "schema": schema.name,
        "properties": {k: list(v) for k, v in sorted(props.items()) if v},
    }
    for key in _EXTRA_KEYS:
        if key in data:
            out[key] = data[key]
    if "datasets" not in out:
        out["datasets"] = [path.name.split(".")[0]]
    return out


def _refs(model: Any, data: FtMDict) -> set[str]:
    schema = model.get(data["schema"])
    return {
        value
        for prop, values in data["properties"].items()
        if schema.get(prop).type.name == "entity"
        for value in values
    }
