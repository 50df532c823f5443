"""The supply-chain map in a real server and a real browser: upload the example chain, read the map.

As ``test_browser.py``: ``sourcetrace serve``'s function under uvicorn in a subprocess, Debian's
Chromium at /usr/bin/chromium driven by Playwright (no browser is downloaded); without them it
skips. Screenshots of the map are left at /tmp/map.png and /tmp/map-link.png (a link chosen)
for a human to look at.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from sourcetrace.store.engine import make_engine
from sourcetrace.workspace.accounts import add_user

CHROMIUM = Path("/usr/bin/chromium")
PASSWORD = "browser-pass-1"
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "chain"
SCREENSHOT = Path("/tmp/map.png")
LINK_SCREENSHOT = Path("/tmp/map-link.png")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, tools: Any) -> Iterator[str]:
    url = f"sqlite:///{tmp_path_factory.mktemp('serve') / 'serve.db'}"
    engine = make_engine(url)
    add_user(engine, "ana", "analyst", PASSWORD)
    engine.dispose()
    with tools.running_server(url) as (base, _proc):
        yield base


def _centre(page: Any, label: str) -> tuple[float, float]:
    """Where on the page the map draws the party named ``label``."""
    x, y = page.evaluate(
        """(label) => {
            const node = window.cy.nodes().filter((n) => n.data("label") === label)[0];
            const at = node.renderedPosition();
            const box = document.getElementById("chain-map").getBoundingClientRect();
            return [box.left + at.x, box.top + at.y];
        }""",
        label,
    )
    return float(x), float(y)


@contextmanager
def _page(chromium_args: tuple[str, ...]) -> Iterator[Any]:
    """A page of Debian's Chromium driven by Playwright (skips without them)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed at /usr/bin/chromium")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=list(chromium_args))
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            page.set_default_timeout(60_000)
            yield page
        finally:
            browser.close()


def _upload(page: Any, server: str, files: dict[str, Path]) -> None:
    """Log in as the analyst (once per page), upload the chain's files, follow its trace job
    to the map."""
    page.goto(f"{server}/chains")
    if page.locator("input[name=username]").count():
        page.fill("input[name=username]", "ana")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{server}/chains")
    for role, path in files.items():
        page.set_input_files(f"input[name={role}]", str(path))
    page.click("form.chain-upload button[type=submit]")
    # The upload answers with the trace job's page, which goes to the map when it is done.
    page.wait_for_url(f"{server}/jobs/*")
    page.wait_for_url(f"{server}/chains/*")
    page.wait_for_selector("#chain-map[data-nodes]", state="attached")


def test_map_of_the_example_chain(server: str, tools: Any) -> None:
    with _page(tools.chromium_args) as page:
        external: list[str] = []
        refused: list[str] = []
        page.on("request", lambda r: None if r.url.startswith(server) else external.append(r.url))
        page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)  # fmt: skip
        page.on("pageerror", lambda e: refused.append(str(e)))
        # The map is drawn from the JSON API by the vendored Cytoscape.
        _upload(
            page, server, {r: EXAMPLE / f"{r}.csv" for r in ("links", "ownership", "shipments")}
        )
        assert page.get_attribute("#chain-map", "data-nodes") == "9"
        assert page.evaluate("window.cy.nodes().length") == 9
        assert page.locator("#chain-map canvas").count() > 0
        # Raw material on the left, the buyer on the right.
        x = {
            name: _centre(page, name)[0]
            for name in ("HUAFU COLOR SPINNING", "Meridian Knitting Co. Ltd", "Northwind Outfitters Ltd")
        }  # fmt: skip
        assert (
            x["HUAFU COLOR SPINNING"]
            < x["Meridian Knitting Co. Ltd"]
            < x["Northwind Outfitters Ltd"]
        )

        # A listed party: its names, its own risk and its finding in the side panel.
        page.mouse.click(*_centre(page, "HUAFU COLOR SPINNING"))
        panel = page.locator("#chain-panel")
        panel.locator("h2", has_text="HUAFU COLOR SPINNING").wait_for()
        text = panel.inner_text()
        assert "华孚色纺" in text and "On an official list" in text and "UFLPA Entity List" in text
        assert "Its risk reaches" in text
        # A party reached by it: the path hop by hop, with evidence and basis.
        page.mouse.click(*_centre(page, "Meridian Knitting Co. Ltd"))
        panel.locator("h2", has_text="Meridian Knitting Co. Ltd").wait_for()
        steps = panel.locator("li").all_inner_texts()
        assert any(
            s.startswith(
                "HUAFU COLOR SPINNING supplies yarn (HS 520512) to Meridian Knitting Co. Ltd"
                " [observed: bill of lading COSU6120551"
            )
            for s in steps
        ), steps
        # A row of the findings table brings its party and path forward.
        page.click("table.findings tr[data-finding]:first-child")
        assert page.locator("table.findings tr.chosen").count() == 1
        assert panel.locator(".finding.chosen").count() == 1
        page.evaluate("window.scrollTo(0, 0)")
        page.mouse.click(*_centre(page, "HUAFU COLOR SPINNING"))
        panel.locator("h2", has_text="HUAFU COLOR SPINNING").wait_for()
        page.wait_for_timeout(300)  # the canvas redraws on the next frame
        page.screenshot(path=str(SCREENSHOT))
        assert external == [] and refused == []


def _edge_centre(page: Any, source: str, target: str) -> tuple[float, float]:
    """Where on the page the map draws the middle of the link from ``source`` to ``target``."""
    x, y = page.evaluate(
        """([source, target]) => {
            const edge = window.cy.edges().filter((e) =>
                e.source().data("label") === source && e.target().data("label") === target)[0];
            const at = edge.renderedMidpoint();
            const box = document.getElementById("chain-map").getBoundingClientRect();
            return [box.left + at.x, box.top + at.y];
        }""",
        [source, target],
    )
    return float(x), float(y)


def test_a_link_clicked_on_the_map_shows_its_evidence_and_other_columns(
    server: str, tmp_path: Path, tools: Any
) -> None:
    from tests.graph.chains import files_with_other_columns

    files = dict(zip(("links", "ownership", "shipments"), files_with_other_columns(tmp_path),
                     strict=True))  # fmt: skip
    with _page(tools.chromium_args) as page:
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        _upload(page, server, files)
        panel = page.locator("#chain-panel")

        page.mouse.click(*_edge_centre(page, "Harbour Garments Ltd", "Northwind Outfitters Ltd"))
        panel.locator("h2", has_text="Supply link").wait_for()
        text = panel.inner_text()
        assert (
            "Harbour Garments Ltd supplies garments (HS 6109.10) to Northwind Outfitters Ltd"
            in text
        )
        facts = dict(zip(panel.locator("dt").all_inner_texts(),
                         panel.locator("dd").all_inner_texts(), strict=True))  # fmt: skip
        assert facts == {
            "Quantity": "20000 pcs", "Date": "2026-03-02", "Basis": "observed",
            "Evidence": "invoice HG-8841", "Read from": "links.csv row 1",
            "PO Number": "NW-2026-031", "站点": "达卡",
        }  # fmt: skip
        # The link and its two parties come forward; the rest fades.
        assert page.evaluate("window.cy.elements('.focus').length") == 3
        page.wait_for_timeout(300)  # the canvas redraws on the next frame
        page.screenshot(path=str(LINK_SCREENSHOT))

        page.mouse.click(
            *_edge_centre(page, "Tianshan Fibre Holdings", "Coastline Yarn Trading Co")
        )
        panel.locator("h2", has_text="Holding").wait_for()
        assert "Tianshan Fibre Holdings owns 70% of Coastline Yarn Trading Co" in panel.inner_text()
        facts = dict(zip(panel.locator("dt").all_inner_texts(),
                         panel.locator("dd").all_inner_texts(), strict=True))  # fmt: skip
        assert facts["Read from"] == "ownership.csv row 1" and facts["filing"] == "SAMR 2026-02"
        assert errors == []
