"""``--help`` of the installed script in a pipe at 80 columns: whole option names, plain text."""

from __future__ import annotations

import os
import re
import subprocess
from typing import Any

import pytest
import typer.main

from sourcetrace.cli import app


def _command(path: list[str]) -> Any:
    """The real app's click command at ``path`` (its options are what the help must show)."""
    command: Any = typer.main.get_command(app)
    for name in path:
        command = command.commands[name]
    return command


@pytest.mark.parametrize("path", [["screen"], ["trace"], ["graph", "export"], ["lists", "import"]])
def test_help_at_80_columns_in_a_pipe(sourcetrace_bin: str, path: list[str]) -> None:
    env = {**os.environ, "COLUMNS": "80"}
    done = subprocess.run(
        [sourcetrace_bin, *path, "--help"], capture_output=True, text=True, env=env,
        timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    text = done.stdout
    words = set(re.findall(r"--?[\w-]+", text))
    names = [o for p in _command(path).params for o in (*p.opts, *p.secondary_opts)
             if o.startswith("-")]  # fmt: skip
    assert len(names) >= 4
    missing = [n for n in names if n not in words]
    assert not missing, text  # a cut name ("--ownership-thr…") is not the whole word
    assert "…" not in text and "``" not in text
    assert max(len(line) for line in text.splitlines()) <= 80
    # A default said in the help text is not said again by click.
    assert not re.search(r"\(default[^)]*\)\s+\[default:", " ".join(text.split()))
