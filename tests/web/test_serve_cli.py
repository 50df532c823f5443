"""The ``serve``, ``users`` and ``audit`` commands of the real app, on a temporary store."""

from __future__ import annotations

from pathlib import Path

import typer
from sqlalchemy import update
from typer.testing import CliRunner

from sourcetrace.cli import app
from sourcetrace.store.engine import make_engine
from sourcetrace.store.workspace import audit_log
from sourcetrace.workspace import accounts


def _app() -> typer.Typer:
    """The real ``sourcetrace`` app (its ``serve``, ``users`` and ``audit`` commands)."""
    return app


def test_users_add_and_audit_verify(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    runner = CliRunner()
    app = _app()
    added = runner.invoke(
        app,
        ["users", "add", "ana", "--role", "admin", "--db", url],
        input="long-password\nlong-password\n",
    )
    assert added.exit_code == 0, added.output
    engine = make_engine(url)
    assert accounts.authenticate(engine, "ana", "long-password") is not None
    runner.invoke(
        app, ["users", "add", "ben", "--role", "viewer", "--password", "another-pass", "--db", url]
    )
    listed = runner.invoke(app, ["users", "list", "--db", url])
    assert "ana\tadmin" in listed.output and "ben\tviewer" in listed.output
    key = runner.invoke(app, ["users", "api-key", "ben", "--db", url]).output.strip()
    assert accounts.user_for_key(engine, key) is not None

    ok = runner.invoke(app, ["audit", "verify", "--db", url])
    assert ok.exit_code == 0 and "intact" in ok.output
    with engine.begin() as conn:
        conn.execute(update(audit_log).where(audit_log.c.id == 2).values(actor="mallory"))
    broken = runner.invoke(app, ["audit", "verify", "--db", url])
    assert broken.exit_code == 1 and "entry 2" in broken.output


def test_bad_role_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    result = CliRunner().invoke(
        _app(),
        ["users", "add", "ana", "--role", "root", "--password", "long-password", "--db", url],
    )
    assert result.exit_code != 0


def test_commands_start_without_a_password_hash_and_the_app_makes_it_before_any_login(
    tmp_path: Path,
) -> None:
    """The argon2 hash an unknown user is checked against costs a tenth of a second: made on
    import, every command paid it; the web app must still have it before its first login, or
    an unknown user's first attempt would take longer than a known one's."""
    import subprocess
    import sys

    from sourcetrace.web.app import create_app

    code = (
        "import sourcetrace.cli; from sourcetrace.workspace import accounts; "
        "print(accounts.dummy_hash.cache_info().currsize)"
    )
    started = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             check=True)  # fmt: skip
    assert started.stdout.strip() == "0"
    accounts.dummy_hash.cache_clear()
    create_app(f"sqlite:///{tmp_path / 'web.db'}")
    assert accounts.dummy_hash.cache_info().currsize == 1
    assert accounts.dummy_hash().startswith("$argon2")
