"""Read an input table in chunks of rows, with the 1-based data row number of every row.

UTF-8 CSV/TSV stream through pyarrow's CSV reader (every column as text) and Parquet through its
row groups, so memory stays flat whatever the input size. Other inputs (XLSX, JSON lines, text in
UTF-16 or GB18030) are read whole, then cut into chunks. The delimiter, the header row and the
limits are those of :mod:`sourcetrace.io.readers`, so a file streams as it would be read whole.
"""

from __future__ import annotations

import codecs
import csv
import itertools
import queue
import threading
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from sourcetrace.engines.base import BulkJob
from sourcetrace.errors import InputError
from sourcetrace.io.header import SAMPLE_ROWS
from sourcetrace.io.limits import check_cells, check_columns, check_parquet, check_rows, check_size
from sourcetrace.io.options import Limits, ReadOptions
from sourcetrace.io.readers import (
    check_options,
    header_index,
    input_format,
    read_input,
    text_layout,
)


@dataclass(slots=True)
class Chunk:
    frame: pl.DataFrame
    rows: Sequence[int]  # the 1-based data row number of each row (a range when none skipped)
    skipped: list[int] = field(default_factory=list)


def prefetch(chunks: Iterator[Chunk]) -> Generator[Chunk, None, None]:
    """Read the next chunk in a thread while the caller screens this one.

    The readers (pyarrow, polars) release the GIL, so reading overlaps the matching. An error
    of the reader is raised here, at the chunk where it happened; closing the generator early
    stops the thread.
    """
    slot: queue.Queue[tuple[str, object]] = queue.Queue(maxsize=1)
    stop = threading.Event()

    def put(item: tuple[str, object]) -> bool:
        while not stop.is_set():
            try:
                slot.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def read() -> None:
        try:
            for chunk in chunks:
                if not put(("chunk", chunk)):
                    return
            put(("end", None))
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer, raised there
            put(("error", exc))

    thread = threading.Thread(target=read, name="sourcetrace-reader", daemon=True)
    thread.start()
    try:
        while True:
            kind, value = slot.get()
            if kind == "end":
                return
            if kind == "error":
                assert isinstance(value, BaseException)
                raise value
            assert isinstance(value, Chunk)
            yield value
    finally:
        stop.set()
        thread.join()


def reading(options: BulkJob) -> ReadOptions:
    """The reading options of a bulk run: the run's own, or its encoding with the set limits."""
    if options.read is not None:
        return options.read
    return ReadOptions(encoding=options.encoding, limits=Limits.from_settings(options.settings))


def iter_chunks(path: Path, options: BulkJob) -> Iterator[Chunk]:
    """Chunks of ``options.chunk_rows`` rows, in file order; bad rows raise or are skipped."""
    if not path.exists():
        raise InputError("file not found", path=path)
    read = reading(options)
    fmt = input_format(path)
    check_options(path, fmt, read)
    if path.stat().st_size == 0:
        raise InputError("empty file: no header and no data rows", path=path)
    if fmt in ("csv", "tsv") and _streamable(path, read.encoding):
        yield from _csv_chunks(path, fmt, options, read)
    elif fmt == "parquet":
        yield from _parquet_chunks(path, options, read.limits)
    else:
        table = read_input(path, read)
        for start in range(0, table.frame.height, options.chunk_rows):
            part = table.frame.slice(start, options.chunk_rows)
            yield Chunk(part, table.rows[start : start + part.height])


def read_columns(path: Path, encoding: str | None = None) -> list[str]:
    """The column names of an input, reading as little of it as the format allows."""
    return read_header(path, ReadOptions(encoding=encoding))[0]


def read_header(path: Path, options: ReadOptions) -> tuple[list[str], list[str]]:
    """The column names of an input and, for a workbook, its sheet names (for errors)."""
    if not path.exists():
        raise InputError("file not found", path=path)
    fmt = input_format(path)
    check_options(path, fmt, options)
    if path.stat().st_size == 0:
        raise InputError("empty file: no header and no data rows", path=path)
    if fmt in ("csv", "tsv") and _streamable(path, options.encoding):
        header = _csv_header(path, fmt, options).names
        check_columns(len(header), path, options.limits)
        return header, []
    if fmt == "parquet":
        return list(check_parquet(path, options.limits).schema_arrow.names), []
    table = read_input(path, options)
    return list(table.frame.columns), table.sheets


def count_rows(path: Path, encoding: str | None = None) -> int | None:
    """The number of data rows, where the format tells it cheaply; None when it does not.

    For a progress display only: Parquet from its footer, UTF-8 CSV/TSV by a scan that only
    counts records (quoted line breaks included); other inputs, or a file that fails, None.
    """
    try:
        fmt = input_format(path)
        if fmt == "parquet":
            return int(pq.ParquetFile(path).metadata.num_rows)
        if fmt in ("csv", "tsv") and _streamable(path, encoding):
            header = _csv_header(path, fmt, ReadOptions(encoding=encoding))
            frame = pl.scan_csv(
                path, separator=header.delimiter, infer_schema=False, truncate_ragged_lines=True,
                encoding="utf8-lossy", skip_rows=header.at,
            ).select(pl.len()).collect()  # fmt: skip
            return int(frame.item())
    except Exception:  # noqa: BLE001 - a count for display; the run itself reports bad input
        return None
    return None


@dataclass(slots=True)
class _Header:
    names: list[str]
    delimiter: str
    at: int  # the header's record index (0-based, blank lines counted): rows before it skipped


def _csv_header(path: Path, fmt: str, options: ReadOptions) -> _Header:
    head = _head(path).decode("utf-8", errors="replace").lstrip("\ufeff")
    delimiter = text_layout(head, fmt)
    lines = head.splitlines()
    if len(head) >= 65536 and len(lines) > 1:
        lines = lines[:-1]  # the sample ends mid-line
    wanted = max(SAMPLE_ROWS, options.header_row or 0)
    try:
        top = list(itertools.islice(csv.reader(lines, delimiter=delimiter), wanted))
    except csv.Error as exc:
        raise InputError(f"malformed header: {exc}", path=path) from None
    at = header_index(top, path, options)
    header = [h.strip() for h in top[at]]
    if not header:
        raise InputError("empty file: no header", path=path)
    if at > 0 and options.header_row is None:
        options.note(
            f"column names read from line {at + 1}, below a title block;"
            " give --header-row to choose another line"
        )
    return _Header(header, delimiter, at)


def _streamable(path: Path, encoding: str | None) -> bool:
    if encoding and codecs.lookup(encoding).name not in ("utf-8", "utf-8-sig"):
        return False
    head = path.read_bytes()[:65536] if path.stat().st_size < 65536 else _head(path)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start > len(head) - 4  # a character cut at the end of the sample
    return True


def _head(path: Path) -> bytes:
    with path.open("rb") as fh:
        return fh.read(65536)


def _csv_chunks(
    path: Path, fmt: str, options: BulkJob, read: ReadOptions
) -> Iterator[Chunk]:
    check_size(path, read.limits)
    header = _csv_header(path, fmt, replace(read, notice=None))  # noted once, by read_header
    check_columns(len(header.names), path, read.limits)
    bad: list[int] = []
    failure: list[InputError] = []

    def on_invalid(row: pacsv.InvalidRow) -> str:
        number = (row.number - 1) if row.number is not None else -1
        if not options.skip_bad_rows:
            failure.append(
                InputError(
                    f"has {row.actual_columns} fields but the header has {row.expected_columns}",
                    path=path,
                    row=number,
                )
            )
            return "error"
        bad.append(number)
        return "skip"

    try:
        for chunk in _read_csv(path, header, on_invalid, bad, options):
            check_rows(chunk.rows[-1] - header.at, path, read.limits)
            check_cells(chunk.frame, path, read.limits, chunk.rows)
            yield chunk
    except pa.ArrowInvalid as exc:
        if failure:
            raise failure[0] from None
        raise InputError(f"malformed CSV: {str(exc).splitlines()[0]}", path=path) from None


def _read_csv(
    path: Path,
    header: _Header,
    on_invalid: object,
    bad: list[int],
    options: BulkJob,
) -> Iterator[Chunk]:
    names = header.names
    reader = pacsv.open_csv(
        path,
        read_options=pacsv.ReadOptions(
            block_size=1 << 22, use_threads=False, column_names=names, skip_rows=header.at + 1
        ),
        parse_options=pacsv.ParseOptions(
            delimiter=header.delimiter, newlines_in_values=True, invalid_row_handler=on_invalid
        ),
        convert_options=pacsv.ConvertOptions(
            column_types={h: pa.string() for h in names},
            include_columns=_needed(names, options),
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )
    buffer: list[pa.RecordBatch] = []
    buffered = 0
    done = header.at  # the row before the chunk's first: rows count on from the header's index
    emitted = False
    for batch in reader:
        buffer.append(batch)
        buffered += batch.num_rows
        while buffered >= options.chunk_rows:
            table = pa.Table.from_batches(buffer)
            head, rest = table.slice(0, options.chunk_rows), table.slice(options.chunk_rows)
            chunk, done = _numbered(head, done, bad)
            yield chunk
            emitted = True
            buffer = rest.to_batches()
            buffered = rest.num_rows
    if buffered or not emitted:
        table = pa.Table.from_batches(buffer, schema=reader.schema)
        if table.num_rows == 0 and not emitted:
            raise InputError("no data rows (only a header)", path=path)
        if table.num_rows:
            chunk, done = _numbered(table, done, bad)
            yield chunk



def _needed(header: list[str], options: BulkJob) -> list[str]:
    """The columns screening reads; the others are parsed for their shape but not kept."""
    wanted = set(options.key_columns())
    return [h for h in header if h in wanted] or header


def _numbered(table: pa.Table, done: int, bad: list[int]) -> tuple[Chunk, int]:
    """Give each kept row its data row number, counting the skipped rows before it."""
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    if not bad:
        return Chunk(frame, range(done + 1, done + frame.height + 1)), done + frame.height
    skipped = sorted(b for b in bad if b > done)
    rows: list[int] = []
    number = done
    it = iter(skipped)
    nxt = next(it, None)
    for _ in range(frame.height):
        number += 1
        while nxt is not None and nxt == number:
            number += 1
            nxt = next(it, None)
        rows.append(number)
    used = [b for b in skipped if b <= number]
    for b in used:
        bad.remove(b)
    return Chunk(frame, rows, used), number


def _parquet_chunks(path: Path, options: BulkJob, limits: Limits) -> Iterator[Chunk]:
    source = check_parquet(path, limits)
    done = 0
    names = set(source.schema_arrow.names)
    wanted = [c for c in options.key_columns() if c]
    columns = [c for c in wanted if c in names] or None
    for batch in source.iter_batches(batch_size=options.chunk_rows, columns=columns):
        frame = pl.from_arrow(batch)
        assert isinstance(frame, pl.DataFrame)
        frame = frame.select(pl.all().cast(pl.String).fill_null(""))
        rows = range(done + 1, done + frame.height + 1)
        check_cells(frame, path, limits, rows)
        yield Chunk(frame, rows)
        done += frame.height
    if done == 0:
        raise InputError("no data rows", path=path)
