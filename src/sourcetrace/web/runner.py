"""Screening uploaded files and tracing supply chains in the background.

The upload request stores the file in a private temporary folder, queues a job in the store and
returns; this process's runner thread then reads and screens the file, reporting progress to the
store, and stores the results (or the one-line error) when it ends. Because the job's state is in
the store, a reloaded page and every other server process see it.

One thread per server process screens one file at a time (matching is CPU-bound, so more
threads in one process would not go faster); ``sourcetrace serve --workers N`` screens up to N
files at once. A second thread traces one supply chain at a time, in a child process held to a
time and a memory limit (:mod:`sourcetrace.web.tracer`), so that a long trace holds up no
screening. A job cancelled (:func:`~sourcetrace.workspace.jobs.cancel_job`, from any server
process) stops at its next progress report; a trace's child is killed within a second. A job is not resumed after its process ends: the uploaded copy is gone with it.
Instead such a job is marked failed ("interrupted"), so that none stays running forever:

- on a clean stop (Ctrl-C, SIGTERM), by the stopping process itself;
- when a server starts, for jobs of processes of this machine that no longer exist (a crash,
  ``kill -9``);
- by any live server, for jobs whose process has not said it is alive for
  :attr:`JobRunner.stale_after` seconds (another machine sharing a PostgreSQL store).

Uploaded copies live in folders made by :func:`upload_folder`, which name their process; a
server that starts removes those of processes of this machine that no longer exist (the copy a
``kill -9`` left behind), as it fails their jobs.
"""

from __future__ import annotations

import logging
import os
import queue
import secrets
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine

from sourcetrace.errors import SourcetraceError
from sourcetrace.screening import ScreeningRun, ScreenOptions, screen
from sourcetrace.settings import Settings
from sourcetrace.web.tracer import TraceSpec, run_trace
from sourcetrace.web.wording import web_words
from sourcetrace.workspace.jobs import (
    fail_job,
    finish_job,
    job_status,
    keep_alive,
    queue_job,
    record_progress,
    start_job,
    unfinished_jobs,
)

log = logging.getLogger(__name__)

INTERRUPTED = (
    "interrupted: the server stopped before the screening finished; nothing was stored. "
    "Upload the file again."
)
TRACE_INTERRUPTED = (
    "interrupted: the server stopped before the tracing finished; nothing was stored. "
    "Upload the chain again."
)


class _Stopped(Exception):
    """The runner is stopping: the job in progress ends (as failed) at its next progress report."""


class _TimedOut(Exception):
    """The screening took longer than ``screen_job_seconds``: it ends at its next progress
    report, as failed, storing nothing."""


@dataclass(frozen=True, slots=True)
class _Task:
    job_id: int
    path: Path | None
    """The uploaded copy, in a folder deleted when the job ends (a trace: the folder of its
    files, or None for a saved graph)."""
    filename: str
    columns: Mapping[str, str | None] = field(default_factory=dict)  # screen()'s *_column options
    # The form's sheet, header_row and encoding, when given.
    reading: Mapping[str, str | int | None] = field(default_factory=dict)
    trace: TraceSpec | None = None
    """A trace job: what to trace."""


class JobRunner:
    """Runs this process's screening jobs, one at a time, and keeps their state in the store."""

    def __init__(
        self,
        engine: Engine,
        settings: Settings,
        *,
        heartbeat: float = 5.0,
        stale_after: float = 60.0,
        progress_every: float = 0.5,
    ) -> None:
        self.engine = engine
        self.settings = settings
        self.heartbeat = heartbeat
        """Seconds between this process's "alive" notes on its jobs."""
        self.stale_after = stale_after
        """Seconds without such a note after which a job counts as interrupted."""
        self.progress_every = progress_every
        self.worker = ""
        """This process, as ``host:pid:token`` (set by :meth:`start`, in the serving process)."""
        self._tasks: queue.Queue[_Task | None] = queue.Queue()
        self._traces: queue.Queue[_Task | None] = queue.Queue()
        self._active: set[int] = set()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        """Mark the jobs of ended processes failed and start the screening and heartbeat threads."""
        with self._lock:
            if self._threads:
                return
            self.worker = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"
            self._stop.clear()
            self._tasks = queue.Queue()
            self._traces = queue.Queue()
            self._threads = [
                threading.Thread(target=self._work, name="sourcetrace-jobs", daemon=True),
                threading.Thread(target=self._trace_work, name="sourcetrace-traces", daemon=True),
                threading.Thread(target=self._beat, name="sourcetrace-jobs-alive", daemon=True),
            ]
        try:
            self.fail_interrupted()
        except Exception:  # the store is unreachable: the heartbeat thread tries again
            log.exception("could not check for interrupted jobs")
        try:
            for path in remove_orphaned_uploads():
                log.info("removed %s, left by a server that ended during an upload", path)
        except OSError:  # the temporary folder cannot be read: nothing to do about it here
            log.exception("could not look for uploaded copies left by ended servers")
        for thread in self._threads:
            thread.start()

    def add(
        self,
        path: Path,
        *,
        filename: str,
        file_hash: str,
        actor: str,
        columns: Mapping[str, str | None] | None = None,
        reading: Mapping[str, str | int | None] | None = None,
    ) -> int:
        """Queue a job that screens ``path``; returns its id at once.

        ``columns`` names the columns to read (``name_column``, ``address_column``,
        ``country_column``, ``id_column``); a column not given is detected. ``reading`` gives
        the ``sheet``, ``header_row`` and ``encoding`` when the form did. The runner owns
        ``path``'s folder from now on and deletes it when the job ends.
        """
        self.start()
        try:
            job_id = queue_job(
                self.engine, filename=filename, file_hash=file_hash, actor=actor, worker=self.worker
            )
        except Exception:
            shutil.rmtree(path.parent, ignore_errors=True)
            raise
        with self._lock:
            self._active.add(job_id)
        self._tasks.put(_Task(job_id, path, filename, dict(columns or {}), dict(reading or {})))
        return job_id

    def add_trace(
        self,
        folder: Path | None,
        *,
        filename: str,
        file_hash: str,
        actor: str,
        uploads: Mapping[str, tuple[Path, str, str]] | None = None,
        graph: str | None = None,
        counts: dict[str, int] | None = None,
    ) -> int:
        """Queue a job that traces a chain for the map: the ``uploads`` in ``folder`` (by role:
        path, name as uploaded, hash), or the saved ``graph``; returns its id at once. The
        runner owns ``folder`` from now on and deletes it when the job ends. ``counts``: what
        the chain holds (links, holdings, party names), for its page."""
        self.start()
        try:
            job_id = queue_job(self.engine, filename=filename, file_hash=file_hash, actor=actor,
                               worker=self.worker, kind="trace", counts=counts)  # fmt: skip
        except Exception:
            if folder is not None:
                shutil.rmtree(folder, ignore_errors=True)
            raise
        files = None
        if uploads is not None:
            files = {role: {"path": str(path), "filename": name, "file_hash": digest}
                     for role, (path, name, digest) in uploads.items()}  # fmt: skip
        url = self.engine.url.render_as_string(hide_password=False)
        spec = TraceSpec(job_id, url, actor, uploads=files, graph=graph)
        with self._lock:
            self._active.add(job_id)
        path = folder / "links" if folder is not None else None
        self._traces.put(_Task(job_id, path, filename, trace=spec))
        return job_id

    def stop(self, timeout: float = 10.0) -> None:
        """Stop: queued jobs and those in progress end as failed (interrupted); a trace's child
        process is killed."""
        self._stop.set()
        for tasks in (self._tasks, self._traces):
            while True:
                try:
                    task = tasks.get_nowait()
                except queue.Empty:
                    break
                if task is not None:
                    self._end(task, _interrupted(task))
        self._tasks.put(None)
        self._traces.put(None)
        for thread in self._threads:
            thread.join(timeout)
        with self._lock:
            left, self._threads = sorted(self._active), []
        for job_id in left:  # a thread still reading a large file: it stores nothing after this
            self._fail(job_id, INTERRUPTED)

    def fail_interrupted(self) -> list[int]:
        """Mark failed the queued and running jobs whose process has ended; returns their ids."""
        stale = (datetime.now(UTC) - timedelta(seconds=self.stale_after)).strftime(
            "%Y-%m-%dT%H:%M:%S.%fZ"
        )
        ended = [
            job
            for job in unfinished_jobs(self.engine)
            if job.worker != self.worker
            and ((job.updated_at or "") < stale or not _process_alive(job.worker))
        ]
        return [
            job.id
            for job in ended
            if self._fail(job.id, TRACE_INTERRUPTED if job.kind == "trace" else INTERRUPTED)
        ]

    # --- threads ---------------------------------------------------------------------------------

    def _work(self) -> None:
        while (task := self._tasks.get()) is not None:
            if self._stop.is_set():
                self._end(task, INTERRUPTED)
                continue
            try:
                self._run(task)
            except Exception:  # never let one job end the thread
                log.exception("screening job %s failed unexpectedly", task.job_id)
                self._end(task, f"{task.filename}: screening failed unexpectedly.")

    def _trace_work(self) -> None:
        while (task := self._traces.get()) is not None:
            if self._stop.is_set():
                self._end(task, TRACE_INTERRUPTED)
                continue
            try:
                self._trace(task)
            except Exception:  # never let one job end the thread
                log.exception("trace job %s failed unexpectedly", task.job_id)
                self._end(task, f"{task.filename}: tracing failed unexpectedly.")

    def _trace(self, task: _Task) -> None:
        assert task.trace is not None
        if not start_job(self.engine, task.job_id):
            self._end(task, None)  # cancelled, or failed as the server was thought gone
            return
        checked = time.monotonic()

        def halt() -> str | None:
            nonlocal checked
            if self._stop.is_set():
                return TRACE_INTERRUPTED
            if time.monotonic() - checked >= 1.0:  # cancelled, maybe from another process
                checked = time.monotonic()
                if job_status(self.engine, task.job_id) != "running":
                    return "cancelled"  # the job keeps the reason it was given
            return None

        self._end(task, run_trace(task.trace, self.settings, halt))

    def _beat(self) -> None:
        while not self._stop.wait(self.heartbeat):
            try:
                with self._lock:
                    active = set(self._active)
                keep_alive(self.engine, active)
                self.fail_interrupted()
            except Exception:
                log.exception("could not update the state of screening jobs")

    def _run(self, task: _Task) -> None:
        if not start_job(self.engine, task.job_id):
            self._end(task, None)  # already failed (the server was thought gone)
            return
        try:
            # The list versions in force in this store replace the bundled ones, as in the CLI.
            url = self.engine.url.render_as_string(hide_password=False)
            assert task.path is not None  # an upload's copy
            options = ScreenOptions(
                db=url,
                name_column=task.columns.get("name_column"),
                address_column=task.columns.get("address_column"),
                country_column=task.columns.get("country_column"),
                id_column=task.columns.get("id_column"),
                sheet=_text(task.reading.get("sheet")),
                header_row=_number(task.reading.get("header_row")),
                encoding=_text(task.reading.get("encoding")),
            )
            run = screen(
                task.path,
                options=options,
                settings=self.settings,
                progress=self._progress(task.job_id),
            )
        except _Stopped:
            self._end(task, INTERRUPTED)
            return
        except _TimedOut:
            limit = self.settings.screen_job_seconds
            self._end(task, f"stopped at the time limit: screening may take {limit:g} s "
                            "(SOURCETRACE_SCREEN_JOB_SECONDS); nothing was stored. Split the "
                            "file, or screen it with the command (sourcetrace screen).")  # fmt: skip
            return
        except SourcetraceError as exc:
            # Name the file as the user knows it, not the temporary copy, and say what to do
            # on the upload form where the reader names a command-line option.
            shown = SourcetraceError(
                exc.message, path=task.filename, row=exc.row, column=exc.column
            )
            self._end(task, web_words(shown.line()) + "; nothing was stored.")
            return
        except Exception as exc:  # a reader library failing on a malformed file
            log.info("screening job %s: %s", task.job_id, exc, exc_info=True)
            self._end(
                task,
                f"{task.filename}: the file could not be read ({type(exc).__name__}); "
                "nothing was stored.",
            )
            return
        self._store(task, run)

    def _store(self, task: _Task, run: ScreeningRun) -> None:
        try:
            # The uploaded copy is deleted when the job ends: its bytes are kept in the store,
            # with the results, for the job's evidence pack. It goes before the job shows as
            # done, so that nobody who sees "done" finds the copy still on disk.
            assert task.path is not None
            upload = task.path.read_bytes()
            shutil.rmtree(task.path.parent, ignore_errors=True)
            finish_job(self.engine, task.job_id, run, upload)
        except Exception as exc:
            log.exception("storing the results of job %s failed", task.job_id)
            self._end(
                task, f"the results could not be stored ({type(exc).__name__}); nothing was stored."
            )
            return
        self._end(task, None)

    def _progress(self, job_id: int) -> _Progress:
        deadline = time.monotonic() + self.settings.screen_job_seconds
        return _Progress(self.engine, job_id, self._stop, self.progress_every, deadline)

    def _end(self, task: _Task, error: str | None) -> None:
        """The task is over: record its error if any, forget it, delete its uploaded copy."""
        if error is not None:
            self._fail(task.job_id, error)
        with self._lock:
            self._active.discard(task.job_id)
        if task.path is not None:
            shutil.rmtree(task.path.parent, ignore_errors=True)

    def _fail(self, job_id: int, error: str) -> bool:
        try:
            return fail_job(self.engine, job_id, error)
        except Exception:  # left for the heartbeat of a live server to mark as interrupted
            log.exception("could not mark job %s failed", job_id)
            return False


def _text(value: str | int | None) -> str | None:
    return None if value is None else str(value)


def _number(value: str | int | None) -> int | None:
    return None if value is None else int(value)


class _Progress:
    """The ``progress`` callback of a job's screening: rows done, written at most twice a second."""

    def __init__(
        self, engine: Engine, job_id: int, stop: threading.Event, every: float, deadline: float
    ) -> None:
        self.engine = engine
        self.deadline = deadline
        self.job_id = job_id
        self.stop = stop
        self.every = every
        self.done = 0
        self.written = 0.0

    def __call__(self, rows: int, total: int | None) -> None:
        if self.stop.is_set():
            raise _Stopped()
        self.done += rows
        now = time.monotonic()
        if now > self.deadline:
            raise _TimedOut()
        total = self.done if total is None else total
        if self.done >= total or now - self.written >= self.every:
            if not record_progress(self.engine, self.job_id, self.done, total):
                raise _Stopped()  # cancelled: the job keeps that reason
            self.written = now


def _interrupted(task: _Task) -> str:
    return INTERRUPTED if task.trace is None else TRACE_INTERRUPTED


_OWNER = ".owner"  # in each upload folder: "host:pid" of the process that made it
_UPLOAD_KINDS = ("upload", "chain")


def upload_folder(kind: str) -> Path:
    """A private temporary folder for an uploaded file (``kind``: upload or chain), marked with
    this process, so that a server started after this one is killed can remove it."""
    if kind not in _UPLOAD_KINDS:
        raise ValueError(kind)
    folder = Path(tempfile.mkdtemp(prefix=f"sourcetrace-{kind}-"))
    (folder / _OWNER).write_text(f"{socket.gethostname()}:{os.getpid()}", encoding="utf-8")
    return folder


def remove_orphaned_uploads() -> list[Path]:
    """Remove the upload folders of processes of this machine that no longer exist; returns
    them. A folder without its mark, or of another machine, is left alone."""
    removed = []
    root = Path(tempfile.gettempdir())
    for kind in _UPLOAD_KINDS:
        for folder in root.glob(f"sourcetrace-{kind}-*"):
            try:
                owner = (folder / _OWNER).read_text(encoding="utf-8")
            except OSError:  # not a folder of ours, or not marked
                continue
            if not _process_alive(owner):
                shutil.rmtree(folder, ignore_errors=True)
                removed.append(folder)
    return removed


def _process_alive(worker: str | None) -> bool:
    """False when ``worker`` names a process of this machine that no longer exists."""
    host, _, rest = (worker or "").partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit():
        return True  # another machine's: only its silence tells
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists but belongs to someone else, or the platform cannot tell
        return True
    return True
