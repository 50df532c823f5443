"""Xinjiang location signals in names and addresses (gazetteer in every script, postcodes).

A signal, never a clearance: an address outside Xinjiang proves nothing (labour transfers move
workers to factories across China, domain-facts §7), and a Xinjiang address is reported for review
because goods from the region are presumed made with forced labour under the UFLPA.

The place is read in every script the region is written in (:mod:`sourcetrace.names.places`),
and the address around it decides whether it is where the party is:

- a place word that names a street, road or building (上海市乌鲁木齐中路, Xinjiang Road, Hetian
  Road, Кашгарская улица, قەشقەر يولى) is not a location;
- an address whose country part is a country other than China (Aksu, Antalya, Turkey; Altai
  Krai, Russia; Kashi, Varanasi, India) is not in Xinjiang;
- a person line (c/o, attn, contact, 收件人, 联系人) is not read: a person's name is not a
  county (Ku Cha-hyong is not Kucha);
- a county-level name that is also a place elsewhere in China, or two Chinese characters that
  are a common word (温泉, 双河), counts only beside another Xinjiang place;
- when both a Xinjiang place and another Chinese province or city are named, the address
  structure decides: in Chinese (written province first) the first province or city named; in
  Latin and other scripts (written street first) the larger unit (province over city over
  county), the last of two of one size.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

import polars as pl

from sourcetrace.names.places import (
    SCRIPT_LABELS,
    Form,
    Place,
    china_places,
    gazetteer,
    is_cjk,
    key_of,
    normalize,
)

# Xinjiang county postcodes run 830000-848500; no county outside Xinjiang starts 83 or 84
# (domain-facts §4, verified on one 3,341-county dataset). India's PINs 83xxxx/84xxxx (Bihar,
# Jharkhand) are ruled out by the country part.
_POSTCODE = re.compile(r"(?<![0-9A-Za-z-])8[34]\d{4}(?![0-9A-Za-z])")
_POSTCODE_LABEL = re.compile(
    r"(?:邮编|邮政编码|郵編|郵政編碼|post\s*code|postal\s*code|zip(?:\s*code)?|p\.?\s*c\.?|"
    r"индекс|почтовый\s+индекс|پوچتا\s+نومۇرى)\s*[:：.]?\s*$",
    re.IGNORECASE,
)
_PHONE_BEFORE = re.compile(
    r"(?:tel|phone|fax|mob|mobile|cell|电话|電話|手机|手機|传真|傳真|тел|факс|\+\s*86|\(0\d+\))"
    r"[^,;，；\n]{0,12}$",
    re.IGNORECASE,
)

# A person line: the marker and the rest of its part are a person, not a place.
_PERSON = re.compile(
    r"(?:\b(?i:c\s*/\s*o|care\s+of|attn|attention|contact(?:\s+person)?|recipient)\b\.?|"
    # Titles as titles are written: "Mr Li", "MR. LI", "Ms. Wang"; not "MS" of "MS Textile".
    r"\b(?:Mr|Mrs|MR|MRS)\b\.?|\b(?:Ms|MS)\.|\bMs\b|"
    r"收件人|联系人|聯繫人|收货人|收貨人|经办人|負責人|负责人|(?i:вниманию|контакт))[^,;，；\n|]*"
)
# A text with a digit or in several parts is an address; a name without either ("Kashgar Street
# Market Co", "Xinjiang Lu An Cotton") keeps its place word even before a street word.
_ADDRESS_LIKE = re.compile(r"[0-9,;，；\n|号號]")
_PARTS = re.compile(r"[,;，；、\n\r\t|]+")
# What follows a place word that makes it a street, road or building name.
_CJK_STREET = re.compile(
    r"^[东西南北中一二三四五六七八九十]{0,2}(?:路(?!桥|橋|政)|街|道(?!路)|巷|弄|胡同|大道|大街|"
    r"大厦|大楼|宾馆|饭店|酒店|广场|花园|馬路|大廈)"
)
_LATIN_STREET = re.compile(
    r"^[\s.-]*(?:(?:middle|mid|central|north|south|east|west|upper|lower|zhong|bei|nan|dong|"
    r"xi|n|s|e|w|1st|2nd|3rd|\d+(?:st|nd|rd|th))\.?\s+)?(?:road(?!\s*(?:&|and)\s*bridge)|rd|"
    r"street|str|st|avenue|ave|lane|ln|lu|jie|dadao|blvd|boulevard|highway|hwy|"
    # A building word only where the address goes on (Xinjiang Building Materials is a name).
    r"(?:building|bldg|plaza|mansion|hotel)(?=\s*(?:[,;]|$|\d|no\b))|"
    r"zhonglu|beilu|nanlu|donglu|xilu|yoli|kochisi|yolı|caddesi|cad|sokak|sk|"
    r"улица|ул|проспект|пр|переулок|пер|йоли|көчиси|يولى|كوچىسى)\b",
    re.IGNORECASE,
)
_STREET_BEFORE = re.compile(
    r"(?:\b(?:ул|улица|проспект|пр-т|пер|переулок|rue|calle|via)\.?\s*|улица\s+)$",
    re.IGNORECASE,
)
_TONES = re.compile("[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ]", re.IGNORECASE)
_ULY_LETTERS = re.compile("[üöéë]", re.IGNORECASE)
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Mention:
    """A place word found in the text: where, as written, and in which part of the address."""

    place: Place
    surface: str
    script: str
    part: int
    start: int
    form: Form | None = None


@dataclass(frozen=True)
class Location:
    """What the text says about Xinjiang: the places that count, the reason, the words set aside.

    ``places`` is empty when nothing counts; ``ignored`` then says why each place word found
    was set aside (a street name, a foreign country, a person line, another city's address).
    """

    places: tuple[Place, ...] = ()
    reason: str = ""
    ignored: tuple[str, ...] = field(default=())

    def __bool__(self) -> bool:
        return bool(self.places)


def xinjiang_location(text: str, country: str = "") -> Location:
    """Whether the text (an address, a shipment origin, a name) places a party in Xinjiang, the
    places, and the reason: place, script and part of the address ("Uyghur script: قەشقەر =
    Kashgar prefecture, city part of the address").

    ``country``: the country column of the same row, when the file has one ("TR", "Turkey"):
    read as the address's last part.
    """
    if not text or not text.strip():
        return Location()
    if country and country.strip():
        text = f"{text} | {country.strip()}"
    return _locate(unicodedata.normalize("NFKC", text))


def xinjiang_places(text: str) -> list[str]:
    """Xinjiang place names found in the text, as Chinese names (e.g. ['阿克苏地区']), where the
    address around them says they are the location (see :func:`xinjiang_location`)."""
    return [p.name_zh for p in xinjiang_location(text).places]


def xinjiang_location_reason(text: str) -> str:
    """The reason of :func:`xinjiang_location` alone ("" when the text is not in Xinjiang)."""
    return xinjiang_location(text).reason


@lru_cache(maxsize=65536)
def _locate(text: str) -> Location:
    ignored: list[str] = []
    blanked = _PERSON.sub(lambda m: _note(ignored, m.group(0)), text)
    parts = _split(blanked)
    address_like = _ADDRESS_LIKE.search(blanked) is not None or len(parts) > 1
    mentions: list[Mention] = []
    others: list[Mention] = []
    for index, (offset, part) in enumerate(parts):
        for m in _find(part, index, offset):
            if address_like and _is_street(blanked, m):
                ignored.append(f"{m.surface}: a street or building name, not a location")
            elif m.place.xinjiang:
                mentions.append(m)
            else:
                others.append(m)
    if not mentions:
        return Location(ignored=tuple(ignored))
    foreign, china = _countries(parts)
    if foreign and not china:
        names = ", ".join(m.surface for m in mentions)
        return Location(ignored=(*ignored, f"{names}: the country part is {foreign}"))
    counted = _with_context(mentions, ignored)
    if not counted:
        return Location(ignored=tuple(ignored))
    deciding = _decide(counted + others)
    if not deciding.place.xinjiang:
        ignored.append(
            f"{', '.join(m.surface for m in counted)}: the address is in "
            f"{deciding.place.label} ({deciding.surface}, {deciding.place.part} of the address "
            "decides)"
        )
        return Location(ignored=tuple(ignored))
    places = tuple(dict.fromkeys(m.place for m in counted))
    reason = (
        f"{_script_label(deciding)}: {deciding.surface} = {deciding.place.label}, "
        f"{deciding.place.part} of the address"
    )
    if others:
        # The address names another Chinese province or city too: say which part decided.
        reason += f" (the {deciding.place.part} decides over {others[0].surface})"
    return Location(places, reason, tuple(ignored))


def _note(ignored: list[str], span: str) -> str:
    ignored.append(f"{span.strip()}: a person line, not read")
    return " " * len(span)


def _split(text: str) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    start = 0
    for m in _PARTS.finditer(text):
        out.append((start, text[start : m.start()]))
        start = m.end()
    out.append((start, text[start:]))
    return [(o, p) for o, p in out if p.strip()]


@lru_cache(maxsize=1)
def _cjk_countries() -> tuple[tuple[str, ...], dict[str, str]]:
    """Chinese country names (for addresses that start with the country), and their English."""
    names = {k: n for k, n in _country_keys()[0].items() if is_cjk(k)}
    return tuple(names), names


@lru_cache(maxsize=1)
def _country_keys() -> tuple[dict[str, str], frozenset[str]]:
    """Country names (English, Chinese, Russian, Uyghur, Turkish, Kazakh, German, French: CLDR
    via Babel) to their English name; and the keys that are China (mainland)."""
    from babel import Locale

    names: dict[str, str] = {}
    english = Locale("en").territories
    china: set[str] = {
        "prc",
        "prchina",
        "peoplesrepublicofchina",
        "中华人民共和国",
        "中國",
        "кнр",
        "китайскаянароднаяреспублика",
        "xitay",
        "جۇڭگو",
        "خىتاي",
    }
    for lang in ("en", "zh", "zh_Hant", "ru", "ug", "tr", "kk", "de", "fr", "uz", "ky"):
        for code, name in Locale.parse(lang).territories.items():
            if not code.isalpha() or len(code) != 2 or code in ("EU", "EZ", "UN", "QO", "ZZ"):
                continue
            key = key_of(name)
            if code == "CN":
                china.add(key)
            elif key and len(key) >= 4:
                names.setdefault(key, english[code])
    # Names CLDR does not give: short forms, Kazakh in Latin script (official since 2021).
    for alias, code in (
        ("usa", "US"),
        ("uk", "GB"),
        ("turkey", "TR"),
        ("russia", "RU"),
        ("рф", "RU"),
        ("российскаяфедерация", "RU"),
        ("russianfederation", "RU"),
        ("qazaqstan", "KZ"),
        ("qazaqstanrespublikasy", "KZ"),
    ):
        names[alias] = english[code]
    return names, frozenset(china)


def _countries(parts: list[tuple[int, str]]) -> tuple[str, bool]:
    """The foreign country the address names in a part of its own (or at the end of its last
    part), and whether it names China."""
    names, china_keys = _country_keys()
    foreign = ""
    china = False
    for i, (_, part) in enumerate(parts):
        words = [key_of(w) for w in _WORD.findall(normalize(part))]
        if not words:
            continue
        stripped = part.strip()
        candidates = {"".join(words)}
        if i == len(parts) - 1:
            candidates.update("".join(words[-n:]) for n in (1, 2, 3) if len(words) >= n)
        if re.fullmatch(r"[A-Z]{2}", stripped) and i == len(parts) - 1:
            from babel import Locale

            territory = Locale("en").territories.get(stripped)
            if territory and stripped != "CN":
                foreign = foreign or territory
            china = china or stripped == "CN"
            continue
        if candidates & china_keys or any(k.startswith(("中国", "中國")) for k in candidates):
            china = True
        elif is_cjk(words[0]):
            # Chinese addresses start with the country: 哈萨克斯坦阿拉木图市...
            prefixes, english = _cjk_countries()
            if words[0].startswith(prefixes):
                foreign = foreign or next(english[k] for k in prefixes if words[0].startswith(k))
        for key in candidates:
            if key in names:
                foreign = foreign or names[key]
    return foreign, china


def _find(part: str, index: int, offset: int) -> list[Mention]:
    """The place words of one address part: Xinjiang places and China's other provinces and
    cities, longest first, none inside another."""
    gaz = gazetteer()
    china_zh, china_latin = china_places()
    found: list[tuple[int, int, Mention]] = []
    if is_cjk(part):
        pattern, xinjiang_keys = _cjk_pattern()
        for m in pattern.finditer(part):
            key = m.group(0)
            forms = xinjiang_keys.get(key)
            if forms:
                form = forms[0]
                mention = Mention(form.place, key, form.script, index, offset + m.start(), form)
            else:
                mention = Mention(china_zh[key], key, "zh-Hans", index, offset + m.start())
            found.append((m.start(), m.end(), mention))
    words = [(m.start(), m.end(), key_of(m.group(0))) for m in _WORD.finditer(part)]
    words = [(s, e, k) for s, e, k in words if k and not is_cjk(k)]
    for i, (start, _, first) in enumerate(words):
        if first not in gaz.starts and first not in china_latin:
            continue
        joined = ""
        for j in range(i, min(len(words), i + gaz.longest)):
            if j > i and part[words[j - 1][1] : words[j][0]].strip(" .") != "":
                break  # words joined across punctuation are not one name
            joined += words[j][2]
            end = words[j][1]
            if joined not in gaz.starts and joined not in china_latin:
                break
            if j > i and (_hyphen_after(part, end) or _hyphen_before(part, start)):
                continue  # syllables cut out of a hyphenated word ("Ku Cha-hyong")
            forms = gaz.words.get(joined)
            if forms:
                form = forms[0]
                found.append(
                    (
                        start,
                        end,
                        Mention(
                            form.place, part[start:end], form.script, index, offset + start, form
                        ),
                    )
                )
            elif j == i and joined in china_latin:
                found.append(
                    (
                        start,
                        end,
                        Mention(
                            china_latin[joined], part[start:end], "latin", index, offset + start
                        ),
                    )
                )
    found.sort(key=lambda t: (t[0], -(t[1] - t[0])))
    out: list[Mention] = []
    taken_until = -1
    for start, end, mention in found:
        if start < taken_until:
            continue  # inside a longer name already found (喀什 of 喀什地区)
        out.append(mention)
        taken_until = end
    return out


@lru_cache(maxsize=1)
def _cjk_pattern() -> tuple[re.Pattern[str], dict[str, tuple[Form, ...]]]:
    """One pattern of every Chinese place key, longest first: at each position the longest name
    (喀什地区 before 喀什), as the word names are."""
    xinjiang_keys = gazetteer().cjk
    keys = sorted({*xinjiang_keys, *china_places()[0]}, key=lambda k: (-len(k), k))
    return re.compile("|".join(map(re.escape, keys))), xinjiang_keys


def _hyphen_after(text: str, end: int) -> bool:
    return text[end : end + 1] == "-" and text[end + 1 : end + 2].isalpha()


def _hyphen_before(text: str, start: int) -> bool:
    return start >= 2 and text[start - 1] == "-" and text[start - 2].isalpha()


def _is_street(text: str, m: Mention) -> bool:
    end = m.start + len(m.surface)
    after = text[end : end + 24]
    if is_cjk(m.surface):
        return _CJK_STREET.match(after) is not None
    if _LATIN_STREET.match(after) or _STREET_BEFORE.search(text[max(0, m.start - 10) : m.start]):
        return True
    # Russian street adjectives: Кашгарская улица, Урумчинская ул.
    return bool(re.match(r"^\w{0,4}(?:ая|ий|ый)\s+(?:ул|улица|пр)", after, re.IGNORECASE))


def _with_context(mentions: list[Mention], ignored: list[str]) -> list[Mention]:
    """The mentions that count: a name that needs context counts beside another that does not."""
    solid = [m for m in mentions if not (m.form and m.form.needs_context)]
    if solid:
        return mentions
    for m in mentions:
        ignored.append(
            f"{m.surface}: also a place elsewhere in China or a common word, and no other "
            "Xinjiang place beside it"
        )
    return []


def _decide(mentions: list[Mention]) -> Mention:
    """The mention that places the address. Chinese is written largest unit first: the first
    province or city named decides (乌鲁木齐市北京南路8号, 上海办事处 is in Urumqi). Other scripts
    are written smallest first: the largest unit decides, the last of two of one size."""
    cjk_top = [m for m in mentions if is_cjk(m.surface) and m.place.rank >= 3]
    if cjk_top:
        return min(cjk_top, key=lambda m: m.start)
    top = max(m.place.rank for m in mentions)
    best = [m for m in mentions if m.place.rank == top]
    if len({m.place.xinjiang for m in best}) == 1:
        return min(best, key=lambda m: m.start) if best[0].place.xinjiang else best[0]
    cjk = [m for m in best if is_cjk(m.surface)]
    if cjk:
        return min(cjk, key=lambda m: m.start)
    return max(best, key=lambda m: m.start)


def _script_label(m: Mention) -> str:
    if m.script == "pinyin-tones" and not _TONES.search(m.surface):
        return SCRIPT_LABELS["pinyin"]
    if (
        not is_cjk(m.surface)
        and m.surface.isascii() is False
        and not re.search("[\u0400-\u04ff\u0600-\u06ff]", m.surface)
    ):
        if _TONES.search(m.surface):
            return SCRIPT_LABELS["pinyin-tones"]
        if _ULY_LETTERS.search(m.surface):
            return SCRIPT_LABELS["ug-Latn"]
    return SCRIPT_LABELS.get(m.script, m.script)


def may_hold_xinjiang_place(texts: list[str]) -> list[str]:
    """The texts in which :func:`xinjiang_places` may find something, picked column-wise: any
    with a character beyond ASCII (Chinese, Uyghur, Cyrillic, accents: the gazetteer decides),
    and ASCII texts whose letters and digits, run together and lower-cased, contain a Xinjiang
    Latin place key (consecutive words of the text run together are a part of that string)."""
    if not texts:
        return []
    s = pl.Series(texts, dtype=pl.String)
    run = s.str.to_lowercase().str.replace_all(r"[^a-z0-9]+", "")
    latin = sorted(k for k in gazetteer().words if k.isascii())
    maybe = s.str.contains(r"[^\x00-\x7F]") | run.str.contains_any(latin)
    return s.filter(maybe).to_list()


def may_hold_place(text: str) -> bool:
    """:func:`may_hold_xinjiang_place` for one text, without polars (the bulk engine's forked
    workers must not use it: its thread pool may have been locked when they forked): True for
    any text beyond ASCII, and for ASCII text whose letters and digits, run together and
    lower-cased, contain a Xinjiang Latin place key."""
    if not text.isascii():
        return True
    run = text.encode("ascii").translate(_LOWER, _NOT_ALNUM)
    keys = _latin_keys()
    for i in range(len(run) - 3):  # every key has four letters or more
        found = keys.get(run[i : i + 4])
        if found is not None and any(run.startswith(k, i) for k in found):
            return True
    return False


_LOWER = bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ", b"abcdefghijklmnopqrstuvwxyz")
_NOT_ALNUM = bytes(c for c in range(256) if not (c < 128 and chr(c).isalnum()))


@lru_cache(maxsize=1)
def _latin_keys() -> dict[bytes, tuple[bytes, ...]]:
    """The Latin (ASCII) word keys of the gazetteer by their first four letters."""
    out: dict[bytes, list[bytes]] = {}
    for key in gazetteer().words:
        if key.isascii():
            out.setdefault(key[:4].encode("ascii"), []).append(key.encode("ascii"))
    return {k: tuple(v) for k, v in out.items()}


def xinjiang_postcode(text: str) -> str:
    """A Xinjiang postcode (83xxxx, 84xxxx) where it stands as a postcode: after a postcode label,
    or at the end of the address (a country may follow), or in a part with a place name; never a
    number inside a street, a house number or a telephone number, nor in a foreign address."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text)
    for m in _POSTCODE.finditer(text):
        before, after = text[: m.start()], text[m.end() :]
        if _PHONE_BEFORE.search(before) or re.match(r"^\s*(?:号|號|室|楼|樓|栋|弄|#)", after):
            continue
        if re.search(r"(?:no\.?|#|room|rm|unit|apt|№|д\.)\s*$", before, re.IGNORECASE):
            continue
        labelled = _POSTCODE_LABEL.search(before) is not None
        at_end = _rest_is_country(after)
        if not (labelled or at_end or _beside_place(before, after)):
            continue
        foreign, china = _countries(_split(text))
        if foreign and not china:
            continue
        return m.group(0)
    return ""


def _rest_is_country(after: str) -> bool:
    rest = [p.strip() for p in _PARTS.split(after) if p.strip(" .")]
    if not rest:
        return True
    names, china = _country_keys()
    return len(rest) == 1 and (key_of(rest[0]) in china or key_of(rest[0]) in names)


def _beside_place(before: str, after: str) -> bool:
    """The code shares its part with a place name only ("Urumqi 830011", "830011 Kashgar")."""
    left = _PARTS.split(before)[-1]
    right = _PARTS.split(after)[0]
    rest = (left + " " + right).strip()
    return bool(rest) and bool(_find(rest, 0, 0)) and not re.search(r"\d", rest)
