"""What the commands print on standard output: tables and lines, for a terminal or a pipe.

On a terminal a table is a Rich table fitted to the window. When standard output is not a
terminal (a pipe, a file, a CI log) nothing is wrapped: Rich would wrap at 80 columns, mid-word
("decisi/on"), so a table is printed plain instead, its columns padded to their widest cell and
each row on one line, with no colour. ``--format tsv`` (a header, then one tab-separated line per
row) and ``--format json`` (one JSON document) are for scripts; in those formats the lines
around a table (counts, notes) are left out of standard output, so that it parses as it is.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Annotated

import typer
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table


class Format(str, Enum):
    """How a command prints its table."""

    table = "table"
    tsv = "tsv"
    json = "json"


FormatOption = Annotated[
    Format,
    typer.Option(
        "--format",
        help="How to print the table: table (for people), tsv or json (for scripts: the table "
        "alone, nothing else on standard output)",
    ),
]


@dataclass(slots=True)
class Listing:
    """A table to print: named columns, rows of plain values, optional styles per value."""

    columns: list[str]
    rows: list[list[object]] = field(default_factory=list)
    title: str = ""
    #: column -> cell text -> Rich style, on a terminal only (e.g. decision "match" in red).
    styles: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    #: columns aligned right (counts, scores).
    right: Sequence[str] = ()

    def records(self) -> list[dict[str, object]]:
        """The rows as objects keyed by column, for JSON."""
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


def stdout_console() -> Console:
    """Standard output: fitted to a terminal's width, or never wrapped when it is not one."""
    console = Console()
    if console.is_terminal:
        return console
    return Console(soft_wrap=True, no_color=True, highlight=False)


def say(fmt: Format, text: str, console: Console | None = None) -> None:
    """A line around a table (a count, a note): printed with ``--format table`` only."""
    if fmt is Format.table:
        (console or stdout_console()).print(text)


def print_listing(listing: Listing, fmt: Format, console: Console | None = None) -> None:
    """Print ``listing`` in ``fmt``: Rich on a terminal, plain when piped, or TSV or JSON."""
    console = console or stdout_console()
    if fmt is Format.json:
        print_json(listing.records(), console)
    elif fmt is Format.tsv:
        lines = ["\t".join(listing.columns), *("\t".join(map(_cell, r)) for r in listing.rows)]
        _write(console, lines)
    elif console.is_terminal:
        console.print(_rich_table(listing))
    else:
        _write(console, plain_lines(listing))


def print_json(value: object, console: Console | None = None) -> None:
    """One JSON document on standard output (UTF-8 names kept as they are)."""
    text = json.dumps(value, ensure_ascii=False, indent=2, default=str)
    _write(console or stdout_console(), [text])


def _write(console: Console, lines: list[str]) -> None:
    # Past Rich: no markup, no highlighting, no wrapping, whatever the width.
    console.file.write("".join(line + "\n" for line in lines))
    console.file.flush()


def plain_lines(listing: Listing) -> list[str]:
    """The table as lines of text, columns padded to their widest cell, nothing wrapped."""
    cells = [listing.columns, *([_cell(v) for v in row] for row in listing.rows)]
    widths = [max(cell_len(row[i]) for row in cells) for i in range(len(listing.columns))]
    right = set(listing.right)
    lines = [listing.title] if listing.title else []
    for row in cells:
        padded = []
        for i, text in enumerate(row):
            space = " " * (widths[i] - cell_len(text))
            padded.append(space + text if listing.columns[i] in right else text + space)
        lines.append("  ".join(padded).rstrip())
    return lines


def _cell(value: object) -> str:
    """A value as one line of text (a tab or line break inside would break the row)."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}"
    return " ".join(str(value).split()) if isinstance(value, str) else str(value)


def _rich_table(listing: Listing) -> Table:
    table = Table(title=listing.title or None)
    for column in listing.columns:
        table.add_column(
            column, overflow="fold", justify="right" if column in listing.right else "left"
        )
    for row in listing.rows:
        texts = []
        for column, value in zip(listing.columns, row, strict=True):
            text = _cell(value).replace("[", r"\[")
            style = listing.styles.get(column, {}).get(_cell(value))
            texts.append(f"[{style}]{text}[/]" if style else text)
        table.add_row(*texts)
    return table


__all__ = [
    "Format", "FormatOption", "Listing", "plain_lines", "print_json", "print_listing", "say",
    "stdout_console",
]  # fmt: skip
