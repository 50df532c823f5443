"""Party resolution: every distinct spelling parsed once, spellings grouped into nodes.

Every spelling of a party is parsed into (trade name, industry, regions) with
:func:`sourcetrace.names.parse.parse_name`; spellings with the same key are one node, so
"HUAFU COLOR SPINNING" and "华孚色纺" meet. A spelling without a region joins the one node that
has the same trade name and industry and a region, when there is exactly one (never a guess
between two). Equal valid USCCs join nodes whatever the names say.

The work per distinct text is done once, in ``workers`` processes for large inputs
(:func:`read_texts`): the parse that gives the key also gives the matcher its query, so a party's
list hits and the Xinjiang places in its name or address (:class:`TextFacts`) are found in the
same pass and handed to :mod:`sourcetrace.graph.risks`.
"""

from __future__ import annotations

import gc
import multiprocessing
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

import polars as pl

from sourcetrace.graph.model import PARTY_SCHEMA
from sourcetrace.matching.score import MAX_NAME_CHARS, Matcher
from sourcetrace.model import Hit
from sourcetrace.names.identifiers import check_uscc
from sourcetrace.names.location import xinjiang_places, xinjiang_postcode
from sourcetrace.names.parse import parse_name
from sourcetrace.names.text import fold

PartyKey = tuple[str, tuple[str, ...], tuple[str, ...]]  # trade, industries, regions
MENTION_COLUMNS = ("name", "address", "country", "identifier", "origin")
PARALLEL_FROM = 20_000  # distinct texts; below this, forking costs more than it saves
_BATCH = 4_000


@dataclass(slots=True)
class TextFacts:
    """What the parsers found, per distinct text: resolution keys, list hits, Xinjiang signals."""

    keys: dict[str, PartyKey] = field(default_factory=dict)
    hits: dict[str, list[Hit]] = field(default_factory=dict)  # only spellings with hits
    places: dict[str, list[str]] = field(default_factory=dict)  # names and addresses with places
    postcodes: dict[str, str] = field(default_factory=dict)  # addresses with a Xinjiang postcode
    screened: bool = False  # hits were looked up (a matcher was given)

    def places_in(self, text: str) -> list[str]:
        return self.places.get(text, [])


# Set in the parent before the pool forks; workers read it without pickling the index.
_MATCHER: Matcher | None = None


def _name_batch(names: list[str]) -> list[tuple[PartyKey, list[Hit], list[str]]]:
    out = []
    for name in names:
        parsed = parse_name(name[:MAX_NAME_CHARS])
        key = (
            parsed.trade_key or fold(name),
            tuple(sorted(parsed.industry)),
            tuple(sorted(parsed.regions)),
        )
        hits = _MATCHER.match_parsed(parsed) if _MATCHER is not None else []
        out.append((key, hits, xinjiang_places(name)))
    return out


def _text_batch(texts: list[str]) -> list[tuple[list[str], str]]:
    return [(xinjiang_places(t), xinjiang_postcode(t)) for t in texts]


def read_texts(
    names: Sequence[str],
    texts: Sequence[str] = (),
    matcher: Matcher | None = None,
    workers: int = 1,
) -> TextFacts:
    """Parse (and, with a matcher, screen) each distinct name once; look for Xinjiang places in
    each name and text (address, shipment origin)."""
    global _MATCHER
    names = list(dict.fromkeys(names))
    texts = list(dict.fromkeys(t for t in texts if t))
    _MATCHER = matcher
    name_parts = [names[i : i + _BATCH] for i in range(0, len(names), _BATCH)]
    text_parts = [texts[i : i + _BATCH] for i in range(0, len(texts), _BATCH)]
    if workers > 1 and len(names) + len(texts) >= PARALLEL_FROM:
        # Forked workers share the parsed lists; frozen objects are left alone by the collector,
        # so its passes neither copy the shared pages nor walk them.
        gc.collect()
        gc.freeze()
        try:
            with ProcessPoolExecutor(
                workers, mp_context=multiprocessing.get_context("fork"), initializer=gc.disable
            ) as pool:
                text_jobs = pool.map(_text_batch, text_parts)
                name_rows = [r for part in pool.map(_name_batch, name_parts) for r in part]
                text_rows = [r for part in text_jobs for r in part]
        finally:
            gc.unfreeze()
    else:
        name_rows = [r for part in name_parts for r in _name_batch(part)]
        text_rows = [r for part in text_parts for r in _text_batch(part)]
    facts = TextFacts(screened=matcher is not None)
    for name, (key, hits, places) in zip(names, name_rows, strict=True):
        facts.keys[name] = key
        if hits:
            facts.hits[name] = hits
        if places:
            facts.places[name] = places
    for text, (places, postcode) in zip(texts, text_rows, strict=True):
        if places:
            facts.places[text] = places
        if postcode:
            facts.postcodes[text] = postcode
    return facts


def resolve_parties(
    mentions: pl.DataFrame, keys: dict[str, PartyKey]
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Group the spellings into nodes.

    ``mentions``: one row per time a file names a party, columns :data:`MENTION_COLUMNS`
    (stripped; "" when absent), in file order. Returns the parties (:data:`PARTY_SCHEMA`, node
    ids in order of first mention) and a frame mapping each spelling (``name``) to its ``node``.
    """
    per_name = (
        mentions.with_row_index("at")
        .group_by("name", maintain_order=True)
        .agg(pl.len().alias("count"), pl.col("at").first())
        .with_row_index("i")
    )
    names: list[str] = per_name.get_column("name").to_list()
    parts = [keys[n] for n in names]
    spelled = per_name.with_columns(
        pl.Series("trade", [k[0] for k in parts], dtype=pl.String),
        pl.Series("industry", ["\x1f".join(k[1]) for k in parts], dtype=pl.String),
        pl.Series("regions", ["\x1f".join(k[2]) for k in parts], dtype=pl.String),
    ).with_columns(pl.col("i").min().over("trade", "industry", "regions").alias("root"))
    # A spelling without a region joins the one regioned node with its trade name and industry.
    regioned = (
        spelled.filter(pl.col("regions") != "")
        .group_by("trade", "industry")
        .agg(pl.col("root").unique())
        .filter(pl.col("root").list.len() == 1)
        .select("trade", "industry", pl.col("root").list.first().alias("joins"))
    )
    unregioned = spelled.filter(pl.col("regions") == "").join(
        regioned, on=["trade", "industry"], how="inner"
    )
    links = list(unregioned.select("root", "joins").unique().iter_rows())
    # Equal valid USCCs join nodes whatever the names say.
    ids = (
        mentions.filter(pl.col("identifier") != "")
        .select("name", "identifier")
        .unique(maintain_order=True)
        .join(spelled.select("name", "root"), on="name", maintain_order="left")
    )
    by_uscc: dict[str, int] = {}
    for root, raw in ids.select("root", "identifier").iter_rows():
        check = check_uscc(raw)
        if check.valid:
            first = by_uscc.setdefault(check.code, root)
            if first != root:
                links.append((first, root))
    merged = _components(links)
    spelled = spelled.with_columns(
        pl.col("root").replace(merged).alias("root") if merged else pl.col("root")
    ).with_columns((pl.col("root").rank("dense") - 1).cast(pl.Int32).alias("node"))
    spellings = (
        spelled.sort("node", pl.col("count"), "at", descending=[False, True, False])
        .group_by("node", maintain_order=True)
        .agg(pl.col("name").alias("names"))
    )
    attrs = (
        mentions.join(spelled.select("name", "node"), on="name", how="left",
                      maintain_order="left")
        .group_by("node", maintain_order=True)
        .agg(
            pl.col(c).filter(pl.col(c) != "").unique(maintain_order=True).alias(plural)
            for c, plural in (("address", "addresses"), ("country", "countries"),
                              ("identifier", "identifiers"), ("origin", "origins"))
        )
    )  # fmt: skip
    parties = (
        spellings.join(attrs, on="node", how="left")
        .sort("node")
        .select(
            pl.col("node").alias("id"),
            pl.col("names").list.first().alias("name"),
            "names", "addresses", "countries", "identifiers", "origins",
        )
    )  # fmt: skip
    return parties.cast(PARTY_SCHEMA), spelled.select("name", "node")  # type: ignore[arg-type]


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
