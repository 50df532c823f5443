"""Text encodings of supplier lists: UTF-8 (with or without BOM), UTF-16 and GB18030/GBK."""

from __future__ import annotations

import codecs
from pathlib import Path

from charset_normalizer import from_bytes

from sourcetrace.errors import InputError

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode(data: bytes, path: Path, encoding: str | None = None) -> tuple[str, str]:
    """Decode a text file; returns (text, encoding used). Raises InputError when unreadable."""
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise InputError(f"unknown encoding {encoding!r}", path=path) from None
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError as exc:
            raise InputError(
                f"not readable as {encoding} (byte {exc.start}); try another --encoding", path=path
            ) from None
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(name), name
            except UnicodeDecodeError:
                raise InputError(
                    f"starts with a {name} mark but is not {name}", path=path
                ) from None
    # UTF-16 without BOM: every other byte of ASCII text is zero.
    if len(data) >= 4 and data[1:200:2].count(0) > len(data[1:200:2]) * 0.8:
        try:
            return data.decode("utf-16-le"), "utf-16-le"
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    # Chinese Excel exports: GB18030 is a superset of GBK and GB2312.
    try:
        text = data.decode("gb18030")
        if _mostly_text(text):
            return text, "gb18030"
    except UnicodeDecodeError:
        pass
    guess = from_bytes(data[:200_000]).best()
    if guess is not None and guess.encoding:
        try:
            return data.decode(guess.encoding), guess.encoding
        except (UnicodeDecodeError, LookupError):
            pass
    raise InputError("unreadable text encoding; give it with --encoding", path=path)


def _mostly_text(text: str) -> bool:
    if not text:
        return True
    bad = sum(1 for c in text[:5000] if (ord(c) < 32 and c not in "\r\n\t") or c == "\ufffd")
    return bad < max(1, len(text[:5000]) // 1000)
