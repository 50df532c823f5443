"""Watched portfolios and the hits of their last run, in the same store as the list versions."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Column, Float, ForeignKey, Integer, String, Table, Text, delete, select
from sqlalchemy.exc import SQLAlchemyError

from sourcetrace.store.database import metadata, now, store_error
from sourcetrace.store.db import ListStore

portfolios = Table(
    "watch_portfolios",
    metadata,
    Column("name", String(200), primary_key=True),
    Column("path", Text, nullable=False),
    Column("name_column", String(200)),
    Column("address_column", String(200)),
    Column("country_column", String(200)),
    Column("id_column", String(200)),
    Column("created_at", String(40), nullable=False),
    Column("last_run_at", String(40)),
)

watch_hits = Table(
    "watch_hits",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "portfolio",
        String(200),
        ForeignKey("watch_portfolios.name", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("name", Text, nullable=False),
    Column("entity_id", String(255), nullable=False),
    Column("entity_name", Text, nullable=False),
    Column("decision", String(20), nullable=False),
    Column("score", Float, nullable=False),
    Column("lists", Text, nullable=False),
)


@dataclass(frozen=True, slots=True)
class Portfolio:
    """A supplier list kept under watch, with its column mapping."""

    name: str
    path: str
    name_column: str | None = None
    address_column: str | None = None
    country_column: str | None = None
    id_column: str | None = None
    last_run_at: str | None = None


@dataclass(frozen=True, slots=True)
class WatchHit:
    """A hit of a watched name on a listed entity, as of one run."""

    name: str
    entity_id: str
    entity_name: str
    decision: str
    score: float
    lists: str


def add_portfolio(store: ListStore, portfolio: Portfolio) -> None:
    """Save (or replace) a portfolio; replacing forgets its earlier hits."""
    values = {
        "name": portfolio.name,
        "path": portfolio.path,
        "name_column": portfolio.name_column,
        "address_column": portfolio.address_column,
        "country_column": portfolio.country_column,
        "id_column": portfolio.id_column,
        "created_at": now(),
        "last_run_at": None,
    }
    try:
        with store.engine.begin() as conn:
            conn.execute(delete(watch_hits).where(watch_hits.c.portfolio == portfolio.name))
            conn.execute(delete(portfolios).where(portfolios.c.name == portfolio.name))
            conn.execute(portfolios.insert().values(**values))
    except SQLAlchemyError as exc:
        raise store_error(exc, f"save portfolio {portfolio.name!r}") from None


def list_portfolios(store: ListStore) -> list[Portfolio]:
    with store.engine.connect() as conn:
        rows = conn.execute(select(portfolios).order_by(portfolios.c.name))
        return [
            Portfolio(
                name=r.name,
                path=r.path,
                name_column=r.name_column,
                address_column=r.address_column,
                country_column=r.country_column,
                id_column=r.id_column,
                last_run_at=r.last_run_at,
            )
            for r in rows
        ]


def last_hits(store: ListStore, portfolio: str) -> list[WatchHit]:
    query = select(watch_hits).where(watch_hits.c.portfolio == portfolio).order_by(watch_hits.c.id)
    with store.engine.connect() as conn:
        return [
            WatchHit(r.name, r.entity_id, r.entity_name, r.decision, r.score, r.lists)
            for r in conn.execute(query)
        ]


def record_run(store: ListStore, portfolio: str, hits: list[WatchHit]) -> None:
    """Replace the portfolio's hits with this run's, in one transaction."""
    with store.engine.begin() as conn:
        conn.execute(delete(watch_hits).where(watch_hits.c.portfolio == portfolio))
        if hits:
            conn.execute(
                watch_hits.insert(),
                [
                    {
                        "portfolio": portfolio,
                        "name": h.name,
                        "entity_id": h.entity_id,
                        "entity_name": h.entity_name,
                        "decision": h.decision,
                        "score": h.score,
                        "lists": h.lists,
                    }
                    for h in hits
                ],
            )
        conn.execute(
            portfolios.update().where(portfolios.c.name == portfolio).values(last_run_at=now())
        )
