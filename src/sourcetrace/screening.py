"""The screening use case: rows x lists -> one result per input row, the same on every path.

    >>> import sourcetrace
    >>> run = sourcetrace.screen("examples/suppliers.csv")      # doctest: +SKIP
    >>> run.counts()                                              # doctest: +SKIP
    {'match': 9, 'review': 3, 'clear': 14}
    >>> run.write("results.parquet")                              # doctest: +SKIP
    >>> done = sourcetrace.screen_file("bol.csv", "screened.parquet", workers=4)  # doctest: +SKIP

One options object, :class:`ScreenOptions`, says how (columns, lists, thresholds, engine); one
row function, :class:`Screener`, turns an input row's name, identifier, address and country into
its :class:`~sourcetrace.model.Result` (decision, score, hit with its reasons, signals). The
in-memory path (:func:`screen`), every bulk engine (:func:`screen_file`, local or Spark) and
the web runner all go through it, so a row gets the same answer whichever way it is screened.
The CLI and the web app only parse their input into :class:`ScreenOptions` and show the result.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from sourcetrace.engines import BulkJob, BulkSummary, Engine, engine_for
from sourcetrace.errors import ConfigError, ListError, OutputError
from sourcetrace.io.options import Limits, ReadOptions
from sourcetrace.io.readers import Columns, detect_columns, read_input
from sourcetrace.io.writers import atomic_path, write_table
from sourcetrace.lists.bundled import (
    REPLACED_BY,
    bundled_lists,
    bundled_versions,
    default_list_path,
)
from sourcetrace.lists.ftm import file_hash, load_entities
from sourcetrace.matching.index import gc_paused
from sourcetrace.matching.matcher import Matcher
from sourcetrace.matching.score import ALGORITHM
from sourcetrace.model import (
    OUTPUT_COLUMNS,
    Decision,
    Hit,
    ListedEntity,
    Record,
    Result,
    name_key,
)
from sourcetrace.settings import Settings, load_settings
from sourcetrace.signals import signals_for, signals_many

if TYPE_CHECKING:
    from sourcetrace.store.db import ListStore

Progress = Callable[[int, "int | None"], None]
"""Called with the rows done since the last call and the total (None when not known ahead)."""


@dataclass(frozen=True, slots=True)
class ScreenOptions:
    """How to screen a file: every choice the CLI, the web and the Python API can make, with
    its default written here once.

    ``store_lists``: screen against the list versions in force in the store (``db``, else
    ``SOURCETRACE_DB``, else the store file in the data folder, if there is one: screening never
    creates a store), as the CLI does by default. Thresholds left None come from the settings.
    ``engine``, ``workers``, ``chunk_rows``, ``resume`` and ``skip_bad_rows`` concern
    :func:`screen_file` only; ``workers`` None means every core.
    """

    name_column: str | None = None
    address_column: str | None = None
    country_column: str | None = None
    id_column: str | None = None
    lists: tuple[str | Path, ...] = ()
    default_lists: bool = True
    store_lists: bool = True
    db: str | None = None
    match_threshold: float | None = None
    review_threshold: float | None = None
    encoding: str | None = None
    sheet: str | None = None
    header_row: int | None = None
    engine: str = "local"
    workers: int | None = None
    chunk_rows: int = 200_000
    resume: bool = False
    skip_bad_rows: bool = False

    def with_settings(self, settings: Settings | None = None) -> Settings:
        """``settings`` (default: from the environment) with these options' thresholds."""
        base = settings or load_settings()
        wanted = {"match_threshold": self.match_threshold, "review_threshold": self.review_threshold}
        if all(v is None for v in wanted.values()):
            return base
        return load_settings(**{**asdict(base), **{k: v for k, v in wanted.items() if v is not None}})

    def reading(
        self, settings: Settings, notice: Callable[[str], None] | None = None
    ) -> ReadOptions:
        """How to read the input: encoding, sheet, header row, and the limits in ``settings``;
        ``notice`` hears the reader's choices (which sheet, which header row)."""
        return ReadOptions(
            encoding=self.encoding, sheet=self.sheet, header_row=self.header_row,
            name_column=self.name_column, limits=Limits.from_settings(settings), notice=notice,
        )  # fmt: skip


def _options(options: ScreenOptions | None, fields: dict[str, object]) -> ScreenOptions:
    """``options`` with the keyword arguments of :func:`screen` or :func:`screen_file` applied."""
    base = options or ScreenOptions()
    if "lists" in fields:
        lists = fields["lists"] or ()
        if isinstance(lists, str | Path) or not isinstance(lists, Iterable):
            raise TypeError("lists: a sequence of paths, e.g. [\"extra.ftm.json\"]")
        fields["lists"] = tuple(lists)
    try:
        return replace(base, **fields)  # type: ignore[arg-type]
    except TypeError:
        unknown = sorted(set(fields) - set(ScreenOptions.__dataclass_fields__))
        raise TypeError(f"unknown screening option(s): {', '.join(unknown)}") from None


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
    """The input's other columns (not name, address, country, identifier): values per result."""

    def counts(self) -> dict[str, int]:
        counter = Counter(r.decision.value for r in self.results)
        return {d.value: counter.get(d.value, 0) for d in Decision}

    def to_frame(self) -> pl.DataFrame:
        """The output contract as a table: one row per input row, in input order."""
        rows = [r.as_row() for r in self.results]
        frame = pl.DataFrame(
            {c: [row[c] for row in rows] for c in OUTPUT_COLUMNS},
            schema={
                c: (pl.Int64 if c == "row" else pl.Float64 if c == "score" else pl.String)
                for c in OUTPUT_COLUMNS
            },
        )
        signals = ["; ".join(r.signals) for r in self.results]
        return frame.with_columns(pl.Series("signals", signals, dtype=pl.String))

    def summary(self) -> BulkSummary:
        """The counts and top hits, as a bulk run reports them."""
        summary = BulkSummary()
        summary.add(self.to_frame(), [])
        return summary

    def write(self, path: str | Path) -> None:
        """Write the results (CSV, JSON lines, Parquet or XLSX, by the suffix), atomically."""
        write_table(self.to_frame(), Path(path))


@dataclass(frozen=True, slots=True)
class ScreenedFile:
    """What :func:`screen_file` did: the output written, from which input, lists and columns."""

    input: str
    output: str
    summary: BulkSummary
    lists: list[ListUsed]
    columns: Columns
    engine: str
    record: Path | None = None
    """The run record written beside the output (``<output>.run.json``), None for a remote one."""

    @property
    def name_column(self) -> str:
        return self.columns.name

    def counts(self) -> dict[str, int]:
        return {d.value: self.summary.counts.get(d.value, 0) for d in Decision}


def load_lists(
    lists: Sequence[str | Path] = (),
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
    lists: Sequence[str | Path], default_lists: bool, stored: Sequence[tuple[Path, ListUsed]]
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
    for named in lists:
        path = Path(named)
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


class Screener:
    """The row function: one input row (name, identifier, address, country) -> its result.

    The name is matched in its folded form (:func:`name_key`) with the identifier (a USCC equal
    to a listed entity's is a match whatever the name); the signals (Xinjiang places, USCC
    checks) come from the row as written. The best hit of each (folded name, identifier) is
    remembered, up to ``remember`` of them, so a name repeated over many rows is matched once.
    """

    def __init__(self, matcher: Matcher, remember: int = 1_000_000) -> None:
        self.matcher = matcher
        self.remember = remember
        self._best: dict[tuple[str, str], Hit | None] = {}

    def __call__(
        self, name: str, identifier: str = "", address: str = "", country: str = "", row: int = 0
    ) -> Result:
        key = (name_key(name), identifier.strip())
        if key in self._best:
            best = self._best[key]
        else:
            best = best_hit(self.matcher.match(*key)) if key[0] or key[1] else None
            if len(self._best) < self.remember:
                self._best[key] = best
        record = Record(row=row, name=name, address=address, country=country,
                        identifier=identifier)  # fmt: skip
        return _result(record, best, signals_for(record))

    def screen_many(self, rows: Sequence[tuple[str, str, str, str]]) -> list[Result]:
        """The row function over many (name, identifier, address, country) rows, each result
        as :meth:`__call__` gives it: the names not matched before are matched together (their
        string retrieval is one sparse product), and the Xinjiang place search is skipped for
        the names and addresses that cannot hold a place (:func:`signals_many`)."""
        keys = [(name_key(name), identifier.strip()) for name, identifier, _, _ in rows]
        new = list(dict.fromkeys(
            k for k in keys if k not in self._best and (k[0] or k[1])
        ))  # fmt: skip
        room = max(0, self.remember - len(self._best))
        found: dict[tuple[str, str], Hit | None] = {}
        if new:
            hits = self.matcher.match_many([k[0] for k in new], [k[1] for k in new])
            found = {key: best_hit(h) for key, h in zip(new, hits, strict=True)}
            self._best.update(list(found.items())[:room])
        records = [
            Record(row=0, name=name, address=address, country=country, identifier=identifier)
            for name, identifier, address, country in rows
        ]
        return [
            _result(record, _known(self._best, found, key), signals)
            for record, key, signals in zip(records, keys, signals_many(records), strict=True)
        ]


def _known(
    best: dict[tuple[str, str], Hit | None], found: dict[tuple[str, str], Hit | None],
    key: tuple[str, str],
) -> Hit | None:
    """The best hit of a key: remembered, or matched in this batch."""
    if key in best:
        return best[key]
    return found.get(key)  # matched in this batch beyond what is remembered; None: empty key


def _result(record: Record, best: Hit | None, signals: list[str]) -> Result:
    return Result(
        record=record,
        decision=best.decision if best else Decision.CLEAR,
        score=best.score if best else 0.0,
        hit=best,
        signals=signals,
    )


def screen_records(
    records: Iterable[Record],
    matcher: Matcher,
    progress: Callable[[int], None] | None = None,
) -> list[Result]:
    """Screen records in order with the row function; each distinct name is matched once.

    ``progress`` is called with the number of rows done since its last call.
    """
    screener = Screener(matcher)
    results: list[Result] = []
    for record in records:
        results.append(
            screener(record.name, record.identifier, record.address, record.country, record.row)
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


@contextmanager
def _lists_in_force(
    options: ScreenOptions, settings: Settings, stored: Sequence[tuple[Path, ListUsed]] | None
) -> Iterator[Sequence[tuple[Path, ListUsed]]]:
    if stored is not None:
        yield stored
    elif not options.store_lists:
        yield []
    else:
        with store_lists(options.db, settings) as found:
            yield found


def screen(
    input: str | Path,
    options: ScreenOptions | None = None,
    *,
    stored: Sequence[tuple[Path, ListUsed]] | None = None,
    settings: Settings | None = None,
    progress: Progress | None = None,
    notice: Callable[[str], None] | None = None,
    **fields: object,
) -> ScreeningRun:
    """Screen a supplier list or shipment file against the watchlists, in memory.

    Returns a :class:`ScreeningRun` whose ``results`` hold one :class:`~sourcetrace.model.Result`
    per input data row, in input order. ``options`` (or keyword arguments named as its fields,
    e.g. ``name_column="shipper"``) say how; ``stored`` gives the store's lists already exported
    (:func:`store_lists`) instead of reading them again. ``progress(rows_done_since_last_call,
    total_rows)`` is called as rows are screened; ``notice`` hears the reader's choices (which
    sheet, which header row).
    """
    options = _options(options, fields)
    settings = options.with_settings(settings)
    path = Path(input)
    table = read_input(path, options.reading(settings, notice))
    frame = table.frame
    columns = detect_columns(
        path, list(frame.columns), options.name_column, options.address_column,
        options.country_column, options.id_column, sheets=table.sheets,
    )  # fmt: skip
    with _lists_in_force(options, settings, stored) as in_force:
        entities, used = load_lists(options.lists, options.default_lists, in_force)
    matcher = Matcher(entities, settings)

    def col(name: str | None) -> list[str]:
        return frame.get_column(name).to_list() if name else [""] * frame.height

    values = zip(col(columns.name), col(columns.identifier), col(columns.address),
                 col(columns.country), strict=True)  # fmt: skip
    records = (
        Record(row=row, name=n or "", address=a or "", country=c or "", identifier=d or "")
        for row, (n, d, a, c) in zip(table.rows, values, strict=True)
    )
    total = frame.height
    tick = (lambda done: progress(done, total)) if progress is not None else None
    results = screen_records(records, matcher, tick)
    # The file's other columns (tier, PO, ...), as read, for the results that keep them.
    used_columns = {columns.name, columns.address, columns.country, columns.identifier}
    extra = {
        c: ["" if v is None else str(v) for v in frame.get_column(c).to_list()]
        for c in frame.columns
        if c not in used_columns
    }
    return ScreeningRun(
        results=results, lists=used, columns=columns, source=str(path), extra_columns=extra
    )


def lists_fingerprint(used: Sequence[ListUsed]) -> str:
    """One hash for the set of list versions a run used (resume and index cache keys)."""
    import hashlib

    text = "|".join(f"{u.name}:{u.content_hash}" for u in used)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def screen_file(
    input: str | Path,
    output: str | Path,
    options: ScreenOptions | None = None,
    *,
    stored: Sequence[tuple[Path, ListUsed]] | None = None,
    settings: Settings | None = None,
    engine: str | Engine | None = None,
    progress: Progress | None = None,
    notice: Callable[[str], None] | None = None,
    **fields: object,
) -> ScreenedFile:
    """Screen a file of any size into ``output``, streaming, one output row per input row.

    ``options`` (or keyword arguments named as its fields) say how; ``options.engine`` is
    ``local`` (processes on this machine) or ``spark`` (the same row function inside Spark), or
    pass an :class:`~sourcetrace.engines.base.Engine` object as ``engine``. The run record
    (input hash, lists and their versions, algorithm, thresholds, counts) is written beside the
    output as ``<output>.run.json``. Nothing is left at ``output`` when the run fails.
    """
    from sourcetrace.engines.chunks import read_header

    if isinstance(engine, str):
        fields["engine"] = engine
    options = _options(options, fields)
    runner = engine if engine is not None and not isinstance(engine, str) else engine_for(
        options.engine
    )
    settings = options.with_settings(settings)
    read = options.reading(settings, notice)
    path = Path(input)
    if runner.name == "spark" and not path.exists():
        # A path only Spark can reach (hdfs://, s3a://): the columns are named, not detected.
        if options.name_column is None:
            raise ConfigError("give --name-column when the input is a path only Spark can reach")
        columns = Columns(options.name_column, options.address_column, options.country_column,
                          options.id_column)  # fmt: skip
    else:
        header, sheets = read_header(path, read)
        columns = detect_columns(
            path, header, options.name_column, options.address_column,
            options.country_column, options.id_column, sheets=sheets,
        )  # fmt: skip
    with _lists_in_force(options, settings, stored) as in_force:
        entities, used = load_lists(options.lists, options.default_lists, in_force)
    job = BulkJob(
        input=input if runner.name == "spark" and not path.exists() else path,
        output=output if runner.name == "spark" else Path(output),
        entities=entities,
        lists_key=lists_fingerprint(used),
        settings=settings,
        screener=Screener,
        name_column=columns.name,
        address_column=columns.address,
        country_column=columns.country,
        id_column=columns.identifier,
        encoding=options.encoding,
        chunk_rows=options.chunk_rows,
        workers=options.workers or os.cpu_count() or 1,
        resume=options.resume,
        skip_bad_rows=options.skip_bad_rows,
        read=replace(read, notice=None),  # the notes were given when the header was read
    )
    tick = (lambda done: progress(done, None)) if progress is not None else None
    try:
        summary = runner.run(job, tick)
    except OSError as exc:  # reading errors are InputErrors: this is a write, a full disk
        raise OutputError(
            f"cannot write: {_reason(exc)}; no output was written (make room, then run "
            "again with --resume to carry on from the chunks already screened)",
            path=output,
        ) from None
    record = None
    if "://" not in str(output):
        record = write_run_record(output, path, used, summary, settings)
    return ScreenedFile(str(input), str(output), summary, used, columns, runner.name, record)


def write_run_record(
    output: str | Path,
    input: str | Path,
    used: Sequence[ListUsed],
    summary: BulkSummary,
    settings: Settings,
) -> Path:
    """``<output>.run.json`` beside the results: which input, lists, versions and algorithm."""
    from sourcetrace import __version__

    output, input = Path(output), Path(input)

    record = {
        "input": str(input),
        "input_sha256": file_hash(input)[7:] if input.exists() else "",
        "output": str(output),
        "screened_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "sourcetrace": __version__,
        "algorithm": ALGORITHM,
        "thresholds": {"match": settings.match_threshold, "review": settings.review_threshold},
        "lists": [
            {"name": u.name, "version": u.version, "content_hash": u.content_hash,
             "entities": u.entities, "path": u.path}
            for u in used
        ],
        "counts": summary.counts,
        "rows": summary.rows,
    }  # fmt: skip
    path = output.with_name(output.name + ".run.json")
    try:
        with atomic_path(path) as tmp:
            tmp.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    except OSError as exc:
        # Results without the record of how they were made are not the output contract's.
        if output.is_dir():
            import shutil

            shutil.rmtree(output, ignore_errors=True)
        else:
            output.unlink(missing_ok=True)
        raise OutputError(f"cannot write: {_reason(exc)}; no output was written", path=path) from None
    return path


def _reason(exc: OSError) -> str:
    # polars raises OSError("No space left on device (os error 28)") with no errno or strerror.
    return exc.strerror or str(exc)
