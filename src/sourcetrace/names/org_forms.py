"""Legal forms that rigour's table holds but a list writes otherwise: without the final dot, or
in the Latin letters of a Cyrillic abbreviation.

OpenSanctions' rigour (``rigour.names.remove_org_types``, its ``org_types.yml``: OCCRP, ISO
20275, Wikipedia) reads a legal form as the table spells it. Two ways the lists write the same
forms escape it, and the form then stays in the trade name ("KATINA D.O.O" had the trade name
"katina d o o"; "FGUP Krylov" had "fgup krylov"):

* **The final dot dropped** (:func:`with_final_dot`): the table holds "d.o.o." (Croatian and
  Serbian društvo s ograničenom odgovornošću), "s.a.r.l.", "s.a.s.", "b.v.", "lda." (Portuguese
  limitada), "zrt." ... with their last dot; a list writing "D.O.O" or "S.A.R.L" gets no form
  read, or a shorter one ("s.a" of "s.a.r.l", leaving "r l"). The last word of a line is given
  its dot when the table then reads that whole word, and only that word, as a legal form:
  dotted initials ("d.o.o", "s.a.r.l"), or an undotted word of three letters or more that is no
  frequent English word ("lda", "zrt"). Two-letter words stay as written ("rt", "bt" end Russian
  names: "JSCT SKTB RT").
* **A Cyrillic abbreviation in Latin letters** (:func:`romanised_org_type`): the table holds
  ТОО, ФГУП, ЕООД, ЕАД, ТАА, ФКП, АНО, НКО, ДОО, ФКУ, ГУП, ЗАТ ... in Cyrillic; the lists'
  transliterations write "TOO", "FGUP", "EOOD", "TAA", "FKP", "ANO", "NKO", "DOO", which the
  table does not hold. The first or the last word of a name (three to five letters) is written
  back in Cyrillic, each way a transliteration reads its letters ("y" as й or ы, "kh" as х ...),
  and dropped when the table reads that Cyrillic word whole as a legal form and its Latin letters
  (anyascii) are the word as written. Not when the word is frequent English ("too", "pat") or
  one pinyin syllable, nor in a name whose other words are all pinyin (a Chinese name: "an o"
  reads "ano" as pinyin too). When the table read a legal form in the name already, only the
  last word is read so ("INTRUST PLC EAD"): a trade name of three letters before its form
  ("NDA NORD-DEUTSCHE INDUSTRIEANLAGENBAU GMBH") stays.
* **The accents left out** (:func:`accentless_org_types`): the table spells "société anonyme",
  "Gesellschaft mit beschränkter Haftung", "società per azioni", "akciová společnost" with
  their accents; lists written in ASCII capitals ("SOCIETE ANONYME", "GESELLSCHAFT MIT
  BESCHRANKTER HAFTUNG") got no form read, and its words stood in the trade name. rigour matches
  its table with the accents and punctuation folded too (``Normalize.NFKD`` with
  ``Cleanup.Strong``); that reading is taken when it drops a written-out form the plain one
  left: a word of five letters or more, not an English one (the English forms are read apart,
  and "Joint Stock Bank" read so would leave "Avangard" of "Avangard Joint Stock Bank"). Forms of initials only ("a s", "s a de c v") are left to
  the plain reading, which wants their dots: "A S Trading" is no Czech joint-stock company.

Names in Chinese characters and whole-pinyin names do not come here (see ``parse.parse_name``).

:func:`form_first` says whether a name begins with its form ("JSC Integral"), as Russian and
other names do and a Chinese company's English name does not (``matching.score`` reads it for
a Chinese trade name met only through its sense).
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from difflib import SequenceMatcher
from functools import lru_cache

from anyascii import anyascii
from rigour.names import remove_org_types
from rigour.names.org_types import extract_org_types
from rigour.text.normalize import Cleanup, Normalize, normalize

from sourcetrace.names.symbols import frequent_english
from sourcetrace.names.text import fold, pinyin_syllable_set, syllables

# The last word of a line: dotted initials without their final dot ("d.o.o", "s.a.r.l"), or a
# word of three letters or more; then what follows it (closing punctuation).
_DOTTED_WORD = re.compile(r"(?:[^\W\d_]\.){1,}[^\W\d_]")
_PLAIN_WORD = re.compile(r"[^\W\d_]{3,}")
ROMANISED_LETTERS = (3, 5)  # the Cyrillic abbreviations read back: three to five letters
# rigour's table matched with accents off and punctuation as spaces (accentless_org_types).
_ACCENTLESS = Normalize.CASEFOLD | Normalize.NFKD | Normalize.SQUASH_SPACES
WRITTEN_OUT = 5  # a legal form read so holds a word this long: written out, not initials
_WORD = re.compile(r"[^\W_]+")


def accentless_org_types(low: str, out: str) -> str | None:
    """``out`` (the plain reading of the lower-cased line ``low``) less the legal forms of
    rigour's table read with accents and punctuation folded ("societe anonyme"), when such a
    form holds a word of five letters or more that is no English word; None otherwise. Only the form's words are taken out of ``out``: the rest keeps its punctuation
    ("Yong'an" stays one word)."""
    text = normalize(low, _ACCENTLESS, Cleanup.Strong) or ""
    folded = remove_org_types(text, normalize_flags=_ACCENTLESS, cleanup=Cleanup.Strong,
                              replacement=" ")  # fmt: skip
    if folded == text:
        return None
    spans = [m.span() for m in _WORD.finditer(out)]
    words = [fold(out[a:b]) for a, b in spans]
    kept = [fold(w) for w in _WORD.findall(folded)]
    if not _may_cut(words, kept):
        return None
    cut: list[tuple[int, int]] = []
    for tag, i1, i2, _j1, _j2 in SequenceMatcher(None, words, kept, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        if tag != "delete":
            return None  # the two readings differ otherwise than by a form taken out
        if any(_foreign_word(w) for w in words[i1:i2]):
            cut.append((spans[i1][0], spans[i2 - 1][1]))
    if not cut:
        return None
    for a, b in reversed(cut):
        out = out[:a] + " " + out[b:]
    return out


def _may_cut(words: list[str], kept: list[str]) -> bool:
    """Whether the alignment of :func:`accentless_org_types` can cut anything: it cuts only
    when ``kept`` is ``words`` less some of them, and then only a written-out foreign word
    among those; so when no word ``words`` holds more often than ``kept`` is one, it cuts
    nothing ("co ltd" of "co., ltd." is in both readings). Asked first: most names differ
    between the two readings only so, and the alignment (difflib) costs more than the parse
    of a name's other parts."""
    return any(_foreign_word(w) for w in Counter(words) - Counter(kept))


def _foreign_word(word: str) -> bool:
    """A written-out word of a legal form in another language than English ("societe",
    "beschrankter"): the English forms' spellings ("joint stock bank", "non profit") are read
    elsewhere, and "bank" read as a form would leave "Avangard" of "Avangard Joint Stock Bank"
    for any Avangard."""
    return len(word) >= WRITTEN_OUT and word.isalpha() and word not in frequent_english()


def with_final_dot(low: str) -> str:
    """``low`` (a lower-case line) with the dot its last word lacks when rigour's table reads
    the word with the dot, whole, as a legal form ("katina d.o.o" -> "katina d.o.o."); else
    ``low`` unchanged."""
    head, _, last = low.rstrip().rpartition(" ")
    if not head.strip():
        return low  # a name of one word is no legal form
    word = last.rstrip(_CLOSING)
    after = last[len(word):]
    if not word or "." in after or not _takes_dot(word):
        return low
    return f"{head} {word}.{after}"


# What may follow a name's last word: closing punctuation, never a dot (checked apart).
_CLOSING = "".join(chr(c) for c in range(33, 127) if not chr(c).isalnum()) + "»”’"


@lru_cache(maxsize=16_384)
def _takes_dot(word: str) -> bool:
    """rigour's table reads ``word`` with a dot added, and not without, as a legal form."""
    if _DOTTED_WORD.fullmatch(word) is None and (
        _PLAIN_WORD.fullmatch(word) is None or word in frequent_english()
    ):
        return False
    return _whole_form(word + ".") and not _whole_form(word)


@lru_cache(maxsize=4096)
def _whole_form(text: str) -> bool:
    """rigour's table reads the whole of ``text`` as a legal form."""
    return not remove_org_types(text, replacement=" ").strip(" .")


# How transliterations write Cyrillic letters (GOST 7.79 B, BGN/PCGN, ISO 9 in ASCII, the
# passport system): each Latin spelling with the Cyrillic letters it may stand for, longest
# spellings first.
_LETTERS: tuple[tuple[str, str], ...] = (
    ("shch", "щ"), ("sch", "щ"), ("kh", "х"), ("ts", "ц"), ("ch", "ч"), ("sh", "ш"),
    ("zh", "ж"), ("yu", "ю"), ("iu", "ю"), ("ya", "я"), ("ia", "я"), ("yo", "ё"),
    ("a", "а"), ("b", "б"), ("v", "в"), ("w", "в"), ("g", "г"), ("d", "д"), ("e", "еэ"),
    ("z", "з"), ("i", "иі"), ("y", "ыйи"), ("j", "й"), ("k", "к"), ("l", "л"), ("m", "м"),
    ("n", "н"), ("o", "о"), ("p", "п"), ("r", "р"), ("s", "с"), ("t", "т"), ("u", "у"),
    ("f", "ф"), ("h", "хг"), ("c", "ц"),
)
# Each spelling costs a look-up in rigour's table (about 2 µs), once per distinct word.
_MAX_SPELLINGS = 16


@lru_cache(maxsize=16_384)
def cyrillic_spellings(word: str) -> tuple[str, ...]:
    """The Cyrillic words a transliteration may have made ``word`` from ("fgup" -> "фгуп"),
    at most :data:`_MAX_SPELLINGS`; empty when a letter is none of a transliteration's."""
    options: list[list[str]] = []

    def walk(i: int, parts: list[str]) -> None:
        if len(options) >= _MAX_SPELLINGS:
            return
        if i == len(word):
            options.append(list(parts))
            return
        for latin, cyrillic in _LETTERS:
            if word.startswith(latin, i):
                parts.append(cyrillic)
                walk(i + len(latin), parts)
                parts.pop()

    walk(0, [])
    out: list[str] = []
    for parts in options:
        for letters in itertools.product(*parts):
            out.append("".join(letters))
            if len(out) >= _MAX_SPELLINGS:
                return tuple(out)
    return tuple(out)


@lru_cache(maxsize=16_384)
def romanised_form(word: str) -> bool:
    """``word`` (lower case, ASCII) is a Cyrillic legal form of rigour's table in Latin letters
    ("too" ТОО, "fgup" ФГУП, "eood" ЕООД), and no English word or pinyin."""
    low, high = ROMANISED_LETTERS
    if not (low <= len(word) <= high and word.isascii() and word.isalpha()):
        return False
    if word in frequent_english() or word in pinyin_syllable_set() or _whole_form(word):
        return False
    return any(
        _whole_form(cyr) and anyascii(cyr).lower() == word for cyr in cyrillic_spellings(word)
    )


_LETTERS_RUN = re.compile(r"[^\W\d_]+")


def romanised_org_type(text: str, found: bool = False) -> str:
    """``text`` (a lower-case line) less a Cyrillic legal form written in Latin letters as its
    first or last word ("fgup krylov" -> "krylov"); when rigour's table ``found`` a legal form
    in the line already, its last word only ("intrust plc ead": a second form ends a name, a
    first word before another form is the trade name's: "NDA ... GMBH"). ``text`` unchanged
    when there is none, or when nothing else would be left."""
    if not text.isascii():
        return text
    parts = text.split()  # (a split, not a regular expression anchored at the end: speed)
    if not parts:
        return text
    for at in (-1,) if found else (0, -1):
        if len(parts[at]) < ROMANISED_LETTERS[0]:
            continue
        m = _LETTERS_RUN.search(parts[at])
        if m is None or not romanised_form(m.group(0)):
            continue
        rest = list(parts)
        rest[at] = parts[at][: m.start()] + parts[at][m.end():]
        others = _LETTERS_RUN.findall(" ".join(rest))
        if not others or all(syllables(w) is not None for w in others):
            continue  # nothing else, or a Chinese name in pinyin
        return " ".join(p for p in rest if p)
    return text


# The spellings in which romanisations of Russian legal forms differ from the one rigour's
# table holds (BGN/PCGN: "obshchestvo", "ogranichennoy", "otvetstvennostyu"): щ written "sch"
# (German-style and many list entries: "Obschestvo"), ю written "ju" (GOST 7.79 B, ISO 9 in
# ASCII) or "iu" (ICAO 9303, the passport system), a final й written "j" or "i" (GOST, ICAO).
_SPELLINGS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(?<!h)sch"), "shch"),
    (re.compile(r"(?<=[a-z])[ji]u"), "yu"),
    (re.compile(r"(?<=[oe])[ji]$"), "y"),
)
_MARK = "\u0001"
_ANY_SPELLING = re.compile(r"(?<!h)sch|[a-z][ji]u|[oe][ji]\b")


def romanised_spelling_forms(low: str, out: str) -> str | None:
    """``low`` (a lower-case ASCII line) less its legal forms when rigour's table finds more of
    them with the line's Russian words spelled as the table spells them ("obschestvo s
    ogranichennoi otvetstvennostyu mokran" -> "mokran"); None when that finds no more than
    ``out`` (the line as the table read it) lost. Only the words of the forms are taken off;
    the other words stay as written, whatever their spelling, so that a trade name is the same
    whichever legal form stands beside it."""
    if not (
        ("sch" in low or "ju" in low or "iu" in low or "i " in low or "j " in low
         or low.endswith(("i", "j")))
        and low.isascii()
        and _ANY_SPELLING.search(low) is not None
    ):
        return None
    words = low.split()
    spelled = [_respelled(w) for w in words]
    if spelled == words:
        return None
    line = " ".join(spelled)
    marked = remove_org_types(line, replacement=f" {_MARK} ")
    removed_before = len(low) - len(out.strip())
    if len(line) - len(marked.replace(_MARK, "").strip()) <= removed_before:
        return None
    kept: list[str] = []
    left = marked.split()
    i = 0
    for j, word in enumerate(left):
        if word == _MARK:
            follow = left[j + 1] if j + 1 < len(left) else None
            while i < len(spelled) and spelled[i] != follow:
                i += 1
            continue
        if i >= len(spelled) or spelled[i] != word:
            return None  # a form ended inside a word: keep rigour's own reading
        kept.append(words[i])
        i += 1
    return " ".join(kept)


def _respelled(word: str) -> str:
    for pattern, spelling in _SPELLINGS:
        word = pattern.sub(spelling, word)
    return word


# A Greek abbreviation of a legal form, dotted or not, first or last word of the line: "α.ε."
# (ανώνυμη εταιρεία, the société anonyme), "επε", "ι.κ.ε.". rigour's table holds a few of them
# in Greek letters ("ε.π.ε."), others only in the Latin letters Greek companies are listed in
# ("ae" for Α.Ε.).
_GREEK_ABBREVIATION = re.compile(r"(?:[\u0370-\u03ff]\.?){2,4}")
_GREEK = re.compile(r"[\u0370-\u03ff]")


@lru_cache(maxsize=4096)
def greek_form(word: str) -> bool:
    """``word`` (lower case) is a Greek abbreviation of a legal form: rigour's table reads it
    whole, dotted ("επε" as "ε.π.ε.") or in its Latin letters ("α.ε." as "ae")."""
    if _GREEK_ABBREVIATION.fullmatch(word) is None:
        return False
    letters = word.replace(".", "")
    dotted = "".join(c + "." for c in letters)
    return _whole_form(word) or _whole_form(dotted) or _whole_form(anyascii(letters).lower())


def greek_org_type(text: str) -> str:
    """``text`` (a lower-case line) less a Greek legal form abbreviation that is its first or
    last word ("τράπεζα πειραιώς α.ε." -> "τράπεζα πειραιώς"); unchanged when there is none,
    when the line holds no Greek letter, or when nothing else would be left."""
    if text.isascii() or _GREEK.search(text) is None:
        return text
    parts = text.split()
    if len(parts) < 2:
        return text
    for at in (-1, 0):
        word = parts[at].strip(_CLOSING.replace(".", ""))
        if greek_form(word):
            rest = parts[:-1] if at == -1 else parts[1:]
            return " ".join(rest)
    return text


@lru_cache(maxsize=4096)
def form_first(raw: str) -> bool:
    """Whether a Latin name begins with a legal form of rigour's table ("JSC Integral", "Limited
    Liability Company Vector", "AO Spark"): the order of Russian, Ukrainian and other names
    (ООО «Вектор»), not of a Chinese company's English name, which ends with its form ("Camel
    Group Co., Ltd.")."""
    low = " ".join(raw.lower().split())
    for found, _ in extract_org_types(low):
        rest = low[len(found):]
        if low.startswith(found) and rest[:1] in (" ", ",") and rest.strip(" ,"):
            return True
    return False
