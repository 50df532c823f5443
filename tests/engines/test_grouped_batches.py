"""Bulk screening sends a chunk's new names to its workers grouped by their rarest word
(engines/local.py ``_grouped``, issue 15 item 5), so that one worker matches the spellings of one
company: the order names are matched in changes no result, and the output keeps every input row,
in input order, duplicate rows with identical results.

The names are real listed names (the bundled lists) written as bills of lading write them, and
supplier names from the examples, each repeated and shuffled over several chunks.
"""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import polars as pl

import sourcetrace
from sourcetrace.engines.local import ResultTable
from sourcetrace.model import ListedEntity


def _listed(entities: list[ListedEntity], count: int = 24) -> list[str]:
    """Latin names of listed companies ("... Co., Ltd."), spread over the list."""
    names = [
        e.caption for e in entities
        if e.caption.isascii() and "co" in e.caption.lower().split() and len(e.caption.split()) >= 3
    ]  # fmt: skip
    step = max(1, len(names) // count)
    return names[::step][:count]


def _spellings(name: str) -> list[str]:
    """A name as documents write it: as listed, upper case, without punctuation, with an
    address after it."""
    upper = name.upper()
    bare = "".join(c for c in upper if c.isalnum() or c == " ")
    return [name, upper, " ".join(bare.split()), f"{upper} NO 16 JIEFANG RD KASHGAR"]


def _shipments(tmp_path: Path, bundled: list[ListedEntity], examples: Path) -> Path:
    suppliers = pl.read_csv(examples / "suppliers.csv").get_column("supplier_name").to_list()
    names = [s for n in _listed(bundled) for s in _spellings(n)] + suppliers
    rows = names * 3
    random.Random(15).shuffle(rows)
    path = tmp_path / "bol.csv"
    pl.DataFrame({"shipper": rows, "port": ["CNNGB"] * len(rows)}).write_csv(path)
    return path


def test_cli_output_is_the_in_memory_screen_row_by_row(
    tmp_path: Path, bundled_entities: list[ListedEntity], examples: Path
) -> None:
    path = _shipments(tmp_path, bundled_entities, examples)
    out = tmp_path / "out.parquet"
    command = Path(sys.executable).with_name("sourcetrace")
    done = subprocess.run(
        [str(command), "screen", str(path), "-o", str(out), "--workers", "2",
         "--chunk-rows", "150", "--no-store-lists", "--quiet"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    got = pl.read_parquet(out)
    rows = pl.read_csv(path).get_column("shipper").to_list()
    want = sourcetrace.screen(path, store_lists=False).to_frame()
    # Every row, in input order, with the result the name gets alone (name by name, in order).
    assert got.get_column("row").to_list() == list(range(1, len(rows) + 1))
    assert got.get_column("name").to_list() == rows
    assert got.equals(want)
    # Duplicate rows: identical results.
    results = [c for c in got.columns if c not in ("row", "name")]
    per_name = got.group_by("name").agg(pl.struct(results).n_unique().alias("distinct"))
    assert per_name.get_column("distinct").max() == 1
    # The listed names were found: the rows are screened, not merely copied.
    assert got.filter(pl.col("decision") == "match").height >= len(rows) // 10


def test_spellings_sharing_their_rarest_word_are_sent_together() -> None:
    names = [
        "NINGBO BAOCHEN TEXTILE CO LTD", "Shaoxing Hailin Textile Co Ltd",
        "Ningbo Hailin Textile Co Ltd", "Ningbo Baochen Textile Co., Ltd.",
        "Shaoxing Jinlong Textile Co Ltd", "NINGBO HAILIN TEXTILE CO LTD",
        "SHAOXING BAOCHEN TEXTILE CO LTD", "SHAOXING JINLONG TEXTILE CO LTD",
    ]
    table = ResultTable(["name"])
    order = [row[0] for row in table.missing(pl.DataFrame({"name": names}), exact=True)]
    assert sorted(order) == sorted(names)  # each new name once
    # "baochen" and "hailin" are each the rarest word of three names (the cities of four, the
    # other words of all): those three are sent one after the other, whatever the input order.
    for word in ("baochen", "hailin"):
        at = [i for i, n in enumerate(order) if word in n.lower()]
        assert at == list(range(at[0], at[0] + 3)), order
