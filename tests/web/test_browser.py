"""The workspace in a real server and a real browser: log in, upload, decide, read the report.

Runs ``sourcetrace serve``'s function under uvicorn in a subprocess. The browser part needs the
``playwright`` package and Debian's Chromium at /usr/bin/chromium (no browser is downloaded);
without them it skips.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from sourcetrace.store.engine import make_engine
from sourcetrace.workspace.accounts import add_user

CHROMIUM = Path("/usr/bin/chromium")
PASSWORD = "browser-pass-1"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, tools: Any) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("serve")
    url = f"sqlite:///{tmp / 'serve.db'}"
    engine = make_engine(url)
    add_user(engine, "ana", "analyst", PASSWORD)
    engine.dispose()
    with tools.running_server(url) as (base, _proc):
        yield base


def test_served_app_answers(server: str) -> None:
    assert httpx.get(f"{server}/login").status_code == 200
    assert httpx.get(f"{server}/jobs").status_code == 303
    assert httpx.post(f"{server}/match/default", json={"queries": {}}).status_code == 401


@pytest.fixture()
def browser_page(server: str, tools: Any) -> Iterator[tuple[Any, list[str]]]:
    """A Chromium page logged in as the analyst, and the list of requests it sent elsewhere."""
    chromium_args = tools.chromium_args
    sync_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed at /usr/bin/chromium")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=list(chromium_args))
        try:
            page = browser.new_page()
            page.set_default_timeout(60_000)
            external: list[str] = []
            page.on(
                "request",
                lambda r: external.append(r.url) if not r.url.startswith(server) else None,
            )
            page.goto(f"{server}/jobs")
            assert "/login" in page.url
            page.fill("input[name=username]", "ana")
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(f"{server}/jobs")
            yield page, external
        finally:
            browser.close()


def test_browser_flow(
    server: str, browser_page: tuple[Any, list[str]], tmp_path: Path, suppliers: bytes
) -> None:
    page, external = browser_page
    upload = tmp_path / "suppliers.csv"
    upload.write_bytes(suppliers)
    page.set_input_files("input[type=file]", str(upload))
    page.click("form.upload button[type=submit]")
    page.wait_for_url(f"{server}/jobs/*")
    # Screened in the background: the page's script shows the results when the job is done.
    page.wait_for_selector("text=Xinjiang Zhongtai Chemical Co. Ltd.")
    page.click("text=Review queue")
    page.wait_for_url("**/review*")
    page.click("input[data-select-all]")
    assert page.locator("input[name=rows]:checked").count() >= 2
    page.select_option("form#bulk select[name=decision]", "unsure")
    page.fill("form#bulk input[name=comment]", "checking with the supplier")
    page.click("form#bulk button[type=submit]")
    page.wait_for_load_state()
    # "Unsure" keeps them open: still in the queue, marked as decided unsure.
    assert page.locator("input[name=rows]").count() >= 2
    assert page.locator("header .tag-unsure").count() >= 2
    page.goto(page.url.split("/review")[0] + "/report")
    assert "checking with the supplier" in page.content()
    # The page's script ran (the tick-all worked) and nothing was fetched from elsewhere.
    assert external == []


def test_browser_follows_progress_without_reloading(
    server: str, browser_page: tuple[Any, list[str]], tmp_path: Path
) -> None:
    page, external = browser_page
    rows = 20_000  # a few seconds of screening
    upload = tmp_path / "many.csv"
    upload.write_text(
        "name,country\n" + "".join(f"Supplier {i} Textile Trading Co Ltd,CN\n" for i in range(rows))
    )
    page.set_input_files("input[type=file]", str(upload))
    page.click("form.upload button[type=submit]")
    page.wait_for_url(f"{server}/jobs/*")
    assert page.locator("section.job-status progress").count() == 1
    page.evaluate("window.stillTheSamePage = true")
    # The progress bar and the row count move while the page stays loaded.
    bar = page.locator("section.job-status progress")
    deadline = time.monotonic() + 60
    while not (bar.evaluate("b => b.value") > 0 and bar.evaluate("b => b.max") == rows):
        assert time.monotonic() < deadline, "the progress bar did not move"
        time.sleep(0.1)
    assert page.evaluate("window.stillTheSamePage") is True
    assert f"of {rows:,} rows screened" in page.inner_text("[data-job-rows]")
    # Done: the page loads again and shows the results.
    page.wait_for_selector("table.grid", timeout=120_000)
    assert page.evaluate("window.stillTheSamePage") is None
    assert f"{rows:,} rows" in page.inner_text("form.filters")
    assert external == []
