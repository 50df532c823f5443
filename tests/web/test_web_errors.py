"""Upload errors speak the web's language: what to fill in on the form, never a ``--`` option."""

from __future__ import annotations

import io
import re
import time
from collections.abc import Callable
from html import unescape
from typing import Any

import openpyxl
import pytest
from fastapi.testclient import TestClient

_OPTION = re.compile(r"--[a-z]")


def _alert(page: str) -> str:
    """The error alert of a refused form, checked to name no command-line option. Only the alert
    is read: the rest of the page carries the random CSRF token, which may hold "--k" by chance."""
    found = re.search(r'<p class="error" role="alert">(.*?)</p>', page, re.DOTALL)
    assert found is not None, page
    assert _OPTION.search(found.group(1)) is None, found.group(1)
    return found.group(1)


def _workbook(sheets: dict[str, list[list[str]]]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# A workbook as procurement exports them: an instructions sheet in front, the suppliers on the
# second sheet under a header the detector does not know.
WORKBOOK = _workbook(
    {
        "Instructions": [["Step", "Note"], ["1", "Fill in the Vendors sheet"]],
        "Vendors": [["Vendor Label", "Town"], ["Hoshine Silicon Industry Co. Ltd", "Shanshan"]],
    }
)


def _failed(client: TestClient, token: str, name: str, content: bytes, **fields: str) -> str:
    """Upload with these form fields; the job must fail. Returns its error as the pages show it,
    after checking the job page, the jobs list and the JSON status all give the same line."""
    answer = client.post(
        "/jobs",
        data={"csrf_token": token, **fields},
        files={"file": (name, content, "application/octet-stream")},
    )
    assert answer.status_code == 303, answer.text
    job_url = answer.headers["location"]
    status = _status(client, job_url)
    assert status["status"] == "failed", status
    error = str(status["error"])
    assert _OPTION.search(error) is None, error
    assert error in unescape(client.get(job_url).text)
    assert error in unescape(client.get("/jobs").text)
    return error


def _status(client: TestClient, job_url: str) -> dict[str, Any]:
    job_id = job_url.rsplit("/", 1)[1]
    deadline = time.monotonic() + 60
    while True:
        status: dict[str, Any] = client.get(f"/api/jobs/{job_id}").json()
        if status["status"] in ("done", "failed") or time.monotonic() > deadline:
            return status
        time.sleep(0.05)


def test_a_missing_name_column_says_which_field_to_fill_in(
    client: TestClient, as_user: Callable[[str], str]
) -> None:
    token = as_user("analyst")
    error = _failed(client, token, "vendors.csv", b"vendor_label,city\nAcme Buttons GmbH,Berlin\n")
    assert error.startswith("vendors.csv: no name column found among: vendor_label, city")
    assert 'enter the column holding the company name in the "Company name" field' in error
    # Filling in that field is the fix the message promised.
    done = client.post(
        "/jobs",
        data={"csrf_token": token, "name_column": "vendor_label"},
        files={
            "file": ("vendors.csv", b"vendor_label,city\nAcme Buttons GmbH,Berlin\n", "text/csv")
        },
    )
    assert _status(client, done.headers["location"])["status"] == "done"


def test_a_title_line_read_as_header_points_to_the_header_row_field(
    client: TestClient, as_user: Callable[[str], str]
) -> None:
    token = as_user("analyst")
    # Only a report title where the column names belong: nothing looks like a header.
    titled = b"Supplier master list exported 2026-12-01 from the ERP system\nAcme Buttons GmbH\n"
    error = _failed(client, token, "master.csv", titled)
    assert 'enter the number of that row in the "Header row" field of the upload form' in error
    # The field reads the header from the row given, as --header-row does on the command line.
    content = b"Export 2026-12-01,\nVendor Label,Town\nHoshine Silicon Industry Co. Ltd,Shanshan\n"
    done = client.post(
        "/jobs",
        data={"csrf_token": token, "header_row": "2", "name_column": "Vendor Label"},
        files={"file": ("master.csv", content, "text/csv")},
    )
    assert _status(client, done.headers["location"])["status"] == "done"
    past = _failed(client, token, "master.csv", content, header_row="40")
    assert past == (
        'master.csv: "Header row" 40 is past the first 3 rows of the file; nothing was stored.'
    )


def test_a_table_on_another_sheet_points_to_the_sheet_field(
    client: TestClient, as_user: Callable[[str], str]
) -> None:
    token = as_user("analyst")
    error = _failed(client, token, "vendors.xlsx", WORKBOOK)
    assert (
        'if the table is on another sheet, fill in the "Sheet" field of the upload form '
        "(sheets: 'Instructions', 'Vendors')" in error
    )
    done = client.post(
        "/jobs",
        data={"csrf_token": token, "sheet": "Vendors", "name_column": "Vendor Label"},
        files={"file": ("vendors.xlsx", WORKBOOK, "application/octet-stream")},
    )
    status = _status(client, done.headers["location"])
    assert status["status"] == "done" and sum(status["counts"].values()) == 1
    csv_sheet = _failed(client, token, "list.csv", b"name\nAcme Buttons GmbH\n", sheet="2")
    assert 'the "Sheet" field of the upload form applies to .xlsx workbooks only' in csv_sheet


def test_an_encoding_error_names_the_encoding_field(
    client: TestClient, as_user: Callable[[str], str]
) -> None:
    token = as_user("analyst")
    content = "name\nÄrzte Textil GmbH\n".encode()
    error = _failed(client, token, "list.csv", content, encoding="ascii")
    assert 'choose another text encoding in the "Text encoding" field of the upload form' in error


@pytest.mark.parametrize(
    ("field", "value", "said"),
    [
        ("header_row", "0", "Header row: give the number of the row holding the column names"),
        ("header_row", "two", "not 'two'"),
        ("header_row", "²", "not '²'"),
        ("encoding", "klingon-8", "'klingon-8' is not an encoding this server knows"),
    ],
)
def test_a_bad_form_value_is_refused_at_once(
    client: TestClient, as_user: Callable[[str], str], field: str, value: str, said: str
) -> None:
    token = as_user("analyst")
    before = client.get("/jobs").text.count('href="/jobs/')
    refused = client.post(
        "/jobs",
        data={"csrf_token": token, field: value},
        files={"file": ("list.csv", b"name\nAcme Buttons GmbH\n", "text/csv")},
    )
    assert refused.status_code == 400
    page = unescape(refused.text)
    assert said in page and "nothing was stored" in page.lower()
    assert said in _alert(page)
    assert client.get("/jobs").text.count('href="/jobs/') == before  # no job was made


# Bytes no text encoding reads: a file exported in a binary format but named .csv.
UNREADABLE = bytes([0x81, 0x30, 0xFF, 0xFE, 0x00, 0x9F] * 50 + [0xFF] * 100)


def test_an_unreadable_file_says_what_each_form_can_do(
    client: TestClient, as_user: Callable[[str], str]
) -> None:
    token = as_user("analyst")
    error = _failed(client, token, "suppliers.csv", UNREADABLE)
    assert error == (
        "suppliers.csv: unreadable text encoding; enter the file's encoding in the "
        '"Text encoding" field of the upload form; nothing was stored.'
    )
    # The supply-chain form has no encoding field: the fix is in the file.
    refused = client.post(
        "/chains",
        data={"csrf_token": token},
        files={"links": ("links.csv", UNREADABLE, "text/csv")},
    )
    assert refused.status_code == 400
    page = unescape(refused.text)
    assert (
        "links.csv: unreadable text encoding; save the file as UTF-8 and upload it again. "
        "Nothing was stored." in page
    )
    assert "links.csv: unreadable text encoding" in _alert(page)
