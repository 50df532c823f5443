"""Scoring: combine the features into one calibrated score, a decision and plain-word reasons.

The algorithm is named and versioned (:data:`ALGORITHM`) so that a result can say how it was made.

score = trade x (0.82 + 0.18 x industry) x region, where
- trade is :func:`~sourcetrace.matching.features.trade_name` (0 to 1),
- industry is the industry agreement (1 agree, 0 differ; 0.6 when one side has none, 0.8 when
  neither has any); when both trade names are only place names, score = trade x (0.5 + 0.5 x
  industry) instead, so the industry has to carry the match,
- region is 1 when the regions agree or one is unknown, 0.85 when they differ.

A ``match`` needs score >= the match threshold *and* the trade names to agree (trade >= 0.9):
shared region, industry and legal-form words alone never make a match. Weak aliases (unverified
names) and inferred list names are capped at ``review``. A valid USCC equal on both sides is a
match whatever the names say.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz

from sourcetrace.matching import features
from sourcetrace.matching.index import IndexedName, NameIndex, gc_paused
from sourcetrace.model import Decision, Hit, ListedEntity, NameKind
from sourcetrace.names.identifiers import check_uscc
from sourcetrace.names.parse import ParsedName, parse_name
from sourcetrace.names.text import fold
from sourcetrace.names.vocabulary import WEAK_CONCEPTS
from sourcetrace.settings import Settings

ALGORITHM = "sourcetrace-names-v3"  # bump on any change to parsing or scoring
_KIND_ORDER = {NameKind.NAME: 3, NameKind.ALIAS: 2, NameKind.PREVIOUS: 1, NameKind.WEAK: 0}
TRADE_AGREES = 0.9
MAX_NAME_CHARS = 400
_CACHE_FORMAT = "c2"  # the layout of NameIndex.__getstate__
_NEAR_CACHE_SIZE = 200_000  # trade names whose candidates a matcher remembers (Matcher._near)


@dataclass(frozen=True, slots=True)
class Scored:
    score: float
    decision: Decision
    reasons: tuple[str, ...]


def score_pair(
    query: ParsedName,
    cand: IndexedName,
    entity: ListedEntity,
    settings: Settings,
    covers_subordinates: bool = False,
    trade: float | None = None,
) -> Scored:
    """Score one query name against one listed name."""
    c = cand.parsed
    if trade is None:
        trade = features.trade_name(query, c)
    ind = features.industry(query, c)
    reg = features.region(query, c)
    if ind is None:
        if query.industry == c.industry:
            ind_value = 1.0
        elif not (query.industry - WEAK_CONCEPTS) and not (c.industry - WEAK_CONCEPTS):
            ind_value = 0.8
        else:
            ind_value = 0.6
    else:
        ind_value = ind
    if query.trade_from_region and c.trade_from_region:
        # Both names are only a place plus industry words: the industry has to carry the match.
        score = trade * (0.5 + 0.5 * ind_value)
    else:
        score = trade * (0.82 + 0.18 * ind_value)
    score *= 0.85 if reg is False else 1.0
    reasons: list[str] = []
    kind = {
        NameKind.NAME: "listed name",
        NameKind.ALIAS: "listed alias",
        NameKind.PREVIOUS: "former name",
        NameKind.WEAK: "weak alias",
    }[cand.kind]
    if trade >= TRADE_AGREES:
        words = " ".join(c.trade)
        reasons.append(f"trade name '{words}' agrees with {kind} '{cand.value}'")
    elif trade > 0:
        reasons.append(f"trade name only partly agrees with {kind} '{cand.value}' ({trade:.2f})")
    if query.script != c.script and "latin" in (query.script, c.script):
        reasons.append("compared across scripts through pinyin and the glossary")
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

    decision = _decide(score, trade, settings)
    one_sided_region = query.trade_from_region != c.trade_from_region
    if decision is Decision.MATCH and (one_sided_region or (c.trade_from_region and ind != 1.0)):
        decision = Decision.REVIEW
        reasons.append("no distinctive trade name beyond the place name")
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
    if decision is Decision.MATCH and (cand.kind is NameKind.WEAK or not cand.verified):
        decision = Decision.REVIEW
        reasons.append("the matched name is unverified on the list")
    return Scored(min(score, 1.0), decision, tuple(reasons))


def _scope(entity: ListedEntity) -> str:
    notes = [x.scope_note for x in entity.listings if x.scope_note]
    return notes[0] if notes else "with subordinates"


def _decide(score: float, trade: float, settings: Settings) -> Decision:
    if score >= settings.match_threshold and trade >= TRADE_AGREES:
        return Decision.MATCH
    if score >= settings.review_threshold:
        return Decision.REVIEW
    return Decision.CLEAR


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
        self._near_cache: dict[tuple[tuple[str, ...], bool], list[tuple[int, float]]] = {}
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
                index = pickle.load(fh)
            if isinstance(index, NameIndex) and index.entity_count == len(entities):
                index.entities = entities
                return cls(entities, settings, index)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError, KeyError,
                ValueError):
            pass
        with gc_paused():
            index = NameIndex(entities)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            index.entities = []  # the caller has them; only the parsed names are cached
            try:
                with tmp.open("wb") as fh:
                    pickle.dump(index, fh, protocol=pickle.HIGHEST_PROTOCOL)
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
        return cls(entities, settings, index)

    def _near(self, parsed: ParsedName) -> list[tuple[int, float]]:
        """The candidates of a trade name with their trade similarity, best-sharing first, less
        those that cannot reach review: score <= trade similarity, so only a name of an entity
        listed with its subordinates is kept below the floor (it may still be named inside).

        Both depend on the trade name alone (and on whether it may be cut), which bills of lading
        repeat under many spellings ("ACME CO LTD", "Acme Co., Ltd.", "ACME GARMENT CO"): they
        are computed once per trade name and process.
        """
        key = (parsed.trade, parsed.truncated)
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

    @property
    def entities(self) -> list[ListedEntity]:
        return self.index.entities

    def match(self, name: str, identifier: str = "") -> list[Hit]:
        """Every entity scoring at least the review threshold, best first (ties: stable).

        Names longer than :data:`MAX_NAME_CHARS` are cut there: no company name is that long, and
        an unbounded one (a whole document pasted in a cell) must not stall a worker.
        """
        parsed = parse_name(name[:MAX_NAME_CHARS])
        return self.match_parsed(parsed, identifier)

    def match_parsed(self, parsed: ParsedName, identifier: str = "") -> list[Hit]:
        index = self.index
        best: dict[int, tuple[Scored, IndexedName, tuple[float, ...]]] = {}
        raw = ""  # the query folded, for tie-breaking; made when a candidate first scores
        if identifier:
            check = check_uscc(identifier)
            if check.valid:
                for e_idx in index.identifiers.get(check.code, []):
                    name = next(n for n in index.names if n.entity == e_idx)
                    scored = Scored(1.0, Decision.MATCH, (f"USCC {check.code} agrees",))
                    best[e_idx] = (scored, name, (2.0, 1.0, 9.0, 100.0))
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
        elif not near and not best:
            return []  # most names: no listed name near
        for n_idx, trade in near:
            cand = index.names[n_idx]
            if cand.entity in best and best[cand.entity][0].score >= 1.0:
                continue
            covers = cand.entity in subordinate
            if trade < floor and not (covers and features.contains_name(parsed, cand.parsed)):
                continue
            scored = score_pair(
                parsed, cand, index.entities[cand.entity], self.settings, covers, trade
            )
            if scored.decision is Decision.CLEAR:
                continue
            # Ties go to the entity's own name over an alias, then to the closer spelling.
            raw = raw or fold(parsed.raw)
            key = (
                float(scored.decision.rank),
                round(scored.score, 6),
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
