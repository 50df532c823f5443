"""Write results atomically (temporary file, then rename) as CSV, JSON lines, XLSX or Parquet.

A failed or interrupted write leaves no partial file: the temporary file is removed, and the
destination is either the complete new file or untouched.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import polars as pl

from sourcetrace.errors import OutputError

OUTPUT_FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".xlsx": "xlsx", ".parquet": "parquet"}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def output_format(path: Path) -> str:
    fmt = OUTPUT_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise OutputError(
            f"unknown output type {path.suffix or '(none)'!r}; use .csv, .jsonl, .xlsx or .parquet",
            path=path,
        )
    return fmt


def defuse_formulas(frame: pl.DataFrame) -> pl.DataFrame:
    """Spreadsheet safety: a text cell never starts a formula (prefix such cells with ')."""
    exprs = []
    for name, dtype in frame.schema.items():
        if dtype == pl.String:
            col = pl.col(name)
            exprs.append(
                pl.when(col.str.starts_with("=") | col.str.starts_with("+") | col.str.starts_with("-") | col.str.starts_with("@") | col.str.starts_with("\t") | col.str.starts_with("\r"))
                .then(pl.lit("'") + col)
                .otherwise(col)
                .alias(name)
            )
    return frame.with_columns(exprs) if exprs else frame


def _umask() -> int:
    mask = os.umask(0o022)  # reading the mask means setting it: done once, at import
    os.umask(mask)
    return mask


_UMASK = _umask()


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it into place only on success."""
    directory = path.resolve().parent
    if not directory.is_dir():
        raise OutputError("output folder does not exist", path=path)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=directory)
    # mkstemp makes the file private (0600); the output gets the mode a plain open() would give.
    os.fchmod(fd, 0o666 & ~_UMASK)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_table(frame: pl.DataFrame, path: Path) -> None:
    """Write one table atomically in the format the suffix names."""
    fmt = output_format(path)
    try:
        with atomic_path(path) as tmp:
            write_as(frame, tmp, fmt)
    except OSError as exc:
        raise OutputError(f"cannot write: {exc.strerror or exc}", path=path) from None


def write_as(frame: pl.DataFrame, path: Path, fmt: str) -> None:
    """Write one table to ``path`` in ``fmt`` (:func:`output_format`), not atomically: for a
    caller that writes several files under :func:`atomic_path` and renames them together."""
    if fmt == "csv":
        defuse_formulas(frame).write_csv(path, include_bom=True)
    elif fmt == "jsonl":
        frame.write_ndjson(path)
    elif fmt == "xlsx":
        defuse_formulas(frame).write_excel(path, autofit=False)
    else:  # zstd at level 1: a 5 % larger file than the default level, written 20 % faster
        frame.write_parquet(path, compression="zstd", compression_level=1)
