"""The ``sourcetrace`` command: one module per command group, errors as one line and an exit code.

Exit codes: 0 done; 2 bad input, list or option (one line on stderr naming the file, row or
column); 3 ``--fail-on`` found a decision at or above the level asked.
"""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer
import typer.main

from sourcetrace import __version__
from sourcetrace.cli import db as db_cmd
from sourcetrace.cli import lists as lists_cmd
from sourcetrace.cli import screen as screen_cmd
from sourcetrace.cli import serve as serve_cmd
from sourcetrace.cli import trace as trace_cmd
from sourcetrace.cli import usage
from sourcetrace.cli import watch as watch_cmd
from sourcetrace.errors import SourcetraceError

app = typer.Typer(
    name="sourcetrace",
    help="Screen suppliers and shipments for Uyghur forced-labour risk against the official lists.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain help, as click lays it out: option names are never cut to fit a narrow terminal or
    # a pipe (the Rich panels cut them: "--ownership-thr…"), and paragraphs are re-wrapped.
    rich_markup_mode=None,
    context_settings={"max_content_width": 100},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"sourcetrace {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version"),
    ] = False,
) -> None:
    """Screen suppliers and shipments for Uyghur forced-labour risk against the official lists."""


app.command("screen")(screen_cmd.screen)
app.add_typer(lists_cmd.app, name="lists")
app.command("trace")(trace_cmd.trace)
app.add_typer(trace_cmd.graph_app, name="graph")
app.command("serve")(serve_cmd.serve)
app.add_typer(watch_cmd.app, name="watch")
app.add_typer(serve_cmd.users_app, name="users")
app.add_typer(serve_cmd.audit_app, name="audit")
app.add_typer(db_cmd.app, name="db")


def main(argv: list[str] | None = None) -> int:
    """Run the command line; every mistake, error or interruption ends as one line and a code.

    The command is driven here (context, invoke) rather than by click's or typer's own
    ``main``, whose handling of usage errors and Ctrl-C has changed between typer releases:
    this way a usage error is always one line and exit 2, Ctrl-C always exit 130.
    """
    args = sys.argv[1:] if argv is None else list(argv)
    command = typer.main.get_command(app)
    try:
        with command.make_context("sourcetrace", args) as ctx:
            result = command.invoke(ctx)
        return result if isinstance(result, int) else 0
    except SourcetraceError as exc:
        return _fail(exc.line(), exc.exit_code)
    except KeyboardInterrupt:
        return _fail("interrupted: no output written", 130, prefix="")
    except BrokenPipeError:
        # `sourcetrace lists | head`: the reader left; say nothing more on a closed pipe.
        # Python's own flush at exit would fail on the pipe again: point stdout at /dev/null.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:
        if usage.is_exit(exc):
            return int(getattr(exc, "exit_code", 0))
        if usage.is_abort(exc):
            return _fail("interrupted: no output written", 130, prefix="")
        if usage.is_usage_error(exc):
            path = usage.command_path(command, "sourcetrace", args)
            return _fail(usage.usage_line(exc, path), usage.USAGE_EXIT)
        raise


def _fail(line: str, code: int, prefix: str = "error: ") -> int:
    sys.stderr.write(f"{prefix}{line}\n")
    sys.stderr.flush()
    return code
