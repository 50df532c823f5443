"""Read an input table in chunks of rows, with the 1-based data row number of every row.

UTF-8 CSV/TSV stream through pyarrow's CSV reader (every column as text) and Parquet through its
row groups, so memory stays flat whatever the input size. Other inputs (XLSX, JSON lines, text in
UTF-16 or GB18030) are read whole, then cut into chunks.
"""

from __future__ import annotations

import codecs
import csv
import io
import queue
import threading
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from sourcetrace.engines.base import EngineOptions
from sourcetrace.errors import InputError
from sourcetrace.io.readers import input_format, read_table


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


def iter_chunks(path: Path, options: EngineOptions) -> Iterator[Chunk]:
    """Chunks of ``options.chunk_rows`` rows, in file order; bad rows raise or are skipped."""
    if not path.exists():
        raise InputError("file not found", path=path)
    fmt = input_format(path)
    if path.stat().st_size == 0:
        raise InputError("empty file: no header and no data rows", path=path)
    if fmt in ("csv", "tsv") and _streamable(path, options.encoding):
        yield from _csv_chunks(path, fmt, options)
    elif fmt == "parquet":
        yield from _parquet_chunks(path, options)
    else:
        frame = read_table(path, options.encoding)
        for start in range(0, frame.height, options.chunk_rows):
            part = frame.slice(start, options.chunk_rows)
            yield Chunk(part, range(start + 1, start + part.height + 1))


def read_columns(path: Path, encoding: str | None = None) -> list[str]:
    """The column names of an input, reading as little of it as the format allows."""
    if not path.exists():
        raise InputError("file not found", path=path)
    fmt = input_format(path)
    if path.stat().st_size == 0:
        raise InputError("empty file: no header and no data rows", path=path)
    if fmt in ("csv", "tsv") and _streamable(path, encoding):
        return _csv_header(path, fmt)[0]
    if fmt == "parquet":
        try:
            return list(pq.ParquetFile(path).schema_arrow.names)
        except (pa.ArrowInvalid, OSError) as exc:
            raise InputError(f"not a readable Parquet file ({type(exc).__name__})", path=path) from None
    return list(read_table(path, encoding).columns)


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
            _, delimiter = _csv_header(path, fmt)
            frame = pl.scan_csv(
                path, separator=delimiter, infer_schema=False, truncate_ragged_lines=True,
                encoding="utf8-lossy",
            ).select(pl.len()).collect()  # fmt: skip
            return int(frame.item())
    except Exception:  # noqa: BLE001 - a count for display; the run itself reports bad input
        return None
    return None


def _csv_header(path: Path, fmt: str) -> tuple[list[str], str]:
    first = _head(path).decode("utf-8", errors="replace").lstrip("\ufeff")
    line = first.splitlines()[0] if first else ""
    delimiter = "\t" if fmt == "tsv" or (line.count("\t") > line.count(",")) else ","
    header = next(csv.reader(io.StringIO(line), delimiter=delimiter), [])
    header = [h.strip() for h in header]
    if not header:
        raise InputError("empty file: no header", path=path)
    return header, delimiter


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


def _csv_chunks(path: Path, fmt: str, options: EngineOptions) -> Iterator[Chunk]:
    header, delimiter = _csv_header(path, fmt)
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
        yield from _read_csv(path, header, delimiter, on_invalid, bad, options)
    except pa.ArrowInvalid as exc:
        if failure:
            raise failure[0] from None
        raise InputError(f"malformed CSV: {str(exc).splitlines()[0]}", path=path) from None


def _read_csv(
    path: Path,
    header: list[str],
    delimiter: str,
    on_invalid: object,
    bad: list[int],
    options: EngineOptions,
) -> Iterator[Chunk]:
    reader = pacsv.open_csv(
        path,
        read_options=pacsv.ReadOptions(
            block_size=1 << 22, use_threads=False, column_names=header, skip_rows=1
        ),
        parse_options=pacsv.ParseOptions(
            delimiter=delimiter, newlines_in_values=True, invalid_row_handler=on_invalid
        ),
        convert_options=pacsv.ConvertOptions(
            column_types={h: pa.string() for h in header},
            include_columns=_needed(header, options),
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )
    buffer: list[pa.RecordBatch] = []
    buffered = 0
    done = 0  # data rows read or skipped before this chunk
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


def _needed(header: list[str], options: EngineOptions) -> list[str]:
    """The columns screening reads; the others are parsed for their shape but not kept."""
    wanted = {options.name_column, options.address_column, options.id_column}
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


def _parquet_chunks(path: Path, options: EngineOptions) -> Iterator[Chunk]:
    try:
        source = pq.ParquetFile(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError(f"not a readable Parquet file ({type(exc).__name__})", path=path) from None
    done = 0
    names = set(source.schema_arrow.names)
    wanted = [c for c in (options.name_column, options.address_column, options.id_column) if c]
    columns = [c for c in wanted if c in names] or None
    for batch in source.iter_batches(batch_size=options.chunk_rows, columns=columns):
        frame = pl.from_arrow(batch)
        assert isinstance(frame, pl.DataFrame)
        frame = frame.select(pl.all().cast(pl.String).fill_null(""))
        yield Chunk(frame, range(done + 1, done + frame.height + 1))
        done += frame.height
    if done == 0:
        raise InputError("no data rows", path=path)
