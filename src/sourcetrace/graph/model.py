"""The supply-chain graph as data: parties (organisations and facilities only), links, ownership.

The red line (PRODUCT.md): a node is an organisation or a facility, never a person. Nothing here
holds or derives personal attributes; a party name is kept only to show where a finding comes from.

Edges are declared as data, like FollowTheMoney's edge schemata: a :class:`Link` says "supplier
sold product to buyer", an :class:`Ownership` says "owner holds share % of owned". Every edge keeps
the file and row it came from, its evidence text and its :class:`Basis`.

Supply links are held as a table (:data:`EDGE_SCHEMA`, one row per link) so that a graph of
millions of links is built, stored and traced column-wise; :attr:`Graph.links` gives them as
:class:`Link` objects when a caller wants to walk them one by one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from functools import cached_property
from typing import Any

import polars as pl


class Basis(str, Enum):
    """How a link is known; a path is only as strong as its weakest link."""

    INFERRED = "inferred"
    DECLARED = "declared"
    OBSERVED = "observed"

    @property
    def rank(self) -> int:
        return _RANK[self.value]

    @staticmethod
    def weakest(values: list[Basis]) -> Basis:
        return min(values, key=lambda b: _RANK[b.value])


_RANK = {"inferred": 0, "declared": 1, "observed": 2}


@dataclass(slots=True)
class Node:
    """One organisation or facility, with every spelling under which the inputs name it."""

    id: int
    name: str
    names: tuple[str, ...] = ()
    addresses: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    identifiers: tuple[str, ...] = ()
    origins: tuple[str, ...] = ()  # shipment origins declared for goods this party shipped


@dataclass(frozen=True, slots=True)
class Source:
    """Where an edge was read: file and 1-based data row."""

    path: str
    row: int

    def label(self) -> str:
        return f"{self.path} row {self.row}"


@dataclass(frozen=True, slots=True)
class Link:
    """The supplier sold the product to the buyer (goods flow supplier -> buyer)."""

    supplier: int
    buyer: int
    product: str
    hs_code: str
    quantity: float | None
    unit: str
    date: str
    evidence: str
    basis: Basis
    source: Source
    extra: str = ""  # the file's other columns for this row, as JSON (build.extra_columns)


@dataclass(frozen=True, slots=True)
class Ownership:
    """The owner holds ``share`` percent (0-100) of the owned company."""

    owner: int
    owned: int
    share: float
    evidence: str
    source: Source
    basis: Basis = Basis.DECLARED
    extra: str = ""  # the file's other columns for this row, as JSON (build.extra_columns)


# One row per supply link. ``hs`` is the HS code as digits, ``stage`` its production step
# (:mod:`sourcetrace.graph.products`, -1 unknown), ``date_lo``/``date_hi`` its date as a span of
# days (:mod:`sourcetrace.graph.dates`, null when undated), ``basis`` the rank of its Basis, and
# ``file``/``row`` where it was read, ``extra`` the file's other columns for that row (a JSON
# object, "" when the file has none: :func:`sourcetrace.graph.build.extra_columns`).
EDGE_SCHEMA: dict[str, pl.DataType] = {
    "supplier": pl.Int32(), "buyer": pl.Int32(), "product": pl.String(), "hs_code": pl.String(),
    "hs": pl.String(), "stage": pl.Int16(), "quantity": pl.Float64(), "unit": pl.String(),
    "date": pl.String(), "date_lo": pl.Int32(), "date_hi": pl.Int32(), "evidence": pl.String(),
    "basis": pl.Int8(), "file": pl.String(), "row": pl.Int32(), "extra": pl.String(),
}  # fmt: skip
BASES = (Basis.INFERRED, Basis.DECLARED, Basis.OBSERVED)  # by rank


def empty_edges() -> pl.DataFrame:
    return pl.DataFrame(schema=EDGE_SCHEMA)


# One row per party (node): its id (= row), the spelling shown, every spelling (most frequent
# first), and what the files say about it.
PARTY_SCHEMA: dict[str, pl.DataType] = {
    "id": pl.Int32(), "name": pl.String(), "names": pl.List(pl.String()),
    "addresses": pl.List(pl.String()), "countries": pl.List(pl.String()),
    "identifiers": pl.List(pl.String()), "origins": pl.List(pl.String()),
}  # fmt: skip


@dataclass
class Graph:
    """Parties and the edges between them, as read from the input files.

    Parties and links are tables (:data:`PARTY_SCHEMA`, :data:`EDGE_SCHEMA`);
    :attr:`nodes` and :attr:`links` give them as objects, built on first use.
    """

    parties: pl.DataFrame
    edges: pl.DataFrame = field(default_factory=empty_edges)
    ownership: list[Ownership] = field(default_factory=list)

    @classmethod
    def of(
        cls,
        nodes: list[Node],
        edges: pl.DataFrame | None = None,
        ownership: list[Ownership] | None = None,
    ) -> Graph:
        """A graph from node objects (ids must be 0..n-1 in order)."""
        parties = pl.DataFrame(
            {
                "id": [n.id for n in nodes],
                "name": [n.name for n in nodes],
                "names": [list(n.names) for n in nodes],
                "addresses": [list(n.addresses) for n in nodes],
                "countries": [list(n.countries) for n in nodes],
                "identifiers": [list(n.identifiers) for n in nodes],
                "origins": [list(n.origins) for n in nodes],
            },
            schema=PARTY_SCHEMA,
        )
        return cls(parties, edges if edges is not None else empty_edges(), ownership or [])

    @property
    def size(self) -> int:
        """How many parties."""
        return self.parties.height

    @cached_property
    def names(self) -> list[str]:
        return self.parties.get_column("name").to_list()

    def name(self, node: int) -> str:
        return self.names[node]

    def node(self, index: int) -> Node:
        """One party as an object, without building all of them."""
        row = self.parties.row(index, named=True)
        return _node(row)

    def nodes_at(self, ids: list[int]) -> list[Node]:
        """Some parties as objects, in the order given."""
        rows = self.parties[ids].iter_rows(named=True) if ids else iter(())
        return [_node(r) for r in rows]

    @cached_property
    def nodes(self) -> list[Node]:
        """Every party as an object (built on first use)."""
        return [_node(r) for r in self.parties.iter_rows(named=True)]

    @cached_property
    def links(self) -> list[Link]:
        """The supply links as objects, in table order (built on first use)."""
        e = self.edges
        return [
            Link(
                supplier=s, buyer=b, product=p, hs_code=h, quantity=q, unit=u, date=d,
                evidence=ev, basis=BASES[r], source=Source(f, n), extra=x,
            )
            for s, b, p, h, q, u, d, ev, r, f, n, x in zip(
                *(e.get_column(c).to_list() for c in (
                    "supplier", "buyer", "product", "hs_code", "quantity", "unit", "date",
                    "evidence", "basis", "file", "row", "extra")),
                strict=True,
            )
        ]  # fmt: skip


def _node(row: dict[str, Any]) -> Node:
    return Node(
        id=int(row["id"]), name=str(row["name"]), names=tuple(row["names"]),
        addresses=tuple(row["addresses"]), countries=tuple(row["countries"]),
        identifiers=tuple(row["identifiers"]), origins=tuple(row["origins"]),
    )  # fmt: skip


def hs_digits(code: str) -> str:
    """An HS code as digits only ("5205.12" and "520512" are the same code)."""
    return "".join(c for c in code if c.isdigit())
