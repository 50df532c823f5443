"""``sourcetrace serve``, ``users`` and ``audit``: run the web workspace and manage its store."""

from __future__ import annotations

import gc
import socket
from typing import TYPE_CHECKING, Annotated

import typer

from sourcetrace.errors import ConfigError
from sourcetrace.store import make_engine
from sourcetrace.workspace import ROLES, accounts, audit

if TYPE_CHECKING:
    from fastapi import FastAPI

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        envvar="SOURCETRACE_DB",
        help="Store URL (default: sqlite:///<data dir>/sourcetrace.db; or postgresql+psycopg://...)",
    ),
]

users_app = typer.Typer(
    help="The workspace's own accounts (admin, analyst, viewer) and API keys.", no_args_is_help=True
)
audit_app = typer.Typer(help="The hash-chained audit log.", no_args_is_help=True)


def serve(
    host: Annotated[
        str, typer.Option(help="Address to listen on; keep 127.0.0.1 unless behind a TLS proxy")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8000,
    workers: Annotated[
        int,
        typer.Option(
            help="Server processes (each holds its own matcher and screens one upload at a time)"
        ),
    ] = 1,
    access_log: Annotated[
        bool,
        typer.Option(
            "--access-log/--no-access-log",
            help="Log every request on stderr (off by default: it costs CPU per request, and "
            "the audit log records every change)",
        ),
    ] = False,
    db: DbOption = None,
) -> None:
    """Run the web workspace and the yente-compatible /match API."""
    import os

    import uvicorn

    # The store, its journal, uploads and the session key: readable by this account only.
    os.umask(0o077)
    if host not in ("127.0.0.1", "localhost", "::1"):
        typer.echo(
            f"serving on {host} without TLS: put a TLS proxy in front and set SOURCETRACE_HTTPS_ONLY=1; "
            "list the names clients use for this server in SOURCETRACE_ALLOWED_HOSTS",
            err=True,
        )
    if workers > 1:
        if not accounts.list_users(make_engine(db)):
            typer.echo(NO_ACCOUNTS, err=True)
        # Each worker process builds its app from the same store, named in the environment.
        if db:
            os.environ["SOURCETRACE_DB"] = db
        serve_processes(host, port, workers, access_log=access_log)
        return
    from sourcetrace.web.app import create_app

    app = create_app(db)
    gc.freeze()  # as served_app() does, for the one process
    if not accounts.list_users(app.state.sourcetrace.engine):
        typer.echo(NO_ACCOUNTS, err=True)
    uvicorn.run(app, host=host, port=port, log_level="info", access_log=access_log)


NO_ACCOUNTS = "no accounts yet: create one with `sourcetrace users add NAME --role admin`"
STARTUP_FAILURE = 3
"""Exit code of a server process that could not start (uvicorn's): not worth starting again."""
PR_SET_PDEATHSIG = 1
"""Linux prctl(2) option: the signal a process gets when its parent ends."""


def served_app() -> FastAPI:
    """The app of one server process (``--workers``), on the store ``SOURCETRACE_DB`` names.

    What the app built at start-up, the matcher's index above all (some 300,000 objects), is
    frozen out of the garbage collector's sight: a full collection over it takes about 100 ms,
    a pause that every request in flight would wait through.
    """
    from sourcetrace.web.app import create_app

    app = create_app()
    gc.freeze()
    return app


def serve_processes(host: str, port: int, workers: int, *, access_log: bool) -> None:
    """Serve :func:`served_app` from ``workers`` processes until SIGINT or SIGTERM.

    On Linux each process listens on a socket of its own (``SO_REUSEPORT``), and the kernel
    spreads connections evenly over them. uvicorn's own ``--workers`` share one socket, and
    whichever process wakes first takes every connection waiting: of 50 clients connecting at
    once, 42 went to one process and 8 to the other, which then idled while the first fell
    behind. Elsewhere, uvicorn's workers. A process that ends is started again, unless it could
    not start at all.
    """
    import multiprocessing
    import os
    import signal
    import sys
    import time

    import uvicorn

    if sys.platform != "linux" or not hasattr(socket, "SO_REUSEPORT"):
        uvicorn.run(
            "sourcetrace.cli.serve:served_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level="info" if access_log else "warning",
            access_log=access_log,
        )
        return
    try:
        # A plain bind fails when anything listens there already, a server of ours included.
        listener(host, port, reuse_port=False).close()
    except OSError as exc:
        raise ConfigError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    spawn = multiprocessing.get_context("spawn")

    def start() -> multiprocessing.process.BaseProcess:
        process = spawn.Process(target=_serve_one, args=(host, port, access_log, os.getpid()))
        process.start()
        return process

    # The handler only notes the signal: taking a lock in a signal handler can deadlock.
    signals: list[int] = []
    handlers = {
        sig: signal.signal(sig, lambda sig, _frame: signals.append(sig))
        for sig in (signal.SIGINT, signal.SIGTERM)
    }
    processes = [start() for _ in range(workers)]
    failed = False
    try:
        while not signals and not failed:
            time.sleep(0.5)
            for i, process in enumerate(processes):
                if process.is_alive():
                    continue
                if process.exitcode == STARTUP_FAILURE:
                    failed = True
                    break
                typer.echo(
                    f"server process {process.pid} ended ({process.exitcode}): restarting", err=True
                )
                processes[i] = start()
    finally:
        for process in processes:
            process.terminate()  # uvicorn answers the requests in flight, then ends
        for process in processes:
            process.join(30)
            if process.is_alive():
                process.kill()
                process.join()
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
    if failed:
        raise ConfigError("a server process could not start: see the messages above")


def listener(host: str, port: int, *, reuse_port: bool) -> socket.socket:
    """A TCP socket bound to ``host``:``port`` (not yet listening)."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if reuse_port:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock


def _serve_one(host: str, port: int, access_log: bool, parent: int) -> None:
    """One server process of :func:`serve_processes`, on a socket of its own."""
    import ctypes
    import os
    import signal
    import sys

    import uvicorn

    # Ended with its parent, even a killed one: a server left behind would hold the port.
    ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:
        sys.exit(0)
    try:
        sock = listener(host, port, reuse_port=True)
    except OSError as exc:
        print(f"error: cannot listen on {host}:{port}: {exc.strerror or exc}", file=sys.stderr)
        sys.exit(STARTUP_FAILURE)
    config = uvicorn.Config(
        "sourcetrace.cli.serve:served_app",
        factory=True,
        host=host,
        port=port,
        log_level="info" if access_log else "warning",
        access_log=access_log,
    )
    uvicorn.Server(config).run(sockets=[sock])


def users_add(
    username: Annotated[str, typer.Argument(help="Login name: letters, digits, '.', '_' or '-'")],
    role: Annotated[str, typer.Option(help=f"One of: {', '.join(ROLES)}")] = "analyst",
    password: Annotated[
        str | None, typer.Option(help="Password (default: asked, not echoed)")
    ] = None,
    db: DbOption = None,
) -> None:
    """Add an account to the workspace."""
    accounts.check_role(role)
    if password is None:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    accounts.add_user(make_engine(db), username, role, password, actor="cli")
    typer.echo(f"added {username} ({role})")


def users_list(db: DbOption = None) -> None:
    """List the accounts and their roles."""
    for user in accounts.list_users(make_engine(db)):
        typer.echo(f"{user.username}\t{user.role}\t{'active' if user.active else 'switched off'}")


def users_api_key(
    username: Annotated[str, typer.Argument(help="Account the key acts as")],
    label: Annotated[str, typer.Option(help="What the key is for")] = "",
    db: DbOption = None,
) -> None:
    """Create an API key for /match (printed once; only its hash is stored)."""
    typer.echo(accounts.create_api_key(make_engine(db), username, label, actor="cli"))


def audit_verify(
    db: DbOption = None,
    expect: Annotated[
        str | None,
        typer.Option(
            help="A head kept elsewhere (ID:HASH, as every evidence pack prints it): the log "
            "must still hold that entry with that hash"
        ),
    ] = None,
) -> None:
    """Check the audit log: its hash chain, its anchor file, an expected head, and the decisions
    and approvals tables against the log's entries. Exit 1 and say what is wrong when anything
    is."""
    if expect is not None:
        try:
            audit.parse_expected(expect)
        except ValueError as exc:
            raise ConfigError(str(exc)) from None
    engine = make_engine(db)
    verdict = audit.verify(engine, expect)
    for note in verdict.notes:
        typer.echo(f"note: {note}", err=True)
    if not verdict.intact:
        # The first line says what is wrong; any further findings follow, one a line.
        first, *more = verdict.problems
        typer.echo(
            f"audit log BROKEN: {first}" + (f" (and {len(more)} more below)" if more else ""),
            err=True,
        )
        for problem in more:
            typer.echo(f"  {problem}", err=True)
        raise typer.Exit(1)
    typer.echo(f"audit log intact: {verdict.head.count} entries, head {verdict.head.line()}")


users_app.command("add")(users_add)
users_app.command("list")(users_list)
users_app.command("api-key")(users_api_key)
audit_app.command("verify")(audit_verify)
