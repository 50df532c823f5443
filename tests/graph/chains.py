"""Small hand-made chains for the graph tests, as the tables the readers return."""

from __future__ import annotations

import polars as pl

from sourcetrace.graph.build import LINK_COLUMNS, build_graph
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
    return build_graph(links_frame(rows, **extra), "links.csv", own, "ownership.csv")


def node(g: Graph, name: str) -> int:
    """The node id of a party by any of its spellings."""
    for n in g.nodes:
        if name in n.names:
            return n.id
    raise KeyError(name)
