"""Download a list from its official address, check it, and store it as a new version.

This is the only place sourcetrace opens a connection to anything but the user's own machine, and
only when the user runs ``sourcetrace lists update``. A download that fails, is cut short, does not
parse, or holds far fewer entities than the version in force stores nothing: the version in force
stays in force.

The addresses below are where each publisher serves its files; the UFLPA page is the one the
bundled list was scraped from. Others move or need tokens (the EU list needs one; CBP's WRO and
Findings CSV takes a new file name with each update): give them with ``--url``.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import httpx

from sourcetrace.errors import ListError
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


def download(urls: tuple[str, ...], fmt: str, folder: Path, timeout: float) -> Path:
    """Fetch every file of the list into ``folder``; returns the path to import."""
    paths: list[Path] = []
    with httpx.Client(timeout=timeout, follow_redirects=True) as client:
        for url in urls:
            target = folder / _filename(url, fmt)
            try:
                with client.stream("GET", url) as response:
                    if response.status_code != 200:
                        raise ListError(f"download failed: {url} answered {response.status_code}")
                    expected = response.headers.get("content-length")
                    received = 0
                    with target.open("wb") as fh:
                        for block in response.iter_bytes():
                            fh.write(block)
                            received += len(block)
                    if expected is not None and int(expected) != received:
                        raise ListError(
                            f"download cut short: {url} sent {received} of {expected} bytes"
                        )
            except httpx.RemoteProtocolError as exc:
                raise ListError(f"download cut short: {url} ({exc})") from None
            except httpx.TransportError as exc:
                raise ListError(
                    f"offline or unreachable: {url} ({type(exc).__name__}); "
                    "the current version stays in force"
                ) from None
            paths.append(target)
    return paths[0]


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
