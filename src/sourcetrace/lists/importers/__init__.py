"""Importers of the official list formats: each turns one publisher's file into FtM entities.

Every importer is a module with ``parse(path) -> list[dict]``: FtM entity dicts, the listed parties
and one ``Sanction`` per listing carrying its provenance (publisher, list, programme or section,
listing date, source URL). A file that is corrupt, truncated or not in the format asked raises
:class:`~sourcetrace.errors.ListError` naming the file and row. :data:`FORMATS` is the registry the
store and the CLI look formats up in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sourcetrace.errors import ListError
from sourcetrace.lists.importers import (
    cbp_wro_csv,
    eu_fsf_xml,
    ftm_jsonl,
    ofac_sdn_csv,
    ofac_sdn_xml,
    trade_csl_csv,
    trade_csl_json,
    uflpa_html,
    uk_sanctions_csv,
    uk_sanctions_xml,
)
from sourcetrace.lists.importers._common import FtMDict, canonical_line


def _single(path: Path) -> list[Path]:
    return [path]


@dataclass(frozen=True, slots=True)
class ListFormat:
    """One official format: its name on the command line, what it is, and how to read it."""

    name: str
    title: str
    publisher: str
    dataset: str
    url: str
    parse: Callable[[Path], list[FtMDict]]
    source_files: Callable[[Path], list[Path]] = _single


FORMATS: dict[str, ListFormat] = {
    f.name: f
    for f in (
        ListFormat(
            "ofac-sdn-csv",
            ofac_sdn_csv.TITLE,
            ofac_sdn_csv.PUBLISHER,
            ofac_sdn_csv.DATASET,
            ofac_sdn_csv.SOURCE_URL,
            ofac_sdn_csv.parse,
            ofac_sdn_csv.source_files,
        ),
        ListFormat(
            "ofac-sdn-xml",
            ofac_sdn_xml.TITLE,
            ofac_sdn_xml.PUBLISHER,
            ofac_sdn_xml.DATASET,
            ofac_sdn_xml.SOURCE_URL,
            ofac_sdn_xml.parse,
        ),
        ListFormat(
            "trade-csl-csv",
            trade_csl_csv.TITLE,
            trade_csl_csv.PUBLISHER,
            trade_csl_csv.DATASET,
            trade_csl_csv.SOURCE_URL,
            trade_csl_csv.parse,
        ),
        ListFormat(
            "trade-csl-json",
            trade_csl_json.TITLE,
            trade_csl_json.PUBLISHER,
            trade_csl_json.DATASET,
            trade_csl_json.SOURCE_URL,
            trade_csl_json.parse,
        ),
        ListFormat(
            "uflpa-html",
            uflpa_html.TITLE,
            uflpa_html.PUBLISHER,
            uflpa_html.DATASET,
            uflpa_html.SOURCE_URL,
            uflpa_html.parse,
        ),
        ListFormat(
            "cbp-wro-csv",
            cbp_wro_csv.TITLE,
            cbp_wro_csv.PUBLISHER,
            cbp_wro_csv.DATASET,
            cbp_wro_csv.SOURCE_URL,
            cbp_wro_csv.parse,
        ),
        ListFormat(
            "eu-fsf-xml",
            eu_fsf_xml.TITLE,
            eu_fsf_xml.PUBLISHER,
            eu_fsf_xml.DATASET,
            eu_fsf_xml.SOURCE_URL,
            eu_fsf_xml.parse,
        ),
        ListFormat(
            "uk-sanctions-xml",
            uk_sanctions_xml.TITLE,
            uk_sanctions_xml.PUBLISHER,
            uk_sanctions_xml.DATASET,
            uk_sanctions_xml.SOURCE_URL,
            uk_sanctions_xml.parse,
        ),
        ListFormat(
            "uk-sanctions-csv",
            uk_sanctions_csv.TITLE,
            uk_sanctions_csv.PUBLISHER,
            uk_sanctions_csv.DATASET,
            uk_sanctions_csv.SOURCE_URL,
            uk_sanctions_csv.parse,
        ),
        ListFormat(
            "ftm",
            "FollowTheMoney entities",
            "",
            "",
            "",
            ftm_jsonl.parse,
        ),
    )
}


def get_format(name: str) -> ListFormat:
    """The format registered under ``name``; an unknown name is a ListError listing the known."""
    try:
        return FORMATS[name]
    except KeyError:
        known = ", ".join(FORMATS)
        raise ListError(f"unknown list format {name!r} (known: {known})") from None


def parse(path: Path, fmt: str) -> list[FtMDict]:
    """Read ``path`` in format ``fmt`` into FtM entity dicts."""
    return get_format(fmt).parse(Path(path))


__all__ = ["FORMATS", "FtMDict", "ListFormat", "canonical_line", "get_format", "parse"]
