"""The merchandise CBP's withhold release orders and findings name, read from the lists' FtM files."""

from __future__ import annotations

from pathlib import Path

import orjson


def read_wro_merchandise(*paths: Path) -> dict[str, str]:
    """Entity id -> merchandise named by its CBP WRO/Finding ("Merchandise: All Garments").

    ``paths``: FtM files (JSON lines) holding CBP's orders as Sanctions: the bundled lists, or a
    version of CBP's list imported into the store and exported for a run (its importer writes the
    orders in the same form, under the same entity ids as the bundled list). Later files win: a
    caller lists the bundled file first and the stored versions after it, so that when a stored
    version of CBP's list replaces the bundled one, an order it carries names the merchandise
    of today's list, not the snapshot's (entities only the snapshot lists are not screened).
    """
    out: dict[str, str] = {}
    for path in paths:
        with path.open("rb") as fh:
            for line in fh:
                if b"Merchandise" not in line:
                    continue
                data = orjson.loads(line)
                props = data.get("properties") or {}
                if data.get("schema") != "Sanction" or not str(
                    (props.get("program") or [""])[0]
                ).startswith("CBP"):
                    continue
                for reason in props.get("reason") or []:
                    if isinstance(reason, str) and reason.startswith("Merchandise:"):
                        for entity in props.get("entity") or []:
                            out[str(entity)] = reason.split(":", 1)[1].strip()
    return out
