"""Helpers every importer shares: FtM entity construction, stable ids, names and checked reading.

Entities are built with followthemoney's ``model.make_entity`` so that schema and property names
are checked when they are made. Persons are kept to their names only: sourcetrace never profiles
people, and a person appears only as named on a sanctions list (no birth dates, passports or
addresses are carried over).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from sourcetrace.errors import ListError
from sourcetrace.io.limits import check_size
from sourcetrace.io.options import Limits

FtMDict = dict[str, Any]
"""One FtM entity as a JSON-ready dict: ``id``, ``schema``, ``properties``, ``datasets``."""

PERSON_PROPS = frozenset(
    {
        "name",
        "alias",
        "previousName",
        "weakAlias",
        "firstName",
        "middleName",
        "lastName",
        "fatherName",
        "topics",
        "sourceUrl",
    }
)
"""The only properties a Person keeps: the names the list gives, nothing that profiles them."""

# Legal-form words dropped from the key that recognises one organisation across rows and versions;
# the same rule as scripts/build_data.py, so ids agree with the bundled lists.
_KEY_DROP = {"co", "ltd", "limited", "company", "inc", "corp", "corporation", "the"}
_ACRONYM = re.compile(r"\s*\(([A-Z][A-Z0-9]{1,9})\)\s*$")
_COMPANY_WORDS = {"co", "ltd", "limited", "company", "inc", "corp", "corporation", "group", "llc"}


def ftm_model() -> Any:
    """followthemoney's model (a core dependency), imported when a list is first read: it loads
    every schema, which the commands that import no list need not wait for."""
    from followthemoney import model

    return model


def merge_key(name: str) -> str:
    """Key under which names of the same organisation agree (case, punctuation, legal form)."""
    text = _ACRONYM.sub(" ", name)
    text = unicodedata.normalize("NFKC", text).casefold().replace("’", "'")
    tokens = [t for t in re.split(r"[^\w]+", text) if t and t not in _KEY_DROP]
    return " ".join(tokens)


def make_id(prefix: str, *parts: str) -> str:
    """A stable id: the same source facts give the same id in every version of a list."""
    digest = hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:12]
    return f"{prefix}-{digest}"


def org_schema(name: str) -> str:
    """Company when the name carries a company legal form, else Organization."""
    words = set(re.split(r"[^\w]+", name.casefold()))
    if words & _COMPANY_WORDS or "公司" in name:
        return "Company"
    return "Organization"


def split_acronym(name: str) -> tuple[str, list[str]]:
    """``"Xinjiang Production and Construction Corps (XPCC)"`` -> the name and ``["XPCC"]``."""
    found = _ACRONYM.findall(name)
    return _ACRONYM.sub("", name).strip(), found


def clean(value: str | None) -> str:
    """Collapse whitespace; ``None`` and blanks become ``""``."""
    if value is None:
        return ""
    return " ".join(value.split())


def party(
    schema: str,
    entity_id: str,
    dataset: str,
    props: Mapping[str, list[str] | str],
) -> FtMDict:
    """A party entity (organisation, vessel or person) as an FtM dict; persons keep names only."""
    entity = ftm_model().make_entity(schema)
    entity.id = entity_id
    is_person = entity.schema.is_a("Person")
    for prop, values in props.items():
        if is_person and prop not in PERSON_PROPS:
            continue
        if entity.schema.get(prop) is None:
            continue  # e.g. uscCode on a Vessel: the list gave it, the schema has no place for it
        entity.add(prop, [clean(v) for v in _as_list(values) if clean(v)])
    return _finish(entity.to_dict(), dataset)


def sanction(
    entity_id: str,
    dataset: str,
    key: str,
    props: Mapping[str, list[str] | str],
) -> FtMDict:
    """A Sanction entity for one listing of ``entity_id``; ``key`` keeps its id stable."""
    entity = ftm_model().make_entity("Sanction")
    entity.id = make_id(f"{entity_id}-sanction", key)
    entity.add("entity", entity_id)
    for prop, values in props.items():
        entity.add(prop, [clean(v) for v in _as_list(values) if clean(v)])
    return _finish(entity.to_dict(), dataset)


def _finish(data: dict[str, Any], dataset: str) -> FtMDict:
    out: FtMDict = {
        "id": data["id"],
        "schema": data["schema"],
        "properties": {k: list(v) for k, v in sorted(data.get("properties", {}).items())},
        "datasets": [dataset],
    }
    return out


def _as_list(values: list[str] | str) -> list[str]:
    return [values] if isinstance(values, str) else list(values)


def canonical_line(entity: FtMDict) -> str:
    """The entity as one JSON line with sorted keys: what content hashes and diffs compare."""
    return json.dumps(entity, ensure_ascii=False, sort_keys=True)


def iso_date(text: str, formats: Sequence[str]) -> str | None:
    """``text`` as yyyy-mm-dd, read with the first of ``formats`` that fits; None if none does."""
    for fmt in formats:
        try:
            return datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    return None


def list_limits() -> Limits:
    """The limits a list file is held to: those of every input (``SOURCETRACE_MAX_*``)."""
    return Limits.from_settings()


def check_file(path: Path) -> None:
    """A ListError unless ``path`` is an existing, non-empty file within the size limit."""
    if not path.exists():
        raise ListError("list file not found", path=path)
    if path.is_dir():
        raise ListError("expected a file, found a folder", path=path)
    if path.stat().st_size == 0:
        raise ListError("list file is empty", path=path)
    check_size(path, list_limits(), ListError)


def read_text(path: Path, encodings: tuple[str, ...] = ("utf-8-sig",)) -> str:
    """The whole file as text, trying each encoding in turn; unreadable -> ListError."""
    check_file(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ListError(f"cannot read list file: {exc.strerror}", path=path) from None
    if not raw.strip():
        raise ListError("list file is empty", path=path)
    for encoding in encodings:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ListError(f"cannot decode the file as {' or '.join(encodings)}", path=path)


def read_csv(
    path: Path,
    required: Sequence[str | tuple[str, ...]],
    what: str,
    *,
    preamble: str = "",
) -> Iterator[tuple[int, dict[str, str]]]:
    """Each data row of a list published as CSV, as ``(line, {heading: cell})``, checked as read.

    ``required`` names the columns the format must have; a tuple gives the headings one column has
    gone by, any one of which will do. ``what`` names the format in errors ("the Consolidated
    Screening List CSV"). A first row whose first cell starts with ``preamble`` (the UK list's
    "Report Date: ...") is passed over. No header, a missing column, a row of another width than
    the header (a truncated file) or broken quoting is a ListError naming the file and the line;
    blank rows are skipped. More rows than ``max_input_rows`` or a field longer than
    ``max_cell_chars`` is a ListError too (a list file is a bounded thing; see
    :class:`~sourcetrace.io.options.Limits`).
    """
    limits = list_limits()
    text = read_text(path, ("utf-8-sig", "cp1252"))
    reader = csv.reader(io.StringIO(text), strict=True)
    try:
        header = [h.strip() for h in next(reader)]
        if preamble and header and header[0].startswith(preamble):
            header = [h.strip() for h in next(reader)]
    except (StopIteration, csv.Error):
        raise ListError(f"no header row: not {what}", path=path) from None
    missing = [
        name if isinstance(name, str) else f"{name[0]} (or {', '.join(name[1:])})"
        for name in required
        if not ({name} if isinstance(name, str) else set(name)) & set(header)
    ]
    if missing:
        raise ListError(
            f"missing columns {', '.join(missing)}: not {what}", path=path, row=reader.line_num
        )
    rows = 0
    try:
        for fields in reader:
            if not any(f.strip() for f in fields):
                continue
            rows += 1
            if rows > limits.max_rows:
                raise ListError(
                    f"more than {limits.max_rows:,} rows (SOURCETRACE_MAX_INPUT_ROWS)", path=path
                )
            longest = max(map(len, fields))
            if longest > limits.max_cell_chars:
                column = (
                    header[[len(f) for f in fields].index(longest)]
                    if len(fields) == len(header)
                    else None
                )
                raise ListError(
                    f"a field of {longest:,} characters, over the {limits.max_cell_chars:,} limit"
                    " (SOURCETRACE_MAX_CELL_CHARS)",
                    path=path,
                    row=reader.line_num,
                    column=column,
                )
            if len(fields) != len(header):
                raise ListError(
                    f"expected {len(header)} fields, found {len(fields)}: the file is truncated "
                    "or a row is corrupt",
                    path=path,
                    row=reader.line_num,
                )
            yield reader.line_num, dict(zip(header, fields, strict=True))
    except csv.Error as exc:
        raise ListError(f"corrupt CSV ({exc})", path=path, row=reader.line_num) from None


def merge_parties(entities: list[FtMDict]) -> list[FtMDict]:
    """Merge party dicts sharing an id (one organisation listed in several rows), keeping order."""
    out: dict[str, FtMDict] = {}
    for entity in entities:
        seen = out.get(entity["id"])
        if seen is None:
            out[entity["id"]] = entity
            continue
        for prop, values in entity["properties"].items():
            have = seen["properties"].setdefault(prop, [])
            have.extend(v for v in values if v not in have)
        seen["properties"] = dict(sorted(seen["properties"].items()))
    return list(out.values())


def read_xml(path: Path) -> ET.Element:
    """The file's XML root with namespaces stripped from tags; corrupt or truncated -> ListError."""
    check_file(path)
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as exc:
        line = exc.position[0] if exc.position else None
        what = str(exc).split(": line")[0]
        raise ListError(f"corrupt or truncated XML ({what})", path=path, row=line) from None
    except OSError as exc:
        raise ListError(f"cannot read list file: {exc.strerror}", path=path) from None
    for element in root.iter():
        if isinstance(element.tag, str) and "}" in element.tag:
            element.tag = element.tag.split("}", 1)[1]
    return root
