"""``sourcetrace serve``, ``users`` and ``audit``: run the web workspace and manage its store."""

from __future__ import annotations

from typing import Annotated

import typer

from sourcetrace.review import accounts, audit
from sourcetrace.review.db import ROLES, make_engine

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
    db: DbOption = None,
) -> None:
    """Run the web workspace and the yente-compatible /match API."""
    import os

    import uvicorn

    from sourcetrace.web.app import create_app

    app = create_app(db)
    if host not in ("127.0.0.1", "localhost", "::1"):
        typer.echo(
            f"serving on {host} without TLS: put a TLS proxy in front and set SOURCETRACE_HTTPS_ONLY=1",
            err=True,
        )
    if not accounts.list_users(app.state.sourcetrace.engine):
        typer.echo(
            "no accounts yet: create one with `sourcetrace users add NAME --role admin`", err=True
        )
    if workers > 1:
        # Each worker process builds its app from the same store, named in the environment.
        if db:
            os.environ["SOURCETRACE_DB"] = db
        uvicorn.run(
            "sourcetrace.web.app:create_app", factory=True, host=host, port=port,
            workers=workers, log_level="warning",
        )
        return
    uvicorn.run(app, host=host, port=port, log_level="info")


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


def audit_verify(db: DbOption = None) -> None:
    """Check the audit log's hash chain; exit 1 and name the first broken entry if it is broken."""
    engine = make_engine(db)
    broken = audit.verify_chain(engine)
    if broken is not None:
        typer.echo(
            f"audit log BROKEN at entry {broken}: it was changed outside sourcetrace", err=True
        )
        raise typer.Exit(1)
    typer.echo(f"audit log intact: {audit.count(engine)} entries")


users_app.command("add")(users_add)
users_app.command("list")(users_list)
users_app.command("api-key")(users_api_key)
audit_app.command("verify")(audit_verify)
