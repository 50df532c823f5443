"""``sourcetrace lists``: which watchlists and versions are loaded."""

from __future__ import annotations

import typer

from sourcetrace.cli import lists_import
from sourcetrace.cli.console import Format, FormatOption, Listing, print_listing, say
from sourcetrace.lists.bundled import bundled_lists, manifest

app = typer.Typer(
    help="Show, import, version and compare the watchlists.", invoke_without_command=True
)
app.command("import")(lists_import.import_)
app.command("diff")(lists_import.diff)
app.command("versions")(lists_import.versions)
app.command("update")(lists_import.update)


@app.callback()
def show(ctx: typer.Context, format: FormatOption = Format.table) -> None:
    """Show the loaded lists: name, version, entities, publisher and content hash."""
    if ctx.invoked_subcommand is not None:
        return
    listing = Listing(
        ["list", "title", "version", "entities", "publisher", "content hash"],
        title="Bundled watchlists", right=["entities"],
    )  # fmt: skip
    for item in bundled_lists():
        listing.rows.append([
            item.name, item.title, item.version, item.entities, item.publisher,
            item.content_hash[:19],
        ])  # fmt: skip
    print_listing(listing, format)
    data = manifest()
    rules = data.get("region_rules") or []
    assert isinstance(rules, list)
    for rule in rules:
        say(
            format,
            f"region-wide order: {rule['name']} ({rule['merchandise']}, {rule['date']}): applied "
            "as the Xinjiang location signal, not as a party",
        )
