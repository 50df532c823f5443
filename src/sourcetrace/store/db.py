"""The list-version store: imported list versions and their FtM entities, on SQLAlchemy Core.

An embedded SQLite file by default (``<data_dir>/sourcetrace.db``), any SQLAlchemy URL otherwise
(``postgresql+psycopg://...`` for teams); the SQL used is the portable subset both accept. Two
tables: ``list_versions`` (one row per import that changed a list) and ``list_entities`` (the
entities of each version, as canonical FtM JSON). The version in force for a list is its newest.

The tables are on the store's one :data:`~sourcetrace.store.database.metadata`, and the engine
is :func:`~sourcetrace.store.database.make_engine`'s, which runs the migrations up to the newest.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self

import orjson
from sqlalchemy import (
    Column,
    Engine,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    select,
)
from sqlalchemy.exc import SQLAlchemyError

from sourcetrace.errors import ListError
from sourcetrace.settings import Settings
from sourcetrace.store.database import metadata, now, resolve_url, store_error
from sourcetrace.store.diff import ListDiff, diff
from sourcetrace.store.engine import make_engine

__all__ = ["ListStore", "ListVersion", "list_entities", "list_versions", "resolve_url"]

list_versions = Table(
    "list_versions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("list_name", String(200), nullable=False),
    Column("format", String(50), nullable=False),
    Column("imported_at", String(40), nullable=False),  # ISO 8601, UTC: sorts and ports as text
    Column("source", Text, nullable=False),
    Column("source_hash", String(80), nullable=False),
    Column("content_hash", String(80), nullable=False),
    Column("entity_count", Integer, nullable=False),
    Index("ix_list_versions_name", "list_name", "id"),
)

list_entities = Table(
    "list_entities",
    metadata,
    Column(
        "version_id",
        Integer,
        ForeignKey("list_versions.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("entity_id", String(255), primary_key=True),
    Column("schema_name", String(64), nullable=False),
    Column("data", Text, nullable=False),
)


@dataclass(frozen=True, slots=True)
class ListVersion:
    """One imported version of a list, with where it came from and what it holds."""

    id: int
    list_name: str
    format: str
    imported_at: str
    source: str
    source_hash: str
    content_hash: str
    entity_count: int


class ListStore:
    """Read and write list versions; use as a context manager so connections are closed."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine: Engine = make_engine(url)

    @classmethod
    def open(cls, db: str | Path | None = None, settings: Settings | None = None) -> ListStore:
        """The store at ``db`` (URL or path), or the default file under ``settings.data_dir``."""
        return cls(resolve_url(db, settings))

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def versions(self, list_name: str | None = None) -> list[ListVersion]:
        """Every version (of one list, if named), oldest first."""
        query = select(list_versions).order_by(list_versions.c.id)
        if list_name is not None:
            query = query.where(list_versions.c.list_name == list_name)
        with self.engine.connect() as conn:
            return [ListVersion(**row._mapping) for row in conn.execute(query)]

    def version(self, version_id: int) -> ListVersion:
        """One version by id; an unknown id is a ListError."""
        query = select(list_versions).where(list_versions.c.id == version_id)
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        if row is None:
            raise ListError(f"no list version {version_id} in the store ({self.url})")
        return ListVersion(**row._mapping)

    def latest(self, list_name: str) -> ListVersion | None:
        """The version in force for ``list_name``: the newest one imported."""
        found = self.versions(list_name)
        return found[-1] if found else None

    def in_force(self) -> list[ListVersion]:
        """The version in force (the newest) of every list in the store, by list name."""
        newest: dict[str, ListVersion] = {}
        for version in self.versions():
            newest[version.list_name] = version
        return [newest[name] for name in sorted(newest)]

    def entities(self, version_id: int) -> list[dict[str, Any]]:
        """The FtM entity dicts of one version, ordered by entity id."""
        self.version(version_id)
        query = (
            select(list_entities.c.data)
            .where(list_entities.c.version_id == version_id)
            .order_by(list_entities.c.entity_id)
        )
        with self.engine.connect() as conn:
            return [orjson.loads(data) for (data,) in conn.execute(query)]

    def versions_with(self, entity_id: str) -> list[ListVersion]:
        """Every version whose entities include ``entity_id``, oldest first."""
        query = (
            select(list_versions)
            .join(list_entities, list_entities.c.version_id == list_versions.c.id)
            .where(list_entities.c.entity_id == entity_id)
            .order_by(list_versions.c.id)
        )
        with self.engine.connect() as conn:
            return [ListVersion(**row._mapping) for row in conn.execute(query)]

    def diff(self, old_id: int, new_id: int) -> ListDiff:
        """What changed from version ``old_id`` to version ``new_id``."""
        return diff(self.entities(old_id), self.entities(new_id))

    def export_jsonl(self, version_id: int, path: Path) -> Path:
        """Write one version as an FtM JSON-lines file, the form the screener reads."""
        lines = [
            orjson.dumps(e, option=orjson.OPT_SORT_KEYS) + b"\n" for e in self.entities(version_id)
        ]
        path.write_bytes(b"".join(lines))
        return path

    def add_version(
        self,
        *,
        list_name: str,
        fmt: str,
        source: str,
        source_hash: str,
        content_hash: str,
        entities: Sequence[dict[str, Any]],
    ) -> tuple[ListVersion, bool]:
        """Store a new version in one transaction, unless the one in force has the same content.

        Returns the version and whether it was created. Any failure rolls the whole version back,
        so the version in force stays what it was.
        """
        rows = [
            {
                "entity_id": str(e["id"]),
                "schema_name": str(e["schema"]),
                "data": orjson.dumps(e, option=orjson.OPT_SORT_KEYS).decode("utf-8"),
            }
            for e in entities
        ]
        imported_at = now()
        try:
            with self.engine.begin() as conn:
                latest = conn.execute(
                    select(list_versions)
                    .where(list_versions.c.list_name == list_name)
                    .order_by(list_versions.c.id.desc())
                    .limit(1)
                ).first()
                if latest is not None and latest.content_hash == content_hash:
                    return ListVersion(**latest._mapping), False
                values = {
                    "list_name": list_name,
                    "format": fmt,
                    "imported_at": imported_at,
                    "source": source,
                    "source_hash": source_hash,
                    "content_hash": content_hash,
                    "entity_count": len(rows),
                }
                result = conn.execute(list_versions.insert().values(**values))
                key = result.inserted_primary_key
                assert key is not None
                version_id = int(key[0])
                if rows:
                    conn.execute(
                        list_entities.insert(), [{**r, "version_id": version_id} for r in rows]
                    )
        except SQLAlchemyError as exc:
            raise store_error(exc, "store the list version", ListError) from None
        return ListVersion(id=version_id, **values), True  # type: ignore[arg-type]
