"""``python -m sourcetrace.store.migrations revision MESSAGE``: write the next revision.

The revision is what the models hold that a scratch SQLite database at the current head lacks
(Alembic's autogenerate); it is written to ``versions/`` with the next four-digit id. Read it
before keeping it.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from sqlalchemy import create_engine

from sourcetrace.store.migrations import alembic_config, head, upgrade


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m sourcetrace.store.migrations")
    commands = parser.add_subparsers(dest="command", required=True)
    revision = commands.add_parser("revision", help="write the next revision from the models")
    revision.add_argument("message", help='what the revision does, e.g. "graph tables"')
    args = parser.parse_args(argv)

    from alembic import command

    with tempfile.TemporaryDirectory(prefix="sourcetrace-revision-") as tmp:
        engine = create_engine(f"sqlite:///{Path(tmp) / 'scratch.db'}")
        try:
            upgrade(engine)
            rev_id = f"{int(head()) + 1:04d}"
            with engine.begin() as conn:
                script = command.revision(
                    alembic_config(conn), message=args.message, autogenerate=True, rev_id=rev_id
                )
        finally:
            engine.dispose()
    path = getattr(script, "path", None)
    print(f"wrote {path}: read it, then run pytest tests/store")


if __name__ == "__main__":
    main()
