"""``sourcetrace lists import | diff | versions``: bring official lists in as versions and compare them.

Plain functions, registered as commands on the ``lists`` group in ``cli/__init__.py``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sourcetrace.cli.console import (
    Format,
    FormatOption,
    Listing,
    print_listing,
    say,
    stdout_console,
)
from sourcetrace.cli.progress import StepProgress
from sourcetrace.lists.importers import FORMATS
from sourcetrace.settings import load_settings
from sourcetrace.store import ListDiff, ListStore, import_list

_DB_HELP = (
    "Where list versions are kept: a SQLAlchemy URL (postgresql+psycopg://...) or a SQLite file; "
    "default: sourcetrace.db in the data directory (SOURCETRACE_DATA_DIR)."
)
DbOption = Annotated[str | None, typer.Option("--db", help=_DB_HELP)]


def import_(
    file: Annotated[
        Path,
        typer.Argument(
            help="The list as downloaded from its publisher (for OFAC's legacy CSV: sdn.csv, with "
            "alt.csv and add.csv beside it, or their folder)."
        ),
    ],
    format: Annotated[
        str, typer.Option("--format", "-f", help=f"The file's format: {', '.join(FORMATS)}.")
    ],
    db: DbOption = None,
    name: Annotated[
        str | None,
        typer.Option("--name", help="List name to file the version under (default: per format)."),
    ] = None,
    source: Annotated[
        str | None,
        typer.Option("--source", help="Where the file was downloaded from (URL), for the record."),
    ] = None,
) -> None:
    """Import an official list file as a new version; a file with the same content adds none."""
    with StepProgress("lists import", interval=load_settings().progress_interval) as step:
        step(f"reading {file.name} as {format} and storing its entities")
        with ListStore.open(db) as store:
            result = import_list(file, format, store, list_name=name, source=source)
    version = result.version
    console = stdout_console()
    if result.created:
        console.print(
            f"imported {version.list_name} as version {version.id}: {version.entity_count} "
            f"entities, content {version.content_hash[:19]}"
        )
    else:
        console.print(
            f"unchanged: {version.list_name} version {version.id} (imported "
            f"{version.imported_at}) already has this content; no version added"
        )


def diff(
    old: Annotated[int, typer.Argument(help="The earlier version's id (see `lists versions`).")],
    new: Annotated[int, typer.Argument(help="The later version's id.")],
    db: DbOption = None,
    format: FormatOption = Format.table,
) -> None:
    """Show what changed between two list versions: parties added, removed and changed."""
    with ListStore.open(db) as store:
        before, after = store.version(old), store.version(new)
        changes = store.diff(old, new)
    say(
        format,
        f"{before.list_name} v{before.id} ({before.imported_at}) -> "
        f"{after.list_name} v{after.id} ({after.imported_at})",
    )
    _print_diff(changes, format)


def _print_diff(changes: ListDiff, fmt: Format) -> None:
    if changes.empty and fmt is Format.table:
        say(fmt, "no listed party was added, removed or changed")
        return
    listing = Listing(["change", "entity", "name", "details"])
    for view in changes.added:
        listing.rows.append(["added", view.id, view.caption, "; ".join(sorted(view.sections))])
    for view in changes.removed:
        listing.rows.append(["removed", view.id, view.caption, "; ".join(sorted(view.sections))])
    for change in changes.changed:
        details = [
            *(f"+ {n}" for n in change.added_names),
            *(f"- {n}" for n in change.removed_names),
            *(f"+ section {s}" for s in change.added_sections),
            *(f"- section {s}" for s in change.removed_sections),
            *(f"changed {c}" for c in change.changed),
        ]
        listing.rows.append(["changed", change.id, change.caption, "; ".join(details)])
    print_listing(listing, fmt)
    say(
        fmt,
        f"{len(changes.added)} added, {len(changes.removed)} removed, "
        f"{len(changes.changed)} changed",
    )


def versions(db: DbOption = None, format: FormatOption = Format.table) -> None:
    """List the imported list versions; the newest of each list is the one in force."""
    with ListStore.open(db) as store:
        found = store.versions()
    if not found and format is Format.table:
        say(format, "no list versions yet: import one with `sourcetrace lists import`")
        return
    in_force = {v.list_name: v.id for v in found}
    listing = Listing(
        ["id", "list", "format", "imported at", "entities", "content hash", "source", "status"],
        title="List versions", right=["id", "entities"],
    )  # fmt: skip
    for v in found:
        listing.rows.append([
            v.id, v.list_name, v.format, v.imported_at, v.entity_count, v.content_hash[:19],
            v.source, "in force" if in_force[v.list_name] == v.id else "",
        ])  # fmt: skip
    print_listing(listing, format)


def update(
    name: Annotated[str, typer.Argument(help="The list to update, e.g. us_ofac_sdn, us_dhs_uflpa")],
    url: Annotated[
        str | None, typer.Option("--url", help="Download from this address instead")
    ] = None,
    format: Annotated[
        str | None, typer.Option("--format", "-f", help="The file's format (with --url)")
    ] = None,
    timeout: Annotated[float, typer.Option(help="Seconds to wait for the server")] = 30.0,
    db: DbOption = None,
) -> None:
    """Download a list from its official address and store it as a new version (explicit only)."""
    from sourcetrace.updating import update_list

    with ListStore.open(db) as store:
        result = update_list(store, name, url=url, fmt=format, timeout=timeout)
    version = result.version
    word = "updated" if result.created else "unchanged"
    stdout_console().print(
        f"{word}: {version.list_name} version {version.id}, {version.entity_count} entities "
        f"({version.source})"
    )
