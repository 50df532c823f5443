"""The matcher: the listed entities a name refers to, best first.

:class:`Matcher` finds each name's candidates (the trade-name keys, the character n-gram
retrieval of the whole name, the initials of the listed names), scores each pair by the rules
of :mod:`sourcetrace.matching.score` and keeps each entity's best hit; its index is cached with
the lists (:meth:`Matcher.cached`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from rapidfuzz import fuzz, process
from rapidfuzz.utils import default_process

from sourcetrace.matching import features
from sourcetrace.matching.abbreviation import Reading, read_abbreviations
from sourcetrace.matching.index import IndexedName, NameIndex, gc_paused
from sourcetrace.matching.rescore import (
    COMPOSE_COSINE,
    expanded,
    repaired,
    rescored,
    slips_and_abbreviations,
)
from sourcetrace.matching.score import (
    ALGORITHM,
    SPELLED_ALIKE,
    TRADE_AGREES,
    TRADE_PART,
    EntityParts,
    Scored,
    beyond_shared_word,
    english_words_apart,
    numbered_otherwise,
    pinyin_by_letter,
    score_pair,
    spelled_alike,
    use_very_common_english,
    very_common_english,
    words_within,
)
from sourcetrace.matching.spelling import Repair, alike_as_written, repair
from sourcetrace.matching.truncation import CutLines, cut_line_hits, may_be_cut
from sourcetrace.model import Decision, Hit, ListedEntity, NameKind
from sourcetrace.names.identifiers import check_uscc
from sourcetrace.names.parse import ParsedName, parse_name
from sourcetrace.names.pinyin_names import full_pinyin, pinyin_readings
from sourcetrace.names.reading import reading_chars
from sourcetrace.names.symbols import (
    frequent_english,
    rewrite_gate_state,
    use_frequent_english,
    use_rewrite_gate,
)
from sourcetrace.names.text import (
    fold,
    has_cjk,
    latin_tokens,
    pinyin_syllable_set,
    syllables,
    usual_syllable_set,
)
from sourcetrace.names.vocabulary import STOPWORDS, WEAK_CONCEPTS, vocabulary
from sourcetrace.settings import Settings

_KIND_ORDER = {NameKind.NAME: 3, NameKind.ALIAS: 2, NameKind.PREVIOUS: 1, NameKind.WEAK: 0}
MAX_NAME_CHARS = 400
# The layout of NameIndex.__getstate__ (ParsedName.latin), the acronym tables and the English
# words (c7: with the wordfreq version they were read from); c8: x:/y: spelling keys; c10: the
# per-entity tables and the gates (Matcher._tables), built by every bulk worker before.
_CACHE_FORMAT = "c14"  # c14: Russian organisation words in Latin letters read as rigour reads them in Cyrillic; c13: legal forms read without accents too; c12: names in another script filed under their Latin letters without ь, ъ
_NEAR_CACHE_SIZE = 200_000
# Two spellings of one listed entity (UFLPA Entity List) that :meth:`Matcher.warm` matches.
_WARM_LATIN = "XINJIANG ZHONGTAI CHEMICAL CO., LTD. NO 78 URUMQI RD"
_WARM_CHINESE = "新疆中泰化学股份有限公司"
# The string retrieval: the listed names of highest n-gram cosine, above a floor that keeps
# names sharing little but common words out.
STRING_TOP = 6
STRING_FLOOR = 0.3


def _english_source() -> str:
    """The installed wordfreq's version: the English words cached with the index come from it."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("wordfreq")
    except PackageNotFoundError:
        return ""


class Matcher:
    """Find the listed entities a name refers to, best first."""

    def __init__(
        self, entities: list[ListedEntity], settings: Settings, index: NameIndex | None = None
    ) -> None:
        self.index = index or NameIndex(entities)
        self.settings = settings
        # Names of entities listed with their subordinate units, looked up by their first word
        # or met by their Chinese text inside the query (see match_parsed).
        self._units_by_token: dict[str, list[int]] = {}
        self._units_zh: list[tuple[str, int]] = []
        self._near_cache: dict[
            tuple[tuple[str, ...], bool, str, tuple[str, ...]], list[tuple[int, float]]
        ] = {}
        self._trade_cache: dict[
            tuple[tuple[str, ...], bool, str, tuple[str, ...], int], float
        ] = {}
        # Listed names by their initials and short names by their words (see _acronyms_near):
        # built on the first query, as only queries pay for them.
        self._acronyms: tuple[dict[str, list[int]], dict[str, list[int]]] | None = None
        self._entity_regions: list[tuple[frozenset[str], frozenset[str]]] | None = None
        self._entity_groups: dict[int, tuple[int, ...]] | None = None
        # The first three letters of the listed short names (see _initials_may_meet).
        self._acronym_heads: frozenset[str] | None = None
        pinyin_syllable_set()  # built before workers fork, not once in each
        usual_syllable_set()
        for n_idx in self.index.subordinate_names:
            parsed = self.index.names[n_idx].parsed
            if parsed.tokens:
                self._units_by_token.setdefault(parsed.tokens[0], []).append(n_idx)
            if parsed.zh:
                self._units_zh.append((parsed.zh, n_idx))

    @classmethod
    def cached(cls, entities: list[ListedEntity], settings: Settings, lists_key: str) -> Matcher:
        """A matcher whose index is read from the local cache when these lists were seen before.

        The cache lives in ``settings.data_dir/index`` and is keyed by the list versions, the
        algorithm and the package version, so a new list or a new matcher builds afresh; writing
        one removes those of other algorithms or versions (caches of other lists are kept).
        """
        import pickle

        from sourcetrace import __version__

        folder = settings.data_dir / "index"
        path = folder / f"{ALGORITHM}-{__version__}-{_CACHE_FORMAT}-{lists_key}.pickle"
        try:
            with path.open("rb") as fh, gc_paused():
                index, acronyms, english, source, tables = pickle.load(fh)
            if (
                isinstance(index, NameIndex) and index.entity_count == len(entities)
                and isinstance(acronyms, tuple) and isinstance(tables, tuple)
            ):
                index.entities = entities
                matcher = cls(entities, settings, index)
                matcher._acronyms = acronyms
                matcher._use_tables(tables)
                if source == _english_source() and isinstance(english, tuple):
                    features.use_english_words(english[0])
                    use_frequent_english(english[1])
                    use_very_common_english(english[2])
                return matcher
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError, KeyError,
                ValueError):
            pass
        with gc_paused():
            index = NameIndex(entities)
        matcher = cls(entities, settings, index)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tables = matcher._tables()  # (the entities' table needs them: before they go)
            index.entities = []  # the caller has them; only the parsed names are cached
            try:
                # The acronym tables too: building them is ~30 µs a listed name (1-2 s), paid
                # by every process that matches (each bulk worker) when not read from here.
                # The English words too (0.6 s: wordfreq's import and list), those of the
                # matcher and those the parser reads other languages' organisation words by
                # (names.symbols), with the version of wordfreq they came from: another one
                # builds them afresh.
                english = (features.english_words(), frequent_english(), very_common_english())
                state = (index, matcher._acronym_tables(), english, _english_source(), tables)
                with tmp.open("wb") as fh, gc_paused():
                    pickle.dump(state, fh, protocol=pickle.HIGHEST_PROTOCOL)
            finally:
                index.entities = entities
            tmp.replace(path)
            # Caches of another algorithm, package version or layout are never read again.
            current = f"{ALGORITHM}-{__version__}-{_CACHE_FORMAT}-"
            for stale in folder.glob("*.pickle"):
                if not stale.name.startswith(current):
                    stale.unlink(missing_ok=True)
        except OSError:
            pass  # a read-only data folder only costs the rebuild next time
        return matcher

    def _near(self, parsed: ParsedName) -> list[tuple[int, float]]:
        """The candidates of a trade name with their trade similarity, best-sharing first, less
        those that cannot reach review: score <= trade similarity, so only a name of an entity
        listed with its subordinates is kept below the floor (it may still be named inside).

        Both depend on the trade name alone (and on whether it may be cut, and on whether it is
        written in Chinese characters, with its readings), which bills of lading
        repeat under many spellings ("ACME CO LTD", "Acme Co., Ltd.", "ACME GARMENT CO"): they
        are computed once per trade name and process.
        """
        # Chinese characters compare by syllables and translations (features.crosses_script),
        # so the same trade name in characters and in Latin letters has its own candidates.
        key = (parsed.trade, parsed.truncated, _zh_key(parsed), parsed.readings)
        found = self._near_cache.get(key)
        if found is None:
            index = self.index
            floor = self.settings.review_threshold * 0.9
            subordinate = index.covers_subordinates
            found = []
            for n_idx in index.candidates(parsed, self.settings.max_candidates):
                cand = index.names[n_idx]
                trade = features.trade_name(parsed, cand.parsed)
                if trade >= floor or cand.entity in subordinate:
                    found.append((n_idx, trade))
            if len(self._near_cache) >= _NEAR_CACHE_SIZE:
                self._near_cache.clear()
            self._near_cache[key] = found
        return found

    def _acronym_tables(self) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
        """The listed names by their initials, and the short ones by their words (built once,
        or read with the index by :meth:`cached`)."""
        if self._acronyms is None:
            by_initials: dict[str, list[int]] = {}
            by_short: dict[str, list[int]] = {}
            for n_idx, name in enumerate(self.index.names):
                p = name.parsed
                for key in features.initials(p.raw, p.plain):
                    by_initials.setdefault(key, []).append(n_idx)
                for key in features.acronym_keys(p):
                    by_short.setdefault(key, []).append(n_idx)
            self._acronyms = (by_initials, by_short)
        return self._acronyms

    def _tables(self) -> tuple[object, ...]:
        """What every process that matches would build on its first names, for
        :meth:`cached` to store with the index: the entities sharing a trade name
        (:meth:`_groups`), each entity's regions and industries, the acronym gate's heads and
        the org-words gate (names.symbols, with the rigour version it is for). Each bulk worker
        built them on its first names (about 0.25 s of CPU on the bulk benchmark's lists)."""
        self._initials_heads()
        return (self._groups(), self._entity_table(), self._acronym_heads, rewrite_gate_state())

    def _use_tables(self, tables: tuple[object, ...]) -> None:
        """Take :meth:`_tables` as an earlier process built them for the same index; a part
        that is not of the expected shape is left to be built again."""
        if len(tables) != 4:
            return
        groups, regions, heads, gate = tables
        if isinstance(groups, dict):
            self._entity_groups = groups
        if isinstance(regions, list) and len(regions) == len(self.index.entities):
            self._entity_regions = regions
        if isinstance(heads, frozenset):
            self._acronym_heads = heads
        use_rewrite_gate(gate)

    def _parts_of(self, e_idx: int) -> EntityParts:
        """The regions and industries all the names of one listed entity give."""
        table = self._entity_table()
        regions, industry = table[e_idx]
        if not regions or not industry:
            group = self._groups().get(e_idx, ())
            regions = regions or frozenset(r for g in group for r in table[g][0])
            industry = industry or frozenset(i for g in group for i in table[g][1])
        return EntityParts(regions, industry)

    def _groups(self) -> dict[int, tuple[int, ...]]:
        """Per listed entity, the other entities sharing one of its trade names (built once)."""
        if self._entity_groups is None:
            owners: dict[str, set[int]] = {}
            for name in self.index.names:
                if name.parsed.trade_key:
                    owners.setdefault(name.parsed.trade_key, set()).add(name.entity)
            groups: dict[int, set[int]] = {}
            for members in owners.values():
                for e_idx in members:
                    groups.setdefault(e_idx, set()).update(members - {e_idx})
            self._entity_groups = {e: tuple(sorted(g)) for e, g in groups.items() if g}
        return self._entity_groups

    def _entity_table(self) -> list[tuple[frozenset[str], frozenset[str]]]:
        """Per listed entity, the regions and industries its names give (built on first use)."""
        if self._entity_regions is None:
            regions: list[set[str]] = [set() for _ in self.index.entities]
            industry: list[set[str]] = [set() for _ in self.index.entities]
            for name in self.index.names:
                regions[name.entity].update(name.parsed.regions)
                industry[name.entity].update(name.parsed.industry - WEAK_CONCEPTS)
            self._entity_regions = [
                (frozenset(r), frozenset(i)) for r, i in zip(regions, industry, strict=True)
            ]
        return self._entity_regions

    def _regions_of(self, e_idx: int, parsed: ParsedName) -> frozenset[str]:
        """The regions the names of one listed entity give, when the query's industry is one of
        theirs or says nothing (built once, on first use); empty otherwise: "Jiangsu Meike
        Garment" does not take the region of Jiangsu Meike *Solar* through its alias "Meike"."""
        regions_of, industry_of = self._entity_table()[e_idx]
        own = parsed.industry - WEAK_CONCEPTS
        return regions_of if not own or own & industry_of else frozenset()

    def _acronyms_near(self, parsed: ParsedName) -> set[int]:
        """Listed names whose initials the query is ("SMIC"), or that are the initials of the
        query's words: no string or trade-name retrieval meets them."""
        by_initials, by_short = self._acronym_tables()
        found: set[int] = set()
        for key in features.acronym_keys(parsed):
            found.update(by_initials.get(key, ()))
        if len(parsed.plain.split()) >= 3 and self._initials_may_meet(parsed):
            for key in features.initials(parsed.raw, parsed.plain):
                found.update(by_short.get(key, ()))
        return found

    def _initials_may_meet(self, parsed: ParsedName) -> bool:
        """Whether a listed short name can be among the query's initials: False only when none
        can (then :func:`features.initials`, 20-40 µs a name, is not called; most names of a
        bill of lading meet no listed acronym).

        Every key of :func:`features.initials` is a prefix, three letters at least, of the
        first letters of the words of the folded raw name or of the plain name, with or without
        the small words; so a key can be a listed short name only if the first three letters
        of one of those four lists are the start of one. Its other rules (pinyin names, numbers)
        only take keys away. (tests/matching/test_acronym_gate.py holds this against
        ``initials`` on real names.)"""
        heads = self._initials_heads()
        stop = STOPWORDS
        for text in (parsed.plain, fold(parsed.raw)):
            words = latin_tokens(features.ascii_form(text))
            if len(words) >= 3 and "".join([w[0] for w in words[:3]]) in heads:
                return True
            kept = [w for w in words if w not in stop]
            if len(kept) >= 3 and "".join([w[0] for w in kept[:3]]) in heads:
                return True
        return False

    def _initials_heads(self) -> frozenset[str]:
        """The first three letters of the listed short names (built once, or read with the
        index)."""
        if self._acronym_heads is None:
            self._acronym_heads = frozenset(k[:3] for k in self._acronym_tables()[1])
        return self._acronym_heads

    def _trade_with(self, parsed: ParsedName, n_idx: int) -> float:
        """The trade-name similarity of a query and one listed name, remembered per trade name
        and listed name: like :meth:`_near`'s, it depends on the trade name alone (and on
        whether it may be cut), and many spellings of one shipper meet the same string
        neighbours. Keyed as :meth:`_near` is: the script and readings change it too."""
        key = (parsed.trade, parsed.truncated, _zh_key(parsed), parsed.readings, n_idx)
        found = self._trade_cache.get(key)
        if found is None:
            found = features.trade_name(parsed, self.index.names[n_idx].parsed)
            if len(self._trade_cache) >= _NEAR_CACHE_SIZE:
                self._trade_cache.clear()
            self._trade_cache[key] = found
        return found

    @property
    def entities(self) -> list[ListedEntity]:
        return self.index.entities

    def match(self, name: str, identifier: str = "") -> list[Hit]:
        """Every entity scoring at least the review threshold, best first (ties: stable), then
        any listed name spelled like the query (WRatio >= 0.90) that was decided ``clear``, as a
        ``clear`` hit whose reasons say what differs.

        Names longer than :data:`MAX_NAME_CHARS` are cut there: no company name is that long, and
        an unbounded one (a whole document pasted in a cell) must not stall a worker.
        """
        parsed = parse_name(name[:MAX_NAME_CHARS])
        return self.match_parsed(parsed, identifier)

    def match_many(
        self, names: list[str], identifiers: list[str] | None = None
    ) -> list[list[Hit]]:
        """:meth:`match` of each name (with its identifier, when given); the string retrieval
        of all of them is one sparse product."""
        parsed = [parse_name(n[:MAX_NAME_CHARS]) for n in names]
        strings = self.string_near(parsed)
        close = self.spelled_close_many(parsed, strings)
        ids = identifiers if identifiers is not None else [""] * len(names)
        return [
            self.match_parsed(p, i, s, c)
            for p, i, s, c in zip(parsed, ids, strings, close, strict=True)
        ]

    def spelled_close_many(
        self, parsed: list[ParsedName], strings: list[list[tuple[int, float]]]
    ) -> list[set[int]]:
        """For each query, its string neighbours spelled close to it (:func:`_spelled_close`),
        all pairs of the batch compared in two rapidfuzz calls instead of one by one."""
        pairs = [(i, n) for i, found in enumerate(strings) for n, _ in found]
        out: list[set[int]] = [set() for _ in parsed]
        if not pairs:
            return out
        names = self.index.names
        cutoff = SPELLED_ALIKE * 100
        folded = [fold(p.raw) for p in parsed]
        plain = process.cpdist(
            [parsed[i].plain for i, _ in pairs], [names[n].parsed.plain for _, n in pairs],
            scorer=fuzz.WRatio, score_cutoff=cutoff, workers=1,
        )
        whole = process.cpdist(
            [folded[i] for i, _ in pairs], [names[n].folded for _, n in pairs],
            scorer=fuzz.WRatio, processor=default_process, score_cutoff=cutoff, workers=1,
        )  # fmt: skip
        for (i, n), a, b in zip(pairs, plain.tolist(), whole.tolist(), strict=True):
            if a or b:
                out[i].add(n)
        return out

    def string_near(self, parsed: list[ParsedName]) -> list[list[tuple[int, float]]]:
        """The listed names closest to each whole plain name as character n-grams (and to the
        name before its line was cut, when something was cut: the cut may have been wrong; and
        to its Latin transliteration, when it is in another script than Latin or Chinese)."""
        texts = [p.plain for p in parsed]
        extra = [i for i, p in enumerate(parsed) if p.uncut]
        more = [p.uncut for p in (parsed[i] for i in extra)]
        # A name in Cyrillic, Greek, Arabic ... is searched in Latin letters too (most lists
        # write their names in Latin letters).
        other = [i for i, t in enumerate(texts) if not t.isascii() and not has_cjk(t)]
        extra += other
        more += [features.ascii_form(texts[i]) for i in other]
        found = self.index.ngrams.search(texts + more, STRING_TOP, STRING_FLOOR)
        if self.index.ngram_extra:  # rows of names in another script's Latin letters: their name
            found = [_by_name(hits, self.index.ngram_name) for hits in found]
        for j, i in enumerate(extra):
            merged = dict(found[i])
            for n, cos in found[len(texts) + j]:
                merged[n] = max(cos, merged.get(n, 0.0))
            found[i] = sorted(merged.items(), key=lambda kv: (-kv[1], kv[0]))[:STRING_TOP]
        return found[: len(texts)]

    def match_parsed(
        self,
        parsed: ParsedName,
        identifier: str = "",
        strings: list[tuple[int, float]] | None = None,
        close: set[int] | None = None,
    ) -> list[Hit]:
        """:meth:`match` of a parsed name; ``strings``: its string neighbours, ``close``: those
        of them spelled close to it (both found here when not given). A Chinese name with a
        Latin name beside it, or a full-pinyin name with an English reading, is matched in its
        other form too, and each entity keeps its better hit."""
        hits = self._match_alone(parsed, identifier, strings, close)
        if may_be_cut(parsed.raw):
            hits = cut_line_hits(parsed, hits, self.index, self._cut_lines(), self.settings)
        if parsed.latin is not None:
            beside = self._match_alone(parsed.latin, identifier)
            return _merged(hits, beside, "found by the Latin name written beside the Chinese one")
        if parsed.readings and parsed.script == "latin":
            english = self._pinyin_in_english(parsed)
            if english is not None:
                reading, alternate = english
                return _merged(
                    hits, self._match_alone(alternate, identifier),
                    f"the pinyin trade name '{parsed.trade_key}' read as the English "
                    f"'{reading}' (words that sound so, CC-CEDICT)",
                )  # fmt: skip
        if parsed.script == "latin" and not parsed.industry:
            other = self._pinyin_without_industry_in_english(parsed)
            if other is not None:
                reading, alternate = other
                return _merged(
                    hits, self._match_alone(alternate, identifier),
                    f"the pinyin name '{parsed.trade_key}' read as the English '{reading}' "
                    "(words that sound so, CC-CEDICT)",
                )  # fmt: skip
        return hits

    def _match_alone(
        self,
        parsed: ParsedName,
        identifier: str = "",
        strings: list[tuple[int, float]] | None = None,
        close: set[int] | None = None,
    ) -> list[Hit]:
        """:meth:`match_parsed` of one form of a name."""
        index = self.index
        best: dict[int, tuple[Scored, IndexedName, tuple[float, ...]]] = {}
        raw = ""  # the query folded, for tie-breaking; made when a candidate first scores
        if identifier:
            check = check_uscc(identifier)
            if check.valid:
                for e_idx in index.identifiers.get(check.code, []):
                    name = next(n for n in index.names if n.entity == e_idx)
                    scored = Scored(1.0, Decision.MATCH, (f"USCC {check.code} agrees",))
                    best[e_idx] = (scored, name, (2.0, 1.0, 1.0, 9.0, 100.0))
        floor = self.settings.review_threshold * 0.9
        subordinate = index.covers_subordinates
        by_token = self._units_by_token
        units = (
            {n for t in set(parsed.tokens) for n in by_token.get(t, ())}
            if not by_token.keys().isdisjoint(parsed.tokens)
            else set()
        )
        if parsed.zh:
            units.update(n for zh, n in self._units_zh if zh in parsed.zh)
        near = self._near(parsed)
        if units:
            near = [*near, *((n, features.trade_name(parsed, index.names[n].parsed))
                             for n in sorted(units))]  # fmt: skip
        if strings is None:
            strings = self.string_near([parsed])[0]
        # Names close as strings that the trade-name keys did not meet (a bad parse): scored too.
        spelled = dict(strings)  # listed name -> n-gram cosine
        if strings:
            met = {n for n, _ in near}
            extra = [n for n, _ in strings if n not in met]
            if extra:
                near = [*near, *((n, self._trade_with(parsed, n)) for n in extra)]
        acronyms = self._acronyms_near(parsed)
        if acronyms:
            met = {n for n, _ in near}
            near = [*near, *((n, self._trade_with(parsed, n)) for n in sorted(acronyms - met))]
        if not near and not best:
            return []  # most names: no listed name near
        readings: dict[int, Reading | None] = {}  # per listed name, read once (see _reading)
        composed: dict[int, Repair | None] = {}  # the same for _composed
        slipped: dict[int, Repair | None] = {}  # and for _slips_read
        for n_idx, trade in near:
            cand = index.names[n_idx]
            if cand.entity in best and best[cand.entity][0].score >= 1.0:
                continue
            covers = cand.entity in subordinate
            # Met as a string only, the trade names apart: scored only when the whole names
            # are spelled alike (most string neighbours are not; scoring them is the cost).
            if (
                trade < floor
                and not (covers and features.contains_name(parsed, cand.parsed))
                and (
                    n_idx not in spelled
                    or not (n_idx in close if close is not None else _spelled_close(parsed, cand))
                )
                and n_idx not in acronyms
                # (An abbreviation read as the listed name's word is a reason to score it:
                # "HEFEI BITLAND INFO TECH" is not spelled close to "... Information Technology".)
                and (n_idx not in spelled or _reading(parsed, cand, readings) is None)
                # (Nor a slip and an abbreviation in one name: "HEFEI BITLNAD INFO TECH".)
                and _composed(parsed, cand, spelled.get(n_idx), composed) is None
                # (Nor slips that leave the whole names under WRatio's bar: "KTK GRUOP".)
                and _slips_read(parsed, cand, spelled.get(n_idx), slipped) is None
                # (Nor a name whose words all stand in the other's: "SADRA CENTER" in "SADRA
                # RESEARCH CENTER"; score_pair decides whether that is a match.)
                and not (n_idx in spelled and words_within(parsed, cand.parsed))
            ):
                continue
            # (The entity's regions matter only for a listed name without one: 七匹狼; to agree
            # with the query's, or, for a Latin query without one against a Chinese short name,
            # to say that the listed side knows a region the query does not.)
            regions = (
                self._regions_of(cand.entity, parsed)
                if not cand.parsed.regions and (
                    parsed.regions or (parsed.script == "latin" and cand.parsed.script == "zh")
                )
                else frozenset()
            )  # fmt: skip
            scored = score_pair(
                parsed, cand, index.entities[cand.entity], self.settings, covers, trade,
                index.trade_counts.get(cand.parsed.trade_key, 1), regions,
            )
            if scored.decision is not Decision.MATCH:
                scored = expanded(parsed, cand, scored, index.entities[cand.entity],
                                  self.settings, covers,
                                  index.trade_counts.get(cand.parsed.trade_key, 1),
                                  _reading(parsed, cand, readings))  # fmt: skip
            # Typing slips are looked for only where the whole names are spelled alike (the
            # batch found those already: no rapidfuzz call per pair in bulk screening).
            if scored.decision is not Decision.MATCH and (
                n_idx in close if close is not None else _spelled_close(parsed, cand)
            ):
                scored = repaired(parsed, cand, scored, index.entities[cand.entity],
                                  self.settings, covers,
                                  index.trade_counts.get(cand.parsed.trade_key, 1),
                                  regions)  # fmt: skip
            elif scored.decision is not Decision.MATCH:
                fixed = _slips_read(parsed, cand, spelled.get(n_idx), slipped)
                if fixed is not None:
                    scored = rescored(fixed, cand, scored, index.entities[cand.entity],
                                      self.settings, covers,
                                      index.trade_counts.get(cand.parsed.trade_key, 1),
                                      regions)  # fmt: skip
            if scored.decision is not Decision.MATCH:
                both = _composed(parsed, cand, spelled.get(n_idx), composed)
                if both is not None:
                    scored = rescored(both, cand, scored, index.entities[cand.entity],
                                      self.settings, covers,
                                      index.trade_counts.get(cand.parsed.trade_key, 1),
                                      regions)  # fmt: skip
            if scored.decision is Decision.CLEAR:
                alike = spelled_alike(parsed, cand, scored, self.settings)
                if alike is None:
                    continue
                scored = alike
            elif not covers:
                scored = numbered_otherwise(parsed, cand, scored)
                if TRADE_PART <= trade < TRADE_AGREES:
                    scored = pinyin_by_letter(parsed, cand, scored)
                scored = english_words_apart(parsed, cand, scored, trade)
                if trade >= TRADE_PART:
                    # (Initials, or a whole name a parse could not cut, are not a shared word.)
                    scored = beyond_shared_word(
                        parsed, cand, scored, self._parts_of(cand.entity),
                        index.trade_counts.get(cand.parsed.trade_key, 1),
                        n_idx in close if close is not None else _spelled_close(parsed, cand),
                    )  # fmt: skip
            # Ties go to the entity's own name over an alias, then to the closer spelling.
            raw = raw or fold(parsed.raw)
            key = (
                float(scored.decision.rank),
                # Scores near 1 differ in their last digits only; the parts tell them apart.
                round(scored.score, 2),
                round(scored.parts, 6),
                float(_KIND_ORDER[cand.kind]),
                fuzz.ratio(raw, cand.folded),
            )
            prev = best.get(cand.entity)
            if prev is None or key > prev[2]:
                best[cand.entity] = (scored, cand, key)
        ranked = sorted(best.items(), key=lambda kv: (tuple(-k for k in kv[1][2]), kv[0]))
        return [
            Hit(
                entity=index.entities[e_idx],
                matched_name=cand.value,
                score=scored.score,
                decision=scored.decision,
                reasons=list(scored.reasons),
            )
            for e_idx, (scored, cand, _) in ranked
        ]

    def warm(self) -> None:
        """Build now what the first names matched would build (the cut-line table, the Chinese
        reading's glossary, rigour's name tables), for processes forked after this to share:
        each bulk worker built them again on its first names (about 0.6 s of CPU a worker on
        the bulk benchmark). Matches are the same either way."""
        self._cut_lines()
        # A Latin and a Chinese name between them reach every table built on first use.
        self.match_many([_WARM_LATIN, _WARM_CHINESE])

    def _cut_lines(self) -> CutLines:
        """The listed names sorted for cut lines' prefix look-ups, built on the first cut line."""
        table: CutLines | None = getattr(self, "_cut_table", None)
        if table is None:
            table = CutLines.of(self.index)
            self._cut_table = table
        return table

    def _pinyin_in_english(self, parsed: ParsedName) -> tuple[str, ParsedName] | None:
        """A full-pinyin name with its trade name read in English, when a listed name has that
        reading as its trade name ("XINJIANG DONGFANG XIWANG YOUSE JINSHU": "xinjiang easthope
        nonferrous metal"); None when no reading is listed. Readings are by sound, so a reading
        is taken only for a name whose industry words were read too: the English name must
        then agree on the industry or region as well as on the trade name to be decided."""
        if not parsed.industry:
            return None
        postings = self.index.postings
        for reading in parsed.readings:
            if "k:" + reading.replace(" ", "") in postings:
                words = [reading if w == parsed.trade_key else w for w in parsed.plain.split()]
                return reading, parse_name(" ".join(words))
        return None


    def _pinyin_without_industry_in_english(
        self, parsed: ParsedName
    ) -> tuple[str, ParsedName] | None:
        """A full-pinyin name that names no industry, read in English as
        :meth:`_pinyin_in_english` reads one that does, in the two shapes a Chinese name without
        an industry word has (domain-facts §6, Art. 6 of the name rules):

        * a registered name with no region ("LUO TUO JI TUAN GU FEN YOU XIAN GONG SI", 骆驼集团
          股份有限公司), its legal form written in pinyin: its trade name read as a listed trade
          name ("camel"), then matched as "camel co ltd" (the rule the characters follow,
          ``score._registered_without_region``);
        * a region and words that all read as industry words of the vocabulary ("XINJIANG JIAO
          TONG JIAN SHE", 交通建设: "communications construction"), so the region is the trade
          name, as in the English listing: matched as "xinjiang communications construction".

        Readings are by sound (homophones), so either form is then decided by the ordinary
        rules, which need the industry or region to agree. None otherwise."""
        trade = parsed.trade_key
        if len(parsed.trade) != 1 or not trade.isascii() or syllables(trade) is None:
            return None
        words = latin_tokens(fold(parsed.raw))
        # Registered: a legal form in pinyin ends the name (有限公司 ... ; 股份 alone is the
        # short name's organisation word, 骆驼股份, and a branch is no registered name).
        joined = "".join(words)
        registered = not parsed.regions and not parsed.branch and joined.endswith(
            ("youxiangongsi", "youxianzerengongsi", "gufengongsi", "zonggongsi")
        )  # fmt: skip
        if not registered and not parsed.regions:
            return None
        if full_pinyin(words, vocabulary()) is None:
            return None  # a pinyin trade name in an English or spaced-out name: not read
        postings = self.index.postings
        for reading in pinyin_readings(trade):
            if registered and "k:" + reading.replace(" ", "") in postings:
                return reading, parse_name(reading + " co ltd")
            if parsed.regions and _industry_words_only(reading):
                plain = [reading if w == trade else w for w in parsed.plain.split()]
                return reading, parse_name(" ".join(plain) + (" co ltd" if parsed.legal else ""))
        return None


def _zh_key(parsed: ParsedName) -> str:
    """The part of a name's cache key that says how Chinese characters compare: a name in
    Chinese characters by its whole text (names.reading reads all of it, a place in brackets
    included: 双良硅材料(包头) and 双良硅材料(大连) read otherwise), others by nothing."""
    return "zh:" + "|".join(reading_chars(parsed)) if parsed.script == "zh" else ""


def _merged(hits: list[Hit], other: list[Hit], note: str) -> list[Hit]:
    """The hits of a name merged with those of another reading of it (the Latin name written
    beside a Chinese one, a pinyin name read in English): each entity once, with the better of
    its two hits (decision, then score), best first; a hit found by the other reading says so."""
    best: dict[str, Hit] = {h.entity.id: h for h in hits}
    for hit in other:
        prev = best.get(hit.entity.id)
        if prev is None or (hit.decision.rank, hit.score) > (prev.decision.rank, prev.score):
            hit.reasons.append(note)
            best[hit.entity.id] = hit
    order = {h.entity.id: i for i, h in enumerate([*hits, *other])}
    return sorted(
        best.values(), key=lambda h: (-h.decision.rank, -h.score, order[h.entity.id])
    )


def _by_name(
    hits: list[tuple[int, float]], name_of: Callable[[int], int]
) -> list[tuple[int, float]]:
    """N-gram hits (row, cosine) as (name, cosine), each name once at its best cosine."""
    best: dict[int, float] = {}
    for row, cos in hits:
        n = name_of(row)
        if cos > best.get(n, -1.0):
            best[n] = cos
    return sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))


def _reading(
    query: ParsedName, cand: IndexedName, cache: dict[int, Reading | None]
) -> Reading | None:
    """:func:`read_abbreviations` of a pair, computed once per listed name and query."""
    key = id(cand)
    if key not in cache:
        cache[key] = read_abbreviations(query, cand.parsed)
    return cache[key]


def _composed(
    query: ParsedName, cand: IndexedName, cosine: float | None,
    cache: dict[int, Repair | None],
) -> Repair | None:
    """:func:`slips_and_abbreviations` of a string neighbour at least :data:`COMPOSE_COSINE`
    close, computed once per listed name and query (None for any other candidate)."""
    if cosine is None or cosine < COMPOSE_COSINE:
        return None
    key = id(cand)
    if key not in cache:
        cache[key] = slips_and_abbreviations(query, cand.parsed)
    return cache[key]


def _slips_read(
    query: ParsedName, cand: IndexedName, cosine: float | None,
    cache: dict[int, Repair | None],
) -> Repair | None:
    """:func:`repair` of a string neighbour at least :data:`COMPOSE_COSINE` close, kept when the
    names so read are spelled alike (:func:`alike_as_written`; None for any other candidate).

    WRatio counts two letters swapped, or one changed, twice, and a short or cut name has few
    letters to spread them over: "KTK GRUOP" is under its bar against "KTK Group" (89), so the
    slips were not looked for. Only slips outside the listed trade name are read so (a word of
    the group, the industry, the region or the legal form): one letter off in the trade name,
    with the whole names not spelled alike, is as likely another company ("AVESTO OOO" is not
    "LIMITED LIABILITY COMPANY AVISTO"). Read, the names must then be spelled alike, and
    :func:`rescored` decides by the usual rules."""
    if cosine is None or cosine < COMPOSE_COSINE:
        return None
    key = id(cand)
    if key not in cache:
        fixed = repair(query, cand.parsed)
        trade = set(cand.parsed.trade)
        kept = (
            fixed is not None
            and not any(w in trade for _, read in fixed.changes for w in read.split())
            and alike_as_written(fixed, cand.parsed.plain)
        )
        cache[key] = fixed if kept else None
    return cache[key]


def _spelled_close(query: ParsedName, cand: IndexedName) -> bool:
    """WRatio of the plain or folded names at or above :data:`SPELLED_ALIKE`."""
    cutoff = SPELLED_ALIKE * 100
    return bool(
        fuzz.WRatio(query.plain, cand.parsed.plain, score_cutoff=cutoff)
        or fuzz.WRatio(fold(query.raw), cand.folded, processor=default_process,
                       score_cutoff=cutoff)
    )  # fmt: skip


@lru_cache(maxsize=16384)
def _industry_words_only(reading: str) -> bool:
    """Whether an English reading of several words parses as industry words and nothing else
    ("communications construction"); cached: a pinyin name has up to 64 readings."""
    if " " not in reading:
        return False
    alone = parse_name(reading)
    return bool(alone.industry) and not alone.trade
