"""How to read one input table: encoding, sheet, header row, and the limits it must stay within."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sourcetrace.settings import Settings, load_settings


@dataclass(frozen=True, slots=True)
class Limits:
    """What one input may hold; exceeding any of them refuses the file while it is read."""

    max_bytes: int
    max_rows: int
    max_columns: int
    max_cell_chars: int
    max_compression_ratio: int

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> Limits:
        """The limits set in ``settings`` (by default: defaults, then ``SOURCETRACE_*``)."""
        s = settings or load_settings()
        return cls(
            max_bytes=s.max_input_bytes,
            max_rows=s.max_input_rows,
            max_columns=s.max_input_columns,
            max_cell_chars=s.max_cell_chars,
            max_compression_ratio=s.max_compression_ratio,
        )


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """The reading choices of one input table, shared by screening and tracing.

    ``sheet`` is a sheet name or a 1-based sheet number (XLSX only); ``header_row`` is the
    1-based row of the file that holds the column names (None: detected). ``name_column``, when
    the user named it, helps find the header row. ``notice`` receives one-line notes on choices the
    reader made for the user (which sheet, which header row) so the command can print them.
    """

    encoding: str | None = None
    sheet: str | None = None
    header_row: int | None = None
    name_column: str | None = None
    limits: Limits = field(default_factory=Limits.from_settings)
    notice: Callable[[str], None] | None = None

    def note(self, message: str) -> None:
        """Pass a note on the reader's choice to whoever asked to hear it."""
        if self.notice is not None:
            self.notice(message)
