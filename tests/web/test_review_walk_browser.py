"""The review walk of issue 18 in a real server and Debian's Chromium, as an analyst does it.

Upload examples/suppliers.csv, open the queue with its signal rows (location leads, identifier
problems), decide with comments, clear a ``match`` as a false positive under the four-eyes rule
and have a second reviewer approve it, search a name and open its entity page, then produce the
report, the PDF and the evidence pack. No rendered document may hold a Python repr or a raw
timestamp (the checker of test_documents.py, ``tools.leaks``).

Screenshots of the queue, the entity page and the PDF's first page (rendered by pypdfium2: the
browser's PDF viewer is not used) are kept for a person to look at, in
``tests/artifacts/review-walk/`` (git-ignored) or the folder ``SOURCETRACE_TEST_ARTIFACTS``
names. Like test_browser.py: the server is ``sourcetrace serve``'s function under uvicorn in a
subprocess; the browser needs ``playwright`` and /usr/bin/chromium (nothing is downloaded), runs
with the suite's no-network flags, and every request it sends must stay on the server.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sourcetrace.store.engine import make_engine
from sourcetrace.web.pdf import printer_missing
from sourcetrace.workspace.accounts import add_user

CHROMIUM = Path("/usr/bin/chromium")
PASSWORD = "walk-pass-four-eyes"
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "suppliers.csv"
ARTIFACTS = Path(
    os.environ.get("SOURCETRACE_TEST_ARTIFACTS")
    or Path(__file__).resolve().parents[1] / "artifacts"
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, tools: Any) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("serve-walk")
    url = f"sqlite:///{tmp / 'serve.db'}"
    engine = make_engine(url)
    add_user(engine, "ana", "analyst", PASSWORD)
    add_user(engine, "ben", "analyst", PASSWORD)
    engine.dispose()
    # Four eyes on; the bundled lists' age must not put a calendar-dependent banner on pages.
    env = {"SOURCETRACE_FOUR_EYES": "yes", "SOURCETRACE_STALE_LIST_DAYS": "100000"}
    with tools.running_server(url, env) as (base, _proc):
        yield base


def _log_in(page: Any, server: str, username: str) -> None:
    page.goto(f"{server}/jobs")
    if "/login" not in page.url:  # someone else is logged in: log out first
        page.click("form.logout button[type=submit]")
        page.goto(f"{server}/jobs")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{server}/jobs")


def test_review_walk_in_chromium(server: str, tools: Any) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    pypdf = pytest.importorskip("pypdf")
    pdfium = pytest.importorskip("pypdfium2")
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed at /usr/bin/chromium")
    if printer_missing() is not None:
        pytest.skip(str(printer_missing()))
    shots = ARTIFACTS / "review-walk"
    shots.mkdir(parents=True, exist_ok=True)
    documents: dict[str, str] = {}
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=list(tools.chromium_args))
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.set_default_timeout(60_000)
            external: list[str] = []
            page.on(
                "request",
                lambda r: external.append(r.url) if not r.url.startswith(server) else None,
            )
            _log_in(page, server, "ana")
            # Upload; the job page follows the screening and shows the results when done.
            page.set_input_files("input[type=file]", str(EXAMPLE))
            page.click("form.upload button[type=submit]")
            page.wait_for_url(f"{server}/jobs/*")
            page.wait_for_selector("table.grid", timeout=120_000)
            job = page.url.split("?")[0].rstrip("/")
            documents["job page"] = page.content()

            # The queue holds the signal rows beside the listed matches.
            page.click("text=Review queue")
            page.wait_for_url("**/review*")
            assert page.locator("section.pair[data-kind=location]").count() >= 1
            assert page.locator("section.pair[data-kind=identifier]").count() >= 1
            page.screenshot(path=str(shots / "queue.png"), full_page=True)
            documents["queue"] = page.content()

            # A location lead cleared with its evidence.
            lead = page.locator("section.pair[data-kind=location]").first
            lead_id = lead.get_attribute("id")
            lead.locator("input[name=comment]").fill("plant visited: spinning moved to Anhui")
            lead.locator("button[value=cleared]").click()
            page.wait_for_load_state()
            assert page.locator(f"#{lead_id}").count() == 0  # cleared: off the open queue

            # A listed match called a false positive: four eyes keep it open.
            hit = page.locator("section.pair[data-kind=hit]:has(.tag-match)").first
            hit_id = str(hit.get_attribute("id"))
            hit.locator("input[name=comment]").fill("different company: USCC and address differ")
            hit.locator("button[value=false_positive]").click()
            page.wait_for_load_state()
            card = page.locator(f"#{hit_id}")
            assert "Awaiting second review" in card.inner_text()
            assert card.locator("form.approve").count() == 0  # not for the one who decided
            card.screenshot(path=str(shots / "queue-awaiting-second-review.png"))

            # The second reviewer approves it; it leaves the open queue.
            _log_in(page, server, "ben")
            page.goto(f"{job}/review")
            page.locator(f"#{hit_id} form.approve button").click()
            page.wait_for_load_state()
            assert page.locator(f"#{hit_id}").count() == 0
            page.goto(f"{job}/review?show=all")
            assert "approved by ben" in page.inner_text(f"#{hit_id}")

            # Search a name and open its entity page.
            page.click("nav a[href='/search']")
            page.fill("input[name=q]", "Xinjiang Zhongtai Chemical")
            page.click("form[role=search] button[type=submit]")
            page.wait_for_selector("table.results")
            documents["search"] = page.content()
            page.click("table.results a:has-text('Xinjiang Zhongtai Chemical')")
            page.wait_for_url(f"{server}/entities/*")
            assert page.inner_text("h1") == "Xinjiang Zhongtai Chemical Co. Ltd."
            page.screenshot(path=str(shots / "entity.png"), full_page=True)
            documents["entity page"] = page.content()

            # The report, its PDF and the evidence pack, fetched with the browser's session.
            page.goto(f"{job}/report")
            report = page.content()
            documents["report"] = report
            text = " ".join(re.sub(r"<[^>]+>", " ", report).split())
            assert "plant visited: spinning moved to Anhui" in text
            assert re.search(r"ana, [^;]+; approved by ben", text), text[:2000]
            pdf = page.request.get(f"{job}/report.pdf")
            assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
            pdf_bytes = pdf.body()
            reader = pypdf.PdfReader(io.BytesIO(pdf_bytes))
            pdf_pages = [pg.extract_text() or "" for pg in reader.pages]
            for number, pdf_text in enumerate(pdf_pages, start=1):
                documents[f"PDF page {number}"] = pdf_text
                assert f"page {number} of {len(pdf_pages)}" in pdf_text
            pack = page.request.get(f"{job}/evidence.zip")
            assert pack.ok
            with zipfile.ZipFile(io.BytesIO(pack.body())) as zf:
                name = next(n for n in zf.namelist() if n.endswith("/report.html"))
                documents["evidence pack report"] = zf.read(name).decode("utf-8")
                assert any(n.endswith("/report.pdf") for n in zf.namelist())
            assert external == []
        finally:
            browser.close()
    # The PDF's first page as an image, for a person to look at.
    first = pdfium.PdfDocument(pdf_bytes)[0]
    first.render(scale=1.5).to_pil().save(shots / "report-pdf-page-1.png")
    for shot in ("queue.png", "entity.png", "report-pdf-page-1.png"):
        # (queue-awaiting-second-review.png is one card: smaller, but there too)
        assert (shots / shot).stat().st_size > 10_000, shot
    for where, document in documents.items():
        assert tools.leaks(document) == [], where
