"""The one store: everything sourcetrace keeps, on SQLite by default, PostgreSQL for teams.

:mod:`sourcetrace.store.database` holds its MetaData, engine factory, clock and error mapping;
the other modules declare their tables on it: list versions (``db``), watched portfolios
(``watch``), saved supply chains (``graphs``, ``chains``) and the workspace's users, keys, jobs,
decisions and audit log (``workspace``).
"""

from sourcetrace.store import watch as _watch  # noqa: F401  (registers its tables)
from sourcetrace.store.database import now, resolve_url
from sourcetrace.store.db import ListStore, ListVersion
from sourcetrace.store.diff import ListDiff, PartyChange, PartyView, diff
from sourcetrace.store.engine import make_engine, schema_revision, shown, upgrade_store
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
    "make_engine",
    "now",
    "resolve_url",
    "schema_revision",
    "shown",
    "upgrade_store",
]
