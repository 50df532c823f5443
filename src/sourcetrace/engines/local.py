"""The local bulk engine: stream the input in chunks, match each distinct name once, in processes.

Memory does not grow with the input: a chunk is read, its distinct names that have not been seen
before are matched (in ``workers`` processes that inherit the matcher by fork), its rows are joined
to the results and written as one part file. Parts live in a work folder beside the output
(``.<output>.parts/``) and are assembled into the output, in input order, at the end; the output
appears only then, by rename. An interrupted run leaves no output file; ``resume=True`` reuses the
finished parts of the same input, lists and settings, so the result equals an uninterrupted run.
"""

from __future__ import annotations

import gc
import json
import multiprocessing
import os
import shutil
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import closing
from pathlib import Path
from typing import NamedTuple

import polars as pl

from sourcetrace.engines.base import BulkSummary, EngineOptions, result_columns
from sourcetrace.engines.chunks import iter_chunks, prefetch
from sourcetrace.errors import SourcetraceError
from sourcetrace.io.writers import atomic_path, defuse_formulas, output_format
from sourcetrace.matching.score import ALGORITHM, Matcher
from sourcetrace.model import NO_HIT_REASON, Decision, Hit, Record
from sourcetrace.names.text import fold
from sourcetrace.screening import best_hit
from sourcetrace.signals import name_signals, signals_for

# Set in the parent before the pool forks; workers read it without pickling the index.
_MATCHER: Matcher | None = None


class MatchRow(NamedTuple):
    """What the output needs of one distinct name's best hit (a tuple: cheap to send back)."""

    decision: str
    score: float
    entity_id: str
    entity_name: str
    matched_name: str
    lists: str
    reasons: str
    signals: str = ""  # from the name alone; address and identifier signals are added per row


def name_key(name: str) -> str:
    """Names that differ only in case, width, script variant or spacing are screened once."""
    return " ".join(fold(name).split())


def _row(hits: list[Hit], signals: str) -> MatchRow:
    best = best_hit(hits)
    if best is None:
        return MatchRow("clear", 0.0, "", "", "", "", NO_HIT_REASON, signals)
    return MatchRow(
        best.decision.value, round(best.score, 4), best.entity.id, best.entity.caption,
        best.matched_name, best.entity.lists_label(), "; ".join(best.reasons), signals,
    )


def _match_batch(names: list[str]) -> list[MatchRow]:
    """Match raw names (in a worker): each folded key once, whatever spellings share it."""
    assert _MATCHER is not None
    keys = [name_key(raw) for raw in names]
    # The names not seen before are matched together: their string retrieval is one product.
    new = list(dict.fromkeys(k for k in keys if k not in _BY_KEY))
    found: dict[str, MatchRow] = {}
    for key, hits in zip(new, _MATCHER.match_many(new), strict=True):
        found[key] = _row(hits, "; ".join(name_signals(key)))
        if len(_BY_KEY) < 1_000_000:
            _BY_KEY[key] = found[key]
    return [found[k] if k in found else _BY_KEY[k] for k in keys]


# Per process and matcher: folded key -> result, so "ACME CO" and "Acme Co" are matched once.
_BY_KEY: dict[str, MatchRow] = {}


def _use(matcher: Matcher) -> None:
    """Make ``matcher`` the one _match_batch uses; results of another matcher are forgotten."""
    global _MATCHER
    if _MATCHER is not matcher:
        _BY_KEY.clear()
        _MATCHER = matcher
# Fewer new names than this in a chunk are matched in the parent: a round trip costs more.
_IN_PARENT = 64


def match_names(
    names: list[str], matcher: Matcher, pool: ProcessPoolExecutor | None, workers: int = 1
) -> list[MatchRow]:
    """Match distinct names, in the pool when there is one; results in the names' order."""
    return submit_names(names, matcher, pool, workers)()


def submit_names(
    names: list[str], matcher: Matcher, pool: ProcessPoolExecutor | None, workers: int = 1
) -> Callable[[], list[MatchRow]]:
    """Start matching distinct names; the returned function waits for the results, in order.

    In the pool, the names are cut into a few batches per worker, so that every worker stays busy
    to the end of the chunk and none waits on a long last batch; the parent is free meanwhile.
    """
    if pool is None or len(names) < _IN_PARENT:
        _use(matcher)
        rows = _match_batch(names)
        return lambda: rows
    size = max(16, -(-len(names) // (workers * 4)))
    futures = [pool.submit(_match_batch, names[i : i + size]) for i in range(0, len(names), size)]
    return lambda: [row for future in futures for row in future.result()]


_MATCH_SCHEMA: dict[str, type[pl.DataType]] = {
    "name": pl.String, "decision": pl.String, "score": pl.Float64, "entity_id": pl.String,
    "entity_name": pl.String, "matched_name": pl.String, "lists": pl.String,
    "reasons": pl.String, "signals": pl.String,
}


class MatchTable:
    """Every distinct raw name matched so far with its result, as one polars table.

    A chunk finds its new names and joins its rows to the results in polars: the only Python
    work per chunk is for names never seen before. Rows are joined on a 64-bit hash of the name
    (several times quicker than on the text); the joined name is then compared with the row's,
    so a hash collision can never attach another name's result: that chunk is joined on the
    text instead.
    """

    def __init__(self) -> None:
        self.frame = pl.DataFrame(schema=_MATCH_SCHEMA).with_columns(_hash("name"))

    def missing(self, rows: pl.DataFrame, exact: bool = False) -> list[str]:
        """The names of ``rows`` not matched yet, each once (``exact``: compared as text)."""
        if exact:
            seen = self.frame.select("name")
            return rows.select("name").unique().join(seen, on="name", how="anti").get_column(
                "name"
            ).to_list()
        new = rows.select("_h", "name").unique("_h").join(
            self.frame.select("_h"), on="_h", how="anti"
        )
        return new.get_column("name").to_list()

    def add(self, names: list[str], rows: list[MatchRow]) -> None:
        columns = list(zip(*rows, strict=True)) if rows else [()] * len(MatchRow._fields)
        data = {"name": names, **dict(zip(MatchRow._fields, columns, strict=True))}
        added = pl.DataFrame(data, schema=_MATCH_SCHEMA).with_columns(_hash("name"))
        self.frame = pl.concat([self.frame, added])

    def join(self, rows: pl.DataFrame, exact: bool = False) -> pl.DataFrame | None:
        """``rows`` with the result of their name, in their order; None on a hash collision."""
        if exact:
            return rows.join(self.frame.drop("_h"), on="name", how="left", maintain_order="left")
        results = self.frame.rename({"name": "_text"})
        joined = rows.join(results, on="_h", how="left", maintain_order="left")
        if joined.select((pl.col("name") != pl.col("_text")).any()).item():
            return None
        return joined.drop("_text")


def _hash(column: str) -> pl.Expr:
    return pl.col(column).hash(seed=0).alias("_h")


def _fingerprint(input: Path, options: EngineOptions, lists_hash: str) -> dict[str, object]:
    stat = input.stat()
    return {
        "input": str(input.resolve()),
        "size": stat.st_size,
        "mtime_ns": stat.st_mtime_ns,
        "chunk_rows": options.chunk_rows,
        "name_column": options.name_column,
        "lists": lists_hash,
        "algorithm": ALGORITHM,
        "thresholds": [options.settings.match_threshold, options.settings.review_threshold],
        "skip_bad_rows": options.skip_bad_rows,
    }


def run_local(
    input: Path,
    output: Path,
    matcher: Matcher,
    options: EngineOptions,
    lists_hash: str,
    progress: Callable[[int], None] | None = None,
) -> BulkSummary:
    """Screen ``input`` into ``output`` (CSV, JSON lines, Parquet or XLSX) chunk by chunk."""
    fmt = output_format(output)
    work = output.resolve().parent / f".{output.name}.parts"
    fingerprint = _fingerprint(input, options, lists_hash)
    stamp = work / "run.json"
    if options.resume and stamp.exists() and json.loads(stamp.read_text()) == fingerprint:
        pass  # keep the finished parts
    else:
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        stamp.write_text(json.dumps(fingerprint))

    _use(matcher)  # before the fork: the workers inherit it, with an empty result cache
    workers = max(1, options.workers)
    # Forked workers share the index pages; frozen objects are left alone by the collector,
    # so its passes do not touch (and copy) every shared page. (No full collection first: it
    # would walk the whole index, a quarter of a second, to find next to no garbage.)
    gc.freeze()
    pool = (
        ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))
        if workers > 1
        else None
    )
    if pool is not None:
        pool.submit(int).result()  # fork every worker now, before the reader thread starts
    known = MatchTable()
    summary = BulkSummary()
    # A chunk's new names are matched in the workers while the parent joins and writes the chunk
    # before it: the parent's polars work and the workers' matching overlap.
    waiting: tuple[Path, Started, list[int]] | None = None

    def count(frame: pl.DataFrame, skipped: list[int]) -> None:
        summary.add(frame, skipped)
        if progress is not None:
            progress(frame.height)

    def finish() -> None:
        nonlocal waiting
        if waiting is not None:
            part, started, skipped = waiting
            frame = _screen_chunk(started, matcher, pool, known, options, workers)
            tmp = part.with_suffix(".tmp")
            frame.write_ipc(tmp, compression="lz4")
            os.replace(tmp, part)
            count(frame, skipped)
            waiting = None

    try:
        with closing(prefetch(iter_chunks(input, options))) as chunks:
            for index, chunk in enumerate(chunks):
                part = work / f"{index:06d}.arrow"
                if part.exists():  # finished before an interruption (resume)
                    finish()
                    count(pl.read_ipc(part), chunk.skipped)
                    continue
                started = _start_chunk(chunk.frame, chunk.rows, matcher, pool, known, options,
                                       workers)  # fmt: skip
                finish()
                known.add(started.names, started.results())
                waiting = (part, started, chunk.skipped)
            finish()
        _assemble(work, output, fmt)
    except SourcetraceError:
        shutil.rmtree(work, ignore_errors=True)
        raise
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
        gc.unfreeze()
    shutil.rmtree(work, ignore_errors=True)
    summary.distinct_names = known.frame.height
    return summary


class Started(NamedTuple):
    """A chunk whose new names are being matched."""

    base: pl.DataFrame  # row, name, _address, _id, _h
    names: list[str]  # the names not matched before, sent to the workers
    results: Callable[[], list[MatchRow]]  # waits for their results


def _start_chunk(
    frame: pl.DataFrame,
    rows: Sequence[int],
    matcher: Matcher,
    pool: ProcessPoolExecutor | None,
    known: MatchTable,
    options: EngineOptions,
    workers: int = 1,
) -> Started:
    """Find a chunk's names not matched before and start matching them."""
    def text(column: str | None) -> pl.Expr:
        return pl.col(column).fill_null("") if column else pl.lit("")

    base = frame.select(
        pl.Series("row", rows, dtype=pl.Int64),
        text(options.name_column).alias("name"),
        text(options.address_column).alias("_address"),
        text(options.id_column).alias("_id"),
    ).with_columns(_hash("name"))
    new = known.missing(base)
    return Started(base, new, submit_names(new, matcher, pool, workers))


def _screen_chunk(
    started: Started,
    matcher: Matcher,
    pool: ProcessPoolExecutor | None,
    known: MatchTable,
    options: EngineOptions,
    workers: int = 1,
) -> pl.DataFrame:
    """A started chunk's rows with their results (its names are in ``known`` by now): Python
    work per *distinct* value only, row-wise work in polars."""
    base = started.base
    joined = known.join(base)
    if joined is None:  # two names share a hash (never, in practice): join on the text
        new = known.missing(base, exact=True)
        if new:
            known.add(new, match_names(new, matcher, pool, workers))
        joined = known.join(base, exact=True)
    assert joined is not None
    if options.address_column is None and options.id_column is None:
        return joined.select(result_columns())  # name signals came with the matches
    triples = base.select("name", "_address", "_id").unique()
    signals = triples.with_columns(
        pl.Series("signals", [_signal_text(*t) for t in triples.iter_rows()], dtype=pl.String)
    )
    return (
        joined.drop("signals")
        .join(signals, on=["name", "_address", "_id"], how="left", maintain_order="left")
        .select(result_columns())
    )


_SIGNALS: dict[tuple[str, str, str], str] = {}


def _signal_text(name: str, address: str, ident: str) -> str:
    """Location and identifier signals, once per distinct (name, address, identifier)."""
    key = (name, address, ident)
    found = _SIGNALS.get(key)
    if found is None:
        found = "; ".join(signals_for(Record(row=0, name=name, address=address, identifier=ident)))
        if len(_SIGNALS) < 1_000_000:
            _SIGNALS[key] = found
    return found


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


def decision_rank(value: str) -> int:
    return Decision(value).rank
