"""Tracing a supply chain for the map in a child process held to a time and a memory limit.

The runner's trace jobs (:class:`~sourcetrace.web.runner.JobRunner`) run here. All the work,
reading the files, screening every party, tracing, drawing the map and storing the chain, is
done by a child process (``python -m sourcetrace.web.tracer``), never by the server:

- **memory**: once its libraries are loaded, the child limits its own address space
  (``RLIMIT_AS``, :attr:`~sourcetrace.settings.Settings.trace_job_memory_mb`); past it an
  allocation fails and the child ends (``MemoryError``, or polars aborting), the job failed
  with the reason. ``MALLOC_ARENA_MAX=2`` keeps glibc from reserving address space per thread
  that the trace never uses (1.7 GB before any work without it, 0.7 GB with it).
- **time**: the runner's thread kills it (SIGKILL, its whole process group) after
  :attr:`~sourcetrace.settings.Settings.trace_job_seconds`.
- **the server's end**: stopping the server (SIGTERM, Ctrl-C) kills the child at once, and the
  kernel kills it should the server die (``PR_SET_PDEATHSIG``, as the bulk engine's workers).
- **cancel**: the thread sees the job no longer running in the store and kills the child; the
  child also stops at its next step.

The child stores the chain and marks its job done in one transaction: killed before that, it
has stored nothing; cancelled meanwhile, its transaction finds the job ended and stores nothing.

A process rather than a thread, because a thread can be neither stopped nor held to a memory
limit; a fresh interpreter (``subprocess``) rather than ``fork``, because forking a threaded
server copies locks other threads hold. Its start (about a second of imports) is small next to
a trace. The job's description, with the store's URL (which may hold a password), reaches the
child on its standard input, not its command line.
"""

from __future__ import annotations

import ctypes
import json
import logging
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import IO, Any

from sourcetrace.errors import SourcetraceError
from sourcetrace.settings import Settings

log = logging.getLogger(__name__)

STEPS = 7
"""A trace job's steps as its progress counts them: lists, parties, risk sources, balance,
trace, map, store (a saved graph whose risk sources are reused skips one)."""

_DONE, _REFUSED, _OUT_OF_MEMORY, _ENDED = 0, 2, 3, 4  # the child's exit codes
_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


@dataclass(frozen=True, slots=True)
class TraceSpec:
    """One trace job: what to trace (uploaded files by role, or a saved graph), for whom, where."""

    job_id: int
    db: str
    actor: str
    uploads: dict[str, dict[str, str]] | None = None
    """By role: ``path`` of the copy, ``filename`` as the user named it, ``file_hash``."""
    graph: str | None = None


def run_trace(
    spec: TraceSpec, settings: Settings, halt: Callable[[], str | None], poll: float = 0.2
) -> str | None:
    """Trace ``spec`` in a child process until it ends; None when it stored the chain, else why
    it failed (one line). ``halt`` is asked every ``poll`` seconds: a reason it gives (the
    server stops, the job was cancelled) ends the child at once and is returned."""
    seconds = settings.trace_job_seconds
    deadline = time.monotonic() + seconds
    message = json.dumps({**asdict(spec), "parent": os.getpid(), "settings": _plain(settings)})
    env = {**os.environ, "MALLOC_ARENA_MAX": "2"}
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        # A session of its own, so that the kill reaches any process it started, too.
        child = subprocess.Popen(
            [sys.executable, "-m", "sourcetrace.web.tracer"],
            stdin=subprocess.PIPE, stdout=out, stderr=err, env=env, start_new_session=True,
        )  # fmt: skip
        try:
            assert child.stdin is not None
            try:
                child.stdin.write(message.encode("utf-8"))
                child.stdin.close()
            except BrokenPipeError:  # it ended at once: its exit code says why
                pass
            while True:
                try:
                    child.wait(poll)
                    break
                except subprocess.TimeoutExpired:
                    pass
                reason = halt()
                if reason is not None:
                    return reason
                if time.monotonic() > deadline:
                    return (
                        f"stopped after {seconds:g} seconds, the time limit for tracing a chain "
                        "on the map; nothing was stored. Trace a chain this large with the "
                        "command (sourcetrace trace), or ask the administrator to raise "
                        "SOURCETRACE_TRACE_JOB_SECONDS."
                    )
        finally:
            if child.poll() is None:
                _kill(child)
        return _outcome(child.returncode, out, err, spec, settings)


def _kill(child: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(child.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    child.wait()


def _outcome(
    code: int, out: IO[bytes], err: IO[bytes], spec: TraceSpec, settings: Settings
) -> str | None:
    """Why the child failed, from its exit code and its last line; None when it stored the
    chain or the job had ended already (cancelled: the job keeps that reason)."""
    if code in (_DONE, _ENDED):
        return None
    out.seek(0)
    said = out.read().decode("utf-8", errors="replace").strip().splitlines()
    limit = settings.trace_job_memory_mb
    if code == _REFUSED and said:
        return said[-1]
    err.seek(0)
    log.info("trace job %s ended with %s: %s", spec.job_id, code,
             err.read()[-4000:].decode("utf-8", errors="replace"))  # fmt: skip
    if code == _OUT_OF_MEMORY:
        return (
            f"stopped at the memory limit for tracing a chain on the map ({limit:,} MB); "
            "nothing was stored. Trace a chain this large with the command (sourcetrace "
            "trace), or ask the administrator to raise SOURCETRACE_TRACE_JOB_MEMORY_MB."
        )
    if code < 0:
        name = signal.Signals(-code).name if -code in signal.valid_signals() else str(-code)
        return (
            f"the tracing process ended abnormally ({name}), most likely at the memory limit "
            f"for tracing a chain on the map ({limit:,} MB); nothing was stored."
        )
    return f"tracing failed unexpectedly (exit code {code}); nothing was stored."


def _plain(settings: Settings) -> dict[str, Any]:
    return {f.name: str(v) if isinstance(v := getattr(settings, f.name), Path) else v
            for f in fields(Settings)}  # fmt: skip


# --- the child ---------------------------------------------------------------------------------


def main() -> int:
    """The child: limits, then the trace; the exit code and last line say how it ended."""
    _die_with_parent()
    spec = json.loads(sys.stdin.read())
    if os.getppid() != spec["parent"]:  # the server ended before the line above took effect
        return _ENDED
    # Loaded before the limit: a library that fails to map under it would read as a crash.
    from sourcetrace.store.engine import make_engine
    from sourcetrace.tracing import trace_lists
    from sourcetrace.workspace.jobs import JobEnded, record_progress
    from sourcetrace.workspace.maps import (
        Upload,
        save_chain,
        save_graph_chain,
        trace_files,
        trace_graph,
    )
    from sourcetrace.workspace.risk_decisions import StoreDecisions

    values = spec["settings"]
    values["data_dir"] = Path(values["data_dir"])
    settings = Settings(**values)
    limit = settings.trace_job_memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    job_id, db, actor = int(spec["job_id"]), str(spec["db"]), str(spec["actor"])
    engine = make_engine(db, settings)
    # The review decisions on list hits (a dismissed risk source is none), as in the CLI.
    decisions = StoreDecisions(engine)
    done = 0

    def step(what: str) -> None:
        nonlocal done
        done = min(done + 1, STEPS)
        if not record_progress(engine, job_id, done, STEPS, what):
            raise JobEnded(job_id)

    try:
        step("loading the lists in force")
        lists = trace_lists(db, settings)
        if spec["uploads"] is not None:
            uploads = {role: Upload(role, Path(u["path"]), u["filename"], u["file_hash"])
                       for role, u in spec["uploads"].items()}  # fmt: skip
            traced = trace_files(uploads, lists, settings.map_max_links, progress=step,
                                 decisions=decisions)  # fmt: skip
            step("storing the chain")
            save_chain(engine, traced, uploads, actor, job_id)
        else:
            name = str(spec["graph"])
            traced = trace_graph(name, lists, db, settings.map_max_links, progress=step,
                                 decisions=decisions)  # fmt: skip
            step("storing the chain")
            save_graph_chain(engine, traced, name, actor, job_id)
    except MemoryError:
        os._exit(_OUT_OF_MEMORY)  # at once: handling it further could need memory again
    except JobEnded:
        return _ENDED
    except SourcetraceError as exc:
        print(f"{exc.line()}; nothing was stored.", flush=True)
        return _REFUSED
    return _DONE


def _die_with_parent() -> None:
    """Ask Linux to SIGKILL this process when the server's thread that started it ends."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


if __name__ == "__main__":
    sys.exit(main())
