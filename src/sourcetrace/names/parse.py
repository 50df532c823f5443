"""Name structure: split a company name into region, trade name (字号), industry and legal form.

A Chinese company name is *region + trade name + industry + organisational form* (企业名称登记管理
规定 Art. 6; domain-facts §6), e.g. 新疆 + 中泰 + 化学 + 股份有限公司. English listings render the
same parts: "Xinjiang Zhongtai Chemical Co., Ltd.". Parsing both into the same parts, with the
trade name in toneless pinyin, the region as a GB/T 2260 code and the industry as an English
concept, lets a Chinese name and its English listing meet on the same key.

Bill-of-lading noise is cut before parsing (:mod:`sourcetrace.names.lines`): "C/O" parts,
telephone numbers, and an address that follows the legal form on the same line. Pinyin readings
and full-pinyin names are :mod:`sourcetrace.names.pinyin_names`'s.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz.distance import OSA
from rigour.names import remove_org_types

# rigour's public module for its stopwords; it does not list the name in an __all__, so mypy's
# strict re-export check needs telling (rigour._core, where it is defined, is private).
from rigour.text.stopwords import stopwords_list  # type: ignore[attr-defined]

from sourcetrace.names.lines import clean_line, spell_slashed
from sourcetrace.names.org_forms import (
    accentless_org_types,
    greek_org_type,
    romanised_org_type,
    romanised_spelling_forms,
    with_final_dot,
)
from sourcetrace.names.pinyin_names import full_pinyin, pinyin_readings, trade_readings
from sourcetrace.names.symbols import english_org_words, institution
from sourcetrace.names.text import cjk_runs, fold, has_cjk, latin_tokens, pinyin, syllables
from sourcetrace.names.vocabulary import (
    LEGAL_TOKENS,
    LEGAL_ZH,
    PLACE_TYPES,
    STOPWORDS,
    Vocabulary,
    abbreviations,
    org_pinyin,
    region_typo,
    stem,
    vocabulary,
)

# Words of a street address: a name holding one goes on into its address (other_province).
_STREET = frozenset(["no", "road", "rd", "street", "st", "avenue", "ave", "lu", "jie", "hao"])
_PAREN_ZH = re.compile(r"\(([^()]*)\)")
BOL_NAME_WIDTH = 35  # name fields cut at 35 characters on many bills of lading


@dataclass(frozen=True)  # no slots: pickles (index cache) several times faster
class ParsedName:
    """The parts of one name, in the forms the matcher compares."""

    raw: str
    script: str  # "zh", "latin" or "mixed"
    trade: tuple[str, ...]  # distinctive words in reading order, pinyin for Chinese
    industry: frozenset[str] = frozenset()
    regions: frozenset[str] = frozenset()  # GB/T 2260 codes
    region_words: tuple[str, ...] = ()
    legal: bool = False  # a legal form was present
    branch: bool = False  # a branch (分公司, "Branch") of a named company
    truncated: bool = False  # the raw name may have been cut at the field width
    zh: str = ""  # the folded Chinese text, legal form removed, for containment checks
    tokens: tuple[str, ...] = field(default=())  # every meaningful token, for containment
    # The whole name as a string, whatever the parse: folded, legal forms and line noise off
    # (the n-gram retrieval and the whole-name similarity read it).
    plain: str = ""
    uncut: str = ""  # the same before the line's noise was cut, when something was cut
    # A Chinese trade name's readings in Latin letters, each word in pinyin or in English
    # (东方希望: "dongfangxiwang", "easthope", "dongfanghope" ...), joined: an English listed
    # name that translates the words meets it (vocabulary.trade_words, from CC-CEDICT).
    readings: tuple[str, ...] = ()
    # The Latin name written beside the Chinese one on the same line, parsed on its own (the
    # matcher scores both and keeps each entity's better hit); None for most names.
    latin: ParsedName | None = None
    # Derived once here, read many times by the matcher.
    trade_key: str = field(init=False)  # "zhong tai" and "zhongtai" give the same key
    trade_sorted: str = field(init=False)  # the same with the words sorted (word order aside)
    trade_from_region: bool = field(init=False)  # the only "trade name" is a place name

    def __post_init__(self) -> None:
        object.__setattr__(self, "trade_key", "".join(self.trade))
        object.__setattr__(self, "trade_sorted", "".join(sorted(self.trade)))
        object.__setattr__(
            self, "trade_from_region",
            bool(self.trade) and set(self.trade) <= set(self.region_words),
        )


def parse_name(raw: str, vocab: Vocabulary | None = None) -> ParsedName:
    """Parse one name into its parts; never raises."""
    vocab = vocab or vocabulary()
    line, was_cut = clean_line(raw)
    line = spell_slashed(line)
    uncut = plain_text(fold(" ".join(raw.split()))) if was_cut else ""
    truncated = len(raw.strip()) >= BOL_NAME_WIDTH and len(raw.strip()) <= BOL_NAME_WIDTH + 1
    # A line whose address or contact was cut off ends with the name whole: the field width
    # cut the address ("... CO LTD NO"), and no word of the name is a prefix.
    truncated = truncated and not was_cut
    words = latin_tokens(line.lower()) if line.isascii() else []
    if len(words) >= 2 and full_pinyin(words, vocab) is not None:
        # A name wholly in pinyin with a Chinese name's parts keeps its syllables for
        # full_pinyin, which cuts its legal forms: rigour's table would take "SE" (Societas
        # Europaea) out of "YOU SE JIN SHU". Other lines keep rigour: "AMIGE AO" is a Russian AO.
        legal_form = False
    else:
        line, legal_form = strip_org_types(line)
        # "Grupp", "Inzhiniring", "Концерн" as the English listing writes them (rigour symbols).
        line = english_org_words(line)
    folded = fold(line)
    plain = plain_text(folded)
    if has_cjk(folded):
        latin_part = re.sub(r"[\u3400-\u9fff()（）]+", " ", folded)
        parsed = _parse_chinese(folded, vocab)
        if latin_tokens(latin_part) and len("".join(cjk_runs(folded))) < 2:
            return _parse_latin(raw, folded, vocab, truncated, plain, uncut, legal_form)
        script = "mixed" if any(t.isalpha() for t in latin_tokens(latin_part)) else "zh"
        beside = latin_beside(raw) if script == "mixed" else ""
        if beside:
            # The Chinese name alone, compared as characters (by whole syllables and
            # translations), and the Latin name beside it, each on its own.
            alone = parse_name(_NOT_CJK.sub(" ", raw), vocab)
            latin = parse_name(beside, vocab)
            # A place alone ("Xinjiang 中泰化学") or legal words are no second name.
            if alone.script == "zh" and latin.trade and not latin.trade_from_region:
                object.__setattr__(alone, "latin", latin)
                return alone
        return _parsed(
            raw=raw, script=script, truncated=False, plain=plain, uncut=uncut, latin=None,
            **parsed,
        )  # fmt: skip
    return _parse_latin(raw, folded, vocab, truncated, plain, uncut, legal_form)


# Everything of a line but its Chinese characters and brackets (ASCII ones too: 合盛硅业(鄯善)):
# letters of any script go, so the Chinese name alone never has a Latin name beside it again.
_NOT_CJK = re.compile(r"[^\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff()（）【】〔〕]+")
_CJK_OR_BRACKETS = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff（）【】〔〕：:，、。]+")


def latin_beside(raw: str) -> str:
    """The Latin name written beside a Chinese one on the same line ("合肥宝龙达信息技术有限公司
    Hefei Bitland Information Technology Co., Ltd.", an invoice's bilingual line), or "" when
    the Latin letters are no name: fewer than three letters outside legal forms, or a digit
    among them (an address or a number: "地址：No. 8 Renmin Rd", "Tel 0991 ...")."""
    text = " ".join(_CJK_OR_BRACKETS.sub(" ", raw).split()).strip(" ,;/-|()")
    # Characters outside the CJK blocks that fold into them (Kangxi radicals ⼭) are no Latin.
    if not text or any(c.isdigit() for c in text) or has_cjk(fold(text)):
        return ""
    words = [w for w in latin_tokens(fold(text)) if w not in LEGAL_TOKENS]
    if sum(len(w) for w in words if w.isalpha()) < 3:
        return ""
    return text


@lru_cache(maxsize=65_536)
def strip_org_types(line: str) -> tuple[str, bool]:
    """The line less its legal forms and organisation types in any language and script, from
    OpenSanctions' rigour (ТОВ, ООО, Anonim Şirketi, Public Limited Company, AS, GmbH, Limited
    Liability Company at the start ...); and whether one was found. Matched before accents are
    folded, as rigour's table spells them ("şirketi")."""
    # (Remembered: a query's line is read so by parse_name, then again by features.initials
    # when its candidates are met, after the whole batch was parsed; so more lines than a
    # bulk worker's batch holds.)
    if line.isascii():
        low = line.lower()
    else:
        low = unicodedata.normalize("NFKC", line).casefold()
    # "KATINA D.O.O": the table holds the form with its last dot (org_forms.py).
    low = with_final_dot(low)
    out = remove_org_types(low, replacement=" ")
    if _SOFT_SIGN.search(low):
        # A soft sign transliterated as an apostrophe ("Otvetstvennost'yu") hides the legal
        # form from rigour's table; the apostrophe is dropped only when more is found then.
        bare = _SOFT_SIGN.sub("", low)
        stripped = remove_org_types(bare, replacement=" ")
        if len(bare) - len(stripped.strip()) > len(low) - len(out.strip()):
            out = stripped
    # "SOCIETE ANONYME": a form of the table written without its accents.
    accentless = accentless_org_types(low, out)
    if accentless is not None:
        out = accentless
    # "Obschestvo S Ogranichennoi Otvetstvennostyu": another romanisation of the table's form.
    respelled = romanised_spelling_forms(low, out)
    if respelled is not None:
        out = respelled
    found = out != low
    # "FGUP Krylov", "EUROBET TRADING EOOD": a Cyrillic form of the table in Latin letters.
    romanised = romanised_org_type(out, found)
    if romanised != out:
        out, found = romanised, True
    more = _more_org_types(out, found)
    if more != out:
        out, found = more, True
    greek = greek_org_type(out)  # "Μυτιληναίος Α.Ε.": a Greek form rigour holds in Latin letters
    if greek != out:
        out, found = greek, True
    if "." in out:
        # (After rigour, which knows its dotted forms: "S.A. de C.V.".)
        out = _DOTTED.sub(_undotted, out)  # "p.c.c. (singapore)" as "pcc (singapore)"
    if out == low:
        return line, False
    return out, found


def _more_org_types(text: str, found: bool) -> str:
    """``text`` less the legal forms rigour's table lacks or leaves a word of (see
    :data:`_LEFT_BY_RIGOUR`), at its end."""
    if found:
        text = _LEFT_BY_RIGOUR.sub(" ", text)
    return _LEGAL_END_MORE.sub(" ", text)


# Initials written with dots ("P.C.C.", "A.I."), read as one word: lists write the same company
# "PCC" and "AI" too.
_DOTTED = re.compile(r"(?<![^\W\d_])((?:[a-z]\.\s?){2,})(?![^\W\d_])")


def _undotted(m: re.Match[str]) -> str:
    return m.group(1).replace(".", "").replace(" ", "") + " "


# What rigour's table leaves of a legal form of several words: it takes the longest form it
# knows and stops, so "Private Limited" (India, Singapore), "Anonim Sirketi" written without
# its cedilla (Turkey) and "FZ LLC" (a UAE free zone) keep their first word ("private",
# "anonim", "fz"), which then reads as the trade name. Dropped at the end of what is left.
_LEFT_BY_RIGOUR = re.compile(r"\b(?:private|pvt|anonim|fzc|fz)\W*(?=\s*$)")
# Legal forms at the end of a name that rigour's table lacks, each written so on the lists
# (the restricted-party snapshot and the OpenSanctions-derived pairs of benchmarks/matching):
# FZC, free zone company of the UAE free zones ("AURUM SHIP MANAGEMENT FZC"); SAL, société
# anonyme libanaise ("ATLAS HOLDING SAL"), with its offshore form; A.S., the Turkish anonim
# sirket (A.Ş., "DAL ENERJI A.S" beside "DAL ENERJI ... ANONIM SIRKETI" in the pairs' train split;
# the Czech and Slovak a.s. too), dotted only ("as" is an English word).
_LEGAL_END_MORE = re.compile(r"\b(?:fzc|s\.?a\.?l\.?(?:\W+off\W*shore)?|a\.\s?s\b\.?)\W*$")


# An apostrophe between two letters, the way transliterations write the soft sign (ь).
_SOFT_SIGN = re.compile(r"(?<=[a-z])['’ʹʼ](?=[a-z])")


def expand(words: list[str]) -> list[str]:
    """Words with bill-of-lading abbreviations spelled out and pinyin organisation words off."""
    table, org = abbreviations(), org_pinyin()
    if table.keys().isdisjoint(words) and org.isdisjoint(words):
        return words
    out: list[str] = []
    for i, w in enumerate(words):
        if w in org and _org_word_dropped(w, i, words):
            continue
        out.extend(table.get(w, (w,)))
    return out


def _org_word_dropped(word: str, at: int, words: list[str]) -> bool:
    """Whether a pinyin organisation word is dropped where it stands: one of several syllables
    (jituan, konggu) anywhere, but one of a single syllable (chang 厂, factory) only last, where
    a Chinese name's organisation word stands: elsewhere it is a trade name's syllable ("CHANG
    HONG MEI LING", 长虹美菱; "CHANG AN", 长安)."""
    return at == len(words) - 1 or len(syllables(word) or ()) != 1


def plain_text(folded: str) -> str:
    """The folded name's words less legal forms and joining words, abbreviations spelled out
    ("acme textile group")."""
    words = expand(latin_tokens(folded))
    if len(words) > 1 and legal_slip(words[-1], words[-2]):
        words = words[:-1]
    joining = joining_words()
    return " ".join(w for w in words if w not in LEGAL_TOKENS and w not in joining)


@lru_cache(maxsize=1)
def joining_words() -> frozenset[str]:
    """Words that join a name's words and say nothing about it: ours (and, of, the ...) and
    rigour's stopwords in Latin letters of three letters or more (French "pour", German "für",
    Spanish "para" ...) and Turkish "ve", less articles and pinyin syllables ("da", "de", "an"
    are characters of Chinese trade names)."""
    theirs = {fold(w) for w in stopwords_list()} - _ARTICLES
    return STOPWORDS | frozenset(
        w for w in theirs
        if (len(w) >= 3 or w in _SHORT_JOINING) and w.isascii() and w.isalpha()
        and syllables(w) is None
    )  # fmt: skip


# Articles are part of a name ("Al-Aqsa", "Los Lobos": "Aqsa" alone is a shorter name, so
# another comparison), and words of two letters also write initials ("DES International", "AS"):
# both stay, but for Turkish "ve" (and), which "Sanayi ve Ticaret" names carry and their English
# listing writes "Industry and Trade".
_ARTICLES = frozenset(["al", "el", "der", "das", "die", "des", "los", "las", "un", "una", "unas",
                       "une", "unos"])  # fmt: skip
_SHORT_JOINING = frozenset(["ve"])


def _parse_chinese(text: str, vocab: Vocabulary) -> dict[str, object]:
    regions: set[str] = set()
    region_words: list[str] = []
    region_codes: list[str] = []
    industry: set[str] = set()
    branch = "分公司" in text or "分厂" in text
    # Parenthesised parts: a region ("（鄯善）") or an organisation word ("(集团)").
    for inner in _PAREN_ZH.findall(text):
        place = vocab.places_zh.get(inner.strip())
        if place:
            regions.add(place.code)
            region_words.append(pinyin(inner.strip()))
            region_codes.append(place.code)
        elif inner.strip() in vocab.industry_zh:
            industry.add(vocab.industry_zh[inner.strip()])
    body = _PAREN_ZH.sub("", text)
    body = "".join(cjk_runs(body))
    # The name ends at the first legal form; what follows names a branch or is noise. The
    # first in the text, not the first of the list: 东方希望有色金属公司乌鲁木齐分公司 ends at 公司,
    # not at 分公司 (at one place the longest form wins: LEGAL_ZH is longest first).
    cuts = [(idx, -len(form)) for form in LEGAL_ZH if (idx := body.find(form)) > 0]
    legal = bool(cuts)
    if cuts:
        body = body[: min(cuts)[0]]
    zh_core = body
    # Regions at the start, longest first, repeatedly (新疆 + 阿克苏).
    while body:
        for size in range(min(vocab.max_place_zh, len(body) - 1), 1, -1):
            place = vocab.places_zh.get(body[:size])
            if place:
                regions.add(place.code)
                region_words.append(pinyin(body[:size]))
                region_codes.append(place.code)
                body = body[size:]
                break
        else:
            break
    # Industry and organisation words at the end, longest first, repeatedly (化学, 集团).
    while body:
        for size in range(min(vocab.max_industry_zh, len(body)), 0, -1):
            concept = vocab.industry_zh.get(body[-size:])
            # Strip down to a trade name of two characters or more, or to nothing when the
            # whole body is industry words (乌鲁木齐种业: region + industry, no trade name).
            if concept and (len(body) - size >= 2 or len(body) == size):
                if not concept.startswith("org:"):
                    industry.add(concept)
                    industry.update(vocab.industry_short_for.get(body[-size:], ()))
                body = body[:-size]
                break
        else:
            break
    trade = (pinyin(body),) if body else place_trade(region_words, region_codes)
    tokens = tuple(region_words) + ((pinyin(body),) if body else ())
    return {
        "readings": trade_readings(body),
        "trade": tuple(t for t in trade if t),
        "industry": frozenset(industry),
        "regions": frozenset(regions),
        "region_words": tuple(region_words),
        "legal": legal,
        "branch": branch,
        "zh": zh_core,
        "tokens": tokens,
    }


def translated(zh: ParsedName, latin: ParsedName) -> bool:
    """Whether a Latin name's trade name translates the Chinese name's (East Hope, 东方希望)."""
    return bool(latin.trade_key) and latin.trade_key in zh.readings


def _prefix_of_vocabulary(word: str, vocab: Vocabulary) -> bool:
    if len(word) < 3:
        return False
    prefixes = _vocabulary_prefixes(id(vocab), vocab)
    return word in prefixes


_PREFIX_CACHE: dict[int, frozenset[str]] = {}
# Every start of a legal form, the whole form included: ``w in _LEGAL_PREFIXES`` is
# ``any(x.startswith(w) for x in LEGAL_TOKENS)`` in one look-up.
_LEGAL_PREFIXES = frozenset(w[:i] for w in LEGAL_TOKENS for i in range(len(w) + 1))


def _vocabulary_prefixes(key: int, vocab: Vocabulary) -> frozenset[str]:
    cached = _PREFIX_CACHE.get(key)
    if cached is None:
        words = [w for w in vocab.industry_latin if len(w) >= 4] + [
            w for w in vocab.places_latin if len(w) >= 4
        ]
        cached = frozenset(w[:i] for w in words for i in range(3, len(w)))
        _PREFIX_CACHE[key] = cached
    return cached


def other_province(
    found: list[tuple[int, str, str, bool]], others: list[int], address: bool
) -> set[int]:
    """Positions of the place words that are no region of the name but its trade name: a
    company is registered under one chain of places, so when the places spelled as written lie
    in two provinces, those outside the province of the name's region are trade words
    ("Tianjin Kunyu International": Kunyu, a city of Xinjiang, is the trade name 天津昆玉 of a
    Tianjin company). The name's region is its first place, or its last when that ends the name
    after other words, as English listings write it ("Kunyu International (Tianjin)", "Baiyin
    Mining Development (Xinjiang)"), unless the name holds a street or a number (an address
    after the name ends in its city and province). A place read through a typo ("Jucheng" as
    Gucheng) decides nothing: it may be no place at all."""
    spelled = [f for f in found if f[3]]
    if len({code[:2] for _, _, code, _ in spelled}) < 2:
        return set()
    last = spelled[-1]
    trailing = (
        not address
        and any(p < last[0] for p in others)
        and not any(p > last[0] for p in others)
    )
    anchor = last if trailing else spelled[0]
    return {f[0] for f in spelled if f[2][:2] != anchor[2][:2]}


# Legal words a slip at the end of a name is read as (a slip in "co" or "inc" is too short).
_LEGAL_SLIPPED = ("ltd", "limited", "company", "corp", "corporation")
LEGAL_SLIP_LONG = 6  # from this length, any one slip; shorter, the same letters only
# The starts of "limited" and "ltd" a line cut after "CO" ends in.
_LIMITED_CUT = frozenset({"l", "li", "lim", "limi", "limit", "limite", "lt"})


def legal_slip(word: str, before: str) -> bool:
    """``word``, the last of a name, is a legal form typed with one slip ("ldt", "lttd",
    "limted", "corporaton"): one letter dropped, added, changed or two swapped; or the start of
    "limited" after another legal word ("CO L", "CO LIM": a line cut at its field's width). A word under
    six letters must hold the same letters as the form ("ldt", "lttd"; not "lid", "ltc") and
    follow another legal word ("CO LDT"): short words are one slip from many others."""
    if before in LEGAL_TOKENS and word in _LIMITED_CUT:
        return True  # "CO L", "CO LIM": a name cut in its legal form at any field width
    if word in LEGAL_TOKENS or not word.isalpha():
        return False
    for form in _LEGAL_SLIPPED:
        if abs(len(word) - len(form)) > 1 or OSA.distance(word, form, score_cutoff=1) > 1:
            continue
        if len(word) >= LEGAL_SLIP_LONG or (set(word) == set(form) and before in LEGAL_TOKENS):
            return syllables(word) is None  # (a pinyin word is a name's syllables)
    return False


# Words saying where a company trades, before the trade word: Turkish "Ic ve Dis Ticaret"
# (domestic and foreign trade; symbols.py has read "ticaret" as "trade" and the joining word
# "ve" is gone) and its English "Domestic and Foreign Trade". "ic" only before "dis" ("IC
# Trading" is a chip trader's).
_TRADE_SCOPE = {"dis": ("trade", "trading"), "foreign": ("trade", "trading"),
                "ic": ("dis",), "domestic": ("foreign",)}  # fmt: skip


def trade_scope(words: list[str]) -> list[str]:
    """The words without those saying where the company trades ("dis", "foreign" before
    "trade"; "ic", "domestic" before those): the industry is trade either way, and left in the
    trade name they kept "Karasani Dis Ticaret" and "Karasani Foreign Trade" apart (504 rows
    of the external pairs write "Dis Ticaret", as Turkish companies on the US lists do)."""
    # From the end, so that "ic" sees the "dis" before it is dropped; never the first word
    # ("Foreign Trade Bank" has no other name).
    # Nor before "trade bank": a foreign trade bank is a kind of bank, and "Myanma Foreign Trade
    # Bank" another bank than "Myanma Investment and Commercial Bank".
    drop = {i for i in range(1, len(words) - 1) if words[i + 1] in _TRADE_SCOPE.get(words[i], ())
            and "bank" not in words[i + 1 : i + 4]}
    return [w for i, w in enumerate(words) if i not in drop] if drop else words


# Turkish industry words that rigour's name symbols do not hold (its tables read "ticaret",
# "kimya", "lojistik", "denizcilik" ... and symbols.py writes those in English; "sanayi" and
# "enerji" it reads under two symbols each, so they stay), each read as the English word the
# lists' own English aliases of the same company write (the external pairs' train split:
# "SMART ITHALAT IHRACAT DIS TICARET" / "SMART IMPORT EXPORT FOREIGN TRADE" (OFAC SDN),
# "ALTIS TEKSTIL MAKINA TICARET" / "ALTIS TEXTILE MACHINERY TRADING", "OZONE HAVACILIK VE
# SAVUNMA SANAYI" / "OZONE AVIATION AND DEFENSE INDUSTRY", "MARTEN EA TRADING INSAAT" /
# "... CONSTRUCTION", "DAL ENERJI" / ENERGY, "INTRO OTO ... TICARET VE SANAYI" / "... TRADE AND
# INDUSTRY", "BASLAM NAKLIYAT VE DIS TICARET" / "BASLAM TRANSPORT AND FOREIGN TRADE").
# Meanings as in the Turkish Language Association's dictionary (TDK Güncel Türkçe Sözlük). The
# English word is an industry word of the vocabulary where it has one, so the Turkish and
# English names keep the same trade name.
TURKISH_INDUSTRY = {
    "ithalat": "import", "ihracat": "export", "insaat": "construction",
    "sanayi": "industry", "sanayii": "industry", "endustri": "industry",
    "endustriyel": "industrial", "tekstil": "textile", "makina": "machinery",
    "makine": "machinery", "makineleri": "machinery", "gida": "food", "enerji": "energy",
    "muhendislik": "engineering", "medikal": "medical",
    "havacilik": "aviation", "savunma": "defence", "turizm": "tourism",
    "uluslararasi": "international", "nakliyat": "transport",
}  # fmt: skip
# "San. ve Tic." / "San. Tic.": sanayi ve ticaret abbreviated, only as that pair ("san" alone
# begins Spanish and Italian place names); "Dis Tic." is dis ticaret.
_TURKISH_ABBREVIATED = {("san", "tic"): ("industry", "trade"), ("dis", "tic"): ("dis", "trade")}


def turkish_industry(words: list[str]) -> list[str]:
    """The words with the Turkish industry words rigour does not read written as their English
    (``TURKISH_INDUSTRY``: "ithalat ihracat" -> "import export", "insaat" -> "construction"),
    so that they leave the trade name as the English alias's words do; never the first word (a
    company may be named after one: "Enerji"). Where another language writes one of these
    words (Azerbaijani "enerji", Tagalog "makina"), it means the same."""
    if len(words) < 2:
        return words
    out = words[:1]
    i = 1
    while i < len(words):
        pair = _TURKISH_ABBREVIATED.get((words[i], words[i + 1] if i + 1 < len(words) else ""))
        if pair is not None:
            out.extend(pair)
            i += 2
            continue
        out.append(TURKISH_INDUSTRY.get(words[i], words[i]))
        i += 1
    return out


_TURKISH_KEYS = frozenset(TURKISH_INDUSTRY) | {"tic"}


def _parse_latin(
    raw: str,
    folded: str,
    vocab: Vocabulary,
    truncated: bool,
    plain: str = "",
    uncut: str = "",
    legal_form: bool = False,
) -> ParsedName:
    words = expand(latin_tokens(folded))
    joining = joining_words()
    if not joining.isdisjoint(words):
        words = [w for w in words if w not in joining]
    if not _TURKISH_KEYS.isdisjoint(words):
        words = turkish_industry(words)
    if "trade" in words or "trading" in words:
        words = trade_scope(words)
    pinyin_industry: set[str] = set()
    resegmented = full_pinyin(words, vocab, truncated)
    if resegmented is not None:
        # The whole name as an English listing writes it ("xinjiang zhongtai chemical"): the
        # string retrieval and the whole-name similarity then meet the English listed name.
        words, pinyin_industry, pinyin_legal, plain = resegmented
        legal_form = legal_form or pinyin_legal
    if len(words) > 1 and legal_slip(words[-1], words[-2]):
        words = words[:-1]  # "CO LDT", "CO LIMTED": a legal form typed with a slip
        legal_form = True
    legal = legal_form or not LEGAL_TOKENS.isdisjoint(words)
    branch = "branch" in words
    # A name cut at the field width may end in part of a word ("CO LT", "INFORMATION TECHNOLOG"):
    # a cut-off legal form, industry or place word is dropped; a cut trade name is compared by
    # prefix (features.trade_name).
    if truncated and len(words) > 1 and words[-1] not in vocab.industry_latin:
        last = words[-1]
        if last in _LEGAL_PREFIXES or _prefix_of_vocabulary(last, vocab):
            words = words[:-1]
    if legal:
        words = [w for w in words if w not in LEGAL_TOKENS]
    regions: set[str] = set()
    # Where each place, trade and industry word stands (other_province decides between places).
    found: list[tuple[int, str, str, bool]] = []  # (position, key, code, spelled as written)
    rest_at: list[int] = []
    others: list[int] = []
    region_words: list[str] = []
    industry: set[str] = set()
    rest: list[str] = []
    stems = [stem(w) if w[-1] == "s" else w for w in words]  # only a final "s" is stemmed
    places, industries, starts = vocab.places_latin, vocab.industry_latin, vocab.key_starts
    i = 0
    n = len(words)
    while i < n:
        if i + 1 == n or (words[i] not in starts and stems[i] not in starts):
            # A word that cannot begin a key of several words: looked up alone.
            key = words[i]
            place = places.get(key)
            if place is None and i == 0 and n > 1 and stems[i] not in industries:
                # The first word may be a region spelled with one letter wrong.
                typo = region_typo(key)
                if typo is not None:
                    key, place = typo
            if place and not (len(key) < 4 and not place.xinjiang):
                regions.add(place.code)
                found.append((i, key, place.code, key == words[i]))
                region_words.append(key)
                i += 1
                while i < n and words[i] in PLACE_TYPES:
                    i += 1
                continue
            concept = industries.get(stems[i]) or institution(key)
            if concept:
                industry.add(concept)
            else:
                rest.append(key)
                rest_at.append(i)
            others.append(i)
            i += 1
            continue
        matched = False
        for size in (3, 2, 1):
            if i + size > n:
                continue
            key = words[i] if size == 1 else "".join(words[i : i + size])
            place = places.get(key)
            if place and not (size == 1 and len(key) < 4 and not place.xinjiang):
                regions.add(place.code)
                found.append((i, key, place.code, True))
                region_words.append(key)
                i += size
                while i < n and words[i] in PLACE_TYPES:
                    i += 1
                matched = True
                break
            concept = industries.get(stems[i] if size == 1 else "".join(stems[i : i + size]))
            if not concept and size == 1:
                concept = institution(words[i])
            if concept:
                industry.add(concept)
                others.append(i)
                i += size
                matched = True
                break
        if not matched:
            rest.append(words[i])
            rest_at.append(i)
            others.append(i)
            i += 1
    demoted = other_province(
        found, others, not _STREET.isdisjoint(words) or any(map(str.isdigit, "".join(words)))
    )
    if demoted:
        # Places of another province than the name's region are trade words, where they stand.
        keep = [f for f in found if f[0] not in demoted]
        regions = {code for _, _, code, _ in keep}
        region_words = [key for _, key, _, _ in keep]
        placed = sorted([*zip(rest_at, rest, strict=True),
                         *((f[0], f[1]) for f in found if f[0] in demoted)])  # fmt: skip
        rest = [w for _, w in placed]
    trade = tuple(rest) if rest else tuple(region_words)
    return _parsed(
        raw=raw,
        script="latin",
        trade=trade,
        industry=frozenset(industry | pinyin_industry),
        regions=frozenset(regions),
        region_words=tuple(region_words),
        legal=legal,
        branch=branch,
        truncated=truncated,
        zh="",
        tokens=tuple(words),
        plain=plain,
        uncut=uncut,
        readings=pinyin_readings(trade[0]) if resegmented and pinyin_industry else (),
        latin=None,
    )


def place_trade(words: list[str], codes: list[str]) -> tuple[str, ...]:
    """The trade name of a Chinese name that has only places in it: its places below province
    level (新疆天山毛纺织 and the short 天山毛纺织 are both "tianshan": a short name drops the
    province), or all of them when none is."""
    below = tuple(w for w, c in zip(words, codes, strict=True) if not c.endswith("0000"))
    return below or tuple(words)


def specific_trade(parsed: ParsedName) -> str:
    """The trade key with province names left out when the trade name is only places, as
    :func:`place_trade` makes it for Chinese names ("Xinjiang Tianshan Wool Textile":
    "tianshan"); the trade key otherwise. For comparing a Latin name with a Chinese one."""
    if not parsed.trade_from_region or parsed.script == "zh":
        return parsed.trade_sorted
    places = vocabulary().places_latin
    below = [w for w in parsed.trade if w in places and not places[w].code.endswith("0000")]
    return "".join(sorted(below)) if below else parsed.trade_sorted


def _parsed(**parts: object) -> ParsedName:
    """A ParsedName made as its ``__init__`` would, without one ``object.__setattr__`` per field
    of the frozen dataclass (a third of the parse time on a bulk file)."""
    trade: tuple[str, ...] = parts["trade"]  # type: ignore[assignment]
    parsed = object.__new__(ParsedName)
    parsed.__dict__.update(
        parts,
        trade_key="".join(trade),
        trade_sorted="".join(sorted(trade)),
        trade_from_region=bool(trade) and set(trade) <= set(parts["region_words"]),  # type: ignore[call-overload]
    )
    return parsed
