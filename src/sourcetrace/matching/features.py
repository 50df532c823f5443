"""Matching features: small pure functions ``(query, candidate) -> value``.

The docstring's first line of each feature is the wording users see in the ``reasons`` column.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from sourcetrace.names.lines import clean_line
from sourcetrace.names.parse import (
    ParsedName,
    plain_text,
    specific_trade,
    strip_org_types,
    translated,
)
from sourcetrace.names.reading import reread
from sourcetrace.names.symbols import english_org_words, word_symbol
from sourcetrace.names.text import (
    cross_script_trade,
    fold,
    has_cjk,
    latin_letters,
    latin_spellings,
    latin_tokens,
    syllables,
    usual_pinyin,
)
from sourcetrace.names.vocabulary import (
    STOPWORDS,
    WEAK_CONCEPTS,
    english_text_words,
    trade_words,
    vocabulary,
)

TRANSLATED = 0.92  # an English trade name that translates the Chinese one: agrees, not equal

# Words that name a country or a continent-wide area rather than a company: "China Trading Co"
# and "Sino Star" carry nothing distinctive in them. Country names come from rigour's territory
# list (OpenSanctions); the adjectives and area words below are those trade names are built from.
_AREA_WORDS = frozenset(
    ["sino", "chinese", "asia", "asian", "euro", "europe", "european", "africa", "african",
     "america", "american", "pacific", "global", "international", "world", "intl"]
)  # fmt: skip


@lru_cache(maxsize=65_536)
def ascii_form(text: str) -> str:
    """A name in Latin letters: Cyrillic, Greek, Arabic ... transliterated (anyascii), so that
    "ООО Ромашка" and "Romashka" share their letters; Chinese characters are left as they are
    (they are read through pinyin and the glossary instead)."""
    if text.isascii() or has_cjk(text):
        return text
    return latin_letters(text)


def _joined_words(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """The words one side writes apart and the other joins are each an English word: "nine
    star" against "ninestar" (often another company in English), not "xin ren" against "xinren"
    (pinyin), "a b c" against "abc" (letters), "pricewaterhouse coopers" or "van der bilt"
    (words that are no English word of their own), "good will" against "goodwill" (the joined
    word is English itself: one word written two ways); words both sides share aside."""
    shared = set(a) & set(b)
    rest_a = [w for w in a if w not in shared]
    rest_b = [w for w in b if w not in shared]
    if len(rest_a) == len(rest_b):
        return False
    apart, joined = (rest_a, rest_b) if len(rest_a) > len(rest_b) else (rest_b, rest_a)
    if all(syllables(w) for w in apart):
        return False
    if joined and all(w in english_words() for w in joined):
        return False  # an English word written in two ("good will", "goodwill"): one word
    return all(len(w) > 1 and w in english_words() for w in apart)


# The table as read with the index cache (matcher.Matcher.cached): building it imports wordfreq
# and reads its list, about 0.6 s that every bulk worker paid on its first name.
_ENGLISH_READ: frozenset[str] | None = None


def use_english_words(words: frozenset[str]) -> None:
    """Make :func:`english_words` return ``words`` (the table as an earlier build of it wrote
    it), unless it was already built in this process."""
    global _ENGLISH_READ
    _ENGLISH_READ = words


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """English words: the readings CC-CEDICT gives Chinese words (vocabulary.trade_words), and
    the words of everyday English text (wordfreq). Common words ("Golden", "Star", "Oriental")
    tell companies apart less than coined ones ("Hoshine")."""
    if _ENGLISH_READ is not None:
        return _ENGLISH_READ
    # CC-CEDICT writes small numbers as digits ("九 9"): their words are added.
    cedict = frozenset(w for words in trade_words().values() for w in words)
    return cedict | _NUMBER_WORDS | _frequent_english()


def _frequent_english() -> frozenset[str]:
    """Words of English text at or above :data:`ENGLISH_ZIPF`, in Latin letters, of three
    letters or more ("ho" of "Ho Shine" is slang, no word of a name), that are not
    pinyin (wordfreq's "small" English list; its data ships inside the package: nothing is
    downloaded). Pinyin words are left out: "ming" or "tai" are frequent in English text as
    Chinese names, and a pinyin trade name is no common English word."""
    return frozenset(
        w for w in english_text_words(ENGLISH_ZIPF)
        if w.isalpha() and len(w) > 2 and not syllables(w)
    )  # fmt: skip


# Zipf 3.5 is a word seen about three times per million words: "oriental" (3.7), "titan" (3.7)
# are in; coined trade names ("hoshine" 0, "lenovo" 3.3, "cosco" 2.1) are out. Brand names
# frequent in English text ("google", "toyota") are in too: they are common words here.
ENGLISH_ZIPF = 3.5


_NUMBER_WORDS = frozenset(
    ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
     "twelve", "hundred", "thousand", "first", "second", "third"]
)  # fmt: skip


def _syllable_clash(a: str, b: str) -> float | None:
    """The share of syllables two pinyin trade keys of as many syllables have in common, when
    they differ in one at least ("rongsheng" / "longsheng": 0.5); None otherwise."""
    sa, sb = syllables(a), syllables(b)
    if not (sa and sb and usual_pinyin(a) and usual_pinyin(b)):
        # A side that only reads as pinyin through a syllable no name is written in ("teida":
        # tei-da) is no other syllable, it is a slip of letters (compared as letters).
        return None
    if len(sa) == len(sb) >= 2 and sorted(sa) != sorted(sb):
        same = sum(x == y for x, y in zip(sa, sb, strict=True))
        if same < len(sa):
            return same / len(sa)
    return None


def syllables_differ(query: ParsedName, cand: ParsedName) -> bool:
    """The trade names are pinyin close by letter but another syllable, so another character
    (rongsheng is not longsheng): the rest of the names, however alike, cannot make them one."""
    a, b = query.trade_key, cand.trade_key
    if not a or not b or a == b or not (a.isascii() and b.isascii()):
        return False
    clash = _clash(query, cand)
    if clash is None:
        return False
    if OSA.normalized_similarity(a, b) >= 0.75:
        return True  # one letter, another syllable
    # Further apart by letter, a syllable in common where it stands and another beside it
    # (yin-he / yin-hua, bai-xin / biao-xin): two names, not two slips; but only for names of
    # Chinese companies (a place in China on both sides) in words that are no English words
    # ("defence" / "defense" read as pinyin too).
    return clash > 0 and _chinese_companies(query, cand)


def _clash(query: ParsedName, cand: ParsedName) -> float | None:
    """:func:`_syllable_clash` of the trade keys, else of the words that tell the trade names
    apart when they share a word (:func:`own_words`: "guanghua ingredients" / "guanghui
    ingredients" are guang-hua and guang-hui, another character)."""
    clash = _syllable_clash(query.trade_key, cand.trade_key)
    if clash is None and _chinese_companies(query, cand):
        own = own_words(query.trade, cand.trade)
        clash = _syllable_clash(*own) if own is not None else None
    return clash


def _chinese_companies(query: ParsedName, cand: ParsedName) -> bool:
    """Both names carry a place in China, and the trade words one has and the other lacks are
    no English words: pinyin read as syllables, not "Defence" / "Defense" (de-fen-ce), which
    read as pinyin too."""
    return bool(query.regions and cand.regions) and not any(
        w in english_words() for w in set(query.trade) ^ set(cand.trade)
    )


def own_words(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[str, str] | None:
    """The words that tell two trade names in Latin letters apart, each side's joined, when the
    two share a word and each has a word of its own ("guanghua ingredients" / "guanghui
    ingredients": "guanghua", "guanghui"); None otherwise. A word both write says nothing of
    whether the others are one name."""
    if len(a) < 2 and len(b) < 2:
        return None
    shared = set(a) & set(b)
    if not shared:
        return None
    rest_a = "".join(w for w in a if w not in shared)
    rest_b = "".join(w for w in b if w not in shared)
    if not rest_a or not rest_b or not (rest_a.isascii() and rest_b.isascii()):
        return None
    return rest_a, rest_b


def trade_name(query: ParsedName, cand: ParsedName) -> float:
    """Similarity of the distinctive trade names (字号), in pinyin, word order and spacing aside.

    Two pinyin names of as many syllables are compared syllable by syllable; other names by
    letter (one typo stays near agreement), through their Latin transliteration when one is in
    another script. Words that are not pinyin and are written apart on one side only ("Nine
    Star" against "Ninestar") only partly agree: in English those are often another company."""
    if crosses_script(query, cand):
        # A Chinese name that reads in the Latin name's words is compared as the reading cuts
        # it (科伦制药 against "Kelun Pharmaceutical": the trade name is 科伦).
        pair = reread(query, cand)
        if pair is not None:
            query, cand = pair[0], pair[1]
    a, b = query.trade_key, cand.trade_key
    if not a or not b:
        return 0.0
    if a != b and not (a.isascii() and b.isascii()):
        a, b = _closest_spellings(a, b)
    elif a != b and _romanised_alike(query, cand):
        a = b  # two romanisations of one Cyrillic name ("sonatek" / "sonatec")
    if a == b:
        if len(query.trade) != len(cand.trade) and _joined_words(query.trade, cand.trade):
            return 0.85
        return 1.0
    if query.truncated and len(a) >= 4 and b.startswith(a):
        return 0.97
    if crosses_script(query, cand):  # characters read as pinyin by whole syllables, or translated
        agree = cross_script_trade(specific_trade(query), specific_trade(cand))
        zh, latin = (query, cand) if query.script == "zh" else (cand, query)
        return max(agree, TRANSLATED) if translated(zh, latin) else agree
    best = OSA.normalized_similarity(a, b)
    if len(query.trade) > 1 or len(cand.trade) > 1:
        best = max(best, OSA.normalized_similarity(_sorted_key(query), _sorted_key(cand)))
    if best >= 0.75:
        # Pinyin is compared by syllable: one letter more or less is another syllable, so
        # another character and another company (rongsheng is not longsheng). Only names close
        # by letter can be told apart this way, so only they are cut into syllables.
        clash = _clash(query, cand)
        if clash is not None:
            return 0.85 * clash
    # Scale so that one edit in a long name stays near agreement and unrelated names fall low.
    length = max(len(a), len(b))
    if length <= 3:
        return 0.0 if best < 1.0 else 1.0
    return max(0.0, 1.0 - (1.0 - best) * 0.5) if best >= 0.75 else best * 0.8


# Letters that transliterations of Cyrillic write in several ways (Ц ts/tz/c, Х kh/h/x, К k/c,
# Й/Ы/И y/i/j, Ю yu/iu/ju, Я ya/ia/ja), folded to one, longest spellings first.
_TRANSLIT = (("shch", "sh"), ("kh", "h"), ("ts", "c"), ("tz", "c"), ("ck", "k"), ("ks", "x"),
             ("yu", "u"), ("iu", "u"), ("ju", "u"), ("ya", "a"), ("ia", "a"), ("ja", "a"),
             ("ye", "e"), ("ph", "f"), ("c", "k"), ("y", "i"), ("j", "i"), ("w", "v"))  # fmt: skip


@lru_cache(maxsize=65_536)
def transliterated(word: str) -> str:
    """A Latin spelling with the letters transliterations write apart folded to one, and double
    letters single: "Aeroskan" (anyascii of Аэроскан) and "Aeroscan" (the list's) are one name.
    Used only when one of the two names is written in another script."""
    for a, b in _TRANSLIT:
        word = word.replace(a, b)
    return re.sub(r"(.)\1+", r"\1", word)


# Ш, Щ and Ч as the Polish spelling writes them (sz, szcz, cz): the EU's lists give a Russian
# company in Polish too ("Koncern „Kałasznikow”" beside "Kontsern Kalashnikov"; Polish w for В
# is folded by _TRANSLIT). Read so only against a name in Cyrillic: between two Latin names
# "sz" is as often the Hungarian s ("Szabo").
_POLISH = (("szcz", "shch"), ("sz", "sh"), ("cz", "ch"))


def polish_read(word: str) -> str:
    """A Latin spelling with the Polish letters for Ш, Щ and Ч written as the English
    transliteration writes them ("kalasznikow" -> "kalashnikow")."""
    if "z" not in word:
        return word
    for a, b in _POLISH:
        word = word.replace(a, b)
    return word


def _closest_spellings(a: str, b: str) -> tuple[str, str]:
    """Two trade keys, one at least in another script than Latin or Chinese, in the Latin
    spellings that agree best: equal when one is a transliteration of the other however its
    system wrote the letters (:func:`_same_transliteration`: "aeroskan" / "aeroscan"), else the
    pair closest by letter (anyascii's or rigour's spelling: :func:`latin_spellings`)."""
    greek = _GREEK.search(a + b) is not None
    cyrillic = _CYRILLIC.search(a + b) is not None
    best: tuple[float, str, str] | None = None
    for x in _spellings(a):
        for y in _spellings(b):
            if x == y or _same_transliteration(x, y, greek, cyrillic):
                return y, y  # one name transliterated, the other spelled by the list
            sim = OSA.normalized_similarity(x, y)
            if best is None or sim > best[0]:
                best = (sim, x, y)
    assert best is not None
    return best[1], best[2]


def _spellings(key: str) -> tuple[str, ...]:
    if key.isascii() or has_cjk(key):
        return (key,)
    return latin_spellings(key)


def _same_transliteration(a: str, b: str, greek: bool = False, cyrillic: bool = False) -> bool:
    """Two Latin spellings of one name in another script: five letters or more, neither pinyin
    ("bai" of ООО "БАЙ" is no spelling of the pinyin "bayi"), equal once folded; a Greek name
    also with its vowels folded as they sound (:func:`greek_sounds`), a Cyrillic one also with
    the Polish letters for Ш, Щ, Ч read (:func:`polish_read`)."""
    if min(len(a), len(b)) < 5 or has_cjk(a + b):
        return False
    if syllables(a) is not None or syllables(b) is not None:
        return False
    ta, tb = transliterated(a), transliterated(b)
    if ta == tb or (greek and greek_sounds(ta) == greek_sounds(tb)):
        return True
    return cyrillic and transliterated(polish_read(a)) == transliterated(polish_read(b))


_GREEK = re.compile(r"[\u0370-\u03ff]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
# Modern Greek says αι as e, ει, οι and υι as i, ου as u. ELOT 743 and ISO 843 (anyascii's
# spelling) write the letters ("Mytilinaios", "Peiraios"), the spellings companies and lists
# use often the sound ("Mytilineos", "Pireos"), or the classical Latin form of αι ("Piraeus").
_GREEK_SOUNDS = (("ai", "e"), ("ae", "e"), ("ei", "i"), ("oi", "i"), ("ou", "u"))


def greek_sounds(word: str) -> str:
    """A Latin spelling of a Greek word (folded by :func:`transliterated`) with its two-letter
    vowels as they sound ("mitilinaios" and "mitilineos" -> "mitilineos")."""
    for a, b in _GREEK_SOUNDS:
        word = word.replace(a, b)
    return re.sub(r"(.)\1+", r"\1", word)


# The letters romanisations of Cyrillic write apart as in _TRANSLIT, less the rules that drop a
# letter (ya -> a, iu -> u): between two Latin names those join other names ("Slaviya" is
# "slavia", not the bank "Slava"); "ya" and "ia" still meet through y -> i. Besides, the
# letters other romanisation systems write for one sound: Х as German "ch" ("Techrim" /
# "Tekhrim"), the voiced З as "s" in an English spelling ("Gasprom" / "Gazprom", Ж "zh" kept
# apart from Ш "sh"), Persian and Arabic ق/غ as "q" or "gh" ("Qavamin" / "Ghavamin"). And the
# vowels and soft "c" that English and French spellings write otherwise: "ou" for У
# ("Khouzestan" / "Khuzestan", "Mahrous" / "Mahrus"), "ee" for И ("Mujahideen" / "Mujahidin"),
# "tch" for Ч, and an English word's final "-ce" for С ("Transservice" / "Transservis"; only at
# the end of a word: a "c" inside one is Ц in Slavic spellings, "Vucic").
_ROMANISED = (("tch", "ch"), ("ou", "u"), ("ee", "i"), ("shch", "sh"), ("kh", "h"), ("zh", "Z"), ("ch", "h"), ("gh", "q"),
              ("ts", "c"), ("tz", "c"), ("ck", "k"), ("ks", "x"), ("ye", "e"), ("ph", "f"),
              ("c", "k"), ("y", "i"), ("j", "i"), ("w", "v"), ("z", "s"))  # fmt: skip
# A "cs" inside a word is "ks" once c is k, folded as x too ("Enics" / "Eniks", "Comechanics" /
# "Komekhaniks"); not at the start of a joined key, where it is a one-letter word and another
# ("K Soft" is not "CSoft").
_INNER_KS = re.compile(r"(?<=.)ks")


@lru_cache(maxsize=65_536)
def _romanised(word: str) -> str:
    """A Latin spelling folded as :func:`transliterated` does, no letter of a vowel dropped but
    a silent final "e" after a consonant (romanisations of English loanwords drop it:
    "Fibersens", "Impuls", "Biograd")."""
    if word.endswith("ce"):
        word = word[:-2] + "s"
    for a, b in _ROMANISED:
        word = word.replace(a, b)
    word = re.sub(r"(.)\1+", r"\1", _INNER_KS.sub("x", word))
    return word[:-1] if len(word) >= 5 and word[-1] == "e" and word[-2] not in "aeiou" else word


def _romanised_key(parsed: ParsedName) -> str:
    """The trade key with each trade word folded by :func:`_romanised`."""
    return "".join(_romanised(w) for w in parsed.trade)


def romanised_words(text: str) -> str:
    """Each word of a Latin name folded as :func:`_romanised` folds a trade name."""
    return " ".join(_romanised(w) for w in text.split())


# A Russian adjective of a place as romanisations write it (Izhevsky, Kirovskiy, Bryanski,
# Kazanskoe, Uralskogo: -sk- and the ending of its gender and case), or a place named with
# "-sk" (Izhevsk, Khabarovsk). The stem is four letters or more: "Omsk", "Minsk" and English
# words ("desk", "kiosk") stay as written.
_PLACE_ADJECTIVE = re.compile(r"([a-z]{4,}?)sk(?:iy|ii|ij|yi|y|i|aya|aia|ya|oye|oe|oi|ogo|ovo)?")


@lru_cache(maxsize=65_536)
def place_stem(word: str) -> str:
    """The place a romanised Russian place adjective or "-sk" place name is of ("izhevsky" and
    "izhevsk" -> "izhev", "kirovskiy" -> "kirov"), the word itself otherwise. The lists write
    one plant "Khabarovsky Shipbuilding Plant" and "Khabarovsk Shipbuilding Yard", "Kirovski
    Zavod Mayak" and "Kirov Plant Mayak": the Russian name says the place as an adjective, its
    English listing as the place."""
    m = _PLACE_ADJECTIVE.fullmatch(word)
    return m.group(1) if m else word


def _romanised_alike(query: ParsedName, cand: ParsedName) -> bool:
    """Two Latin trade names that are two romanisations of one name in another script: the
    lists write one Russian company "Sonatek" and "Sonatec", "Kremni" and "Kremny", "Ramek VS"
    and "Ramec VS" (the OpenSanctions pairs' Cyrillic kind, where logic-v2 led). Equal once the
    letters romanisations write apart are folded (:func:`_romanised`), five letters or more,
    no pinyin, the words that differ four letters or more on each side, and not when they are
    English words on both sides ("Super" / "Supper" are two words, not two spellings) or on one
    side with no other word of the name's own in common ("Capital" / "Kapital")."""
    a, b = query.trade_key, cand.trade_key
    if min(len(a), len(b)) < 5 or syllables(a) is not None or syllables(b) is not None:
        return False
    if (
        _romanised(a) != _romanised(b)
        # (word by word only between as many words: "K Soft" is not "CSoft")
        and (len(query.trade) != len(cand.trade) or _romanised_key(query) != _romanised_key(cand))
        and _romanised(_place_key(query)) != _romanised(_place_key(cand))
    ):  # fmt: skip
        return False
    own_a = set(query.trade) - set(cand.trade)
    own_b = set(cand.trade) - set(query.trade)
    if min(len("".join(own_a)), len("".join(own_b))) < 4:
        return False  # "V Shipping" / "WS Shipping": too few letters to call a spelling
    english = english_words()
    if own_a <= english or own_b <= english:
        # An English word against its foreign spelling ("Capital" / "Kapital"): a common word
        # names many companies, so only beside a word of the name's own that both write
        # ("VTB Factoring" / "VTB Faktoring").
        shared = set(query.trade) & set(cand.trade)
        return bool(shared - english) and not (own_a <= english and own_b <= english)
    return True


def _place_key(parsed: ParsedName) -> str:
    """The trade key with each word a place adjective or "-sk" place read as its place
    (:func:`place_stem`)."""
    return "".join(place_stem(w) for w in parsed.trade)


def _sorted_key(parsed: ParsedName) -> str:
    """The trade words in alphabetical order, in Latin letters: "Концерн Калашников" and
    "Kalashnikov Concern" hold the same words in another order and another script."""
    key = parsed.trade_sorted
    if key.isascii() or has_cjk(key):
        return key
    return "".join(sorted(ascii_form(w) for w in parsed.trade))


def crosses_script(query: ParsedName, cand: ParsedName) -> bool:
    """One name in Chinese characters only, the other in Latin letters only."""
    # (Asked of every pair, twice by trade_name: two comparisons, not two sets built a pair.)
    a, b = query.script, cand.script
    return (a == "zh" and b == "latin") or (a == "latin" and b == "zh")


def industry(query: ParsedName, cand: ParsedName) -> float | None:
    """Agreement of the industry words (化学 chemical, 纺织 textile ...); None when unknown."""
    a = query.industry - WEAK_CONCEPTS
    b = cand.industry - WEAK_CONCEPTS
    if not a or not b:
        return None
    if a != b:
        a = frozenset(industry_concept(c) for c in a) - WEAK_CONCEPTS
        b = frozenset(industry_concept(c) for c in b) - WEAK_CONCEPTS
        if not a or not b:
            return None
    return len(a & b) / len(a | b)


@lru_cache(maxsize=4096)
def industry_concept(concept: str) -> str:
    """An industry concept as two names are compared by it: a plural that the parser's stem
    left in "-ie" read as its "-y" word ("technologie" of Technologies is "science technology",
    as Technology is), and a one-word concept as its rigour symbol, the table logic-v2 reads
    ("plant" and "factory" are both FACTORY: "Zavod Elecon" is "Elecon Plant")."""
    if " " in concept:
        return concept
    if concept.endswith("ie") and concept[:-2] + "y" in vocabulary().industry_latin:
        return vocabulary().industry_latin[concept[:-2] + "y"]
    symbol = word_symbol(concept) if concept.isalpha() else None
    return f"symbol:{symbol}" if symbol else concept


def region(query: ParsedName, cand: ParsedName) -> bool | None:
    """Whether the regions agree (a county inside its prefecture agrees); None when unknown."""
    if not query.regions or not cand.regions:
        return None
    for x in query.regions:
        px = x.rstrip("0")
        for y in cand.regions:
            py = y.rstrip("0")
            if px.startswith(py) or py.startswith(px):
                return True
    return False


def contains_name(query: ParsedName, cand: ParsedName) -> bool:
    """The record names a unit of the listed entity (its whole name appears inside the record)."""
    if cand.zh and query.zh and len(query.zh) > len(cand.zh) and cand.zh in query.zh:
        return True
    needle = cand.tokens
    hay = query.tokens
    if not needle or len(hay) <= len(needle):
        return False
    if len(needle) == 1 and len(needle[0]) < 4:
        return False
    return any(hay[i : i + len(needle)] == needle for i in range(len(hay) - len(needle) + 1))


def is_generic(parsed: ParsedName) -> bool:
    """The trade name is only a country or an area word ("China", "Sino", "Asia Pacific")."""
    return is_area_words(parsed.trade)


def is_area_words(words: tuple[str, ...] | list[str]) -> bool:
    """Words that are all country or area words ("Hong Kong", "Cyprus"), at least one."""
    return bool(words) and all(w in _area_words() for w in words)


@lru_cache(maxsize=1)
def _area_words() -> frozenset[str]:
    from rigour.territories import get_territories

    names = {fold(t.name) for t in get_territories() if t.is_country}
    return _AREA_WORDS | frozenset(n.replace(" ", "") for n in names) | frozenset(
        n for n in names if " " not in n
    )


@lru_cache(maxsize=65_536)
def initials(raw: str, plain: str) -> frozenset[str]:
    """The acronyms a name can be written as: the first letters of its words, with and without
    the legal form and the small words (of, and, the): "Semiconductor Manufacturing
    International Corporation" -> smic, smi; three letters at least. None for a name in pinyin
    throughout: Chinese companies are not known by their syllables' initials."""
    out: set[str] = set()
    plain_words = latin_tokens(ascii_form(plain))
    line = strip_org_types(clean_line(raw)[0])[0]
    if english_org_words(line) != line:
        # Initials are of the words as written: the plain name reads "Zavod" as "factory"
        # (rigour symbols), but AO KZSK is Kazanskii Zavod Sinteticheskogo Kauchuka.
        plain_words = latin_tokens(ascii_form(plain_text(fold(line))))
    bare = len(plain_words)
    if plain_words and all(
        syllables(w) and (len(w) < 4 or w not in english_words()) for w in plain_words
    ):
        # Pinyin throughout ("AI SEN ZHE"): the initials are the first letters of Chinese
        # syllables, no acronym anyone writes ("PJSC ASZ"). A pinyin word beside English ones
        # keeps them ("Xinjiang Production and Construction Corps" is XPCC), and English words
        # that happen to read as pinyin are English ("China Mobile Hong Kong").
        return frozenset()
    raw_words = latin_tokens(ascii_form(fold(raw)))
    # The raw name's words are most often the plain name's (nothing was cut): the same keys.
    for words in (raw_words, plain_words) if raw_words != plain_words else (plain_words,):
        if any(map(str.isdigit, words)):
            continue  # no small word is a number: the list without them has it too
        kept = [w for w in words if w not in STOPWORDS]
        for ws in (words, kept) if len(kept) < len(words) else (words,):
            # The legal form may be abbreviated in part: "Space Star Technology Co., Ltd" is
            # SSTC; so every cut from the bare name to the whole counts (each key a prefix of
            # the first letters: one join per word list, not one per cut).
            first = "".join([w[0] for w in ws])
            for end in range(max(3, min(bare, len(ws))), len(ws) + 1):
                out.add(first[:end])
    return frozenset(out)


def acronym_keys(parsed: ParsedName) -> frozenset[str]:
    """The name itself when it may be an acronym: one word of three to eight letters once the
    legal form is off ("JSC NEC" -> nec, "SMIC"), or letters written apart ("S.M.I.C.").
    A word beside other words ("GAS MARYAM") is not taken for one: three letters are the
    initials of too many names."""
    words = latin_tokens(ascii_form(parsed.plain))
    joined = "".join(words)
    if not words or not joined.isalpha() or not 3 <= len(joined) <= 8:
        return frozenset()
    if len(words) == 1 or all(len(w) == 1 for w in words):
        return frozenset([joined])
    return frozenset()


def acronym(query: ParsedName, cand: ParsedName) -> bool:
    """One name is the initials of the other's words ("SMIC" and "Semiconductor Manufacturing
    International Corporation")."""
    qa, ca = acronym_keys(query), acronym_keys(cand)
    return bool(
        (qa and qa & initials(cand.raw, cand.plain))
        or (ca and ca & initials(query.raw, query.plain))
    )


# Edits (OSA) at and above which an English trade word is another word, not a typing slip of
# the listed one (english_apart): one edit may be a slip ("Sunrize").
ENGLISH_APART_EDITS = 2
# First letters two English words of one stem share ("benevolent" / "benevolence").
ENGLISH_STEM = 4
REGISTERED_SYLLABLES = 4  # a pinyin trade name this long is rarely another firm's by sound
_DIGITS = re.compile(r"\d+")


def english_apart(query: ParsedName, cand: ParsedName) -> tuple[str, str] | None:
    """The two first trade words when they are told apart by an everyday English word that
    only looks like the listed one letter by letter ("ZHUHAI ALPHA MICROELECTRONICS" against
    Zhuhai *Apex* Microelectronics); None otherwise (issue 15, version 7; the condition of
    ``score.english_words_apart``, kept here so that a model may take it as an input).

    Latin letters on both sides; the listed name names a place in China and the query's region,
    if it names one, does not differ; one word apart on each side, the first of both trade
    names; the query's word an English word (:func:`english_words`), two edits or more (OSA)
    from the listed one, not of one stem with it (four first letters in common), neither the
    beginning of the other. (``score.english_words_apart`` leaves out abbreviations too, which
    :mod:`sourcetrace.matching.abbreviation` reads; that module imports this one.)"""
    if not (query.script == cand.script == "latin") or not query.trade or not cand.trade:
        return None
    if not cand.regions or region(query, cand) is False:
        return None
    shared = set(query.trade) & set(cand.trade)
    own_q = [w for w in query.trade if w not in shared]
    own_c = [w for w in cand.trade if w not in shared]
    if len(own_q) != 1 or len(own_c) != 1 or own_q[0] != query.trade[0]:
        return None
    a, b = own_q[0], own_c[0]
    if b != cand.trade[0] or a not in english_words():
        return None
    if a[:ENGLISH_STEM] == b[:ENGLISH_STEM] or OSA.distance(a, b) < ENGLISH_APART_EDITS:
        return None  # (one stem, or one slip: "Sunrise" / "Sunrize")
    if a.startswith(b) or b.startswith(a):
        return None  # (a cut)
    return a, b


def numbers(text: str) -> frozenset[str]:
    """The numbers written in digits in a name, without leading zeros ("No. 07" is 7)."""
    return frozenset(n.lstrip("0") or "0" for n in _DIGITS.findall(text))


def numbered_apart(
    query: ParsedName, cand: ParsedName
) -> tuple[frozenset[str], frozenset[str]] | None:
    """The numbers of both names when both carry numbers and share none ("... 772 Research
    Institute" / "... 702 Research Institute": units of one organisation told apart by their
    numbers); None otherwise. Read in the plain names (an address after a name is cut off)."""
    ours = numbers(query.plain)
    if not ours:
        return None
    theirs = numbers(cand.plain)
    if not theirs or ours & theirs:
        return None
    return ours, theirs


def registered_without_region(query: ParsedName, cand: ParsedName) -> bool:
    """Whether a full registered Chinese name (legal form written, no branch) and a Latin name
    both name no region and no industry beyond organisation words (集团 Group, 控股 Holdings),
    and the trade name is translated (骆驼 Camel) or spelled in four syllables or more (长虹美菱
    Changhong Meiling): the two names then agree part for part. Art. 6 of the name rules
    (domain-facts §6) lets a firm working across provinces omit the region and one working
    across industries omit the industry, so such a name is no short form that dropped them,
    and nothing in either name is left to tell another company apart. Short names (骆驼股份,
    no legal form) and two-syllable pinyin (艾华: 爱华 sounds alike) are no such name."""
    if not crosses_script(query, cand):
        return False
    zh, latin = (query, cand) if query.script == "zh" else (cand, query)
    if not zh.legal or zh.branch or zh.regions or latin.regions or not zh.trade:
        return False
    if (zh.industry | latin.industry) - WEAK_CONCEPTS:
        return False
    if translated(zh, latin):
        return True
    cut = syllables(zh.trade_key)
    return cut is not None and len(cut) >= REGISTERED_SYLLABLES


def pinyin_letters_only(query: ParsedName, cand: ParsedName) -> bool:
    """A query trade name written as pinyin a syllable a word ("GU GE", "DI DI") against a
    listed trade name in Latin letters that reads as no pinyin at all ("GUGI", "IDI"): letters
    in common are then no agreement (a syllable is a character). Latin letters on both sides;
    trade names that differ in more than spacing."""
    if not (query.script == cand.script == "latin") or query.trade_key == cand.trade_key:
        return False
    if len(query.trade) < 2 or not all(_one_syllable(w) for w in query.trade):
        return False
    return not any(syllables(w) for w in cand.trade)


def _one_syllable(word: str) -> bool:
    cut = syllables(word)
    return cut is not None and len(cut) == 1


# The model's inputs, in order (src/sourcetrace/data/match_model.json names them too); the
# hand-set parts score stays last (score.py reads it to order ties).
FEATURE_NAMES = (
    "trade",  # trade_name: by syllable for pinyin, by letter otherwise
    "trade_exact",  # the trade keys are equal
    "whole_tokens",  # token-set similarity of the whole plain names (transliterated)
    "whole_letters",  # letter similarity of the whole plain names, spaces aside
    "industry_agrees",
    "industry_differs",
    "industry_one_sided",  # a distinctive industry word on one side only
    "region_agrees",
    "region_differs",
    "region_one_sided",  # a region on one side only
    "cross_script",  # trade similarity when Chinese meets Latin (through pinyin, the glossary)
    "trade_common",  # how many listed names share the trade name (log), 0 when it is unique
    "trade_short",  # a trade name of four letters or fewer
    "place_only",  # the only trade name is a place name on either side
    "trade_generic",  # the only trade name is a country or area word on either side (China)
    "trade_rare",  # trade similarity weighed by how rare the trade name is in the lists
    "acronym",  # one name is the initials of the other's words
    "parts",  # the hand-set parts score of sourcetrace-names-v3 (trade x industry x region)
)


def vector(query: ParsedName, cand: ParsedName, trade_count: int, trade: float | None = None
           ) -> list[float]:  # fmt: skip
    """The model's inputs for one pair (see :data:`FEATURE_NAMES`); ``trade_count`` is the number
    of listed names whose trade key is the candidate's."""
    if trade is None:
        trade = trade_name(query, cand)
    ind = industry(query, cand)
    reg = region(query, cand)
    cross = query.script != cand.script and "latin" in (query.script, cand.script)
    exact = bool(query.trade_key) and query.trade_key == cand.trade_key
    if cross:  # Chinese characters and pinyin share no letters: the parts carry the pair
        tokens = letters = trade
    else:
        a, b = ascii_form(query.plain), ascii_form(cand.plain)
        if trade == 1.0 and not exact and _romanised_alike(query, cand):
            # Two romanisations of one name ("Reynolds" / "Reinolds", "Veber Komekhaniks" /
            # "Weber Comechanics") are one spelling: the whole names are compared so folded too.
            a, b = romanised_words(a), romanised_words(b)
            exact = True
        tokens = fuzz.token_set_ratio(a, b) / 100.0 if a and b else 0.0
        letters = fuzz.ratio(a.replace(" ", ""), b.replace(" ", "")) / 100.0 if a and b else 0.0
    qi, ci = query.industry - WEAK_CONCEPTS, cand.industry - WEAK_CONCEPTS
    return [
        trade,
        float(exact),
        tokens,
        letters,
        float(ind is not None and ind > 0.5),
        float(ind == 0.0),
        float(bool(qi) != bool(ci)),
        float(reg is True),
        float(reg is False),
        float(bool(query.regions) != bool(cand.regions)),
        trade if cross else 0.0,
        min(4.0, math.log1p(max(0, trade_count - 1))),
        float(0 < len(cand.trade_key) <= 4),
        float(query.trade_from_region or cand.trade_from_region),
        float(is_generic(query) or is_generic(cand)),
        trade / (1.0 + math.log1p(max(0, trade_count - 1))),
        float(acronym(query, cand)),
        parts_score(query, cand, trade, ind, reg),
    ]


def parts_score(
    query: ParsedName, cand: ParsedName, trade: float, ind: float | None, reg: bool | None
) -> float:
    """The hand-set score of sourcetrace-names-v3, one input of the model: trade x (0.82 + 0.18
    x industry) x (0.85 when the regions differ); industry 1 agree, 0 differ, 0.6 when one side
    has none, 0.8 when neither has any; when both trade names are only place names, trade x
    (0.5 + 0.5 x industry), so that the industry has to carry the pair."""
    if ind is None:
        if query.industry == cand.industry:
            ind_value = 1.0
        elif not (query.industry - WEAK_CONCEPTS) and not (cand.industry - WEAK_CONCEPTS):
            ind_value = 0.8
        else:
            ind_value = 0.6
    else:
        ind_value = ind
    if query.trade_from_region and cand.trade_from_region:
        score = trade * (0.5 + 0.5 * ind_value)
    else:
        score = trade * (0.82 + 0.18 * ind_value)
    return score * (0.85 if reg is False else 1.0)
