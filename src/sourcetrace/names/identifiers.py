"""Identifiers: the Chinese Unified Social Credit Code (统一社会信用代码, GB 32100-2015).

The algorithm follows domain-facts §5 (GB 32100-2015 as reproduced by several sources, and
python-stdnum's ``cn/uscc.py``): 31 symbols ``0-9A-HJ-NPQRTUWXY`` (no I, O, S, V, Z), weights
``3^(i-1) mod 31`` over the first 17 characters, check = ``(31 - sum mod 31) mod 31``. Unlike
python-stdnum, registration authorities A, N and Y are accepted (stdnum requires digits there).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
_WEIGHTS = [pow(3, i, 31) for i in range(17)]
_SHAPE = re.compile(r"^[1-9ANY][0-9A-HJ-NPQRTUWXY]\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")


@dataclass(frozen=True, slots=True)
class UsccCheck:
    """What a Unified Social Credit Code says, or why it is not one."""

    code: str
    valid: bool
    problem: str = ""

    @property
    def region(self) -> str:
        """GB/T 2260 code of the registering authority (characters 3-8)."""
        return self.code[2:8] if self.valid else ""

    @property
    def registered_in_xinjiang(self) -> bool:
        """Region code 65xxxx (or 66xxxx, an XPCC prefix that is UNVERIFIED): a signal only."""
        return self.valid and self.region[:2] in ("65", "66")


def compact(raw: str) -> str:
    return re.sub(r"[\s\-]", "", raw).upper()


def check_uscc(raw: str) -> UsccCheck:
    """Validate shape and check character of a USCC; never raises."""
    code = compact(raw)
    if len(code) != 18:
        return UsccCheck(code, False, f"has {len(code)} characters, a USCC has 18")
    if not _SHAPE.match(code):
        return UsccCheck(code, False, "has characters a USCC cannot have in those places")
    total = sum(_VALUE[c] * w for c, w in zip(code[:17], _WEIGHTS, strict=True))
    expected = ALPHABET[(31 - total % 31) % 31]
    if code[17] != expected:
        return UsccCheck(code, False, f"check character is {code[17]}, expected {expected}")
    return UsccCheck(code, True)


_CODE_VALUE = np.full(256, -1, dtype=np.int64)
_CODE_VALUE[[ord(c) for c in ALPHABET]] = np.arange(len(ALPHABET))
_CODE_WEIGHTS = np.array(_WEIGHTS, dtype=np.int64)


def check_usccs(raws: Iterable[str]) -> dict[str, UsccCheck]:
    """:func:`check_uscc` of each distinct identifier, by identifier: the check characters of
    every well-shaped code computed at once (numpy), :func:`check_uscc` itself for the others
    (so that each says why it is not a USCC). The same checks; a trace's 50,000 supplier ids
    took half a second one by one."""
    distinct = list(dict.fromkeys(raws))
    codes = [compact(raw) for raw in distinct]
    # (``\d`` in the shape takes any Unicode digit: a non-ASCII code is left to check_uscc.)
    shaped = [i for i, code in enumerate(codes)
              if len(code) == 18 and code.isascii() and _SHAPE.match(code)]  # fmt: skip
    valid = np.zeros(len(codes), dtype=bool)
    if shaped:
        # A well-shaped code is 18 characters of ALPHABET (ASCII): one byte each.
        block = np.frombuffer("".join(codes[i] for i in shaped).encode("ascii"), dtype=np.uint8)
        values = _CODE_VALUE[block.reshape(-1, 18)]
        expected = (31 - (values[:, :17] @ _CODE_WEIGHTS) % 31) % 31
        valid[shaped] = values[:, 17] == expected
    return {
        raw: UsccCheck(code, True) if ok else check_uscc(raw)
        for raw, code, ok in zip(distinct, codes, valid.tolist(), strict=True)
    }
