"""The workspace in a real server and a real browser: log in, upload, decide, read the report.

Runs ``sourcetrace serve``'s function under uvicorn in a subprocess. The browser part needs the
``playwright`` package and Debian's Chromium at /usr/bin/chromium (no browser is downloaded);
without them it skips.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from sourcetrace.review.accounts import add_user
from sourcetrace.review.db import make_engine

CHROMIUM = Path("/usr/bin/chromium")
PASSWORD = "browser-pass-1"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("serve")
    url = f"sqlite:///{tmp / 'serve.db'}"
    add_user(make_engine(url), "ana", "analyst", PASSWORD)
    port = _free_port()
    code = (
        f"from sourcetrace.cli.serve import serve; serve(host='127.0.0.1', port={port}, db={url!r})"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                if httpx.get(f"{base}/login", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            proc.kill()
            out = proc.communicate()[0].decode(errors="replace")
            pytest.fail(f"server did not start:\n{out}")
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()


def test_served_app_answers(server: str) -> None:
    assert httpx.get(f"{server}/login").status_code == 200
    assert httpx.get(f"{server}/jobs").status_code == 303
    assert httpx.post(f"{server}/match/default", json={"queries": {}}).status_code == 401


def test_browser_flow(server: str, tmp_path: Path, suppliers: bytes) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed at /usr/bin/chromium")
    upload = tmp_path / "suppliers.csv"
    upload.write_bytes(suppliers)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        try:
            page = browser.new_page()
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
            page.set_input_files("input[type=file]", str(upload))
            page.click("form.upload button[type=submit]")
            page.wait_for_url(f"{server}/jobs/*")
            assert "Xinjiang Zhongtai Chemical Co. Ltd." in page.content()
            page.click("text=Review queue")
            page.wait_for_url("**/review*")
            page.click("input[data-select-all]")
            assert page.locator("input[name=rows]:checked").count() >= 2
            page.select_option("form#bulk select[name=decision]", "unsure")
            page.fill("form#bulk input[name=comment]", "checking with the supplier")
            page.click("form#bulk button[type=submit]")
            page.wait_for_load_state()
            assert "Nothing to decide" in page.content()
            page.goto(page.url.split("/review")[0] + "/report")
            assert "checking with the supplier" in page.content()
            # The page's script ran (the tick-all worked) and nothing was fetched from elsewhere.
            assert external == []
        finally:
            browser.close()
