"""Analysts' decisions on list hits, applied to a chain's risk sources before it is traced.

A list risk source (kinds ``list`` and ``cbp_wro``) rests on the listed entities the party's
names matched. Each match is decided as in screening review, under the same key: the party's
name (any of its spellings, folded by :func:`~sourcetrace.model.name_key`) and the entity,
standing while the entity's list data is unchanged (its hash). So a false positive decided in a
screening job's queue for the same name and entity also applies to the chain, and one decided
on the map applies to later screenings.

- **false positive**: the hit is dropped. A risk source none of whose hits is left is removed,
  with every finding resting on it; it is reported as a :class:`Dismissal` (decision, who,
  when, why). A risk source that still rests on other hits keeps them and says, in its
  provenance, which hit was dismissed and by whom.
- **confirmed**: the hit stays, its risk source is ``high`` (an analyst has said the party *is*
  the listed entity, whatever the score) and its detail and provenance say who confirmed it and
  when.
- **unsure**: nothing changes but the words: the detail says who was unsure and when.

Decisions come from a :class:`DecisionBook` (the workspace store implements it): this module
knows no store. The hits a risk source rests on are found again for the parties that have a
decision (``hits_of``), so that a graph whose saved risk sources are reused needs no
re-screening of its other parties.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from sourcetrace.graph.model import Graph, Node
from sourcetrace.graph.risks import CBP_WRO, LIST, RiskSource, list_risks
from sourcetrace.model import Decision, Hit, ListedEntity, name_key

CONFIRMED = "confirmed"
FALSE_POSITIVE = "false_positive"
UNSURE = "unsure"
LISTED_KINDS = (LIST, CBP_WRO)
"""The risk kinds that rest on list hits, and so can be decided."""


@dataclass(frozen=True, slots=True)
class HitDecision:
    """An analyst's decision on one name against one listed entity, as the store keeps it."""

    id: int
    name: str
    entity_id: str
    entity_hash: str
    decision: str
    comment: str
    username: str
    at: str

    @property
    def confirmed(self) -> bool:
        return self.decision == CONFIRMED

    def said(self) -> str:
        """The decision in words, for the evidence: what, by whom, when, why."""
        what = {FALSE_POSITIVE: "dismissed as a false positive"}.get(self.decision, self.decision)
        why = f": {self.comment}" if self.comment else ""
        return f"{what} by {self.username} at {self.at} (decision {self.id}){why}"


class DecisionBook(Protocol):
    """Where the decisions on hits are kept (the workspace store)."""

    def decided(self, names: Collection[str]) -> list[HitDecision]:
        """The newest decision on each (name, entity) pair for these names (compared folded)."""
        ...

    def entity_hash(self, entity: ListedEntity) -> str:
        """The hash of the entity's list data a decision is taken against."""
        ...


@dataclass(frozen=True, slots=True)
class Dismissal:
    """A risk source removed before tracing: every hit it rested on was dismissed."""

    source: RiskSource
    """The risk source as screening found it."""
    decisions: tuple[HitDecision, ...]

    def said(self, graph: Graph) -> str:
        """One line for a person: the party, the kind of risk and the decisions."""
        return f"{graph.name(self.source.node)} ({self.source.kind}): " + "; ".join(
            f"'{d.entity_id}' {d.said()}" for d in self.decisions
        )


@dataclass(frozen=True, slots=True)
class Decided:
    """The risk sources once the decisions are applied, and those the decisions removed."""

    sources: list[RiskSource]
    dismissed: list[Dismissal]
    applied: int = 0
    """How many standing decisions changed a risk source."""


def apply_decisions(
    graph: Graph,
    sources: Sequence[RiskSource],
    book: DecisionBook,
    hits_of: Callable[[Node], list[Hit]],
    merchandise: Mapping[str, str],
) -> Decided:
    """``sources`` with the standing decisions of ``book`` applied (see the module's rules), in
    their order; ``hits_of`` gives a party's hits as :func:`~sourcetrace.graph.risks.find_risks`
    found them."""
    listed = sorted({s.node for s in sources if s.kind in LISTED_KINDS})
    if not listed:
        return Decided(list(sources), [])
    nodes = {n.id: n for n in graph.nodes_at(listed)}
    spellings = {n.id: _keys(n) for n in nodes.values()}
    known: dict[tuple[str, str], HitDecision] = {}
    for d in book.decided(sorted({s for keys in spellings.values() for s in keys})):
        key = (name_key(d.name), d.entity_id)
        if key not in known or d.id > known[key].id:
            known[key] = d
    if not known:
        return Decided(list(sources), [])
    decided_keys = {k for k, _ in known}
    replaced: dict[int, list[RiskSource]] = {}
    dismissed: list[Dismissal] = []
    applied = 0
    for node_id in listed:
        if not spellings[node_id] & decided_keys:
            continue
        node = nodes[node_id]
        hits = hits_of(node)
        rulings = _standing(hits, spellings[node_id], known, book)
        if not rulings:
            continue
        applied += len(rulings)
        dropped = [h for h in hits if _is(rulings, h, FALSE_POSITIVE)]
        kept = [h for h in hits if not _is(rulings, h, FALSE_POSITIVE)]
        fresh = list_risks(node, kept, merchandise, rulings)
        if dropped:
            note = "; ".join(f"'{h.entity.id}' {rulings[h.entity.id].said()}" for h in dropped)
            fresh = [s._replace(provenance=f"{s.provenance}; {note}") for s in fresh]
        replaced[node_id] = fresh
        still = {s.kind for s in fresh}
        why = tuple(rulings[h.entity.id] for h in dropped)
        dismissed += [
            Dismissal(s, why)
            for s in sources
            if s.node == node_id and s.kind in LISTED_KINDS and s.kind not in still
        ]
    out: list[RiskSource] = []
    done: set[int] = set()
    for s in sources:
        if s.node not in replaced or s.kind not in LISTED_KINDS:
            out.append(s)
        elif s.node not in done:  # the node's decided list risks take its first one's place
            out += replaced[s.node]
            done.add(s.node)
    return Decided(out, dismissed, applied)


def _keys(node: Node) -> set[str]:
    return {name_key(n) for n in (node.name, *node.names)} - {""}


def _standing(
    hits: Sequence[Hit],
    keys: set[str],
    known: Mapping[tuple[str, str], HitDecision],
    book: DecisionBook,
) -> dict[str, HitDecision]:
    """Per entity id of ``hits``: the newest decision taken under any of the party's names
    against the entity as listed now (a decision on older list data no longer stands)."""
    out: dict[str, HitDecision] = {}
    for hit in hits:
        found = [known[(k, hit.entity.id)] for k in keys if (k, hit.entity.id) in known]
        if not found:
            continue
        current = book.entity_hash(hit.entity)
        standing = [d for d in found if d.entity_hash == current]
        if standing:
            out[hit.entity.id] = max(standing, key=lambda d: d.id)
    return out


def _is(rulings: Mapping[str, HitDecision], hit: Hit, decision: str) -> bool:
    ruling = rulings.get(hit.entity.id)
    return ruling is not None and ruling.decision == decision


def rests_on(kind: str, hits: Sequence[Hit]) -> list[Hit]:
    """The hits a party's risk source of ``kind`` rests on, as
    :func:`~sourcetrace.graph.risks.list_risks` builds it: for ``list``, the entities listed
    other than by CBP; for ``cbp_wro``, those under a CBP order or finding."""
    out = []
    for hit in hits:
        if hit.decision is Decision.CLEAR or hit.entity.schema == "Person":
            continue
        cbp = [x.list_name.startswith("CBP") for x in hit.entity.listings]
        if (kind == CBP_WRO and any(cbp)) or (kind == LIST and not all(cbp)):
            out.append(hit)
    return out
