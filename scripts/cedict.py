"""CC-CEDICT as the build scripts of shipped data files read it: its entries, the senses of an
entry that read as plain English, and the table of one headword's readings in file order.

Source: ``sources/cedict/cedict_1_0_ts_utf-8_mdbg.txt.gz``, CC-CEDICT of 2020-12-21 (MDBG,
Creative Commons Attribution-ShareAlike 4.0), gzipped unchanged (see ``sources/README.md``).
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CEDICT = ROOT / "sources" / "cedict" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"
_LINE = re.compile(r"^(\S+) (\S+) \[([^\]]*)\] /(.*)/$")
_PAREN = re.compile(r"\([^()]*\)")
# Senses that are not a word's meaning: a surname, a classifier, a pointer to another entry.
_SKIP = re.compile(r"^(?:surname|CL:|variant|old variant|abbr|see |used in|also written|"
                   r"Japanese variant|erhua|\(?archaic|\(?old\))", re.IGNORECASE)  # fmt: skip
_ARTICLE = re.compile(r"^(?:to|the|a|an) ", re.IGNORECASE)


@dataclass(frozen=True)
class Entry:
    """One dictionary line: ``traditional simplified [pinyin] /sense/sense/``."""

    traditional: str
    simplified: str
    pinyin: str
    senses: str

    @property
    def proper(self) -> bool:
        """A proper noun (a person, place, brand or company): CC-CEDICT capitalises its pinyin."""
        return self.pinyin[:1].isupper()


def entries() -> Iterator[Entry]:
    """The dictionary's entries in file order (comment lines and malformed lines skipped)."""
    text = gzip.decompress(CEDICT.read_bytes()).decode("utf-8")
    for line in text.splitlines():
        m = _LINE.match(line)
        if m:
            yield Entry(*m.groups())


def meanings(entry: Entry) -> Iterator[str]:
    """The entry's senses, parenthesised notes dropped, without the ones that are not a meaning
    (surnames, classifiers, variants, abbreviations, cross-references)."""
    for sense in entry.senses.split("/"):
        sense = _PAREN.sub("", sense).strip()
        if sense and not _SKIP.match(sense):
            yield sense


def without_article(sense: str) -> str:
    """The sense without a leading "to", "the", "a" or "an"."""
    return _ARTICLE.sub("", sense).strip()


def headword_table(keep: Callable[[Entry], bool], read: Callable[[Entry], list[str]]
                   ) -> dict[str, list[str]]:  # fmt: skip
    """Simplified headword -> the readings ``read`` gives of its kept entries, in file order,
    each once (a headword has several entries: 行 xíng and háng)."""
    table: dict[str, list[str]] = {}
    for entry in entries():
        if not keep(entry):
            continue
        found = read(entry)
        kept = table.setdefault(entry.simplified, [])
        kept.extend(r for r in found if r not in kept)
    return table
