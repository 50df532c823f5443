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

import gzip
import re
import sys
from pathlib import Path

from built_file import write_or_check

ROOT = Path(__file__).resolve().parent.parent
CEDICT = ROOT / "sources" / "cedict" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"
OUT = ROOT / "src" / "sourcetrace" / "data" / "glosses.tsv"
_LINE = re.compile(r"^(\S+) (\S+) \[([^\]]*)\] /(.*)/$")
_CJK = re.compile(r"^[\u4e00-\u9fff]{1,3}$")
_SKIP = re.compile(r"^(?:surname|CL:|variant|old variant|abbr|see |used in|also written|"
                   r"Japanese variant|erhua|\(?archaic|\(?old\))", re.IGNORECASE)  # fmt: skip
_ARTICLE = re.compile(r"^(?:to|the|a|an) ", re.IGNORECASE)
_WORDS = re.compile(r"^[A-Za-z]+(?: [A-Za-z]+){0,2}$")


def senses(text: str, proper: bool) -> list[str]:
    """The senses kept from one entry (the module's rule)."""
    out: list[str] = []
    for sense in text.split("/"):
        sense = re.sub(r"\([^()]*\)", "", sense).strip()
        if not sense or _SKIP.match(sense):
            continue
        if proper and not sense.lower().startswith("the "):
            continue
        sense = _ARTICLE.sub("", sense).strip().lower()
        if _WORDS.match(sense) and sense not in out:
            out.append(sense)
    return out


def build() -> str:
    """The file's text."""
    text = gzip.decompress(CEDICT.read_bytes()).decode("utf-8")
    table: dict[str, list[str]] = {}
    for line in text.splitlines():
        m = _LINE.match(line)
        if not m or not _CJK.match(m.group(2)):
            continue
        found = senses(m.group(4), proper=m.group(3)[:1].isupper())
        kept = table.setdefault(m.group(2), [])
        kept.extend(s for s in found if s not in kept)
    rows = ["zh\tenglish"]
    rows += [f"{zh}\t{'|'.join(words)}" for zh, words in sorted(table.items()) if words]
    return "\n".join(rows) + "\n"


def main(argv: list[str] | None = None) -> int:
    return write_or_check(OUT, build, argv, __doc__ or "")


if __name__ == "__main__":
    sys.exit(main())
