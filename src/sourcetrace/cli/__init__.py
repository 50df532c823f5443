"""The ``sourcetrace`` command: one module per command group, errors as one line and an exit code.

Exit codes: 0 done; 2 bad input, list or option (one line on stderr naming the file, row or
column); 3 ``--fail-on`` found a decision at or above the level asked.
"""

from __future__ import annotations

import sys

import typer

from sourcetrace.cli import db as db_cmd
from sourcetrace.cli import lists as lists_cmd
from sourcetrace.cli import screen as screen_cmd
from sourcetrace.cli import serve as serve_cmd
from sourcetrace.cli import trace as trace_cmd
from sourcetrace.cli import watch as watch_cmd
from sourcetrace.errors import SourcetraceError

app = typer.Typer(
    name="sourcetrace",
    help="Screen suppliers and shipments for Uyghur forced-labour risk against the official lists.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("screen")(screen_cmd.screen)
app.add_typer(lists_cmd.app, name="lists")
app.command("trace")(trace_cmd.trace)
app.add_typer(trace_cmd.graph_app, name="graph")
app.command("serve")(serve_cmd.serve)
app.add_typer(watch_cmd.app, name="watch")
app.add_typer(serve_cmd.users_app, name="users")
app.add_typer(serve_cmd.audit_app, name="audit")
app.add_typer(db_cmd.app, name="db")


def main() -> None:
    try:
        code = app(standalone_mode=False)  # returns the code of typer.Exit in this mode
    except SourcetraceError as exc:
        typer.echo(f"error: {exc.line()}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        typer.echo("interrupted: no output written", err=True)
        sys.exit(130)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except Exception as exc:  # click usage errors arrive here with standalone_mode=False
        import click

        if isinstance(exc, click.exceptions.ClickException):
            exc.show()
            sys.exit(2)
        if isinstance(exc, click.exceptions.Abort):
            sys.exit(130)
        raise
    sys.exit(code if isinstance(code, int) else 0)
