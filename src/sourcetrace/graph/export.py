"""Export the supply-chain graph: GraphML (yEd, Gephi), Cytoscape.js JSON, FollowTheMoney.

Pure functions from a :class:`~sourcetrace.graph.model.Graph` to text; the command writes it.
In FtM, parties are ``Company`` entities (``LegalEntity`` would do as well; organisations only),
ownership is ``Ownership`` and a supply link, which FtM has no schema for, is kept as an
``UnknownLink`` with its product, HS code, quantity, basis and evidence in its properties.

Each link and holding says where it was read (``read_from`` in GraphML and Cytoscape, FtM
``recordId``: "links.csv row 3") and a link its date. The input files' other columns (a purchase
order number, a bill of lading number) go with each link and holding: GraphML attributes named
after their headers, an ``extra`` object in Cytoscape's edge data, ``description`` ("header:
value; ...") in FtM. Empty cells are left out.

Given the findings tables of a trace (:func:`~sourcetrace.graph.tables.exposure`), GraphML and
Cytoscape also say per party its ``exposure`` (worst severity reaching it from elsewhere),
``findings`` (how many are about it) and ``sectors`` (UFLPA high-priority sectors of its goods),
and per link and holding ``findings`` (how many findings' best paths run along it). FtM has no
property for them and is written without.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape, quoteattr

import polars as pl

from sourcetrace.graph.dates import date_span
from sourcetrace.graph.model import (
    BASES,
    EDGE_SCHEMA,
    Basis,
    Graph,
    Node,
    Ownership,
    Source,
    hs_digits,
)
from sourcetrace.graph.products import stage_of

if TYPE_CHECKING:
    from sourcetrace.graph.tables import Exposure

FORMATS = ("graphml", "cytoscape", "ftm")


def _node_id(index: int) -> str:
    return f"party-{index}"


def _extra(text: str) -> dict[str, str]:
    """An edge's other columns (JSON text from the build, "" for none), empty cells left out."""
    if not text:
        return {}
    values: dict[str, str] = json.loads(text)
    return {k: v for k, v in values.items() if v != ""}


def _party(exposed: Exposure | None, name: str) -> dict[str, object]:
    if exposed is None:
        return {}
    return exposed.parties.get(name, {"exposure": "", "findings": 0, "sectors": []})


def _along(
    exposed: Exposure | None, graph: Graph, start: int, end: int, goods: str
) -> dict[str, int]:
    if exposed is None:
        return {}
    return {"findings": exposed.links.get((graph.name(start), graph.name(end), goods), 0)}


def to_graphml(graph: Graph, exposed: Exposure | None = None) -> str:
    keys = [
        ("name", "node"),
        ("names", "node"),
        ("addresses", "node"),
        ("kind", "edge"),
        ("product", "edge"),
        ("hs_code", "edge"),
        ("quantity", "edge"),
        ("unit", "edge"),
        ("date", "edge"),
        ("basis", "edge"),
        ("evidence", "edge"),
        ("read_from", "edge"),
        ("share", "edge"),
    ]
    if exposed is not None:
        keys += [("exposure", "node"), ("findings", "node"), ("sectors", "node"),
                 ("findings", "edge")]  # fmt: skip
    links = graph.links
    extras = [_extra(x.extra) for x in links] + [_extra(o.extra) for o in graph.ownership]
    # The other columns' headers, each a key of its own (ids apart from sourcetrace's keys).
    headers = {h: f"x{i}" for i, h in enumerate(dict.fromkeys(h for x in extras for h in x))}
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">',
    ]
    for name, scope in keys:
        key = f"{scope}_{name}" if name == "findings" else name  # one name, two scopes
        out.append(f'  <key id="{key}" for="{scope}" attr.name="{name}" attr.type="string"/>')
    for header, key in headers.items():
        out.append(f'  <key id="{key}" for="edge" attr.name={quoteattr(header)} '
                   'attr.type="string"/>')  # fmt: skip
    out.append('  <graph id="supply-chain" edgedefault="directed">')
    for node in graph.nodes:
        out.append(f"    <node id={quoteattr(_node_id(node.id))}>")
        out.append(f'      <data key="name">{escape(node.name)}</data>')
        out.append(f'      <data key="names">{escape("; ".join(node.names))}</data>')
        out.append(f'      <data key="addresses">{escape("; ".join(node.addresses))}</data>')
        party = _party(exposed, node.name)
        if party:
            sectors = "; ".join(str(x) for x in party["sectors"])  # type: ignore[attr-defined]
            out.append(f'      <data key="exposure">{escape(str(party["exposure"]))}</data>')
            out.append(f'      <data key="node_findings">{party["findings"]}</data>')
            out.append(f'      <data key="sectors">{escape(sectors)}</data>')
        out.append("    </node>")
    for i, link in enumerate(links):
        out.append(
            f'    <edge id="link-{i}" source={quoteattr(_node_id(link.supplier))} '
            f"target={quoteattr(_node_id(link.buyer))}>"
        )
        for key, value in (
            ("kind", "supplies"),
            ("product", link.product),
            ("hs_code", link.hs_code),
            ("quantity", "" if link.quantity is None else f"{link.quantity:g}"),
            ("unit", link.unit),
            ("date", link.date),
            ("basis", link.basis.value),
            ("evidence", link.evidence),
            ("read_from", link.source.label()),
            *(
                ("edge_findings", str(n))
                for n in _along(exposed, graph, link.supplier, link.buyer, link.product).values()
            ),
            *((headers[h], v) for h, v in extras[i].items()),
        ):
            out.append(f'      <data key="{key}">{escape(value)}</data>')
        out.append("    </edge>")
    for i, own in enumerate(graph.ownership):
        out.append(
            f'    <edge id="own-{i}" source={quoteattr(_node_id(own.owner))} '
            f"target={quoteattr(_node_id(own.owned))}>"
        )
        for key, value in (
            ("kind", "owns"),
            ("share", f"{own.share:g}"),
            ("basis", own.basis.value),
            ("evidence", own.evidence),
            ("read_from", own.source.label()),
            *(
                ("edge_findings", str(n))
                for n in _along(exposed, graph, own.owner, own.owned, "").values()
            ),
            *((headers[h], v) for h, v in extras[len(links) + i].items()),
        ):
            out.append(f'      <data key="{key}">{escape(value)}</data>')
        out.append("    </edge>")
    out += ["  </graph>", "</graphml>", ""]
    return "\n".join(out)


def to_cytoscape(graph: Graph, exposed: Exposure | None = None) -> str:
    nodes = [
        {
            "data": {
                "id": _node_id(n.id),
                "label": n.name,
                "names": list(n.names),
                "addresses": list(n.addresses),
                **_party(exposed, n.name),
            }
        }
        for n in graph.nodes
    ]
    edges = [
        {
            "data": {
                "id": f"link-{i}",
                "source": _node_id(l.supplier),
                "target": _node_id(l.buyer),
                "kind": "supplies",
                "product": l.product,
                "hs_code": l.hs_code,
                "quantity": l.quantity,
                "unit": l.unit,
                "date": l.date,
                "basis": l.basis.value,
                "evidence": l.evidence,
                "read_from": l.source.label(),
                **_along(exposed, graph, l.supplier, l.buyer, l.product),
                **_extra_data(l.extra),
            }
        }
        for i, l in enumerate(graph.links)
    ] + [
        {
            "data": {
                "id": f"own-{i}",
                "source": _node_id(o.owner),
                "target": _node_id(o.owned),
                "kind": "owns",
                "share": o.share,
                "basis": o.basis.value,
                "evidence": o.evidence,
                "read_from": o.source.label(),
                **_along(exposed, graph, o.owner, o.owned, ""),
                **_extra_data(o.extra),
            }
        }
        for i, o in enumerate(graph.ownership)
    ]
    return json.dumps({"elements": {"nodes": nodes, "edges": edges}}, ensure_ascii=False, indent=1)


def _extra_data(text: str) -> dict[str, dict[str, str]]:
    extra = _extra(text)
    return {"extra": extra} if extra else {}


def _description(text: str) -> dict[str, list[str]]:
    extra = _extra(text)
    return {"description": ["; ".join(f"{k}: {v}" for k, v in extra.items())]} if extra else {}


def to_ftm(graph: Graph) -> str:
    lines: list[dict[str, object]] = []
    for n in graph.nodes:
        props: dict[str, list[str]] = {
            "name": [n.name],
            "alias": [x for x in n.names if x != n.name],
        }
        if n.addresses:
            props["address"] = list(n.addresses)
        if n.identifiers:
            props["uscCode"] = list(n.identifiers)
        lines.append({"id": _node_id(n.id), "schema": "Company", "properties": props})
    for i, o in enumerate(graph.ownership):
        lines.append(
            {
                "id": f"own-{i}",
                "schema": "Ownership",
                "properties": {
                    "owner": [_node_id(o.owner)],
                    "asset": [_node_id(o.owned)],
                    "percentage": [f"{o.share:g}"],
                    "summary": [o.evidence],
                    "recordId": [o.source.label()],
                    **_description(o.extra),
                },
            }
        )
    for i, l in enumerate(graph.links):
        lines.append(
            {
                "id": f"link-{i}",
                "schema": "UnknownLink",
                "properties": {
                    "subject": [_node_id(l.supplier)],
                    "object": [_node_id(l.buyer)],
                    "role": [f"supplies {l.product}".strip()],
                    "summary": [
                        (
                            f"HS {l.hs_code}; {'' if l.quantity is None else f'{l.quantity:g} '}"
                            f"{l.unit}; basis {l.basis.value}; evidence: {l.evidence}"
                        )
                    ],
                    "recordId": [l.source.label()],
                    **({"date": [l.date]} if l.date else {}),
                    **_description(l.extra),
                },
            }
        )
    return "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines)


def export(graph: Graph, fmt: str, exposed: Exposure | None = None) -> str:
    """The graph as text in ``fmt``; with ``exposed``, what a trace's findings say about each
    party and link (GraphML and Cytoscape)."""
    if fmt == "graphml":
        return to_graphml(graph, exposed)
    if fmt == "cytoscape":
        return to_cytoscape(graph, exposed)
    if fmt == "ftm":
        return to_ftm(graph)
    raise ValueError(fmt)


def read_cytoscape(text: str, parties: dict[str, dict[str, Any]] | None = None) -> Graph:
    """The graph a Cytoscape export (:func:`to_cytoscape`) holds: the inverse of the export.

    ``parties``: by element id, what the export leaves out of a party (``countries``,
    ``identifiers``), as the workspace's map keeps it. Shipment origins are not exported and
    come back empty; the other columns come back without their empty cells.
    """
    elements = json.loads(text)["elements"]
    extra = parties or {}
    index = {e["data"]["id"]: i for i, e in enumerate(elements["nodes"])}
    nodes = [
        Node(id=i, name=d["label"], names=tuple(d.get("names") or [d["label"]]),
             addresses=tuple(d.get("addresses") or ()),
             countries=tuple(extra.get(d["id"], {}).get("countries") or ()),
             identifiers=tuple(extra.get(d["id"], {}).get("identifiers") or ()))
        for i, d in enumerate(e["data"] for e in elements["nodes"])
    ]  # fmt: skip
    rows: list[dict[str, Any]] = []
    holdings: list[Ownership] = []
    for d in (e["data"] for e in elements["edges"]):
        path, _, row = str(d.get("read_from", "")).rpartition(" row ")
        kept = json.dumps(d["extra"], ensure_ascii=False) if d.get("extra") else ""
        basis = Basis(d["basis"])
        if d["kind"] == "owns":
            holdings.append(Ownership(owner=index[d["source"]], owned=index[d["target"]],
                                      share=float(d["share"]), evidence=d.get("evidence", ""),
                                      source=Source(path, int(row or 0)), basis=basis,
                                      extra=kept))  # fmt: skip
            continue
        hs_code, product, date = d.get("hs_code") or "", d.get("product") or "", d.get("date") or ""
        span = date_span(date)
        rows.append({
            "supplier": index[d["source"]], "buyer": index[d["target"]], "product": product,
            "hs_code": hs_code, "hs": hs_digits(hs_code), "stage": stage_of(hs_code, product),
            "quantity": d.get("quantity"), "unit": d.get("unit") or "", "date": date,
            "date_lo": span[0] if span else None, "date_hi": span[1] if span else None,
            "evidence": d.get("evidence") or "", "basis": BASES.index(basis), "file": path,
            "row": int(row or 0), "extra": kept,
        })  # fmt: skip
    return Graph.of(nodes, pl.DataFrame(rows, schema=EDGE_SCHEMA), holdings)
