"""Small hand-made chains for the graph tests, as the tables the readers return."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from sourcetrace.graph.build import LINK_COLUMNS, build
from sourcetrace.graph.model import Graph

Row = tuple[
    str, str, str, str, str, str, str
]  # buyer, supplier, product, hs_code, quantity, unit, basis


def links_frame(rows: list[Row], **extra: list[str]) -> pl.DataFrame:
    """A links table: evidence is "doc <n>", date fixed; extra columns by keyword."""
    data: dict[str, list[str]] = {c: [] for c in LINK_COLUMNS}
    for i, (buyer, supplier, product, hs, qty, unit, basis) in enumerate(rows, start=1):
        for col, value in zip(
            LINK_COLUMNS,
            (buyer, supplier, product, hs, qty, unit, "2026-01-01", f"doc {i}", basis),
            strict=True,
        ):
            data[col].append(value)
    data.update(extra)
    return pl.DataFrame(data, schema={c: pl.String for c in data})


def ownership_frame(rows: list[tuple[str, str, str]]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "owner": [r[0] for r in rows],
            "owned": [r[1] for r in rows],
            "share": [r[2] for r in rows],
            "evidence": [f"registry {i}" for i in range(1, len(rows) + 1)],
        }
    )


def graph(
    rows: list[Row], ownership: list[tuple[str, str, str]] | None = None, **extra: list[str]
) -> Graph:
    own = ownership_frame(ownership) if ownership else None
    names = {"links": "links.csv", "ownership": "ownership.csv"}
    return build(links_frame(rows, **extra), own, names=names).graph


def node(g: Graph, name: str) -> int:
    """The node id of a party by any of its spellings."""
    for n in g.nodes:
        if name in n.names:
            return n.id
    raise KeyError(name)


def files_with_other_columns(folder: Path) -> tuple[Path, Path, Path]:
    """Links, ownership and shipments files (names from ``examples/chain``), each with columns
    sourcetrace does not read: a purchase order number, a Chinese header, a registry filing, a
    bill of lading number; some of their cells empty."""
    links, ownership, shipments = (folder / f"{n}.csv" for n in ("links", "ownership", "shipments"))
    links.write_text(
        "Buyer,PO Number,supplier,product,hs_code,quantity,unit,date,evidence,basis,站点\n"
        "Northwind Outfitters Ltd,NW-2026-031,Harbour Garments Ltd,garments,6109.10,20000,pcs,"
        "2026-03-02,invoice HG-8841,observed,达卡\n"
        "Harbour Garments Ltd,,Meridian Knitting Co. Ltd,fabric,6006.22,9000,kg,2026-02-10,"
        "supplier declaration 2026-01,declared,\n",
        encoding="utf-8",
    )
    ownership.write_text(
        "owner,owned,share,evidence,filing\n"
        "Tianshan Fibre Holdings,Coastline Yarn Trading Co,70,company registry extract,SAMR 2026-02\n",
        encoding="utf-8",
    )
    shipments.write_text(
        "shipper,consignee,hs_code,description,origin,date,quantity,unit,bill_of_lading\n"
        '华孚色纺,Meridian Knitting Co. Ltd,5205.12,yarn,"Aksu, Xinjiang",2026-01-28,3000,kg,'
        "COSU6291875430\n",
        encoding="utf-8",
    )
    return links, ownership, shipments
