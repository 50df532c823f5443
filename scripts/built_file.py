"""What the build scripts of shipped data files share: write the file, or with ``--check`` fail
when the committed file differs from a fresh build (the tests run the check)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path


def write_or_check(out: Path, build: Callable[[], str], argv: list[str] | None, doc: str) -> int:
    """Parse ``argv`` (``--check``), build the text and write it to ``out`` or compare it."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if the committed file differs")
    args = parser.parse_args(argv)
    text = build()
    if args.check:
        if out.read_text(encoding="utf-8") != text:
            print(f"{out} differs from a fresh build", file=sys.stderr)
            return 1
        return 0
    out.write_text(text, encoding="utf-8")
    print(f"{out}: {text.count(chr(10)) - 1} words")
    return 0
