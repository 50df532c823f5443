"""Build the supply-chain graph from supply links, ownership and shipments files.

:func:`build` is the one way in: it takes files (read at the edge, :func:`read_input`) or
tables already read, so tests and other engines can hand it frames directly. Every error names the file and the column or row.

The tables are validated and turned into the edge table column-wise (polars), and each distinct
party spelling, address and date is handled once (:mod:`sourcetrace.graph.parties`,
:mod:`sourcetrace.graph.dates`, :mod:`sourcetrace.graph.products`): a million links cost about
as much as their distinct names.

Only organisations and facilities become nodes (the red line): no column about a person is read.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import polars as pl

from sourcetrace.errors import InputError
from sourcetrace.graph.dates import date_span
from sourcetrace.graph.model import BASES, EDGE_SCHEMA, Graph, Ownership, Source, hs_digits
from sourcetrace.graph.parties import (
    MENTION_COLUMNS,
    PARALLEL_FROM,
    TextFacts,
    read_texts,
    resolve_parties,
    spellings,
)
from sourcetrace.graph.products import stage_of
from sourcetrace.io.header import find_header, sniff_delimiter
from sourcetrace.io.limits import check_cells, check_rows, check_size
from sourcetrace.io.options import ReadOptions
from sourcetrace.io.readers import read_table
from sourcetrace.matching.index import gc_paused
from sourcetrace.matching.matcher import Matcher

# A links file needs only buyer, supplier and product: that is all tracing needs. The other
# columns are used where a file has them (HS code for goods-borne risk and the product rule,
# quantity and unit for the mass balance, date for the date rule) and read as empty otherwise;
# a link without a basis is "declared" (the file's author declares it).
LINK_REQUIRED = ("buyer", "supplier", "product")
LINK_COLUMNS = (
    *LINK_REQUIRED,
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
_BASIS_RANK = {"inferred": 0, "declared": 1, "observed": 2}


@dataclass(slots=True)
class Built:
    """A graph and what the parsers found about its parties' names and addresses."""

    graph: Graph
    facts: TextFacts


Table = Path | pl.DataFrame
"""A file to read (any format :func:`read_table` reads) or a table already read."""


def build(
    links: Table,
    ownership: Table | None = None,
    shipments: Table | None = None,
    *,
    names: Mapping[str, str] | None = None,
    matcher: Matcher | None = None,
    workers: int = 1,
    read: ReadOptions | None = None,
    parallel_from: int = PARALLEL_FROM,
) -> Built:
    """The graph of the supply ``links`` (and ``ownership``, ``shipments``): the one way to
    build it, from files or from tables.

    ``names``: by role (``links``, ``ownership``, ``shipments``), the name errors and each
    link's ``file`` give the table (default: a file's path, a table's role), so that an
    uploaded copy is named as the user named it. With a ``matcher``, every spelling is screened
    on the way (in ``workers`` processes from ``parallel_from`` distinct texts). ``read`` (sheet, header row) applies to the links
    file; the others are read as detected. Every file is held to the limits of ``read``.
    """
    tables, shown = _read_tables(links, ownership, shipments, names, read)
    links_table = tables["links"]
    assert links_table is not None
    return _build(
        links_table, shown["links"], tables["ownership"], shown["ownership"],
        tables["shipments"], shown["shipments"], matcher=matcher, workers=workers,
        parallel_from=parallel_from,
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class Survey:
    """What a chain's files hold, counted before any party is resolved or screened."""

    links: int
    """Supply links and shipments: the graph's edges."""
    holdings: int
    """Rows of the ownership file."""
    spellings: int
    """Distinct party names as written (trimmed, case folded): at least the graph's parties."""


def survey(
    links: Table,
    ownership: Table | None = None,
    shipments: Table | None = None,
    *,
    names: Mapping[str, str] | None = None,
    read: ReadOptions | None = None,
) -> Survey:
    """Read and check the files as :func:`build` does (the same errors, naming file, row and
    column) and count links, holdings and party spellings, without resolving or screening any
    party: column-wise work, cheap enough to refuse a chain too large before it is traced."""
    tables, shown = _read_tables(links, ownership, shipments, names, read)
    links_table = tables["links"]
    assert links_table is not None
    link, own, ship, edges, _owns = _validated(
        links_table, shown["links"], tables["ownership"], shown["ownership"],
        tables["shipments"], shown["shipments"],
    )  # fmt: skip
    spelled = _mentions(link, own, ship).get_column("name").str.to_lowercase().n_unique()
    return Survey(links=edges.height, holdings=own.height if own is not None else 0,
                  spellings=spelled)  # fmt: skip


def _read_tables(
    links: Table,
    ownership: Table | None,
    shipments: Table | None,
    names: Mapping[str, str] | None,
    read: ReadOptions | None,
) -> tuple[dict[str, pl.DataFrame | None], dict[str, str]]:
    """The tables by role, read where given as files, and the name each is shown by."""
    read = read or ReadOptions()
    plain = replace(read, sheet=None, header_row=None)  # sheet and header row: the links file's
    shown = dict(names or {})
    tables: dict[str, pl.DataFrame | None] = {}
    for role, table in (("links", links), ("ownership", ownership), ("shipments", shipments)):
        if isinstance(table, pl.DataFrame) or table is None:
            shown.setdefault(role, role)
            tables[role] = table
            continue
        shown.setdefault(role, str(table))
        try:
            tables[role] = read_input(Path(table), read if role == "links" else plain)
        except InputError as exc:  # name the file as the caller names it
            if shown[role] == str(table):
                raise
            raise InputError(
                exc.message, path=shown[role], row=exc.row, column=exc.column
            ) from None
    return tables, shown


def read_input(path: Path, read: ReadOptions | None = None) -> pl.DataFrame:
    """A table as text columns: a plain UTF-8 CSV (comma-separated, header on the first line)
    through polars' reader, anything else (and any CSV polars will not take) through
    :func:`read_table`, which sniffs the layout and names the bad row."""
    read = read or ReadOptions()
    if path.suffix.lower() == ".csv" and path.is_file() and read.header_row is None:
        check_size(path, read.limits)
        fast = _read_utf8_csv(path)
        if fast is not None:
            check_rows(fast.height, path, read.limits)
            check_cells(fast, path, read.limits)
            return fast
    return read_table(path, options=read)


def _read_utf8_csv(path: Path) -> pl.DataFrame | None:
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    first = data.split(b"\n", 1)[0]
    if not first.strip() or first.count(b"\t") > first.count(b","):
        return None  # empty, or tab-separated: the general reader decides
    head = data[:65536].decode("utf-8", errors="replace")
    try:
        top = list(csv.reader(head.splitlines()[:30]))
    except csv.Error:
        return None  # the general reader names the bad row
    if sniff_delimiter(head) != "," or find_header(top, ()):
        return None  # semicolons, or a title above the header: the general reader decides
    try:
        frame = pl.read_csv(
            io.BytesIO(data), infer_schema=False, encoding="utf8", raise_if_empty=True
        )
    except (pl.exceptions.PolarsError, ValueError):  # the general reader names the bad row
        return None
    header = [c.strip() for c in frame.columns]
    if any(not c or c.startswith("_duplicated_") for c in header) or len(set(header)) < len(header):
        return None
    frame = frame.rename(dict(zip(frame.columns, header, strict=True)))
    frame = frame.with_columns(pl.all().fill_null(""))
    # The general reader skips blank lines; polars keeps them as rows of empty fields. Only a
    # row whose first field is blank may be one: the others are not looked at field by field.
    if (frame.get_column(frame.columns[0]).str.strip_chars() == "").any():
        frame = frame.filter(~pl.all_horizontal(pl.all().str.strip_chars() == ""))
    return frame if frame.height else None


def _build(
    links: pl.DataFrame,
    links_path: str = "links",
    ownership: pl.DataFrame | None = None,
    ownership_path: str = "ownership",
    shipments: pl.DataFrame | None = None,
    shipments_path: str = "shipments",
    matcher: Matcher | None = None,
    workers: int = 1,
    parallel_from: int = PARALLEL_FROM,
) -> Built:
    """Validate the tables, resolve parties to nodes: the graph and the per-text facts."""
    link, own, ship, edges, owns = _validated(
        links, links_path, ownership, ownership_path, shipments, shipments_path
    )
    mentions = _mentions(link, own, ship)
    spelled = spellings(mentions)
    texts = pl.concat([mentions["address"], mentions["origin"]])
    facts = read_texts(
        spelled[0].get_column("name").to_list(),
        texts.filter(texts != "").unique(maintain_order=True).to_list(),
        matcher,
        workers,
        mentions["identifier"].filter(mentions["identifier"] != "").unique().to_list(),
        parallel_from,
    )
    parties, node_of = resolve_parties(mentions, facts, spelled)
    # Mentions are in file order, two per row (see _mentions): a link's buyer, then its supplier.
    n_link, n_own = link.height, own.height if own is not None else 0
    buyer = node_of.slice(0, 2 * n_link).gather_every(2)
    supplier = node_of.slice(1, 2 * n_link).gather_every(2)
    if ship is not None:
        at = 2 * (n_link + n_own)
        supplier = pl.concat([supplier, node_of.slice(at, 2 * ship.height).gather_every(2)])
        buyer = pl.concat([buyer, node_of.slice(at + 1, 2 * ship.height).gather_every(2)])
    edges = (
        edges.with_columns(supplier=supplier, buyer=buyer)
        .select(list(EDGE_SCHEMA))
        .cast(EDGE_SCHEMA)  # type: ignore[arg-type]
    )
    holdings = (
        _ownership(owns, ownership_path, node_of.slice(2 * n_link, 2 * n_own))
        if owns is not None
        else []
    )
    return Built(Graph(parties=parties, edges=edges, ownership=holdings), facts)


def _validated(
    links: pl.DataFrame,
    links_path: str,
    ownership: pl.DataFrame | None,
    ownership_path: str,
    shipments: pl.DataFrame | None,
    shipments_path: str,
) -> tuple[
    pl.DataFrame, pl.DataFrame | None, pl.DataFrame | None, pl.DataFrame, pl.DataFrame | None
]:
    """The tables' columns and values checked, column-wise: the links, ownership and shipments
    tables as read, the edges (links then shipments) and the holdings' values."""
    link = _columns(
        links,
        links_path,
        LINK_REQUIRED,
        (*LINK_COLUMNS[len(LINK_REQUIRED) :], *LINK_OPTIONAL),
        keep_extra=True,
    )
    _need(link, ("buyer", "supplier"), links_path)
    own = (
        _columns(ownership, ownership_path, OWNERSHIP_COLUMNS, ("basis",), keep_extra=True)
        if ownership is not None
        else None
    )
    if own is not None:
        _need(own, ("owner", "owned"), ownership_path)
    ship = (
        _columns(shipments, shipments_path, SHIPMENT_COLUMNS, ("unit", "evidence"), keep_extra=True)
        if shipments is not None
        else None
    )
    if ship is not None:
        _need(ship, ("shipper", "consignee"), shipments_path)

    # Values are checked before any party is resolved: a bad row fails fast.
    parts = [_link_edges(link, links_path)]
    if ship is not None:
        parts.append(_shipment_edges(ship, shipments_path))
    edges = _with_stage_and_dates(pl.concat(parts, how="vertical"))
    owns = _ownership_values(own, ownership_path) if own is not None else None
    return link, own, ship, edges, owns


def _columns(
    frame: pl.DataFrame,
    path: str,
    required: tuple[str, ...],
    optional: tuple[str, ...],
    keep_extra: bool = False,
) -> pl.DataFrame:
    """The wanted columns (by case-insensitive name; absent optional ones as ""), as text, with
    a 1-based ``row``; with ``keep_extra``, also ``extra``: the file's other columns."""
    columns = {c.strip().lower(): c for c in frame.columns}
    for col in required:
        if col not in columns:
            raise InputError(
                f"required column missing; the file has: {', '.join(frame.columns)}",
                path=path,
                column=col,
            )
    exprs = [
        (pl.col(columns[c]).cast(pl.String).fill_null("") if c in columns else pl.lit("")).alias(c)
        for c in (*required, *optional)
    ]
    if keep_extra:
        known = {*required, *optional}
        exprs.append(extra_columns([c for c in frame.columns if c.strip().lower() not in known]))
    return frame.select(exprs).with_row_index("row", offset=1)


def extra_columns(names: list[str]) -> pl.Expr:
    """The columns a file has beyond those sourcetrace reads (a purchase order number, a site
    code, a bill of lading number), kept with each link and holding: one JSON object per row,
    the columns by their header in file order, every value as text ("" when the cell is empty);
    "" when the file has no other column. They are saved with the graph and exported with it,
    not traced."""
    if not names:
        return pl.lit("").alias("extra")
    fields, seen = [], set()
    for name in names:  # headers that differ only in surrounding spaces keep them, to stay apart
        key = name.strip() if name.strip() not in seen else name
        seen.add(key)
        fields.append(pl.col(name).cast(pl.String).fill_null("").alias(key))
    return pl.struct(fields).struct.json_encode().alias("extra")


def _need(frame: pl.DataFrame, cols: tuple[str, ...], path: str) -> None:
    empty = pl.any_horizontal(pl.col(c).str.strip_chars() == "" for c in cols)
    bad = frame.filter(empty).head(1)
    if bad.height:
        col = next(c for c in cols if not str(bad[c][0]).strip())
        raise InputError(
            f"empty {col}: every edge needs both parties", path=path, row=int(bad["row"][0]),
            column=col,
        )  # fmt: skip


def _mentions(
    link: pl.DataFrame, own: pl.DataFrame | None, ship: pl.DataFrame | None
) -> pl.DataFrame:
    """Every party mention, in file order (per row: buyer then supplier, owner then owned,
    shipper then consignee)."""

    def side(frame: pl.DataFrame, name: str, **cols: str) -> pl.DataFrame:
        cols["name"] = name
        return frame.select(
            (pl.col(cols[c]).str.strip_chars() if c in cols else pl.lit("")).alias(c)
            for c in MENTION_COLUMNS
        )

    def rows(first: pl.DataFrame, second: pl.DataFrame) -> pl.DataFrame:
        """The two sides interleaved: row 1's first, row 1's second, row 2's first..."""
        n = first.height
        order = np.empty(2 * n, dtype=np.uint32)
        order[0::2] = np.arange(n, dtype=np.uint32)
        order[1::2] = np.arange(n, 2 * n, dtype=np.uint32)
        return pl.concat([first, second])[order]

    parts = [
        rows(side(link, "buyer"),
             side(link, "supplier", address="supplier_address", country="supplier_country",
                  identifier="supplier_id")),
    ]  # fmt: skip
    if own is not None:
        parts.append(rows(side(own, "owner"), side(own, "owned")))
    if ship is not None:
        parts.append(rows(side(ship, "shipper", origin="origin"), side(ship, "consignee")))
    return pl.concat(parts)


def _first_bad(
    frame: pl.DataFrame, bad: pl.Expr | pl.Series, column: str, path: str, message: str
) -> None:
    """Raise for the first row where ``bad`` holds; ``message`` formats the raw value."""
    hit = frame.filter(bad).head(1)
    if hit.height:
        raise InputError(
            message.format(raw=hit[column][0]), path=path, row=int(hit["row"][0]), column=column
        )


def _basis_rank(frame: pl.DataFrame, path: str, default: int | None = None) -> pl.Series:
    text = frame["basis"].str.strip_chars().str.to_lowercase()
    rank = text.replace_strict(_BASIS_RANK, default=None, return_dtype=pl.Int8)
    bad = rank.is_null() if default is None else rank.is_null() & (text != "")
    _first_bad(frame, bad, "basis", path,
               "basis is {raw!r}; use observed, declared or inferred")  # fmt: skip
    return rank.fill_null(default) if default is not None else rank


def _quantity(frame: pl.DataFrame, path: str) -> pl.Series:
    text = frame["quantity"].str.strip_chars().str.replace_all(",", "")
    value = text.cast(pl.Float64, strict=False)
    _first_bad(frame, (text != "") & value.is_null(), "quantity", path,
               "quantity {raw!r} is not a number")  # fmt: skip
    _first_bad(frame, value < 0, "quantity", path, "quantity {raw!r} is negative")
    return value


def _link_edges(link: pl.DataFrame, path: str) -> pl.DataFrame:
    return link.select(
        pl.col("supplier").str.strip_chars(),
        pl.col("buyer").str.strip_chars(),
        pl.col("product").str.strip_chars(),
        pl.col("hs_code").str.strip_chars(),
        _quantity(link, path).alias("quantity"),
        pl.col("unit").str.strip_chars(),
        pl.col("date").str.strip_chars(),
        pl.col("evidence").str.strip_chars(),
        _basis_rank(link, path, default=_BASIS_RANK["declared"]).alias("basis"),
        pl.lit(path).alias("file"),
        pl.col("row").cast(pl.Int32),
        "extra",
    )


def _shipment_edges(ship: pl.DataFrame, path: str) -> pl.DataFrame:
    # A shipment is an observed sale: the shipper supplied the consignee.
    return ship.select(
        pl.col("shipper").str.strip_chars().alias("supplier"),
        pl.col("consignee").str.strip_chars().alias("buyer"),
        pl.when(pl.col("description") != "")
        .then(pl.col("description"))
        .otherwise(pl.col("hs_code"))
        .str.strip_chars()
        .alias("product"),
        pl.col("hs_code").str.strip_chars(),
        _quantity(ship, path).alias("quantity"),
        pl.col("unit").str.strip_chars(),
        pl.col("date").str.strip_chars(),
        pl.when(pl.col("evidence") != "")
        .then(pl.col("evidence"))
        .otherwise(pl.format("shipment {} row {}", pl.lit(path), pl.col("row")))
        .str.strip_chars()
        .alias("evidence"),
        pl.lit(2, dtype=pl.Int8).alias("basis"),
        pl.lit(path).alias("file"),
        pl.col("row").cast(pl.Int32),
        "extra",
    )


def _with_stage_and_dates(edges: pl.DataFrame) -> pl.DataFrame:
    """HS digits, production stage and date span, each computed once per distinct value."""
    goods = edges.select("hs_code", "product").unique()
    goods = goods.with_columns(
        pl.Series("hs", [hs_digits(h) for h in goods["hs_code"].to_list()], dtype=pl.String),
        pl.Series("stage", [stage_of(h, p) for h, p in goods.iter_rows()], dtype=pl.Int16),
    )
    dates = edges.select("date").unique()
    spans: list[tuple[int, int] | None] = []
    for raw in dates["date"].to_list():
        try:
            spans.append(date_span(raw))
        except ValueError:
            first = edges.filter(pl.col("date") == raw).head(1)
            raise InputError(
                f"date {raw!r} is not a date; use YYYY-MM-DD, YYYY-MM or YYYY",
                path=first["file"][0], row=int(first["row"][0]), column="date",
            ) from None  # fmt: skip
    dates = dates.with_columns(
        pl.Series("date_lo", [s[0] if s else None for s in spans], dtype=pl.Int32),
        pl.Series("date_hi", [s[1] if s else None for s in spans], dtype=pl.Int32),
    )
    return edges.join(goods, on=["hs_code", "product"], how="left", maintain_order="left").join(
        dates, on="date", how="left", maintain_order="left"
    )


def _ownership_values(own: pl.DataFrame, path: str) -> pl.DataFrame:
    text = own["share"].str.strip_chars().str.strip_chars_end("%").str.strip_chars()
    share = text.cast(pl.Float64, strict=False)
    _first_bad(own, share.is_null(), "share", path, "share {raw!r} is not a percentage (0-100)")
    _first_bad(own, (share < 0) | (share > 100), "share", path,
               "share {raw!r} is outside 0-100 percent")  # fmt: skip
    rank = _basis_rank(own, path, default=_BASIS_RANK["declared"])
    return own.select(
        pl.col("owner").str.strip_chars(), pl.col("owned").str.strip_chars(),
        share.alias("share"), pl.col("evidence").str.strip_chars(), pl.col("row"),
        rank.alias("basis"), "extra",
    )  # fmt: skip


def _ownership(owns: pl.DataFrame, path: str, nodes: pl.Series) -> list[Ownership]:
    """The holdings; ``nodes``: the ownership file's mentions' nodes (owner, owned per row)."""
    with gc_paused():
        return [
            Ownership(
                owner=owner, owned=owned, share=share, evidence=evidence,
                source=Source(path, row), basis=BASES[rank], extra=extra,
            )
            for owner, owned, share, evidence, row, rank, extra in zip(
                nodes.gather_every(2).to_list(), nodes.gather_every(2, 1).to_list(),
                *(owns.get_column(c).to_list()
                  for c in ("share", "evidence", "row", "basis", "extra")),
                strict=True,
            )
        ]  # fmt: skip
