"""Build ``src/sourcetrace/data/glosses.tsv``: the English senses of Chinese words of one to three
characters, from CC-CEDICT, for reading the words of a Chinese name that an English listed name
translates (制药业 pharmaceutical industry, 煤 coal, 铝箔 aluminum foil).

    python scripts/build_glosses.py          # writes the file
    python scripts/build_glosses.py --check  # fails if the committed file differs

Source: ``sources/cedict/cedict_1_0_ts_utf-8_mdbg.txt.gz``, CC-CEDICT of 2020-12-21 (MDBG,
Creative Commons Attribution-ShareAlike 4.0), gzipped unchanged. The shipped file is derived from
it and keeps its licence (see ``sources/README.md``).

Rule (deterministic): every entry whose simplified headword is one to three Chinese characters
and whose pinyin is in lower case (a common word, not a proper noun: no person, place, brand or
company names); from each of its senses, dropping parenthesised notes and a leading "to",
"the", "a" or "an", a sense of one to three plain English words is kept, lower case. Senses that
are surnames, classifiers ("CL:"), variants, abbreviations or cross-references are skipped. Of a
proper-noun entry, only senses written with "the" are kept (东方: "the Orient"): a common noun
of the language, not the name of one company or place. One row per headword: ``zh`` and its
senses in the dictionary's order (entries of the same headword in file order), joined by "|".
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from built_file import write_or_check
from cedict import Entry, headword_table, meanings, without_article

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src" / "sourcetrace" / "data" / "glosses.tsv"
_CJK = re.compile(r"^[\u4e00-\u9fff]{1,3}$")
_WORDS = re.compile(r"^[A-Za-z]+(?: [A-Za-z]+){0,2}$")


def senses(entry: Entry) -> list[str]:
    """The senses kept from one entry (the module's rule)."""
    out: list[str] = []
    for sense in meanings(entry):
        if entry.proper and not sense.lower().startswith("the "):
            continue
        sense = without_article(sense).lower()
        if _WORDS.match(sense) and sense not in out:
            out.append(sense)
    return out


def build() -> str:
    """The file's text."""
    table = headword_table(lambda entry: bool(_CJK.match(entry.simplified)), senses)
    rows = ["zh\tenglish"]
    rows += [f"{zh}\t{'|'.join(words)}" for zh, words in sorted(table.items()) if words]
    return "\n".join(rows) + "\n"


def main(argv: list[str] | None = None) -> int:
    return write_or_check(OUT, build, argv, __doc__ or "")


if __name__ == "__main__":
    sys.exit(main())
