"""Reading a Chinese name in the words of a Latin name: region, trade name and industry, part by part.

An English listing renders a Chinese company name part by part: the region in its English form
(喀什 Kashgar), the trade name in pinyin (科伦 Kelun) or translated (西部 Western), the industry
words translated (制药 Pharmaceutical, 煤电 Coal and Electricity). A parse of the Chinese name
alone cannot know where its trade name ends when an industry word is missing from the glossary
(科伦制药 keeps 制药 in its trade name, "kelunzhiyao", which no English name spells).
:func:`read_across` reads the Chinese name *against one Latin name*: it cuts the characters into
segments, each of which gives the next words of the Latin name, in order, every character and
every word accounted for:

- a place whose Latin form has the same GB/T 2260 code (哈密 "Hami", 喀什 "Kashgar", 洛浦县 "Lop
  County"): the places of ``places.tsv`` and the Xinjiang gazetteer, with their type words;
- characters read as pinyin, each in any of its readings (奥都 "Aodu": 都 is du or dou);
- a word of the glossary whose concept the Latin words name (生物科技 "Biotechnology");
- a word of one to three characters read by its CC-CEDICT senses (``data/glosses.tsv``): the
  word itself, else the dictionary word it shortens by dropping 业 (industry), 区 (area) or 厂
  (factory) (制药 as 制药业 "pharmaceutical industry", 园 as 园区 "park"); a sense agrees when
  each Latin word is one of its words (plural, British spelling and -ing/-e aside, or sharing all
  but the last letter of the shorter word: "pharmacy" and "pharmaceutical", "orient" and
  "oriental") and it has at most one word more ("western part" for "Western");
- an organisation word on one side only (集团 without "Group", "Holdings" without 控股), and a
  place on one side only before the name (a short Chinese name drops its province): passed
  over; the region is then compared as usual (unknown on one side, or differing). A place after
  the name on one side only is not (晨光生物科技集团焉耆, the group's unit in Yanqi, is not the
  group; 新疆生产建设兵团第一师 is not the Corps).

None when no cut exists: a word that neither the pinyin, the places, the glossary nor the
dictionary give makes the names different. Segments read as pinyin, and translated segments
before the last of them or (with no pinyin at all) before the first industry word, are the
trade name; the dictionary and glossary segments after it are the industry.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from itertools import product

from pypinyin import Style
from pypinyin import pinyin as _pypinyin

from sourcetrace.names.parse import ParsedName
from sourcetrace.names.text import fold, pinyin
from sourcetrace.names.vocabulary import GENERIC_EN, PLACE_TYPES, STOPWORDS, stem, vocabulary

# Dictionary words a name's last word shortens: 制药(业) pharmaceutical industry, 园(区) park.
_SUFFIXES = ("业", "区", "厂")
# Place-type characters after a place (洛浦县 "Lop County" or "Lop").
_PLACE_TYPE_ZH = ("县", "市", "区", "州", "省")
# Latin organisation words a Chinese name may leave out (新疆能源（集团）: the bracket is dropped).
_LATIN_ORG = frozenset(["group", "holding", "holdings", "corporation"])
_FUNCTION = frozenset(["and", "of", "for", "the", "a", "an", "or", "in", "to"])
MAX_CHARS = 24  # longer Chinese names are not read (the search is quadratic in the length)


@dataclass(frozen=True)
class Segment:
    """One part of a Chinese name and the Latin words it gives."""

    zh: str
    words: tuple[str, ...]
    how: str  # "place", "pinyin", "glossary", "gloss", "short" or "skip"
    source: str = ""  # the dictionary word and sense read ("制药业 pharmaceutical industry")


@dataclass(frozen=True)
class Reading:
    """A Chinese name read in a Latin name's words."""

    segments: tuple[Segment, ...]
    trade: tuple[str, ...]  # the Latin words of the trade name
    trade_pinyin: str  # the trade name's characters in pinyin, as the Latin name spells them
    translated: bool  # a segment of the trade name was translated, not spelled
    industry: frozenset[str]  # the industry concepts the dictionary segments name
    regions: frozenset[str]  # the GB/T 2260 codes of places read inside the name

    def notes(self) -> list[str]:
        """What was read through the dictionary, or as a place's other form, in plain words (the
        glossary's words are what the parse reads already)."""
        out = []
        for seg in self.segments:
            english = " ".join(seg.words)
            if seg.how == "gloss":
                out.append(f"{seg.zh} read as '{english}' (CC-CEDICT: {seg.source})")
            elif seg.how == "short":
                out.append(f"{seg.zh} read as '{english}', short for the industry word "
                           f"{seg.source}")  # fmt: skip
            elif seg.how == "place" and not pinyin(seg.zh).startswith(english.split()[0]):
                out.append(f"{seg.zh} is the place '{english}' (GB/T 2260 {seg.source})")
        return out


@lru_cache(maxsize=1)
def glosses() -> dict[str, tuple[str, ...]]:
    """The English senses of Chinese words of one to three characters, from
    ``data/glosses.tsv`` (built from CC-CEDICT, CC BY-SA 4.0, by ``scripts/build_glosses.py``)."""
    text = resources.files("sourcetrace.data").joinpath("glosses.tsv").read_text("utf-8")
    rows = (line.split("\t", 1) for line in text.splitlines()[1:])
    return {zh: tuple(english.split("|")) for zh, english in rows}


@lru_cache(maxsize=8192)
def _syllables_of(char: str) -> tuple[str, ...]:
    """Every toneless reading of one character (都: du, dou), ü written u."""
    found = _pypinyin(char, style=Style.NORMAL, heteronym=True, errors="ignore")
    return tuple(dict.fromkeys(s.replace("v", "u").replace("ü", "u") for s in found[0])) if found else ()


@lru_cache(maxsize=1)
def _latin_places() -> dict[str, tuple[str, ...]]:
    """Each GB/T 2260 code's Latin place keys ("653100": kashgar, kashi, ...)."""
    out: dict[str, list[str]] = {}
    for key, place in vocabulary().places_latin.items():
        out.setdefault(place.code, []).append(key)
    return {code: tuple(keys) for code, keys in out.items()}


# British spellings of industry words, as vocabulary.GENERIC_EN folds them.
_BRITISH = {"aluminium": "aluminum", "fibre": "fiber", "colour": "color"}


def _word_stem(word: str) -> str:
    """A word less its plural and an -ing or -e ending, in American spelling ("mining" and
    "mine": "min"), for comparing a dictionary sense with a listed name's word."""
    word = _BRITISH.get(word, word)
    if len(word) > 4 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for suffix in ("ing", "e"):
        if len(word) - len(suffix) >= 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def words_agree(a: str, b: str) -> bool:
    """Two English words are one: equal after plural, -ing/-e and British spelling are set
    aside, or sharing all but the last letter of the shorter word, six letters at least
    ("pharmacy"/"pharmaceutical", "industry"/"industrial", "orient"/"oriental"; not
    "electric"/"electronic")."""
    a, b = _word_stem(a), _word_stem(b)
    if a == b:
        return True
    shared = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        shared += 1
    return shared >= 6 and shared >= min(len(a), len(b)) - 1


def _sense_agrees(sense: str, words: tuple[str, ...]) -> bool:
    """A sense is the words (in any order), or the words and one more after them ("western
    part" for "Western"; not "belt of orion" for "Orion")."""
    tokens = [t for t in sense.split() if t not in _FUNCTION]
    if len(tokens) == len(words):
        return all(any(words_agree(w, t) for t in tokens) for w in words)
    if len(tokens) == len(words) + 1:
        return all(words_agree(w, t) for w, t in zip(words, tokens, strict=False))
    return False


def _senses(zh: str) -> list[tuple[str, str]]:
    """The senses of a word, then of the dictionary words it shortens (制药 -> 制药业), each with
    the headword it was read from."""
    table = glosses()
    out = [(zh, s) for s in table.get(zh, ())]
    for suffix in _SUFFIXES:
        if not zh.endswith(suffix):
            out.extend((zh + suffix, s) for s in table.get(zh + suffix, ()))
    return out


@lru_cache(maxsize=1)
def _industry_starts() -> dict[str, tuple[tuple[str, str], ...]]:
    """The industry words of the vocabulary (the glossary's and CC-CEDICT's, not organisation
    words) by each of their starts of one or two characters, with their English concept and
    CC-CEDICT senses: a short name keeps the start of an industry word (白银有色 for 有色金属
    nonferrous metals; 稀镁 for 稀土 rare earth and magnesium)."""
    vocab = vocabulary()
    table = glosses()
    out: dict[str, list[tuple[str, str]]] = {}
    for compound, concept in vocab.industry_zh.items():
        if concept.startswith("org:") or len(compound) < 2:
            continue
        senses = dict.fromkeys((concept, *table.get(compound, ())))
        for size in range(1, min(2, len(compound) - 1) + 1):
            out.setdefault(compound[:size], []).extend((compound, s) for s in senses)
    return {k: tuple(v) for k, v in out.items()}


def _industry_begun(zh: str) -> tuple[tuple[str, str], ...]:
    """The industry words ``zh`` begins, each with one English sense (see _industry_starts)."""
    return _industry_starts().get(zh, ())


def _industry_key(words: tuple[str, ...]) -> str:
    return "".join(stem(w) for w in words if w not in STOPWORDS)


def _is_industry(words: tuple[str, ...]) -> bool:
    vocab = vocabulary()
    return _industry_key(words) in vocab.industry_latin or all(
        w in GENERIC_EN or _word_stem(w) in GENERIC_EN for w in words
    )


@lru_cache(maxsize=65_536)
def _cut(chars: str, words: tuple[str, ...]) -> tuple[Segment, ...] | None:
    """The segments that read ``chars`` as ``words`` (see the module's docstring), or None."""
    vocab = vocabulary()
    places_latin = vocab.places_latin
    n, m = len(chars), len(words)
    memo: dict[tuple[int, int, bool], tuple[Segment, ...] | None] = {}

    def spelled(i: int, word: str) -> list[int]:
        """Ends e such that chars[i:e] read as pinyin spell ``word`` exactly."""
        ends: list[int] = []
        stack = [(i, 0)]
        while stack:
            at, pos = stack.pop()
            if pos == len(word):
                ends.append(at)
                continue
            if at >= n:
                continue
            for syl in _syllables_of(chars[at]):
                if syl and word.startswith(syl, pos):
                    stack.append((at + 1, pos + len(syl)))
        return sorted(set(ends), reverse=True)

    def moves(i: int, j: int, started: bool) -> list[tuple[int, int, Segment]]:
        out: list[tuple[int, int, Segment]] = []
        # A place, with its type word on either side.
        for size in range(min(vocab.max_place_zh, n - i), 1, -1):
            place = vocab.places_zh.get(chars[i : i + size])
            if place is None:
                continue
            end = i + size
            if end < n and chars[end] in _PLACE_TYPE_ZH:
                end += 1
            for k in range(1, min(3, m - j) + 1):
                key = "".join(words[j : j + k])
                found = places_latin.get(key)
                if found is not None and found.code == place.code:
                    stop = j + k
                    while stop < m and words[stop] in PLACE_TYPES:
                        stop += 1
                    out.append((end, stop, Segment(chars[i:end], words[j:stop], "place",
                                                   place.code)))  # fmt: skip
            if not started:  # a place on the Chinese side only, before the name (not a unit after it)
                out.append((end, j, Segment(chars[i:end], (), "skip", place.code)))
            break
        if j < m:
            for end in spelled(i, words[j]):
                out.append((end, j + 1, Segment(chars[i:end], (words[j],), "pinyin")))
        for size in range(min(vocab.max_industry_zh, n - i), 0, -1):
            zh = chars[i : i + size]
            concept = vocab.industry_zh.get(zh)
            if concept and not concept.startswith("org:"):
                for k in range(1, min(3, m - j) + 1):
                    if vocab.industry_latin.get(_industry_key(words[j : j + k])) == concept:
                        out.append((i + size, j + k, Segment(zh, words[j : j + k], "glossary")))
            if size <= 3:
                senses = _senses(zh)
                for k in range(1, min(3, m - j) + 1):
                    for head, sense in senses:
                        if _sense_agrees(sense, words[j : j + k]):
                            out.append((i + size, j + k,
                                        Segment(zh, words[j : j + k], "gloss", f"{head} {sense}")))
                            break  # fmt: skip
            if concept and concept.startswith("org:"):
                out.append((i + size, j, Segment(zh, (), "skip")))
            # (Longest first: "rare" is a sense's start too, but 稀 stands for "rare earth".)
            for compound, sense in _industry_begun(zh) if size <= 2 else ():
                for k in range(min(3, m - j), 0, -1):
                    if _sense_agrees(sense, words[j : j + k]):
                        out.append((i + size, j + k,
                                    Segment(zh, words[j : j + k], "short", f"{compound} {sense}")))
                        break  # fmt: skip
        if j < m and (words[j] in _LATIN_ORG or (words[j] in places_latin and not started)):
            out.append((i, j + 1, Segment("", (words[j],), "skip")))
        return out

    def solve(i: int, j: int, started: bool) -> tuple[Segment, ...] | None:
        if i == n and j == m:
            return ()
        key = (i, j, started)
        if key in memo:
            return memo[key]
        memo[key] = None  # no move stays in place, but guard against cycles anyway
        for ni, nj, seg in moves(i, j, started):
            if (ni, nj) == (i, j):
                continue
            rest = solve(ni, nj, started or seg.how in ("pinyin", "gloss", "glossary", "short"))
            if rest is not None:
                memo[key] = (seg, *rest)
                break
        return memo[key]

    return solve(0, 0, False)


_BRACKETED = re.compile(r"\(([^()]*)\)")


def reading_chars(zh: ParsedName) -> tuple[str, ...]:
    """The characters to read: the name as parsed, and with a place it writes in brackets
    (双良硅材料(包头)有限公司) put back where an English listing writes it, after the name
    ("Shuangliang Silicon Materials (Baotou)") or before it ("Baotou Shuangliang ..."). The
    parse keeps the bracket as the name's region but not in ``zh.zh``, so a Latin name that
    spells the place had one word that no character gave."""
    if "(" not in zh.raw and "\uff08" not in zh.raw:  # most names: no bracket (full-width too)
        return (zh.zh,)
    return _bracketed(zh.raw, zh.zh)


@lru_cache(maxsize=8192)
def _bracketed(raw: str, chars: str) -> tuple[str, ...]:
    """:func:`reading_chars` of a name with brackets (called per pair scored: cached)."""
    vocab = vocabulary()
    inner = [p.strip() for p in _BRACKETED.findall(fold(raw)) if p.strip() in vocab.places_zh]
    if not inner or len(chars) + len(inner[0]) > MAX_CHARS:
        return (chars,)
    return (chars, chars + inner[0], inner[0] + chars)


def read_across(zh: ParsedName, latin: ParsedName) -> Reading | None:
    """The Chinese name ``zh`` read in the words of the Latin name ``latin``, or None when it
    does not read so (see the module's docstring)."""
    if zh.script != "zh" or latin.script != "latin" or not zh.zh or len(zh.zh) > MAX_CHARS:
        return None
    words = tuple(latin.plain.split())
    if not words or not all(w.isascii() and w.isalpha() for w in words):
        return None
    segments = None
    for chars in reading_chars(zh):
        segments = _cut(chars, words)
        if segments is not None:
            break
    if segments is None:
        return None
    named = [s for s in segments if s.how in ("pinyin", "gloss", "glossary", "short")]
    if not named:
        return None
    spelled = [i for i, s in enumerate(segments) if s.how == "pinyin"]
    trade_idx: list[int] = []
    if spelled:
        trade_idx = [i for i, s in enumerate(segments[: spelled[-1] + 1])
                     if s.how in ("pinyin", "gloss", "glossary", "short")]  # fmt: skip
    else:
        for i, s in enumerate(segments):
            if s.how in ("place", "skip"):
                continue
            if _is_industry(s.words):
                break
            trade_idx.append(i)
    inner = [i for i in range(trade_idx[0], trade_idx[-1]) if segments[i].how == "place"] \
        if trade_idx else []
    if inner:
        # A group's name, a place, then the unit's own trade name (西部黄金 克拉玛依 哈图 金矿:
        # Western Gold Karamay Hatu Gold Mine): the trade name is the unit's.
        trade_idx = [i for i in trade_idx if i > inner[-1]]
    # The industry is what follows the trade name (all of it when there is none).
    after = trade_idx[-1] if trade_idx else -1
    industry_idx = [i for i, s in enumerate(segments)
                    if s.how in ("gloss", "glossary", "short") and i > after]  # fmt: skip
    industry_read = bool(industry_idx)
    placed = any(s.how == "place" for s in segments)
    uncommon = any(s.how == "pinyin" and pinyin(s.zh) != s.words[0] for s in segments)
    translated = any(segments[i].how != "pinyin" for i in trade_idx)
    if (uncommon or translated) and not (industry_read or placed):
        # A character's rarer reading (研 read xing) or a translated trade name stands only
        # with an industry or a place read too: alone, it is a homophone or a chance sense.
        return None
    trade = tuple(w for i in trade_idx for w in segments[i].words)
    industry = frozenset(
        vocabulary().industry_latin.get(_industry_key(segments[i].words),
                                        " ".join(segments[i].words))
        for i in industry_idx
    )  # fmt: skip
    return Reading(
        segments=segments,
        trade=trade,
        trade_pinyin="".join(
            segments[i].words[0] if segments[i].how == "pinyin" else pinyin(segments[i].zh)
            for i in trade_idx
        ),
        translated=translated,
        industry=industry,
        regions=frozenset(s.source for s in segments if s.how == "place"),
    )


def reread(query: ParsedName, cand: ParsedName) -> tuple[ParsedName, ParsedName, Reading] | None:
    """The pair parsed again as the reading cuts it, when one name is Chinese, the other Latin
    and the Chinese one reads in the Latin one's words: both get the reading's trade name and the
    same industry (the Latin name's and what the dictionary read), the Chinese one the places read
    inside it. None otherwise (the pair is compared as parsed)."""
    if {query.script, cand.script} != {"zh", "latin"}:
        return None
    zh, latin = (query, cand) if query.script == "zh" else (cand, query)
    reading = read_across(zh, latin)
    if reading is None:
        return None
    industry = latin.industry | reading.industry
    if reading.trade:
        new_latin = dataclasses.replace(latin, trade=reading.trade, industry=industry)
        readings = ("".join(reading.trade),) if reading.translated else zh.readings
        new_zh = dataclasses.replace(
            zh, trade=(reading.trade_pinyin,), readings=readings, industry=industry,
            regions=zh.regions | reading.regions,
        )  # fmt: skip
    else:  # places and industry words only: the trade name is the place, as the parse has it
        new_latin = dataclasses.replace(latin, industry=industry)
        new_zh = dataclasses.replace(
            zh, trade=latin.trade, region_words=latin.region_words, industry=industry,
            regions=zh.regions | reading.regions,
        )  # fmt: skip
    if query.script == "zh":
        return new_zh, new_latin, reading
    return new_latin, new_zh, reading


def latin_keys(zh: ParsedName) -> set[str]:
    """Index keys under which the Latin names a Chinese name may read as are filed: the pinyin
    of each start of its trade characters (two characters or more, every reading of each
    character: 奥都 "k:aodu"), the English words of its first word ("t:western" for 西部) or of
    the industry word it begins ("t:rare" for 稀, short for 稀土 rare earth), and the Latin forms of a leading place (the trade name of a place-only Latin name: "k:kashgar")."""
    if zh.script != "zh" or not zh.zh or len(zh.zh) > MAX_CHARS:
        return set()
    vocab = vocabulary()
    rest = zh.zh
    keys: set[str] = set()
    while rest:
        for size in range(min(vocab.max_place_zh, len(rest) - 1), 1, -1):
            place = vocab.places_zh.get(rest[:size])
            if place:
                keys.update("k:" + k for k in _latin_places().get(place.code, ()))
                rest = rest[size:].lstrip("".join(_PLACE_TYPE_ZH))
                break
        else:
            break
    for size in range(2, min(len(rest), 6) + 1):
        spellings = product(*(_syllables_of(c) or ("",) for c in rest[:size]))
        for i, spelling in enumerate(spellings):
            if i >= 8:
                break
            key = "".join(spelling)
            keys.update(("k:" + key, "t:" + key))
    # 稀 (稀土) "rare earth": the industry word the first characters begin, in its concept only,
    # and only when they are no dictionary word themselves (生产 is; its 生 begins 生物, whose
    # senses would crowd the candidates of 新疆生产建设兵团).
    begun: list[tuple[str, str]] = []
    if len(rest) >= 2 and rest[:2] not in glosses():
        industry = vocabulary().industry_zh
        begun = [(w, sense) for w, sense in (*_industry_begun(rest[:1]), *_industry_begun(rest[:2]))
                 if sense == industry[w]]  # fmt: skip
    for _, sense in [*(_senses(rest[:2]) if len(rest) >= 2 else ()), *begun]:
        tokens = [t for t in sense.split() if t not in _FUNCTION and len(t) >= 3]
        if len(tokens) <= 2:
            keys.update("t:" + t for t in tokens)
            keys.update("p:" + t[:6] for t in tokens if len(t) >= 6)
    return keys
