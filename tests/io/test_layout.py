"""Spreadsheets as people have them: a cover sheet, a title above the header, semicolons.

Run through the installed ``sourcetrace`` command, as a user would; the names are listed
entities from the bundled UFLPA Entity List, so a found match proves the right column was read.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest
import xlsxwriter

from sourcetrace.errors import ConfigError
from sourcetrace.io.options import ReadOptions
from sourcetrace.io.readers import read_input
from sourcetrace.screening import screen

LISTED = "Hoshine Silicon Industry (Shanshan) Co., Ltd"  # UFLPA Entity List, 2022-06-21
LISTED_2 = "Xinjiang Daqo New Energy, Co. Ltd"  # UFLPA Entity List
CLEAR = "Pacific Textiles Holdings Ltd"
SOURCETRACE = str(Path(sys.executable).with_name("sourcetrace"))


def sourcetrace(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SOURCETRACE_DATA_DIR": str(cwd / "data"), "COLUMNS": "200"}
    return subprocess.run(
        [SOURCETRACE, *args, "--no-store-lists"],
        capture_output=True, text=True, timeout=300, check=False, cwd=cwd, env=env,
    )  # fmt: skip


def one_line_error(done: subprocess.CompletedProcess[str]) -> str:
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2, done.stderr[-2000:]
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr[-2000:]
    return lines[0]


# The workbook as a buyer's compliance team sends it: a cover sheet, then the list with a
# two-line title block and a blank line above the header. xlsxwriter rows count from 0, so the
# spreadsheet row of index i is i + 1 and its ``row`` in results is i (spreadsheet row - 1).
HEADER_AT = 3
ROWS_AT = {LISTED: 4, CLEAR: 6}  # a blank row between them


def workbook(path: Path) -> Path:
    book = xlsxwriter.Workbook(path)
    cover = book.add_worksheet("Cover")
    cover.write(0, 0, "Supplier due diligence, tier 2, 2025")
    cover.write_row(2, 0, ["Prepared by", "Compliance team"])
    sheet = book.add_worksheet("Tier 2 suppliers")
    sheet.write(0, 0, "ACME Apparel: tier 2 supplier list")
    sheet.write(1, 0, "Exported 2025-06-30")
    sheet.write_row(HEADER_AT, 0, ["Supplier name", "City", "Country", "Spend (USD)"])
    sheet.write_row(ROWS_AT[LISTED], 0, [LISTED, "Shanshan", "CN", 125000])
    sheet.write_row(ROWS_AT[CLEAR], 0, [CLEAR, "Hong Kong", "HK", 98000.5])
    book.close()
    return path


def results(path: Path) -> dict[str, tuple[int, str]]:
    frame = pl.read_csv(path, infer_schema=False)
    return {r["name"]: (int(r["row"]), r["decision"]) for r in frame.iter_rows(named=True)}


@pytest.mark.parametrize("bulk", [False, True], ids=["in-memory", "bulk"])
def test_cover_sheet_and_title_block_are_passed_over_and_said(tmp_path: Path, bulk: bool) -> None:
    book = workbook(tmp_path / "suppliers.xlsx")
    args = ["screen", book.name, "-o", "out.csv"] if bulk else ["screen", book.name]
    done = sourcetrace(*args, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "read sheet 'Tier 2 suppliers' (sheet 2 of 2)" in done.stderr
    assert f"column names read from row {HEADER_AT + 1} of sheet 'Tier 2 suppliers'" in done.stderr
    if bulk:
        assert results(tmp_path / "out.csv") == {
            LISTED: (ROWS_AT[LISTED], "match"),
            CLEAR: (ROWS_AT[CLEAR], "clear"),
        }
    else:
        assert "match 1" in done.stdout and "clear 1" in done.stdout


def test_sheet_by_name_or_number_and_header_row(tmp_path: Path) -> None:
    book = workbook(tmp_path / "suppliers.xlsx")
    for sheet in ("Tier 2 suppliers", "2"):
        done = sourcetrace(
            "screen", book.name, "--sheet", sheet, "--header-row", str(HEADER_AT + 1),
            "-o", "out.csv", cwd=tmp_path,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert "note:" not in done.stderr  # nothing was chosen for the user
        assert results(tmp_path / "out.csv")[LISTED] == (ROWS_AT[LISTED], "match")
    line = one_line_error(sourcetrace("screen", book.name, "--sheet", "Suppliers", cwd=tmp_path))
    assert "no sheet 'Suppliers'" in line and "1: Cover, 2: Tier 2 suppliers" in line


def test_header_row_given_wrong_suggests_the_fix(tmp_path: Path) -> None:
    book = workbook(tmp_path / "suppliers.xlsx")
    line = one_line_error(
        sourcetrace("screen", book.name, "--sheet", "2", "--header-row", "1", cwd=tmp_path)
    )
    assert "suppliers.xlsx: no name column found among: ACME Apparel: tier 2 supplier list" in line
    assert "--header-row N" in line and "--sheet NAME (sheets: 'Cover', 'Tier 2 suppliers')" in line
    line = one_line_error(sourcetrace("screen", book.name, "--sheet", "Cover", cwd=tmp_path))
    assert "--sheet NAME" in line and "--name-column" in line


def test_a_header_with_names_the_reader_does_not_know_suggests_name_column(tmp_path: Path) -> None:
    path = tmp_path / "lieferanten.csv"
    path.write_text(f'Lieferant,Ort\n"{LISTED}",Shanshan\n', encoding="utf-8")
    line = one_line_error(sourcetrace("screen", path.name, cwd=tmp_path))
    assert "no name column found among: Lieferant, Ort" in line
    assert "--name-column" in line and "--header-row" not in line and "--sheet" not in line
    done = sourcetrace("screen", path.name, "--name-column", "Lieferant", cwd=tmp_path)
    assert done.returncode == 0 and "match 1" in done.stdout, done.stderr


def european_csv(path: Path, delimiter: str) -> Path:
    """A European export: a title line, a blank line, decimal commas in the amounts."""
    lines = [
        f"Lieferantenliste 2025{delimiter}{delimiter}",
        "",
        delimiter.join(["Supplier name", "Ort", "Betrag"]),
        delimiter.join([f'"{LISTED_2}"', "Shihezi", '"1,5"']),
        delimiter.join([CLEAR, "Hong Kong", '"2,25"']),
    ]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8-sig")
    return path


@pytest.mark.parametrize("bulk", [False, True], ids=["in-memory", "bulk"])
def test_semicolon_csv_below_a_title(tmp_path: Path, bulk: bool) -> None:
    path = european_csv(tmp_path / "lieferanten.csv", ";")
    args = ["screen", path.name, "-o", "out.csv"] if bulk else ["screen", path.name]
    done = sourcetrace(*args, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "column names read from line 3" in done.stderr
    if bulk:
        # Rows count on from the header's line: the first data row (line 4) is row 3.
        assert results(tmp_path / "out.csv") == {LISTED_2: (3, "match"), CLEAR: (4, "clear")}
    else:
        assert "match 1" in done.stdout and "clear 1" in done.stdout


@pytest.mark.parametrize(
    "delimiter", [";", "\t", "|", ","], ids=["semicolon", "tab", "pipe", "comma"]
)
def test_delimiter_is_sniffed(tmp_path: Path, delimiter: str) -> None:
    table = read_input(european_csv(tmp_path / "s.csv", delimiter), ReadOptions())
    assert table.frame.columns == ["Supplier name", "Ort", "Betrag"]
    assert table.frame.get_column("Betrag").to_list() == ["1,5", "2,25"]
    assert list(table.rows) == [3, 4]


def test_bulk_and_in_memory_number_rows_alike(tmp_path: Path) -> None:
    """The streamed reader and the whole-file reader give every row the same number."""
    path = tmp_path / "s.csv"
    path.write_text(
        f"Supplier list;\n\nname;city\n{LISTED};Shanshan\n\n{CLEAR};Hong Kong\nSome Co;X\n",
        encoding="utf-8",
    )
    done = sourcetrace("screen", path.name, "-o", "out.csv", "-q", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    run = screen(path, default_lists=True)
    assert {r.record.name: r.record.row for r in run.results} == {
        name: row for name, (row, _) in results(tmp_path / "out.csv").items()
    }


def test_trace_reads_a_links_workbook_below_its_title(tmp_path: Path) -> None:
    book = xlsxwriter.Workbook(tmp_path / "links.xlsx")
    sheet = book.add_worksheet("Links")
    sheet.write(0, 0, "Supply links, polysilicon, from the supplier survey")
    sheet.write_row(2, 0, [
        "buyer", "supplier", "product", "hs_code", "quantity", "unit", "date", "evidence", "basis",
    ])  # fmt: skip
    sheet.write_row(3, 0, [
        "Module Maker Ltd", LISTED, "polysilicon", "2804.61", 120, "t", "2026-03-02",
        "PO MM-2026-014", "declared",
    ])  # fmt: skip
    book.close()
    done = sourcetrace("trace", "links.xlsx", "-o", "findings.csv", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "column names read from row 3 of sheet 'Links'" in done.stderr
    findings = pl.read_csv(tmp_path / "findings.csv", infer_schema=False)
    assert findings.height > 0
    line = one_line_error(
        sourcetrace("trace", "links.xlsx", "--header-row", "1", "-o", "f2.csv", cwd=tmp_path)
    )
    assert "links.xlsx" in line
    assert not (tmp_path / "f2.csv").exists()


def test_read_options_api(tmp_path: Path) -> None:
    notes: list[str] = []
    table = read_input(workbook(tmp_path / "s.xlsx"), ReadOptions(notice=notes.append))
    assert table.frame.columns == ["Supplier name", "City", "Country", "Spend (USD)"]
    assert list(table.rows) == [ROWS_AT[LISTED], ROWS_AT[CLEAR]]
    assert table.sheets == ["Cover", "Tier 2 suppliers"] and len(notes) == 2


def test_layout_options_that_do_not_apply_are_refused(tmp_path: Path) -> None:
    path = european_csv(tmp_path / "s.csv", ";")
    with pytest.raises(ConfigError, match="s.csv: --sheet applies to .xlsx workbooks only"):
        read_input(path, ReadOptions(sheet="2"))
    with pytest.raises(ConfigError, match="--header-row 9 is past the first 5 rows"):
        read_input(path, ReadOptions(header_row=9))
    table = read_input(path, ReadOptions(header_row=3))
    assert table.frame.columns == ["Supplier name", "Ort", "Betrag"] and list(table.rows) == [3, 4]


def test_an_empty_first_sheet_is_passed_over(tmp_path: Path) -> None:
    path = tmp_path / "export.xlsx"
    book = xlsxwriter.Workbook(path)
    book.add_worksheet("Sheet1")  # left empty, as exports often do
    data = book.add_worksheet("Sheet2")
    data.write_row(0, 0, ["供应商名称", "地址"])
    data.write_row(1, 0, ["新疆大全新能源股份有限公司", "石河子"])
    book.close()
    notes: list[str] = []
    table = read_input(path, ReadOptions(notice=notes.append))
    assert table.frame.columns == ["供应商名称", "地址"] and list(table.rows) == [1]
    assert notes == [
        "read sheet 'Sheet2' (sheet 2 of 2), the first that holds a table; give --sheet to read "
        + "another"
    ]
