"""A killed bulk run leaves no worker processes behind (issue 21, item 9).

``sourcetrace screen ... --output`` forks its workers; ``kill -9`` of the command must end them
too, or they screen on, unseen, holding memory and cores.
"""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")

WORDS = (
    "Anhe Baofeng Changxin Dingsheng Fuyuan Guanghua Hengtai Jinlong Kaida Longxiang Minfeng "
    "Ningkang Qiaoxing Ruifeng Shengda Taihe Wanli Xinghua Yongsheng Zhongyi"
).split()
TRADES = ["Textile", "Knitting", "Apparel", "Trading", "Dyeing", "Garment", "Yarn", "Weaving"]


def big_file(path: Path, rows: int = 120_000) -> Path:
    """Shipper names as bills of lading write them, nearly all distinct: minutes of matching."""
    words = itertools.cycle(itertools.product(WORDS, WORDS, TRADES))
    names = (f"{a} {b} {t} Co Ltd No {n}" for n, (a, b, t) in zip(range(rows), words, strict=False))
    with path.open("w", encoding="utf-8") as fh:
        fh.write("shipper,port\n")
        for name in names:
            fh.write(f"{name},CNNGB\n")
    return path


def children(pid: int) -> set[int]:
    """The live processes whose parent is ``pid`` (zombies count as ended)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        state, ppid = stat.rsplit(")", 1)[1].split()[:2]
        if int(ppid) == pid and state != "Z":
            found.add(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def test_killed_run_leaves_no_workers(tmp_path: Path) -> None:
    data = big_file(tmp_path / "bol.csv")
    out = tmp_path / "out.csv"
    command = Path(sys.executable).with_name("sourcetrace")
    log = tmp_path / "stderr.txt"
    with log.open("wb") as err:  # the child keeps its own copy of the file
        proc = subprocess.Popen(
            [str(command), "screen", str(data), "-o", str(out), "--workers", "2", "--chunk-rows",
             "20000", "--no-store-lists", "--quiet"],
            stdout=subprocess.DEVNULL, stderr=err,
        )  # fmt: skip
    workers: set[int] = set()
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and len(workers) < 2 and proc.poll() is None:
            time.sleep(0.05)
            workers = children(proc.pid)
        assert len(workers) == 2, log.read_text(errors="replace") or "no workers"
        time.sleep(0.5)  # let them start on the chunks
        assert all(alive(w) for w in workers)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and any(alive(w) for w in workers):
            time.sleep(0.05)
        left = [w for w in workers if alive(w)]
        assert not left, f"workers {left} outlived the killed run"
        assert not out.exists()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for w in workers:  # never leave one behind, whatever the outcome
            if alive(w) and b"sourcetrace" in Path(f"/proc/{w}/cmdline").read_bytes():
                os.kill(w, signal.SIGKILL)
