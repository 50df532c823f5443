"""Build the supply-chain graph from supply links, ownership and shipments files.

Reading is at the edge (:func:`read_graph`); :func:`build_graph` is pure over the tables, so tests
and other engines can hand it frames directly. Every error names the file and the column or row.

Party resolution: every spelling of a party is parsed into (trade name, industry, regions) with
:func:`sourcetrace.names.parse.parse_name`; spellings with the same key are one node, so
"HUAFU COLOR SPINNING" and "华孚色纺" meet. A spelling without a region joins the one node
that has the same trade name and industry and a region, when there is exactly one (never a guess
between two). Equal valid USCCs join nodes whatever the names say.

Only organisations and facilities become nodes (the red line): no column about a person is read.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import orjson
import polars as pl

from sourcetrace.errors import InputError
from sourcetrace.graph.model import Basis, Graph, Link, Node, Ownership, Source
from sourcetrace.io.readers import read_table
from sourcetrace.names.identifiers import check_uscc
from sourcetrace.names.parse import parse_name
from sourcetrace.names.text import fold

LINK_COLUMNS = (
    "buyer",
    "supplier",
    "product",
    "hs_code",
    "quantity",
    "unit",
    "date",
    "evidence",
    "basis",
)
LINK_OPTIONAL = ("supplier_address", "supplier_country", "supplier_id")
OWNERSHIP_COLUMNS = ("owner", "owned", "share", "evidence")
SHIPMENT_COLUMNS = ("shipper", "consignee", "hs_code", "description", "origin", "date", "quantity")


@dataclass(frozen=True, slots=True)
class _Mention:
    """One party as one row names it."""

    name: str
    address: str = ""
    country: str = ""
    identifier: str = ""
    origin: str = ""


def read_graph(links: Path, ownership: Path | None = None, shipments: Path | None = None) -> Graph:
    """Read the files (any format :func:`read_table` reads) and build the graph."""
    return build_graph(
        read_table(links),
        str(links),
        read_table(ownership) if ownership is not None else None,
        str(ownership) if ownership is not None else "",
        read_table(shipments) if shipments is not None else None,
        str(shipments) if shipments is not None else "",
    )


def build_graph(
    links: pl.DataFrame,
    links_path: str = "links",
    ownership: pl.DataFrame | None = None,
    ownership_path: str = "ownership",
    shipments: pl.DataFrame | None = None,
    shipments_path: str = "shipments",
) -> Graph:
    """Validate the tables, resolve parties to nodes and return the graph."""
    link_rows = _rows(links, links_path, LINK_COLUMNS, LINK_OPTIONAL)
    own_rows = (
        _rows(ownership, ownership_path, OWNERSHIP_COLUMNS, ("basis",))
        if ownership is not None
        else []
    )
    ship_rows = (
        _rows(shipments, shipments_path, SHIPMENT_COLUMNS, ("unit", "evidence"))
        if shipments is not None
        else []
    )
    mentions: list[_Mention] = []
    for i, r in enumerate(link_rows, start=1):
        _need(r, ("buyer", "supplier"), links_path, i)
        mentions.append(_Mention(r["buyer"]))
        mentions.append(
            _Mention(r["supplier"], r["supplier_address"], r["supplier_country"], r["supplier_id"])
        )
    for i, r in enumerate(own_rows, start=1):
        _need(r, ("owner", "owned"), ownership_path, i)
        mentions += [_Mention(r["owner"]), _Mention(r["owned"])]
    for i, r in enumerate(ship_rows, start=1):
        _need(r, ("shipper", "consignee"), shipments_path, i)
        mentions += [_Mention(r["shipper"], origin=r["origin"]), _Mention(r["consignee"])]
    nodes, node_of = resolve_parties(mentions)

    edges: list[Link] = []
    for i, r in enumerate(link_rows, start=1):
        edges.append(
            Link(
                supplier=node_of[r["supplier"].strip()],
                buyer=node_of[r["buyer"].strip()],
                product=r["product"].strip(),
                hs_code=r["hs_code"].strip(),
                quantity=_quantity(r["quantity"], links_path, i),
                unit=r["unit"].strip(),
                date=r["date"].strip(),
                evidence=r["evidence"].strip(),
                basis=_basis(r["basis"], links_path, i),
                source=Source(links_path, i),
            )
        )
    for i, r in enumerate(ship_rows, start=1):
        # A shipment is an observed sale: the shipper supplied the consignee.
        edges.append(
            Link(
                supplier=node_of[r["shipper"].strip()],
                buyer=node_of[r["consignee"].strip()],
                product=(r["description"] or r["hs_code"]).strip(),
                hs_code=r["hs_code"].strip(),
                quantity=_quantity(r["quantity"], shipments_path, i),
                unit=r["unit"].strip(),
                date=r["date"].strip(),
                evidence=(r["evidence"] or f"shipment {shipments_path} row {i}").strip(),
                basis=Basis.OBSERVED,
                source=Source(shipments_path, i),
            )
        )
    owns = [
        Ownership(
            owner=node_of[r["owner"].strip()],
            owned=node_of[r["owned"].strip()],
            share=_share(r["share"], ownership_path, i),
            evidence=r["evidence"].strip(),
            source=Source(ownership_path, i),
            basis=_basis(r["basis"], ownership_path, i) if r["basis"].strip() else Basis.DECLARED,
        )
        for i, r in enumerate(own_rows, start=1)
    ]
    return Graph(nodes=nodes, links=edges, ownership=owns)


def resolve_parties(mentions: list[_Mention]) -> tuple[list[Node], dict[str, int]]:
    """Group the spellings into nodes; returns the nodes and each stripped spelling's node id."""
    names = list(dict.fromkeys(m.name.strip() for m in mentions if m.name.strip()))
    order = {n: i for i, n in enumerate(names)}
    parent = {n: n for n in names}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb, key=order.__getitem__)] = min(ra, rb, key=order.__getitem__)

    by_key: dict[tuple[str, tuple[str, ...], tuple[str, ...]], str] = {}
    regioned: dict[tuple[str, tuple[str, ...]], set[str]] = defaultdict(set)
    keys: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {}
    for name in names:
        p = parse_name(name)
        trade = p.trade_key or fold(name)
        key = (trade, tuple(sorted(p.industry)), tuple(sorted(p.regions)))
        keys[name] = key
        if key in by_key:
            union(by_key[key], name)
        else:
            by_key[key] = name
        if key[2]:
            regioned[key[:2]].add(by_key[key])
    for name, key in keys.items():
        if not key[2]:
            options = {find(x) for x in regioned.get(key[:2], set())}
            if len(options) == 1:
                union(options.pop(), name)
    by_uscc: dict[str, str] = {}
    for m in mentions:
        if m.name.strip() and m.identifier.strip():
            check = check_uscc(m.identifier)
            if check.valid:
                if check.code in by_uscc:
                    union(by_uscc[check.code], m.name.strip())
                else:
                    by_uscc[check.code] = m.name.strip()

    groups: dict[str, list[_Mention]] = defaultdict(list)
    for m in mentions:
        if m.name.strip():
            groups[find(m.name.strip())].append(m)
    nodes: list[Node] = []
    node_of: dict[str, int] = {}
    for root in sorted(groups, key=order.__getitem__):
        ms = groups[root]
        counts = Counter(m.name.strip() for m in ms)
        spellings = tuple(sorted(counts, key=lambda n: (-counts[n], order[n])))
        node = Node(
            id=len(nodes),
            name=spellings[0],
            names=spellings,
            addresses=_distinct(m.address for m in ms),
            countries=_distinct(m.country for m in ms),
            identifiers=_distinct(m.identifier for m in ms),
            origins=_distinct(m.origin for m in ms),
        )
        nodes.append(node)
        for spelling in spellings:
            node_of[spelling] = node.id
    return nodes, node_of


def _distinct(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v.strip() for v in values if v and v.strip()))


def _rows(
    frame: pl.DataFrame, path: str, required: tuple[str, ...], optional: tuple[str, ...]
) -> list[dict[str, str]]:
    columns = {c.strip().lower(): c for c in frame.columns}
    for col in required:
        if col not in columns:
            raise InputError(
                f"required column missing; the file has: {', '.join(frame.columns)}",
                path=path,
                column=col,
            )
    wanted = {c: columns.get(c) for c in (*required, *optional)}
    data = {
        c: (frame.get_column(src).to_list() if src else [""] * frame.height)
        for c, src in wanted.items()
    }
    return [{c: (data[c][i] or "") for c in wanted} for i in range(frame.height)]


def _need(row: dict[str, str], cols: tuple[str, ...], path: str, number: int) -> None:
    for col in cols:
        if not row[col].strip():
            raise InputError(
                f"empty {col}: every edge needs both parties", path=path, row=number, column=col
            )


def _basis(raw: str, path: str, number: int) -> Basis:
    try:
        return Basis(raw.strip().lower())
    except ValueError:
        raise InputError(
            f"basis is {raw!r}; use observed, declared or inferred",
            path=path,
            row=number,
            column="basis",
        ) from None


def _quantity(raw: str, path: str, number: int) -> float | None:
    text = raw.strip().replace(",", "")
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise InputError(
            f"quantity {raw!r} is not a number", path=path, row=number, column="quantity"
        ) from None
    if value < 0:
        raise InputError(f"quantity {raw!r} is negative", path=path, row=number, column="quantity")
    return value


def _share(raw: str, path: str, number: int) -> float:
    text = raw.strip().rstrip("%").strip()
    try:
        value = float(text)
    except ValueError:
        raise InputError(
            f"share {raw!r} is not a percentage (0-100)", path=path, row=number, column="share"
        ) from None
    if not 0.0 <= value <= 100.0:
        raise InputError(
            f"share {raw!r} is outside 0-100 percent", path=path, row=number, column="share"
        )
    return value


def read_wro_merchandise(path: Path) -> dict[str, str]:
    """Entity id -> merchandise named by its CBP WRO/Finding ("Merchandise: All Garments")."""
    out: dict[str, str] = {}
    with path.open("rb") as fh:
        for line in fh:
            if b"Merchandise" not in line:
                continue
            data = orjson.loads(line)
            props = data.get("properties") or {}
            if data.get("schema") != "Sanction" or not str(
                (props.get("program") or [""])[0]
            ).startswith("CBP"):
                continue
            for reason in props.get("reason") or []:
                if isinstance(reason, str) and reason.startswith("Merchandise:"):
                    for entity in props.get("entity") or []:
                        out[str(entity)] = reason.split(":", 1)[1].strip()
    return out


def read_yields(path: Path) -> dict[tuple[str, str], float]:
    """Yield factors from a table with columns input, output, factor (output per unit of input)."""
    rows = _rows(read_table(path), str(path), ("input", "output", "factor"), ())
    out: dict[tuple[str, str], float] = {}
    for i, r in enumerate(rows, start=1):
        try:
            factor = float(r["factor"].strip())
        except ValueError:
            factor = -1.0
        if not factor > 0.0:
            raise InputError(
                f"factor {r['factor']!r} is not a positive number",
                path=path,
                row=i,
                column="factor",
            )
        out[(r["input"].strip(), r["output"].strip())] = factor
    return out
