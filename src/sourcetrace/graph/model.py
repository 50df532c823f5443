"""The supply-chain graph as data: parties (organisations and facilities only), links, ownership.

The red line (PRODUCT.md): a node is an organisation or a facility, never a person. Nothing here
holds or derives personal attributes; a party name is kept only to show where a finding comes from.

Edges are declared as data, like FollowTheMoney's edge schemata: a :class:`Link` says "supplier
sold product to buyer", an :class:`Ownership` says "owner holds share % of owned". Every edge keeps
the file and row it came from, its evidence text and its :class:`Basis`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


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


@dataclass(frozen=True, slots=True)
class Ownership:
    """The owner holds ``share`` percent (0-100) of the owned company."""

    owner: int
    owned: int
    share: float
    evidence: str
    source: Source
    basis: Basis = Basis.DECLARED


@dataclass(slots=True)
class Graph:
    """Parties and the edges between them, as read from the input files."""

    nodes: list[Node]
    links: list[Link] = field(default_factory=list)
    ownership: list[Ownership] = field(default_factory=list)

    def name(self, node: int) -> str:
        return self.nodes[node].name


def hs_digits(code: str) -> str:
    """An HS code as digits only ("5205.12" and "520512" are the same code)."""
    return "".join(c for c in code if c.isdigit())
