"""The installed ``sourcetrace`` console script, for tests that run it as a user's shell does."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def sourcetrace_bin() -> str:
    """The console script beside this Python (the venv's), else the one on PATH."""
    beside = Path(sys.executable).parent / "sourcetrace"
    found = str(beside) if beside.exists() else shutil.which("sourcetrace")
    if found is None:
        pytest.skip("the sourcetrace console script is not installed")
    return found
