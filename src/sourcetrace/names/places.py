"""The Xinjiang gazetteer in every script, and China's other provinces and cities, for addresses.

Reads ``data/xinjiang_gazetteer.tsv`` (built by ``scripts/build_gazetteer.py``: Chinese
simplified and traditional, pinyin with and without tones, English and old postal spellings,
Uyghur Arabic script, Uyghur Latin (ULY), Uyghur and Russian Cyrillic, each form with its origin)
and, for the places outside Xinjiang that decide an address's structure, ``data/places.tsv``.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

# Arabic marks a writer may or may not put (tatweel, harakat) and joiners: not part of a name.
_ARABIC_NOISE = re.compile("[\u0640\u064b-\u0653\u0655-\u065f\u0670\u200c\u200d\u200e\u200f]")
_LETTERS = re.compile(r"[^\W_]+")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# Persian letters some keyboards type for the Uyghur ones (keheh for kaf, Farsi yeh with hamza).
_VARIANTS = str.maketrans({"\u06a9": "\u0643", "ё": "е", "’": "", "'": "", "ʻ": "", "ʼ": ""})

SCRIPT_LABELS = {
    "zh-Hans": "Chinese",
    "zh-Hant": "Chinese (traditional)",
    "pinyin": "pinyin",
    "pinyin-tones": "pinyin with tones",
    "latin": "Latin",
    "ug-Arab": "Uyghur script",
    "ug-Latn": "Uyghur Latin (ULY)",
    "ug-Cyrl": "Uyghur Cyrillic",
    "ru-Cyrl": "Russian Cyrillic",
}


def normalize(text: str) -> str:
    """Text as names are compared: NFKC, case folded, accents off Latin letters only (the dots of
    Cyrillic й and the hamza of Uyghur ئ are letters), Arabic marks and joiners off."""
    text = unicodedata.normalize("NFKC", text).casefold().translate(_VARIANTS)
    text = _ARABIC_NOISE.sub("", text)
    if text.isascii():
        return text
    out: list[str] = []
    for ch in unicodedata.normalize("NFD", text):
        if unicodedata.combining(ch) and out and out[-1] < "\u0250":
            continue  # a mark on a Latin letter: ü -> u, ā -> a
        out.append(ch)
    return unicodedata.normalize("NFC", "".join(out))


def key_of(form: str) -> str:
    """The key a written form is looked up by: its normalized letters run together."""
    return "".join(_LETTERS.findall(normalize(form)))


def is_cjk(text: str) -> bool:
    return _CJK.search(text) is not None


@dataclass(frozen=True)
class Place:
    """An administrative unit: GB/T 2260 code, Chinese name, English name, level, in Xinjiang."""

    code: str
    name_zh: str
    name_en: str
    level: str
    xinjiang: bool

    @property
    def rank(self) -> int:
        """Where the unit stands in an address: 4 province, 3 city, 2 county-level, 1 lower."""
        return _RANK.get(self.level, 1)

    @property
    def part(self) -> str:
        """The part of an address a unit of this level is written in."""
        return _PART.get(self.rank, "district part")

    @property
    def label(self) -> str:
        """English name with its level, e.g. "Kashgar prefecture", "Urumqi city"."""
        name = self.name_en
        word = _LEVEL_WORD.get(self.level, "")
        if not word or word.casefold() in name.casefold() or "XPCC" in name:
            return name
        return f"{name} {word}"


_RANK = {
    "region": 4,
    "province": 4,
    "xpcc_org": 4,
    "prefecture": 3,
    "xpcc_division": 3,
    "city": 2,
    "xpcc_city": 2,
    "county": 2,
    "district": 1,
}
_PART = {4: "province part", 3: "city part", 2: "county part", 1: "district part"}
_LEVEL_WORD = {
    "region": "",
    "prefecture": "prefecture",
    "city": "city",
    "xpcc_city": "city",
    "county": "county",
    "district": "district",
}


@dataclass(frozen=True)
class Form:
    """One written form of a place: as written, its script and where it came from."""

    form: str
    script: str
    place: Place
    origin: str
    # Also the name of a county elsewhere in China, or two Chinese characters that are a common
    # word (温泉 hot spring, 双河, 白杨): needs its suffix or another Xinjiang place beside it.
    needs_context: bool


@dataclass(frozen=True)
class Gazetteer:
    """Keys to forms: Chinese keys (matched as substrings) and word keys (matched on words)."""

    cjk: dict[str, tuple[Form, ...]]
    words: dict[str, tuple[Form, ...]]
    starts: frozenset[str]  # every word that is, or begins, a word key
    longest: int  # most words a word key was written in


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The Xinjiang gazetteer, read once."""
    cjk: dict[str, list[Form]] = {}
    words: dict[str, list[Form]] = {}
    longest = 1
    text = resources.files("sourcetrace.data").joinpath("xinjiang_gazetteer.tsv")
    with text.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            place = Place(row["code"], row["name_zh"], row["name_en"], row["level"], True)
            form = Form(row["form"], row["script"], place, row["origin"], row["context"] == "1")
            key = row["key"]
            if is_cjk(key):
                cjk.setdefault(key, []).append(form)
            elif len(key) >= 4 or not key.isascii():
                # Latin keys of three letters ("ili", "hui") are English or pinyin words too.
                words.setdefault(key, []).append(form)
                longest = max(longest, len(_LETTERS.findall(normalize(row["form"]))))
    starts = frozenset(k[:i] for k in words for i in range(1, len(k) + 1))
    return Gazetteer(
        {k: _ranked(v) for k, v in cjk.items()},
        {k: _ranked(v) for k, v in words.items()},
        starts,
        longest,
    )


def _ranked(forms: list[Form]) -> tuple[Form, ...]:
    """Forms of one key, the largest unit first (喀什 is Kashgar prefecture before Kashi city)."""
    return tuple(sorted(forms, key=lambda f: (-f.place.rank, f.place.code)))


@lru_cache(maxsize=1)
def china_places() -> tuple[dict[str, Place], dict[str, Place]]:
    """China's provinces and prefecture-level cities outside Xinjiang: Chinese keys (two
    characters or more) and pinyin keys (five letters or more: "shanghai", not "anshan"'s "an")."""
    zh: dict[str, Place] = {}
    latin: dict[str, Place] = {}
    text = resources.files("sourcetrace.data").joinpath("places.tsv")
    with text.open(encoding="utf-8") as fh:
        rows = [
            r
            for r in csv.DictReader(fh, delimiter="\t")
            if r["xinjiang"] != "1" and r["level"] in ("province", "prefecture")
        ]
    english = {r["code"]: r["name"].capitalize() for r in rows if r["name"].isascii()}
    for row in rows:
        code = row["code"]
        place = Place(code, row["name_zh"], english.get(code, row["name_zh"]), row["level"], False)
        key = key_of(row["name"])
        if True:
            if is_cjk(key):
                if len(key) >= 2:
                    zh.setdefault(key, place)
            elif len(key) >= 5:
                latin.setdefault(key, place)
    return zh, latin
