"""The word lists the name parser uses: places, industry words, legal forms.

Places and the glossary are built from sourced files by ``scripts/build_data.py`` and shipped in
``sourcetrace/data``; the short lists below are generic company-name vocabulary (legal forms and
common English business words), which carry no facts about any party.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from sourcetrace.names.text import fold, latin_tokens, pinyin, syllables

# Legal forms and company-type words in English and pinyin; removed wherever they stand.
LEGAL_TOKENS = frozenset(
    ["co", "company", "companies", "ltd", "limited", "lt", "ltda", "inc", "incorporated", "corp", "corporation", "llc", "plc", "jsc", "pte", "pvt", "bhd", "sdn", "gmbh", "ag", "sa", "srl", "bv", "nv", "oy", "ab", "kg", "llp", "lp", "spa", "liability", "stock", "joint", "share", "youxian", "gongsi", "gufen", "zeren", "youxiangongsi", "gufenyouxiangongsi", "youxianzerengongsi", "fengongsi", "zongchang", "branch", "ooo", "oao", "zao", "pao", "aktiengesellschaft", "gesellschaft", "mbh", "sarl", "sas", "spa", "sp", "zoo", "kft", "zrt", "tov", "pjsc", "ojsc", "cjsc", "ltda", "eirl", "sl", "sdn", "bhd", "tbk", "pt", "kk"]
)
# Chinese organisation-form suffixes, longest first (glossary 'org' rows add to these).
LEGAL_ZH = ("股份有限公司", "有限责任公司", "有限公司", "分公司", "子公司", "总公司", "公司", "总厂", "厂")
# Common English business words, treated like the glossary's industry words: never distinctive.
GENERIC_EN = {
    w: w
    for w in ["industry", "industries", "industrial", "group", "holding", "holdings", "enterprise", "enterprises", "trading", "trade", "commerce", "commercial", "import", "export", "imp", "exp", "international", "development", "technology", "technologies", "tech", "science", "sciences", "information", "digital", "communication", "communications", "products", "product", "manufacturing", "manufacture", "manufacturer", "factory", "plant", "mill", "material", "materials", "new", "energy", "power", "electric", "electronic", "electronics", "resources", "mining", "minerals", "mineral", "metal", "metals", "nonferrous", "steel", "iron", "aluminum", "aluminium", "copper", "zinc", "magnesium", "titanium", "carbon", "silicon", "solar", "cotton", "linen", "wool", "yarn", "fiber", "fibre", "fabric", "textile", "spinning", "weaving", "knitting", "dyeing", "printing", "garment", "garments", "apparel", "clothing", "fashion", "accessories", "hair", "food", "foods", "agricultural", "agriculture", "farm", "farming", "organic", "sugar", "canned", "seafood", "aquatic", "fruit", "health", "biotechnology", "biotech", "bio", "biological", "pharmaceutical", "pharmaceuticals", "medicine", "medical", "herbal", "chemical", "chemicals", "plastics", "plastic", "logistics", "supply", "chain", "warehousing", "storage", "park", "investment", "machinery", "equipment", "auto", "parts", "shoes", "footwear", "service", "services", "solutions", "systems", "engineering", "construction", "building", "economic", "economy"]
}
GENERIC_EN.update({"colour": "color", "fibre": "fiber", "aluminium": "aluminum"})
# Concepts too broad to tell two companies apart: ignored when industries are compared.
WEAK_CONCEPTS = frozenset(
    ["industrial", "industry", "group", "holding", "enterprise", "international", "new", "development", "product", "service", "trade", "trading", "import", "export", "imp", "exp", "commerce", "commercial", "investment"]
)
# Words joining a name that say nothing about it.
STOPWORDS = frozenset({"and", "of", "the", "for", "und", "et"})
# Place-type words that follow a place name in English and pinyin.
PLACE_TYPES = frozenset(
    ["county", "city", "district", "prefecture", "province", "region", "autonomous", "municipality", "town", "township", "village", "shi", "xian", "qu", "diqu", "sheng", "zizhiqu", "zizhizhou", "zizhixian", "uyghur", "uygur"]
)
# Industry words an issue names that the §6 glossary lacks (issue #3: 色纺 colour spinning).
EXTRA_INDUSTRY_ZH = {"色纺": "color spinning", "纺织品": "textile", "服饰品": "apparel"}
# Industry words short Chinese names end in that the glossary lacks (信息技术, 稀土材料), each
# with the first sense CC-CEDICT gives it (sources/cedict/, CC-CEDICT of 2020-12-21, CC BY-SA
# 4.0; e.g. "信息 [xin4 xi1] /information/news/message/").
# Their English is not added to the Latin side (Latin names parse as before): most are already
# industry words there; "rare earth" and "telecommunication" are not, and stay trade words.
CEDICT_INDUSTRY_ZH = {
    "信息": "information", "资讯": "information", "通信": "communication",
    "电信": "telecommunication", "材料": "material", "器材": "equipment", "设备": "equipment",
    "金属": "metal", "钢材": "steel", "电气": "electric", "稀土": "rare earth",
    "棉花": "cotton", "纤维": "fiber", "织品": "textile", "塑胶": "plastic",
    "工程": "engineering", "工厂": "factory", "厂家": "factory", "厂商": "manufacturer",
    "零件": "parts", "部件": "parts", "采矿": "mining", "水果": "fruit", "种子": "seed",
    "健康": "health", "科学": "science", "系统": "system",
    # "生物技术 [sheng1 wu4 ji4 shu4] /biotechnology/", "生物科技 [...] /biotechnology/": without
    # them 生物 (biological) + 科技 (science technology) differ from a listed "Biotechnology" and
    # the cross-script pair is cleared as another company.
    "生物技术": "biotechnology", "生物科技": "biotechnology", "农场": "farm",
}  # fmt: skip
# 股份 (shares) ends a short name as the 股份有限公司 it abbreviates (glossary: "joint stock co.,
# ltd"): an organisation word, like 集团.
ORG_ZH_EXTRA = {"股份": "org:joint stock"}


@lru_cache(maxsize=1)
def abbreviations() -> dict[str, tuple[str, ...]]:
    """Bill-of-lading abbreviations of business words ("tex grp" -> textile group), from
    ``data/abbreviations.tsv``: each row says its origin ("rigour 2.6.1 symbols": OpenSanctions'
    rigour gives the abbreviation the symbol of its expansion; "bill-of-lading usage": common
    spellings on bills of lading, e.g. issue 15's list, not taken from a published table)."""
    return {
        row["abbreviation"]: tuple(row["expansion"].split()) for row in _rows("abbreviations.tsv")
    }


@lru_cache(maxsize=1)
def symbol_phrases() -> tuple[tuple[str, str, str, str], ...]:
    """rigour's organisation and industry phrases as (category, symbol, phrase, source), from
    ``data/symbol_phrases.tsv`` (built by ``scripts/build_symbol_phrases.py`` from the installed
    rigour; ``source`` names its version): what :mod:`sourcetrace.names.symbols` may rewrite."""
    return tuple(
        (row["category"], row["symbol"], row["phrase"], row["source"])
        for row in _rows("symbol_phrases.tsv")
    )


@lru_cache(maxsize=8)
def english_text_words(zipf: float) -> frozenset[str]:
    """Lower-case words of English text in Latin letters at or above ``zipf`` (log10 of the
    frequency per billion words), from wordfreq's "small" English list, which ships inside the
    package: nothing is downloaded. The one place wordfreq is read; its import loads regex
    tables (about 0.5 s), so it happens only when a word is first looked up, and a process that
    read the derived tables with the index cache never pays it (matching.matcher.Matcher.cached)."""
    from wordfreq import get_frequency_dict

    floor = 10 ** (zipf - 9)
    return frozenset(
        w for w, f in get_frequency_dict("en", "small").items() if f >= floor and w.isascii()
    )


@lru_cache(maxsize=1)
def trade_words() -> dict[str, tuple[str, ...]]:
    """English readings of Chinese words of one or two characters (东方 east, orient; 希望
    desire, hope), from ``data/trade_words.tsv``, built from CC-CEDICT (CC BY-SA 4.0) by
    ``scripts/build_trade_words.py``."""
    text = resources.files("sourcetrace.data").joinpath("trade_words.tsv").read_text("utf-8")
    # 40,000 rows of two plain columns: split by hand, several times quicker than csv.DictReader
    # (the table loads when the first Chinese name is parsed).
    rows = (line.split("\t", 1) for line in text.splitlines()[1:])
    return {zh: tuple(english.split()) for zh, english in rows}


@lru_cache(maxsize=1)
def org_pinyin() -> frozenset[str]:
    """Organisation words of the glossary in pinyin (jituan 集团, konggu 控股, hezuoshe 合作社):
    dropped like legal forms. Five letters or more: "chang" (厂) is also a trade syllable."""
    out = set()
    for row in _rows("glossary.tsv"):
        if row["category"] == "org":
            key = "".join(latin_tokens(pinyin(row["zh"])))
            if len(key) >= 5:
                out.add(key)
    return frozenset(out)


@dataclass(frozen=True, slots=True)
class Place:
    code: str
    name_zh: str
    level: str
    xinjiang: bool


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """Lookup tables keyed by folded, space-free text."""

    places_latin: dict[str, Place]
    places_zh: dict[str, Place]
    industry_latin: dict[str, str]
    industry_zh: dict[str, str]
    max_place_zh: int
    max_industry_zh: int
    # Every proper prefix of a Latin place or industry key: a word that is none of them cannot
    # begin a key of several words ("urumqi" vs "wu lu mu qi"), so the parser skips the joins.
    key_starts: frozenset[str] = frozenset()
    # An industry word that begins a compound industry word of another sense, to that sense:
    # 生物 (biological) begins 生物科技 (biotechnology), so a short name ending in 生物 (晨光生物)
    # may abbreviate it; the parser gives such a name both senses.
    industry_short_for: dict[str, frozenset[str]] = field(default_factory=dict)
    # China's county-level divisions outside Xinjiang (``counties.tsv``, GB/T 2260 via
    # python-stdnum), toneless pinyin of the short name ("shanghang", "jinjiang"): read only as
    # a place in an address tail after the legal form, never as a region of the name, since
    # many are also trade names (Jinjiang, Donghai) and a name's first words are its own.
    counties_latin: frozenset[str] = frozenset()


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("sourcetrace.data").joinpath(name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines(), delimiter="\t"))


def _stem(word: str) -> str:
    """Plural folding for industry words only (textiles -> textile)."""
    if len(word) > 4 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    places_latin: dict[str, Place] = {}
    places_zh: dict[str, Place] = {}
    for row in _rows("places.tsv"):
        if not row["code"]:
            continue  # XPCC and its divisions are organisations (on the lists), not regions
        place = Place(row["code"], row["name_zh"], row["level"], row["xinjiang"] == "1")
        key = fold(row["name"])
        if any("\u4e00" <= c <= "\u9fff" for c in key):
            # The same short name can be two places (a city and its prefecture): keep the wider.
            if key not in places_zh or place.code < places_zh[key].code:
                places_zh[key] = place
        else:
            joined = "".join(latin_tokens(key))
            if len(joined) >= 3 and (
                joined not in places_latin or place.code < places_latin[joined].code
            ):
                places_latin[joined] = place

    industry_latin: dict[str, str] = {}
    industry_zh: dict[str, str] = {}
    glossary = [r for r in _rows("glossary.tsv") if r["category"] in ("industry", "org")]
    # Renderings shared between rows are one concept (服饰 "apparel; fashion" and 时尚 "fashion").
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    for row in glossary:
        first, *others = [_concept(v) for v in row["english"].split("|")]
        for other in others:
            a, b = root(first), root(other)
            if a != b:
                parent[max(a, b)] = min(a, b)
    for row in glossary:
        variants = row["english"].split("|")
        concept = root(_concept(variants[0]))
        if row["category"] == "industry":
            industry_zh.setdefault(row["zh"], concept)
            industry_latin.setdefault(pinyin(row["zh"]), concept)
        else:
            industry_zh.setdefault(row["zh"], "org:" + concept)
        for variant in variants:
            key = "".join(_stem(t) for t in latin_tokens(fold(variant)) if t not in STOPWORDS)
            if key and key not in LEGAL_TOKENS and row["category"] == "industry":
                industry_latin.setdefault(key, concept)
    for zh, english in EXTRA_INDUSTRY_ZH.items():
        industry_zh.setdefault(zh, _concept(english))
        industry_latin.setdefault(pinyin(zh), _concept(english))
        industry_latin.setdefault("".join(latin_tokens(english)), _concept(english))
    # The dictionary's words add no English to the Latin side: a Latin name parses as before
    # ("Rare Earth Magnesium Technology" keeps "rare earth" as its trade name).
    for zh, english in CEDICT_INDUSTRY_ZH.items():
        industry_zh.setdefault(zh, _concept(english))
        industry_latin.setdefault(pinyin(zh), _concept(english))
    for zh, org in ORG_ZH_EXTRA.items():
        industry_zh.setdefault(zh, org)
    for word, canonical in GENERIC_EN.items():
        industry_latin.setdefault(_stem(word), _stem(canonical))
    for zh in LEGAL_ZH:
        industry_zh.pop(zh, None)
    short_for: dict[str, set[str]] = {}
    for compound, concept in industry_zh.items():
        for i in range(2, len(compound) - 1):
            head, tail = industry_zh.get(compound[:i]), industry_zh.get(compound[i:])
            if head is None or tail is None or "org:" in head + concept:
                continue
            if not set(concept.split()) & set(f"{head} {tail}".split()):
                short_for.setdefault(compound[:i], set()).add(concept)
    return Vocabulary(
        places_latin=places_latin,
        places_zh=places_zh,
        industry_latin=industry_latin,
        industry_zh=industry_zh,
        max_place_zh=max(map(len, places_zh)),
        max_industry_zh=max(map(len, industry_zh)),
        key_starts=frozenset(
            key[:i] for key in (*places_latin, *industry_latin) for i in range(1, len(key))
        ),
        industry_short_for={k: frozenset(v) for k, v in short_for.items()},
        counties_latin=frozenset(row["name"] for row in _rows("counties.tsv")),
    )


def _concept(english: str) -> str:
    tokens = [_stem(t) for t in latin_tokens(fold(english)) if t not in STOPWORDS]
    return " ".join(tokens)


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    return _stem(word)


@lru_cache(maxsize=1)
def _region_typos() -> tuple[dict[str, str], dict[str, str]]:
    """The Latin keys of provinces and Xinjiang places (four letters or more), and every
    one-letter deletion of those of seven letters or more, each to its key. Only these: a
    county of five letters would turn many trade names into places ("huafu" is one letter
    from Shufu)."""
    keys: dict[str, str] = {}
    deletions: dict[str, str] = {}
    for key, place in vocabulary().places_latin.items():
        if len(key) < 4 or not (place.xinjiang or place.code.endswith("0000")):
            continue
        keys[key] = key
        if len(key) >= 7:
            for i in range(len(key)):
                deletions.setdefault(key[:i] + key[i + 1 :], key)
    return keys, deletions


def region_typo(word: str) -> tuple[str, Place] | None:
    """The province or Xinjiang place a word misspells by one letter, with its key: a letter
    added ("aksuu"); or, for names of seven letters or more, dropped, changed or two swapped
    ("xinjang", "xinjaing"). None when none."""
    if len(word) < 5:
        return None
    keys, deletions = _region_typos()
    found = None
    cut = [word[:i] + word[i + 1 :] for i in range(len(word))]
    # A letter added to a short place name is also how one pinyin name differs from another
    # ("yumian" is Yumin plus a letter): only a word that is not pinyin throughout, or a long key.
    pinyin_word = syllables(word) is not None
    for variant in cut:
        key = keys.get(variant)
        if key is not None and (not pinyin_word or len(key) >= 7):
            found = found or key
    if found is None and len(word) >= 6:
        found = deletions.get(word)
        if found is None and len(word) >= 7:
            for variant in cut:
                found = found or deletions.get(variant)
    if found is None:
        return None
    return found, vocabulary().places_latin[found]
