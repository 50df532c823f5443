"""Every input format and encoding the screen command accepts, and the bad inputs it refuses."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from sourcetrace.errors import InputError
from sourcetrace.io import detect_columns, read_table

ROWS = [
    ("新疆中泰化学股份有限公司", "乌鲁木齐市"),
    ("Aksu Huafu Textiles Co., Ltd.", "Aksu, Xinjiang"),
    ("Pacific Textiles Holdings Ltd", "Hong Kong"),
]


def csv_text(sep: str = ",") -> str:
    lines = [f"供应商名称{sep}address"] + [f'"{n}"{sep}"{a}"' for n, a in ROWS]
    return "\r\n".join(lines) + "\r\n"


@pytest.mark.parametrize(
    ("suffix", "encoding", "sep"),
    [
        (".csv", "utf-8", ","),
        (".csv", "utf-8-sig", ","),
        (".csv", "utf-16", "\t"),  # Excel "Unicode text": UTF-16 with BOM, tab-separated
        (".txt", "utf-16", "\t"),
        (".csv", "gb18030", ","),  # Chinese Excel export
        (".csv", "gbk", ","),
        (".tsv", "utf-8", "\t"),
    ],
)
def test_text_tables_in_every_encoding(
    tmp_path: Path, suffix: str, encoding: str, sep: str
) -> None:
    path = tmp_path / f"suppliers{suffix}"
    path.write_bytes(csv_text(sep).encode(encoding))
    frame = read_table(path)
    assert frame.columns == ["供应商名称", "address"]
    assert frame.get_column("供应商名称").to_list() == [n for n, _ in ROWS]
    assert detect_columns(path, frame.columns).name == "供应商名称"


def test_explicit_encoding_wins(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_bytes(csv_text().encode("gb18030"))
    assert read_table(path, "gb18030").height == 3
    with pytest.raises(InputError, match="not readable as utf-8"):
        read_table(path, "utf-8")


def test_xlsx_jsonl_parquet(tmp_path: Path) -> None:
    frame = pl.DataFrame({"supplier": [n for n, _ in ROWS], "tier": [1, 2, 3]})
    frame.write_excel(tmp_path / "s.xlsx")
    frame.write_parquet(tmp_path / "s.parquet")
    (tmp_path / "s.jsonl").write_text(
        "\n".join(
            json.dumps({"supplier": n, "tier": i}, ensure_ascii=False)
            for i, (n, _) in enumerate(ROWS)
        ),
        encoding="utf-8",
    )
    for name in ("s.xlsx", "s.parquet", "s.jsonl"):
        got = read_table(tmp_path / name)
        assert got.get_column("supplier").to_list() == [n for n, _ in ROWS], name
        assert got.schema["tier"] == pl.String


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.csv", None, "file not found"),
        ("empty.csv", b"", "empty file"),
        ("header.csv", b"name,address\r\n", "no data rows"),
        ("ragged.csv", b"name,address\nA Co,x\nB Co,y,z\n", "row 2: has 3 fields"),
        ("bad.jsonl", b'{"name": "A"}\n{"name": \n', "row 2: not valid JSON"),
        ("s.docx", b"x", "unknown file type"),
        ("broken.xlsx", b"PK\x03\x04 not really a workbook", "not a readable XLSX"),
        ("broken.parquet", b"PAR1 garbage", "not a readable Parquet"),
    ],
)
def test_bad_input_is_one_line_naming_file_and_row(
    tmp_path: Path, name: str, content: bytes | None, message: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(InputError) as info:
        read_table(path)
    line = str(info.value)
    assert "\n" not in line and name in line and message in line


def test_unknown_column_lists_the_columns(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text("company,country\nA,CN\n", encoding="utf-8")
    with pytest.raises(InputError, match="column 'supplier'.*company, country"):
        detect_columns(path, ["company", "country"], name="supplier")
    assert detect_columns(path, ["company", "country"]).country == "country"


def test_no_name_column_found(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    with pytest.raises(InputError, match="no name column"):
        detect_columns(path, ["tier", "hs_code"])
