"""The one exception tree of sourcetrace.

Every error a user can act on is a :class:`SourcetraceError`. Its ``str()`` is a single line that
names the file and, where it applies, the row or column; the CLI prints it and exits with
:attr:`SourcetraceError.exit_code`.

- ``InputError``: an input file (supplier list, bill of lading) cannot be read as asked: missing,
  empty, unknown format, unreadable encoding, unknown column, malformed row.
- ``ListError``: a watchlist file is missing, corrupt or not in the expected format.
- ``OutputError``: the result cannot be written.
- ``ConfigError``: an option or setting has a value that cannot be used.
"""

from __future__ import annotations

from pathlib import Path


class SourcetraceError(Exception):
    """Base of every error sourcetrace raises on purpose."""

    exit_code: int = 2

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.message = message
        self.path = str(path) if path is not None else None
        self.row = row
        self.column = column
        super().__init__(self.line())

    def line(self) -> str:
        """One line for the user: where, then what."""
        where = []
        if self.path:
            where.append(self.path)
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        prefix = ", ".join(where)
        text = " ".join(self.message.split())
        return f"{prefix}: {text}" if prefix else text


class InputError(SourcetraceError):
    """An input file cannot be read as asked."""


class ListError(SourcetraceError):
    """A watchlist file is missing, corrupt or in the wrong format."""


class OutputError(SourcetraceError):
    """The result cannot be written."""


class ConfigError(SourcetraceError):
    """An option or setting has a value that cannot be used."""
