"""China's administrative divisions (GB/T 2260) as python-stdnum's ``loc.dat`` writes them.

The build scripts read ``sources/stdnum/loc.dat`` through this one reader. A province line is
``65 province="新疆维吾尔自治区"``; each division below it is ``  0100 county="乌鲁木齐市"``, the
code's last four digits. A name may carry the years it was in use, and a renamed division lists
every name it had, the current one last: ``[-2009]襄樊市,[2010-]襄阳市``. A division whose last
name has an end year (``[-1996]...``, ``[1983-1994]...``) no longer exists.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

LOC_DAT = Path(__file__).resolve().parent.parent / "sources" / "stdnum" / "loc.dat"

# Codes that stand for no place of their own ("districts of the city", "counties").
PLACEHOLDERS = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})

_PROVINCE = re.compile(r'^(\d\d) province="(.+)"$')
_DIVISION = re.compile(r'^\s+(\d{4}) county="(.+)"$')
_DATED = re.compile(r"^\[(\d*)-(\d*)\]")


@dataclass(frozen=True)
class Name:
    """One name of a division, with the years it was in use when ``loc.dat`` gives them."""

    zh: str
    start: int | None = None
    end: int | None = None  # None: still in use


@dataclass(frozen=True)
class Division:
    """A province (``is_province``, code ``650000``) or a division below one (``650100``)."""

    code: str
    names: tuple[Name, ...]
    is_province: bool = False

    @property
    def province(self) -> str:
        return self.code[:2]

    @property
    def in_xinjiang(self) -> bool:
        return self.province in ("65", "66")

    @property
    def current(self) -> str | None:
        """The name in use today, or None when the division has ended."""
        last = self.names[-1]
        return last.zh if last.end is None else None


def read_divisions(path: Path = LOC_DAT) -> Iterator[Division]:
    """Every province and division of ``loc.dat``, in file order, each with all its names."""
    province = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        m = _PROVINCE.match(line)
        if m:
            province = m.group(1)
            yield Division(province + "0000", (Name(m.group(2)),), is_province=True)
            continue
        m = _DIVISION.match(line)
        if m:
            yield Division(province + m.group(1), tuple(_name(p) for p in m.group(2).split(",")))


def _name(text: str) -> Name:
    m = _DATED.match(text)
    if not m:
        return Name(text)
    start, end = m.groups()
    return Name(text[m.end() :], int(start) if start else None, int(end) if end else None)
