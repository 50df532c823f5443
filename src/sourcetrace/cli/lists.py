"""``sourcetrace lists``: which watchlists and versions are loaded."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

from sourcetrace.cli import lists_import
from sourcetrace.lists.bundled import bundled_lists, manifest

app = typer.Typer(
    help="Show, import, version and compare the watchlists.", invoke_without_command=True
)
app.command("import")(lists_import.import_)
app.command("diff")(lists_import.diff)
app.command("versions")(lists_import.versions)
app.command("update")(lists_import.update)


@app.callback()
def show(ctx: typer.Context) -> None:
    """Show the loaded lists: name, version, entities, publisher and content hash."""
    if ctx.invoked_subcommand is not None:
        return
    table = Table(title="Bundled watchlists")
    for col in ("list", "title", "version", "entities", "publisher", "content hash"):
        table.add_column(col, overflow="fold")
    for item in bundled_lists():
        table.add_row(
            item.name, item.title, item.version, str(item.entities), item.publisher,
            item.content_hash[:19],
        )
    console = Console()
    console.print(table)
    data = manifest()
    rules = data.get("region_rules") or []
    assert isinstance(rules, list)
    for rule in rules:
        console.print(
            f"region-wide order: {rule['name']} ({rule['merchandise']}, {rule['date']}): applied as "
            "the Xinjiang location signal, not as a party"
        )
