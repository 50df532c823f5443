"""Text folding shared by every name stage: Unicode, case, width, script variants, pinyin."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import opencc
from anyascii import anyascii
from pypinyin import Style, lazy_pinyin
from pypinyin.core import Pinyin
from rigour.text.translit import maybe_ascii

# Taiwan/Hong Kong forms to mainland simplified forms, with Taiwan phrases (矽 -> 硅, 化學 -> 化学).
_T2S = opencc.OpenCC("tw2sp")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_TOKEN = re.compile(r"[^\W_]+")  # letters and digits of any script
# In ASCII text _TOKEN's letters and digits are [A-Za-z0-9]: everything else separates tokens
# (a byte table: bytes.translate is several times quicker than str.translate with a dict).
_ASCII_SEPARATORS = bytes(c if c < 128 and chr(c).isalnum() else 32 for c in range(256))
# Brackets and separators Chinese text uses, folded to ASCII by NFKC or here.
_PUNCT = str.maketrans({"【": "(", "】": ")", "〔": "(", "〕": ")", "、": ",", "。": ".", "·": " "})


def has_cjk(text: str) -> bool:
    """True when the text holds at least one Chinese character."""
    return not text.isascii() and _CJK.search(text) is not None


def fold(text: str) -> str:
    """NFKC, full-width to ASCII, case folding, accents off Latin letters, Chinese to simplified."""
    if text.isascii():  # NFKC, the bracket table and accents leave ASCII as it is
        return text.casefold().replace("'", "")
    text = unicodedata.normalize("NFKC", text).translate(_PUNCT).casefold()
    if has_cjk(text):
        text = _T2S.convert(text)
    if not text.isascii():
        text = "".join(
            c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
        )
        text = unicodedata.normalize("NFC", text)
    return text.replace("'", "").replace("’", "")


# The soft and hard signs (ь, ъ) carry no sound of their own: the systems write them as an
# apostrophe or a quote (GOST 7.79 B, anyascii: "Ul'yanovsk", "Ob\"ekt"), as ʹ and ʺ (BGN/PCGN),
# as "ie" (ICAO Doc 9303, for ъ) or not at all (ICAO for ь, and most lists: "Ulyanovsk", "Obekt").
# Left out before transliterating, a name meets the lists' spelling however its sign was written.
_SIGNS = str.maketrans("", "", "ьъЬЪ")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")


@lru_cache(maxsize=65_536)
def latin_letters(text: str) -> str:
    """Text of another script (Cyrillic, Greek, Arabic ...) in lower-case Latin letters
    (anyascii), the soft and hard signs of Cyrillic left out ("Ульяновскнефть" ->
    "ulyanovskneft", as the lists write it, not "ul'yanovskneft'")."""
    return anyascii(text.translate(_SIGNS)).lower()


@lru_cache(maxsize=65_536)
def latin_spellings(text: str) -> tuple[str, ...]:
    """The Latin spellings of text in another script the lists may write: :func:`latin_letters`
    (anyascii, one letter for one letter), and for Cyrillic rigour's where it differs (``maybe_ascii``, which
    reads a Ukrainian word as Ukrainian: г "h", и "y", "Нафтогаз" -> "naftohaz" beside
    "naftogaz"); the soft and hard signs left out of both."""
    first = latin_letters(text)
    if _CYRILLIC.search(text) is None:
        # Only Cyrillic: rigour romanises Hangul by sound, where 김종은 and 김정은 (two names)
        # both read "kim jong eun".
        return (first,)
    second = maybe_ascii(text.translate(_SIGNS)).lower()
    if second == first or not second.isascii():
        return (first,)
    return (first, second)


def latin_tokens(text: str) -> list[str]:
    """Alphanumeric tokens (any script) of already folded text."""
    if text.isascii():  # the same tokens, several times quicker than the Unicode pattern
        return text.encode("ascii").translate(_ASCII_SEPARATORS).decode("ascii").split()
    return _TOKEN.findall(text)


# pypinyin's public converter class: its ``seg`` is the cutting ``lazy_pinyin`` does before reading
# (the default converter's), so the words are the same as lazy_pinyin's of the whole string.
_PINYIN = Pinyin()


@lru_cache(maxsize=65536)
def pinyin(chinese: str) -> str:
    """Toneless pinyin of a Chinese string, syllables joined ("中泰" -> "zhongtai").

    The same as pypinyin's ``lazy_pinyin`` of the whole string: it cuts the string into words
    (phrases of its dictionary and single characters) and reads each word on its own, so the
    reading of each word is looked up once per process (trade names are new, their words not).
    """
    return "".join([_word_pinyin(word) for word in _PINYIN.seg(chinese)])


@lru_cache(maxsize=65536)
def _word_pinyin(word: str) -> str:
    """One word of :func:`pinyin` (pypinyin cuts a word of its own cutting into that word)."""
    return "".join(lazy_pinyin(word, style=Style.NORMAL, errors="ignore")).replace("v", "u")


def pinyin_syllables(chinese: str) -> list[str]:
    """Toneless pinyin syllables of a Chinese string."""
    return [s.replace("v", "u") for s in lazy_pinyin(chinese, style=Style.NORMAL, errors="ignore")]


def cjk_runs(text: str) -> list[str]:
    return _CJK_RUN.findall(text)


@lru_cache(maxsize=1)
def pinyin_syllable_set() -> frozenset[str]:
    """Every toneless pinyin syllable pypinyin's dictionary reads a character as ("zhong")."""
    from pypinyin.pinyin_dict import pinyin_dict

    out: set[str] = set()
    for readings in pinyin_dict.values():
        for reading in readings.split(","):
            bare = _toneless(reading)
            if bare.isascii() and bare.isalpha():
                out.add(bare.lower())
    return frozenset(out)


@lru_cache(maxsize=1)
def usual_syllable_set() -> frozenset[str]:
    """The toneless syllables that are the first (usual) reading of a character of the basic
    CJK block in pypinyin's dictionary: 408 of the 423 of :func:`pinyin_syllable_set`. The 15
    left out are readings no company name is written in: colloquial or dialect readings of a
    character usually read otherwise (忒 tei, 谁 shei, 这 zhei, 得 dei), interjections (hng, ng)
    and rare characters' (biang)."""
    from pypinyin.pinyin_dict import pinyin_dict

    out: set[str] = set()
    for code, readings in pinyin_dict.items():
        if 0x4E00 <= code <= 0x9FFF:
            bare = _toneless(readings.split(",")[0])
            if bare.isascii() and bare.isalpha():
                out.add(bare.lower())
    return frozenset(out)


def _toneless(reading: str) -> str:
    return "".join(
        c for c in unicodedata.normalize("NFKD", reading) if not unicodedata.combining(c)
    )


@lru_cache(maxsize=65536)
def usual_pinyin(word: str) -> bool:
    """``word`` is a run of usual syllables (:func:`usual_syllable_set`): "taida" is, "teida"
    (tei-da) is not, so it can only be a slip of another name's letters."""
    return _fewest(word, usual_syllable_set()) is not None


@lru_cache(maxsize=65536)
def syllables(word: str) -> tuple[str, ...] | None:
    """A run of pinyin cut into the fewest syllables ("rongsheng" -> rong, sheng), or None when
    it is not pinyin throughout ("ninestar")."""
    return _fewest(word, pinyin_syllable_set())


def _fewest(word: str, valid: frozenset[str]) -> tuple[str, ...] | None:
    """``word`` cut into the fewest syllables of ``valid``, or None."""
    n = len(word)
    if not n or not word.isascii():
        return None
    best: list[tuple[str, ...] | None] = [None] * (n + 1)
    best[0] = ()
    for end in range(1, n + 1):
        for start in range(max(0, end - 6), end):  # no syllable is longer than six letters
            head = best[start]
            if head is not None and word[start:end] in valid:
                cand = (*head, word[start:end])
                current = best[end]
                if current is None or len(cand) < len(current):
                    best[end] = cand
    return best[n]


def cross_script_trade(reading: str, latin: str) -> float:
    """Agreement of a trade name read from Chinese characters (``reading``, toneless pinyin) with
    a trade name written in Latin letters (``latin``), by whole pinyin syllables.

    Characters give their syllables exactly, so a Latin name that differs by one letter spells
    other syllables, so other characters and another company ("sanlu" is not "sarlu", "guanlanhu"
    is not "guanlang"): only the same syllables agree (1.0, spacing aside). A Latin word that is
    not pinyin throughout cannot be the characters' reading (0.0). Otherwise the share of the
    syllables both hold in the same place, scaled to stay under agreement (at most 0.6)."""
    if reading == latin:
        return 1.0
    sa, sb = syllables(reading), syllables(latin)
    if not sa or not sb:
        return 0.0
    if sa == sb:
        return 1.0
    same = sum(x == y for x, y in zip(sa, sb, strict=False))
    return 0.6 * same / max(len(sa), len(sb))
