"""The local store: list versions (import, diff) on SQLite by default, PostgreSQL for teams."""

from sourcetrace.store import watch as _watch  # noqa: F401  (registers its tables)
from sourcetrace.store.db import ListStore, ListVersion, resolve_url
from sourcetrace.store.diff import ListDiff, PartyChange, PartyView, diff
from sourcetrace.store.versions import ImportResult, content_hash, import_list

__all__ = [
    "ImportResult",
    "ListDiff",
    "ListStore",
    "ListVersion",
    "PartyChange",
    "PartyView",
    "content_hash",
    "diff",
    "import_list",
    "resolve_url",
]
