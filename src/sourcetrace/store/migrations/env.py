"""Alembic's entry point: runs the revisions on the connection that ``upgrade`` locked.

Not meant for the ``alembic`` command: use ``sourcetrace db upgrade`` (or open the store), or
``python -m sourcetrace.store.migrations revision MESSAGE`` to write a revision.
"""

from __future__ import annotations

from alembic import context

from sourcetrace.store.migrations import models

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError(
        "sourcetrace's migrations run through sourcetrace.store.migrations.upgrade "
        "(`sourcetrace db upgrade`), not through the alembic command"
    )
context.configure(
    connection=connection,
    target_metadata=models(),
    version_table=context.config.get_main_option("version_table") or "alembic_version",
    render_as_batch=True,  # ALTER on SQLite by copying the table
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
