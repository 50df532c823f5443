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

from sourcetrace.graph.model import Graph, Link, Node, hs_digits
from sourcetrace.matching.score import Matcher
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


@dataclass(frozen=True, slots=True)
class RiskSource:
    """One reason a node is a starting point of risk, with its provenance.

    ``hs_code`` is set for goods-borne risk (a sector): it travels only with links of that code.
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


def list_risks(node: Node, hits: Iterable[Hit], merchandise: Mapping[str, str]) -> list[RiskSource]:
    """A listed organisation: match -> high, review -> medium; a CBP WRO/Finding names merchandise.

    One risk source per kind, naming every entity the node matched (the same company is often
    listed under several names or group entities).
    """
    listed: list[str] = []
    cbp: list[str] = []
    provenance: list[str] = []
    severity = ""
    for hit in hits:
        if hit.decision is Decision.CLEAR or hit.entity.schema == "Person":
            continue
        if not severity or hit.decision is Decision.MATCH:
            severity = "high" if hit.decision is Decision.MATCH else "medium"
        label = (
            f"{hit.decision.value} '{hit.entity.caption}' "
            f"(matched '{hit.matched_name}', score {hit.score:.2f})"
        )
        versions = sorted({x.version for x in hit.entity.listings if x.version})
        provenance.append(
            f"{hit.entity.id}: {hit.entity.lists_label()}"
            + (f" (version {', '.join(versions)})" if versions else "")
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


def location_risks(node: Node) -> list[RiskSource]:
    """A Xinjiang address or shipment origin (high); a Xinjiang postcode or place name (medium)."""
    for where, texts, severity in (
        ("address", node.addresses, "high"),
        ("shipment origin", node.origins, "high"),
    ):
        for text in texts:
            places = xinjiang_places(text)
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
        code = xinjiang_postcode(text)
        if code:
            return [
                RiskSource(
                    node.id, XINJIANG, "medium", f"Xinjiang postcode {code} in address", text
                )
            ]
    for name in node.names:
        places = xinjiang_places(name)
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


def uscc_risks(node: Node) -> list[RiskSource]:
    """A valid USCC whose registering authority is in Xinjiang (region code 65; 66 UNVERIFIED)."""
    out = []
    for raw in node.identifiers:
        check = check_uscc(raw)
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


def sector_risks(links: Iterable[Link]) -> list[RiskSource]:
    """Goods of a UFLPA high-priority sector, by HS code (domain-facts §1.2): low, goods-borne."""
    seen: dict[tuple[int, str], RiskSource] = {}
    for link in links:
        sector = sector_of(link.hs_code)
        digits = hs_digits(link.hs_code)
        if sector and (link.supplier, digits) not in seen:
            seen[(link.supplier, digits)] = RiskSource(
                link.supplier,
                SECTOR,
                "low",
                f"UFLPA high-priority sector: {sector} (HS {link.hs_code})",
                "domain-facts §1.2 HS mapping (not an official CBP list)",
                hs_code=digits,
                sector=sector,
            )
    return list(seen.values())


def find_risks(
    graph: Graph, matcher: Matcher | None, merchandise: Mapping[str, str] | None = None
) -> list[RiskSource]:
    """Every risk source in the graph; ``matcher=None`` skips the list checks."""
    merchandise = merchandise or {}
    out: list[RiskSource] = []
    for node in graph.nodes:
        if matcher is not None:
            best: dict[str, Hit] = {}
            ident = next((i for i in node.identifiers if check_uscc(i).valid), "")
            for name in node.names:
                for hit in matcher.match(name, ident):
                    prev = best.get(hit.entity.id)
                    if prev is None or (hit.decision.rank, hit.score) > (
                        prev.decision.rank,
                        prev.score,
                    ):
                        best[hit.entity.id] = hit
            ranked = sorted(best.values(), key=lambda h: (-h.decision.rank, -h.score, h.entity.id))
            # Only the strongest decision counts, and at most three entities (plus any CBP one,
            # whose merchandise matters): one node, few rows.
            strongest = [h for h in ranked if h.decision is ranked[0].decision] if ranked else []
            top = strongest[:3] + [h for h in strongest[3:] if _on_cbp(h)]
            out += list_risks(node, top, merchandise)
        out += location_risks(node)
        out += uscc_risks(node)
    out += sector_risks(graph.links)
    return out


def _on_cbp(hit: Hit) -> bool:
    return any(x.list_name.startswith("CBP") for x in hit.entity.listings)
