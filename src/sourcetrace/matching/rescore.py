"""Rescoring: a pair scored again with the query read otherwise.

A pair spelled alike but not decided ``match`` is scored again (:func:`score_pair`) with the
query's typing slips read as the listed name's words (:func:`repaired`, :mod:`.spelling`), with
its abbreviations read as the listed name's words (:func:`expanded`, :mod:`.abbreviation`), or
with both in one name (:func:`slips_and_abbreviations`); the new decision is kept only when it
is higher, and its reasons say what was read.
"""

from __future__ import annotations

from sourcetrace.matching import features
from sourcetrace.matching.abbreviation import Reading, abbreviates, read_abbreviations, two_letters
from sourcetrace.matching.index import IndexedName
from sourcetrace.matching.score import Scored, differences, score_pair
from sourcetrace.matching.spelling import Repair, alike_as_written, repair
from sourcetrace.model import Decision, ListedEntity
from sourcetrace.names.parse import ParsedName
from sourcetrace.settings import Settings

CUT_READ = 0.01  # taken off the score of a cut line per word read (see rescored)


def repaired(
    query: ParsedName, cand: IndexedName, scored: Scored, entity: ListedEntity,
    settings: Settings, covers: bool, trade_count: int,
    entity_regions: frozenset[str] = frozenset(),
) -> Scored:
    """The pair scored again with the query's typing slips read as the listed name's words
    (:mod:`sourcetrace.matching.spelling`), when that decides it higher; else ``scored``.

    A slip in a vocabulary word (industry, region, legal form) only undoes a broken parse. An
    uncertain slip in the trade name (pinyin, or a short word) is a guess that the names are
    one: it makes a ``match`` only when the region or the industry agrees and neither differs,
    else ``review``.
    """
    return rescored(repair(query, cand.parsed), cand, scored, entity, settings, covers,
                    trade_count, entity_regions)  # fmt: skip


def rescored(
    fixed: Repair | None, cand: IndexedName, scored: Scored, entity: ListedEntity,
    settings: Settings, covers: bool, trade_count: int,
    entity_regions: frozenset[str] = frozenset(),
) -> Scored:
    """:func:`repaired`'s decision on a repair already made (see there)."""
    c = cand.parsed
    # Repaired, the trade names must hold the same words: a slip elsewhere in a long name
    # ("PROIZVODSTVENNOE OBEDINENIE FORT" / "... OBYEDINENIE KRISTALL") is no reason to match.
    if (
        fixed is None
        or not set(c.trade) <= set(fixed.parsed.tokens)
        or not set(fixed.parsed.trade) <= set(c.tokens)
        or not alike_as_written(fixed, c.plain)
    ):  # fmt: skip
        # (Alike as whole names, not as WRatio's part of the longer one: "ELECOM" read as
        # "TELECOM" is not "Suzhou Telecom Electric Plant"; a cut line as the listed name's
        # beginning.)
        return scored
    again = score_pair(fixed.parsed, cand, entity, settings, covers, None, trade_count,
                       entity_regions)
    if again.decision.rank <= scored.decision.rank:
        return scored
    words = ", ".join(f"'{a}' as '{b}'" for a, b in fixed.changes)
    head = f"read {words} (a typing slip)" if not fixed.read else (
        f"read {words} (a typing slip and an abbreviation)"
    )
    decision = again.decision
    if fixed.uncertain:
        reg = features.region(fixed.parsed, c)
        ind = features.industry(fixed.parsed, c)
        backed = (reg is True or ind == 1.0) and reg is not False and ind != 0.0
        if decision is Decision.MATCH and not backed:
            decision = Decision.REVIEW
            head += ("; a slip in the trade name matches only where the region or the industry "
                     "agrees")  # fmt: skip
        elif backed:
            head += " with the region or industry agreeing"
    # A cut line read to the end of its words is read, not written: it ranks after a listed
    # name that the line begins as written (two entities, "... Material Technology" and an
    # alias "... Materials Technology", both begun by "... NEW ENERGY MATERIAL TE").
    score = again.score - CUT_READ * len(fixed.changes) if fixed.cut else again.score
    return Scored(score, decision, (head, *again.reasons), again.parts)


COMPOSE_COSINE = 0.5  # string neighbours this close (n-gram cosine) are read both ways


def slips_and_abbreviations(query: ParsedName, cand: ParsedName) -> Repair | None:
    """The query with its typing slips *and* its abbreviations read as the listed name's words,
    one after the other ("HEFEI BITLNAD INFO TECH": 'bitlnad' as 'bitland' (a slip), then
    'INFO' as 'information'); None unless both were read.

    Either alone leaves such a name unread: the abbreviation reading needs the listed name's
    distinctive word written as it is, and the slip repair a name spelled like the listed one,
    which the abbreviations prevent. The slips are read first, then the abbreviations of the
    repaired name, each by its own rules; the decision is :func:`repaired`'s (the trade names
    must then hold the same words and the whole names be spelled alike). Two guesses in one
    name are one too many where either may be another company: a slip in a pinyin or short trade
    word (:attr:`Repair.uncertain`, "Hoep" for "Hope") is not composed with an abbreviation."""
    if not _may_abbreviate(query, cand):
        return None  # (most string neighbours: no word to read, spared the repair)
    fixed = repair(query, cand)
    if fixed is None or fixed.uncertain:
        return None  # two guesses in one name: not a slip that may be another company's name
    reading = read_abbreviations(fixed.parsed, cand)
    if reading is None:
        return None
    return Repair(reading.parsed, fixed.changes + reading.changes, fixed.uncertain, read=True)


def _may_abbreviate(query: ParsedName, cand: ParsedName) -> bool:
    """Some query word that the listed name lacks abbreviates a listed word the query lacks: a
    quick test that an abbreviation reading can change anything."""
    mine, theirs = set(query.tokens), set(cand.tokens)
    return any(
        w[0] == t[0] and (abbreviates(w, t) or two_letters(w, t))
        for w in mine - theirs for t in theirs - mine
    )  # fmt: skip


def expanded(
    query: ParsedName, cand: IndexedName, scored: Scored, entity: ListedEntity,
    settings: Settings, covers: bool, trade_count: int, reading: Reading | None,
) -> Scored:
    """The pair scored again with the query's abbreviations read as the listed name's words
    (:mod:`sourcetrace.matching.abbreviation`: "MNG" as "mining", "S&T" as "science and
    technology", "PUTECH" as "pu-tech"), when that decides it higher; else ``scored``.

    Read so, the query's trade name must be words of the listed name: an abbreviation restores
    an industry, region or legal word the parse lost, it never makes two trade names one. The
    pair is then decided by the ordinary rules, as if the clerk had written the words out, and
    the reason names each word read.
    """
    if reading is None or not set(reading.parsed.trade) <= set(cand.parsed.tokens):
        return scored
    if reading.into_trade and differences(reading.parsed, cand.parsed):
        return scored  # a word of the trade name read, and the names still differ elsewhere
    again = score_pair(reading.parsed, cand, entity, settings, covers, None, trade_count)
    if again.decision.rank <= scored.decision.rank:
        return scored
    words = ", ".join(f"'{a}' as '{b}'" for a, b in reading.changes)
    return Scored(again.score, again.decision, (f"read {words}", *again.reasons), again.parts)
