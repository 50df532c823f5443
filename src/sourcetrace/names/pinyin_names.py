"""Pinyin names: English readings of a Chinese trade name, and names written wholly in pinyin.

:func:`trade_readings` and :func:`pinyin_readings` give the ways an English name may spell a
trade name written in characters or in pinyin (CC-CEDICT); :func:`full_pinyin` cuts a name
written wholly in pinyin into a Chinese name's parts (:mod:`sourcetrace.names.parse` uses them).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from functools import lru_cache

from sourcetrace.names.text import latin_tokens, pinyin, syllables
from sourcetrace.names.vocabulary import Vocabulary, trade_words

MAX_READINGS = 64  # three words of two characters: at most 4 x 4 x 4 readings


def trade_readings(trade_zh: str) -> tuple[str, ...]:
    """The ways an English name may spell a Chinese trade name: the name cut into words of two
    characters found in the dictionary and single characters (every cut), each two-character
    word in its pinyin or one of its English readings, each single character in its pinyin (one
    character reads as too many English words), joined; only readings with an English word, in
    the order made (whole words first), at most :data:`MAX_READINGS`. Empty for a trade name of
    one character or more than six."""
    if not 2 <= len(trade_zh) <= 6:
        return ()
    words = trade_words()
    out: dict[str, None] = {}

    def walk(rest: str, head: str, translated: bool) -> None:
        if len(out) >= MAX_READINGS:
            return
        if not rest:
            if translated:
                out[head] = None
            return
        english = words.get(rest[:2], ()) if len(rest) >= 2 else ()
        if english:
            walk(rest[2:], head + pinyin(rest[:2]), translated)
            for word in english:
                walk(rest[2:], head + word, True)
        walk(rest[1:], head + pinyin(rest[0]), translated)

    walk(trade_zh, "", False)
    return tuple(out)[:MAX_READINGS]


@lru_cache(maxsize=1)
def _english_by_sound() -> dict[str, tuple[str, ...]]:
    """The English readings of the dictionary's two-character words by their toneless pinyin,
    homophones together ("dongfang": east (东方), bridalroom (洞房)).

    Read from pypinyin's dictionaries directly (the word's phrase reading, else each
    character's first): the same keys as :func:`~sourcetrace.names.text.pinyin` gives these
    words, built in a fraction of its time (a worker builds the table on its first pinyin name)."""
    from pypinyin.phrases_dict import phrases_dict
    from pypinyin.pinyin_dict import pinyin_dict

    @lru_cache(maxsize=4096)
    def bare(reading: str) -> str:
        plain = unicodedata.normalize("NFKD", reading)
        return "".join(c for c in plain if not unicodedata.combining(c)).lower().replace("v", "u")

    out: dict[str, list[str]] = {}
    for zh, english in trade_words().items():
        if len(zh) != 2:
            continue
        phrase = phrases_dict.get(zh)
        if phrase:
            key = "".join(bare(r[0]) for r in phrase)
        else:
            readings = [pinyin_dict.get(ord(c)) for c in zh]
            if None in readings:
                continue
            key = "".join(bare(r.split(",")[0]) for r in readings if r)
        out.setdefault(key, []).extend(english)
    return {k: tuple(dict.fromkeys(v)) for k, v in out.items()}


def pinyin_readings(trade: str) -> tuple[str, ...]:
    """The ways an English name may spell a trade name written in pinyin ("dongfangxiwang":
    "east hope", "east xiwang", "dongfang hope" ...): as :func:`trade_readings` does for
    characters, but each pair of syllables read as every word that sounds so (CC-CEDICT), so
    the readings hold homophones' senses too: the matcher uses one only when a listed name
    has it as its trade name (and the name's industry words agree). Readings with an English
    word only, at most :data:`MAX_READINGS`; none for fewer than two or more than six
    syllables."""
    cut = syllables(trade)
    if cut is None or not 2 <= len(cut) <= 6:
        return ()
    sounds = _english_by_sound()
    out: dict[str, None] = {}

    def walk(rest: tuple[str, ...], head: str, english: bool) -> None:
        if len(out) >= MAX_READINGS:
            return
        if not rest:
            if english:
                out[head] = None
            return
        if len(rest) >= 2:
            for word in sounds.get(rest[0] + rest[1], ()):
                walk(rest[2:], head + " " + word + " ", True)
        walk(rest[1:], head + rest[0], english)

    walk(tuple(cut), "", False)
    return tuple(" ".join(r.split()) for r in out)[:MAX_READINGS]


# Pinyin of the legal forms (有限公司 youxian gongsi ...), cut off a full-pinyin name wherever its
# words are split ("you xian gong si", "youxiangongsi").
_LEGAL_PINYIN = ("youxianzerengongsi", "youxiangongsi", "gufen", "youxian", "zeren", "gongsi",
                 "fengongsi", "zongchang", "zonggongsi", "fenchang")  # fmt: skip
_SUFFIX_CACHE: dict[int, dict[str, str]] = {}


def _pinyin_suffixes(vocab: Vocabulary) -> dict[str, str]:
    """The glossary's Chinese industry and organisation words in pinyin, run together, to their
    concept ("huaxue": chemical, "jituan": "org:..."), legal forms as "legal"; words of one
    syllable left out (业 "ye", 厂 "chang" are also syllables of trade names)."""
    cached = _SUFFIX_CACHE.get(id(vocab))
    if cached is None:
        cached = {}
        for zh, concept in vocab.industry_zh.items():
            key = "".join(latin_tokens(pinyin(zh)))
            if len(zh) >= 2 and key:
                cached.setdefault(key, concept)
        for key in _LEGAL_PINYIN:
            cached[key] = "legal"
        _SUFFIX_CACHE[id(vocab)] = cached
    return cached


def full_pinyin(
    words: list[str], vocab: Vocabulary, truncated: bool = False
) -> tuple[list[str], set[str], bool, str] | None:
    """A name written wholly in pinyin, however its syllables are spaced ("HE TIAN HAO LIN FA SHI
    YOU XIAN GONG SI", "XINJIANGZHONGTAIHUAXUE..."), cut into the parts a Chinese name has: the
    words returned are its regions then its trade name, each run together ("hetian", "haolin"),
    with the industry concepts of its pinyin industry words (发饰 "fashi": hair accessories) and
    whether a legal form was cut off, and the name as an English listing would write it
    ("hetian haolin hair accessorie"). None when a word is not pinyin or is an English business
    word, or when nothing but the spacing would change (the word-by-word parse reads it the
    same). A region may also stand before the legal form (合盛硅业(鄯善)有限公司).

    Regions are cut from the start, industry, organisation and legal words from the end, each
    only at a syllable boundary (both sides must read as pinyin) and only while two syllables
    or more of trade name stay: the Chinese parser's rule (a trade name has two characters).
    A name cut at the field width may end in part of a word: that part is dropped first."""
    if not words:
        return None
    suffixes = _pinyin_suffixes(vocab)
    if truncated and len(words) > 1 and syllables(words[-1]) is None:
        last = words[-1]  # "GONGS": the start of a pinyin word, cut
        if len(last) >= 3 and any(key.startswith(last) for key in suffixes):
            words = words[:-1]
    if not all(_pinyin_word(w, vocab) for w in words):
        return None
    joined = "".join(words)

    def enough(rest: str) -> bool:
        cut = syllables(rest)
        return cut is not None and len(cut) >= 2

    def boundary(text: str, at: int) -> bool:
        """Whether the text's reading in the fewest syllables has a syllable boundary there:
        "daliantianyi" reads da-lian-tian-yi, so it is Dalian + tianyi, not Dali + antianyi."""
        cut, pos = syllables(text) or (), 0
        for syllable in cut:
            pos += len(syllable)
            if pos >= at:
                return pos == at
        return False

    regions: list[str] = []
    tail_regions: list[str] = []
    industry: set[str] = set()
    legal = False
    org = False
    cut_word = (
        _pinyin_cut_word(joined, suffixes, enough, boundary)
        if truncated and not any(joined.endswith(key) for key in suffixes)
        else None
    )
    if cut_word is not None:
        joined, concept = cut_word
        if concept is not None:
            industry.add(concept)
            industry.update(_pinyin_short_for(vocab).get(concept, ()))
    elif truncated and not any(joined.endswith(key) for key in suffixes):
        # The start of an industry or legal word, cut by the field ("yousejin", "you"): the
        # shortest such end (three letters or more) is taken off.
        for start in range(len(joined) - 3, max(0, len(joined) - 18) - 1, -1):
            tail = joined[start:]
            if enough(joined[:start]) and any(key.startswith(tail) for key in suffixes):
                joined = joined[:start]
                break
    changed = True
    while changed:  # industry, organisation and legal words at the end, longest first
        changed = False
        for start in range(max(0, len(joined) - 18), len(joined) - 2):
            concept = suffixes.get(joined[start:])
            if concept is None and joined[start:] in vocab.places_latin:
                concept = "place"  # a region before the legal form: 合盛硅业(鄯善)有限公司
            if concept is not None and boundary(joined, start) and enough(joined[:start]):
                if concept == "legal":
                    legal = True
                elif concept == "place":
                    tail_regions.insert(0, joined[start:])
                elif not concept.startswith("org:"):
                    industry.add(concept)
                    # 生物 shengwu is biological and, in a short name, biotechnology.
                    industry.update(_pinyin_short_for(vocab).get(joined[start:], ()))
                else:
                    org = True  # 集团 jituan: cut as the Chinese parser cuts it
                joined, changed = joined[:start], True
                break
    changed = True
    while changed:  # regions at the start, longest first
        changed = False
        for end in range(min(len(joined) - 2, 20), 2, -1):
            place = vocab.places_latin.get(joined[:end])
            if place is not None and boundary(joined, end) and enough(joined[end:]):
                regions.append(joined[:end])
                joined, changed = joined[end:], True
                break
    if (not tail_regions and not industry and not legal and not org
            and regions == words[: len(regions)] and not _one_syllable_words(words)):  # fmt: skip
        # Only the spacing differs, or a region the word-by-word parse finds as well: the
        # words are kept ("China Mobile": chi na mo bi le; "Beijing Huawei Longshine").
        return None
    plain = " ".join([*regions, joined, *sorted(industry), *tail_regions])
    return [*regions, joined, *tail_regions], industry, legal, plain


def _one_syllable_words(words: list[str]) -> bool:
    """Whether a name is three words or more, each one pinyin syllable ("TONG REN TANG", 同仁堂
    spelled a character at a time): the spacing then says nothing about the words, so the name
    is run together as a Chinese name's pinyin, not kept as three trade words."""
    return len(words) >= 3 and all(len(syllables(w) or ()) == 1 for w in words)


def _pinyin_short_for(vocab: Vocabulary) -> dict[str, frozenset[str]]:
    """The senses an industry word in pinyin also has in a short name, by its pinyin run
    together ("shengwu": biotechnology, as ``Vocabulary.industry_short_for`` gives 生物), and by
    the concept its pinyin reads as, for a word cut at the field width."""
    cached = _SHORT_FOR_CACHE.get(id(vocab))
    if cached is None:
        cached = {}
        for zh, senses in vocab.industry_short_for.items():
            key = "".join(latin_tokens(pinyin(zh)))
            concept = vocab.industry_zh.get(zh)
            for k in (key, concept):
                if k:
                    cached[k] = cached.get(k, frozenset()) | senses
        _SHORT_FOR_CACHE[id(vocab)] = cached
    return cached


_SHORT_FOR_CACHE: dict[int, dict[str, frozenset[str]]] = {}


def _pinyin_cut_word(
    joined: str,
    suffixes: dict[str, str],
    enough: Callable[[str], bool],
    boundary: Callable[[str, int], bool],
) -> tuple[str, str | None] | None:
    """A full-pinyin name cut at the field width inside an industry or legal word
    ("...XIWANG YOUSEJIN" for youse jinshu, 有色金属): the longest end that starts at a syllable
    boundary and begins a word of the glossary in pinyin, taken off, with the industry concept
    it begins when every word it begins is that one industry ("yousejin": nonferrous metal; "you"
    begins youxian and youse, so no concept). None when no such end of two syllables or more
    is found: the caller then takes off the shortest end, as before."""
    for start in range(max(0, len(joined) - 18), len(joined) - 2):
        tail = joined[start:]
        cut = syllables(tail)
        if cut is None or len(cut) < 2 or not boundary(joined, start):
            continue
        if not enough(joined[:start]):
            continue
        concepts = {c for key, c in suffixes.items() if key.startswith(tail)}
        if not concepts:
            continue
        one = next(iter(concepts)) if len(concepts) == 1 else None
        if one is None or one in ("legal", "place") or one.startswith("org:"):
            return joined[:start], None
        return joined[:start], one
    return None


# Readings pypinyin gives interjections (嗯 ng, 呣 m): no company name is spelled with them, and
# they let English words pass for pinyin ("warehousing": wa re hou si ng).
_INTERJECTIONS = frozenset({"ng", "n", "m", "hm", "hng"})


def _pinyin_word(word: str, vocab: Vocabulary) -> bool:
    """Whether a word reads as pinyin and is no English business word ("mining": mi ning)."""
    if not word.isalpha():
        return False
    cut = syllables(word)
    if cut is None or not _INTERJECTIONS.isdisjoint(cut):
        return False
    return word not in vocab.industry_latin or word in _pinyin_suffixes(vocab)
