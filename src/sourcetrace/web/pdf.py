"""Printing a report to PDF with the machine's own Chromium, when it has one (nothing is downloaded).

The browser gets a self-contained HTML file (styles inlined, no scripts, nothing to fetch) and
prints it; without a browser the workspace's report page still prints from any browser.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from sourcetrace.errors import OutputError

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
TIMEOUT = 60.0


def find_browser() -> Path | None:
    """``SOURCETRACE_CHROMIUM`` if set, else the first Chromium or Chrome on the PATH."""
    configured = os.environ.get("SOURCETRACE_CHROMIUM")
    if configured:
        path = Path(configured)
        return path if path.exists() else None
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return Path(found)
    return None


def html_to_pdf(html: str, browser: Path) -> bytes:
    """The PDF of a self-contained HTML page, printed by ``browser`` headless."""
    with tempfile.TemporaryDirectory(prefix="sourcetrace-pdf-") as tmp:
        page = Path(tmp) / "report.html"
        out = Path(tmp) / "report.pdf"
        page.write_text(html, "utf-8")
        command = [
            str(browser),
            "--headless",
            "--disable-gpu",
            "--disable-extensions",
            "--disable-background-networking",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={Path(tmp) / 'profile'}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={out}",
            page.as_uri(),
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            # Chromium's sandbox refuses root; the page is our own escaped HTML with no script.
            command.insert(2, "--no-sandbox")
        try:
            subprocess.run(command, check=True, capture_output=True, timeout=TIMEOUT)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
            raise OutputError(
                f"the browser could not print the report ({type(exc).__name__})"
            ) from None
        if not out.exists() or out.stat().st_size == 0:
            raise OutputError("the browser printed no PDF")
        return out.read_bytes()
