"""Mass balance: flag a party that ships more of a product than its recorded inputs can make.

CBP auditors check whether input quantities "make sense" for the output (domain-facts §2); a
spinner selling more yarn than its cotton purchases allow is buying from somewhere not declared.

For a node and an output product P (in one unit), the inputs that can make P are the inbound links
whose product has a yield factor to P (P itself counts at factor 1: resale), in the same unit.
The node is flagged when output > sum(input x factor) x (1 + tolerance). A node with no such
inputs is not judged: it may be a raw-material producer, or its inputs are simply not mapped.
Dates are not considered: quantities are summed over the whole file. Products and units are
compared without case and extra spaces.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from sourcetrace.errors import InputError
from sourcetrace.graph.model import Basis, Graph, Link
from sourcetrace.io.readers import read_table

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


def _key(column: str) -> pl.Expr:
    """Products and units compared without case and extra spaces."""
    return pl.col(column).str.to_lowercase().str.replace_all(r"\s+", " ").str.strip_chars()


def check_balance(
    graph: Graph,
    yields: Mapping[tuple[str, str], float] | None = None,
    tolerance: float = 0.0,
) -> list[BalanceFlag]:
    """Every (node, product, unit) whose output exceeds its inputs x yield factor."""
    table = pl.DataFrame(
        [(" ".join(a.lower().split()), " ".join(b.lower().split()), f)
         for (a, b), f in (DEFAULT_YIELDS if yields is None else yields).items()],
        schema={"source": pl.String, "target": pl.String, "factor": pl.Float64}, orient="row",
    )  # fmt: skip
    e = (
        graph.edges.with_row_index("link")
        .filter(pl.col("quantity").is_not_null())
        .with_columns(_key("product").alias("pkey"), _key("unit").alias("ukey"))
    )
    outputs = e.group_by("supplier", "pkey", "ukey", maintain_order=True).agg(
        pl.col("quantity").sum().alias("output"), pl.col("link").alias("out_links")
    )
    inputs = e.select(
        pl.col("buyer").alias("supplier"),
        "ukey",
        pl.col("pkey").alias("source"),
        "quantity",
        "link",
    )
    usable = (
        outputs.select("supplier", "pkey", "ukey")
        .join(inputs, on=["supplier", "ukey"], how="inner")
        .join(table, left_on=["source", "pkey"], right_on=["source", "target"], how="left")
        .with_columns(
            pl.when(pl.col("source") == pl.col("pkey")).then(1.0).otherwise(pl.col("factor"))
            .alias("factor")
        )
        .filter(pl.col("factor").is_not_null())
        .group_by("supplier", "pkey", "ukey")
        .agg((pl.col("quantity") * pl.col("factor")).sum().alias("allowed"),
             pl.col("link").alias("in_links"))
    )  # fmt: skip
    flagged = outputs.join(usable, on=["supplier", "pkey", "ukey"], how="inner",
                           maintain_order="left").filter(
        pl.col("output") > pl.col("allowed") * (1.0 + tolerance) + 1e-9
    )  # fmt: skip
    if not flagged.height:
        return []
    wanted = sorted({i for col in ("in_links", "out_links") for ids in flagged[col] for i in ids})
    links = dict(zip(wanted, _links(graph, wanted), strict=True))
    flags = []
    for node, _, _, output, outs, allowed, ins in flagged.iter_rows():
        first = links[outs[0]]
        flags.append(
            BalanceFlag(
                node=node,
                product=first.product,
                unit=first.unit,
                output=output,
                allowed=round(allowed, 6),
                inputs=tuple(links[i] for i in sorted(ins)),
                outputs=tuple(links[i] for i in outs),
            )
        )
    return flags


def _links(graph: Graph, rows: list[int]) -> list[Link]:
    """Some links as objects, without building all of them."""
    part = Graph(graph.parties, graph.edges[rows])
    return part.links


YIELD_COLUMNS = ("input", "output", "factor")


def read_yields(path: Path) -> dict[tuple[str, str], float]:
    """Yield factors from a table with columns input, output, factor (output per unit of input)."""
    frame = read_table(path)
    columns = {c.strip().lower(): c for c in frame.columns}
    for col in YIELD_COLUMNS:
        if col not in columns:
            raise InputError(
                f"required column missing; the file has: {', '.join(frame.columns)}",
                path=path,
                column=col,
            )
    rows = frame.select(pl.col(columns[c]).cast(pl.String).fill_null("") for c in YIELD_COLUMNS)
    out: dict[tuple[str, str], float] = {}
    for row, (inp, outp, raw) in enumerate(rows.iter_rows(), start=1):
        try:
            factor = float(raw.strip())
        except ValueError:
            factor = -1.0
        if not factor > 0.0:
            raise InputError(
                f"factor {raw!r} is not a positive number", path=path, row=row, column="factor"
            )
        out[(inp.strip(), outp.strip())] = factor
    return out
