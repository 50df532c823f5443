"""The per-path findings table (one row per path), and the rows the web map draws.

The trace output contract is :mod:`sourcetrace.graph.tables` (one finding per party, product and
risk source, its path's hops in a table of their own); this module keeps the per-path view that
lists several paths per finding, for callers that want every path.

Columns, in order: node, product, risk, path (" > " from the risk source down to the node), hops,
basis (the path's weakest link; empty for a node that is itself the source), evidence (hop by
hop), severity, checklist (the documents that would clear it, CBP guidance), routes (how many
direct suppliers, or owners, bring this risk to the node with this product: every one, also
those whose paths are not written), independent_paths (how many of the paths considered share
no party between source and node: greedy, shortest first, a lower bound).

At most ``max_paths`` paths are written per (node, product, risk), the best first: strongest
weakest link, then fewest hops. From :func:`~sourcetrace.graph.trace.trace` (exact), "risk" is
one risk source and the paths considered are all its paths; from
:func:`~sourcetrace.graph.paths.best_paths` (large graphs), "risk" is a kind of risk, the paths
considered are the best through each direct supplier, and independence is counted over the
paths written.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import numpy.typing as npt
import polars as pl

from sourcetrace.graph.balance import BalanceFlag
from sourcetrace.graph.checklist import OWNERSHIP, OWNERSHIP_SUPPLY, SELF, SUPPLY, checklist_text
from sourcetrace.graph.model import BASES, Graph
from sourcetrace.graph.paths import I64, PathSet, stable_argsort, step_ends
from sourcetrace.graph.risks import SEVERITY_RANK, RiskSource, sector_of
from sourcetrace.graph.trace import OWNERSHIP as OWNERSHIP_HOP
from sourcetrace.graph.trace import Finding, independent_paths

PATH_COLUMNS: tuple[str, ...] = (
    "node", "product", "risk", "path", "hops", "basis", "evidence", "severity", "checklist",
    "routes", "independent_paths",
)  # fmt: skip
MASS_BALANCE = "mass_balance"
_SCHEMA = {
    c: (pl.Int64 if c in ("hops", "routes", "independent_paths") else pl.String)
    for c in PATH_COLUMNS
}


def finding_row(graph: Graph, f: Finding, said: dict[int, str] | None = None) -> dict[str, object]:
    """One finding as an output row; ``said`` caches hop descriptions shared by many paths."""
    said = {} if said is None else said
    # Paths share their hops (the same objects): describe each once.
    for h in f.hops:
        if id(h) not in said:
            said[id(h)] = h.describe(graph)
    evidence = " | ".join([said[id(h)] for h in f.hops]) if f.hops else f.risk.provenance
    basis = f.basis
    return {
        "node": graph.name(f.node),
        "product": f.product,
        "risk": f"{f.risk.kind}: {f.risk.detail}",
        "path": " > ".join(graph.name(n) for n in f.nodes),
        "hops": len(f.hops),
        "basis": basis.value if basis is not None else "",
        "evidence": evidence,
        "severity": f.risk.severity,
        "checklist": _checklist(f.risk.kind, f.risk.sector),
        "routes": 0,
        "independent_paths": 0,
    }


def balance_row(graph: Graph, flag: BalanceFlag) -> dict[str, object]:
    """One mass-balance flag as an output row (its path is the node itself)."""
    rows = sorted({x.source.label() for x in (*flag.inputs, *flag.outputs)})
    return {
        "node": graph.name(flag.node),
        "product": flag.product,
        "risk": f"{MASS_BALANCE}: {flag.describe()}",
        "path": graph.name(flag.node),
        "hops": 0,
        "basis": flag.basis.value,
        "evidence": "; ".join(rows),
        "severity": "medium",
        "checklist": _checklist(MASS_BALANCE, ""),
        "routes": 0,
        "independent_paths": 0,
    }


def best_findings(findings: Sequence[Finding], max_paths: int | None) -> list[Finding]:
    """The ``max_paths`` best findings per (node, product, risk source); None keeps all."""
    groups: dict[tuple[int, str, int], list[Finding]] = defaultdict(list)
    for f in findings:
        groups[(f.node, f.product, id(f.risk))].append(f)
    out: list[Finding] = []
    for items in groups.values():
        items.sort(key=lambda f: (-(f.basis.rank if f.basis else 3), len(f.hops), f.nodes))
        out.extend(items if max_paths is None else items[:max_paths])
    return out


def _group_counts(findings: Sequence[Finding]) -> dict[tuple[int, str, int], tuple[int, int]]:
    """Per (node, product, risk source): routes (distinct last-hop starts) and independent
    paths (over all of the group's paths)."""
    groups: dict[tuple[int, str, int], list[Finding]] = defaultdict(list)
    for f in findings:
        if f.hops:
            groups[(f.node, f.product, id(f.risk))].append(f)
    return {
        key: (
            len({f.hops[-1].start for f in items}),
            independent_paths(list(dict.fromkeys(f.nodes for f in items))),
        )
        for key, items in groups.items()
    }


def findings_frame(
    graph: Graph,
    findings: Sequence[Finding],
    flags: Sequence[BalanceFlag] = (),
    max_paths: int | None = None,
) -> pl.DataFrame:
    """All rows of an exact trace, worst severity first, then by node, hops and path."""
    counts = _group_counts(findings)
    said: dict[int, str] = {}
    rows = []
    for f in best_findings(findings, max_paths):
        row = finding_row(graph, f, said)
        row["routes"], row["independent_paths"] = counts.get((f.node, f.product, id(f.risk)),
                                                             (0, 0))  # fmt: skip
        rows.append(row)
    rows += [balance_row(graph, b) for b in flags]
    rows.sort(key=_order)
    return pl.DataFrame({c: [r[c] for r in rows] for c in PATH_COLUMNS}, schema=_SCHEMA)


def paths_frame(graph: Graph, paths: PathSet, flags: Sequence[BalanceFlag] = ()) -> pl.DataFrame:
    """All rows of a large-graph trace (:func:`~sourcetrace.graph.paths.best_paths`): worst
    severity first, then by node, hops and source party.

    ``risk``, ``severity`` and ``checklist`` repeat across millions of rows: they are
    categorical columns (written as text to CSV, as a dictionary to Parquet).
    """
    names = graph.parties.get_column("name")
    sources = paths.sources
    text = pl.Categorical()
    risk = pl.DataFrame(
        {
            "risk": [f"{s.kind}: {s.detail}" for s in sources],
            "severity": [s.severity for s in sources],
            "checklist": [_checklist(s.kind, s.sector) for s in sources],
            "provenance": [s.provenance for s in sources],
            "root": [s.node for s in sources],
        },
        schema={"risk": text, "severity": text, "checklist": text, "provenance": pl.String,
                "root": pl.Int64},
    )  # fmt: skip
    # The order first, on integer keys (no join, no comparing strings); then one query that
    # turns the integers into texts, so that polars makes the columns in parallel.
    order = _path_order(paths.rows, sources, names)
    rows = paths.rows.rechunk()[order]  # a gather from many chunks is several times slower
    steps = paths.steps[order]
    source = rows["source"].to_numpy()
    ends = step_ends(paths.hops, paths.holdings)
    said = _step_texts(graph, paths, names).rechunk()
    alone = (rows["hops"] == 0).to_numpy()
    # Per row, as integers: the parties along its path ("s": the source's, "s0".. each step's
    # end) and the texts of its evidence ("e": the source's provenance, "e0".. each step's).
    at: dict[str, npt.NDArray[np.int64] | pl.Series] = {
        "s": risk["root"].to_numpy()[source],
        # A node that is itself the source: its evidence is the source's provenance, as a first
        # text that only such rows have (cheaper than choosing between two columns per row).
        "e": pl.Series(source).set(pl.Series(~alone), None),
    }
    for j in range(steps.shape[1]):
        column = steps[:, j]
        absent = pl.Series(column < 0)
        at[f"e{j}"] = pl.Series(column).set(absent, None)  # gathering a null gives a null
        at[f"s{j}"] = pl.Series(ends[np.maximum(column, 0)]).set(absent, None)
    parts = pl.DataFrame([*rows, *(pl.Series(k, v) for k, v in at.items())])
    stops = ["s", *(f"s{j}" for j in range(steps.shape[1]))]
    texts = ["e", *(f"e{j}" for j in range(steps.shape[1]))]
    name = pl.lit(names)
    provenance = pl.lit(risk["provenance"])
    text_of = {"e": provenance, **{t: pl.lit(said) for t in texts[1:]}}
    evidence = pl.concat_str([text_of[t].gather(pl.col(t)) for t in texts], separator=" | ",
                             ignore_nulls=True)  # fmt: skip
    if risk["provenance"].null_count():  # concat_str would give "" where the source gives none
        evidence = (
            pl.when(pl.col("hops") == 0).then(provenance.gather(pl.col("e"))).otherwise(evidence)
        )
    of_source = risk.drop("provenance", "root")
    frame = (
        parts.lazy()
        .select(
            name.gather(pl.col("node")).alias("node"),
            "product",
            pl.lit(of_source["risk"]).gather(pl.col("source")).alias("risk"),
            pl.concat_str(
                [name.gather(pl.col(s)) for s in stops], separator=" > ", ignore_nulls=True
            ).alias("path"),
            "hops",
            pl.col("basis").replace_strict(
                {i: b.value for i, b in enumerate(BASES)}, default="", return_dtype=pl.String
            ),
            evidence.alias("evidence"),
            pl.lit(of_source["severity"]).gather(pl.col("source")).alias("severity"),
            pl.lit(of_source["checklist"]).gather(pl.col("source")).alias("checklist"),
            "routes",
            pl.col("independent").alias("independent_paths"),
        )
        .collect()
    )
    if flags:
        extra = pl.DataFrame([balance_row(graph, b) for b in flags], schema=_SCHEMA)
        extra = extra.with_columns(pl.col(c).cast(text) for c in ("risk", "severity", "checklist"))
        frame = _merge_by_severity(frame, extra)
    return frame


def _path_order(rows: pl.DataFrame, sources: Sequence[RiskSource], names: pl.Series) -> I64:
    """Where each row goes: worst severity first, then by node name, hops, source party name,
    source and product; ties keep the rows' order (a stable sort of the rows)."""
    by_name = names.rank("dense").cast(pl.Int64).fill_null(0).to_numpy()  # null names first
    root = np.array([s.node for s in sources], dtype=np.int64)
    worst = max(SEVERITY_RANK.values()) - np.array(
        [SEVERITY_RANK[s.severity] for s in sources], dtype=np.int64
    )
    # Within one severity, sources by their party's name, then in their own order: one rank.
    source_rank = np.empty(len(sources), dtype=np.int64)
    source_rank[stable_argsort(by_name[root])] = np.arange(len(sources))
    product = rows["product"]
    distinct = product.drop_nulls().unique().sort()
    product_rank = (
        product.cast(pl.Enum(distinct)).to_physical().cast(pl.Int64).fill_null(-1) + 1
    ).to_numpy()  # nulls first, as a sort puts them
    source = rows["source"].to_numpy()
    hops = rows["hops"].to_numpy()
    keys = [  # most significant first, with how many values each takes
        (worst[source], int(worst.max(initial=0)) + 1),
        (by_name[rows["node"].to_numpy()], int(by_name.max(initial=0)) + 1),
        (hops, int(hops.max(initial=0)) + 1),
        (source_rank[source], len(sources)),
        (product_rank, len(distinct) + 1),
    ]
    bits = [max(size - 1, 1).bit_length() for _, size in keys]
    if sum(bits) > 62:
        return np.lexsort([key for key, _ in reversed(keys)]).astype(np.int64)
    packed = np.zeros(rows.height, dtype=np.int64)
    for (key, _), width in zip(keys, bits, strict=True):
        packed = (packed << width) | key
    return stable_argsort(packed)


def _merge_by_severity(frame: pl.DataFrame, extra: pl.DataFrame) -> pl.DataFrame:
    """``frame`` (sorted worst severity first) with the ``extra`` rows after the frame's rows of
    the same severity, as a stable sort of both by severity would place them."""
    rank = pl.col("severity").cast(pl.String).replace_strict(SEVERITY_RANK, return_dtype=pl.Int8)
    extra = extra.sort(rank, descending=True, maintain_order=True)
    mine = -frame.select(rank).to_series().to_numpy().astype(np.int64)
    theirs = extra.select(rank).to_series().to_numpy().astype(np.int64)
    parts, at, done = [], 0, 0
    for severity in dict.fromkeys(theirs.tolist()):
        cut = int(np.searchsorted(mine, -severity, side="right"))
        count = int((theirs == severity).sum())
        parts += [frame[at:cut], extra[done : done + count]]
        at, done = cut, done + count
    return pl.concat([*parts, frame[at:]])


def _step_texts(graph: Graph, paths: PathSet, names: pl.Series) -> pl.Series:
    """What each step says, as :meth:`~sourcetrace.graph.trace.Hop.describe` words it: hops
    first, then holdings."""
    t = paths.hops.table
    bases = {i: b.value for i, b in enumerate(BASES)}
    hops = t.select(
        pl.format(
            "{} supplies {}{} to {} [{}: {}]",
            names.gather(t["start"]),
            pl.when(pl.col("product") == "").then(pl.lit("?")).otherwise(pl.col("product")),
            pl.when(pl.col("hs") == "").then(pl.lit("")).otherwise(pl.format(" (HS {})", "hs")),
            names.gather(t["end"]),
            pl.col("basis").replace_strict(bases, return_dtype=pl.String),
            pl.col("evidence"),
        )
    ).to_series()
    holdings = [graph.ownership[int(i)] for i in paths.holdings.index]
    owned = pl.Series(
        [
            f"{graph.name(o.owner)} owns {o.share:g}% of {graph.name(o.owned)} "
            f"[{o.basis.value}: {o.evidence or o.source.label()}]"
            for o in holdings
        ],
        dtype=pl.String,
    )
    return pl.concat([hops, owned]).rename("said")


def _order(row: dict[str, object]) -> tuple[int, str, str, str]:
    return (
        -SEVERITY_RANK[str(row["severity"])],
        str(row["node"]),
        f"{row['hops']:>4}",
        str(row["path"]),
    )


@lru_cache(maxsize=256)
def _checklist(kind: str, sector: str, route: str = SUPPLY) -> str:
    return checklist_text(kind, sector, route)


def finding_checklist(f: Finding) -> str:
    """The checklist of one finding as the findings tables key it: by risk kind, the sector of
    the goods the party receives and the route the risk took (:mod:`sourcetrace.graph.tables`)."""
    return _checklist(f.risk.kind, _sector(f), _route(f))


def _route(f: Finding) -> str:
    """How the finding's risk reached its party (:data:`sourcetrace.graph.checklist.ROUTES`)."""
    kinds = {h.kind for h in f.hops}
    if not kinds:
        return SELF
    if OWNERSHIP_HOP in kinds:
        return OWNERSHIP_SUPPLY if len(kinds) > 1 else OWNERSHIP
    return SUPPLY


def _sector(f: Finding) -> str:
    """The high-priority sector of the goods the party receives (its own, for a source)."""
    supplied = [h for h in f.hops if h.kind != OWNERSHIP_HOP]
    return sector_of(supplied[-1].hs_code if supplied else f.risk.hs_code)
