"""A full disk gives one clear line and exit code 2, and leaves no partial output, no broken store.

The disk is real: a 2 MB tmpfs mounted for the test and filled with a file until only a little
room is left, so writes fail with ENOSPC as they would on a full volume. Mounting needs root
(``.ci/run`` runs as root); elsewhere the tests are skipped and say why. The commands run as
subprocesses, as a user runs them.
"""

from __future__ import annotations

import csv
import hashlib
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LISTS = ROOT / "tests" / "fixtures" / "lists"
SUPPLIERS = ROOT / "examples" / "suppliers.csv"
SIZE = 2 * 1024 * 1024


@pytest.fixture()
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A folder on a tmpfs of its own, 2 MB in all, unmounted after the test."""
    if sys.platform != "linux" or os.geteuid() != 0:
        pytest.skip("a full disk is made by mounting a small tmpfs, which needs root on Linux")
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={SIZE},mode=0755", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip() or done.returncode}")
    try:
        yield mount
    finally:
        if subprocess.run(["umount", str(mount)], check=False).returncode != 0:
            subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(disk: Path, leave: int) -> None:
    """Fill ``disk`` with a file until only about ``leave`` bytes are free."""
    stat = os.statvfs(disk)
    free = stat.f_bavail * stat.f_frsize
    with (disk / "filler").open("wb") as out:
        out.truncate(0)
        remaining = max(0, free - leave)
        block = b"\0" * (1 << 16)
        while remaining > 0:
            remaining -= out.write(block[: min(len(block), remaining)])
    stat = os.statvfs(disk)
    assert stat.f_bavail * stat.f_frsize <= leave + 8192


def sourcetrace(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sourcetrace", *args],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def assert_one_line_error(done: subprocess.CompletedProcess[str], *words: str) -> str:
    """Exit code 2 and a single ``error:`` line on stderr that says the disk is full."""
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2, done.stderr[-3000:]
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr[-3000:]
    line = lines[0]
    assert "Traceback" not in line and "SQL:" not in line, line
    assert any(w in line.lower() for w in ("no space left", "disk is full")), line
    for word in words:
        assert word in line, line
    return line


def suppliers(path: Path, rows: int) -> Path:
    """A supplier file of ``rows`` rows, each name made distinct, from the example file."""
    with SUPPLIERS.open(encoding="utf-8-sig", newline="") as f:
        examples = list(csv.DictReader(f))
    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv.DictWriter(f, fieldnames=list(examples[0]))
        out.writeheader()
        for i in range(rows):
            row = dict(examples[i % len(examples)])
            row["supplier_name"] = f"{row['supplier_name']} {i}"
            out.writerow(row)
    return path


@pytest.mark.parametrize(
    ("leave", "stage"),
    [(16 * 1024, "screening"), (600 * 1024, "assembling the output")],
    ids=["full-while-screening", "full-while-assembling"],
)
def test_screen_output_on_a_full_disk(
    small_disk: Path, tmp_path: Path, leave: int, stage: str
) -> None:
    # 3,000 rows: about 220 KB of screened chunks, then a 940 KB CSV.
    source = suppliers(tmp_path / "suppliers.csv", 3000)
    output = small_disk / "screened.csv"
    fill(small_disk, leave)
    args = ["screen", str(source), "--output", str(output), "--workers", "1", "--chunk-rows", "500"]
    done = sourcetrace(*args, "--quiet")
    assert_one_line_error(done, str(output))
    left = sorted(p.name for p in small_disk.iterdir())
    # No results file, whole or partial, no temporary file, no run record: only the chunks
    # already screened, kept (hidden) so that --resume can carry on.
    assert left in (["filler"], [".screened.csv.parts", "filler"]), (stage, left)

    if left != ["filler"]:
        (small_disk / "filler").unlink()
        resumed = sourcetrace(*args, "--quiet", "--resume")
        assert resumed.returncode == 0, resumed.stderr[-3000:]
        assert sorted(p.name for p in small_disk.iterdir()) == [
            "screened.csv",
            "screened.csv.run.json",
        ]
        with output.open(encoding="utf-8-sig", newline="") as f:
            assert sum(1 for _ in csv.DictReader(f)) == 3000


def test_list_import_on_a_full_disk_stores_nothing(small_disk: Path) -> None:
    store = small_disk / "store.db"
    first = sourcetrace(
        "lists", "import", str(LISTS / "uflpa_entity_list_v1.html"), "-f", "uflpa-html",
        "--db", str(store),
    )  # fmt: skip
    assert first.returncode == 0, first.stderr
    before = hashlib.sha256(store.read_bytes()).hexdigest()
    fill(small_disk, 8 * 1024)

    done = sourcetrace(
        "lists", "import", str(LISTS / "uflpa_entity_list_v2.html"), "-f", "uflpa-html",
        "--db", str(store),
    )  # fmt: skip
    assert_one_line_error(done, "nothing was stored")
    # The store is the one before the import, byte for byte, with no journal left to replay.
    assert sorted(p.name for p in small_disk.iterdir()) == ["filler", "store.db"]
    assert hashlib.sha256(store.read_bytes()).hexdigest() == before
    with closing(sqlite3.connect(store)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*) FROM list_versions").fetchone()[0] == 1

    # With room again, the same import goes through.
    (small_disk / "filler").unlink()
    again = sourcetrace(
        "lists", "import", str(LISTS / "uflpa_entity_list_v2.html"), "-f", "uflpa-html",
        "--db", str(store),
    )  # fmt: skip
    assert again.returncode == 0 and "as version 2" in again.stdout, again.stderr
