"""The watchlists shipped with the package, and their manifest (versions, sources, hashes)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path


@dataclass(frozen=True, slots=True)
class BundledList:
    name: str
    title: str
    publisher: str
    version: str
    entities: int
    url: str
    content_hash: str


# The official list that supersedes each bundled snapshot once it is imported into the store:
# the UFLPA Entity List, CBP's WRO and Findings list, and the Consolidated Screening List (which
# carries the whole BIS Entity List, of which the bundled one is the Xinjiang subset).
REPLACED_BY: dict[str, str] = {
    "uflpa": "us_dhs_uflpa",
    "cbp_wro": "us_cbp_forced_labor",
    "bis_entity_list_xinjiang": "us_trade_csl",
}


def default_list_path() -> Path:
    return Path(str(resources.files("sourcetrace.data").joinpath("default.ftm.jsonl")))


def manifest() -> dict[str, object]:
    text = resources.files("sourcetrace.data").joinpath("manifest.json").read_text("utf-8")
    data: dict[str, object] = json.loads(text)
    return data


def bundled_lists() -> list[BundledList]:
    lists = manifest()["lists"]
    assert isinstance(lists, dict)
    return [
        BundledList(
            name=name,
            title=meta["title"],
            publisher=meta["publisher"],
            version=meta["version"],
            entities=meta["entities"],
            url=meta["url"],
            content_hash=meta["content_hash"],
        )
        for name, meta in lists.items()
    ]


def bundled_versions() -> dict[str, str]:
    """Dataset name -> version, for labelling listings of the bundled file."""
    return {item.name: item.version for item in bundled_lists()}
