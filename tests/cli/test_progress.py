"""Progress of ``screen -o`` through the installed script: lines in a log, a bar on a terminal."""

from __future__ import annotations

import csv
import os
import re
import subprocess
import threading
from pathlib import Path

import pytest

ROWS = 20_000
LINE = re.compile(
    r"^screening: ([\d,]+) of 20,000 rows \((\d+)%\), ([\d,]+) rows/s, [\d,]+ s elapsed"
)


@pytest.fixture()
def suppliers(tmp_path: Path) -> Path:
    """A supplier list of 20,000 rows: distinct made-up names and two listed ones."""
    path = tmp_path / "suppliers.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["supplier_name", "country"])
        writer.writerow(["Hoshine Silicon Industry (Shanshan) Co., Ltd.", "CN"])
        writer.writerow(["Xinjiang Zhongtai Chemical Co Ltd", "CN"])
        for i in range(ROWS - 2):
            writer.writerow([f"Supplier {i} Garment Trading Co., Ltd.", "VN"])
    return path


def _env(tmp_path: Path) -> dict[str, str]:
    # A short interval so that a run of a few seconds writes several lines.
    return {**os.environ, "SOURCETRACE_DATA_DIR": str(tmp_path / "data"),
            "SOURCETRACE_PROGRESS_INTERVAL": "0.2"}  # fmt: skip


def test_a_log_gets_a_plain_line_every_few_seconds(
    sourcetrace_bin: str, suppliers: Path, tmp_path: Path
) -> None:
    args = [sourcetrace_bin, "screen", str(suppliers), "-o", str(tmp_path / "out.csv"),
            "--chunk-rows", "1000", "--workers", "2"]  # fmt: skip
    done = subprocess.run(args, capture_output=True, text=True, env=_env(tmp_path),
                          timeout=300, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    found = [LINE.match(line) for line in lines[:-1]]
    assert len(lines) >= 3 and all(found), done.stderr  # nothing else: no bar, no blank line
    counts = [int(m.group(1).replace(",", "")) for m in found if m]
    assert counts == sorted(counts) and 0 < counts[-1] <= ROWS
    assert re.fullmatch(r"screening: 20,000 rows in [\d.,]+ s", lines[-1])
    assert "\x1b[" not in done.stderr  # no terminal codes in a log
    quiet = subprocess.run([*args, "-q"], capture_output=True, text=True, env=_env(tmp_path),
                           timeout=300, check=False)  # fmt: skip
    assert quiet.returncode == 0 and quiet.stderr == ""


def test_a_terminal_gets_a_bar_with_the_total_rate_and_time_left(
    sourcetrace_bin: str, suppliers: Path, tmp_path: Path
) -> None:
    import pty

    main, other = pty.openpty()
    env = {k: v for k, v in _env(tmp_path).items() if k not in ("CI", "NO_COLOR", "TERM")}
    env.update(TERM="xterm", COLUMNS="160")
    said = bytearray()

    def read_terminal() -> None:
        # Read while the command runs: a terminal's buffer is a few kilobytes, and a slow run
        # draws enough bars to fill it and block the command if nobody reads.
        while True:
            try:
                chunk = os.read(main, 65536)
            except OSError:  # the other end is closed: all is read
                return
            if not chunk:
                return
            said.extend(chunk)

    reader = threading.Thread(target=read_terminal, daemon=True)
    reader.start()
    done = subprocess.run(
        [sourcetrace_bin, "screen", str(suppliers), "-o", str(tmp_path / "out.csv"),
         "--chunk-rows", "1000", "--workers", "2"],
        stdout=subprocess.PIPE, stderr=other, env=env, text=True, timeout=300, check=False,
    )  # fmt: skip
    os.close(other)
    reader.join(timeout=30)
    os.close(main)
    assert done.returncode == 0
    text = said.decode("utf-8", errors="replace")
    assert "/20000" in text and "rows/s" in text and "eta" in text
    assert not LINE.search(text)  # the bar, not the log lines
    assert "results written to" in done.stdout


def test_trace_in_a_log_repeats_the_step_under_way(sourcetrace_bin: str, tmp_path: Path) -> None:
    chain = Path(__file__).resolve().parents[2] / "examples" / "chain"
    env = {**_env(tmp_path), "SOURCETRACE_PROGRESS_INTERVAL": "0.05"}
    done = subprocess.run(
        [sourcetrace_bin, "trace", str(chain / "links.csv"), "--ownership",
         str(chain / "ownership.csv"), "-o", str(tmp_path / "findings.csv"), "--workers", "1"],
        capture_output=True, text=True, env=env, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    assert lines, "no progress line in a run of several seconds"
    assert all(re.fullmatch(r"trace: .+ \([\d,]+ s elapsed\)", line) for line in lines), lines
    assert any("resolving and screening its parties" in line for line in lines)
    assert "findings written to" in done.stdout
