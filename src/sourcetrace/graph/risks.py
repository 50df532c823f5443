"""Risk sources: where in the graph forced-labour risk starts, and on what evidence.

Five kinds, each a small function over one node (or one link) whose docstring says what it finds:
list hits, CBP WRO/Finding merchandise, Xinjiang location, USCC registered in Xinjiang, and
goods of a UFLPA high-priority sector. A risk source is a signal for review, never a verdict,
and never a clearance by its absence.

Listed persons are never risk sources here: nodes are organisations and facilities (the red line).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import NamedTuple, Protocol

import polars as pl

from sourcetrace.graph.model import Graph, Node, hs_digits
from sourcetrace.graph.parties import TextFacts, read_texts
from sourcetrace.matching.index import gc_paused
from sourcetrace.matching.matcher import Matcher
from sourcetrace.model import Decision, Hit
from sourcetrace.names.identifiers import check_uscc
from sourcetrace.names.location import xinjiang_places, xinjiang_postcode

LIST = "list"
CBP_WRO = "cbp_wro"
XINJIANG = "xinjiang_location"
USCC_XINJIANG = "uscc_xinjiang"
SECTOR = "sector"
KINDS = (LIST, CBP_WRO, XINJIANG, USCC_XINJIANG, SECTOR)
SEVERITY_RANK = {"low": 0, "medium": 1, "high": 2}


@dataclass(frozen=True, slots=True)
class HsSector:
    """One UFLPA high-priority sector and the HS code prefixes (digits) of its core goods."""

    sector: str
    prefixes: tuple[str, ...]


# Source: sources/domain/domain-facts.md §1.2, "Core HS (high confidence)" column, HS 2022; the
# twelve sectors as of the 19 Aug 2025 Strategy update (§1.1). The mapping is the project's
# judgement, not an official CBP list. 854140 is the HS 2017 code for PV cells and modules.
HIGH_PRIORITY_SECTORS: tuple[HsSector, ...] = (
    HsSector("cotton and cotton products", ("52",)),
    HsSector("apparel", ("61", "62")),
    HsSector(
        "silica-based products (polysilicon)",
        ("280461", "280469", "3818", "854142", "854143", "854140"),
    ),
    HsSector("tomatoes and downstream products", ("0702", "200210", "200290")),
    HsSector("aluminum", ("76",)),
    HsSector("polyvinyl chloride (PVC)", ("390410", "390421", "390422")),
    HsSector("seafood", ("0302", "0303", "0304", "0305", "0306", "0307", "0308")),
    HsSector("steel", ("72",)),
    HsSector("copper", ("2603", "74")),
    HsSector("lithium", ("283691", "282520")),
    HsSector("caustic soda", ("281511", "281512")),
    HsSector("red dates (jujube)", ("081340",)),
)


class Ruling(Protocol):
    """An analyst's decision on a hit, as a risk source tells it
    (:class:`sourcetrace.graph.decisions.HitDecision`)."""

    @property
    def decision(self) -> str: ...
    @property
    def username(self) -> str: ...
    @property
    def at(self) -> str: ...
    @property
    def confirmed(self) -> bool: ...
    def said(self) -> str: ...


class RiskSource(NamedTuple):
    """One reason a node is a starting point of risk, with its provenance.

    ``hs_code`` is set for goods-borne risk (a sector): it travels only with links of that code.

    A named tuple rather than a frozen dataclass: a large chain has hundreds of thousands (one per
    supplier and high-priority HS code), made several times faster this way.
    """

    node: int
    kind: str
    severity: str
    detail: str
    provenance: str = ""
    hs_code: str = ""
    sector: str = ""

    @property
    def goods_borne(self) -> bool:
        return bool(self.hs_code)


def sector_of(hs_code: str) -> str:
    """The high-priority sector an HS code belongs to (longest prefix wins), or ""."""
    digits = hs_digits(hs_code)
    best, size = "", 0
    for entry in HIGH_PRIORITY_SECTORS:
        for prefix in entry.prefixes:
            if digits.startswith(prefix) and len(prefix) > size:
                best, size = entry.sector, len(prefix)
    return best


def list_risks(
    node: Node,
    hits: Iterable[Hit],
    merchandise: Mapping[str, str],
    rulings: Mapping[str, Ruling] | None = None,
) -> list[RiskSource]:
    """A listed organisation: match -> high, review -> medium; a CBP WRO/Finding names merchandise.

    One risk source per kind, naming every entity the node matched (the same company is often
    listed under several names or group entities). ``rulings``: an analyst's decision per entity
    id (:mod:`sourcetrace.graph.decisions`): a confirmed hit is high whatever its score, and
    each decision is written into the detail and the provenance (what, who, when).
    """
    listed: list[str] = []
    cbp: list[str] = []
    provenance: list[str] = []
    severity = ""
    for hit in hits:
        if hit.decision is Decision.CLEAR or hit.entity.schema == "Person":
            continue
        ruling = (rulings or {}).get(hit.entity.id)
        high = hit.decision is Decision.MATCH or (ruling is not None and ruling.confirmed)
        if severity != "high":
            severity = "high" if high else "medium"
        label = (
            f"{hit.decision.value} '{hit.entity.caption}' "
            f"(matched '{hit.matched_name}', score {hit.score:.2f}"
            + (f"; {ruling.decision} by {ruling.username} at {ruling.at}" if ruling else "")
            + ")"
        )
        versions = sorted({x.version for x in hit.entity.listings if x.version})
        provenance.append(
            f"{hit.entity.id}: {hit.entity.lists_label()}"
            + (f" (version {', '.join(versions)})" if versions else "")
            + (f", {ruling.said()}" if ruling else "")
        )
        names = list(dict.fromkeys(x.list_name for x in hit.entity.listings))
        others = [n for n in names if not n.startswith("CBP")]
        if others:
            listed.append(f"{label} on {', '.join(others)}")
        if len(others) < len(names):
            goods = merchandise.get(hit.entity.id, "merchandise not recorded")
            cbp.append(
                f"{label} under {', '.join(n for n in names if n.startswith('CBP'))}, "
                f"merchandise: {goods}"
            )
    out: list[RiskSource] = []
    if listed:
        out.append(RiskSource(node.id, LIST, severity, "; ".join(listed), "; ".join(provenance)))
    if cbp:
        out.append(RiskSource(node.id, CBP_WRO, severity, "; ".join(cbp), "; ".join(provenance)))
    return out


def location_risks(node: Node, facts: TextFacts | None = None) -> list[RiskSource]:
    """A Xinjiang address or shipment origin (high); a Xinjiang postcode or place name (medium).

    ``facts``: the places and postcodes already found in the node's texts, when they were.
    """
    places_in = facts.places_in if facts is not None else xinjiang_places
    postcode_in = facts.postcodes.get if facts is not None else xinjiang_postcode
    for where, texts, severity in (
        ("address", node.addresses, "high"),
        ("shipment origin", node.origins, "high"),
    ):
        for text in texts:
            places = places_in(text)
            if places:
                return [
                    RiskSource(
                        node.id,
                        XINJIANG,
                        severity,
                        f"Xinjiang {where} ({', '.join(places[:3])}): UFLPA presumption applies",
                        text,
                    )
                ]
    for text in node.addresses:
        code = postcode_in(text)
        if code:
            return [
                RiskSource(
                    node.id, XINJIANG, "medium", f"Xinjiang postcode {code} in address", text
                )
            ]
    for name in node.names:
        places = places_in(name)
        if places:
            return [
                RiskSource(
                    node.id,
                    XINJIANG,
                    "medium",
                    f"Xinjiang place in the name ({', '.join(places[:3])})",
                    name,
                )
            ]
    return []


def uscc_risks(node: Node, facts: TextFacts | None = None) -> list[RiskSource]:
    """A valid USCC whose registering authority is in Xinjiang (region code 65; 66 UNVERIFIED).

    ``facts``: the identifiers already checked, when they were.
    """
    check_of = facts.uscc if facts is not None else check_uscc
    out = []
    for raw in node.identifiers:
        check = check_of(raw)
        if check.registered_in_xinjiang:
            out.append(
                RiskSource(
                    node.id,
                    USCC_XINJIANG,
                    "medium",
                    f"USCC registered in Xinjiang (region {check.region})",
                    check.code,
                )
            )
    return out


def sector_risks(graph: Graph) -> list[RiskSource]:
    """Goods of a UFLPA high-priority sector, by HS code (domain-facts §1.2): low, goods-borne.

    One risk source per supplier and HS code, described with the code as its first link writes it.
    """
    codes = graph.edges.select("hs").unique()
    sectors = codes.with_columns(
        pl.Series("sector", [sector_of(h) for h in codes["hs"].to_list()], dtype=pl.String)
    ).filter(pl.col("sector") != "")
    found = (
        graph.edges.select("supplier", "hs", "hs_code")
        .join(sectors, on="hs", how="inner", maintain_order="left")
        .group_by("supplier", "hs", maintain_order=True)
        .agg(pl.col("hs_code").first(), pl.col("sector").first())
        .select(
            "supplier",
            pl.format("UFLPA high-priority sector: {} (HS {})", "sector", "hs_code").alias(
                "detail"
            ),
            "hs",
            "sector",
        )
    )
    # Users see this: it names the public source, not the project's notes.
    provenance = (
        "UFLPA Strategy high-priority sectors (FLETF, 19 Aug 2025 update); HS codes mapped by "
        "sourcetrace, not an official CBP list"
    )
    with gc_paused():
        return [
            RiskSource(supplier, SECTOR, "low", detail, provenance, digits, sector)
            for supplier, detail, digits, sector in found.iter_rows()
        ]


def find_risks(
    graph: Graph,
    matcher: Matcher | None,
    merchandise: Mapping[str, str] | None = None,
    facts: TextFacts | None = None,
    workers: int = 1,
    sectors: bool = True,
) -> list[RiskSource]:
    """Every risk source in the graph; ``matcher=None`` skips the list checks, ``sectors=False``
    the sector risk sources (a low one per party shipping goods of a high-priority sector: most
    parties of a textile chain, which a caller that does not trace nor show them need not build).

    ``facts`` (from :func:`sourcetrace.graph.parties.read_texts`): the list hits and places
    already found per spelling and address, so that nothing is parsed twice; found here (in
    ``workers`` processes) when not given. Only parties with something found are looked at one
    by one.
    """
    merchandise = merchandise or {}
    if facts is None or (matcher is not None and not facts.screened):
        texts = graph.parties.select(pl.concat_list("addresses", "origins").explode())
        facts = read_texts(
            graph.parties.get_column("names").explode().drop_nulls().to_list(),
            texts.to_series().drop_nulls().to_list(),
            matcher,
            workers,
            graph.parties.get_column("identifiers").explode().drop_nulls().to_list(),
        )
    out: list[RiskSource] = []
    with gc_paused():
        for node in graph.nodes_at(_worth_a_look(graph, matcher, facts)):
            if matcher is not None:
                out += list_risks(node, _top_hits(node, matcher, facts), merchandise)
            out += location_risks(node, facts)
            out += uscc_risks(node, facts)
    if sectors:
        out += sector_risks(graph)
    return out


def node_hits(node: Node, matcher: Matcher, facts: TextFacts | None = None) -> list[Hit]:
    """The hits a party's list risk sources rest on, as :func:`find_risks` finds them; without
    ``facts``, its spellings are matched here (a saved graph's party, for a decision)."""
    if facts is None:
        facts = read_texts(list(node.names), [], matcher, 1, list(node.identifiers))
    return _top_hits(node, matcher, facts)


def _top_hits(node: Node, matcher: Matcher, facts: TextFacts) -> list[Hit]:
    """The node's strongest hits over its spellings: at most three entities, plus any CBP one
    (whose merchandise matters): one node, few rows."""
    best: dict[str, Hit] = {}
    ident = next((i for i in node.identifiers if facts.uscc(i).valid), "")
    # The spellings were screened without the identifier; it matters only when a listed entity
    # carries it.
    live = bool(ident) and facts.uscc(ident).code in matcher.index.identifiers
    for name in node.names:
        for hit in matcher.match(name, ident) if live else facts.hits.get(name, []):
            prev = best.get(hit.entity.id)
            if prev is None or (hit.decision.rank, hit.score) > (prev.decision.rank, prev.score):
                best[hit.entity.id] = hit
    ranked = sorted(best.values(), key=lambda h: (-h.decision.rank, -h.score, h.entity.id))
    strongest = [h for h in ranked if h.decision is ranked[0].decision] if ranked else []
    return strongest[:3] + [h for h in strongest[3:] if _on_cbp(h)]


def _worth_a_look(graph: Graph, matcher: Matcher | None, facts: TextFacts) -> list[int]:
    """The parties some text of which the parsers flagged: a list hit, a Xinjiang place or
    postcode, a USCC registered in Xinjiang or one a listed entity carries."""
    flagged = set(facts.places) | set(facts.postcodes)
    if matcher is not None:
        flagged |= set(facts.hits)
    p = graph.parties
    codes = p.select(pl.col("identifiers").explode().drop_nulls().unique()).to_series().to_list()
    listed = matcher.index.identifiers if matcher is not None else {}
    risky = [c for c in codes if (k := facts.uscc(c)).registered_in_xinjiang or k.code in listed]
    texts = pl.Series(list(flagged), dtype=pl.String)
    ids = pl.Series(risky, dtype=pl.String)
    found = (
        pl.concat(
            [
                p.select("id", pl.col(c).alias("text"))
                .explode("text")
                .filter(pl.col("text").is_in(texts.implode()))
                for c in ("names", "addresses", "origins")
            ]
            + [
                p.select("id", pl.col("identifiers").alias("text"))
                .explode("text")
                .filter(pl.col("text").is_in(ids.implode()))
            ]
        )
        .select("id")
        .unique()
        .sort("id")
    )
    return found.get_column("id").to_list()


def _on_cbp(hit: Hit) -> bool:
    return any(x.list_name.startswith("CBP") for x in hit.entity.listings)
