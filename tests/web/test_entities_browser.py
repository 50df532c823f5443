"""Search and the entity page in a real server and Debian's Chromium, with a screenshot kept.

Like ``test_browser.py``: ``sourcetrace serve``'s function under uvicorn in a subprocess; the
browser needs the ``playwright`` package and /usr/bin/chromium (nothing is downloaded), and
every request it sends must stay on the server.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sourcetrace.store.engine import make_engine
from sourcetrace.workspace.accounts import add_user

CHROMIUM = Path("/usr/bin/chromium")
PASSWORD = "browser-pass-2"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, tools: Any) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("serve-search")
    url = f"sqlite:///{tmp / 'serve.db'}"
    engine = make_engine(url)
    add_user(engine, "vic", "viewer", PASSWORD)
    engine.dispose()
    with tools.running_server(url) as (base, _proc):
        yield base


def test_search_a_name_and_open_its_entity_page(server: str, tmp_path: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed at /usr/bin/chromium")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.set_default_timeout(60_000)
            external: list[str] = []
            page.on(
                "request",
                lambda r: external.append(r.url) if not r.url.startswith(server) else None,
            )
            page.goto(f"{server}/jobs")
            page.fill("input[name=username]", "vic")
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(f"{server}/jobs")
            page.click("nav a[href='/search']")
            page.fill("input[name=q]", "新疆中泰化学股份有限公司")
            page.click("form[role=search] button[type=submit]")
            page.wait_for_selector("table.results")
            results = page.inner_text("table.results")
            assert "Xinjiang Zhongtai Chemical Co. Ltd." in results
            assert "match" in results
            page.screenshot(path=str(tmp_path / "search.png"), full_page=True)
            page.click("table.results a:has-text('Xinjiang Zhongtai Chemical')")
            page.wait_for_url(f"{server}/entities/*")
            assert page.inner_text("h1") == "Xinjiang Zhongtai Chemical Co. Ltd."
            listings = page.inner_text("table.listings")
            assert "UFLPA Entity List" in listings and "2023" in listings
            assert "uflpa 2026-08-10" in page.inner_text("ul.versions")
            shot = tmp_path / "entity.png"
            page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 10_000
            assert external == []
        finally:
            browser.close()
