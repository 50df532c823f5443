"""Bill-of-lading lines: the name cut off what follows it on the line.

Care-of parts, telephone numbers, an address after the legal form, a run of places after it, a
stock-exchange code: :func:`clean_line` keeps the name (:mod:`sourcetrace.names.parse` parses
it into its parts).
"""

from __future__ import annotations

import re
from functools import lru_cache

from sourcetrace.names.vocabulary import LEGAL_TOKENS, PLACE_TYPES, vocabulary

# Where the name ends on a bill-of-lading line: care-of, contact details, address markers.
_CUT_MARKS = (
    r"(?:c/o|c\.o\.|attn\b|tel\b|tel:|phone\b|fax\b|e-?mail\b|add(?:ress)?:|address\b)",
    r"(?:no\.?|room|rm|unit|floor|flr|bldg|building)\s*\d",
    r"\+?\d[\d\-\s]{6,}",
)
_CUT = re.compile("|".join(r"\s" + mark for mark in _CUT_MARKS), re.IGNORECASE)
_ADDRESS_WORDS = frozenset(
    ["no", "road", "rd", "street", "st", "avenue", "ave", "building", "bldg", "floor", "room", "rm", "unit", "district", "city", "town", "village", "province", "zone", "park", "industrial", "lu", "jie", "hao", "xiang", "cun", "zhen", "qu", "dao"]
)
_LEGAL_END = frozenset({"ltd", "limited", "inc", "corp", "corporation", "llc", "plc", "gongsi"})
_LEGAL_MID = re.compile(r"\b(?:ltd|limited|inc|corp|corporation|llc|plc|gongsi)\b\W*\s+\S", re.IGNORECASE)
# The same two patterns for ASCII text, searched in its lower case (same positions): without
# IGNORECASE, and with the cut's leading space taken out of the alternatives so the engine skips
# to the spaces, they find the same matches in about half the time (most names are ASCII).
_CUT_ASCII = re.compile(r"\s(?:" + "|".join(_CUT_MARKS) + ")")
_LEGAL_MID_ASCII = re.compile(_LEGAL_MID.pattern)


# Abbreviations written with a slash, which the tokens would split into letters: "I/E" is
# import and export on bills of lading ("JUNAN JINSHENG I/E CO LTD"; as "imp/exp", the table's
# "imp" and "exp" read it already).
_SLASHED = re.compile(r"(?<![a-z0-9/])i\s*/\s*e(?![a-z0-9/])", re.IGNORECASE)


def spell_slashed(line: str) -> str:
    """The line with its slashed abbreviations ("I/E") as the table's words ("impexp")."""
    if "/" not in line:
        return line
    return _SLASHED.sub(" impexp ", line)


# A number or a floor, room or unit with its number ("88", "18f", "b2", "501a"), not an ordinal.
_ADDRESS_NUMBER = re.compile(r"\d+[a-z]?|[a-z]\d+")


# A stock-exchange code after a name, as stock pages, filings and news write it: "(601212)",
# "(02899)", "(SHA:603185)", "[SHA:603260]", "(stock code: 601212.SH)", "(2899.HK)", "（002092）",
# the share class before it ("Class A (603260)", "Co Ltd-H (2899.HK)", "Class A 601311"); four
# digits alone in brackets need the exchange with them (a year is no code). A code
# names a listing, not the company: read as a trade word, it made the listed name itself
# "another company" ("Baiyin Nonferrous Group Co.Ltd(601212)" was cleared against its listing).
_STOCK_CODE = re.compile(
    r"(?:\s*-\s*[ah]\b|\s+class\s+[abh])?"
    r"(?:\s*[(\[（]\s*(?:(?:stock\s+code\s*[:：]?\s*|[a-z]{2,6}\s*[:：]\s*)\d{4,6}(?:\.[a-z]{2})?"
    r"|\d{4,6}\.[a-z]{2}|\d{5,6})\s*[)\]）]|(?<=\s[abh])\s+\d{6})\s*$",
    re.IGNORECASE,
)
# A legal form glued to the word before it, as some stock pages print a name
# ("Xinjiang JoinworldLtd", "Tianshan Aluminum GroupLtd"): a lower-case letter, then the form.
_GLUED_FORM = re.compile(r"(?<=[a-z])(?=(?:Ltd|Limited|LLC)\b)")


def stock_code_cut(text: str) -> str:
    """The name without a stock-exchange code (and share class) written after it."""
    if text[-1:] not in ")]）" and not text[-1:].isdigit():
        return text
    return _STOCK_CODE.sub("", text)
_NOT_KEY = re.compile(r"[^a-z0-9]")
# A street number, perhaps with a letter ("189", "18A"), once folded to lower case.
_BARE_NUMBER = re.compile(r"\d+[a-z]?")


@lru_cache(maxsize=65_536)
def word_key(word: str) -> str:
    """A word of a line as the address rules compare it: lower case, letters and digits only
    ("LTD.," -> "ltd"). Remembered: the rules ask it of every word of every line, and a bulk
    file's lines repeat their words (cities, industries, legal forms)."""
    return _NOT_KEY.sub("", word.lower())


# Remembered: the parse, the abbreviation reading and the initials of a name each clean its line.
@lru_cache(maxsize=65_536)
def clean_line(raw: str) -> tuple[str, bool]:
    """Cut bill-of-lading noise; returns the name and whether anything was cut."""
    text = _GLUED_FORM.sub(" ", " ".join(raw.split()))
    coded = stock_code_cut(text)
    if coded != text and coded.strip():
        return clean_line(coded)[0], True
    ascii_text = text.isascii()
    lower = text.lower() if ascii_text else ""
    m = _CUT_ASCII.search(lower) if ascii_text else _CUT.search(text)
    cut = False
    # Not when one word at most stands before the mark: "Shenyang No. 2 Laogai Detachment" and
    # "Yard No. 123 Acme" are names, not a name and an address.
    if m and m.start() > 0 and (
        len(text[: m.start()].split()) >= 2 or m.group().lstrip()[:2].lower() != "no"
        or street_follows(text[m.end() :])
    ):
        text, cut = text[: m.start()], True
        lower = lower[: m.start()]
    # A bare street number: "TBEA 189 BEIJING SOUTH ROAD CHANGJI" (no "No.").
    at = None if cut else street_number_at(text.split())
    if at:
        text, cut = " ".join(text.split()[:at]), True
        lower = text.lower() if ascii_text else ""
    # An address after the legal form: "XINJIANG ZHONGTAI CHEMICAL CO LTD NO 88 ... URUMQI".
    if not (_LEGAL_MID_ASCII.search(lower) if ascii_text else _LEGAL_MID.search(text)):
        at = (country_tail(text) or place_tail(text)) if ascii_text else None
        return (" ".join(text.split()[:at]), True) if at else (text, cut)
    words = text.split()
    for i, word in enumerate(words[:-1]):
        w = word_key(word)
        if w in _LEGAL_END and any(
            word_key(x) not in LEGAL_TOKENS for x in words[:i]
        ):  # a name may start with its legal form ("Limited Liability Company Acme")
            rest = [word_key(x) for x in words[i + 1 :]]
            # (A bare run of words after the legal form is a name written the Russian way,
            # "Research and Production Corporation Istok named after A.I. Shokin", not an
            # address; nor is one holding another legal word: "Public Limited Company X".)
            if "branch" in rest:
                continue  # "Acme Co., Ltd., Xinye Branch Co., Ltd.": the branch is the name
            legal = [x in LEGAL_TOKENS for x in rest]
            if rest and legal[-1] and 2 * sum(legal) > len(rest):
                # A second legal form, one word of it perhaps misspelled ("Tactical Missiles
                # Corporation Joynt Stock Company"): the name ends at the first.
                text = " ".join(words[: i + 1])
                cut = True
                break
            # (A number, or a floor or unit written with one, is an address: "CO LTD 18F NO 5
            # ..."; an ordinal is part of a name: "Co., Ltd. (CSIC) 709th Research Institute".)
            address = any(x in _ADDRESS_WORDS or _ADDRESS_NUMBER.fullmatch(x) for x in rest)
            # (A place in brackets is the name's own: "Corad Technology Ltd. (Shenzhen)".)
            bracketed = "(" in " ".join(words[i + 1 :])
            seat = seat_of(words[i + 1 :])
            if (address or seat or (places_only(rest) and not bracketed)) and not any(legal):
                text = " ".join(words[: i + 1])
                cut = True
                break
    return text, cut


# The country as a bill of lading writes it at the end of an address ("CHINA", "CN", "P.R.C.",
# "P.R. CHINA", "PEOPLE'S REPUBLIC OF CHINA"), each word as clean_line folds it.
_COUNTRY_WORDS = frozenset(["china", "cn", "prc", "pr", "p", "r", "c", "peoples", "republic", "of"])
_POSTCODE = re.compile(r"\d{6}")
# English words that make the word before them a place ("HUMEN TOWN", "NANLING COUNTY").
_NAMED_PLACE = frozenset(["county", "district", "town", "township", "city", "prefecture"])


def places_only(rest: list[str]) -> bool:
    """True when the words after a legal form are an address of places only.

    "TBEA CO LTD CHANGJI XINJIANG 831100 CN", "NINESTAR CORPORATION ZHUHAI GUANGDONG CHINA": a
    city, a province, a place word (county, district), a six-digit postcode and the country,
    with no street or number. Such a tail is where the company is, not part of its registered
    name (a region is written before the trade name, 企业名称登记管理规定 Art. 6), so it is cut
    like any address; read as the name's region, it made the same registered name look like a
    company of another place. Needs one place or country word; places of up to three words are
    joined as the gazetteer keys them ("wu lu mu qi"); a word the gazetteer lacks is a place
    when "county", "district", "town", "city" or "prefecture" follows it. A tail that begins with
    "of" goes on with the name ("Aviation Industry Corporation of China").
    """
    if rest and rest[0] == "of":
        return False  # "Aviation Industry Corporation of China": "of" goes on with the name
    places, counties = vocabulary().places_latin, vocabulary().counties_latin
    i, seen = 0, False
    while i < len(rest):
        word = rest[i]
        if word in _COUNTRY_WORDS:
            i, seen = i + 1, True
        elif not word or word in PLACE_TYPES or _POSTCODE.fullmatch(word):
            i += 1
        elif i + 1 < len(rest) and rest[i + 1] in _NAMED_PLACE:
            i, seen = i + 2, True  # a place the gazetteer lacks, said to be one: "NANLING COUNTY"
        else:
            n = next((n for n in (3, 2, 1) if "".join(rest[i : i + n]) in places), 0)
            # A county-level town the gazetteer lacks ("... CO LTD SHANGHANG FUJIAN"): a place
            # here only, after the legal form (counties.tsv, GB/T 2260).
            n = n or next((n for n in (2, 1) if "".join(rest[i : i + n]) in counties), 0)
            if not n:
                return False
            i, seen = i + n, True
    return seen


def seat_of(after: list[str]) -> bool:
    """True when the words after a legal form say where the company sits, as a filing or a
    press release writes it: "of", then a city and, past a comma, its province or country
    ("Ninestar Corporation of Zhuhai, China", "Acme Co., Ltd. of Ningbo, Zhejiang"). A country
    right after "of" is the name's own ("Aviation Industry Corporation of China, Beijing"), and
    so is a place with no comma after it ("Bank Corporation of Shanghai")."""
    keys = [word_key(w) for w in after]
    if len(keys) < 3 or keys[0] != "of" or keys[1] in _COUNTRY_WORDS:
        return False
    return "," in " ".join(after[1:-1]) and places_only(keys[1:])


# Street words that a number is followed by in an address ("NO 8 RENMIN RD").
_STREET_AFTER = frozenset(["road", "rd", "street", "st", "avenue", "ave", "lu", "jie", "lane"])


def street_follows(after: str) -> bool:
    """True when a street word stands within the four words after "No. <number>": the number is
    a street number, even after a one-word name ("SEPTWOLVES NO 8 RENMIN RD"). Without one it
    is part of the name ("Shenyang No. 2 Laogai Detachment", "Yard No. 123 Acme")."""
    words = [word_key(w) for w in after.split()[:4]]
    return not _STREET_AFTER.isdisjoint(words)


def street_number_at(words: list[str]) -> int | None:
    """Where a bare street number begins the address in a line ("TBEA 189 BEIJING SOUTH ROAD":
    1), or None.

    A number (or one with a letter, "18A") not first on the line, with a street word within the
    four words after it, as after "No." (``street_follows``): a number with no street after it
    stays part of the name ("Lien Yi Hsing 12", "Shenyang 2 Laogai Detachment").
    """
    for i in range(1, len(words) - 1):
        if _BARE_NUMBER.fullmatch(words[i].lower().strip(",.")) and street_follows(
            " ".join(words[i + 1 :])
        ):
            return i
    return None


def place_tail(text: str) -> int | None:
    """Where a trailing run of places begins in a line with no legal form and no country
    ("WESTERN GOLD URUMQI XINJIANG": 2), or None.

    Two gazetteer places at least, the last a province or region holding the one before it
    (its code's first two digits): a city and then its province is how an address is written,
    while a place that lost its brackets ("HOSHINE SILICON INDUSTRY SHANSHAN") is one place and
    stays a region of the name. A word that is no place must stay before the run, so a name of
    places only keeps them. County towns are not read here (a trade name often is one).
    """
    keys = [word_key(w) for w in text.split()]
    places = vocabulary().places_latin
    j, found = len(keys), []
    while j > 0:
        if keys[j - 1] and (keys[j - 1] in PLACE_TYPES or _POSTCODE.fullmatch(keys[j - 1])):
            j -= 1
            continue
        n = next((n for n in (3, 2, 1) if n <= j and "".join(keys[j - n : j]) in places), 0)
        if not n:
            break
        found.append(places["".join(keys[j - n : j])])
        j -= n
    if len(found) < 2 or not found[0].code.endswith("0000"):
        return None
    if not any(p.code[:2] == found[0].code[:2] for p in found[1:]):
        return None
    if not any(k and k not in places and k not in PLACE_TYPES for k in keys[:j]):
        return None
    return j


def country_tail(text: str) -> int | None:
    """Where an address of places ending in the country begins, in a line with no legal form
    ("SEPTWOLVES JINJIANG FUJIAN CHINA": 1); None when there is none.

    The line must end in "CHINA", "CN" or "PRC", with one gazetteer place at least before it
    (place words and postcodes may stand between), and keep a word that is no place before the
    tail: "Bank of China" has no place, "TIANJIN KUNYU CHINA" would leave a place alone (Kunyu
    is a trade name there), and keep their words.
    """
    keys = [word_key(w) for w in text.split()]
    if not keys or keys[-1] not in ("china", "cn", "prc"):
        return None
    places = vocabulary().places_latin
    j, seen = len(keys), False
    while j > 0:
        key = keys[j - 1]
        if not key or key in _COUNTRY_WORDS or key in PLACE_TYPES or _POSTCODE.fullmatch(key):
            j -= 1
            continue
        n = next((n for n in (3, 2, 1) if n <= j and "".join(keys[j - n : j]) in places), 0)
        if not n:
            break
        j, seen = j - n, True
    if not seen or not any(k and k not in places and k not in PLACE_TYPES for k in keys[:j]):
        return None
    return j
