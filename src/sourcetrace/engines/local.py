"""The local bulk engine: stream the input in chunks, screen each distinct row once, in processes.

Memory does not grow with the input: a chunk is read, its distinct (name, identifier, address,
country) not seen before are screened by the row function (in ``workers`` processes that inherit
it, and its matcher, by fork; each remembers the names it matched), its rows are joined to the
results and written as one part file. Parts live in a work folder beside the output
(``.<output>.parts/``) and are assembled into the output, in input order, at the end; the output
appears only then, by rename. An interrupted run leaves no output file; ``resume=True`` reuses the
finished parts of the same input, lists and settings, so the result equals an uninterrupted run.
Workers end with their run: a run killed with ``kill -9`` leaves none behind.
"""

from __future__ import annotations

import ctypes
import gc
import json
import multiprocessing
import os
import shutil
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import ExitStack, closing, contextmanager
from functools import partial
from pathlib import Path
from typing import NamedTuple

import polars as pl

from sourcetrace.engines.base import (
    KEY_FIELDS,
    RESULT_FIELDS,
    BulkJob,
    BulkSummary,
    RowScreener,
    result_columns,
    result_fields,
)
from sourcetrace.engines.chunks import iter_chunks, prefetch
from sourcetrace.errors import SourcetraceError
from sourcetrace.io.writers import atomic_path, defuse_formulas, output_format
from sourcetrace.matching.matcher import Matcher
from sourcetrace.matching.score import ALGORITHM

# Set in the parent before the pool forks; workers read it without pickling the index.
_SCREENER: RowScreener | None = None

# The base frame's column for each of KEY_FIELDS ("name" is also the output's name column).
_KEY_COLUMNS: dict[str, str] = {
    "name": "name", "identifier": "_identifier", "address": "_address", "country": "_country",
}


def _use(screener: RowScreener) -> None:
    """Make ``screener`` the row function _screen_batch uses (before the workers fork)."""
    global _SCREENER
    _SCREENER = screener


def _screen_batch(rows: list[tuple[str, str, str, str]]) -> list[tuple[object, ...]]:
    """Screen distinct (name, identifier, address, country) tuples (in a worker or the parent)."""
    screener = _SCREENER
    assert screener is not None
    out = [result_fields(result) for result in screener.screen_many(rows)]
    if _IN_WORKER:
        # What the batch left alive is the matcher's and the row function's memory (names and
        # trade names already met, parsed words): long-lived, so set aside as the index was
        # before the fork. Else each full collection walks all of it again: 7-10 % of a
        # worker's time on the bulk benchmark, to find next to no garbage (5 objects in 22,000
        # names); the batch's own short-lived cycles are still collected.
        gc.freeze()
    return out


# True in the engine's worker processes (set by _worker_start).
_IN_WORKER = False
# A worker's youngest-generation threshold: fewer collections while a batch builds its many
# small objects (700 by default; the index and caches are frozen, so each pass is short anyway).
_WORKER_GC_YOUNG = 20_000


def _worker_start(parent: int) -> None:
    """Set a worker up: it ends with the run that forked it (a killed run leaves no workers
    behind), and collects garbage less often (see :func:`_screen_batch`).

    On Linux the kernel sends the worker SIGKILL when its parent dies (``PR_SET_PDEATHSIG``);
    elsewhere, or should that fail, a thread notices the parent is gone within a second.
    """
    global _IN_WORKER
    _die_with_parent()
    if os.getppid() != parent:  # the parent died before the line above took effect
        os._exit(1)
    _IN_WORKER = True
    gc.set_threshold(_WORKER_GC_YOUNG, 20, 10)
    threading.Thread(target=_watch_parent, args=(parent,), name="sourcetrace-parent",
                     daemon=True).start()  # fmt: skip


def _die_with_parent() -> bool:
    """Ask Linux to SIGKILL this process when its parent ends; False where it cannot."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return int(libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False


_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def _watch_parent(parent: int, every: float = 1.0) -> None:
    while True:
        time.sleep(every)
        if os.getppid() != parent:  # re-parented: the run that forked this worker is gone
            os._exit(1)


@contextmanager
def worker_pool(workers: int) -> Iterator[ProcessPoolExecutor | None]:
    """The engine's worker processes, forked on entry and ended on exit; None for one worker.

    Bulk screening and the trace's party screening both run in these (one pool per run, never
    two at once): what the parent set before entering (the row function, the matcher and its
    index) is inherited by fork, never pickled. Workers end with their run (:func:`_worker_start`).
    """
    # Forked workers share the index pages; frozen objects are left alone by the collector,
    # so its passes do not touch (and copy) every shared page. (No full collection first: it
    # would walk the whole index, a quarter of a second, to find next to no garbage.)
    gc.freeze()
    pool = None
    try:
        if workers > 1:
            pool = ProcessPoolExecutor(
                workers, mp_context=multiprocessing.get_context("fork"),
                initializer=_worker_start, initargs=(os.getpid(),),
            )  # fmt: skip
            pool.submit(int).result()  # fork every worker now, before any reader thread starts
        yield pool
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
        gc.unfreeze()


# Fewer new rows than this in a chunk are screened in the parent: a round trip costs more.
_IN_PARENT = 64


def submit_rows(
    rows: list[tuple[str, str, str, str]],
    screener: RowScreener,
    pool: ProcessPoolExecutor | None,
    workers: int = 1,
    on_batch: Callable[[int], None] | None = None,
) -> Callable[[], list[tuple[object, ...]]]:
    """Start screening distinct key tuples; the returned function waits for the results, in order.

    In the pool, the tuples are cut into a few batches per worker, so that every worker stays
    busy to the end of the chunk and none waits on a long last batch; the parent is free
    meanwhile. The tuples come grouped (:func:`_grouped`): the rows of one name, and the names
    sharing their rarest word, mostly share a batch, and the worker's row function matches that
    name once. ``on_batch(n)`` is called (from the pool's thread) as each batch of ``n`` tuples
    is screened.
    """
    if pool is None or len(rows) < _IN_PARENT:
        _use(screener)
        results = _screen_batch(rows)
        return lambda: results
    size = max(16, -(-len(rows) // (workers * 4)))
    futures = [pool.submit(_screen_batch, rows[i : i + size]) for i in range(0, len(rows), size)]
    if on_batch is not None:
        for future, start in zip(futures, range(0, len(rows), size), strict=True):
            future.add_done_callback(partial(_told, on_batch, min(size, len(rows) - start)))
    return lambda: [result for future in futures for result in future.result()]


def _told(
    on_batch: Callable[[int], None], tuples: int, future: Future[list[tuple[object, ...]]]
) -> None:
    # A batch cancelled (Ctrl-C, an error elsewhere) or failed is not progress; its error is
    # raised where the results are collected.
    if not future.cancelled() and future.exception() is None:
        on_batch(tuples)


_RESULT_SCHEMA: dict[str, type[pl.DataType]] = {
    c: pl.Float64 if c == "score" else pl.String for c in RESULT_FIELDS
}


class ResultTable:
    """Every distinct key tuple screened so far with its result, as one polars table.

    The key is what the row function reads, (name, identifier, address, country), of which
    ``keys`` are the base frame's columns the input has (the others are empty for every row).
    A chunk finds its new tuples and joins its rows to the results in polars: the only Python
    work per chunk is for tuples never seen before. Rows are joined on a 64-bit hash of the key
    (several times quicker than on the text); the joined key is then compared with the row's, so
    a hash collision can never attach another row's result: that chunk is joined on the text.
    """

    def __init__(self, keys: list[str]) -> None:
        self.keys = keys
        schema = {k: pl.String for k in keys} | _RESULT_SCHEMA
        self.frame = pl.DataFrame(schema=schema).with_columns(_hash(keys))

    def missing(
        self, rows: pl.DataFrame, exact: bool = False, pending: pl.Series | None = None
    ) -> list[tuple[str, str, str, str]]:
        """The key tuples of ``rows`` not screened yet, each once (``exact``: compared as text),
        as the row function's four arguments, grouped (:func:`_grouped`); ``pending``: hashes of tuples
        being screened (sent, not yet in the table), left out too."""
        return self.tuples(self.missing_frame(rows, exact, pending))

    def missing_frame(
        self, rows: pl.DataFrame, exact: bool = False, pending: pl.Series | None = None
    ) -> pl.DataFrame:
        """:meth:`missing` as the key columns (with ``_h`` unless ``exact``)."""
        if exact:
            new = rows.select(self.keys).unique().join(
                self.frame.select(self.keys), on=self.keys, how="anti"
            )
        else:
            new = rows.select("_h", *self.keys).unique("_h").join(
                self.frame.select("_h"), on="_h", how="anti"
            )
            if pending is not None and len(pending):
                new = new.join(pending.to_frame("_h"), on="_h", how="anti")
        return _grouped(new)

    def tuples(self, new: pl.DataFrame) -> list[tuple[str, str, str, str]]:
        """Key columns as the row function's four arguments (absent ones empty)."""
        full = [
            pl.col(_KEY_COLUMNS[f]) if _KEY_COLUMNS[f] in self.keys else pl.lit("").alias(f)
            for f in KEY_FIELDS
        ]
        return new.select(full).rows()

    def add(self, rows: list[tuple[str, str, str, str]], results: list[tuple[object, ...]]) -> None:
        keys = list(zip(*rows, strict=True)) if rows else [()] * len(KEY_FIELDS)
        values = list(zip(*results, strict=True)) if results else [()] * len(RESULT_FIELDS)
        data = {_KEY_COLUMNS[f]: v for f, v in zip(KEY_FIELDS, keys, strict=True)}
        data = {k: data[k] for k in self.keys} | dict(zip(RESULT_FIELDS, values, strict=True))
        schema = {k: pl.String for k in self.keys} | _RESULT_SCHEMA
        added = pl.DataFrame(data, schema=schema).with_columns(_hash(self.keys))
        self.frame = pl.concat([self.frame, added])

    def join(self, rows: pl.DataFrame, exact: bool = False) -> pl.DataFrame | None:
        """``rows`` with the result of their key, in their order; None on a hash collision."""
        if exact:
            return rows.join(self.frame.drop("_h"), on=self.keys, how="left",
                             maintain_order="left")  # fmt: skip
        results = self.frame.rename({k: f"_k{k}" for k in self.keys})
        joined = rows.join(results, on="_h", how="left", maintain_order="left")
        differs = pl.any_horizontal([pl.col(k) != pl.col(f"_k{k}") for k in self.keys])
        if joined.select(differs.any()).item():
            return None
        return joined.drop([f"_k{k}" for k in self.keys])


def _grouped(new: pl.DataFrame) -> pl.DataFrame:
    """The new key tuples of a chunk in the order they are sent to the workers: by the rarest
    word of the name in the chunk (letters only, case aside), then by name.

    A worker remembers what it computed per trade name, per listed name met and per pair of
    names (the trade-key candidates, the abbreviation clues, the pair model's scores). Names
    sharing their rarest word are mostly spellings of one company, or companies of one trade
    name, and meet the same listed names: sent in one batch, they are matched by one worker,
    which computes those once instead of each worker computing them again (sent in the
    chunk's hash order, as before, each worker met most trade names of the chunk). The order
    changes no result (each is a function of its key tuple alone) nor the output's order (the
    rows are joined to their results); the names of one tuple stay together, so the rows of
    one name mostly share a batch."""
    if new.height < 2:
        return new
    words = (
        new.select(
            pl.int_range(pl.len(), dtype=pl.UInt32).alias("_i"),
            pl.col("name").str.to_lowercase().str.extract_all(r"[^\W\d_]+").alias("_w"),
        )
        .explode("_w")
        .drop_nulls("_w")
    )
    counts = words.group_by("_w").len("_n")
    rarest = (
        words.join(counts, on="_w")
        .sort(["_i", "_n", "_w"])
        .unique("_i", keep="first", maintain_order=True)
        .select("_i", pl.col("_w").alias("_g"))
    )
    return (
        new.with_columns(pl.int_range(pl.len(), dtype=pl.UInt32).alias("_i"))
        .join(rarest, on="_i", how="left")
        .sort(["_g", "name", "_i"], nulls_last=True)
        .drop("_i", "_g")
    )


def _hash(columns: Sequence[str]) -> pl.Expr:
    if len(columns) == 1:
        return pl.col(columns[0]).hash(seed=0).alias("_h")
    return pl.struct(list(columns)).hash(seed=0).alias("_h")


def _fingerprint(job: BulkJob, input: Path) -> dict[str, object]:
    stat = input.stat()
    # Only when chosen, so that the stamps of runs made without them stay valid.
    layout: dict[str, object] = {}
    if job.read is not None and job.read.sheet is not None:
        layout["sheet"] = job.read.sheet
    if job.read is not None and job.read.header_row is not None:
        layout["header_row"] = job.read.header_row
    return {
        **layout,
        "input": str(input.resolve()),
        "size": stat.st_size,
        "mtime_ns": stat.st_mtime_ns,
        "chunk_rows": job.chunk_rows,
        "columns": list(job.key_columns()),
        "lists": job.lists_key,
        "algorithm": ALGORITHM,
        "thresholds": [job.settings.match_threshold, job.settings.review_threshold],
        "skip_bad_rows": job.skip_bad_rows,
    }


class LocalEngine:
    """Screens on this machine: the input streamed in chunks, the distinct rows in processes."""

    name = "local"

    def run(self, job: BulkJob, progress: Callable[[int], None] | None = None) -> BulkSummary:
        """Screen ``job.input`` into ``job.output`` (CSV, JSON lines, Parquet or XLSX)."""
        matcher = Matcher.cached(job.entities, job.settings, job.lists_key)
        if job.workers > 1:
            matcher.warm()  # before the fork: built once, shared by the workers
        return run_local(Path(job.input), Path(job.output), job.screener(matcher), job, progress)


def run_local(
    input: Path,
    output: Path,
    screener: RowScreener,
    job: BulkJob,
    progress: Callable[[int], None] | None = None,
) -> BulkSummary:
    """Screen ``input`` into ``output`` chunk by chunk with the row function ``screener``."""
    fmt = output_format(output)
    work = output.resolve().parent / f".{output.name}.parts"
    fingerprint = _fingerprint(job, input)
    stamp = work / "run.json"
    if job.resume and stamp.exists() and json.loads(stamp.read_text()) == fingerprint:
        pass  # keep the finished parts
    else:
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        stamp.write_text(json.dumps(fingerprint))

    _use(screener)  # before the fork: the workers inherit it, with nothing remembered yet
    workers = max(1, job.workers)
    started_pool = ExitStack()
    pool = started_pool.enter_context(worker_pool(workers))
    keys = [_KEY_COLUMNS[f] for f, c in zip(KEY_FIELDS, job.key_columns(), strict=True) if c]
    known = ResultTable(keys)
    summary = BulkSummary()
    # A chunk's new rows are sent to the workers before the chunk before it is done: they queue
    # behind its last batches, so a worker that finishes early moves on instead of waiting for
    # the slowest batch of the chunk and the parent's turn between chunks (tuples still being
    # screened for that chunk are not sent again). The parent then joins and writes the chunk
    # before while the workers match: its polars work and their matching overlap.
    waiting: tuple[int, Path, Started, list[int]] | None = None

    # Rows reported while a chunk's names were being matched, by chunk: a chunk of 200,000 rows
    # takes tens of seconds, and a progress display should move during it, not after it.
    credited: dict[int, int] = {}

    def count(frame: pl.DataFrame, skipped: list[int], index: int = -1) -> None:
        summary.add(frame, skipped)
        if progress is not None:
            progress(frame.height - credited.pop(index, 0))

    def on_batch(index: int, rows: int, names: int) -> Callable[[int], None] | None:
        if progress is None or not names:
            return None

        def matched(n: int) -> None:  # the rows of the chunk in proportion to its names
            share = rows * n // names
            credited[index] = credited.get(index, 0) + share
            progress(share)

        return matched

    def finish() -> None:
        """Wait for the waiting chunk's results, then join and write it."""
        nonlocal waiting
        if waiting is not None:
            index, part, started, skipped = waiting
            known.add(started.keys, started.results())
            frame = _screen_chunk(started, screener, pool, known, workers)
            tmp = part.with_suffix(".tmp")
            frame.write_ipc(tmp, compression="lz4")
            os.replace(tmp, part)
            count(frame, skipped, index)
            waiting = None

    try:
        with closing(prefetch(iter_chunks(input, job))) as chunks:
            for index, chunk in enumerate(chunks):
                part = work / f"{index:06d}.arrow"
                if part.exists():  # finished before an interruption (resume)
                    finish()
                    count(pl.read_ipc(part), chunk.skipped)
                    continue
                pending = waiting[2].hashes if waiting is not None else None
                started = _start_chunk(chunk.frame, chunk.rows, screener, pool, known, job,
                                       workers, partial(on_batch, index), pending)  # fmt: skip
                finish()
                waiting = (index, part, started, chunk.skipped)
            finish()
        _assemble(work, output, fmt)
    except SourcetraceError:
        shutil.rmtree(work, ignore_errors=True)
        raise
    finally:
        started_pool.close()
    shutil.rmtree(work, ignore_errors=True)
    summary.distinct_names = known.frame.height
    return summary


class Started(NamedTuple):
    """A chunk whose new key tuples are being screened."""

    base: pl.DataFrame  # row, name, the other key columns the input has, _h
    keys: list[tuple[str, str, str, str]]  # the tuples not screened before, sent to the workers
    results: Callable[[], list[tuple[object, ...]]]  # waits for their results
    hashes: pl.Series  # the keys' hashes (ResultTable's _h)


def _start_chunk(
    frame: pl.DataFrame,
    rows: Sequence[int],
    screener: RowScreener,
    pool: ProcessPoolExecutor | None,
    known: ResultTable,
    job: BulkJob,
    workers: int = 1,
    reporter: Callable[[int, int], Callable[[int], None] | None] | None = None,
    pending: pl.Series | None = None,
) -> Started:
    """Find a chunk's key tuples not screened before nor being screened (``pending``: their
    hashes) and start screening them.

    ``reporter(rows, new_tuples)`` gives the callback told of each batch of tuples screened.
    """
    present = [(f, c) for f, c in zip(KEY_FIELDS, job.key_columns(), strict=True) if c]
    base = frame.select(
        pl.Series("row", rows, dtype=pl.Int64),
        *(pl.col(c).fill_null("").alias(_KEY_COLUMNS[f]) for f, c in present),
    ).with_columns(_hash(known.keys))
    missing = known.missing_frame(base, pending=pending)
    new = known.tuples(missing)
    on_batch = reporter(base.height, len(new)) if reporter is not None else None
    return Started(base, new, submit_rows(new, screener, pool, workers, on_batch),
                   missing.get_column("_h"))  # fmt: skip


def _screen_chunk(
    started: Started,
    screener: RowScreener,
    pool: ProcessPoolExecutor | None,
    known: ResultTable,
    workers: int = 1,
) -> pl.DataFrame:
    """A started chunk's rows with their results (its tuples are in ``known`` by now): Python
    work per *distinct* tuple only, row-wise work in polars."""
    base = started.base
    joined = known.join(base)
    if joined is None:  # two keys share a hash (never, in practice): join on the text
        new = known.missing(base, exact=True)
        if new:
            known.add(new, submit_rows(new, screener, pool, workers)())
        joined = known.join(base, exact=True)
    assert joined is not None
    return joined.select(result_columns())


def _assemble(work: Path, output: Path, fmt: str) -> None:
    """Concatenate the parts, in order, into the output; it appears only when complete."""
    parts = sorted(work.glob("*.arrow"))
    with atomic_path(output) as tmp:
        if not parts:
            pl.DataFrame(schema=dict(_empty_schema())).write_csv(tmp)
            return
        lazy = pl.scan_ipc(parts)
        if fmt == "csv":
            with open(tmp, "wb") as fh:
                fh.write(b"\xef\xbb\xbf")
                for i, part in enumerate(parts):
                    defuse_formulas(pl.read_ipc(part)).write_csv(
                        fh, include_header=(i == 0)
                    )
        elif fmt == "jsonl":
            with open(tmp, "wb") as fh:
                for p in parts:
                    pl.read_ipc(p).write_ndjson(fh)
        elif fmt == "parquet":
            lazy.sink_parquet(tmp)
        else:
            defuse_formulas(lazy.collect()).write_excel(tmp, autofit=False)


def _empty_schema() -> dict[str, pl.DataType]:
    return {c: pl.String() for c in result_columns()}
