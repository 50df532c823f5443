"""Returns: links that send goods back to their supplier, which carry no risk upstream.

A garment factory that takes back 200 faulty garments from the brand it sold them to has not
bought anything from the brand: the brand's other suppliers' risks do not reach the factory
through that return. Tracing (and the mass balance) therefore leaves returns out; the graph keeps
them, so the map and the exports still show them.

A link is a return when:

- its file says so, in a column named ``kind``, ``type`` or ``direction`` (any case) holding
  one of :data:`RETURN_WORDS` ("return", "returned", "reverse", ...; other values, such as a
  ``type`` of goods, are not read as a direction), or
- it is the reverse of another link with the same goods (same HS code, or the same product name
  when either lacks a code), and it comes after that link: dated later, or, where the two give
  quantities, smaller than it. When the dates and the quantities are both absent nothing tells
  which of the two is the sale, and neither is taken as a return.

Pure functions over the edge table (:data:`~sourcetrace.graph.model.EDGE_SCHEMA`); the columns
the file has beyond those sourcetrace reads are its ``extra`` JSON.
"""

from __future__ import annotations

import json

import polars as pl

from sourcetrace.graph.model import Graph

DIRECTION_COLUMNS = ("kind", "type", "direction")
"""Columns (any case) whose value can mark a link as a return."""
RETURN_WORDS = frozenset({"return", "returns", "returned", "reverse", "reverse flow", "back"})
"""Values of those columns that mark a return (any case, spaces trimmed)."""


def marked_returns(edges: pl.DataFrame) -> pl.Series:
    """Per link, whether a ``kind``/``type``/``direction`` column of its file marks a return."""
    marked = pl.Series("marked", [False] * edges.height, dtype=pl.Boolean)
    if edges.height == 0:
        return marked
    extra = edges.get_column("extra")
    # The rows of one file share their extra columns: the keys are read once per file.
    firsts = (
        edges.lazy().with_row_index("i").filter(pl.col("extra") != "")
        .group_by("file").agg(pl.col("extra").first()).collect()
    )  # fmt: skip
    keys = {
        key
        for text in firsts.get_column("extra").to_list()
        for key in json.loads(text)
        if key.strip().lower() in DIRECTION_COLUMNS
    }
    for key in sorted(keys):
        value = extra.str.json_path_match(f"$[{json.dumps(key)}]")
        marked = marked | value.str.strip_chars().str.to_lowercase().is_in(RETURN_WORDS).fill_null(
            False
        )
    return marked.rename("marked")


def inferred_returns(edges: pl.DataFrame) -> pl.Series:
    """Per link, whether it is the later (or smaller) reverse of a link with the same goods."""
    if edges.height == 0:
        return pl.Series("inferred", [], dtype=pl.Boolean)
    goods = pl.col("product").str.strip_chars().str.to_lowercase()
    table = (
        edges.lazy()
        .with_row_index("i")
        .select("i", "supplier", "buyer", "hs", goods.alias("goods"), "date_lo", "quantity")
    )
    pairs = (
        table.join(
            table,
            left_on=["supplier", "buyer"],
            right_on=["buyer", "supplier"],
            suffix="_sale",
        )
        .filter(pl.col("supplier") != pl.col("buyer"))
        .filter(
            pl.when((pl.col("hs") != "") & (pl.col("hs_sale") != ""))
            .then(pl.col("hs") == pl.col("hs_sale"))
            .otherwise(pl.col("goods") == pl.col("goods_sale"))
        )
    )
    later = pl.col("date_lo") > pl.col("date_lo_sale")
    smaller = pl.col("quantity") < pl.col("quantity_sale")
    dated = pl.col("date_lo").is_not_null() & pl.col("date_lo_sale").is_not_null()
    counted = pl.col("quantity").is_not_null() & pl.col("quantity_sale").is_not_null()
    # Every criterion known must agree, and at least one must be known: of a sale and its return
    # only the return passes, and two-way trade of equal lots is left alone.
    after = (
        (dated | counted)
        & pl.when(dated).then(later).otherwise(True)
        & pl.when(counted).then(smaller).otherwise(True)
    )
    hit = pairs.filter(after).select("i").unique().collect().get_column("i")
    return pl.Series("inferred", [False] * edges.height, dtype=pl.Boolean).scatter(hit, True)


def returns(graph: Graph) -> pl.Series:
    """Per link of ``graph``, in table order, whether it is a return (see the module)."""
    return (marked_returns(graph.edges) | inferred_returns(graph.edges)).rename("return")


def without_returns(graph: Graph) -> Graph:
    """The graph that tracing walks: the same parties and holdings, its returns left out (the
    graph itself when it has none)."""
    back = returns(graph)
    if not back.any():
        return graph
    return Graph(graph.parties, graph.edges.filter(~back), graph.ownership)
