"""Writing outputs: atomically, with the file mode a plain open() would give."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import polars as pl
import pytest

from sourcetrace.errors import OutputError
from sourcetrace.io import writers
from sourcetrace.io.writers import atomic_path, write_table


@pytest.mark.parametrize("suffix", ["csv", "parquet", "jsonl", "xlsx"])
def test_output_mode_follows_the_umask(
    tmp_path: Path, suffix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(writers, "_UMASK", 0o027)  # the mask is read once, at import
    out = tmp_path / f"out.{suffix}"
    write_table(pl.DataFrame({"name": ["Xinjiang Zhongtai Chemical Co. Ltd."]}), out)
    assert stat.S_IMODE(out.stat().st_mode) == 0o640  # not mkstemp's private 0600


def test_default_mask_gives_a_readable_file(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    write_table(pl.DataFrame({"a": ["1"]}), out)
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~mask


def test_failed_write_leaves_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    with pytest.raises(RuntimeError), atomic_path(out) as tmp:
        tmp.write_text("half")
        raise RuntimeError("interrupted")
    assert list(tmp_path.iterdir()) == []


def test_missing_folder_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="output folder does not exist"):
        write_table(pl.DataFrame({"a": ["1"]}), tmp_path / "nowhere" / "out.csv")
