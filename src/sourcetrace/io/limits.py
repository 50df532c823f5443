"""Refuse oversized and decompression-bomb inputs before (and while) they are unpacked.

An XLSX is a zip: its central directory declares each part's compressed and uncompressed size,
so a part that would unpack to more than ``max_bytes`` or more than ``max_compression_ratio``
times its compressed size (a 463 kB workbook holding 400 MB of text) is refused before any XML is
parsed; the parts are then inflated once, in blocks, counting the bytes actually produced, so a
directory that lies about sizes is caught too (and a part whose content does not match its checksum
is refused as corrupt). A Parquet file declares its row count and uncompressed size in its footer,
read before any data page. Rows, columns and cell lengths of every table are checked as it is read.
"""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from sourcetrace.errors import InputError, SourcetraceError
from sourcetrace.io.options import Limits

RATIO_FLOOR = 1 << 20
"""Parts smaller than this (1 MiB unpacked) are not held to the ratio: tiny XML compresses well."""

_BLOCK = 1 << 20


def check_size(path: Path, limits: Limits, error: type[SourcetraceError] = InputError) -> None:
    """Refuse a plain file larger than ``max_bytes``: its size on disk is its decompressed size."""
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise error(
            f"is {_size(size)}, over the {_size(limits.max_bytes)} limit "
            "(SOURCETRACE_MAX_INPUT_BYTES); nothing read",
            path=path,
        )


def check_zip(path: Path, limits: Limits) -> None:
    """Refuse an XLSX whose parts unpack to too much, or too much per compressed byte."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise InputError("not a readable XLSX workbook (not a zip archive)", path=path) from None
    with archive:
        infos = archive.infolist()
        total = 0
        for info in infos:
            total += info.file_size
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > RATIO_FLOOR and ratio > limits.max_compression_ratio:
                raise InputError(
                    f"part {info.filename} unpacks {ratio:,.0f} times its packed size "
                    f"({_size(info.compress_size)} to {_size(info.file_size)}), over the "
                    f"{limits.max_compression_ratio}x limit (SOURCETRACE_MAX_COMPRESSION_RATIO): "
                    "refused as a decompression bomb; nothing read",
                    path=path,
                )
            if total > limits.max_bytes:
                raise InputError(
                    f"unpacks to over {_size(limits.max_bytes)} (SOURCETRACE_MAX_INPUT_BYTES); "
                    "nothing read",
                    path=path,
                )
        produced = 0
        for info in infos:
            try:
                with archive.open(info) as part:
                    while block := part.read(_BLOCK):
                        produced += len(block)
                        if produced > limits.max_bytes:
                            raise InputError(
                                f"unpacks to over {_size(limits.max_bytes)}"
                                " (SOURCETRACE_MAX_INPUT_BYTES); nothing read",
                                path=path,
                            )
            except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
                raise InputError(
                    f"not a readable XLSX workbook (part {info.filename}: {exc})", path=path
                ) from None


def check_parquet(path: Path, limits: Limits) -> pq.ParquetFile:
    """Open a Parquet file after checking the rows, columns and size its footer declares."""
    try:
        source = pq.ParquetFile(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError(f"not a readable Parquet file ({type(exc).__name__})", path=path) from None
    meta = source.metadata
    if meta.num_rows > limits.max_rows:
        raise InputError(
            f"holds {meta.num_rows:,} rows, over the {limits.max_rows:,} limit "
            "(SOURCETRACE_MAX_INPUT_ROWS); nothing read",
            path=path,
        )
    if meta.num_columns > limits.max_columns:
        raise InputError(
            f"has {meta.num_columns:,} columns, over the {limits.max_columns:,} limit "
            "(SOURCETRACE_MAX_INPUT_COLUMNS); nothing read",
            path=path,
        )
    unpacked = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    if unpacked > limits.max_bytes:
        raise InputError(
            f"unpacks to {_size(unpacked)}, over the {_size(limits.max_bytes)} limit "
            "(SOURCETRACE_MAX_INPUT_BYTES); nothing read",
            path=path,
        )
    return source


def check_columns(count: int, path: Path, limits: Limits) -> None:
    """Refuse a table with more columns than ``max_columns``."""
    if count > limits.max_columns:
        raise InputError(
            f"has {count:,} columns, over the {limits.max_columns:,} limit "
            "(SOURCETRACE_MAX_INPUT_COLUMNS)",
            path=path,
        )


def check_rows(done: int, path: Path, limits: Limits) -> None:
    """Refuse a table once more than ``max_rows`` data rows have been read."""
    if done > limits.max_rows:
        raise InputError(
            f"has more than {limits.max_rows:,} data rows (SOURCETRACE_MAX_INPUT_ROWS); "
            "split it, or raise the limit",
            path=path,
        )


def check_cells(
    frame: pl.DataFrame, path: Path, limits: Limits, rows: Sequence[int] | None = None
) -> None:
    """Refuse the first cell longer than ``max_cell_chars``, naming its row and column.

    ``rows`` gives each frame row's number in the file (default: 1, 2, ...).
    """
    check_columns(frame.width, path, limits)
    if frame.height == 0:
        return
    too_long = frame.select(
        (pl.col(c).cast(pl.String).str.len_chars() > limits.max_cell_chars).any().alias(c)
        for c in frame.columns
    ).row(0)
    for column, bad in zip(frame.columns, too_long, strict=True):
        if not bad:
            continue
        index = frame.select(
            pl.col(column).cast(pl.String).str.len_chars().gt(limits.max_cell_chars).arg_max()
        ).item()
        row = rows[index] if rows is not None else index + 1
        length = len(str(frame.get_column(column)[index]))
        raise InputError(
            f"a cell of {length:,} characters, over the {limits.max_cell_chars:,} limit "
            "(SOURCETRACE_MAX_CELL_CHARS)",
            path=path,
            row=row,
            column=column,
        )


def _size(n: int) -> str:
    for unit, shift in (("GiB", 30), ("MiB", 20), ("KiB", 10)):
        if n >= 1 << shift:
            return f"{n / (1 << shift):,.1f} {unit}"
    return f"{n} bytes"
