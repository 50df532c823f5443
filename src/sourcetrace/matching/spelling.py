"""Spelling repairs: a query's words read as the listed name's when one typing slip apart.

A typo in a vocabulary word ("Cnostruction", "Xingjiang", "Idnustry") breaks the parse: the word
is taken for the trade name, which then differs from the listed one, and a name WRatio finds
alike is decided ``clear``. So, for a listed name spelled like the query (WRatio >= 0.90, see
:mod:`sourcetrace.matching.score`), each query word that the listed name lacks is read as the
listed name's word one slip away, and the repaired name is parsed and scored again.

A slip is one letter dropped, added or changed, or two neighbours swapped (optimal string
alignment distance 1; two for words of nine letters or more). In the listed name's *trade
name*, a changed letter between two pinyin words is not taken for a slip: one pinyin letter
changed is another syllable, so another character and another company (rongsheng is not
longsheng), while a letter dropped, added or swapped ("Hafu" for "Huafu", "Liali" for "Lilai")
is what typing does. A slip between pinyin trade words, or in a trade word under six letters,
is *uncertain* (:attr:`Repair.uncertain`): the matcher then asks the region or industry to agree
before a ``match``; a coined Latin word of six letters or more ("JPMorgon", "Gasprom") is not,
unless the slip is in its first letter ("Alaxy" is not taken for "Galaxy").
Short words (under four letters; under five for trade words) are never repaired: too many are
one slip from another. Two words the query writes apart are joined when the listed name writes
them as one ("Tex tile"), unless both are English words ("Nine Star" against "Ninestar"), and
one word is split where the listed name writes it as two ("WEIQIAOTEXTILE", the same exception). In
a line of the field width with a slip, the last word, cut, is read as the listed word it begins
("LOP COUNY HAIR PRODUCT INDUSTRIAL P": 'p' as 'park'), and the repaired line is compared with
as much of the listed name's beginning. Only names in Latin letters are repaired (Chinese characters are compared by syllable elsewhere).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from sourcetrace.matching.features import english_words
from sourcetrace.matching.score import SPELLED_ALIKE, whole_names_alike
from sourcetrace.matching.truncation import may_be_cut
from sourcetrace.names.parse import ParsedName, parse_name
from sourcetrace.names.text import fold, latin_tokens, usual_pinyin

MIN_WORD = 4  # shortest vocabulary word repaired
MIN_TRADE = 5  # shortest trade word repaired (the longer of the two)
LONG_WORD = 9  # from this length, two slips
COINED = 6  # a non-pinyin trade word this long, one slip off, is taken as the same word


@dataclass(frozen=True, slots=True)
class Repair:
    """A query name rewritten with the listed name's words, and what was rewritten."""

    parsed: ParsedName
    changes: tuple[tuple[str, str], ...]  # (query word, listed word)
    uncertain: bool  # a trade word was repaired that may be another name (see the module)
    read: bool = False  # abbreviations were read too (rescore.slips_and_abbreviations)
    cut: bool = False  # the query is a line of the field width: the listed name may go on


def _pinyin(word: str, target: str) -> bool:
    """Both words are pinyin, in syllables names are written in ("teida" is not: tei-da)."""
    return usual_pinyin(word) and usual_pinyin(target)


def _slip(word: str, target: str, trade: bool) -> bool:
    """``word`` is ``target`` with one typing slip (two in a long word)."""
    longer = max(len(word), len(target))
    if longer < (MIN_TRADE if trade else MIN_WORD) or word[0].isdigit() or target[0].isdigit():
        return False
    if trade and _pinyin(word, target):  # no changed letter: another syllable (module doc)
        same_length = len(word) == len(target)
        if same_length and sorted(word) != sorted(target):
            return False
        return OSA.distance(word, target, score_cutoff=1) <= 1
    allowed = 2 if longer >= LONG_WORD else 1
    return OSA.distance(word, target, score_cutoff=allowed) <= allowed


def written_apart(word: str, listed: list[str], free: list[str]) -> tuple[str, str] | None:
    """Two neighbouring words of the listed name, neither in the query, that ``word`` writes
    as one (a space lost: "WEIQIAOTEXTILE" for "Weiqiao Textile"); None when there are none,
    or when both are English words ("NINESTAR" against "Nine Star" keeps its doubt, as the other
    way round) or one is shorter than the shortest word repaired."""
    if len(word) < 2 * MIN_WORD:
        return None
    for a, b in pairwise(listed):
        if (
            a + b == word and a in free and b in free and min(len(a), len(b)) >= MIN_WORD
            and not (a in english_words() and b in english_words())
        ):  # fmt: skip
            return a, b
    return None


def repair(query: ParsedName, cand: ParsedName) -> Repair | None:
    """The query with its words one slip from the listed name's read as those (None when no
    word was repaired, or either name is not in Latin letters)."""
    raw = fold(query.raw)
    target = fold(cand.raw)
    if not (raw.isascii() and target.isascii()):
        return None
    words = latin_tokens(raw)
    listed = latin_tokens(target)
    listed_set = set(listed)
    trade_words = set(cand.trade)
    free = [w for w in dict.fromkeys(listed) if w not in set(words)]
    if not free:
        return None
    out: list[str] = []
    changes: list[tuple[str, str]] = []
    uncertain = False
    i = 0
    while i < len(words):
        word = words[i]
        if word in listed_set or not word.isalpha():
            out.append(word)
            i += 1
            continue
        # Two words the listed name writes as one ("tex tile" -> "textile"); not two English
        # words ("Nine Star" is often another company than "Ninestar").
        if (
            i + 1 < len(words) and word + words[i + 1] in free
            and not (word in english_words() and words[i + 1] in english_words())
        ):  # fmt: skip
            joined = word + words[i + 1]
            out.append(joined)
            changes.append((f"{word} {words[i + 1]}", joined))
            free.remove(joined)
            i += 2
            continue
        # One word the listed name writes as two ("weiqiaotextile" -> "weiqiao textile").
        apart = written_apart(word, listed, free)
        if apart is not None:
            out.extend(apart)
            changes.append((word, " ".join(apart)))
            for w in apart:
                free.remove(w)
            i += 1
            continue
        fixed = next(
            (w for w in free if w.isalpha() and _slip(word, w, w in trade_words)), None
        )
        if fixed is None:
            out.append(word)
        else:
            out.append(fixed)
            changes.append((word, fixed))
            free.remove(fixed)
            uncertain = uncertain or fixed in trade_words and (
                _pinyin(word, fixed) or len(fixed) < COINED or word[0] != fixed[0]
            )
        i += 1
    if not changes:
        return None
    last = words[-1]
    cut = may_be_cut(query.raw)
    whole = _cut_word(last, free) if cut and last not in listed_set and out[-1] == last else None
    if whole is not None:  # a line of the field width ends in part of a word: "... INDUSTRIAL P"
        changes.append((f"{last}...", whole))
        out[-1] = whole
    return Repair(parse_name(" ".join(out)), tuple(changes), uncertain, cut=cut)


def alike_as_written(fixed: Repair, listed: str) -> bool:
    """The repaired name spelled like the listed one (its ``plain``) as whole names, or, for a
    line of the field width, like as much of the listed name's beginning."""
    mine = fixed.parsed.plain
    bar = SPELLED_ALIKE * 100
    return whole_names_alike(mine, listed) >= bar or (
        fixed.cut and len(listed) > len(mine) and fuzz.ratio(mine, listed[: len(mine)]) >= bar
    )


def _cut_word(word: str, free: list[str]) -> str | None:
    """The listed word the last word of a cut line begins (None when it begins none of the
    words the query lacks)."""
    if not word.isalpha():
        return None
    return next((w for w in free if len(w) > len(word) and w.startswith(word)), None)
