"""Import the UFLPA Entity List from the DHS web page as saved (``https://www.dhs.gov/uflpa-entity-list``).

DHS publishes the list only as a web page: one ``<table class="usa-table">`` per section of UFLPA
§2(d)(2)(B), each preceded by a paragraph holding the section's description in ``<strong>`` and a
link whose text is the section ("Section 2(d)(2)(B)(v)"). Each table has a header row ("Name of
Entity" or "Entity Name", "Effective Date") and one row per entry. An entry's cell packs several
facts into one line, which are taken apart here:

- aliases: ``NAME (and one alias: A)``, ``NAME (including three aliases: A; B; and C)``,
  ``NAME (formerly known as A)``;
- scope: ``NAME and its subordinate and affiliated entities``, ``NAME (including subsidiaries)``;
- named subsidiaries, listed as entities of their own: ``NAME and its subsidiary A``,
  ``NAME and its eight Xinjiang-based subsidiaries, which include A, B, and C``;
- a trailing acronym: ``NAME (XPCC)``.

The page gives no country, so none is set: an entity's country is not guessed from the list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path

from sourcetrace.errors import ListError
from sourcetrace.lists.importers._common import (
    FtMDict,
    clean,
    make_id,
    merge_key,
    merge_parties,
    org_schema,
    party,
    read_text,
    sanction,
    split_acronym,
)

DATASET = "us_dhs_uflpa"
TITLE = "UFLPA Entity List"
PUBLISHER = "U.S. Department of Homeland Security"
SOURCE_URL = "https://www.dhs.gov/uflpa-entity-list"

_SECTION = re.compile(
    r"Section\s+2\s*\(d\)\s*\(2\)\s*\(B\)\s*\((?:i|ii|iii|iv|v|vi)\)", re.IGNORECASE
)
_NAME_COLUMNS = ("name of entity", "entity name", "entity")
_DATE_COLUMN = "effective date"


@dataclass
class _Table:
    """One section's table as read from the page, before its entries are taken apart."""

    line: int
    section: str
    description: str
    rows: list[tuple[int, list[str], bool]] = field(default_factory=list)


class _PageReader(HTMLParser):
    """Collects the ``usa-table`` tables with the section heading that precedes each."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[_Table] = []
        self.ended = False
        self._table: _Table | None = None
        self._row: list[str] | None = None
        self._row_line = 0
        self._row_header = False
        self._cell: list[str] | None = None
        self._strong: list[str] | None = None
        self._description = ""
        self._section = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table" and "usa-table" in (dict(attrs).get("class") or "").split():
            if self._table is not None:
                raise ListError(
                    "a table opens inside another: the page is corrupt", row=self.getpos()[0]
                )
            self._table = _Table(self.getpos()[0], self._section, self._description)
            self._section = self._description = ""
        elif self._table is not None and tag == "tr":
            self._row, self._row_line, self._row_header = [], self.getpos()[0], False
        elif self._row is not None and tag in ("td", "th"):
            self._cell = []
            self._row_header = self._row_header or tag == "th"
        elif tag == "strong" and self._table is None:
            self._strong = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(clean("".join(self._cell)))
            self._cell = None
        elif tag == "tr" and self._row is not None and self._table is not None:
            self._table.rows.append((self._row_line, self._row, self._row_header))
            self._row = None
        elif tag == "table" and self._table is not None:
            self.tables.append(self._table)
            self._table = None
        elif tag == "strong" and self._strong is not None:
            self._description = clean("".join(self._strong))
            self._strong = None
        elif tag == "html":
            self.ended = True

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        if self._strong is not None:
            self._strong.append(data)
        if self._table is None:
            found = _SECTION.search(clean(data))
            if found:
                self._section = clean(found.group(0))

    def unclosed(self) -> bool:
        return self._table is not None or self._row is not None


def read_tables(path: Path) -> list[_Table]:
    """The section tables of a saved UFLPA Entity List page; truncated or foreign -> ListError."""
    text = read_text(path, ("utf-8-sig", "cp1252"))
    reader = _PageReader()
    try:
        reader.feed(text)
        reader.close()
    except ListError as exc:
        raise ListError(exc.message, path=path, row=exc.row) from None
    if reader.unclosed() or not reader.ended:
        raise ListError(
            "the page ends early (no closing </table> or </html>): truncated",
            path=path,
            row=reader.getpos()[0],
        )
    if not reader.tables:
        raise ListError("no usa-table tables: not the DHS UFLPA Entity List page", path=path)
    for table in reader.tables:
        if not table.section:
            raise ListError(
                "a table has no 'Section 2(d)(2)(B)(..)' heading before it",
                path=path,
                row=table.line,
            )
    return reader.tables


def parse(path: Path) -> list[FtMDict]:
    """The UFLPA Entity List as FtM entities: parties merged across sections, a Sanction each."""
    out: list[FtMDict] = []
    for table in read_tables(path):
        header_line, header, _ = table.rows[0] if table.rows else (table.line, [], False)
        columns = [h.casefold() for h in header]
        name_col = next((columns.index(c) for c in _NAME_COLUMNS if c in columns), None)
        if name_col is None or _DATE_COLUMN not in columns:
            raise ListError(
                "table header lacks 'Name of Entity' and 'Effective Date'",
                path=path,
                row=header_line,
            )
        date_col = columns.index(_DATE_COLUMN)
        for line, cells, is_header in table.rows[1:]:
            if is_header:
                continue
            if len(cells) != len(columns):
                raise ListError(
                    f"expected {len(columns)} cells, found {len(cells)}", path=path, row=line
                )
            date = _date(cells[date_col], path, line)
            out.extend(_entry(cells[name_col], date, table, path, line))
    if not out:
        raise ListError("the tables list no entities", path=path)
    return merge_parties(out)


def _date(text: str, path: Path, line: int) -> str:
    for fmt in ("%B %d, %Y", "%b %d, %Y", "%m/%d/%Y", "%Y-%m-%d"):
        try:
            parsed = datetime.strptime(text.replace("Sept.", "Sep").replace(".", ""), fmt)
            return parsed.date().isoformat()
        except ValueError:
            continue
    raise ListError(f"effective date {text!r} is not a date", path=path, row=line)


@dataclass
class Entry:
    """One table cell taken apart: the listed name, its other names, scope and subsidiaries."""

    name: str
    aliases: list[str] = field(default_factory=list)
    previous: list[str] = field(default_factory=list)
    scope: str = ""
    subsidiaries: list[str] = field(default_factory=list)


_SUBSIDIARY_LIST = re.compile(
    r",?\s+and its (?:subsidiary|subsidiaries|\w+ [\w-]+-based subsidiaries, which include)\s+(.+)$"
)
_SCOPE_TAIL = re.compile(
    r",?\s+(and (?:its )?(?:subordinate and affiliated entities|subsidiaries))\s*$", re.IGNORECASE
)
_PAREN = re.compile(
    r"\((?P<kind>(?:and|including)\s+\w+\s+alias(?:es)?\s*:|formerly known as|also known as"
    r"|including subsidiaries)",
    re.IGNORECASE,
)
_FORMER_TAIL = re.compile(r";?\s*(?:and\s+)?formerly known as\s*:?")
_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8}


def split_entry(cell: str) -> Entry:
    """Take one UFLPA table cell apart (pure: no I/O)."""
    text = clean(cell)
    subsidiaries: list[str] = []
    found = _SUBSIDIARY_LIST.search(text)
    if found:
        subsidiaries = _split_names(found.group(1))
        text = text[: found.start()]
    scope = ""
    tail = _SCOPE_TAIL.search(text)
    if tail:
        scope = tail.group(1)
        text = text[: tail.start()]
    aliases: list[str] = []
    previous: list[str] = []
    while (paren := _PAREN.search(text)) is not None:
        end = _closing(text, paren.start())
        inner = text[paren.end() : end].strip(" :")
        kind = paren.group("kind").casefold()
        if kind == "including subsidiaries":
            scope = scope or "and subsidiaries"
        elif kind.startswith("formerly"):
            previous.extend(_split_names(inner))
        else:
            # "(including two aliases: A and B; and formerly known as C)"
            former = ""
            if "formerly known as" in inner:
                inner, former = _FORMER_TAIL.split(inner, maxsplit=1)
            count = next((n for w, n in _WORDS.items() if f" {w} " in f" {kind} "), 0)
            aliases.extend(_split_names(inner, count))
            previous.extend(_split_names(former))
        text = (text[: paren.start()] + text[end + 1 :]).strip()
    name, acronyms = split_acronym(clean(text).rstrip(","))
    return Entry(name, [*acronyms, *aliases], previous, scope, subsidiaries)


def _closing(text: str, start: int) -> int:
    depth = 0
    for i in range(start, len(text)):
        depth += {"(": 1, ")": -1}.get(text[i], 0)
        if depth == 0:
            return i
    return len(text)


def _split_names(text: str, count: int = 0) -> list[str]:
    text = clean(text)
    if ";" in text:
        parts = re.split(r";\s*(?:and\s+)?", text)
    else:
        # Commas also sit inside names ("Co., Ltd."), so split only before a word that starts one.
        parts = re.split(r",\s+(?:and\s+)?(?!(?:Ltd|Co|Inc|Limited|LLC)\b)", text)
        if len(parts) == 1 and count > 1 and len(text.split(" and ")) == count:
            parts = text.split(" and ")
    return [clean(p).rstrip(",;").strip() for p in parts if clean(p).rstrip(",;").strip()]


def _entry(cell: str, date: str, table: _Table, path: Path, line: int) -> list[FtMDict]:
    entry = split_entry(cell)
    if not entry.name:
        raise ListError("entry without an entity name", path=path, row=line)
    section = re.sub(r"^Section\s+", "", table.section)
    listing = {
        "authority": PUBLISHER,
        "publisher": PUBLISHER,
        "program": TITLE,
        "provisions": section,
        "reason": table.description,
        "listingDate": date,
        "startDate": date,
        "sourceUrl": SOURCE_URL,
        "summary": entry.scope,
    }
    main_id = make_id("uflpa", merge_key(entry.name))
    out = [
        party(
            org_schema(entry.name),
            main_id,
            DATASET,
            {
                "name": entry.name,
                "alias": entry.aliases,
                "previousName": entry.previous,
                "notes": entry.scope,
                "topics": ["forced.labor"],
                "sourceUrl": SOURCE_URL,
            },
        ),
        sanction(main_id, DATASET, section, listing),
    ]
    for name in entry.subsidiaries:
        sub_id = make_id("uflpa", merge_key(name))
        out.append(
            party(
                org_schema(name),
                sub_id,
                DATASET,
                {
                    "name": name,
                    "notes": f"Listed as a subsidiary of {entry.name}",
                    "topics": ["forced.labor"],
                    "sourceUrl": SOURCE_URL,
                },
            )
        )
        out.append(sanction(sub_id, DATASET, section, {**listing, "summary": ""}))
    return out
