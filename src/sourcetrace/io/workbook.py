"""Read one sheet of an XLSX workbook as people make them: a cover sheet first, a title above.

The workbook is checked against the limits before any sheet is parsed (:func:`check_zip`). The
sheet is ``--sheet`` (a name, or a 1-based number), else the first sheet that holds a table (a
header row with data below it), so a cover or instructions sheet in front is passed over. The
header row is ``--header-row`` (the spreadsheet's own 1-based row number), else detected below
any title block (:func:`~sourcetrace.io.header.find_header`).

Rows keep the spreadsheet's numbering: the ``row`` of a data row is its spreadsheet row minus
one, which is the data row number when the header is on row 1, as for every other format.
Empty rows are dropped (their numbers are not reused); empty unnamed columns are dropped.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass
from pathlib import Path

import fastexcel
import polars as pl

from sourcetrace.errors import ConfigError, InputError
from sourcetrace.io.header import find_header
from sourcetrace.io.limits import check_cells, check_rows, check_zip
from sourcetrace.io.options import ReadOptions

_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_FIRST_CELL = re.compile(rb'<(?:\w+:)?c r="[A-Z]+(\d+)"[^>]*?(?<!/)>\s*<(?:\w+:)?(?:v|is|f)\b')


@dataclass(slots=True)
class Sheet:
    """One sheet read raw: its name, 1-based position, cells as text, first row's number."""

    name: str
    number: int
    frame: pl.DataFrame  # every cell as text or null, unnamed columns
    first_row: int  # the spreadsheet row of the frame's first row


def read_workbook(
    path: Path, options: ReadOptions, known: tuple[str, ...]
) -> tuple[pl.DataFrame, list[int], list[str]]:
    """The table of one sheet: text columns, each row's number, and the workbook's sheet names."""
    check_zip(path, options.limits)
    try:
        reader = fastexcel.read_excel(path)
    except Exception as exc:  # noqa: BLE001 (calamine raises its own error types for corrupt workbooks)
        raise InputError(
            f"not a readable XLSX workbook ({type(exc).__name__})", path=path
        ) from None
    names = list(reader.sheet_names)
    firsts = _first_rows(path, names)
    hints = (options.name_column,) if options.name_column else known
    if options.sheet is not None:
        sheet = _load(reader, path, _pick(options.sheet, names, path), names, firsts)
        header = _header(sheet, path, options, hints)
    else:
        sheet, header = _first_table(reader, path, names, firsts, options, hints)
        if sheet.number > 1:
            options.note(
                f"read sheet {sheet.name!r} (sheet {sheet.number} of {len(names)}), the first that"
                " holds a table; give --sheet to read another"
            )
    if header is None:
        raise InputError(f"sheet {sheet.name!r} is empty", path=path)
    return (*_table(sheet, header, path, options), names)


def _pick(wanted: str, names: list[str], path: Path) -> int:
    if wanted in names:
        return names.index(wanted)
    if wanted.strip().isdigit() and 1 <= int(wanted) <= len(names):
        return int(wanted) - 1
    listed = ", ".join(f"{i}: {n}" for i, n in enumerate(names, start=1))
    raise ConfigError(f"no sheet {wanted!r}; the workbook has sheets {listed}", path=path)


def _load(
    reader: fastexcel.ExcelReader, path: Path, index: int, names: list[str], firsts: list[int]
) -> Sheet:
    try:
        frame = reader.load_sheet(index, header_row=None, dtypes="string").to_polars()
    except Exception as exc:  # noqa: BLE001 (as above)
        raise InputError(
            f"sheet {names[index]!r} is not readable ({type(exc).__name__})", path=path
        ) from None
    return Sheet(names[index], index + 1, frame, firsts[index])


def _header(sheet: Sheet, path: Path, options: ReadOptions, hints: tuple[str, ...]) -> int | None:
    """The frame index of the header row: the one asked for, or the one detected."""
    if sheet.frame.height == 0:
        return None
    if options.header_row is None:
        return find_header(sheet.frame.head(40).rows(), hints)
    index = options.header_row - sheet.first_row
    if not 0 <= index < sheet.frame.height:
        last = sheet.first_row + sheet.frame.height - 1
        raise ConfigError(
            path=path,
            message=f"--header-row {options.header_row} is outside sheet {sheet.name!r}, whose"
            f" cells are on rows {sheet.first_row}-{last}",
        )
    return index


def _first_table(
    reader: fastexcel.ExcelReader,
    path: Path,
    names: list[str],
    firsts: list[int],
    options: ReadOptions,
    hints: tuple[str, ...],
) -> tuple[Sheet, int | None]:
    """The first sheet whose header names a known column, else the first with two columns of
    data under a header, else the first sheet that is not empty."""
    fallback: tuple[Sheet, int | None] | None = None
    tables: list[tuple[Sheet, int]] = []
    lowered = {h.strip().lower() for h in hints}
    for index in range(len(names)):
        sheet = _load(reader, path, index, names, firsts)
        try:
            header = _header(sheet, path, options, hints)
        except ConfigError:  # --header-row past this sheet's rows: not the sheet meant
            continue
        if header is None:
            continue
        cells = [str(c).strip().lower() for c in sheet.frame.row(header) if c is not None]
        has_data = sheet.frame.height > header + 1
        if has_data and lowered & set(cells):
            return sheet, header
        if has_data and len(cells) >= 2:
            tables.append((sheet, header))
        if fallback is None:
            fallback = (sheet, header)
    if tables:
        return tables[0]
    if fallback is None and options.header_row is not None:
        raise ConfigError(
            f"--header-row {options.header_row} is outside every sheet's rows", path=path
        )
    if fallback is None:
        raise InputError("every sheet of the workbook is empty", path=path)
    return fallback


def _table(
    sheet: Sheet, header: int, path: Path, options: ReadOptions
) -> tuple[pl.DataFrame, list[int]]:
    raw = sheet.frame
    names = [str(c).strip() if c is not None else "" for c in raw.row(header)]
    if header > 0 and options.header_row is None:
        options.note(
            f"column names read from row {sheet.first_row + header} of sheet {sheet.name!r}, "
            "below a title block; give --header-row to choose another row"
        )
    data = raw.slice(header + 1).with_row_index("__row__", offset=sheet.first_row + header)
    keep = ~pl.all_horizontal(pl.exclude("__row__").is_null() | (pl.exclude("__row__") == ""))
    data = data.filter(keep)
    check_rows(data.height, path, options.limits)
    rows = data.get_column("__row__").to_list()  # spreadsheet row - 1 (the index is 0-based)
    data = data.drop("__row__")
    columns: dict[str, pl.Series] = {}
    for i, (name, series) in enumerate(zip(names, data.iter_columns(), strict=True)):
        if not name and series.null_count() == series.len():
            continue  # an empty column beside the table (a wide title or a note)
        label = name or f"column_{i + 1}"
        if label in columns:
            raise InputError("duplicate column name in the header", path=path, column=label)
        columns[label] = series.alias(label)
    frame = pl.DataFrame(list(columns.values())).select(pl.all().fill_null(""))
    check_cells(frame, path, options.limits, rows)
    return frame, rows


def _first_rows(path: Path, names: list[str]) -> list[int]:
    """The spreadsheet row of each sheet's first filled cell (calamine starts its range there).

    Read from the sheet XML's first megabyte; 1 when it cannot be told. The zip was checked.
    """
    firsts = [1] * len(names)
    try:
        with zipfile.ZipFile(path) as archive:
            book = ET.fromstring(archive.read("xl/workbook.xml"))
            rels = ET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
            targets = {r.get("Id"): r.get("Target", "") for r in rels}
            for element in book.iter():
                if not element.tag.endswith("}sheet") or element.get("name") not in names:
                    continue
                target = targets.get(element.get(_REL), "")
                part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
                with archive.open(part) as fh:
                    head = fh.read(1 << 20)
                found = _FIRST_CELL.search(head)
                if found:
                    firsts[names.index(element.get("name", ""))] = int(found.group(1))
    except (KeyError, ET.ParseError, zipfile.BadZipFile, OSError, ValueError):
        pass
    return firsts
