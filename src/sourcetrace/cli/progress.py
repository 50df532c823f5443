"""Progress of a long run on standard error: a bar on a terminal, a line now and then in a log.

On a terminal: a Rich bar with the rows done of the total, the rate and the time left, gone when
the run ends. When standard error is not a terminal (a log file, CI, ``2>run.log``): one plain
line every ``SOURCETRACE_PROGRESS_INTERVAL`` seconds (5 by default), from a timer, so that a log
shows the run is alive even while one large chunk is being screened; and a last line with the
total time, if any line was written. ``-q`` writes nothing. An error or Ctrl-C ends the display
without a last line, so that the error is the one line the run leaves.
"""

from __future__ import annotations

import sys
import threading
import time
import weakref
from types import TracebackType
from typing import Self, TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text


class RowProgress:
    """Rows done of a long run, reported as it goes (see the module's docstring)."""

    def __init__(
        self,
        label: str,
        total: int | None = None,
        *,
        quiet: bool = False,
        interval: float = 5.0,
        stream: TextIO | None = None,
        unit: str = "rows",
    ) -> None:
        self.label, self.total, self.unit, self.interval = label, total, unit, interval
        self.done = 0
        self.quiet = quiet
        self._stream = stream if stream is not None else sys.stderr
        self._began = time.monotonic()
        self._lines = 0
        self._stop = threading.Event()
        self._timer: threading.Thread | None = None
        self._bar: Progress | None = None
        self._task = None
        self._shown = False
        self._lock = threading.Lock()  # the engine reports from its pool's thread too
        if not quiet and self._stream.isatty():
            console = Console(file=self._stream)
            self._bar = Progress(
                TextColumn(label), BarColumn(), MofNCompleteColumn(), TextColumn(unit),
                RateColumn(unit), TextColumn("eta"), TimeRemainingColumn(), TimeElapsedColumn(),
                console=console, transient=True,
            )  # fmt: skip
            self._task = self._bar.add_task(label, total=total)

    def __enter__(self) -> Self:
        self._began = time.monotonic()
        if self._bar is None and not self.quiet:
            self._timer = threading.Thread(target=self._tick, name="sourcetrace-progress",
                                           daemon=True)  # fmt: skip
            self._timer.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        if self._timer is not None:
            self._timer.join()
        if self._bar is not None and self._shown:
            self._bar.stop()
        if kind is None and self._lines:
            seconds = time.monotonic() - self._began
            self._write(f"{self.label}: {self.done:,} {self.unit} in {seconds:,.1f} s")

    def advance(self, rows: int) -> None:
        """``rows`` more are done (called from any thread)."""
        with self._lock:
            self.done += rows
        if self._bar is not None and self._task is not None:
            self._show()
            self._bar.update(self._task, advance=rows)

    def set_total(self, total: int | None) -> None:
        """The total, once it is known."""
        self.total = total
        if self._bar is not None and self._task is not None:
            self._show()
            self._bar.update(self._task, total=total)

    def _show(self) -> None:
        # The bar appears with the first news, not before: a run too small to report (see
        # ``progress_min_rows``) never flashes one.
        if not self._shown and self._bar is not None:
            self._shown = True
            self._bar.start()
            if self._task is not None:
                self._bar.reset(self._task, total=self.total, completed=self.done)

    def line(self) -> str:
        """The state as one line: rows done (of the total), rate, time left."""
        seconds = max(time.monotonic() - self._began, 1e-9)
        rate = self.done / seconds
        text = f"{self.label}: {self.done:,}"
        if self.total:
            share = min(self.done / self.total, 1.0)
            text += f" of {self.total:,} {self.unit} ({share:.0%})"
        else:
            text += f" {self.unit}"
        text += f", {rate:,.0f} {self.unit}/s, {seconds:,.0f} s elapsed"
        if self.total and rate > 0 and self.done < self.total:
            text += f", about {(self.total - self.done) / rate:,.0f} s left"
        return text

    def _tick(self) -> None:
        while not self._stop.wait(self.interval):
            self._write(self.line())

    def _write(self, text: str) -> None:
        try:
            self._stream.write(text + "\n")
            self._stream.flush()
            self._lines += 1
        except (OSError, ValueError):  # a closed log: the run goes on without it
            pass


class StepProgress:
    """What a long command without a row count is doing (trace, lists import, watch run).

    On a terminal, a line per step as it starts, with the seconds since the command began. In a
    log, a line every ``interval`` seconds with the step under way, from a timer: a run shorter
    than that writes nothing, so scripts get the summary alone. The timer stops at the step
    ``"done"``, at :meth:`close`, or when this object is dropped (the command ended in an error).
    """

    def __init__(
        self, label: str, *, quiet: bool = False, interval: float = 5.0,
        stream: TextIO | None = None,
    ) -> None:  # fmt: skip
        self.label = label
        self._stream = stream if stream is not None else sys.stderr
        self._console = Console(file=self._stream) if not quiet and self._stream.isatty() else None
        self._began = time.monotonic()
        self._state = {"step": "starting"}
        self._stop = threading.Event()
        self._timer: threading.Thread | None = None
        if not quiet and self._console is None:
            self._timer = threading.Thread(
                target=_step_lines,
                args=(label, self._state, self._stop, self._stream, interval, self._began),
                name="sourcetrace-steps", daemon=True,
            )  # fmt: skip
            self._timer.start()
            weakref.finalize(self, self._stop.set)

    def __call__(self, what: str) -> None:
        self._state["step"] = what
        if self._console is not None:
            seconds = time.monotonic() - self._began
            self._console.print(f"[dim]{seconds:6.1f} s  {what}[/]", highlight=False)
        if what == "done":
            self.close()

    def close(self) -> None:
        """Stop the timer (idempotent)."""
        self._stop.set()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _step_lines(
    label: str, state: dict[str, str], stop: threading.Event, stream: TextIO, interval: float,
    began: float,
) -> None:  # fmt: skip
    # A function, not a method: the thread must not keep the StepProgress alive.
    while not stop.wait(interval):
        try:
            stream.write(f"{label}: {state['step']} ({time.monotonic() - began:,.0f} s elapsed)\n")
            stream.flush()
        except (OSError, ValueError):  # the stream is closed: nobody is reading any more
            return


class RateColumn(ProgressColumn):
    """Rows per second, from Rich's own speed estimate."""

    def __init__(self, unit: str = "rows") -> None:
        super().__init__()
        self.unit = unit

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:,.0f} {self.unit}/s" if speed else f"- {self.unit}/s")


__all__ = ["RateColumn", "RowProgress", "StepProgress"]
