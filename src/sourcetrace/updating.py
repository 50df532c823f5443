"""Download a list from its official address, check it, and store it as a new version.

This is the only place sourcetrace opens a connection to anything but the user's own machine, and
only when the user runs ``sourcetrace lists update``. A download that fails, is cut short, does not
parse, or holds far fewer entities than the version in force stores nothing: the version in force
stays in force.

The addresses below are where each publisher serves its files; the UFLPA page is the one the
bundled list was scraped from. Others move or need tokens (the EU list needs one; CBP's WRO and
Findings CSV takes a new file name with each update): give them with ``--url``.

Downloads go through httpx, which decodes ``Content-Encoding: gzip`` and raises on a body cut
short of its ``Content-Length`` or its last chunk (``RemoteProtocolError``); a body cut where
HTTP cannot tell (a connection closed with no length given) fails the format's parser, which
refuses truncated files. Failed connections are retried by the transport; a server error
(5xx, 429), a timeout or a cut body is retried :data:`ATTEMPTS` times in all with a doubling
pause. A download that grows past ``max_input_bytes`` decoded is stopped (a gzip bomb).
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from sourcetrace import __version__
from sourcetrace.errors import ListError
from sourcetrace.io.options import Limits
from sourcetrace.lists.importers import get_format
from sourcetrace.store.db import ListStore
from sourcetrace.store.versions import ImportResult, import_list


@dataclass(frozen=True, slots=True)
class OfficialSource:
    format: str
    urls: tuple[str, ...]  # the files of one list, saved under their last path segment


OFFICIAL: dict[str, OfficialSource] = {
    "us_ofac_sdn": OfficialSource(
        "ofac-sdn-csv",
        (
            "https://www.treasury.gov/ofac/downloads/sdn.csv",
            "https://www.treasury.gov/ofac/downloads/alt.csv",
            "https://www.treasury.gov/ofac/downloads/add.csv",
        ),
    ),
    "us_dhs_uflpa": OfficialSource("uflpa-html", ("https://www.dhs.gov/uflpa-entity-list",)),
    # The CSL's downloadable JSON (no API key); the address is documented as ITA's "first-party
    # bulk distribution" in github.com/api-evangelist/bureau-of-industry-and-security,
    # data-model/bureau-of-industry-and-security-data-model.yml (probed 2026-09-05).
    "us_trade_csl": OfficialSource(
        "trade-csl-json",
        ("https://data.trade.gov/downloadable_consolidated_screening_list/v1/consolidated.json",),
    ),
}

MIN_SHARE = 0.5  # a new version with under half the entities of the one in force is suspect


def _filename(url: str, fmt: str) -> str:
    name = url.rstrip("/").rsplit("/", 1)[-1].split("?")[0] or "download"
    if fmt == "uflpa-html" and not name.endswith(".html"):
        name += ".html"
    return name


ATTEMPTS = 3
"""Tries per file, the first included, for a server error, a timeout or a cut body."""
BACKOFF = 0.5
"""Seconds before the second try; doubled before each further one."""
CONNECT_RETRIES = 2
"""Extra tries of a connection the server refused or never answered, by the transport."""


class _Retry(Exception):
    """A failure worth another try: what happened, for the message if none succeeds."""


def download(
    urls: tuple[str, ...], fmt: str, folder: Path, timeout: float, *, backoff: float = BACKOFF
) -> Path:
    """Fetch every file of the list into ``folder``; returns the path to import."""
    paths: list[Path] = []
    limit = Limits.from_settings().max_bytes
    transport = httpx.HTTPTransport(retries=CONNECT_RETRIES)
    headers = {"User-Agent": f"sourcetrace/{__version__}"}
    with httpx.Client(
        timeout=timeout, follow_redirects=True, transport=transport, headers=headers
    ) as client:
        for url in urls:
            target = folder / _filename(url, fmt)
            for attempt in range(1, ATTEMPTS + 1):
                try:
                    _fetch(client, url, target, limit)
                    break
                except _Retry as exc:
                    if attempt == ATTEMPTS:
                        raise ListError(
                            f"download failed after {ATTEMPTS} tries: {url} ({exc}); "
                            "the version in force stays in force"
                        ) from None
                    time.sleep(backoff * 2 ** (attempt - 1))
            paths.append(target)
    return paths[0]


def _fetch(client: httpx.Client, url: str, target: Path, limit: int) -> None:
    """One try: the decoded body into ``target``, or _Retry / ListError."""
    try:
        with client.stream("GET", url) as response:
            status = response.status_code
            if status >= 500 or status in (408, 429):
                raise _Retry(f"answered {status}")
            if status != 200:
                raise ListError(
                    f"download failed: {url} answered {status}; the version in force stays in force"
                )
            received = 0
            with target.open("wb") as fh:
                for block in response.iter_bytes():
                    received += len(block)
                    if received > limit:
                        raise ListError(
                            f"download stopped: {url} sent over {limit:,} bytes decoded "
                            "(SOURCETRACE_MAX_INPUT_BYTES); the version in force stays in force"
                        )
                    fh.write(block)
    except httpx.RemoteProtocolError as exc:
        raise _Retry(f"cut short: {exc}") from None
    except httpx.ConnectTimeout:  # the transport has tried again already
        raise ListError(
            f"offline or unreachable: {url} (no answer to connect); "
            "the version in force stays in force"
        ) from None
    except httpx.TimeoutException as exc:
        raise _Retry(f"timed out: {type(exc).__name__}") from None
    except httpx.ConnectError as exc:
        raise ListError(
            f"offline or unreachable: {url} ({type(exc).__name__}: {exc}); "
            "the version in force stays in force"
        ) from None
    except httpx.DecodingError as exc:
        raise ListError(
            f"download corrupt: {url} ({exc}); the version in force stays in force"
        ) from None
    except httpx.TransportError as exc:  # a read or write error mid-body: the body is cut
        raise _Retry(f"cut short: {type(exc).__name__}: {exc}") from None


def update_list(
    store: ListStore,
    name: str,
    *,
    url: str | None = None,
    fmt: str | None = None,
    timeout: float = 30.0,
) -> ImportResult:
    """Download list ``name`` (or ``url``), check it and import it as a new version."""
    official = OFFICIAL.get(name)
    form = fmt or (official.format if official else None)
    if form is None:
        raise ListError(f"no official address known for {name!r}: give --url and --format")
    urls = (url,) if url else (official.urls if official else ())
    get_format(form)  # an unknown format fails before any download
    with tempfile.TemporaryDirectory(prefix="sourcetrace-update-") as tmp:
        path = download(urls, form, Path(tmp), timeout)
        current = store.latest(name)
        count = len(get_format(form).parse(path))
        if current is not None and count < current.entity_count * MIN_SHARE:
            raise ListError(
                f"suspiciously small download: {count} entities against "
                f"{current.entity_count} in version {current.id}; nothing stored"
            )
        return import_list(path, form, store, list_name=name, source=", ".join(urls))
