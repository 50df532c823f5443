"""What every engine shares: its options, the output columns and the run summary."""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from sourcetrace.io.options import ReadOptions
from sourcetrace.model import OUTPUT_COLUMNS
from sourcetrace.settings import Settings


def result_columns() -> list[str]:
    """The output contract's columns, then the signals column."""
    return [*OUTPUT_COLUMNS, "signals"]


@dataclass(frozen=True, slots=True)
class EngineOptions:
    settings: Settings
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


@dataclass(slots=True)
class BulkSummary:
    """Counts and the best hits of a bulk run, gathered chunk by chunk."""

    rows: int = 0
    counts: dict[str, int] = field(default_factory=lambda: {"match": 0, "review": 0, "clear": 0})
    top: pl.DataFrame | None = None
    skipped_rows: list[int] = field(default_factory=list)
    distinct_names: int = 0

    def add(self, frame: pl.DataFrame, skipped: list[int], keep: int = 20) -> None:
        self.rows += frame.height
        self.skipped_rows.extend(skipped)
        for decision, n in frame.group_by("decision").len().iter_rows():
            self.counts[decision] = self.counts.get(decision, 0) + n
        hits = frame.filter(pl.col("decision") != "clear")
        if hits.height:
            both = hits if self.top is None else pl.concat([self.top, hits])
            rank = pl.col("decision").replace_strict({"match": 0, "review": 1}, return_dtype=pl.Int8)
            self.top = both.sort([rank, -pl.col("score"), "row"]).unique(
                subset=["name"], keep="first", maintain_order=True
            ).head(keep)
