"""Mass balance: flag a party that ships more of a product than its recorded inputs can make.

CBP auditors check whether input quantities "make sense" for the output (domain-facts §2); a
spinner selling more yarn than its cotton purchases allow is buying from somewhere not declared.

For a node and an output product P (in one unit), the inputs that can make P are the inbound links
whose product has a yield factor to P (P itself counts at factor 1: resale), in the same unit.
The node is flagged when output > sum(input x factor) x (1 + tolerance). A node with no such
inputs is not judged: it may be a raw-material producer, or its inputs are simply not mapped.
Dates are not considered: quantities are summed over the whole file.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from sourcetrace.graph.model import Basis, Graph, Link

# ILLUSTRATIVE ASSUMPTIONS, not measured yields: order-of-magnitude factors (kg of output per kg of
# input) so the check runs out of the box. Give your own factors for real work.
DEFAULT_YIELDS: dict[tuple[str, str], float] = {
    ("seed cotton", "cotton"): 0.35,  # ginning out-turn, lint per seed cotton
    ("cotton", "yarn"): 0.85,
    ("yarn", "fabric"): 0.95,
    ("fabric", "garments"): 0.80,
    ("quartz", "metallurgical silicon"): 0.40,
    ("metallurgical silicon", "polysilicon"): 0.90,
    ("tomatoes", "tomato paste"): 0.17,
}


@dataclass(frozen=True, slots=True)
class BalanceFlag:
    """A node whose output of a product exceeds what its inputs allow."""

    node: int
    product: str
    unit: str
    output: float
    allowed: float
    inputs: tuple[Link, ...]
    outputs: tuple[Link, ...]

    @property
    def basis(self) -> Basis:
        return Basis.weakest([link.basis for link in (*self.inputs, *self.outputs)])

    def describe(self) -> str:
        used = ", ".join(sorted({f"{x.product}" for x in self.inputs}))
        return (
            f"ships {self.output:g} {self.unit} of {self.product} but its inputs ({used}) allow "
            f"{self.allowed:g} {self.unit}"
        )


def _key(text: str) -> str:
    return " ".join(text.casefold().split())


def check_balance(
    graph: Graph,
    yields: Mapping[tuple[str, str], float] | None = None,
    tolerance: float = 0.0,
) -> list[BalanceFlag]:
    """Every (node, product, unit) whose output exceeds its inputs x yield factor."""
    table = {
        (_key(a), _key(b)): f
        for (a, b), f in (DEFAULT_YIELDS if yields is None else yields).items()
    }
    outgoing: dict[tuple[int, str, str], list[Link]] = defaultdict(list)
    incoming: dict[tuple[int, str], list[Link]] = defaultdict(list)
    for link in graph.links:
        if link.quantity is None:
            continue
        outgoing[(link.supplier, _key(link.product), _key(link.unit))].append(link)
        incoming[(link.buyer, _key(link.unit))].append(link)
    flags: list[BalanceFlag] = []
    for (node, product, unit), outs in outgoing.items():
        usable: list[tuple[Link, float]] = []
        for link in incoming.get((node, unit), []):
            source = _key(link.product)
            factor = 1.0 if source == product else table.get((source, product))
            if factor is not None:
                usable.append((link, factor))
        if not usable:
            continue
        output = sum(x.quantity or 0.0 for x in outs)
        allowed = sum((x.quantity or 0.0) * f for x, f in usable)
        if output > allowed * (1.0 + tolerance) + 1e-9:
            flags.append(
                BalanceFlag(
                    node=node,
                    product=outs[0].product,
                    unit=outs[0].unit,
                    output=output,
                    allowed=round(allowed, 6),
                    inputs=tuple(x for x, _ in usable),
                    outputs=tuple(outs),
                )
            )
    return flags
