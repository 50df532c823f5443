"""Engines: where bulk screening runs. ``local`` streams and forks processes; ``spark`` runs the
same row function inside Spark. Both implement :class:`~sourcetrace.engines.base.Engine` and
produce the same output contract, row for row; the use case (:mod:`sourcetrace.screening`) picks
one by name or takes an engine object (``SparkEngine(master=...)``)."""

from __future__ import annotations

from sourcetrace.engines.base import BulkJob, BulkSummary, Engine
from sourcetrace.errors import ConfigError

ENGINES: tuple[str, ...] = ("local", "spark")


def engine_for(name: str) -> Engine:
    """The engine called ``name``; Spark is imported only when asked for."""
    if name == "local":
        from sourcetrace.engines.local import LocalEngine

        return LocalEngine()
    if name == "spark":
        from sourcetrace.engines.spark import SparkEngine

        return SparkEngine()
    raise ConfigError(f"unknown engine {name!r}: use {' or '.join(ENGINES)}")


__all__ = ["ENGINES", "BulkJob", "BulkSummary", "Engine", "engine_for"]
