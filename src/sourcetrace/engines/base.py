"""The engine interface: what a bulk screening engine is given, what it returns, and the output row.

An engine (``local``, ``spark``) runs one :class:`BulkJob`: it reads the input, applies the job's
row function to every row (each distinct (name, identifier, address, country) once) and writes one
output row per input row. It decides nothing itself: the decision, score, hit, reasons and
signals all come from the row function, which the use case (:mod:`sourcetrace.screening`) hands
it, so every engine and the in-memory path give the same answer for the same row.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import polars as pl

from sourcetrace.io.options import ReadOptions
from sourcetrace.matching.matcher import Matcher
from sourcetrace.model import OUTPUT_COLUMNS, ListedEntity, Result
from sourcetrace.settings import Settings
from sourcetrace.signals import SIGNAL_KINDS, SIGNAL_PATTERNS

# What the row function reads of an input row, in this order; engines dedupe on exactly this.
KEY_FIELDS: tuple[str, ...] = ("name", "identifier", "address", "country")

# The output contract's columns after ``row`` and ``name``, then the signals: what a row's
# result adds to the row (a tuple of these is cheap to send back from a worker).
RESULT_FIELDS: tuple[str, ...] = (*OUTPUT_COLUMNS[2:], "signals")


def result_columns() -> list[str]:
    """The output contract's columns, then the signals column."""
    return [*OUTPUT_COLUMNS, "signals"]


class RowScreener(Protocol):
    """The row function bound to a matcher: one input row's fields in, its result out."""

    def __call__(
        self, name: str, identifier: str = "", address: str = "", country: str = "", row: int = 0
    ) -> Result: ...

    def screen_many(self, rows: Sequence[tuple[str, str, str, str]]) -> list[Result]:
        """The row function over many (name, identifier, address, country) rows, in order."""
        ...


def result_fields(result: Result) -> tuple[object, ...]:
    """A result as the values of :data:`RESULT_FIELDS`, in that order (the output row minus
    ``row`` and ``name``, which are the input's)."""
    values = result.as_row()
    return (*(values[c] for c in OUTPUT_COLUMNS[2:]), "; ".join(result.signals))


@dataclass(frozen=True, slots=True)
class BulkJob:
    """One bulk screening: the input, where the output goes, the lists and the row function.

    ``screener`` makes the row function from a matcher; an engine builds the matcher where it
    runs (the local engine once, from the index cache; Spark once per Python worker, from the
    broadcast entities). ``lists_key`` identifies the list versions (index cache and resume).
    """

    input: str | Path
    output: str | Path
    entities: list[ListedEntity]
    lists_key: str
    settings: Settings
    screener: Callable[[Matcher], RowScreener]
    name_column: str
    address_column: str | None = None
    country_column: str | None = None
    id_column: str | None = None
    encoding: str | None = None
    chunk_rows: int = 200_000
    workers: int = 1
    resume: bool = False
    skip_bad_rows: bool = False
    read: ReadOptions | None = None  # sheet, header row, limits; None: the settings' limits

    def key_columns(self) -> tuple[str | None, ...]:
        """The input columns holding :data:`KEY_FIELDS`, None for a field the input lacks."""
        return (self.name_column, self.id_column, self.address_column, self.country_column)


class Engine(Protocol):
    """Where a bulk screening runs: one method, same output contract whichever engine."""

    name: str

    def run(self, job: BulkJob, progress: Callable[[int], None] | None = None) -> BulkSummary:
        """Screen ``job.input`` into ``job.output``; ``progress`` gets rows done since last call."""
        ...


@dataclass(slots=True)
class BulkSummary:
    """Counts and the best hits of a bulk run, gathered chunk by chunk.

    ``distinct_names`` counts the distinct (name, identifier, address, country) screened: the
    rows the row function ran for (the name alone when the input has no other of these columns).
    """

    rows: int = 0
    counts: dict[str, int] = field(default_factory=lambda: {"match": 0, "review": 0, "clear": 0})
    top: pl.DataFrame | None = None
    skipped_rows: list[int] = field(default_factory=list)
    distinct_names: int = 0
    signal_rows: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SIGNAL_KINDS, 0))
    """Rows with at least one signal of each kind (location, identifier)."""

    def add(self, frame: pl.DataFrame, skipped: list[int], keep: int = 20) -> None:
        self.rows += frame.height
        self.skipped_rows.extend(skipped)
        if "signals" in frame.columns:
            for kind, pattern in SIGNAL_PATTERNS.items():
                found = frame.filter(pl.col("signals").str.contains(pattern)).height
                self.signal_rows[kind] = self.signal_rows.get(kind, 0) + found
        for decision, n in frame.group_by("decision").len().iter_rows():
            self.counts[decision] = self.counts.get(decision, 0) + n
        hits = frame.filter(pl.col("decision") != "clear")
        if hits.height:
            both = hits if self.top is None else pl.concat([self.top, hits])
            rank = pl.col("decision").replace_strict({"match": 0, "review": 1}, return_dtype=pl.Int8)
            self.top = both.sort([rank, -pl.col("score"), "row"]).unique(
                subset=["name"], keep="first", maintain_order=True
            ).head(keep)
