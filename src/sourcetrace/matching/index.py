"""The name index: built once per set of lists, it finds candidate names without scoring all pairs.

Each listed name is parsed once. Its trade name (字号) is indexed under blocking keys: the whole
trade key, each trade word, a six-letter prefix (for names cut at the field width) and every
one-letter deletion of the key (so one typo still meets: "zhongtia" and "zhongtai" share
"zhongta"). A query looks up the same keys and is scored only against the names it meets.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from sourcetrace.model import ListedEntity, NameKind
from sourcetrace.names.identifiers import check_uscc
from sourcetrace.names.parse import ParsedName, parse_name

MAX_POSTING = 5000  # keys shared by more names than this say nothing (e.g. "bureau")


@dataclass(frozen=True, slots=True)
class IndexedName:
    entity: int  # position in NameIndex.entities
    value: str
    kind: NameKind
    verified: bool
    parsed: ParsedName


def blocking_keys(parsed: ParsedName) -> set[str]:
    """The keys a name is filed under (and looked up by)."""
    key = parsed.trade_key
    if not key:
        return set()
    keys = {"k:" + key, "p:" + key[:6]}
    keys.update("t:" + t for t in parsed.trade if len(t) >= 3)
    if len(key) >= 5:
        keys.update("d:" + key[:i] + key[i + 1 :] for i in range(len(key)))
        keys.add("d:" + key)
    return keys


class NameIndex:
    """Every name of every listed entity, parsed and filed under its blocking keys."""

    def __init__(self, entities: list[ListedEntity]) -> None:
        self.entities = entities
        self.names: list[IndexedName] = []
        postings: dict[str, list[int]] = defaultdict(list)
        self.identifiers: dict[str, list[int]] = defaultdict(list)
        self.subordinate_names: list[int] = []
        for e_idx, entity in enumerate(entities):
            seen: set[str] = set()
            for name in entity.names:
                if name.value in seen:
                    continue
                seen.add(name.value)
                parsed = parse_name(name.value)
                n_idx = len(self.names)
                self.names.append(IndexedName(e_idx, name.value, name.kind, name.verified, parsed))
                for key in blocking_keys(parsed):
                    postings[key].append(n_idx)
                if entity.covers_subordinates:
                    self.subordinate_names.append(n_idx)
            for raw in entity.identifiers:
                check = check_uscc(raw)
                self.identifiers[check.code].append(e_idx)
        self.postings = {k: v for k, v in postings.items() if len(v) <= MAX_POSTING}

    def __len__(self) -> int:
        return len(self.names)

    def candidates(self, parsed: ParsedName, limit: int) -> list[int]:
        """Names sharing blocking keys with the query, most keys shared first."""
        counts: Counter[int] = Counter()
        postings = self.postings
        for key in blocking_keys(parsed):
            hits = postings.get(key)
            if hits:
                weight = 4 if key[0] == "k" else 1
                for n_idx in hits:
                    counts[n_idx] += weight
        return [n for n, _ in counts.most_common(limit)]
