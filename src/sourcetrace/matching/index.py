"""The name index: built once per set of lists, it finds candidate names without scoring all pairs.

Each listed name is parsed once. Beside the keys, every name is in a character n-gram index
(:mod:`sourcetrace.matching.ngrams`) that finds names close as strings whatever the parse. Its trade name (字号) is indexed under blocking keys: the whole
trade key, each trade word, a six-letter prefix (for names cut at the field width) and every
one-letter deletion of the key (so one typo still meets: "zhongtia" and "zhongtai" share
"zhongta"). A query looks up the same keys and is scored only against the names it meets.
"""

from __future__ import annotations

import gc
import re
from array import array
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from typing import Any

from sourcetrace.matching import features
from sourcetrace.matching.ngrams import NgramIndex
from sourcetrace.model import ListedEntity, NameKind
from sourcetrace.names.identifiers import check_uscc
from sourcetrace.names.parse import ParsedName, parse_name
from sourcetrace.names.reading import latin_keys
from sourcetrace.names.text import fold, has_cjk, latin_letters, latin_spellings, syllables

# Keys shared by more names than this say nothing ("t:bureau", "p:mohamm"); whole-key and
# deletion keys are kept whatever their length, so an exact or one-typo trade name always meets.
MAX_POSTING = 200


@dataclass(frozen=True)  # no slots: rebuilt from its __dict__ when the index cache is read
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
    keys = _trade_keys(key, parsed.trade)
    # A Chinese trade name is also filed under its English readings (东方希望: "k:easthope"), so
    # that a name translating it meets it in either direction.
    keys.update(["k:" + r for r in parsed.readings])
    if key.isascii():
        keys |= _spelling_keys(key, "y:")
    elif not has_cjk(key):
        # Cyrillic, Greek, Arabic ... also under its Latin spellings (anyascii, rigour): a Latin query
        # then meets a name listed in Cyrillic only ("Aeroskan", "Аэроскан"), and back.
        # Exact keys only, no one-letter deletions: a transliteration is a spelling already
        # ("БАЙ" is "bai", one letter from the listed "Bayi": another company).
        for spelling in latin_spellings(" ".join(parsed.trade)):
            words = tuple(spelling.split())
            keys |= _trade_keys("".join(words), words, deletions=False)
            keys |= _spelling_keys("".join(words))
    return keys


_ALPHABET = re.compile(r"[\u0370-\u03ff\u0400-\u04ff]")  # Greek, Cyrillic


def _spelling_keys(latin: str, prefix: str = "x:") -> set[str]:
    """The key of a trade name with the letters transliterations write apart folded to one
    (Aeroskan, Aeroscan: "x:aeroskan"). Names in another script are filed under "x:", Latin
    names under "y:"; a Latin query looks up both and a query in another script "y:" (see
    :func:`query_keys`), so that each meets the other script however it was transliterated, and
    two Latin romanisations of one name meet. Five letters or more, not pinyin
    (features.transliterated)."""
    if len(latin) < 5 or not latin.isascii() or syllables(latin) is not None:
        return set()
    return {prefix + features.transliterated(latin)}


def _trade_keys(key: str, trade: tuple[str, ...], deletions: bool = True) -> set[str]:
    whole = "d:" + key
    keys = {"k:" + key, "p:" + key[:6]}
    keys.update(["t:" + t for t in trade if len(t) >= 3])
    if deletions:
        keys.add(whole)
        if len(key) >= 4:  # "d:" + the key less its i-th letter
            keys.update([whole[: i + 2] + whole[i + 3 :] for i in range(len(key))])
    return keys


# How romanisations end a Russian place adjective in the lists' names (Kirovsky, Kirovskiy,
# Kirovski, Kirovskii), and a place named with "-sk" (Bryansk).
_ADJECTIVE_ENDINGS = ("sk", "sky", "skiy", "ski", "skii")


def place_keys(trade: tuple[str, ...]) -> set[str]:
    """Trade-word keys ("t:") of the place and its adjective for each trade word that is a
    romanised Russian place adjective or "-sk" place (features.place_stem): "Izhevsky Zavod"
    then meets "Izhevsk Plant" and "Bryansk" meets "Bryanski", which share no other key."""
    keys: set[str] = set()
    for word in trade:
        stem = features.place_stem(word)
        if stem != word:
            keys.add("t:" + stem)
            keys.update("t:" + stem + end for end in _ADJECTIVE_ENDINGS)
    return keys


def query_keys(parsed: ParsedName) -> set[str]:
    """The keys a query looks up: those it would be filed under, and for a name in Chinese
    characters those of the Latin names it may read as (科伦制药: "k:kelun", names.reading)."""
    keys = blocking_keys(parsed)
    if parsed.trade_key.isascii():
        # Latin: meets other scripts by spelling ("x:"), and Latin names spelled as another
        # romanisation of one name ("y:": "Fayn Layn" / "Fain Lain", features._romanised_alike)
        # when no trade word is English: an English word is no romanisation ("V Shipping" met
        # "WS Shipping" by it).
        if not any(w in features.english_words() for w in parsed.trade):
            keys |= _spelling_keys(parsed.trade_key) | place_keys(parsed.trade)
        else:
            keys = {k for k in keys if k[0] != "y"} | _spelling_keys(parsed.trade_key)
        # A Cyrillic name in the Polish spelling (sz, cz) meets it under "x:" only.
        keys |= _spelling_keys(features.polish_read(parsed.trade_key))
    else:
        keys |= {"y" + k[1:] for k in keys if k[0] == "x"}
    if parsed.script == "zh":
        keys |= latin_keys(parsed)
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
                whole = parse_name(name.value)
                # A listed name holding a Chinese name and its Latin one ("合盛硅业股份有限公司
                # Hoshine Silicon Industry Co. Ltd.") is filed under both parses.
                for parsed in (whole, whole.latin) if whole.latin is not None else (whole,):
                    n_idx = len(self.names)
                    self.names.append(IndexedName(
                        e_idx, name.value, name.kind, name.verified, parsed, fold(name.value)
                    ))  # fmt: skip
                    for key in blocking_keys(parsed):
                        postings[key].append(n_idx)
                    if e_idx in self.covers_subordinates:
                        self.subordinate_names.append(n_idx)
            for raw in entity.identifiers:
                check = check_uscc(raw)
                self.identifiers[check.code].append(e_idx)
        # How many listed entities share each trade key: a common trade name says less (an
        # entity's own aliases do not make its trade name common).
        owners: dict[str, set[int]] = defaultdict(set)
        for n in self.names:
            owners[n.parsed.trade_key].add(n.entity)
        self.trade_counts: dict[str, int] = {k: len(v) for k, v in owners.items()}
        # Every name as a whole string, for the candidates the keys miss (a bad parse).
        # A name in Cyrillic or Greek also in its Latin letters, one more row each after the
        # names' own: most queries are in Latin letters (the name "Аэроскан" is then near
        # "Aeroscan" as it is near "Аэроскан"). Alphabets only, written letter for letter:
        # romanised Hangul or Arabic (no vowels) brings other names together ("김종은" and
        # "김정은" are one letter apart). Not a trade name of four letters or fewer: an
        # abbreviation, whose letters transliterated are no spelling of it (ЦСТ "tsst" met
        # "MTSST" and "TSSD", train pairs of external.py). ngram_extra[i] is the name of row
        # len(names) + i.
        texts = [n.parsed.plain for n in self.names]
        self.ngram_extra: list[int] = [
            i
            for i, t in enumerate(texts)
            if not t.isascii()
            and _ALPHABET.search(t)
            and len(self.names[i].parsed.trade_key) >= 5
        ]
        self.ngrams = NgramIndex(texts + [latin_letters(texts[i]) for i in self.ngram_extra])
        # Most keys (one-letter deletions) file a single name: those hold the name's number
        # itself, which makes the index smaller and its cache much quicker to read.
        self.postings: dict[str, int | list[int]] = {
            k: (v[0] if len(v) == 1 else v)
            for k, v in postings.items()
            if len(v) <= MAX_POSTING or k[0] in "kd"
        }

    def __len__(self) -> int:
        return len(self.names)

    def ngram_name(self, row: int) -> int:
        """The name a row of :attr:`ngrams` is of (a name in another script has two rows)."""
        return row if row < len(self.names) else self.ngram_extra[row - len(self.names)]

    def candidates(self, parsed: ParsedName, limit: int) -> list[int]:
        """Names sharing blocking keys with the query: most keys shared first, then in index
        order, so that the same query meets the same names in every process and run."""
        counts: dict[int, int] = {}
        get = counts.get
        postings = self.postings
        # Most keys file no name: the keys filed are found at C speed (the counts below do not
        # depend on the order in which keys are met).
        for key in postings.keys() & query_keys(parsed):
            hits = postings[key]
            weight = 2 if key[0] == "k" else 1  # a whole-key hit counts double
            if isinstance(hits, int):
                counts[hits] = get(hits, 0) + weight
            else:
                for n in hits:
                    counts[n] = get(n, 0) + weight
        # Index order, then most keys first: the second sort is stable, so ties keep index order.
        return sorted(sorted(counts), key=counts.__getitem__, reverse=True)[:limit]

    # The index cache (Matcher.cached) pickles this state: plain tuples, strings and one array
    # instead of ~60,000 objects and a million-key dict, so that it reads in a fraction of the time.
    def __getstate__(self) -> dict[str, Any]:
        single = {k: v for k, v in self.postings.items() if isinstance(v, int)}
        multi = {k: v for k, v in self.postings.items() if not isinstance(v, int)}
        return {
            "entity_count": self.entity_count,
            "names": [
                (n.entity, n.value, n.kind.value, n.verified, n.folded,
                 tuple(_plain(n.parsed.__dict__[f]) for f in _PARSED_FIELDS))
                for n in self.names
            ],
            "single_keys": "\0".join(single),
            "single_names": array("i", single.values()).tobytes(),
            "multi_keys": "\0".join(multi),
            "multi_sizes": array("i", map(len, multi.values())).tobytes(),
            "multi_names": array("i", (n for v in multi.values() for n in v)).tobytes(),
            "identifiers": dict(self.identifiers),
            "subordinate_names": self.subordinate_names,
            "covers_subordinates": self.covers_subordinates,
            "ngrams": self.ngrams,
            "ngram_extra": self.ngram_extra,
            "trade_counts": self.trade_counts,
        }

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.entities = []
        self.entity_count = state["entity_count"]
        new = object.__new__
        kinds = {k.value: k for k in NameKind}
        sets = [i for i, f in enumerate(_PARSED_FIELDS) if f in ("industry", "regions")]
        names: list[IndexedName] = []
        for entity, value, kind, verified, folded, parts in state["names"]:
            parts = list(parts)
            for i in sets:
                parts[i] = frozenset(parts[i])
            parsed = new(ParsedName)
            parsed.__dict__.update(zip(_PARSED_FIELDS, parts, strict=True))
            name = new(IndexedName)
            name.__dict__.update(
                entity=entity, value=value, kind=kinds[kind], verified=verified,
                parsed=parsed, folded=folded,
            )
            names.append(name)
        self.names = names
        self.postings = dict(
            zip(_split(state["single_keys"]), _ints(state["single_names"]), strict=True)
        )
        flat = _ints(state["multi_names"])
        start = 0
        for key, size in zip(_split(state["multi_keys"]), _ints(state["multi_sizes"]), strict=True):
            self.postings[key] = flat[start : start + size]
            start += size
        self.identifiers = defaultdict(list, state["identifiers"])
        self.subordinate_names = state["subordinate_names"]
        self.covers_subordinates = state["covers_subordinates"]
        self.ngrams = state["ngrams"]
        self.ngram_extra = state["ngram_extra"]
        self.trade_counts = state["trade_counts"]


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while a large structure is built (index, entities).

    Building 100,000s of objects triggers collections that walk everything built so far; none of
    it is garbage, so pausing them cuts the load time by about a third.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        # What was built is long-lived: move it to the oldest generation at once (freeze, then
        # unfreeze: two list splices), or the first collections after the pause would walk it
        # all, generation by generation (a third of a second for the index cache). Not when a
        # caller has frozen objects itself (before forking workers): unfreeze would undo that.
        if gc.get_freeze_count() == 0:
            gc.freeze()
            gc.unfreeze()
        if was_enabled:
            gc.enable()


def _plain(value: object) -> object:
    return tuple(sorted(value)) if isinstance(value, frozenset) else value


def _split(text: str) -> list[str]:
    return text.split("\0") if text else []


def _ints(data: bytes) -> list[int]:
    out = array("i")
    out.frombytes(data)
    return out.tolist()


_PARSED_FIELDS = tuple(f.name for f in fields(ParsedName))
