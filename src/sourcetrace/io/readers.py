"""Read an input table (CSV, TSV, XLSX, JSON lines, Parquet, by suffix) as text columns.

Every reader returns a :class:`polars.DataFrame` whose columns are all strings (missing = ""),
one row per data row, in file order. Errors name the file and the row or column.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import orjson
import polars as pl

from sourcetrace.errors import InputError
from sourcetrace.io.encoding import decode

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
        raise InputError(f"unknown file type {path.suffix or '(none)'!r}; use one of {known}", path=path)
    return fmt


def read_table(path: Path, encoding: str | None = None) -> pl.DataFrame:
    """Read the whole table; raises InputError for missing, empty or malformed input."""
    if not path.exists():
        raise InputError("file not found", path=path)
    if path.is_dir():
        raise InputError("is a directory, not a file", path=path)
    fmt = input_format(path)
    if path.stat().st_size == 0:
        raise InputError("empty file: no header and no data rows", path=path)
    if fmt in ("csv", "tsv"):
        frame = _read_text_table(path, fmt, encoding)
    elif fmt == "xlsx":
        frame = _read_xlsx(path)
    elif fmt == "jsonl":
        frame = _read_jsonl(path, encoding)
    else:
        frame = _read_parquet(path)
    if frame.height == 0:
        raise InputError("no data rows (only a header)", path=path)
    return frame


def _read_text_table(path: Path, fmt: str, encoding: str | None) -> pl.DataFrame:
    text, _ = decode(path.read_bytes(), path, encoding)
    first = text.split("\n", 1)[0]
    delimiter = "\t" if fmt == "tsv" or ("\t" in first and "," not in first) else ","
    if fmt == "csv" and "\t" in first and first.count("\t") > first.count(","):
        delimiter = "\t"  # Excel's "Unicode text" export saved as .csv
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise InputError("empty file: no header", path=path) from None
    except csv.Error as exc:
        raise InputError(f"malformed header: {exc}", path=path) from None
    header = _clean_header(header, path)
    width = len(header)
    columns: list[list[str]] = [[] for _ in range(width)]
    row = 0
    try:
        for fields in reader:
            if not fields or (len(fields) == 1 and not fields[0].strip()):
                continue
            row += 1
            if len(fields) != width:
                raise InputError(
                    f"has {len(fields)} fields but the header has {width}", path=path, row=row
                )
            for i, value in enumerate(fields):
                columns[i].append(value)
    except csv.Error as exc:
        raise InputError(f"malformed row: {exc}", path=path, row=row + 1) from None
    return pl.DataFrame({name: col for name, col in zip(header, columns, strict=True)}, schema={n: pl.String for n in header})


def _clean_header(header: list[str], path: Path) -> list[str]:
    out: list[str] = []
    for i, name in enumerate(header):
        name = name.strip().lstrip("\ufeff") or f"column_{i + 1}"
        if name in out:
            raise InputError("duplicate column name in the header", path=path, column=name)
        out.append(name)
    return out


def _read_xlsx(path: Path) -> pl.DataFrame:
    try:
        frame = pl.read_excel(path, engine="calamine", infer_schema_length=0)
    except Exception as exc:  # noqa: BLE001 (calamine raises its own error types for corrupt workbooks)
        raise InputError(f"not a readable XLSX workbook ({type(exc).__name__})", path=path) from None
    _clean_header(list(frame.columns), path)
    return frame.select(pl.all().cast(pl.String).fill_null(""))


def _read_jsonl(path: Path, encoding: str | None) -> pl.DataFrame:
    text, _ = decode(path.read_bytes(), path, encoding)
    rows: list[dict[str, str]] = []
    keys: dict[str, None] = {}
    for number, line in enumerate(text.splitlines(), start=1):
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
        rows.append(row)
    if not rows:
        raise InputError("no data rows", path=path)
    return pl.DataFrame(
        {k: [r.get(k, "") for r in rows] for k in keys}, schema={k: pl.String for k in keys}
    )


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float, bool)):
        return str(value)
    return orjson.dumps(value).decode()


def _read_parquet(path: Path) -> pl.DataFrame:
    try:
        frame = pl.read_parquet(path)
    except Exception as exc:  # noqa: BLE001 (polars raises ComputeError/OSError variants for corrupt files)
        raise InputError(f"not a readable Parquet file ({type(exc).__name__})", path=path) from None
    return frame.select(pl.all().cast(pl.String).fill_null(""))


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
) -> Columns:
    """Use the given columns (each must exist) or detect them from common headers."""
    for given in (name, address, country, identifier):
        if given is not None and given not in columns:
            raise InputError(
                f"no such column; the file has: {', '.join(columns)}", path=path, column=given
            )
    found = name or _find(columns, NAME_HEADERS)
    if found is None:
        raise InputError(
            f"no name column found among: {', '.join(columns)}; give it with --name-column",
            path=path,
        )
    return Columns(
        name=found,
        address=address or _find(columns, ADDRESS_HEADERS),
        country=country or _find(columns, COUNTRY_HEADERS),
        identifier=identifier or _find(columns, ID_HEADERS),
    )
