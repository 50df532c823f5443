"""Hostile content is inert: markup is escaped, formulas defused, bad bodies refused, nothing stored."""

from __future__ import annotations

import csv
import io
import tempfile
import time
import zipfile
from pathlib import Path, PurePosixPath

import openpyxl
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

import sourcetrace
from sourcetrace.store.workspace import jobs
from sourcetrace.web.routes import exports

SCRIPT = "<script>alert(1)</script>"
# A listed company whose address carries markup: its row is a hit, so it reaches every page.
HOSTILE = (
    "name,address,country\n"
    f"新疆中泰化学股份有限公司,{SCRIPT} Urumqi,CN\n"
    f"{SCRIPT},<img src=x onerror=alert(2)>,GB\n"
    f'"{SCRIPT} Hoshine Silicon Industry Co. Ltd",Zhejiang,CN\n'
).encode()
FORMULAS = ["=1+2", "+1+2", "-1+2", "@SUM(A1)", '=HYPERLINK("http://192.0.2.1/x","y")']


def _upload(client: TestClient, token: str, name: str, content: bytes) -> object:
    return client.post(
        "/jobs",
        data={"csrf_token": token},
        files={"file": (name, content, "application/octet-stream")},
    )


def _job(client: TestClient, token: str, content: bytes, name: str = "s.csv") -> str:
    """Upload and wait until the background screening is done; returns the job's page URL."""
    response = _upload(client, token, name, content)
    assert response.status_code == 303, response.text  # type: ignore[attr-defined]
    url = str(response.headers["location"])  # type: ignore[attr-defined]
    deadline = time.monotonic() + 60
    while (status := client.get(f"/api{url}").json()["status"]) not in ("done", "failed"):
        assert time.monotonic() < deadline, status
        time.sleep(0.05)
    assert status == "done"
    return url


def _job_count(app: FastAPI) -> int:
    with app.state.sourcetrace.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(jobs)).scalar_one())


# --- markup ------------------------------------------------------------------------------------


def test_markup_in_names_addresses_and_filenames_is_escaped(
    client: TestClient, analyst: str
) -> None:
    job = _job(client, analyst, HOSTILE, name="<svg onload=alert(3)>.csv")
    pages = {
        "jobs": client.get("/jobs"),
        "job": client.get(job),
        "review": client.get(f"{job}/review"),
        "report": client.get(f"{job}/report"),
    }
    for page, response in pages.items():
        assert response.status_code == 200, page
        text = response.text
        for raw in (SCRIPT, "<img src=x", "<svg onload"):
            assert raw not in text, f"unescaped {raw!r} on the {page} page"
        assert "script-src 'self'" in response.headers["content-security-policy"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages["job"].text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages["review"].text
    assert "&lt;svg onload=alert(3)&gt;" in pages["jobs"].text


# --- spreadsheet formulas ---------------------------------------------------------------------


def _formula_input(folder: Path) -> Path:
    path = folder / "formulas.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["name", "address"])
        for value in FORMULAS:
            writer.writerow([value, value])
    return path


def test_csv_and_xlsx_results_defuse_formulas(tmp_path: Path) -> None:
    run = sourcetrace.screen(_formula_input(tmp_path))
    run.write(tmp_path / "out.csv")
    run.write(tmp_path / "out.xlsx")

    with (tmp_path / "out.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["name"] for r in rows] == ["'" + v for v in FORMULAS]

    book = openpyxl.load_workbook(tmp_path / "out.xlsx")
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    names = [row[header.index("name")] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == ["'" + v for v in FORMULAS]
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f", f"formula in {cell.coordinate}: {cell.value!r}"
            if isinstance(cell.value, str):
                assert not cell.value.startswith(("=", "+", "-", "@")), cell.coordinate


def test_web_results_csv_defuses_formulas(client: TestClient, analyst: str, tmp_path: Path) -> None:
    job = _job(client, analyst, _formula_input(tmp_path).read_bytes())
    response = client.get(f"{job}/results.csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r["name"] for r in rows] == ["'" + v for v in FORMULAS]
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@")), row


# --- request bodies ---------------------------------------------------------------------------


@pytest.mark.parametrize("depth", [50, 2_000, 100_000])
@pytest.mark.parametrize("where", ["top", "name", "properties"])
def test_deeply_nested_json_is_a_client_error(
    client: TestClient, api_key: str, depth: int, where: str
) -> None:
    nested = {"top": "[" * depth + "]" * depth, "name": '{"a":' * depth + "1" + "}" * depth}
    if where == "top":
        body = nested["top"]
    else:
        inner = nested["top"] if where == "name" else nested["name"]
        body = '{"queries":{"q":{"schema":"Company","properties":{"name":' + inner + "}}}}"
    response = client.post(
        "/match/default",
        content=body,
        headers={"Authorization": f"ApiKey {api_key}", "Content-Type": "application/json"},
    )
    # A shallow nest of empty lists holds no name, so it is a valid (empty) query.
    assert response.status_code < 500, response.text[:300]
    if depth > 1000:
        assert 400 <= response.status_code < 500


@pytest.mark.parametrize(
    "body",
    [
        b"\xff\xfe{",
        b"{",
        b"null",
        b'{"queries": null}',
        b'{"queries": {"q": 1}}',
        b'{"queries": {"q": {"schema": "Company", "properties": {"name": {"a": 1}}}}}',
        # Python's JSON parser reads 1e999 as inf and NaN as nan, which a JSON reply cannot
        # carry: the 422 must not echo them.
        pytest.param(b"1e999999", id="inf"),
        pytest.param(
            b'{"queries": {"q": {"schema": "Company", "properties": {"name": NaN}}}}',
            id="nan-name",
        ),
    ],
)
def test_malformed_match_bodies_are_client_errors(
    client: TestClient, api_key: str, body: bytes
) -> None:
    response = client.post(
        "/match/default",
        content=body,
        headers={"Authorization": f"ApiKey {api_key}", "Content-Type": "application/json"},
    )
    assert 400 <= response.status_code < 500, response.text[:300]


# --- uploads ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "over",
    [1, 64 * 1024 + 1, 800_000],
    ids=["just-over", "over-the-header-allowance", "far-over"],
)
def test_oversized_upload_is_refused_and_nothing_stored(
    client: TestClient,
    analyst: str,
    app: FastAPI,
    over: int,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A private temporary folder, so that a copy left behind would show.
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    size = app.state.sourcetrace.config.max_upload_bytes + over
    before = _job_count(app)
    line = b"Acme Buttons GmbH,Berlin,DE\n"
    content = b"name,address,country\n" + line * (size // len(line) + 1)
    response = _upload(client, analyst, "big.csv", content)
    assert response.status_code in (400, 413), response.status_code  # type: ignore[attr-defined]
    assert "nothing was stored" in response.text  # type: ignore[attr-defined]
    assert _job_count(app) == before
    assert list(scratch.iterdir()) == [], "the refused upload left a temporary copy"


# --- evidence pack ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "filename", ["../../../etc/passwd.csv", "..\\..\\evil.csv", "/abs/path.csv", "C:\\x\\y.csv"]
)
def test_evidence_pack_paths_stay_inside_the_pack(
    client: TestClient, analyst: str, monkeypatch: pytest.MonkeyPatch, filename: str
) -> None:
    monkeypatch.setattr(exports, "printer_missing", lambda: "off")  # no PDF: quicker
    job = _job(client, analyst, HOSTILE, name=filename)
    response = client.get(f"{job}/evidence.zip")
    assert response.status_code == 200
    assert "/" not in response.headers["content-disposition"].split("filename=", 1)[1]
    with zipfile.ZipFile(io.BytesIO(response.content)) as zf:
        assert zf.testzip() is None
        names = zf.namelist()
    assert names
    for name in names:
        path = PurePosixPath(name)
        assert not path.is_absolute() and not name.startswith(("/", "\\")), name
        assert ".." not in path.parts and "\\" not in name and ":" not in name, name
        assert path.parts[0] == f"sourcetrace-job-{job.rsplit('/', 1)[1]}", name


def test_a_huge_name_is_answered_quickly(client: TestClient, api_key: str) -> None:
    """A pasted document in the name field must not stall the worker."""
    import time

    body = {"queries": {"q": {"schema": "Company", "properties": {"name": ["新疆" * 100_000]}}}}
    start = time.perf_counter()
    response = client.post(
        "/match/default", json=body, headers={"Authorization": f"ApiKey {api_key}"}
    )
    assert response.status_code < 500
    assert time.perf_counter() - start < 20
