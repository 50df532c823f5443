"""An uploaded file saved for screening or tracing: named, and copied to disk within a size limit.

The screening form (:mod:`sourcetrace.web.routes.jobs`) and the supply-chain form
(:mod:`sourcetrace.web.routes.chains`) save their files alike and refuse them with
:class:`UploadRefused`, whose message is shown to the user.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from starlette.datastructures import UploadFile

from sourcetrace.web.config import UPLOAD_SUFFIXES

CHUNK = 1024 * 1024


class UploadRefused(Exception):
    """The uploaded file cannot be screened; the message says why, for the user."""


def upload_name(given: str, tail: str = "") -> tuple[str, str]:
    """An uploaded file's own name (no folders, 255 characters at most) and its suffix in lower
    case; refused when the suffix is no format read here (``tail`` ends that message)."""
    filename = Path(given.replace("\\", "/")).name[:255]
    suffix = Path(filename).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        raise UploadRefused(
            f"{filename}: unknown file type {suffix or '(none)'!r}; use one of "
            f"{', '.join(UPLOAD_SUFFIXES)}.{tail}"
        )
    return filename, suffix


def too_big(limit: int) -> str:
    """The message for a file over ``limit`` bytes."""
    return f"The file is larger than the limit of {limit / 1024 / 1024:.1f} MB; nothing was stored."


async def save_upload(upload: UploadFile, path: Path, limit: int) -> str:
    """Copy the upload to ``path``, refusing it past ``limit`` bytes; returns its sha256."""
    sha = hashlib.sha256()
    size = 0
    with path.open("wb") as out:
        while chunk := await upload.read(CHUNK):
            size += len(chunk)
            if size > limit:
                raise UploadRefused(too_big(limit))
            sha.update(chunk)
            out.write(chunk)
    if size == 0:
        raise UploadRefused(f"{upload.filename}: the file is empty; nothing was stored.")
    return f"sha256:{sha.hexdigest()}"
