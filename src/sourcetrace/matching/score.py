"""Scoring: combine the features into one calibrated score, a decision and plain-word reasons.

The algorithm is named and versioned (:data:`ALGORITHM`) so that a result can say how it was made.

score = the pair model's calibrated score (:mod:`sourcetrace.matching.model`): gradient-boosted
trees, monotone in each agreement, over the features of
:func:`~sourcetrace.matching.features.vector` (trade-name similarity by syllable for pinyin and by
letter otherwise, whole-name similarity, industry, region, script crossing, initials, how rare
the trade name is in the lists ...), trained on external
labelled pairs, with its review and match thresholds chosen on their validation split and mapped
onto the default settings' 0.70 and 0.88. Candidates come from the trade-name keys and from the
character n-gram retrieval of the whole name (and of its Latin transliteration), and from the
initials of the listed names.

A ``match`` needs score >= the match threshold *and* the names to agree: the trade names (trade
>= 0.9), one name the initials of the other, or every word of the shorter whole name (of two
words at least) inside the longer one; shared region, industry and legal-form words alone never
make a match. It is lowered to ``review`` when the trade name is only a country or area word
("China Trading") and the rest of the names differ, when English words are written apart on one
side only ("Nine Star" against "Ninestar"), and when the region is named on one side only and
the whole names are not spelled alike (a Chinese trade name is registered per region: the same
trade name elsewhere is often another company). Weak aliases (unverified
names) and inferred list names are capped at ``review``. A valid USCC equal on both sides is a
match whatever the names say.

Version 3 adds (see docs/matching.md): a pair spelled alike but not decided ``match`` is scored
again with the query's typing slips read as the listed name's words (:mod:`.spelling`), kept when
the trade names then hold the same words; the same words in another order (three at least) agree
whatever the parse took for a place; a rare, coined trade name beside only trading, group or
holding words is ``review`` (a trading arm); a trade name of three letters or fewer matches only
with the rest of the name spelled alike.

Version 5 adds: a pair is scored again with the query's abbreviations read as the listed name's
words outside its trade name (:mod:`.abbreviation`: "MNG" as "mining", "S&T", a hyphen on one
side only), and a string neighbour with such a reading is scored at all; a pinyin trade name
that only reads as pinyin through a syllable no name is written in ("teida": tei-da) is
compared by letter, as a slip, not as another syllable. It reads a Chinese name in the listed
Latin name's words (:mod:`sourcetrace.names.reading`: 制药 as "pharmaceutical"), and organisation
and industry words of other languages as the English word of the same rigour symbol before the
trade name is taken (:mod:`sourcetrace.names.symbols`: "Grupp" Group, "Zavod" Factory,
"Концерн" Concern, NPP for Scientific Production Enterprise).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA
from rapidfuzz.utils import default_process

from sourcetrace.matching import features
from sourcetrace.matching.abbreviation import abbreviates
from sourcetrace.matching.index import IndexedName
from sourcetrace.matching.model import model_version, pair_model
from sourcetrace.model import Decision, ListedEntity, NameKind
from sourcetrace.names.org_forms import form_first
from sourcetrace.names.parse import (
    ParsedName,
    parse_name,
    translated,
)
from sourcetrace.names.pinyin_names import full_pinyin
from sourcetrace.names.reading import reread
from sourcetrace.names.symbols import (
    institution,
)
from sourcetrace.names.text import (
    fold,
    latin_tokens,
    syllables,
)
from sourcetrace.names.vocabulary import (
    WEAK_CONCEPTS,
    english_text_words,
    vocabulary,
)
from sourcetrace.settings import Settings

# Bump on any change to parsing or scoring; the pair model's version is part of it.
ALGORITHM = "sourcetrace-learned-v11+" + model_version()
TRADE_AGREES = 0.9
# Whole-name agreement that stands in for the trade names' (a name whose parse failed, or one
# name's words all inside the other's): token-set and letter similarity at or above this.
WHOLE_AGREES = 0.95
TRADE_PART = 0.5  # below: the trade names are apart
# Initials decide a match alone from this length up (three-letter ones collide: screening the
# valid split's listed names against the others, most acronym alerts were three letters).
ACRONYM_MATCH = 4
_WHOLE_TOKENS = features.FEATURE_NAMES.index("whole_tokens")
_WHOLE_LETTERS = features.FEATURE_NAMES.index("whole_letters")
_REGION_ONE_SIDED = features.FEATURE_NAMES.index("region_one_sided")
_GENERIC = features.FEATURE_NAMES.index("trade_generic")
_ACRONYM = features.FEATURE_NAMES.index("acronym")
_CROSS = features.FEATURE_NAMES.index("cross_script")
_PLACE_ONLY = features.FEATURE_NAMES.index("place_only")
# A trade name shared by this many listed entities at most (one company is often listed under
# two or three lists or spellings) and this long at least is rare enough to go by alone for
# ``review`` (see _same_rare_trade).
RARE_TRADE_ENTITIES = 3
RARE_TRADE_LETTERS = 5
RARE_TRADE_SYLLABLES = 3
# Industry concepts that say what kind of establishment a company is, or how broadly it works,
# not its line of business ("Dagdizel Plant" and "Zavod Dagdizel" are one company): left out
# when industries are compared for a shared trade word (beyond_shared_word).
ESTABLISHMENT_CONCEPTS = frozenset(
    ["factory", "plant", "mill", "manufacturer", "manufacturing", "system", "solution", "service",
     "science technology", "science", "park", "supply", "chain", "economic"]
)  # fmt: skip
# Industry concepts that say a company trades or holds rather than what it makes.
TRADING_CONCEPTS = frozenset(
    ["trade commerce", "import export", "international trade", "commerce", "holding"]
)
# Zipf frequency (wordfreq) at or above which one English word shared alone does not make a
# ``match`` (_lone_common_word): 4.0 is ten per million words ("aviation" 4.2 in, "apex" 3.7 out).
LONE_WORD_ZIPF = 4.0
# Letter similarity (OSA) under which the words two trade names hold alone are apart.
OWN_WORDS_ALIKE = 0.5
SPELLED_ALIKE = 0.90  # WRatio (0-1) at or above which a listed name is never silently clear
# The model's features in plain words, for the reasons ("score carried by: ...").
_CARRIED = {
    "trade_exact": "the same trade name",
    "trade_rare": "a trade name that is rare in the lists",
    "trade": "trade-name similarity",
    "whole_letters": "the spelling of the whole name",
    "whole_tokens": "the words of the whole name",
    "industry_differs": "different industries",
    "region_differs": "different regions",
    "region_one_sided": "a region known on one side only",
    "cross_script": "Chinese characters read as pinyin",
    "industry_one_sided": "an industry named on one side only",
    "trade_generic": "a country or area word as the only trade name",
    "acronym": "one name the initials of the other",
    "trade_common": "a trade name many listed names share",
    "trade_short": "a short trade name",
    "place_only": "a place name as the only trade name",
    "parts": "trade name, industry and region together",
}
_KIND_WORDS = {
    NameKind.NAME: "listed name",
    NameKind.ALIAS: "listed alias",
    NameKind.PREVIOUS: "former name",
    NameKind.WEAK: "weak alias",
}  # trade names whose candidates a matcher remembers (Matcher._near)


@dataclass(frozen=True, slots=True)
class Scored:
    score: float
    decision: Decision
    reasons: tuple[str, ...]
    # The hand-set parts score, to order pairs the model scores alike (both near 1: the same
    # trade name in Chinese for two listed entities, one with a region in its name).
    parts: float = 0.0


def score_pair(
    query: ParsedName,
    cand: IndexedName,
    entity: ListedEntity,
    settings: Settings,
    covers_subordinates: bool = False,
    trade: float | None = None,
    trade_count: int = 1,
    entity_regions: frozenset[str] = frozenset(),
) -> Scored:
    """Score one query name against one listed name (``trade_count``: how many listed names
    share the candidate's trade key; ``entity_regions``: the regions of all the entity's names,
    which a short alias without its region, 七匹狼, still belongs to)."""
    c = cand.parsed
    read = reread(query, c)  # a Chinese name read in a Latin name's words (names.reading)
    notes: list[str] = []
    if read is not None:
        if _reading_changes(query, c, read[0], read[1]):
            notes = read[2].notes()
        query, c = read[0], read[1]
    if trade is None:
        trade = features.trade_name(query, c)
    ind = features.industry(query, c)
    reg = features.region(query, c)
    model = pair_model()
    x = features.vector(query, c, trade_count, trade)
    score = model.score(x)
    reasons: list[str] = []
    kind = _KIND_WORDS[cand.kind]
    if trade >= TRADE_AGREES and _spelled_otherwise(query, c):
        reasons.append(f"trade name '{' '.join(query.trade)}' is spelled like '{' '.join(c.trade)}'"
                       f" of {kind} '{cand.value}'")  # fmt: skip
    elif trade >= TRADE_AGREES:
        words = " ".join(c.trade)
        reasons.append(f"trade name '{words}' agrees with {kind} '{cand.value}'")
    elif trade > 0 and query.trade_key == c.trade_key:
        reasons.append(f"trade name '{' '.join(query.trade)}' is written as separate words on "
                       f"one side only ({kind} '{cand.value}'): another name in English")  # fmt: skip
    elif trade > 0:
        reasons.append(f"trade name only partly agrees with {kind} '{cand.value}' ({trade:.2f})")
    if query.script != c.script and "latin" in (query.script, c.script):
        reasons.append("compared across scripts through pinyin and the glossary")
    reasons.extend(notes)
    if features.crosses_script(query, c):
        zh, latin = (query, c) if query.script == "zh" else (c, query)
        if translated(zh, latin) and zh.trade_key != latin.trade_key:
            reasons.append(f"the Chinese trade name translates as '{' '.join(latin.trade)}' "
                           "(CC-CEDICT)")  # fmt: skip
    is_acronym = bool(x[_ACRONYM])
    if is_acronym:
        reasons.append(f"one name is the initials of the other ({kind} '{cand.value}')")
    if ind == 1.0:
        reasons.append("industry agrees (" + ", ".join(sorted(c.industry)) + ")")
    elif ind is not None and ind == 0.0:
        reasons.append(
            "industry differs ("
            + ", ".join(sorted(query.industry))
            + " vs "
            + ", ".join(sorted(c.industry))
            + ")"
        )
    if reg is False:
        reasons.append("region differs")
    elif reg is True:
        reasons.append("region agrees")
    # What carried the score is read from the trees only for pairs that can be reported (most
    # scored pairs fall under the review floor and are dropped: the walk costs as much again).
    if score >= settings.review_threshold:
        carried = [_CARRIED[name] for name, _ in model.strongest(x) if name in _CARRIED]
        if carried:
            reasons.append("score carried by: " + ", ".join(carried))

    # (Trade names one pinyin syllable apart are told apart below, whatever the whole names.)
    # The same words in another order ("JUCHENG TITANIUM INDUSTRY BAOJI" for "Baoji Jucheng
    # Titanium Industry"): one name, whatever the parse made of a word it took for a place.
    same_words = (
        len(query.plain.split()) >= 3 and not c.trade_from_region
        and sorted(query.plain.split()) == sorted(c.plain.split())
    )  # fmt: skip
    if same_words and trade < TRADE_AGREES:
        reasons.insert(0, f"the same words as {kind} '{cand.value}' in another order")
    whole = same_words or (
        x[_WHOLE_TOKENS] >= WHOLE_AGREES
        and min(len(query.plain.split()), len(c.plain.split())) >= 2
        and not (query.trade_from_region or c.trade_from_region)
    )
    decision = _decide(score, max(trade, TRADE_AGREES if is_acronym or whole else 0.0), settings)
    if (
        decision is Decision.MATCH and is_acronym and trade < TRADE_AGREES and not whole
        and min(len(query.trade_key), len(c.trade_key)) < ACRONYM_MATCH
    ):  # fmt: skip
        decision = Decision.REVIEW
        reasons.append(f"initials of fewer than {ACRONYM_MATCH} letters name many companies")
    support: frozenset[str] = frozenset()  # across scripts, what backs the trade name
    if decision is not Decision.CLEAR and features.crosses_script(query, c):
        # Characters against Latin letters: the industry or region must back the trade name.
        decision, support = _cross_script(query, c, decision, trade, ind, reg, reasons)
        decision = _translated_common_word(query, c, decision, support, reasons)
        decision = _translated_word_says_less(query, c, decision, support, reasons, entity)
    backed = bool(support)
    if decision is not Decision.CLEAR and trade < TRADE_PART and not (is_acronym or whole):
        # Trade names apart and no whole-name agreement: a shared word ("XPCC" inside "XPCC
        # First Division") is all there is; spelled_alike() says so when the spellings are close.
        decision = Decision.CLEAR
    if decision is not Decision.CLEAR and features.syllables_differ(query, c):
        decision = Decision.CLEAR
        reasons.insert(0, f"trade name '{' '.join(query.trade)}' is another pinyin syllable "
                          f"than '{' '.join(c.trade)}': another character, another company")  # fmt: skip
    one_sided_region = query.trade_from_region != c.trade_from_region and not same_words
    if decision is not Decision.CLEAR and (
        one_sided_region or (c.trade_from_region and ind != 1.0)
    ):
        # A place name is all one side has for a trade name ("Kashgar Trading Ltd"): only the
        # industry agreeing (across scripts: sharing an industry word) makes it worth a look, never a match.
        # (The region agreeing is that same place word again: only the industry backs it.)
        decision = Decision.REVIEW if ind == 1.0 or support - {"region"} else Decision.CLEAR
        reasons.append("no distinctive trade name beyond the place name")
    if (
        decision is Decision.MATCH and 0 < len(c.trade_key) <= 3 and not is_acronym
        and x[_WHOLE_LETTERS] < WHOLE_AGREES
        # (A name cut at the field width differs only by what was cut off.)
        and not (query.truncated and c.plain.startswith(query.plain.rsplit(" ", 1)[0]))
    ):  # fmt: skip
        # Three letters ("A.T.E. International" / "ATE-Engineering") name many companies: the
        # rest of the name has to be spelled alike too.
        decision = Decision.REVIEW
        reasons.append("a trade name of three letters or fewer; the rest of the name differs")
    if decision is Decision.MATCH and x[_GENERIC] and x[_WHOLE_LETTERS] < WHOLE_AGREES:
        decision = Decision.REVIEW
        reasons.append("the trade name is only a country or area word; the rest of the name differs")
    # (Only for the same trade name: initials or a whole-name likeness say less of one company.)
    elsewhere = (
        bool(x[_REGION_ONE_SIDED]) and trade >= TRADE_AGREES
        and _region_of_entity(query, c, entity_regions)
    )  # fmt: skip
    if elsewhere and decision is Decision.MATCH:
        reasons.append("the region agrees with the region of the entity's other names")
    # A Latin query without the region a listed Chinese name gives, itself or through the
    # entity's other names ("Zhongtai Chemical Co." and 新疆中泰化学股份有限公司 or the stock short
    # name 中泰化学), is the case of the same query against the entity's English name: the custom
    # that lets an agreeing industry stand in for the region is the Chinese name's, not the query's.
    latin_query_lacks_region = (
        query.script == "latin" and c.script == "zh" and not query.regions
        and bool(c.regions or entity_regions)
    )  # fmt: skip
    region_one_side_only = (
        decision is Decision.MATCH and (x[_REGION_ONE_SIDED] or latin_query_lacks_region)
        and c.trade_key and query.trade_key
        and not (backed and not latin_query_lacks_region) and not elsewhere
        and (x[_CROSS] or fuzz.token_sort_ratio(query.plain, c.plain) < SPELLED_ALIKE * 100)
    )  # fmt: skip
    if region_one_side_only and _pinyin_short_name_backed(query, c):
        shared = ", ".join(sorted((query.industry & c.industry) - WEAK_CONCEPTS))
        reasons.append("a short Chinese name written in pinyin, which drops its region by "
                       f"custom: the industry agrees ({shared})")  # fmt: skip
    elif region_one_side_only and _coined_without_region(query, c, x, trade_count, ind):
        reasons.append(f"the region is named on one side only, but the trade name "
                       f"'{' '.join(c.trade)}' is a coined word, not pinyin a city may repeat")  # fmt: skip
    elif region_one_side_only:
        # (Unless the whole names are spelled alike, in any word order: a typo in the region
        # word, "Xingjiang", or a region after the trade name leaves it unknown on that side.)
        # A Chinese trade name is registered per region: without the region on one side, the
        # same trade name may well be another company in another city. (A short Chinese name
        # drops its region by custom, 中泰化学: across scripts an agreeing industry stands in.)
        decision = Decision.REVIEW
        reasons.append("the region is named on one side only: the same trade name may be "
                       "another company elsewhere")  # fmt: skip
    # A subsidiary or subordinate unit of an entity listed with them.
    if covers_subordinates and decision is not Decision.MATCH:
        if features.contains_name(query, c):
            score = max(score, 0.9)
            decision = Decision.MATCH if score >= settings.match_threshold else Decision.REVIEW
            reasons = [
                f"names a unit of '{cand.value}', which is listed '{_scope(entity)}'",
                *[r for r in reasons if "trade name" not in r],
            ]
        elif trade >= TRADE_AGREES and score >= settings.review_threshold * 0.9:
            score = max(score, settings.review_threshold)
            decision = Decision.REVIEW
            reasons.append(f"may be a subsidiary: the entity is listed '{_scope(entity)}'")
    if decision is Decision.CLEAR and _same_rare_trade(query, c, x, trade_count):
        score = max(score, settings.review_threshold)
        decision = Decision.REVIEW
        reasons.append(f"the rare trade name '{' '.join(c.trade)}' is the same and the rest of "
                       "the name says only trading, group or holding: perhaps the same group")  # fmt: skip
    apart = _own_words_apart(query, c) if decision is Decision.REVIEW else None
    if apart is not None and trade < TRADE_AGREES and not (is_acronym or whole):
        decision = Decision.CLEAR
        reasons.insert(0, f"the trade names share only '{apart[0]}'; their own words differ "
                          f"('{apart[1]}' / '{apart[2]}')")  # fmt: skip
    lone = _lone_common_word(query, c, ind, reg) if decision is Decision.MATCH else None
    if lone is not None:
        decision = Decision.REVIEW
        reasons.append(f"one common word, '{lone}', is all the names share; the rest differs: "
                       "perhaps another company of that name, a review at most")  # fmt: skip
    if decision is Decision.MATCH and _common_words_apart(query, c):
        decision = Decision.REVIEW
        reasons.append("the trade name is only common English words and the other words of the "
                       "names differ: perhaps another company of that name")  # fmt: skip
    if decision is Decision.MATCH and (cand.kind is NameKind.WEAK or not cand.verified):
        decision = Decision.REVIEW
        reasons.append("the matched name is unverified on the list")
    return Scored(min(score, 1.0), decision, tuple(reasons), x[-1])


@dataclass(frozen=True, slots=True)
class EntityParts:
    """What the names of one listed entity say beyond their trade names: the regions and the
    industries (weak concepts left out) any of them names. An entity whose names name none
    takes those of the listed entities sharing its trade name (its group: "Ninestar
    Corporation" those of "Zhuhai Ninestar Information Technology")."""

    regions: frozenset[str]
    industry: frozenset[str]


def beyond_shared_word(
    query: ParsedName,
    cand: IndexedName,
    scored: Scored,
    parts: EntityParts,
    trade_count: int,
    spelled_close: bool = False,
) -> Scored:
    """Hold an alert to what agrees beyond the shared trade word (version 6, issue 15).

    Many companies share a trade word ("Meike", "Zhongtai", "Western"), so an alert needs more
    than the word. Against it (*hard*): an industry named on both sides with no concept in
    common (trading, import-export and holding words aside; a word in common, "metal" in
    "nonferrous metal", or a query's industry word written anywhere in the listed name, is
    agreement), an industry the query names where the entity names none ("Zhejiang Ninestar
    Logistics" against "Ninestar Corporation"), a region named on both sides that differs;
    (*soft*) only trading words on the query's side ("Xinjiang Zhongtai Trading" against
    "Xinjiang Zhongtai Group": a trading arm is plausible). The industry named on one side only
    and the soft case count only for a common trade word. Industries are compared as lines of
    business (:func:`_business`: not factory, plant, system, technology). For it: an industry
    concept in common, or regions that meet below the province (the same prefecture or county:
    a province holds thousands of companies of one trade word).

    Something for it and something against: at most ``review``. Only soft against: at most
    ``review``. Hard against and nothing for it: ``clear`` when the trade word is common in
    company names (:func:`_common_trade_word`, or the listed word written apart as English
    words, "Nine Star Logistics") or when both the industry and the region differ; else at most
    ``review`` (a coined word, "Seine", in another line of business may still be a
    subsidiary). A region alone differing in a whole name spelled like the listed one (WRatio
    >= 0.90, ``spelled_close``) is at most ``review``: perhaps a slip in the region word
    ("Huzhou" for "Huizhou"). Nothing against: unchanged. The reason says which. The entity's
    regions and industries are those of all its names (its alias "Meike Co." stands for
    Jiangsu Meike *Solar*).
    """
    if scored.decision is Decision.CLEAR:
        return scored
    own = _business(query.industry - WEAK_CONCEPTS)
    made = own - TRADING_CONCEPTS
    common = _common_trade_word(cand.parsed, trade_count) or _english_phrase(query, cand.parsed)
    hard: list[str] = []
    soft = ""
    agrees: list[str] = []
    theirs = _business(parts.industry)
    if _words_of(own) & _words_of(theirs) or (made and _said_in(made, cand.parsed)):
        # (A word in common, "metal" in "nonferrous metal", or written in the listed name.)
        agrees.append("the industry")
    elif made and theirs:
        hard.append(
            "the industry differs (" + ", ".join(sorted(made)) + " vs "
            + ", ".join(sorted(theirs)) + ")"
        )  # fmt: skip
    elif made and common:
        # (A coined name, "Sugon", listed without an industry: "Sugon Information" is no other.)
        hard.append(f"the query names an industry ({', '.join(sorted(made))}) that the listed "
                    "entity's names do not")  # fmt: skip
    elif own and common:
        soft = f"the query names only trading ({', '.join(sorted(own))})"
    # (Said, not weighed: a coined name listed without an industry may be a subsidiary in any
    # line of business, so this decides nothing, but a reviewer of the pair reads it.)
    unnamed = (
        f"the query names an industry ({', '.join(sorted(made))}) that the listed entity's "
        "names do not"
        if made and not theirs and not common and not agrees else ""
    )  # fmt: skip
    province = ""  # said when the province alone agrees (no support, but not to be hidden)
    if query.regions and parts.regions:
        if not _regions_meet(query.regions, parts.regions):
            hard.append("the region differs")
        elif _regions_meet(query.regions, parts.regions, below_province=True):
            agrees.append("the city or prefecture")
        else:
            province = " (the province alone agrees: it holds many companies of one trade word)"
    if not hard and not soft:
        return scored
    words = " ".join(cand.parsed.trade) or cand.parsed.trade_key
    against = "; ".join([*(hard or [soft]), *([unnamed] if unnamed else [])])
    # (A region alone differing in a name spelled like the listed one may be a slip in the
    # region word, "Huzhou" for "Huizhou": a look, not a clear.)
    slip = spelled_close and hard == ["the region differs"]
    if agrees or not hard or slip or not (common or len(hard) >= 2):
        held = f" and {' and '.join(agrees)} agree" if agrees else " is shared"
        reason = (f"the trade name '{words}'{held}, but {against}: perhaps another company "
                  "sharing the name, a review at most")  # fmt: skip
        # (A pair the score left at `review` keeps its decision, but the reviewer is told what
        # differs: "Zhejiang Ninestar Logistics" against Ninestar Corporation of Zhuhai.)
        return Scored(scored.score, Decision.REVIEW, (*scored.reasons, reason), scored.parts)
    reason = (f"only the trade name '{words}' is shared{province}, and {against}: another "
              "company bearing a common trade word")  # fmt: skip
    return Scored(scored.score, Decision.CLEAR, (reason, *scored.reasons), scored.parts)


def _english_phrase(query: ParsedName, cand: ParsedName) -> bool:
    """The listed trade name written apart as English words ("Nine Star" for "Ninestar")."""
    english = features.english_words()
    return (
        len(query.trade) > len(cand.trade) and query.trade_key == cand.trade_key
        and all(w in english for w in query.trade)
    )  # fmt: skip


def _business(concepts: frozenset[str]) -> frozenset[str]:
    """The concepts that say a line of business: not the kind of establishment (factory, plant,
    system, NPP: ``ESTABLISHMENT_CONCEPTS`` and rigour's institution types) nor "technology",
    which Chinese names of every trade carry (科技)."""
    return frozenset(
        c for c in concepts if c not in ESTABLISHMENT_CONCEPTS and institution(c) is None
    )


def _words_of(concepts: frozenset[str]) -> set[str]:
    return {w for concept in concepts for w in concept.split()}


def _said_in(concepts: frozenset[str], cand: ParsedName) -> bool:
    """An industry word of the query written in the listed name all the same, outside what the
    parse read as its industry ("Shenhuo Coal and Electricity": "electricity" went to the trade
    name): a word of the listed name sharing its first four letters with a concept's word."""
    heads = {w[:4] for w in _words_of(concepts) if len(w) >= 4}
    return any(t[:4] in heads for t in cand.plain.split())


def pinyin_by_letter(query: ParsedName, cand: IndexedName, scored: Scored) -> Scored:
    """``clear`` a pinyin trade name that only partly agrees, letter by letter, with a listed
    trade name that is no pinyin (version 6, issue 15): "GU GE" (谷歌) and "GUGI", "DI DI" and
    "IDI", "BAO LI" and "BALLI". A pinyin syllable is a character: letters in common with a
    word that reads as no syllables are no agreement. Only for a query written a syllable a
    word, as pinyin names are read out (a bill of lading's joined or abbreviated words are left
    to the score); Latin letters on both sides; the trade names must differ in more than
    spacing.
    """
    if scored.decision is Decision.CLEAR:
        return scored
    c = cand.parsed
    # (Pinyin on both sides is features.syllables_differ's.)
    if not features.pinyin_letters_only(query, c):
        return scored
    reason = (f"the pinyin trade name '{' '.join(query.trade)}' shares only letters with "
              f"'{' '.join(c.trade)}' of {_KIND_WORDS[cand.kind]} '{cand.value}', which reads "
              "as no pinyin: another name")  # fmt: skip
    return Scored(scored.score, Decision.CLEAR, (reason, *scored.reasons), scored.parts)


def english_words_apart(
    query: ParsedName, cand: IndexedName, scored: Scored, trade: float
) -> Scored:
    """``clear`` a pair whose trade names are told apart by an English word that only looks like
    the listed one letter by letter (issue 15, version 7): "ZHUHAI ALPHA MICROELECTRONICS"
    against Zhuhai *Apex* Microelectronics, "WEIFANG ALLIANCE FOOD" against Weifang *Alice* Food.

    Pinyin is compared by syllable (:func:`features.syllables_differ`); English words were
    compared by letters, so two ordinary words sharing letters read as a typing slip. A clerk's
    slip of a listed word is rarely another correctly spelled English word two edits away, so
    such a word is another name. Narrowed to where a trade word is the name (measured on the
    external pairs' train and valid splits: the broader rule cleared real aliases):

    * the listed name is a Chinese company's, with a place in China (region, trade word,
      industry: the trade word is what tells companies apart), and the query's region, if it
      names one, does not differ;
    * one word apart on each side, the first of both trade names (the other trade words
      shared: "Microelectronics"); two or more words apart are rewordings ("Air and Space" /
      "Aerospace");
    * the query's word is an everyday English word (:func:`features.english_words`), two edits
      or more (OSA) from the listed one, not of one stem with it (four first letters in common:
      "Benevolent" / "Benevolence", "Computing" / "Computational"), not its beginning or an
      abbreviation of it (a cut, "INFO"), which other rules read;
    * the letters carried some agreement (trade similarity >= :data:`TRADE_PART`).
    """
    if scored.decision is Decision.CLEAR or trade < TRADE_PART:
        return scored
    apart = features.english_apart(query, cand.parsed)
    if apart is None:
        return scored
    a, b = apart
    if abbreviates(a, b) or abbreviates(b, a):
        return scored  # (an abbreviation is read by its own rule)
    reason = (f"the trade names differ in English words ('{a}' / '{b}' of "
              f"{_KIND_WORDS[cand.kind]} '{cand.value}'): two words alike in letters are two "
              "names, not a typing slip")  # fmt: skip
    return Scored(scored.score, Decision.CLEAR, (reason, *scored.reasons), scored.parts)


def numbered_otherwise(query: ParsedName, cand: IndexedName, scored: Scored) -> Scored:
    """``clear`` a pair whose names both carry numbers and share none (version 6, issue 15).

    Units of one organisation are told apart by their numbers ("... 772 Research Institute" and
    "... 702 Research Institute", "308 Aviation Repair Plant" and "360 ...", "77th Light
    Infantry Division" and "99th ..."): the rest of the names agreeing is no alert. The numbers
    are read in the parsed plain names (an address after a name, "RM 501 BLDG 2", is cut off
    by the parse); a name with numbers on one side only is not touched.
    """
    if scored.decision is Decision.CLEAR:
        return scored
    apart = features.numbered_apart(query, cand.parsed)
    if apart is None:
        return scored
    reason = _numbered_reason(apart, cand)
    return Scored(scored.score, Decision.CLEAR, (reason, *scored.reasons), scored.parts)


def _numbered_reason(apart: tuple[frozenset[str], frozenset[str]], cand: IndexedName) -> str:
    ours, theirs = apart
    return (f"numbered otherwise ({', '.join(sorted(ours))} vs {', '.join(sorted(theirs))}) "
            f"than {_KIND_WORDS[cand.kind]} '{cand.value}': another unit or company")  # fmt: skip


def _common_trade_word(cand: ParsedName, trade_count: int) -> bool:
    """A trade name many companies may bear: shared by more than :data:`RARE_TRADE_ENTITIES`
    listed entities, shorter than :data:`RARE_TRADE_LETTERS` letters, or one word that is
    English or pinyin of fewer than :data:`RARE_TRADE_SYLLABLES` syllables (中泰 zhongtai, 美科
    meike: each registered in many places; 七匹狼 qipilang is rarer)."""
    key = cand.trade_key.replace(" ", "")
    if trade_count > RARE_TRADE_ENTITIES or len(key) < RARE_TRADE_LETTERS:
        return True
    if len(cand.trade) != 1:
        return False
    word = cand.trade[0]
    cut = syllables(word)
    return word in features.english_words() or (cut is not None and len(cut) < RARE_TRADE_SYLLABLES)


def _regions_meet(
    ours: frozenset[str], theirs: frozenset[str], below_province: bool = False
) -> bool:
    """A region of one side inside or around one of the other's (a county in its prefecture);
    ``below_province``: both regions of the pair finer than a province (GB/T 2260 codes ending
    in 0000 are provinces)."""
    return any(
        (x.rstrip("0").startswith(y.rstrip("0")) or y.rstrip("0").startswith(x.rstrip("0")))
        and not (below_province and (x.endswith("0000") or y.endswith("0000")))
        for x in ours for y in theirs
    )  # fmt: skip


def words_within(query: ParsedName, cand: ParsedName) -> bool:
    """Every word of the shorter plain name, two words at least, stands in the longer one, and
    neither trade name is only a place: the whole-name agreement :func:`score_pair` counts."""
    a, b = set(query.plain.split()), set(cand.plain.split())
    if min(len(a), len(b)) < 2 or query.trade_from_region or cand.trade_from_region:
        return False
    return a <= b or b <= a


def _region_of_entity(query: ParsedName, cand: ParsedName, regions: frozenset[str]) -> bool:
    """A listed name without a region (a short alias: 七匹狼, 思念食品) whose entity's other names
    give a region the query's agrees with: the region is known on both sides after all."""
    if cand.regions or not query.regions or not regions:
        return False
    return any(
        x.rstrip("0").startswith(y.rstrip("0")) or y.rstrip("0").startswith(x.rstrip("0"))
        for x in query.regions for y in regions
    )  # fmt: skip


def _reading_changes(query: ParsedName, cand: ParsedName, q2: ParsedName, c2: ParsedName) -> bool:
    """Whether reading a Chinese name in the Latin name's words changed the trade names or the
    industries compared (then the reasons say what was read as what)."""
    weak = WEAK_CONCEPTS
    return (query.trade_key, cand.trade_key, query.industry - weak, cand.industry - weak) != (
        q2.trade_key, c2.trade_key, q2.industry - weak, c2.industry - weak
    )


def spelled_alike(
    query: ParsedName, cand: IndexedName, scored: Scored, settings: Settings
) -> Scored | None:
    """A ``clear`` pair whose whole names are spelled alike (WRatio >= 0.90): ``review`` when its
    parts do not contradict (the parse failed: an unknown abbreviation, a word split in two),
    else ``clear`` with a reason saying what differs; None when the spellings are not alike."""
    cutoff = SPELLED_ALIKE * 100
    whole = max(
        fuzz.WRatio(query.plain, cand.parsed.plain, score_cutoff=cutoff),
        fuzz.WRatio(fold(query.raw), cand.folded, processor=default_process, score_cutoff=cutoff),
    ) / 100.0
    if whole < SPELLED_ALIKE:
        return None
    kind = _KIND_WORDS[cand.kind]
    differs = differences(query, cand.parsed)
    alike = whole_names_alike(query.plain, cand.parsed.plain)
    if not differs and alike < SPELLED_ALIKE * 100:
        # WRatio's partial match: one name is a part of the other, the rest says nothing.
        longer = max(query.plain, cand.parsed.plain, key=len)
        differs = [f"only as a part of the longer name '{longer}'"]
    head = f"the whole name is spelled like {kind} '{cand.value}' ({whole:.2f})"
    if differs:
        return Scored(scored.score, Decision.CLEAR, (f"{head}, but " + "; ".join(differs),))
    score = max(scored.score, settings.review_threshold)
    reason = f"{head}; its parts could not all be compared (an unknown word or spelling)"
    return Scored(score, Decision.REVIEW, (reason, *scored.reasons))


def _same_rare_trade(
    query: ParsedName, cand: ParsedName, x: list[float], trade_count: int
) -> bool:
    """The same distinctive trade name, and one side's other words only generic ones ("Hoshine
    Trading Co", "Hoshine Group" against "Hoshine Silicon Industry Co"): a trading arm or the
    group of a listed company is worth a look, though the model, trained on names whose
    industries differ, scores such pairs low.

    Distinctive: five letters or more, in Latin letters on both sides, not a place, country or
    area word, not an English word (the English of CC-CEDICT's readings: "Golden", "Star"), not
    pinyin (a Chinese trade name is registered per region: "Zhonghe" in Sichuan is not the one
    in Xinjiang), and shared by at most :data:`RARE_TRADE_ENTITIES` listed entities; the regions
    do not differ. Generic: the side's
    industry words are all trading, import-export, group, holding or investment words.
    """
    if not _distinctive(query, cand, x, trade_count):
        return False  # (a pinyin trade name is registered per region: many companies share it)
    if features.region(query, cand) is False:
        return False
    q = query.industry - WEAK_CONCEPTS - TRADING_CONCEPTS
    c = cand.industry - WEAK_CONCEPTS - TRADING_CONCEPTS
    return not q or not c


def _distinctive(query: ParsedName, cand: ParsedName, x: list[float], trade_count: int) -> bool:
    """The same distinctive trade name on both sides: five letters or more, in Latin letters,
    not a place, country or area word, no English word, no pinyin (a pinyin trade name is
    registered per region), shared by at most :data:`RARE_TRADE_ENTITIES` listed entities."""
    key = cand.trade_key
    if (
        query.trade_key != key or len(key) < RARE_TRADE_LETTERS
        or trade_count > RARE_TRADE_ENTITIES
        or query.script != "latin" or cand.script != "latin"
        or query.trade_from_region or cand.trade_from_region
        or x[_PLACE_ONLY] or x[_GENERIC]
    ):  # fmt: skip
        return False
    return not any(w in features.english_words() or syllables(w) for w in cand.trade)


def _coined_without_region(
    query: ParsedName,
    cand: ParsedName,
    x: list[float],
    trade_count: int,
    ind: float | None,
) -> bool:
    """Whether a region named on one side only may be left out: the trade name is a coined,
    distinctive word (:func:`_distinctive`: "Caspro", "Nettrix", not the pinyin "Zhongtai" that
    many cities register) and the names share a line of business, standing in for the region
    ("CASPRO TECHNOLOGY CO., LTD" / "SHENZHEN CASPRO TECHNOLOGY CO., LTD"; not "Inspur Taiwan",
    which names none)."""
    return bool(ind) and _distinctive(query, cand, x, trade_count)


def _own_words_apart(query: ParsedName, cand: ParsedName) -> tuple[str, str, str] | None:
    """The words two trade names share, and the words each holds alone, when both hold words
    of their own and those are spelled apart ("Aurum Ship Management" / "Salina Ship
    Management", "Ozone Havacilik Savunma" / "Atadoruk Havacilik Savunma"): a shared trade or
    industry word the vocabulary lacks then carries the letter similarity, and the names are
    two companies of one trade. None otherwise."""
    if not (query.script == cand.script == "latin"):
        return None
    shared = set(query.trade).intersection(cand.trade)
    if not shared:
        return None
    own_q = [w for w in query.trade if w not in shared]
    own_c = [w for w in cand.trade if w not in shared]
    if not own_q or not own_c:
        return None
    a, b = " ".join(own_q), " ".join(own_c)
    if min(len(a), len(b)) <= 3 or features.is_area_words(own_q) or features.is_area_words(own_c):
        return None  # initials ("TD" for Trading House) or a place ("Hong Kong", "HK") alone
    if OSA.normalized_similarity(a.replace(" ", ""), b.replace(" ", "")) >= OWN_WORDS_ALIKE:
        return None
    return " ".join(w for w in cand.trade if w in shared), a, b


def _lone_common_word(
    query: ParsedName, cand: ParsedName, ind: float | None, reg: bool | None
) -> str | None:
    """The one word two names share when it is all one side's trade name, it is a *very*
    common English word, and the names differ beyond it (issue 15, "short or common trade words
    decide alone"); None otherwise.

    Once a legal form is read off ("PUBLICHNOE AKTSIONERNOE OBSCHESTVO CITY" is "city"), a lone
    common word is left to decide: "CITY PHARMA SARL", "NEW CITY", "CITY DEVELOPMENT" all met
    that listed company at ``match``. Such a pair is held at ``review`` when:

    - both names are in Latin letters, one side's whole trade name is the one word, and the
      other side holds it too;
    - the word is at or above :data:`LONE_WORD_ZIPF` in everyday English (wordfreq): "city"
      5.6, "united" 5.5, "region" 5.0, "aviation" 4.2 are; "apex" 3.7, "otto" 3.7, "lama" 3.5,
      "pulsar" 2.7 are not. Frequency, not dictionary membership: Apex and Pulsar are in every
      dictionary, yet a company named so is rare enough for its name to carry a pair;
    - the names differ beyond it: a word on one side only (:func:`_words_beyond`: "PHARMA",
      "DEVELOPMENT", "NEW", "LEGACY"), or a line of business (trading, holding and
      establishment words aside, and "technology", which names of every trade carry) named on
      one side only;
    - nothing else agrees: no industry word in common, the regions not agreeing.

    Measured on the external pairs' train split, chosen there and checked on valid (no test row
    read): see docs/matching.md, Version 8, "A lone common word". A first try, every common word
    (Zipf >= 3.5) with an industry on one side only, lost 15 true pairs ("APEX Systems" /
    "APEX", "OTTO" / "Otto Manufacturing", "AO NPP Pulsar") and was reverted."""
    if not (query.script == cand.script == "latin") or ind == 1.0 or reg is True:
        return None
    if len(query.trade) == 1 and query.trade[0] in cand.trade:
        word = query.trade[0]
    elif len(cand.trade) == 1 and cand.trade[0] in query.trade:
        word = cand.trade[0]
    else:
        return None
    if len(word) < 3 or word not in very_common_english():
        return None
    if query.plain == cand.plain:
        return None
    mine = _lines_of_business(query.industry)
    theirs = _lines_of_business(cand.industry)
    if _words_of(mine) & _words_of(theirs):
        return None  # a line of business in common: more than the word is shared
    return word if mine != theirs or _words_beyond(query, cand) else None


def _words_beyond(query: ParsedName, cand: ParsedName) -> bool:
    """A name word of three letters or more on one side that the other side does not write,
    nor any word of its first five letters ("Technologies" / "Technology" are one word). Not
    counted: a place or area word ("Planet Technology (Hong Kong)" is the same company's
    branch), and a word that alone reads as no name at all, only as an organisation, trading
    or industry word ("GROUP", "HOLDING", "INVESTMENT", "SAL": :func:`_name_word`); an industry
    is weighed as a line of business instead."""
    a, b = query.plain.split(), cand.plain.split()
    for own, other in ((a, b), (b, a)):
        heads = {w[:5] for w in other}
        for w in own:
            if (
                len(w) >= 3 and w[:5] not in heads and not features.is_area_words([w])
                and _name_word(w)
            ):  # fmt: skip
                return True
    return False


@lru_cache(maxsize=4096)
def _name_word(word: str) -> bool:
    """Whether a word read alone is a trade name word ("legacy", "pharmacy"), not only a legal
    form, an organisation, trading or industry word ("group", "sal", "pharma")."""
    return bool(parse_name(word).trade)


def _lines_of_business(concepts: frozenset[str]) -> frozenset[str]:
    """The concepts of a name that say a line of business, for :func:`_lone_common_word`: weak,
    establishment, trading and holding concepts left out, and technology ("Planet
    Technologies" / "Planet Technology" read as two concepts)."""
    return frozenset(
        c for c in _business(concepts - WEAK_CONCEPTS) - TRADING_CONCEPTS if "technolog" not in c
    )


# The table as read with the index cache (Matcher.cached), so that a bulk worker does not import
# wordfreq for it (as features.use_english_words).
_VERY_COMMON_READ: frozenset[str] | None = None


def use_very_common_english(words: frozenset[str]) -> None:
    """Make :func:`very_common_english` return ``words`` (as the index cache holds them)."""
    global _VERY_COMMON_READ
    _VERY_COMMON_READ = words


@lru_cache(maxsize=1)
def very_common_english() -> frozenset[str]:
    """English words of everyday text at or above :data:`LONE_WORD_ZIPF` (wordfreq's "small"
    list, shipped inside the package: nothing is downloaded), in Latin letters."""
    if _VERY_COMMON_READ is not None:
        return _VERY_COMMON_READ
    return frozenset(w for w in english_text_words(LONE_WORD_ZIPF) if w.isalpha())


def _common_words_apart(query: ParsedName, cand: ParsedName) -> bool:
    """Trade names of common English words only ("United General"), and industry or
    organisation words on both sides that share nothing, even broad ones ("Holding" against
    "Services"): many companies are named so, and the words beside the name tell them apart."""
    if not (query.script == cand.script == "latin" and query.industry and cand.industry):
        return False
    english = features.english_words()
    if not all(w in english for w in (*query.trade, *cand.trade)):
        return False
    a = {features.industry_concept(x) for x in query.industry}
    b = {features.industry_concept(x) for x in cand.industry}
    return a.isdisjoint(b)


def _spelled_otherwise(query: ParsedName, cand: ParsedName) -> bool:
    """Trade names in Latin letters on both sides, not the same letters in any order or spacing
    ("teida" / "taida"): a reason must not say the listed spelling was written."""
    return (
        query.script == cand.script == "latin" and query.trade_sorted != cand.trade_sorted
        and not (query.truncated and cand.trade_key.startswith(query.trade_key))
    )  # fmt: skip


def whole_names_alike(a: str, b: str) -> float:
    """Whole names alike in any word order or spacing (0-100), not as a part of the other."""
    return max(fuzz.token_sort_ratio(a, b), fuzz.ratio(a.replace(" ", ""), b.replace(" ", "")))


def differences(query: ParsedName, cand: ParsedName) -> list[str]:
    """What tells two names apart in plain words: trade names neither of which holds the other,
    regions, industries (empty when nothing contradicts)."""
    out: list[str] = []
    a, b = query.trade_key, cand.trade_key
    if (
        a and b and not (a in b or b in a)
        and features.trade_name(query, cand) < TRADE_AGREES
    ):  # fmt: skip
        out.append(f"trade name '{' '.join(query.trade)}' differs from '{' '.join(cand.trade)}'")
    if features.region(query, cand) is False:
        out.append("region differs")
    if features.industry(query, cand) == 0.0:
        out.append(
            "industry differs (" + ", ".join(sorted(query.industry - WEAK_CONCEPTS)) + " vs "
            + ", ".join(sorted(cand.industry - WEAK_CONCEPTS)) + ")"
        )  # fmt: skip
    return out


def _scope(entity: ListedEntity) -> str:
    notes = [x.scope_note for x in entity.listings if x.scope_note]
    return notes[0] if notes else "with subordinates"


def _industry_words(parsed: ParsedName) -> set[str]:
    return {w for concept in parsed.industry - WEAK_CONCEPTS for w in concept.split()}


def _cross_script(
    query: ParsedName, cand: ParsedName, decision: Decision, trade: float, ind: float | None,
    reg: bool | None, reasons: list[str],
) -> tuple[Decision, frozenset[str]]:
    """Chinese characters against a Latin name meet only on the sound or the sense of the trade
    name, which many companies share (homophones, common words): the trade name must agree (its
    pinyin syllables, or an English translation) and neither industry nor region may differ
    (then ``clear``); a ``match`` also needs an
    industry or region that agrees, else it is ``review``. The reason says which. Returns the
    decision and what backs the trade name: "industry" (a shared industry word agrees),
    "region", or "registered" (the whole names agree part for part); empty when nothing does."""
    if trade < TRADE_AGREES:
        return decision, frozenset()
    # "wool textile" and "textile" are both textile: concepts sharing a word do not conflict.
    near = ind == 0.0 and _industry_words(query) & _industry_words(cand)
    # A sense both names hold agrees, whatever else one of them may mean: 生物 is biological
    # and, in a short name, biotechnology (vocabulary.industry_short_for).
    shared = ind is not None and ind <= 0.5 and (query.industry & cand.industry) - WEAK_CONCEPTS
    if near or shared:
        ind = 1.0
    conflict = [w for w, bad in (("industry", ind == 0.0), ("region", reg is False)) if bad]
    if conflict:
        reasons.append(
            "the trade name agrees across scripts but the " + " and ".join(conflict)
            + " differ" + ("s" if len(conflict) == 1 else "") + ": another company named alike"
        )  # fmt: skip
        return Decision.CLEAR, frozenset()
    support = [w for w, good in (("industry", ind is not None and ind > 0.5), ("region", reg))
               if good]  # fmt: skip
    if support:
        reasons.append("the trade name agrees across scripts, and so does the "
                       + " and the ".join(support))  # fmt: skip
        return decision, frozenset(support)
    if _registered_without_region(query, cand):
        reasons.append("the whole names agree part for part: a registered name with no region "
                       "and no industry, as a firm registered across provinces and industries "
                       "writes it")  # fmt: skip
        return decision, frozenset({"registered"})
    reasons.append("only the trade name agrees across scripts: no industry or region on both "
                   "sides to tell a company named alike apart")  # fmt: skip
    return (Decision.REVIEW if decision is Decision.MATCH else decision), frozenset()


def _translated_common_word(
    query: ParsedName,
    cand: ParsedName,
    decision: Decision,
    support: frozenset[str],
    reasons: list[str],
) -> Decision:
    """A Chinese trade name met through its dictionary sense alone, when that sense is one
    everyday English word (at or above :data:`LONE_WORD_ZIPF`: 道理 "argument", 完美 "perfect",
    太阳 "sun"), with no industry or region agreeing, is ``clear``: companies of every country
    carry the word in their names, and neither the sound nor the characters were compared (the
    pair was ``review``, "only the trade name agrees across scripts"). With an industry or
    region agreeing it decides as before (西部黄金 and "Western Gold": ``match``). Two words
    ("east hope", 东方希望) or a rarer word ("camel", 骆驼: 3.6) carry the pair as before. Says
    so in ``reasons`` when it changes the decision."""
    if decision is Decision.CLEAR or support:
        return decision
    zh, latin = (query, cand) if query.script == "zh" else (cand, query)
    if len(latin.trade) != 1 or zh.trade_key == latin.trade_key or not translated(zh, latin):
        return decision
    word = latin.trade[0]
    if word not in very_common_english():
        return decision
    reasons.insert(0, f"the Chinese trade name meets '{word}' only through its sense, an "
                      "everyday English word many companies carry: no evidence of this one")  # fmt: skip
    return Decision.CLEAR


def _translated_word_says_less(
    query: ParsedName,
    cand: ParsedName,
    decision: Decision,
    support: frozenset[str],
    reasons: list[str],
    entity: ListedEntity,
) -> Decision:
    """A Chinese trade name met only through the sense of one English word, with nothing
    backing it, is ``clear`` against a Latin name with no Chinese place that names a line of
    business the Chinese name does not ("Pioneer Logistics" for 先锋, "Unite Resources" for 团结,
    "Triangle Technologies" for 三角集团), or of a listed entity one of whose names writes its
    legal form first, as Russian and other names do and a Chinese company's English name does
    not ("JSC Integral", "Limited Liability Company Vector": ``names.org_forms.form_first``):
    an English word is written by companies of every country. Not when the list gives the
    entity a Chinese-writing country (an English name that translates a Chinese company's may
    drop what its short name drops), nor on a name that says no more than the word ("Camel
    Group Co., Ltd." for 骆驼股份: ``review``), nor when the region or industry backs the sense.
    Says so in ``reasons`` when it changes the decision."""
    if decision is Decision.CLEAR or support or not CHINESE_COUNTRIES.isdisjoint(entity.countries):
        return decision
    zh, latin = (query, cand) if query.script == "zh" else (cand, query)
    if (
        len(latin.trade) != 1 or zh.trade_key == latin.trade_key or latin.regions
        or not translated(zh, latin)
    ):  # fmt: skip
        return decision
    more = sorted((latin.industry - WEAK_CONCEPTS) - zh.industry)
    # (Any name of the entity: "JSC Integral" is also listed as "OTKRYTOYE AKTSIONERNOYE
    # OBSCHESTVO INTEGRAL", a form rigour's table holds in Cyrillic only.)
    foreign = not more and any(form_first(n.value) for n in entity.names)
    if not (more or foreign):
        return decision
    said = ("the entity's name writes its legal form first, as names of other countries do"
            if foreign else f"the English name says more ({', '.join(more)}), with no Chinese "
            "place")  # fmt: skip
    reasons.insert(0, f"the Chinese trade name meets '{latin.trade[0]}' only through its sense, "
                      f"and {said}: an English word companies of any country carry")  # fmt: skip
    return Decision.CLEAR


# Countries whose companies' names are written in Chinese characters (ISO 3166 alpha-2).
CHINESE_COUNTRIES = frozenset(["cn", "hk", "mo", "tw"])


def _pinyin_short_name_backed(query: ParsedName, cand: ParsedName) -> bool:
    """Whether a short Chinese name written wholly in pinyin ("CHUAN NING SHENG WU", 川宁生物)
    has its region left out by the custom its characters follow: a short name drops the region,
    and across scripts an agreeing industry stands in for it (``_cross_script``). The pinyin
    says as much as the characters do (the trade names already agree syllable by syllable), so
    an industry sense both names hold (生物 shengwu: biological, and biotechnology in a short
    name) backs the trade name here too. A Latin name partly in English ("Chuanning Biotech")
    is not a Chinese name's pinyin: not backed."""
    if query.script != "latin" or cand.script != "latin" or query.regions or query.legal:
        return False
    shared = (query.industry & cand.industry) - WEAK_CONCEPTS
    if not shared or not query.trade_key.isascii() or syllables(query.trade_key) is None:
        return False
    return _written_in_pinyin(query.raw)


@lru_cache(maxsize=4096)
def _written_in_pinyin(raw: str) -> bool:
    """Whether a name is wholly pinyin cut into a Chinese name's parts (names.pinyin_names.full_pinyin)
    with an industry word read from its pinyin."""
    cut = full_pinyin(latin_tokens(fold(raw)), vocabulary())
    return cut is not None and bool(cut[1])


def _registered_without_region(query: ParsedName, cand: ParsedName) -> bool:
    """:func:`features.registered_without_region` (two pairs of the external train and valid
    splits hold it: too few for the trees to learn, see docs/matching.md, Version 8)."""
    return features.registered_without_region(query, cand)


def _decide(score: float, trade: float, settings: Settings) -> Decision:
    if score >= settings.match_threshold and trade >= TRADE_AGREES:
        return Decision.MATCH
    if score >= settings.review_threshold:
        return Decision.REVIEW
    return Decision.CLEAR
