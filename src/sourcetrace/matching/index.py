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
from sourcetrace.names.text import fold

# Keys shared by more names than this say nothing ("t:bureau", "p:mohamm"); whole-key and
# deletion keys are kept whatever their length, so an exact or one-typo trade name always meets.
MAX_POSTING = 200


@dataclass(frozen=True)  # no slots: pickles (index cache) several times faster
class IndexedName:
    entity: int  # position in NameIndex.entities
    value: str
    kind: NameKind
    verified: bool
    parsed: ParsedName
    folded: str  # the name folded, for tie-breaking on spelling


def blocking_keys(parsed: ParsedName) -> set[str]:
    """The keys a name is filed under (and looked up by)."""
    key = parsed.trade_key
    if not key:
        return set()
    keys = {"k:" + key, "p:" + key[:6]}
    keys.update("t:" + t for t in parsed.trade if len(t) >= 3)
    keys.add("d:" + key)
    if len(key) >= 4:
        keys.update("d:" + key[:i] + key[i + 1 :] for i in range(len(key)))
    return keys


class NameIndex:
    """Every name of every listed entity, parsed and filed under its blocking keys."""

    def __init__(self, entities: list[ListedEntity]) -> None:
        self.entities = entities
        self.entity_count = len(entities)
        self.names: list[IndexedName] = []
        postings: dict[str, list[int]] = defaultdict(list)
        self.identifiers: dict[str, list[int]] = defaultdict(list)
        self.subordinate_names: list[int] = []
        self.covers_subordinates: set[int] = set()
        for e_idx, entity in enumerate(entities):
            if entity.covers_subordinates:
                self.covers_subordinates.add(e_idx)
            seen: set[str] = set()
            for name in entity.names:
                if name.value in seen:
                    continue
                seen.add(name.value)
                parsed = parse_name(name.value)
                n_idx = len(self.names)
                self.names.append(
                    IndexedName(e_idx, name.value, name.kind, name.verified, parsed, fold(name.value))
                )
                for key in blocking_keys(parsed):
                    postings[key].append(n_idx)
                if e_idx in self.covers_subordinates:
                    self.subordinate_names.append(n_idx)
            for raw in entity.identifiers:
                check = check_uscc(raw)
                self.identifiers[check.code].append(e_idx)
        self.postings = {
            k: v for k, v in postings.items() if len(v) <= MAX_POSTING or k[0] in "kd"
        }

    def __len__(self) -> int:
        return len(self.names)

    def candidates(self, parsed: ParsedName, limit: int) -> list[int]:
        """Names sharing blocking keys with the query, most keys shared first."""
        counts: Counter[int] = Counter()
        postings = self.postings
        for key in blocking_keys(parsed):
            hits = postings.get(key)
            if hits:
                counts.update(hits)
                if key[0] == "k":
                    counts.update(hits)  # a whole-key hit counts double
        if len(counts) <= limit:
            return list(counts)
        return [n for n, _ in counts.most_common(limit)]
