"""Import an official list file as a new version in the store: parsed first, then stored atomically.

The file is read completely before anything is written, so a corrupt or truncated file stores
nothing and the version in force stays in force. A file whose entities are the same as those of
the version in force adds no version (the content hash compares entities, not bytes, so a page
saved twice with a different timestamp is still the same version).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sourcetrace.errors import ListError
from sourcetrace.lists.importers import FtMDict, canonical_line, get_format
from sourcetrace.store.db import ListStore, ListVersion


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import did: the version now in force and whether this import created it."""

    version: ListVersion
    created: bool


def content_hash(entities: Sequence[FtMDict]) -> str:
    """Hash of a version's entities, independent of their order in the file."""
    digest = hashlib.sha256()
    for line in sorted(canonical_line(e) for e in entities):
        digest.update(line.encode("utf-8") + b"\n")
    return "sha256:" + digest.hexdigest()


def source_hash(paths: Sequence[Path]) -> str:
    """Hash of the bytes of the files read, in order: which download a version came from."""
    digest = hashlib.sha256()
    for path in paths:
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    return "sha256:" + digest.hexdigest()


def import_list(
    path: Path,
    fmt: str,
    store: ListStore,
    *,
    list_name: str | None = None,
    source: str | None = None,
) -> ImportResult:
    """Parse ``path`` as format ``fmt`` and store it as the new version of its list.

    ``list_name`` defaults to the format's dataset name (``us_ofac_sdn``, ``us_dhs_uflpa``, ...;
    the file name for FtM files); ``source`` (where the file was downloaded from) defaults to the
    file's path.
    """
    path = Path(path)
    form = get_format(fmt)
    entities = form.parse(path)
    ids = Counter(str(e["id"]) for e in entities)
    twice = [entity_id for entity_id, n in ids.items() if n > 1]
    if twice:
        raise ListError(f"entity id {twice[0]!r} occurs more than once", path=path)
    files = form.source_files(path)
    version, created = store.add_version(
        list_name=list_name or form.dataset or path.name.split(".")[0],
        fmt=form.name,
        source=source or ", ".join(str(p.resolve()) for p in files),
        source_hash=source_hash(files),
        content_hash=content_hash(entities),
        entities=entities,
    )
    return ImportResult(version, created)
