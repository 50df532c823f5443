"""Shared fixtures: the bundled lists loaded once, a matcher over them, ``sourcetrace screen`` on
a supplier list, a fresh store database."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sqlalchemy import create_engine, text

from sourcetrace.lists import default_list_path, load_entities
from sourcetrace.matching import Matcher
from sourcetrace.model import ListedEntity
from sourcetrace.settings import load_settings

ROOT = Path(__file__).resolve().parent.parent

# The bundled snapshots age with the calendar: set far off, the stale-list warning (a line on
# standard error and on every page) does not depend on the day the tests run. The tests of the
# warning itself set their own value.
os.environ.setdefault("SOURCETRACE_STALE_LIST_DAYS", "100000")


@pytest.fixture(scope="session")
def bundled_entities() -> list[ListedEntity]:
    return load_entities(default_list_path())


@pytest.fixture(scope="session")
def matcher(bundled_entities: list[ListedEntity]) -> Matcher:
    return Matcher(bundled_entities, load_settings())


@pytest.fixture()
def examples() -> Path:
    return ROOT / "examples"


class ScreenCommand(Protocol):
    """``sourcetrace screen`` on a CSV file of these columns, against the bundled lists: the rows
    of its result file, every cell as text (an empty cell is "")."""

    def __call__(
        self, columns: dict[str, list[str]], file_name: str = "suppliers.csv"
    ) -> list[dict[str, str]]: ...


@pytest.fixture()
def screen_command(tmp_path: Path) -> ScreenCommand:
    """Run the command as a user does (a subprocess; exit code 0 asserted) on a file it writes."""

    def screen(columns: dict[str, list[str]], file_name: str = "suppliers.csv"
               ) -> list[dict[str, str]]:  # fmt: skip
        source = tmp_path / file_name
        with source.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(columns)
            writer.writerows(zip(*columns.values(), strict=True))
        out = tmp_path / f"{source.stem}.results.csv"
        result = subprocess.run(
            [sys.executable, "-m", "sourcetrace", "screen", str(source), "--output", str(out),
             "-q"],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        # The result file starts with a byte-order mark (for spreadsheets): not part of a header.
        with out.open(encoding="utf-8-sig", newline="") as fh:
            return list(csv.DictReader(fh))

    return screen


# A fresh database per test: a SQLite file always, PostgreSQL too when SOURCETRACE_TEST_PG_URL
# names a server (as .ci/run does); a database is made for each PostgreSQL case and dropped after.
PG_SERVER = os.environ.get("SOURCETRACE_TEST_PG_URL")


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database (the file or the database does not exist before)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    if not PG_SERVER:
        pytest.skip("set SOURCETRACE_TEST_PG_URL to test on PostgreSQL")
    name = f"st_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield f"{PG_SERVER.rsplit('/', 1)[0]}/{name}"
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def build_xlsx_bomb(path: Path, cells: int = 2000, length: int = 200_000) -> Path:
    """A minimal, valid workbook whose one sheet holds ``cells`` inline strings of ``length``."""
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org'
            '/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.'
            'openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
            '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
            '"/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.worksheet+xml"/></Types>'
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
            'schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats'
            '.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships"><sheets><sheet name="Suppliers" sheetId="1" '
            'r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
            'schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
            'Target="worksheets/sheet1.xml"/></Relationships>'
        ),
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(
                b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
                b'openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
                b'<row r="1"><c r="A1" t="inlineStr"><is><t>name</t></is></c></row>'
            )
            filler = b"A" * length
            for row in range(2, cells + 2):
                sheet.write(
                    f'<row r="{row}"><c r="A{row}" t="inlineStr"><is><t>'.encode()
                    + filler
                    + b"</t></is></c></row>"
                )
            sheet.write(b"</sheetData></worksheet>")
    return path


def build_parquet_rows(path: Path, rows: int = 50_000_000) -> Path:
    """A Parquet file of ``rows`` rows of one listed name, dictionary-encoded: a few hundred kB."""
    names = pa.array(["Xinjiang Daqo New Energy, Co. Ltd"])  # UFLPA Entity List
    schema = pa.schema([("shipper", pa.dictionary(pa.int32(), pa.string()))])
    block = 10_000_000
    column = pa.DictionaryArray.from_arrays(pa.array(np.zeros(block, dtype=np.int32)), names)
    with pq.ParquetWriter(path, schema) as writer:
        for start in range(0, rows, block):
            part = column.slice(0, min(block, rows - start))
            writer.write_table(pa.table({"shipper": part}, schema=schema))
    return path


# The two decompression bombs of issue 21, made once per session (the workbook takes seconds).


@pytest.fixture(scope="session")
def xlsx_bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """About 470 kB of XLSX holding 2,000 cells of 200,000 characters: 382 MiB unpacked."""
    return build_xlsx_bomb(tmp_path_factory.mktemp("bombs") / "suppliers.xlsx")


@pytest.fixture(scope="session")
def parquet_rows(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A few hundred kB of Parquet holding 50 million rows."""
    return build_parquet_rows(tmp_path_factory.mktemp("bombs") / "shipments.parquet")
