"""Printing a report to PDF in this process with WeasyPrint: no browser, no network.

The choice (issue 21, item 1): WeasyPrint, a library made for printing HTML, rather than a
Chromium started per request. A browser is a family of processes that looks up names and opens
connections of its own (background networking, component updates, DNS prefetch) and costs about
ten processes per print; flags can turn most of that off but nothing proves all of it. WeasyPrint
runs inside the server process, lays text out with Pango and the machine's fonts (Debian's
``fonts-noto-cjk`` for the Chinese names: the stylesheet asks for "Noto Sans CJK SC") and fetches
nothing except through the URL fetcher given here, which refuses every URL but inline ``data:``
ones: no ``http``, ``https``, ``ftp`` or ``file`` (a report names suppliers an uploader chose, so
it must not be able to read the server's files either).

At most :data:`CONCURRENT` report is laid out at once (a semaphore shared by every request of
the process); a request that cannot get its turn within :data:`WAIT` seconds is answered "busy"
rather than queued for ever. The report page itself still prints from any browser.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from sourcetrace.errors import OutputError

CONCURRENT = 1
"""Reports laid out at the same time in one server process: layout is Python code holding the GIL,
so a second one at once would not finish sooner, only double the memory (a pool of one)."""
WAIT = 120.0
"""Seconds a print waits for its turn before it is refused as busy."""
ALLOWED_SCHEMES = frozenset({"data"})
"""The only URL schemes the printer resolves; everything else is refused without a connection."""

_TURNS = threading.BoundedSemaphore(CONCURRENT)
log = logging.getLogger(__name__)


class PrinterBusy(OutputError):
    """Every printing turn is taken: the caller should try again shortly."""


def _fetcher_class() -> type[Any]:
    from weasyprint.urls import URLFetcher

    class LocalOnlyFetcher(URLFetcher):  # type: ignore[misc]
        """WeasyPrint's fetcher that opens inline ``data:`` URLs only and refuses the rest."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            scheme = url.partition(":")[0].strip().lower()
            if scheme not in ALLOWED_SCHEMES:
                # Refused before any handler is chosen: no name lookup, no socket, no file read.
                raise ValueError(f"the PDF printer fetches nothing: {url[:80]!r} refused")
            return super().fetch(url, headers)

    return LocalOnlyFetcher


def local_fetcher() -> Any:
    """A WeasyPrint URL fetcher that refuses every URL whose scheme is not in ALLOWED_SCHEMES."""
    return _fetcher_class()(allowed_protocols=ALLOWED_SCHEMES, allow_redirects=False)


def printer_missing() -> str | None:
    """Why this machine cannot print PDFs (WeasyPrint or Pango missing), or None when it can."""
    try:
        import weasyprint  # noqa: F401  (loads Pango through cffi)
    except (ImportError, OSError) as exc:
        return f"PDF printing needs WeasyPrint and Pango on the server ({type(exc).__name__})"
    return None


def html_to_pdf(html: str) -> bytes:
    """The PDF of a self-contained HTML page (styles inlined, nothing to fetch)."""
    missing = printer_missing()
    if missing:
        raise OutputError(missing)
    from weasyprint import HTML

    if not _TURNS.acquire(timeout=WAIT):
        raise PrinterBusy("the PDF printer is busy with other reports: try again in a minute")
    try:
        # base_url None: relative links resolve to nothing rather than to the server's folder.
        return bytes(HTML(string=html, base_url=None, url_fetcher=local_fetcher()).write_pdf())
    except Exception as exc:  # Pango, fonts or a malformed page: one line, details in the log
        log.warning("PDF printing failed", exc_info=True)
        raise OutputError(
            f"the report could not be printed to PDF ({type(exc).__name__})"
        ) from None
    finally:
        _TURNS.release()
