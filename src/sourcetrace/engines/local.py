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
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import polars as pl

from sourcetrace.engines.base import BulkSummary, EngineOptions, result_columns
from sourcetrace.engines.chunks import iter_chunks
from sourcetrace.errors import SourcetraceError
from sourcetrace.io.writers import atomic_path, defuse_formulas, output_format
from sourcetrace.matching.score import ALGORITHM, Matcher
from sourcetrace.model import NO_HIT_REASON, Decision, Hit, Record
from sourcetrace.names.text import fold
from sourcetrace.screening import best_hit
from sourcetrace.signals import signals_for

# Set in the parent before the pool forks; workers read it without pickling the index.
_MATCHER: Matcher | None = None


@dataclass(frozen=True, slots=True)
class MatchRow:
    """What the output needs of one distinct name's best hit."""

    decision: str
    score: float
    entity_id: str
    entity_name: str
    matched_name: str
    lists: str
    reasons: str
    signals: str = ""  # from the name alone; address and identifier signals are added per row


CLEAR = MatchRow("clear", 0.0, "", "", "", "", NO_HIT_REASON)


def name_key(name: str) -> str:
    """Names that differ only in case, width, script variant or spacing are screened once."""
    return " ".join(fold(name).split())


def _row(hits: list[Hit]) -> MatchRow:
    best = best_hit(hits)
    if best is None:
        return CLEAR
    return MatchRow(
        best.decision.value, round(best.score, 4), best.entity.id, best.entity.caption,
        best.matched_name, best.entity.lists_label(), "; ".join(best.reasons),
    )


def _match_batch(names: list[str]) -> list[MatchRow]:
    assert _MATCHER is not None
    return [
        replace(_row(_MATCHER.match(n)), signals=_signal_text(n, "", "")) for n in names
    ]


def match_names(
    names: list[str], matcher: Matcher, pool: ProcessPoolExecutor | None, batch: int = 2000
) -> list[MatchRow]:
    """Match distinct names, in the pool when there is one; results in the names' order."""
    if pool is None or len(names) < batch:
        global _MATCHER
        _MATCHER = matcher
        return _match_batch(names)
    parts = [names[i : i + batch] for i in range(0, len(names), batch)]
    out: list[MatchRow] = []
    for rows in pool.map(_match_batch, parts):
        out.extend(rows)
    return out


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

    global _MATCHER
    _MATCHER = matcher
    workers = max(1, options.workers)
    # Forked workers share the index pages; frozen objects are left alone by the collector,
    # so its passes do not touch (and copy) every shared page.
    gc.collect()
    gc.freeze()
    pool = (
        ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))
        if workers > 1
        else None
    )
    cache: dict[str, MatchRow] = {}
    summary = BulkSummary()
    try:
        for index, chunk in enumerate(iter_chunks(input, options)):
            part = work / f"{index:06d}.parquet"
            if part.exists():
                frame = pl.read_parquet(part)
            else:
                frame = _screen_chunk(chunk.frame, chunk.rows, matcher, pool, cache, options)
                tmp = part.with_suffix(".tmp")
                frame.write_parquet(tmp)
                os.replace(tmp, part)
            summary.add(frame, chunk.skipped)
            if progress is not None:
                progress(frame.height)
        _assemble(work, output, fmt)
    except SourcetraceError:
        shutil.rmtree(work, ignore_errors=True)
        raise
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
        gc.unfreeze()
    shutil.rmtree(work, ignore_errors=True)
    summary.distinct_names = len(cache)
    return summary


def _screen_chunk(
    frame: pl.DataFrame,
    rows: list[int],
    matcher: Matcher,
    pool: ProcessPoolExecutor | None,
    cache: dict[str, MatchRow],
    options: EngineOptions,
) -> pl.DataFrame:
    """Screen one chunk: Python work per *distinct* value only, row-wise work in polars."""
    def text(column: str | None) -> pl.Expr:
        return pl.col(column).fill_null("") if column else pl.lit("")

    base = frame.select(
        pl.Series("row", rows, dtype=pl.Int64),
        text(options.name_column).alias("name"),
        text(options.address_column).alias("_address"),
        text(options.id_column).alias("_id"),
    )
    raw = base.get_column("name").unique().to_list()
    keys = [_KEYS.get(n) or _key(n) for n in raw]
    new = [k for k in dict.fromkeys(keys) if k not in cache]
    if new:
        for key, found in zip(new, match_names(new, matcher, pool), strict=True):
            cache[key] = found
    matched = [cache[k] for k in keys]
    by_name = pl.DataFrame(
        {
            "name": raw,
            "decision": [m.decision for m in matched],
            "score": [m.score for m in matched],
            "entity_id": [m.entity_id for m in matched],
            "entity_name": [m.entity_name for m in matched],
            "matched_name": [m.matched_name for m in matched],
            "lists": [m.lists for m in matched],
            "reasons": [m.reasons for m in matched],
            "signals": [m.signals for m in matched],
        },
        schema={"name": pl.String, "decision": pl.String, "score": pl.Float64,
                "entity_id": pl.String, "entity_name": pl.String, "matched_name": pl.String,
                "lists": pl.String, "reasons": pl.String, "signals": pl.String},
    )
    joined = base.join(by_name, on="name", how="left", maintain_order="left")
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
_KEYS: dict[str, str] = {}


def _key(name: str) -> str:
    key = name_key(name)
    if len(_KEYS) < 2_000_000:
        _KEYS[name] = key
    return key


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
    parts = sorted(work.glob("*.parquet"))
    with atomic_path(output) as tmp:
        if not parts:
            pl.DataFrame(schema=dict(_empty_schema())).write_csv(tmp)
            return
        lazy = pl.scan_parquet(parts)
        if fmt == "csv":
            with open(tmp, "wb") as fh:
                fh.write(b"\xef\xbb\xbf")
                for i, part in enumerate(parts):
                    defuse_formulas(pl.read_parquet(part)).write_csv(fh, include_header=(i == 0))
        elif fmt == "jsonl":
            with open(tmp, "wb") as fh:
                for p in parts:
                    pl.read_parquet(p).write_ndjson(fh)
        elif fmt == "parquet":
            lazy.sink_parquet(tmp)
        else:
            defuse_formulas(lazy.collect()).write_excel(tmp, autofit=False)


def _empty_schema() -> dict[str, pl.DataType]:
    return {c: pl.String() for c in result_columns()}


def decision_rank(value: str) -> int:
    return Decision(value).rank
