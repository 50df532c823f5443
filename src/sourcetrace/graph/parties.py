"""Party resolution: every distinct spelling parsed once, spellings grouped into nodes.

Every spelling of a party is parsed into (trade name, industry, regions) with
:func:`sourcetrace.names.parse.parse_name`; spellings with the same key are one node, so
"HUAFU COLOR SPINNING" and "华孚色纺" meet. A spelling without a region joins the one node that
has the same trade name and industry and a region, when there is exactly one (never a guess
between two). Equal valid USCCs join nodes whatever the names say.

The work per distinct text is done once (:func:`read_texts`): the parse that gives the key also
gives the matcher its query, so a party's list hits are found in the same pass, each batch of
4,000 names through the matcher's batched retrieval. From
:attr:`~sourcetrace.settings.Settings.trace_workers_from` distinct texts (20,000 by default) the
batches run in the bulk screening engine's worker processes
(:func:`sourcetrace.engines.local.worker_pool`: the same pool, sharing the same cached matcher by
fork, ending with the run); below it in this process, where forking the workers costs more than
it saves. The Xinjiang places in names and addresses, their postcodes
and the identifiers' checks are found once too, only in the texts a column-wise test leaves (most
hold none); all of it (:class:`TextFacts`) is handed to :mod:`sourcetrace.graph.risks`.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import TypeVar

import numpy as np
import polars as pl

from sourcetrace.engines.local import worker_pool
from sourcetrace.graph.model import PARTY_SCHEMA
from sourcetrace.matching.index import gc_paused
from sourcetrace.matching.matcher import MAX_NAME_CHARS, Matcher
from sourcetrace.model import Hit
from sourcetrace.names.identifiers import UsccCheck, check_uscc, check_usccs
from sourcetrace.names.location import may_hold_xinjiang_place, xinjiang_places, xinjiang_postcode
from sourcetrace.names.parse import parse_name
from sourcetrace.names.text import fold

PartyKey = tuple[str, tuple[str, ...], tuple[str, ...]]  # trade, industries, regions
MENTION_COLUMNS = ("name", "address", "country", "identifier", "origin")
PARALLEL_FROM = 20_000  # distinct texts; Settings.trace_workers_from's default
_BATCH = 4_000


@dataclass(slots=True)
class TextFacts:
    """What the parsers found, per distinct text: resolution keys, list hits, Xinjiang signals,
    identifier checks."""

    keys: dict[str, PartyKey] = field(default_factory=dict)
    hits: dict[str, list[Hit]] = field(default_factory=dict)  # only spellings with hits
    places: dict[str, list[str]] = field(default_factory=dict)  # names and addresses with places
    postcodes: dict[str, str] = field(default_factory=dict)  # addresses with a Xinjiang postcode
    usccs: dict[str, UsccCheck] = field(default_factory=dict)  # every identifier given
    screened: bool = False  # hits were looked up (a matcher was given)

    def places_in(self, text: str) -> list[str]:
        return self.places.get(text, [])

    def uscc(self, raw: str) -> UsccCheck:
        """The check of an identifier, made once per distinct one."""
        found = self.usccs.get(raw)
        return found if found is not None else check_uscc(raw)


# Set in the parent before the pool forks; workers read it without pickling the index.
_MATCHER: Matcher | None = None


def _name_batch(names: list[str]) -> list[tuple[PartyKey, list[Hit]]]:
    """Each name's resolution key and list hits. The batch is screened as ``Matcher.match_many``
    screens: the string retrieval of all its names is one sparse product and their spelling
    checks two rapidfuzz calls; one product per name cost 60 % of a 200,000-link trace."""
    parsed = [parse_name(name[:MAX_NAME_CHARS]) for name in names]
    keys = [
        (p.trade_key or fold(name), tuple(sorted(p.industry)), tuple(sorted(p.regions)))
        for name, p in zip(names, parsed, strict=True)
    ]
    if _MATCHER is None:
        return [(key, []) for key in keys]
    strings = _MATCHER.string_near(parsed)
    close = _MATCHER.spelled_close_many(parsed, strings)
    hits = [
        _MATCHER.match_parsed(p, "", s, c) for p, s, c in zip(parsed, strings, close, strict=True)
    ]
    return list(zip(keys, hits, strict=True))


def _place_batch(texts: list[str]) -> list[list[str]]:
    return [xinjiang_places(t) for t in texts]


_T = TypeVar("_T")


def _in_worker(work: Callable[[list[str]], list[_T]], items: list[str]) -> list[_T]:
    """``work(items)`` in a worker of the pool, the collector off for the worker's life: a batch
    builds many objects, none garbage. (Not :func:`gc_paused`: on leaving, its check of the
    frozen objects walks every one inherited from the parent, 8 % of a worker's time.)"""
    gc.disable()
    return work(items)


def read_texts(
    names: Sequence[str],
    texts: Sequence[str] = (),
    matcher: Matcher | None = None,
    workers: int = 1,
    identifiers: Sequence[str] = (),
    parallel_from: int = PARALLEL_FROM,
) -> TextFacts:
    """Parse (and, with a matcher, screen) each distinct name once; look for Xinjiang places in
    each name and text (address, shipment origin) and for Xinjiang postcodes in each text; check
    each distinct identifier as a USCC.

    Only texts that may hold a place or a postcode are looked at one by one
    (:func:`~sourcetrace.names.location.may_hold_xinjiang_place`, column-wise): most hold neither.
    With ``workers`` > 1 and at least ``parallel_from`` distinct names and texts, the batches run
    in the bulk engine's worker processes; the facts are the same either way.
    """
    global _MATCHER
    names = list(dict.fromkeys(names))
    texts = list(dict.fromkeys(t for t in texts if t))
    _MATCHER = matcher
    facts = TextFacts(screened=matcher is not None)
    if workers > 1 and len(names) + len(texts) >= parallel_from:
        # The workers inherit the matcher (set above, its tables built) and the names by fork.
        if matcher is not None:
            matcher.warm()
        with worker_pool(workers) as pool:
            assert pool is not None
            name_jobs = pool.map(partial(_in_worker, _name_batch), _parts(names))
            with gc_paused():  # while the workers parse:
                placed = may_hold_xinjiang_place(list(dict.fromkeys([*names, *texts])))
                place_jobs = pool.map(partial(_in_worker, _place_batch), _parts(placed))
                _check_texts(facts, texts, identifiers)
                name_rows = [r for part in name_jobs for r in part]
                place_rows = [r for part in place_jobs for r in part]
    else:
        placed = may_hold_xinjiang_place(list(dict.fromkeys([*names, *texts])))
        _check_texts(facts, texts, identifiers)
        place_rows = [r for part in _parts(placed) for r in _place_batch(part)]
        name_rows = [r for part in _parts(names) for r in _name_batch(part)]
    with gc_paused():
        facts.keys = {name: key for name, (key, _) in zip(names, name_rows, strict=True)}
        facts.hits = {name: hits for name, (_, hits) in zip(names, name_rows, strict=True) if hits}
        facts.places = {t: found for t, found in zip(placed, place_rows, strict=True) if found}
    return facts


def _parts(items: list[str]) -> list[list[str]]:
    return [items[i : i + _BATCH] for i in range(0, len(items), _BATCH)]


def _check_texts(facts: TextFacts, texts: list[str], identifiers: Sequence[str]) -> None:
    """The Xinjiang postcodes in the texts and the USCC check of each identifier, into ``facts``."""
    facts.postcodes = {t: c for t in _may_hold_postcode(texts) if (c := xinjiang_postcode(t))}
    facts.usccs = check_usccs(identifiers)


def _may_hold_postcode(texts: list[str]) -> list[str]:
    """The texts in which :func:`xinjiang_postcode` may find a postcode (six digits from 83 or
    84; the function also checks that no digit touches them)."""
    if not texts:
        return []
    s = pl.Series(texts, dtype=pl.String)
    return s.filter(s.str.contains(r"8[34]\d{4}")).to_list()


def spellings(mentions: pl.DataFrame) -> tuple[pl.DataFrame, pl.Series]:
    """Each distinct spelling in order of first mention (``i``, ``name``, ``count``, ``at`` the
    first mention's row), and the ``i`` of every mention, in ``mentions``' order."""
    per_name = (
        mentions.select("name")
        .with_row_index("at")
        .group_by("name", maintain_order=True)
        .agg(pl.len().alias("count"), pl.col("at"))
        .with_row_index("i")
    )
    at = per_name.get_column("at").explode().to_numpy()
    of_mention = np.empty(len(at), dtype=np.uint32)
    of_mention[at] = np.repeat(
        per_name.get_column("i").to_numpy(), per_name.get_column("count").to_numpy()
    )
    spelled = per_name.with_columns(pl.col("at").list.first())
    return spelled, pl.Series("i", of_mention)


def resolve_parties(
    mentions: pl.DataFrame, facts: TextFacts, spelled: tuple[pl.DataFrame, pl.Series] | None = None
) -> tuple[pl.DataFrame, pl.Series]:
    """Group the spellings into nodes.

    ``mentions``: one row per time a file names a party, columns :data:`MENTION_COLUMNS`
    (stripped; "" when absent), in file order; ``facts``: their keys (and identifier checks);
    ``spelled``: :func:`spellings` of the mentions, when already made. Returns the parties
    (:data:`PARTY_SCHEMA`, node ids in order of first mention) and the node of every mention.
    """
    per_name, of_mention = spelled if spelled is not None else spellings(mentions)
    keys = facts.keys
    names: list[str] = per_name.get_column("name").to_list()
    parts = [keys[n] for n in names]
    spelled_keys = per_name.with_columns(
        pl.Series("trade", [k[0] for k in parts], dtype=pl.String),
        pl.Series("industry", ["\x1f".join(k[1]) for k in parts], dtype=pl.String),
        pl.Series("regions", ["\x1f".join(k[2]) for k in parts], dtype=pl.String),
    ).with_columns(pl.col("i").min().over("trade", "industry", "regions").alias("root"))
    # A spelling without a region joins the one regioned node with its trade name and industry.
    regioned = (
        spelled_keys.filter(pl.col("regions") != "")
        .group_by("trade", "industry")
        .agg(pl.col("root").unique())
        .filter(pl.col("root").list.len() == 1)
        .select("trade", "industry", pl.col("root").list.first().alias("joins"))
    )
    unregioned = spelled_keys.filter(pl.col("regions") == "").join(
        regioned, on=["trade", "industry"], how="inner"
    )
    links = list(unregioned.select("root", "joins").unique().iter_rows())
    root_of: list[int] = spelled_keys.get_column("root").to_list()
    # Equal valid USCCs join nodes whatever the names say.
    ids = (
        mentions.select(of_mention.alias("i"), "identifier")
        .filter(pl.col("identifier") != "")
        .unique(maintain_order=True)
    )
    by_uscc: dict[str, int] = {}
    for i, raw in ids.iter_rows():
        check = facts.uscc(raw)
        if check.valid:
            root = root_of[i]
            first = by_uscc.setdefault(check.code, root)
            if first != root:
                links.append((first, root))
    merged = _components(links)
    spelled_keys = spelled_keys.with_columns(
        pl.col("root").replace(merged).alias("root") if merged else pl.col("root")
    ).with_columns((pl.col("root").rank("dense") - 1).cast(pl.Int32).alias("node"))
    by_node = (
        spelled_keys.sort("node", pl.col("count"), "at", descending=[False, True, False])
        .group_by("node", maintain_order=True)
        .agg(pl.col("name").alias("names"))
    )
    node_of = spelled_keys.get_column("node").gather(of_mention)
    attributes = (("address", "addresses"), ("country", "countries"),
                  ("identifier", "identifiers"), ("origin", "origins"))  # fmt: skip
    # Many mentions say nothing but the name (a buyer): they are left out of the grouping.
    attrs = (
        mentions.with_columns(node_of.alias("node"))
        .filter(pl.any_horizontal(pl.col(c) != "" for c, _ in attributes))
        .group_by("node", maintain_order=True)
        .agg(
            pl.col(c).filter(pl.col(c) != "").unique(maintain_order=True).alias(plural)
            for c, plural in attributes
        )
    )
    parties = (
        by_node.join(attrs, on="node", how="left")
        .sort("node")
        .select(
            pl.col("node").alias("id"),
            pl.col("names").list.first().alias("name"),
            "names",
            *(pl.col(p).fill_null(pl.lit([], dtype=pl.List(pl.String))) for _, p in attributes),
        )
    )
    return parties.cast(PARTY_SCHEMA), node_of  # type: ignore[arg-type]


def _components(links: list[tuple[int, int]]) -> dict[int, int]:
    """Union the pairs; returns each member's component as its smallest member (changed only)."""
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        root = x
        while parent.get(root, root) != root:
            root = parent[root]
        while parent.get(x, x) != root:
            parent[x], x = root, parent[x]
        return root

    for a, b in links:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {x: find(x) for x in list(parent) if find(x) != x}
