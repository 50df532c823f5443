"""Names cut at the field width: a bill-of-lading line that begins a listed name letter for letter.

Many bills of lading keep 35 characters of a name line and lose the rest ("HENGSHUI COTTON AND
LINEN CORPORATI", "HEZE COTTON AND LINEN TRADING DEVEL"). Where the listed name goes on past a
legal word or a joining word, its parse has parts the cut line lacks (its trade name may stand
after "Corporation"), so the trade names never meet. The line itself says more: 35 characters
that begin one listed name exactly, once punctuation and case are set aside, name that listed
name. A cut line that begins the names of several listed entities is reviewed against each
(the cut took what told them apart); one that begins none is left to the other rules.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, replace

from sourcetrace.matching.index import NameIndex
from sourcetrace.model import Decision, Hit
from sourcetrace.names.parse import BOL_NAME_WIDTH, ParsedName
from sourcetrace.names.text import fold
from sourcetrace.settings import Settings

_NOT_WORD = re.compile(r"[^a-z0-9]+")
# A line this long at least may have been cut: shorter ones are whole names (the parse reads them).
CUT_LINE_MIN = BOL_NAME_WIDTH - 1


def line_key(text: str) -> str:
    """A name line as the prefix table keys it: folded, "&" as "and", words of letters and
    digits separated by one space ("Co., Ltd." and "CO LTD" are one key)."""
    return _NOT_WORD.sub(" ", fold(text).replace("&", " and ")).strip()


def may_be_cut(raw: str) -> bool:
    """True for a line of the field width: 35 characters, or 34 when the cut fell after a word
    and the space was trimmed, or 36 with a final punctuation mark."""
    return CUT_LINE_MIN <= len(raw.strip()) <= BOL_NAME_WIDTH + 1


@dataclass(frozen=True)
class CutLines:
    """The listed names sorted by their line key, for prefix look-ups."""

    keys: tuple[str, ...]
    names: tuple[int, ...]  # index.names positions, in the order of keys

    @classmethod
    def of(cls, index: NameIndex) -> CutLines:
        """The table of an index's Latin names (a Chinese name is not cut at 35 letters)."""
        pairs = sorted(
            (line_key(n.value), i) for i, n in enumerate(index.names) if n.value.isascii()
        )
        return cls(tuple(k for k, _ in pairs), tuple(i for _, i in pairs))

    def beginning(self, key: str) -> list[int]:
        """The listed names whose key begins with this key."""
        found = []
        at = bisect_left(self.keys, key)
        while at < len(self.keys) and self.keys[at].startswith(key):
            found.append(self.names[at])
            at += 1
        return found


def cut_line_hits(
    parsed: ParsedName, hits: list[Hit], index: NameIndex, table: CutLines, settings: Settings
) -> list[Hit]:
    """The hits with the listed names a cut line begins raised: to ``match`` when they are one
    entity's, to ``review`` when several entities' (never lowered); others as they were."""
    if not may_be_cut(parsed.raw) or not parsed.raw.isascii():
        return hits  # the table holds Latin names only: a line in another script begins none
    key = line_key(parsed.raw)
    if len(key) < CUT_LINE_MIN // 2:
        return hits  # mostly punctuation: too little left to name one listed name
    begun = table.beginning(key)
    entities: dict[int, int] = {}  # entity -> its first listed name the line begins
    for n_idx in begun:
        entities.setdefault(index.names[n_idx].entity, n_idx)
    if not entities:
        return hits
    # (One company listed twice under one name, as the UFLPA list does, is one name here.)
    one = len({line_key(index.entities[e].caption) for e in entities}) == 1
    decision = Decision.MATCH if one else Decision.REVIEW
    floor = settings.match_threshold if one else settings.review_threshold
    by_entity = {h.entity.id: h for h in hits}
    out = list(hits)
    for e_idx, n_idx in entities.items():
        entity = index.entities[e_idx]
        listed = index.names[n_idx].value
        reason = (
            f"the line, cut at {BOL_NAME_WIDTH} characters, begins the listed name '{listed}' "
            "letter for letter"
            + ("" if one else f" (and {len(entities) - 1} other listed entities' names)")
        )
        prev = by_entity.get(entity.id)
        if prev is None:
            out.append(Hit(entity, listed, floor, decision, [reason]))
        elif prev.decision.rank < decision.rank:
            out[out.index(prev)] = replace(
                prev, matched_name=listed, score=max(prev.score, floor), decision=decision,
                reasons=[reason, *prev.reasons],
            )  # fmt: skip
    if out == hits:
        return hits
    # Best decision first; within one decision the matcher's own order stands (it breaks ties
    # on more than the score), and a raised or new hit comes after the hits already there.
    return sorted(out, key=lambda h: -h.decision.rank)
