"""The one entry point: records x lists -> one result per input row.

    >>> import sourcetrace
    >>> run = sourcetrace.screen("examples/suppliers.csv")      # doctest: +SKIP
    >>> run.counts()                                              # doctest: +SKIP
    {'match': 9, 'review': 3, 'clear': 14}

Each distinct name is matched once, however many rows repeat it.
"""

from __future__ import annotations

import os
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from sourcetrace.engines.base import BulkSummary
from sourcetrace.errors import ConfigError, ListError
from sourcetrace.io.options import Limits, ReadOptions
from sourcetrace.io.readers import Columns, detect_columns, read_input
from sourcetrace.io.writers import write_table
from sourcetrace.lists.bundled import (
    REPLACED_BY,
    bundled_lists,
    bundled_versions,
    default_list_path,
)
from sourcetrace.lists.ftm import file_hash, load_entities
from sourcetrace.matching.index import gc_paused
from sourcetrace.matching.score import ALGORITHM, Matcher
from sourcetrace.model import OUTPUT_COLUMNS, Decision, Hit, ListedEntity, Record, Result
from sourcetrace.settings import Settings, load_settings
from sourcetrace.signals import signals_for

if TYPE_CHECKING:
    from sourcetrace.store.db import ListStore


@dataclass(frozen=True, slots=True)
class ListUsed:
    """A list file a screening used, with what identifies its version."""

    name: str
    version: str
    path: str
    content_hash: str
    entities: int


@dataclass(slots=True)
class ScreeningRun:
    """The results of one screening, with the lists and algorithm that produced them."""

    results: list[Result]
    lists: list[ListUsed]
    columns: Columns | None = None
    algorithm: str = ALGORITHM
    source: str = ""
    extra_columns: dict[str, list[str]] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        counter = Counter(r.decision.value for r in self.results)
        return {d.value: counter.get(d.value, 0) for d in Decision}

    def to_frame(self) -> pl.DataFrame:
        """The output contract as a table: one row per input row, in input order."""
        rows = [r.as_row() for r in self.results]
        frame = pl.DataFrame(
            {c: [row[c] for row in rows] for c in OUTPUT_COLUMNS},
            schema={c: (pl.Int64 if c == "row" else pl.Float64 if c == "score" else pl.String) for c in OUTPUT_COLUMNS},
        )
        return frame.with_columns(pl.Series("signals", ["; ".join(r.signals) for r in self.results], dtype=pl.String))

    def write(self, path: Path) -> None:
        write_table(self.to_frame(), path)


def load_lists(
    lists: Sequence[Path] = (),
    default_lists: bool = True,
    stored: Sequence[tuple[Path, ListUsed]] = (),
) -> tuple[list[ListedEntity], list[ListUsed]]:
    """The entities of the bundled lists (unless turned off), of the lists in force in the store
    (``stored``: exported files with their versions, see :func:`store_lists`) and of each extra
    FtM file.

    A list imported into the store replaces the bundled snapshot it supersedes
    (:data:`~sourcetrace.lists.bundled.REPLACED_BY`): a user who imports today's UFLPA Entity
    List screens against it, not against the snapshot shipped.
    """
    with gc_paused():
        return _load_lists(lists, default_lists, stored)


def _load_lists(
    lists: Sequence[Path], default_lists: bool, stored: Sequence[tuple[Path, ListUsed]]
) -> tuple[list[ListedEntity], list[ListUsed]]:
    entities: list[ListedEntity] = []
    used: list[ListUsed] = []
    in_store = {u.name for _, u in stored}
    replaced = {old for old, new in REPLACED_BY.items() if new in in_store} | in_store
    if default_lists:
        versions = bundled_versions()
        for entity in load_entities(default_list_path()):
            if entity.dataset in replaced:
                continue
            version = versions.get(entity.dataset, "")
            entity.listings = [replace(x, version=version) for x in entity.listings]
            entities.append(entity)
        for item in bundled_lists():
            if item.name not in replaced:
                used.append(
                    ListUsed(item.name, item.version, "(bundled)", item.content_hash, item.entities)
                )
    for path, stored_used in stored:
        loaded = load_entities(path, version=stored_used.version)
        for entity in loaded:
            entity.dataset = stored_used.name
        entities.extend(loaded)
        used.append(replace(stored_used, entities=len(loaded)))
    for path in lists:
        path = Path(path)
        digest = file_hash(path) if path.exists() else ""
        loaded = load_entities(path, version=digest[7:19])
        if not loaded:
            raise ListError("no organisation or person entities in this FtM file", path=path)
        entities.extend(loaded)
        used.append(ListUsed(path.name.split(".")[0], digest[7:19], str(path), digest, len(loaded)))
    if not entities:
        raise ListError("no lists to screen against: give --list or keep the default lists")
    return entities, used


def exported_lists(store: ListStore, folder: Path) -> list[tuple[Path, ListUsed]]:
    """The version in force of every list in ``store``, written to ``folder`` as FtM files."""
    out: list[tuple[Path, ListUsed]] = []
    for version in store.in_force():
        path = store.export_jsonl(version.id, folder / f"{version.id}.ftm.jsonl")
        label = f"v{version.id} {version.imported_at[:10]}"
        out.append(
            (path, ListUsed(version.list_name, label, f"store:{version.source}",
                            version.content_hash, version.entity_count))
        )
    return out


@contextmanager
def store_lists(
    db: str | Path | None = None, settings: Settings | None = None
) -> Iterator[list[tuple[Path, ListUsed]]]:
    """The lists in force in the store, for :func:`screen` and :func:`screen_file` (``stored=``).

    Nothing when no store was named (``db`` or ``SOURCETRACE_DB``) and the default store file
    does not exist: screening never creates a store.
    """
    from sourcetrace.store.db import ListStore, resolve_url

    url = resolve_url(db, settings)
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        yield []
        return
    with tempfile.TemporaryDirectory(prefix="sourcetrace-lists-") as tmp, ListStore(url) as store:
        yield exported_lists(store, Path(tmp))


def screen_records(
    records: Iterable[Record],
    matcher: Matcher,
    progress: Callable[[int], None] | None = None,
) -> list[Result]:
    """Screen records in order; each distinct (name, identifier) is matched once.

    ``progress`` is called with the number of rows done since its last call.
    """
    cache: dict[tuple[str, str], list[Hit]] = {}
    results: list[Result] = []
    for record in records:
        key = (record.name.strip(), record.identifier.strip())
        hits = cache.get(key)
        if hits is None:
            hits = matcher.match(key[0], key[1]) if key[0] or key[1] else []
            cache[key] = hits
        best = best_hit(hits)
        results.append(
            Result(
                record=record,
                decision=best.decision if best else Decision.CLEAR,
                score=best.score if best else 0.0,
                hit=best,
                signals=signals_for(record),
            )
        )
        if progress is not None and len(results) % 256 == 0:
            progress(256)
    if progress is not None and len(results) % 256:
        progress(len(results) % 256)
    return results


def best_hit(hits: list[Hit]) -> Hit | None:
    """The hit a row reports; the same organisation on several lists gives one hit naming all."""
    if not hits:
        return None
    best, others = hits[0], hits[1:]
    same = [
        h
        for h in others
        if h.decision is best.decision and abs(h.score - best.score) < 1e-9 and h.matched_name == best.matched_name
    ]
    if not same:
        return best
    labels = [best.entity.lists_label()] + [h.entity.lists_label() for h in same]
    merged = ListedEntity(
        id=best.entity.id,
        schema=best.entity.schema,
        caption=best.entity.caption,
        names=best.entity.names,
        listings=[l for h in [best, *same] for l in h.entity.listings],
        countries=best.entity.countries,
        identifiers=best.entity.identifiers,
        topics=best.entity.topics,
        dataset=best.entity.dataset,
    )
    reasons = best.reasons + [f"also listed as {h.entity.id}" for h in same]
    assert labels
    return Hit(merged, best.matched_name, best.score, best.decision, reasons)


def screen(
    input: str | Path,
    *,
    name_column: str | None = None,
    address_column: str | None = None,
    country_column: str | None = None,
    id_column: str | None = None,
    lists: Sequence[str | Path] = (),
    default_lists: bool = True,
    stored: Sequence[tuple[Path, ListUsed]] = (),
    encoding: str | None = None,
    settings: Settings | None = None,
    progress: Callable[[int, int], None] | None = None,
    read: ReadOptions | None = None,
) -> ScreeningRun:
    """Screen a supplier list or shipment file against the watchlists.

    Returns a :class:`ScreeningRun` whose ``results`` hold one :class:`~sourcetrace.model.Result`
    per input data row, in input order. ``progress(rows_done_since_last_call, total_rows)`` is
    called as rows are screened. ``read`` chooses the sheet and header row and sets the limits
    (default: ``encoding``, detection, and the limits in ``settings``).
    """
    settings = settings or load_settings()
    path = Path(input)
    read = read or ReadOptions(
        encoding=encoding, name_column=name_column, limits=Limits.from_settings(settings)
    )
    table = read_input(path, read)
    frame = table.frame
    columns = detect_columns(
        path, list(frame.columns), name_column, address_column, country_column, id_column,
        sheets=table.sheets,
    )
    entities, used = load_lists([Path(p) for p in lists], default_lists, stored)
    matcher = Matcher(entities, settings)

    def col(name: str | None) -> list[str]:
        return frame.get_column(name).to_list() if name else [""] * frame.height

    records = (
        Record(row=row, name=n or "", address=a or "", country=c or "", identifier=d or "")
        for row, n, a, c, d in zip(
            table.rows, col(columns.name), col(columns.address), col(columns.country),
            col(columns.identifier), strict=True,
        )
    )
    total = frame.height
    tick = (lambda done: progress(done, total)) if progress is not None else None
    results = screen_records(records, matcher, tick)
    return ScreeningRun(results=results, lists=used, columns=columns, source=str(path))



def lists_fingerprint(used: Sequence[ListUsed]) -> str:
    """One hash for the set of list versions a run used (resume and index cache keys)."""
    import hashlib

    text = "|".join(f"{u.name}:{u.content_hash}" for u in used)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def screen_file(
    input: str | Path,
    output: str | Path,
    *,
    name_column: str | None = None,
    address_column: str | None = None,
    country_column: str | None = None,
    id_column: str | None = None,
    lists: Sequence[str | Path] = (),
    default_lists: bool = True,
    stored: Sequence[tuple[Path, ListUsed]] = (),
    encoding: str | None = None,
    settings: Settings | None = None,
    engine: str = "local",
    workers: int | None = None,
    chunk_rows: int = 200_000,
    resume: bool = False,
    skip_bad_rows: bool = False,
    progress: Callable[[int], None] | None = None,
    read: ReadOptions | None = None,
) -> tuple[BulkSummary, list[ListUsed], str]:
    """Screen a file of any size into ``output``, streaming, one output row per input row.

    Returns the run summary, the lists used and the name column. ``engine`` is ``local``
    (processes on this machine) or ``spark`` (the same matcher inside Spark).
    """
    from sourcetrace.engines.base import EngineOptions
    from sourcetrace.engines.chunks import read_header

    settings = settings or load_settings()
    path, out = Path(input), Path(output)
    read = read or ReadOptions(
        encoding=encoding, name_column=name_column, limits=Limits.from_settings(settings)
    )
    if engine == "spark" and not path.exists():
        # A path only Spark can reach (hdfs://, s3a://): the columns are named, not detected.
        if name_column is None:
            raise ConfigError("give --name-column when the input is a path only Spark can reach")
        columns = Columns(name_column, address_column, country_column, id_column)
    else:
        header, sheets = read_header(path, read)
        columns = detect_columns(
            path, header, name_column, address_column, country_column, id_column, sheets=sheets
        )
    entities, used = load_lists([Path(p) for p in lists], default_lists, stored)
    fingerprint = lists_fingerprint(used)
    options = EngineOptions(
        settings=settings,
        name_column=columns.name,
        address_column=columns.address,
        country_column=columns.country,
        id_column=columns.identifier,
        encoding=read.encoding,
        chunk_rows=chunk_rows,
        workers=workers or os.cpu_count() or 1,
        resume=resume,
        skip_bad_rows=skip_bad_rows,
        read=replace(read, notice=None),  # the notes were given when the header was read
    )
    if engine == "spark":
        from sourcetrace.engines.spark import run_spark

        summary = run_spark(input, output, entities, options)
    elif engine == "local":
        from sourcetrace.engines.local import run_local

        matcher = Matcher.cached(entities, settings, fingerprint)
        summary = run_local(path, out, matcher, options, fingerprint, progress)
    else:
        raise ConfigError(f"unknown engine {engine!r}: use local or spark")
    return summary, used, columns.name
