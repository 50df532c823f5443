"""Watching portfolios, the use case of ``sourcetrace watch``: keep supplier lists under watch,
re-screen every one against the current lists, report what is new.

:func:`watch_file` saves a file and its column mapping as a portfolio; :func:`run_watch` runs
them all. The portfolios and their last hits are kept in the store (:mod:`sourcetrace.store.watch`);
the command (:mod:`sourcetrace.cli.watch`) parses and prints.

The current lists are, for every list imported into the store, its version in force, plus the
bundled lists that no stored list replaces (see :func:`sourcetrace.screening.load_lists`). A run
compares each portfolio's hits (name, listed entity) with its previous run's: ``new`` (a hit that was not there), ``changed`` (same name and entity, another decision or
listing) and ``removed`` (the entity no longer hits: it left the list, or its entry changed).
The first run of a portfolio reports every hit as new.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from sourcetrace.io.readers import detect_columns, read_table
from sourcetrace.screening import ListUsed, exported_lists, screen
from sourcetrace.settings import Settings
from sourcetrace.store.db import ListStore
from sourcetrace.store.watch import (
    Portfolio,
    WatchHit,
    add_portfolio,
    last_hits,
    list_portfolios,
    record_run,
)


@dataclass(frozen=True, slots=True)
class Change:
    portfolio: str
    change: str  # "new", "changed" or "removed"
    hit: WatchHit
    before: WatchHit | None = None


def current_hits(
    portfolio: Portfolio,
    lists: list[tuple[Path, ListUsed]],
    settings: Settings | None,
    default_lists: bool = True,
) -> list[WatchHit]:
    """Screen the portfolio; one hit per distinct (name, entity) at review or above."""
    run = screen(
        portfolio.path,
        name_column=portfolio.name_column,
        address_column=portfolio.address_column,
        country_column=portfolio.country_column,
        id_column=portfolio.id_column,
        stored=lists,
        default_lists=default_lists,
        settings=settings,
    )
    hits: dict[tuple[str, str], WatchHit] = {}
    for result in run.results:
        if result.hit is None:
            continue
        h = result.hit
        key = (result.record.name, h.entity.id)
        hits.setdefault(
            key,
            WatchHit(
                result.record.name,
                h.entity.id,
                h.entity.caption,
                result.decision.value,
                round(result.score, 4),
                h.entity.lists_label(),
            ),
        )
    return list(hits.values())


def compare(portfolio: str, before: list[WatchHit], now: list[WatchHit]) -> list[Change]:
    """What is new, changed or removed since the previous run (pure)."""
    old = {(h.name, h.entity_id): h for h in before}
    new = {(h.name, h.entity_id): h for h in now}
    changes: list[Change] = []
    for key, hit in new.items():
        prev = old.get(key)
        if prev is None:
            changes.append(Change(portfolio, "new", hit))
        elif (prev.decision, prev.lists) != (hit.decision, hit.lists):
            changes.append(Change(portfolio, "changed", hit, prev))
    for key, hit in old.items():
        if key not in new:
            changes.append(Change(portfolio, "removed", hit))
    return changes


def watch_file(
    name: str,
    file: Path,
    name_column: str | None = None,
    address_column: str | None = None,
    country_column: str | None = None,
    id_column: str | None = None,
    db: str | None = None,
) -> tuple[Portfolio, int]:
    """Save ``file`` (read now, to check it and its columns; again at every run) and its column
    mapping as portfolio ``name``, replacing one of that name; returns it and its row count."""
    path = file.resolve()
    frame = read_table(path)
    columns = detect_columns(path, list(frame.columns), name_column, address_column,
                             country_column, id_column)  # fmt: skip
    portfolio = Portfolio(name, str(path), columns.name, columns.address, columns.country,
                          columns.identifier)  # fmt: skip
    with ListStore.open(db) as store:
        add_portfolio(store, portfolio)
    return portfolio, frame.height


def run_watch(
    db: str | None = None, settings: Settings | None = None, default_lists: bool = True
) -> list[Change]:
    """Re-screen every portfolio in the store ``db``; record this run's hits; return the
    changes."""
    with ListStore.open(db, settings) as store:
        return _run(store, settings, default_lists)


def _run(store: ListStore, settings: Settings | None, default_lists: bool) -> list[Change]:
    changes: list[Change] = []
    with tempfile.TemporaryDirectory(prefix="sourcetrace-watch-") as tmp:
        lists = exported_lists(store, Path(tmp))
        for portfolio in list_portfolios(store):
            now = current_hits(portfolio, lists, settings, default_lists)
            changes.extend(compare(portfolio.name, last_hits(store, portfolio.name), now))
            record_run(store, portfolio.name, now)
    return changes
