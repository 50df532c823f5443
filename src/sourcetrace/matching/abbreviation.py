"""Abbreviations: a query's words read as the listed name's words they abbreviate.

Bills of lading abbreviate business words in more ways than any table holds ("INFO TECH",
"ECON BUS", "MNG", "CNTY", "WHSG", "MATLS", "S&T"). The table
(``data/abbreviations.tsv``) is read by the parser for every name; this module reads the rest
pairwise, against one listed name at a time, so that an abbreviation is only ever read as a word
that is there to be read: a query word is read as a word of the listed name it abbreviates
(:func:`abbreviates`), taking the listed name's words in order, and the pair is scored again
(:func:`sourcetrace.matching.rescore.expanded`).

Limits, and why:
- Only words *outside the listed name's trade name* are read so. An abbreviation restores an
  industry, region, organisation or legal word that the parse lost; read into the trade name it
  would turn a different company into the listed one ("STAR" is letters of "standard", "JIN" of
  "jinbao"). One exception: a word of the trade name after its first word, when the first is
  written as it is and the word is English or no pinyin ("Weishan International Economic
  *Business*", "Linxi *County* Fangpei Cotton Buying and Selling", "Apex *Microelectronics*"):
  the parser keeps business words it does not know in the trade name. The first word, the
  distinctive one, and pinyin words (names: "Huafu *Hongsheng*") are never read, and such a
  reading counts only when neither the industry nor the region then differs ("Shaanxi AERO
  Electric" is not "Shaanxi Aerospace Science and Technology"). The query's trade name read so must be words of the listed
  name; the pair is then decided by the ordinary rules, as if the clerk had written the words
  out.
- The query's words are those of its name, not of an address or telephone number after it
  ("TEL" is no "technology"); a query word that is pinyin is a name's syllable, not an
  abbreviation ("CHANG HONG MEILING" is not "... Holdings").
- The short form has three letters at least, is not a word of the listed name itself, and is
  not in the parser's table (which reads it already). Two-letter forms ("FD", "PK") are the
  start of too many words: they are read only where every other word of the query is a word of
  the listed name and the two letters stand where the listed word stands
  (:func:`_two_letter_readings`).
- Letters joined by "&" ("S&T") are read as the initials of consecutive listed words outside
  the trade name ("science and technology"), else "S&T" as "science and technology" (see
  ``_AMPERSAND_WORDS``).
- A word written with a hyphen on one side and joined on the other ("Pu-Tech" / "PUTECH",
  "Bio-Pharmaceutical" / "BIOPHARMACEUTICAL") is one word, trade name included: a hyphen is
  punctuation, not a guess. So is an English compound written in two ("GOLDMINE" / "Gold
  Mine"); other words written apart are not joined here ("Nine Star" against "Ninestar" keeps
  its doubt, see :mod:`.spelling`).
- Only names in Latin letters are read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

from rigour.names import remove_org_types

from sourcetrace.matching.features import english_words
from sourcetrace.names.lines import clean_line
from sourcetrace.names.parse import ParsedName, parse_name
from sourcetrace.names.text import fold, latin_tokens, syllables, usual_pinyin
from sourcetrace.names.vocabulary import LEGAL_TOKENS, STOPWORDS, abbreviations

MIN_SHORT = 3  # shortest abbreviation read
MIN_DROPPED = 3  # fewest letters a first-letters abbreviation drops ("techn" / "technology")
# Endings an English word takes that make no abbreviation of it ("bank" / "banking").
_ENDINGS = frozenset(["ing", "ings", "ers", "ies", "ment", "ments", "ness", "ship", "ships"])
_VOWELS = frozenset("aeiou")
_HYPHENED = re.compile(r"([a-z0-9]+)-([a-z0-9]+)")
_AMPERSAND = re.compile(r"(?<![a-z0-9])([a-z])\s*&\s*([a-z])(?![a-z0-9])")
_JOINING = frozenset(["and", "of"])
# Letters joined by "&" that stand for words whatever the listed name writes: 科技 is rendered
# "Science and Technology", "Sci-Tech" or "S&T" in Chinese companies' English names, and the
# parser reads "science and technology" and "technology" as one industry.
_AMPERSAND_WORDS = {("s", "t"): ("science", "and", "technology")}


@dataclass(frozen=True, slots=True)
class Reading:
    """A query name with its abbreviations read as the listed name's words."""

    parsed: ParsedName
    changes: tuple[tuple[str, str], ...]  # (query word as written, listed word or words)
    into_trade: bool = False  # an abbreviation was read as a word of the listed trade name


@lru_cache(maxsize=65_536)
def abbreviates(short: str, word: str) -> bool:
    """``short`` abbreviates ``word``: its first letters ("info", "econ", "mat"), or its first
    letters followed by later consonants of it in order ("mng", "cnty", "whsg", "matls").

    Not a word with an ending or another word added ("system" / "systems", "bank" / "banking",
    "air" / "airline"): a first-letters form drops three letters at least, and when it is an
    English word itself, what it drops is no English word or ending. Not a legal form either
    ("ltd" / "limited", "sal" / "sarl": the parser drops legal forms as they are)."""
    if len(short) < MIN_SHORT or len(short) >= len(word) or short[0] != word[0]:
        return False
    if not short.isalpha() or _legal(short) or _legal(word):
        return False
    if word.startswith(short):
        rest = word[len(short):]
        if len(rest) < MIN_DROPPED:
            return False
        if short in english_words():
            # (A doubled last letter before the ending: "ship" / "shipping".)
            ending = rest[1:] if rest[0] == short[-1] else rest
            return not (rest in english_words() or ending in _ENDINGS)
        return True
    # The longest prefix the two share, then the rest of the short form: consonants (a
    # skeleton drops vowels, it does not add them) found in order in the rest of the word.
    head = 1
    while head < len(short) and short[head] == word[head]:
        head += 1
    later = iter(word[head:])
    return all(c not in _VOWELS and c in later for c in short[head:])


@lru_cache(maxsize=65_536)
def _legal(word: str) -> bool:
    """A legal form or company-type word (ours, or rigour's table in any language)."""
    return word in LEGAL_TOKENS or not remove_org_types(word, replacement=" ").strip()


def _display(word: str, raw: str) -> str:
    """The query word as the query wrote it (its case), for the reasons."""
    found = re.search(rf"(?<![A-Za-z0-9]){re.escape(word)}(?![A-Za-z0-9])", raw, re.IGNORECASE)
    return found.group(0) if found else word


_Words = tuple[
    tuple[str, ...], frozenset[tuple[str, str]], frozenset[tuple[str, str]]
]


@lru_cache(maxsize=65_536)
def _name_words(raw: str) -> _Words | None:
    """:func:`_words` of the name on a query's line, not of an address or telephone after it."""
    return _words(clean_line(raw)[0])


@lru_cache(maxsize=65_536)
def _name_text(raw: str) -> str:
    """The words of :func:`_name_words` joined by spaces: a word without a space is in one of
    them exactly when it is in this text (one test instead of one a word)."""
    found = _name_words(raw)
    return " ".join(found[0]) if found is not None else ""


@lru_cache(maxsize=65_536)
def _words(raw: str) -> _Words | None:
    """A name's folded words, the pairs it writes with a hyphen between them ("pu-tech") and
    the letters it joins by "&" ("s&t"); None when it is not in Latin letters. Remembered: a
    shipper's name meets several listed names, and a listed name many queries."""
    text = fold(raw)
    if not text.isascii():
        return None
    # (Each search tries every letter of the name: most names hold neither "-" nor "&".)
    hyphens = frozenset(
        (m.group(1), m.group(2)) for m in _HYPHENED.finditer(text)
    ) if "-" in text else frozenset()  # fmt: skip
    ampersands = frozenset(
        (m.group(1), m.group(2)) for m in _AMPERSAND.finditer(text)
    ) if "&" in text else frozenset()  # fmt: skip
    return tuple(latin_tokens(text)), hyphens, ampersands


_QueryClues = tuple[frozenset[str], bool, tuple[str, ...], frozenset[str], tuple[str, ...]]
_ListedClues = tuple[frozenset[str], bool, dict[str, tuple[str, ...]], frozenset[str]]


@lru_cache(maxsize=65_536)
def _query_clues(raw: str) -> _QueryClues | None:
    """What of a query's words a reading can start from: its words, whether it writes a hyphen
    or an "&" between words, the words that may be abbreviations (letters only, three or more;
    :func:`may_read` tests the table and pinyin only for those that abbreviate a listed word)
    and its English words (a compound the listed name may write in two), and its two-letter
    words; None when it is not in Latin letters."""
    found = _name_words(raw)
    if found is None:
        return None
    words, hyphens, ampersands = found
    short = tuple(w for w in dict.fromkeys(words) if len(w) >= MIN_SHORT and w.isalpha())
    english = english_words()
    # (Each listed name the query meets asked every word for its length: the few two-letter
    # ones are kept here, once per query.)
    twos = tuple(w for w in dict.fromkeys(words) if len(w) == 2)
    return frozenset(words), bool(hyphens or ampersands), short, frozenset(
        w for w in words if w in english
    ), twos


# Kept apart from the queries' caches: a bulk run meets far more query names than listed ones,
# which would push the listed names out.
@lru_cache(maxsize=131_072)
def _listed_clues(raw: str) -> _ListedClues | None:
    """What of a listed name's words a reading can end on: its words, whether it writes a
    hyphen between words, its words longer than an abbreviation by first letter, and its
    consecutive words joined ("gold mine" -> "goldmine"); None when not in Latin letters."""
    found = _words(raw)
    if found is None:
        return None
    listed, hyphens, _ = found
    by_letter: dict[str, list[str]] = {}
    for w in dict.fromkeys(listed):
        if len(w) > MIN_SHORT:
            by_letter.setdefault(w[0], []).append(w)
    joins = frozenset(a + b for a, b in pairwise(listed))
    return frozenset(listed), bool(hyphens), {k: tuple(v) for k, v in by_letter.items()}, joins


def may_read(query: ParsedName, cand: ParsedName) -> bool:
    """Whether :func:`read_abbreviations` can read anything of the pair: False only when it
    would return None, decided from each name's words (remembered per name) before any work
    on the pair. Most string neighbours of a bill-of-lading name hold no word the query
    abbreviates (80,615 pairs for the bulk benchmark's first 20,000 names, 6 of them read), and
    reading one costs about 14 µs.

    Every reading starts from one of: a hyphen or an "&" in the query, a hyphen in the listed
    name, an English query word that is two consecutive listed words joined, or a query word
    that may be an abbreviation (:func:`_query_clues`) and is no listed word, abbreviating
    (:func:`abbreviates`, remembered per pair of words) a listed word longer than three
    letters that is no query word, or a two-letter query word that is no listed word and may
    abbreviate a listed one (:func:`two_letters`)."""
    mine = _query_clues(query.raw)
    theirs = _listed_clues(cand.raw)
    if mine is None or theirs is None:
        return False
    words, marked, short, english, twos = mine
    listed, hyphened, by_letter, joins = theirs
    if marked or hyphened or not joins.isdisjoint(english):
        return True
    for word in short:
        if word not in listed:
            for long in by_letter.get(word[0], ()):
                if (
                    long not in words and abbreviates(word, long)
                    # (A word of the parser's table, or pinyin, is never read: tested last.)
                    and word not in abbreviations() and not usual_pinyin(word)
                ):  # fmt: skip
                    return True
    # Two letters ("FD", "PK") are read only where the rest agrees (:func:`_two_letter_readings`);
    # here, only whether a listed word starts with their letters in order.
    return any(
        word not in listed and any(two_letters(word, w) for w in by_letter.get(word[0], ()))
        for word in twos
    )  # fmt: skip


def read_abbreviations(query: ParsedName, cand: ParsedName) -> Reading | None:
    """The query with its words read as the listed name's words they abbreviate or spell with
    or without a hyphen (module doc), in order; None when nothing was read or either name is not
    in Latin letters."""
    mine = _name_words(query.raw)
    theirs = _words(cand.raw)
    if mine is None or theirs is None:
        return None
    words, query_hyphens, ampersands = mine
    listed, listed_hyphens, _ = theirs
    head = cand.trade[0] if cand.trade else ""
    if head and not listed_hyphens and (
        head not in _name_text(query.raw) if " " not in head
        else not any(head in w for w in words)
    ):
        # The listed name's distinctive first word is nowhere in the query: no reading can
        # make the trade names agree (most string neighbours; this is the quick way out).
        # Tested before may_read, whose loops over the words cost more, and as one search of
        # the query's words joined by spaces (a word without a space is in one of them exactly
        # when it is in that text): the same None either way, for less.
        return None
    present = set(words)
    if present.issuperset(listed) or present.issubset(listed):
        return None  # nothing to read, or no query word to read
    if not may_read(query, cand):
        return None
    trade = set(cand.trade)
    english = english_words()

    head_written = head in present

    def readable(listed_word: str) -> bool:
        """A listed word an abbreviation may be read as: outside the trade name, or a word of
        it after its first, the first written as it is, that is English or no pinyin (module
        doc)."""
        return listed_word not in trade or (
            head_written and listed_word != head
            and (listed_word in english or syllables(listed_word) is None)
        )  # fmt: skip

    table = abbreviations()
    # The listed words not in the query, by first letter (an abbreviation keeps it).
    by_letter: dict[str, list[int]] = {}
    for j, w in enumerate(listed):
        if w not in present and len(w) > MIN_SHORT:
            by_letter.setdefault(w[0], []).append(j)
    out: list[str] = []
    changes: list[tuple[str, str]] = []
    pos = 0  # listed words before this one are behind the reading (it goes in order)
    into_trade = False
    i = 0
    while i < len(words):
        word = words[i]
        nxt = words[i + 1] if i + 1 < len(words) else ""
        if word in listed[pos:]:
            pos = listed.index(word, pos) + 1
            out.append(word)
            i += 1
            continue
        if word in listed:  # an earlier word again, or words in another order: as written
            out.append(word)
            i += 1
            continue
        # Hyphened on one side, joined on the other.
        if (word, nxt) in query_hyphens and word + nxt in listed and word + nxt not in present:
            out.append(word + nxt)
            changes.append((_display(f"{word}-{nxt}", query.raw), word + nxt))
            pos = max(pos, listed.index(word + nxt) + 1)
            i += 2
            continue
        split = next((p for p in listed_hyphens if p[0] + p[1] == word), None)
        if split is None and word in english_words():
            # An English compound the listed name writes in two ("goldmine" / "gold mine"):
            # one word written two ways, as features._joined_words has it.
            split = next(
                ((a, b) for a, b in pairwise(listed) if a + b == word),
                None,
            )
        if split is not None:
            out.extend(split)
            joint = "-" if split in listed_hyphens else " "
            changes.append((_display(word, query.raw), joint.join(split)))
            pos = max(pos, listed.index(split[1]) + 1)
            i += 1
            continue
        # Letters joined by "&": the initials of consecutive listed words ("s&t").
        if (word, nxt) in ampersands:
            span = _initials_at(listed, pos, (word, nxt), trade | present)
            if span is not None:
                start, end = span
                spelled = list(listed[start:end])
                pos = end
            else:
                spelled = list(_AMPERSAND_WORDS.get((word, nxt), ()))
            if spelled:
                out.extend(spelled)
                changes.append((_display(f"{word}&{nxt}", query.raw), " ".join(spelled)))
                i += 2
                continue
        k = None
        # (A pinyin word is a name's syllables, not an abbreviation: "CHANG HONG" is not
        # "... Holdings".)
        if word.isalpha() and word not in table and not usual_pinyin(word):
            for j in by_letter.get(word[0], ()):
                if (
                    j >= pos and listed[j] not in present and readable(listed[j])
                    and abbreviates(word, listed[j])
                ):  # fmt: skip
                    k = j
                    break
        if k is None:
            out.append(word)
        else:
            out.append(listed[k])
            changes.append((_display(word, query.raw), listed[k]))
            into_trade = into_trade or listed[k] in trade
            present.add(listed[k])
            pos = k + 1
        i += 1
    two = _two_letter_readings(out, listed, trade, table)
    for k, (short, long) in two.items():
        out[k] = long
        changes.append((_display(short, query.raw), long))
    if not changes:
        return None
    return Reading(parse_name(" ".join(out)), tuple(changes), into_trade)


def two_letters(short: str, word: str) -> bool:
    """``short``, two letters, abbreviates ``word``: its first letter, then a later consonant
    of it ("fd" / "food", "pk" / "park", "gp" / "group")."""
    return (
        len(short) == 2 and short.isalpha() and len(word) > MIN_SHORT and short[0] == word[0]
        and short[1] not in _VOWELS and short[1] in word[1:]
    )  # fmt: skip


def _two_letter_readings(
    out: list[str], listed: tuple[str, ...], trade: set[str], table: dict[str, tuple[str, ...]]
) -> dict[int, tuple[str, str]]:
    """Two-letter query words ("FD", "PK") read as the listed words they abbreviate, by
    position in ``out`` (the query's words, those read so far already the listed words).

    Two letters are the start of too many words to be read on their own, so they are read only
    where the rest of the name agrees strongly: every other word of the query is a word of the
    listed name (as written, read, or spelled out by the parser's table) or a legal or joining
    word, the listed trade name is all there, and the two-letter word stands where the listed
    word stands (between the listed words of its neighbours). The word read is outside the
    listed trade name, and is not itself written elsewhere in the query."""
    short = [k for k, w in enumerate(out) if len(w) == 2 and w not in listed and not _legal(w)]
    if not short or not trade or not trade <= set(out):
        return {}
    places: list[int | None] = []
    for k, w in enumerate(out):
        if k in short:
            places.append(None)
        elif w in listed:
            places.append(listed.index(w))
        elif w in table and set(table[w]) <= set(listed):
            places.append(listed.index(table[w][0]))
        elif _legal(w) or w in STOPWORDS:
            places.append(None)
        else:
            return {}  # a word the listed name does not hold: no strong agreement
    if sum(p is not None for p in places) < 2:
        return {}
    found: dict[int, tuple[str, str]] = {}
    taken = set(out)
    for k in short:
        before = max((p for p in places[:k] if p is not None), default=-1)
        after = min((p for p in places[k + 1 :] if p is not None), default=len(listed))
        for j in range(before + 1, after):
            word = listed[j]
            if word not in taken and word not in trade and two_letters(out[k], word):
                found[k] = (out[k], word)
                taken.add(word)
                break
    return found


def _initials_at(
    listed: tuple[str, ...], pos: int, letters: tuple[str, str], taken: set[str]
) -> tuple[int, int] | None:
    """Where consecutive listed words (joining words between them allowed) start with
    ``letters``, none of them taken (a trade or query word), from ``pos``: (start, end)."""
    for start in range(pos, len(listed)):
        if listed[start][0] != letters[0] or listed[start] in taken or len(listed[start]) < 2:
            continue
        end = start + 1
        while end < len(listed) and listed[end] in _JOINING:
            end += 1
        if (
            end < len(listed) and listed[end][0] == letters[1] and len(listed[end]) >= 2
            and listed[end] not in taken
        ):  # fmt: skip
            return start, end + 1
    return None
