"""Read an input table (CSV, TSV, XLSX, JSON lines, Parquet, by suffix) as text columns.

Every reader returns a :class:`polars.DataFrame` whose columns are all strings (missing = ""),
one row per data row, in file order. Errors name the file and the row or column.

Tables are read as people save them: a CSV's delimiter (comma, semicolon, tab or pipe) is
sniffed; the header may sit below a title block (detected, or ``--header-row``); a workbook's
table may be on any sheet (see :mod:`sourcetrace.io.workbook`). Every file is held to the limits
of :class:`~sourcetrace.io.options.Limits` while it is read (see :mod:`sourcetrace.io.limits`).
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import orjson
import polars as pl

from sourcetrace.errors import ConfigError, InputError
from sourcetrace.io.encoding import decode
from sourcetrace.io.header import SAMPLE_ROWS, find_header, sniff_delimiter
from sourcetrace.io.limits import check_cells, check_columns, check_parquet, check_rows, check_size
from sourcetrace.io.options import ReadOptions
from sourcetrace.io.workbook import read_workbook

FORMATS = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".txt": "tsv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".parquet": "parquet",
    ".pq": "parquet",
}

NAME_HEADERS = (
    "name", "company", "company name", "supplier", "supplier name", "vendor", "vendor name",
    "shipper", "shipper name", "consignee", "consignee name", "manufacturer", "factory",
    "factory name", "entity", "entity name", "organisation", "organization", "party",
    "公司名称", "供应商名称", "企业名称", "供应商", "名称", "工厂名称", "发货人", "收货人",
)  # fmt: skip
ADDRESS_HEADERS = ("address", "supplier address", "shipper address", "地址", "公司地址", "企业地址")
COUNTRY_HEADERS = ("country", "country code", "origin country", "supplier country", "国家")
ID_HEADERS = (
    "uscc", "usci", "unified social credit code", "social credit code", "credit code",
    "统一社会信用代码", "信用代码", "id", "supplier id", "registration number",
)  # fmt: skip


def input_format(path: Path) -> str:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        known = ", ".join(sorted(set(FORMATS)))
        raise InputError(
            f"unknown file type {path.suffix or '(none)'!r}; use one of {known}", path=path
        )
    return fmt


@dataclass(slots=True)
class Table:
    """An input table read as text columns, with each row's number in the file.

    ``rows[i]`` is the number errors and results give frame row ``i``: the data row number when
    the header is the file's first row (row 1 is the first row under it). A header further down
    keeps the file's numbering: in a CSV the rows below a header on line ``h`` count from ``h``
    (blank lines skipped, as always), in a workbook every row is its spreadsheet row minus one.
    """

    frame: pl.DataFrame
    rows: Sequence[int]
    sheets: list[str] = field(default_factory=list)  # a workbook's sheet names, for errors


def read_table(
    path: Path, encoding: str | None = None, options: ReadOptions | None = None
) -> pl.DataFrame:
    """Read the whole table; raises InputError for missing, empty or malformed input."""
    return read_input(path, options or ReadOptions(encoding=encoding)).frame


def read_input(path: Path, options: ReadOptions) -> Table:
    """Read the whole table with its row numbers, within ``options.limits``."""
    if not path.exists():
        raise InputError("file not found", path=path)
    if path.is_dir():
        raise InputError("is a directory, not a file", path=path)
    fmt = input_format(path)
    check_options(path, fmt, options)
    if path.stat().st_size == 0:
        raise InputError("empty file: no header and no data rows", path=path)
    if fmt == "xlsx":
        frame, rows, sheets = read_workbook(path, options, NAME_HEADERS)
        table = Table(frame, rows, sheets)
    else:
        check_size(path, options.limits)
        if fmt in ("csv", "tsv"):
            table = _read_text_table(path, fmt, options)
        elif fmt == "jsonl":
            table = _read_jsonl(path, options)
        else:
            table = _read_parquet(path, options)
    if table.frame.height == 0:
        raise InputError("no data rows (only a header)", path=path)
    return table


def check_options(path: Path, fmt: str, options: ReadOptions) -> None:
    """Refuse --sheet on anything but a workbook and --header-row on a headerless format."""
    if options.sheet is not None and fmt != "xlsx":
        raise ConfigError("--sheet applies to .xlsx workbooks only", path=path)
    if options.header_row is not None:
        if fmt not in ("xlsx", "csv", "tsv"):
            raise ConfigError("--header-row applies to .csv, .tsv and .xlsx files only", path=path)
        if options.header_row < 1:
            raise ConfigError(f"--header-row counts from 1, got {options.header_row}")


def text_layout(sample: str, fmt: str) -> str:
    """The delimiter of a text table: tab for .tsv, else sniffed from its first lines."""
    return "\t" if fmt == "tsv" else sniff_delimiter(sample)


def _read_text_table(path: Path, fmt: str, options: ReadOptions) -> Table:
    text, _ = decode(path.read_bytes(), path, options.encoding)
    delimiter = text_layout(text[:65536], fmt)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        top = list(itertools.islice(reader, max(SAMPLE_ROWS, options.header_row or 0)))
    except csv.Error as exc:
        raise InputError(f"malformed header: {exc}", path=path) from None
    header_at = header_index(top, path, options)
    header = _clean_header(top[header_at], path)
    if header_at > 0 and options.header_row is None:
        options.note(
            f"column names read from line {header_at + 1}, below a title block;"
            " give --header-row to choose another line"
        )
    check_columns(len(header), path, options.limits)
    width = len(header)
    columns: list[list[str]] = [[] for _ in range(width)]
    done = 0
    limit = options.limits.max_rows
    try:
        for fields in itertools.chain(top[header_at + 1 :], reader):
            if not fields or (len(fields) == 1 and not fields[0].strip()):
                continue
            done += 1
            if len(fields) != width:
                raise InputError(
                    f"has {len(fields)} fields but the header has {width}",
                    path=path,
                    row=header_at + done,
                )
            if done > limit:
                check_rows(done, path, options.limits)
            for i, value in enumerate(fields):
                columns[i].append(value)
    except csv.Error as exc:
        raise InputError(f"malformed row: {exc}", path=path, row=header_at + done + 1) from None
    frame = pl.DataFrame(
        {name: col for name, col in zip(header, columns, strict=True)},
        schema={n: pl.String for n in header},
    )
    rows = range(header_at + 1, header_at + frame.height + 1)
    check_cells(frame, path, options.limits, rows)
    return Table(frame, rows)


def header_index(top: list[list[str]], path: Path, options: ReadOptions) -> int:
    """The index in ``top`` (the first records, blank ones included) of the header record."""
    if options.header_row is not None:
        if options.header_row > len(top):
            raise ConfigError(
                path=path,
                message=f"--header-row {options.header_row} is past the first"
                f" {len(top)} rows of the file",
            )
        return options.header_row - 1
    hints = (options.name_column,) if options.name_column else NAME_HEADERS
    found = find_header(top, hints)
    if found is None:
        raise InputError("empty file: no header", path=path)
    return found


def _clean_header(header: list[str], path: Path) -> list[str]:
    out: list[str] = []
    for i, name in enumerate(header):
        name = name.strip().lstrip("\ufeff") or f"column_{i + 1}"
        if name in out:
            raise InputError("duplicate column name in the header", path=path, column=name)
        out.append(name)
    return out


def _read_jsonl(path: Path, options: ReadOptions) -> Table:
    text, _ = decode(path.read_bytes(), path, options.encoding)
    rows: list[dict[str, str]] = []
    keys: dict[str, None] = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        try:
            obj = orjson.loads(line)
        except orjson.JSONDecodeError:
            raise InputError("not valid JSON", path=path, row=len(rows) + 1) from None
        if not isinstance(obj, dict):
            raise InputError("is not a JSON object", path=path, row=len(rows) + 1)
        row = {str(k): _text(v) for k, v in obj.items()}
        keys.update(dict.fromkeys(row))
        if len(keys) > options.limits.max_columns:
            check_columns(len(keys), path, options.limits)
        rows.append(row)
        if len(rows) > options.limits.max_rows:
            check_rows(len(rows), path, options.limits)
    if not rows:
        raise InputError("no data rows", path=path)
    frame = pl.DataFrame(
        {k: [r.get(k, "") for r in rows] for k in keys}, schema={k: pl.String for k in keys}
    )
    check_cells(frame, path, options.limits)
    return Table(frame, range(1, frame.height + 1))


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float, bool)):
        return str(value)
    return orjson.dumps(value).decode()


def _read_parquet(path: Path, options: ReadOptions) -> Table:
    source = check_parquet(path, options.limits)
    try:
        frame = pl.from_arrow(source.read())
    except Exception as exc:  # noqa: BLE001 (pyarrow raises ArrowInvalid/OSError variants for corrupt files)
        raise InputError(f"not a readable Parquet file ({type(exc).__name__})", path=path) from None
    assert isinstance(frame, pl.DataFrame)
    frame = frame.select(pl.all().cast(pl.String).fill_null(""))
    check_cells(frame, path, options.limits)
    return Table(frame, range(1, frame.height + 1))


@dataclass(frozen=True, slots=True)
class Columns:
    """Which input columns hold the name, address, country and identifier."""

    name: str
    address: str | None = None
    country: str | None = None
    identifier: str | None = None


def _find(columns: list[str], wanted: tuple[str, ...]) -> str | None:
    lowered = {c.strip().lower().replace("_", " "): c for c in columns}
    for header in wanted:
        if header in lowered:
            return lowered[header]
    return None


def detect_columns(
    path: Path,
    columns: list[str],
    name: str | None = None,
    address: str | None = None,
    country: str | None = None,
    identifier: str | None = None,
    *,
    sheets: Sequence[str] = (),
) -> Columns:
    """Use the given columns (each must exist) or detect them from common headers.

    ``sheets`` (a workbook's sheet names) lets the error for a missing column suggest --sheet.
    """
    shown = ", ".join(columns[:20]) + (", ..." if len(columns) > 20 else "")
    for given in (name, address, country, identifier):
        if given is not None and given not in columns:
            raise InputError(
                f"no such column; the header has: {shown}"
                + "".join(f"; {tip}" for tip in _suggest(columns, sheets, name_tip=False)),
                path=path,
                column=given,
            )
    found = name or _find(columns, NAME_HEADERS)
    if found is None:
        raise InputError(
            f"no name column found among: {shown}; " + "; ".join(_suggest(columns, sheets)),
            path=path,
        )
    return Columns(
        name=found,
        address=address or _find(columns, ADDRESS_HEADERS),
        country=country or _find(columns, COUNTRY_HEADERS),
        identifier=identifier or _find(columns, ID_HEADERS),
    )


def _looks_like_header(columns: list[str]) -> bool:
    """Whether the column names read look like names: not blanks, numbers or one long title."""
    unnamed = sum(1 for c in columns if c.startswith("column_") or not c.strip())
    numeric = sum(1 for c in columns if c.replace(".", "").replace(",", "").strip().isdigit())
    if len(columns) == 1 and len(columns[0]) > 30:
        return False  # a report title read as the only column name
    return (unnamed + numeric) * 2 < len(columns)


def _suggest(columns: list[str], sheets: Sequence[str], name_tip: bool = True) -> list[str]:
    """The options likely to fix a missing column, most likely first, judged from the header."""
    tips = []
    if not _looks_like_header(columns):
        tips.append("if the column names are on another row, give it with --header-row N")
    if len(sheets) > 1:
        listed = ", ".join(repr(s) for s in sheets[:10])
        tips.append(f"if the table is on another sheet, give --sheet NAME (sheets: {listed})")
    if name_tip:
        tips.append("give the column holding the company name with --name-column COLUMN")
    return tips
