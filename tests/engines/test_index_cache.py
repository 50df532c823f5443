"""The matcher's index cache in bulk screening (issue 15 item 5): ``sourcetrace screen --output``
reads the listed names, their acronym tables, the per-entity tables (entities sharing a trade
name, each entity's regions and industries) and the gates from the cache its first run wrote, and
decides every row as a run that built them; a cache of another layout is built again.

The shippers are spellings of listed companies as bills of lading write them (the bundled UFLPA
Entity List: Xinjiang Zhongtai Chemical, Jiangsu Meike Solar, Huafu, Ninestar, SMIC), other
companies sharing a listed trade word or province, and names outside the lists, with a company
form of another language.
"""

from __future__ import annotations

import csv
import os
import pickle
import re
import subprocess
import sys
from pathlib import Path

SHIPPERS = [
    "XINJIANG ZHONGTAI CHEMICAL CO LTD NO 88 BEIJING RD URUMQI",
    "Xinjiang Zhongtia Chemical Co Ltd",
    "新疆中泰化学股份有限公司",
    "JIANGSU MEIKE GARMENT CO LTD",
    "美科服装有限公司",
    "XINJIANG JINBAO TEXTILE CO LTD",
    "HUAFU COLOR SPINNING CO LTD",
    "NINE STAR LOGISTICS LLC",
    "ZHUHAI NINESTAR INFO TECH CO LTD",
    "SEMICONDUCTOR MFG INTL CORP",
    "Hoshine Silicon Industry Co Ltd",
    "ACME TEKSTIL SANAYI VE TICARET ANONIM SIRKETI",
    "NINGBO HENGFENG KNITTING CO LTD",
    "Acme Buttons GmbH",
]


def _screen(data_dir: Path, source: Path, out: Path) -> list[dict[str, str]]:
    """``sourcetrace screen`` as a user runs it, on two workers, with its own data folder."""
    env = {**os.environ, "SOURCETRACE_DATA_DIR": str(data_dir)}
    done = subprocess.run(
        [str(Path(sys.executable).with_name("sourcetrace")), "screen", str(source), "-o",
         str(out), "--workers", "2", "--no-store-lists", "-q"],
        capture_output=True, text=True, env=env, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    with out.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _shipments(path: Path) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["shipper", "origin_port"])
        writer.writerows([name, "CNNGB"] for name in SHIPPERS)
    return path


def test_screen_decides_the_same_with_the_cache_and_without(tmp_path: Path) -> None:
    source = _shipments(tmp_path / "bol.csv")
    data = tmp_path / "data"
    built = _screen(data, source, tmp_path / "built.csv")  # builds the index and caches it
    (cache,) = (data / "index").glob("*.pickle")
    written = cache.stat().st_mtime_ns
    read = _screen(data, source, tmp_path / "read.csv")  # reads it
    assert cache.stat().st_mtime_ns == written  # read, not built again
    assert read == built
    alerts = {r["name"]: r["decision"] for r in built if r["decision"] != "clear"}
    # The listed company under its bill-of-lading spellings is found; the stranger is not.
    assert alerts.get(SHIPPERS[0]) == "match"
    assert "Acme Buttons GmbH" not in alerts


def test_a_cache_of_another_layout_is_built_again(tmp_path: Path) -> None:
    source = _shipments(tmp_path / "bol.csv")
    fresh = _screen(tmp_path / "fresh", source, tmp_path / "fresh.csv")
    data = tmp_path / "data"
    _screen(data, source, tmp_path / "first.csv")
    (cache,) = (data / "index").glob("*.pickle")
    state = pickle.loads(cache.read_bytes())
    # The same index under the same file name, in the layout before the per-entity tables and
    # gates were cached with it (four parts), and a file another layout named.
    cache.write_bytes(pickle.dumps(state[:4]))
    older = cache.with_name(re.sub(r"-c\d+-", "-c1-", cache.name))
    assert older != cache
    older.write_bytes(pickle.dumps(state[:4]))
    again = _screen(data, source, tmp_path / "again.csv")
    assert again == fresh
    assert not older.exists()  # another layout's cache is removed when one is written
    rebuilt = pickle.loads(cache.read_bytes())
    assert len(rebuilt) == len(state)  # written again in the current layout
