"""The trace output contract: findings, their paths' hops, checklists and sector exposure.

Five tables, no text repeated per row (:class:`FindingTables`):

- ``findings``: one row per (party, product, risk source), with its best path (strongest
  weakest link, then fewest hops): ``finding_id, party, product, sector, risk_kind, risk,
  source, severity, basis, hops, routes, independent_paths, path_id, checklist_id,
  provenance``. ``source`` is the party where the risk starts, ``provenance`` what says it is a
  risk (the list and its version, the address read); ``routes`` counts the direct suppliers (or
  owners) that bring that risk to the party with that product, ``independent_paths`` the paths
  that share no party (greedy: a lower bound). A mass-balance flag is a finding of kind
  ``mass_balance`` about the party's product, with no path.
- ``hops``: the steps of each finding's path, keyed by ``path_id`` and ``step`` (0 = the one
  leaving the source): ``from, to, kind`` (supply or ownership), ``goods, hs_code, share, basis,
  evidence, file, row`` (the first of the parallel links the hop stands for).
- ``checklists``: keyed by ``checklist_id`` = risk kind, product and route (self, supply,
  ownership, ownership+supply): the documents that would clear such a finding, each citing its
  public source (:mod:`sourcetrace.graph.checklist`).
- ``sectors``: UFLPA high-priority sector exposure by HS code, a property of a party and a
  product, once per (party, product, sector), whether or not any risk reaches it. It is not a
  finding, and it is not traced.
- ``dismissed``: the risk sources that review decisions set aside before the trace (every
  list hit they rested on dismissed as a false positive), one row per decision: the party,
  the risk as screening found it, the listed entity, the decision, who took it, when and why.
  Nothing rests on them in the other tables; this one says what was left out, and by whom.

:func:`readable` turns the tables into what a person reads (the CSV): the strongest finding per
party and product, one line each, with its path in words.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl

from sourcetrace.errors import InputError, OutputError
from sourcetrace.graph.balance import BalanceFlag
from sourcetrace.graph.checklist import (
    MASS_BALANCE,
    OWNERSHIP,
    OWNERSHIP_SUPPLY,
    SELF,
    SUPPLY,
    checklist_text,
)
from sourcetrace.graph.decisions import Dismissal
from sourcetrace.graph.model import BASES, Graph
from sourcetrace.graph.paths import PathSet
from sourcetrace.graph.risks import SECTOR, SEVERITY_RANK, RiskSource, sector_of
from sourcetrace.graph.trace import OWNERSHIP as OWNERSHIP_HOP
from sourcetrace.graph.trace import Finding, independent_paths
from sourcetrace.io.writers import atomic_path, output_format, write_as

FINDING_COLUMNS = (
    "finding_id", "party", "product", "sector", "risk_kind", "risk", "source", "severity",
    "basis", "hops", "routes", "independent_paths", "path_id", "checklist_id", "provenance",
)  # fmt: skip
HOP_COLUMNS = ("path_id", "step", "from", "to", "kind", "goods", "hs_code", "share", "basis",
               "evidence", "file", "row")  # fmt: skip
CHECKLIST_COLUMNS = ("checklist_id", "risk_kind", "product", "route", "sector", "documents")
SECTOR_COLUMNS = ("party", "product", "hs_code", "sector")
DISMISSED_SCHEMA = {
    "party": pl.String, "risk_kind": pl.String, "risk": pl.String, "severity": pl.String,
    "provenance": pl.String, "entity_id": pl.String, "decision": pl.String,
    "decided_name": pl.String, "decided_by": pl.String, "decided_at": pl.String,
    "decision_id": pl.Int64, "comment": pl.String,
}  # fmt: skip
READABLE_COLUMNS = ("party", "product", "severity", "risk", "path", "basis", "hops",
                    "other_findings", "sector", "evidence", "checklist")  # fmt: skip
TABLES = ("findings", "hops", "checklists", "sectors", "dismissed")

_BASIS = {i: b.value for i, b in enumerate(BASES)}
# Per chosen path: the party, product, risk source (index), hops and counts, worst-first later.
_PICKED = {"node": pl.Int64, "product": pl.String, "source": pl.Int64, "hops": pl.Int64,
           "basis": pl.Int8, "routes": pl.Int64, "independent": pl.Int64}  # fmt: skip
# Per step of a chosen path: "path" is the row of the chosen path; a supply hop names its goods.
_STEPS = {"path": pl.Int64, "step": pl.Int64, "start": pl.Int64, "end": pl.Int64,
          "kind": pl.String, "goods": pl.String, "hs": pl.String, "share": pl.Float64,
          "basis": pl.Int8, "evidence": pl.String, "holding": pl.Int64}  # fmt: skip


@dataclass(slots=True)
class FindingTables:
    """The tables of the contract (see the module)."""

    findings: pl.DataFrame
    hops: pl.DataFrame
    checklists: pl.DataFrame
    sectors: pl.DataFrame
    dismissed: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=DISMISSED_SCHEMA))

    def items(self) -> list[tuple[str, pl.DataFrame]]:
        """The tables by name, in :data:`TABLES` order."""
        return [(name, getattr(self, name)) for name in TABLES]


def from_findings(
    graph: Graph, findings: Sequence[Finding], sources: Sequence[RiskSource],
    flags: Sequence[BalanceFlag] = (),
) -> FindingTables:  # fmt: skip
    """The tables of an exact trace (:func:`~sourcetrace.graph.trace.trace`)."""
    index = {id(s): i for i, s in enumerate(sources)}
    groups: dict[tuple[int, str, int], list[Finding]] = {}
    for f in findings:
        if f.risk.kind != SECTOR:
            groups.setdefault((f.node, f.product, index[id(f.risk)]), []).append(f)
    picked: dict[str, list[object]] = {c: [] for c in _PICKED}
    steps: dict[str, list[object]] = {c: [] for c in _STEPS}
    for (node, product, source), items in groups.items():
        items.sort(key=lambda f: (-(f.basis.rank if f.basis else 3), len(f.hops), f.nodes))
        best = items[0]
        reached = [f for f in items if f.hops]
        at = len(picked["node"])
        for c, v in zip(_PICKED, (node, product, source, len(best.hops),
                                  best.basis.rank if best.basis else None,
                                  len({f.hops[-1].start for f in reached}),
                                  independent_paths(list(dict.fromkeys(f.nodes for f in reached)))),
                        strict=True):  # fmt: skip
            picked[c].append(v)
        for j, h in enumerate(best.hops):
            own = h.kind == OWNERSHIP_HOP
            values: tuple[object, ...] = (
                at,
                j,
                h.start,
                h.end,
                h.kind,
                h.product,
                h.hs_code,
                h.share,
                h.basis.rank,
                h.evidence,
                None,
            )
            for c, w in zip(_STEPS, values, strict=True):
                steps[c].append(w)
            if own:
                steps["holding"][-1] = _holding(graph, h.start, h.end)
    return _tables(graph, pl.DataFrame(picked, schema=_PICKED), pl.DataFrame(steps, schema=_STEPS),
                   sources, flags)  # fmt: skip


def from_paths(graph: Graph, paths: PathSet, flags: Sequence[BalanceFlag] = ()) -> FindingTables:
    """The tables of a large-graph trace (:func:`~sourcetrace.graph.paths.best_paths`): its
    paths are the best per kind of risk; the first per (party, product, risk source) is kept."""
    sources = paths.sources
    kinds = np.array([s.kind != SECTOR for s in sources], dtype=np.bool_)
    rows = paths.rows.with_row_index("at").filter(
        pl.Series(kinds)[paths.rows["source"]] if len(sources) else pl.lit(False)
    ).unique(["node", "product", "source"], keep="first", maintain_order=True)  # fmt: skip
    at = rows["at"].to_numpy().astype(np.int64)
    picked = rows.select(
        pl.col("node").cast(pl.Int64), "product", pl.col("source").cast(pl.Int64),
        pl.col("hops").cast(pl.Int64), pl.col("basis").cast(pl.Int8),
        pl.col("routes").cast(pl.Int64), pl.col("independent").cast(pl.Int64),
    )  # fmt: skip
    chosen = paths.steps[at]
    n = paths.hops.size
    t = paths.hops.table
    own = paths.holdings
    path, step = np.nonzero(chosen >= 0)
    ids = chosen[path, step]
    supply = ids < n
    hop = np.where(supply, ids, 0)
    holding = np.where(supply, 0, ids - n)  # a row of Holdings
    held = own.index[holding] if len(own.index) else np.zeros_like(holding)
    shares = np.array([o.share for o in graph.ownership], dtype=np.float64)

    def of_hop(column: str) -> pl.Expr:
        """A column of the hop a supply step stands for; null on a holding."""
        return pl.when("supply").then(pl.lit(t.get_column(column)).gather("hop"))

    # Numbers from numpy; text gathered by polars (a numpy array of text costs a copy per row).
    frame = pl.DataFrame({
        "path": path.astype(np.int64), "step": step.astype(np.int64), "supply": supply,
        "hop": hop, "held": held.astype(np.int64),
        "start": np.where(supply, t["start"].to_numpy()[hop], own.start[holding]
                          if len(own.start) else 0),
        "end": np.where(supply, t["end"].to_numpy()[hop], own.end[holding]
                        if len(own.end) else 0),
        "share": np.where(supply, 0.0, shares[held] if len(shares) else 0.0),
        "basis": np.where(supply, t["basis"].to_numpy()[hop],
                          own.basis[holding] if len(own.basis) else 0),
    }).select(
        "path", "step", "start", "end",
        pl.when("supply").then(pl.lit("supply")).otherwise(pl.lit(OWNERSHIP_HOP)).alias("kind"),
        of_hop("product").alias("goods"), of_hop("hs").alias("hs"), "share", "basis",
        of_hop("evidence").alias("evidence"),
        pl.when(~pl.col("supply")).then("held").alias("holding"),
        of_hop("link").alias("link"),
    )  # fmt: skip
    links = frame.get_column("link")
    frame = frame.drop("link").cast(_STEPS)  # type: ignore[arg-type]
    return _tables(graph, picked, frame, sources, flags, _path_routes(chosen, t, n), links)


def _path_routes(chosen: np.ndarray, hops: pl.DataFrame, n: int) -> pl.DataFrame:
    """Per chosen path (its steps, -1 padded: hop ids below ``n``, holdings from it), whether
    it runs through a holding and through a supply hop, and the HS code of its last supply hop:
    column-wise over the steps matrix, instead of grouping its millions of steps."""
    is_supply = (chosen >= 0) & (chosen < n)
    supplied = is_supply.any(axis=1)
    last = chosen.shape[1] - 1 - np.argmax(is_supply[:, ::-1], axis=1)
    last_hop = chosen[np.arange(len(chosen)), last]
    return pl.DataFrame({
        "path": np.arange(len(chosen), dtype=np.int64),
        "owned": (chosen >= n).any(axis=1),
        "supplied": supplied,
        "last_hs": hops.get_column("hs").gather(
            pl.Series(np.where(supplied, last_hop, 0))).set(pl.Series(~supplied), None),
    })  # fmt: skip


def _holding(graph: Graph, owner: int, owned: int) -> int:
    return next(i for i, o in enumerate(graph.ownership) if (o.owner, o.owned) == (owner, owned))


def _tables(
    graph: Graph,
    picked: pl.DataFrame,
    steps: pl.DataFrame,
    sources: Sequence[RiskSource],
    flags: Sequence[BalanceFlag],
    routes: pl.DataFrame | None = None,
    links: pl.Series | None = None,
) -> FindingTables:
    """The tables from the chosen paths and their steps (integers until the end). ``routes``
    (one row per chosen path, in their order: ``path``, ``owned``, ``supplied``, ``last_hs``)
    and ``links`` (per step, its first link's row in the edges) are found from the steps when
    not given."""
    names = graph.parties.get_column("name")
    risk = pl.DataFrame(
        {
            "source": range(len(sources)),
            "risk_kind": [s.kind for s in sources],
            "risk": [s.detail for s in sources],
            "root": [s.node for s in sources],
            "severity": [s.severity for s in sources],
            "provenance": [s.provenance for s in sources],
            "own_hs": [s.hs_code for s in sources],
        },
        schema={"source": pl.Int64, "risk_kind": pl.String, "risk": pl.String, "root": pl.Int64,
                "severity": pl.String, "provenance": pl.String, "own_hs": pl.String},
    )  # fmt: skip
    given = routes is not None
    routes = (
        routes
        if routes is not None
        else steps.group_by("path").agg(
            (pl.col("kind") == OWNERSHIP_HOP).any().alias("owned"),
            (pl.col("kind") == "supply").any().alias("supplied"),
            pl.col("hs").filter(pl.col("kind") == "supply").last().alias("last_hs"),
        )
    )
    # Each path's risk source by its index, and its route by its row (``routes`` given: one row
    # per path, in order): gathers and a side-by-side, not joins of a million rows.
    found = picked.with_row_index("path").with_columns(pl.col("path").cast(pl.Int64))
    found = (
        found.with_columns(pl.lit(risk.get_column(c)).gather(pl.col("source")).alias(c)
                           for c in risk.columns[1:])
        if len(sources) else found.join(risk, on="source", how="left")
    )  # fmt: skip
    found = (
        found.hstack(routes.drop("path")) if given
        else found.join(routes, on="path", how="left")
    )  # fmt: skip
    found = (
        found.with_columns(
            pl.when(pl.col("hops") == 0).then(pl.lit(SELF))
            .when(pl.col("owned") & pl.col("supplied")).then(pl.lit(OWNERSHIP_SUPPLY))
            .when(pl.col("owned")).then(pl.lit(OWNERSHIP))
            .otherwise(pl.lit(SUPPLY)).alias("route"),
            pl.coalesce("last_hs", "own_hs").fill_null("").alias("hs"),
        )
    )  # fmt: skip
    hs_sector = {h: sector_of(h) for h in found["hs"].unique().to_list()}
    found = found.with_columns(
        pl.col("hs").replace_strict(hs_sector, default="", return_dtype=pl.String).alias("sector")
    )
    if flags:
        found = pl.concat([found, _balance(graph, flags, found.height)], how="diagonal_relaxed")
    # Sorted by names and product as text, through their ranks: the same order, and sorting a
    # million rows on integers rather than strings is several times faster.
    order = names.rank("dense").cast(pl.Int64)
    goods = found.get_column("product").drop_nulls().unique().sort()
    found = found.with_columns(
        pl.format("{}/{}/{}", "risk_kind", "product", "route").alias("checklist_id"),
        pl.col("severity").replace_strict(SEVERITY_RANK, return_dtype=pl.Int8).alias("rank"),
        pl.lit(names).gather(pl.col("node")).alias("party"),
        pl.lit(names).gather(pl.col("root")).alias("source_name"),
    ).sort(
        pl.col("rank"), pl.lit(order).gather(pl.col("node")), pl.col("hops"),
        pl.lit(order).gather(pl.col("root")),
        pl.col("product").cast(pl.Enum(goods)).to_physical(),
        descending=[True, False, False, False, False], maintain_order=True,
    )  # fmt: skip
    found = found.with_columns(
        pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias("finding_id"),
        (pl.col("path") + 1).alias("path_id"),
    )
    findings = found.select(
        "finding_id", "party", "product", "sector", "risk_kind", "risk",
        pl.col("source_name").alias("source"), "severity",
        pl.col("basis").replace_strict(_BASIS, default="", return_dtype=pl.String),
        "hops", "routes", pl.col("independent").alias("independent_paths"),
        pl.when(pl.col("hops") > 0).then(pl.col("path_id")).alias("path_id"),
        "checklist_id", pl.col("provenance").fill_null(""),
    )  # fmt: skip
    hop_rows = _hop_rows(graph, steps, names, links)
    checklists = found.select("checklist_id", "risk_kind", "product", "route", "sector").unique(
        "checklist_id", keep="first", maintain_order=True
    )
    checklists = checklists.with_columns(
        pl.Series("documents", [checklist_text(k, s, r) for k, s, r in
                                checklists.select("risk_kind", "sector", "route").iter_rows()],
                  dtype=pl.String)
    ).sort("checklist_id")  # fmt: skip
    return FindingTables(findings, hop_rows, checklists, sector_exposure(graph))


def dismissed_table(graph: Graph, dismissals: Sequence[Dismissal]) -> pl.DataFrame:
    """The ``dismissed`` table: per risk source the review decisions removed, one row per
    decision it was removed on, by party, kind of risk and decision."""
    rows = [
        (graph.name(d.source.node), d.source.kind, d.source.detail, d.source.severity,
         d.source.provenance, x.entity_id, x.decision, x.name, x.username, x.at, x.id, x.comment)
        for d in dismissals
        for x in d.decisions
    ]  # fmt: skip
    return pl.DataFrame(rows, schema=DISMISSED_SCHEMA, orient="row").sort(
        "party", "risk_kind", "decision_id"
    )


def _balance(graph: Graph, flags: Sequence[BalanceFlag], first: int) -> pl.DataFrame:
    """Mass-balance flags as chosen rows with no path."""
    rows = [
        {
            "path": first + i,
            "node": f.node,
            "product": f.product,
            "source": None,
            "hops": 0,
            "basis": f.basis.rank,
            "routes": 0,
            "independent": 0,
            "risk_kind": MASS_BALANCE,
            "risk": f.describe(),
            "root": f.node,
            "severity": "medium",
            "route": SELF,
            "hs": "",
            "sector": "",
            "provenance": "; ".join(sorted({x.source.label() for x in (*f.inputs, *f.outputs)})),
        }
        for i, f in enumerate(flags)
    ]
    return pl.DataFrame(rows).with_columns(pl.col("path").cast(pl.Int64))


def _hop_rows(
    graph: Graph, steps: pl.DataFrame, names: pl.Series, link: pl.Series | None = None
) -> pl.DataFrame:
    """The hops table: each step with its parties' names and where it was read (``link``: each
    step's first link, when known)."""
    link = link if link is not None else _first_links(graph.edges, steps, graph.size)
    # A null index (a holding) gathers a null.
    first = graph.edges.select(pl.col("hs_code", "file", "row").gather(link))
    own = graph.ownership

    def of_holding(values: list[object], dtype: pl.DataType) -> pl.Expr:
        """A holding's value, gathered by the step's ``holding`` (null on a supply step): a
        gather, not a join of millions of steps to the holdings."""
        if not values:
            return pl.lit(None, dtype=dtype)
        return pl.lit(pl.Series(values, dtype=dtype)).gather(pl.col("holding"))

    return pl.concat([steps, first], how="horizontal").select(
        (pl.col("path") + 1).alias("path_id"), "step",
        pl.lit(names).gather(pl.col("start")).alias("from"), pl.lit(names).gather(pl.col("end")).alias("to"),
        "kind", pl.col("goods").fill_null(""), pl.col("hs_code").fill_null(""),
        pl.when(pl.col("kind") == OWNERSHIP_HOP).then(pl.col("share")).alias("share"),
        pl.col("basis").replace_strict(_BASIS, return_dtype=pl.String),
        pl.coalesce("evidence", of_holding([o.evidence or o.source.label() for o in own],
                                           pl.String())).alias("evidence"),
        pl.coalesce("file", of_holding([o.source.path for o in own], pl.String())).alias("file"),
        pl.coalesce(pl.col("row"), of_holding([o.source.row for o in own], pl.Int32()))
        .cast(pl.Int64).alias("row"),
    )  # fmt: skip


def _first_links(edges: pl.DataFrame, steps: pl.DataFrame, size: int) -> pl.Series:
    """Per supply step, the row in ``edges`` of the first link it stands for (same supplier,
    buyer, goods and HS code); null for a holding. Joined on two integer keys, the goods and
    HS code coded by their rank: joining millions of steps on the text columns took 10 s."""
    goods = pl.concat([edges["product"], steps["goods"]]).drop_nulls().unique().sort()
    codes = pl.concat([edges["hs"], steps["hs"]]).drop_nulls().unique().sort()

    def key(a: str, b: str, g: str, h: str) -> list[pl.Expr]:
        pair = pl.col(a).cast(pl.Int64) * size + pl.col(b).cast(pl.Int64)
        what = (pl.col(g).cast(pl.Enum(goods)).to_physical().cast(pl.Int64) * (len(codes) + 1)
                + pl.col(h).cast(pl.Enum(codes)).to_physical().cast(pl.Int64))  # fmt: skip
        return [pair.alias("pair"), what.alias("what")]

    first = (
        edges.select(key("supplier", "buyer", "product", "hs")).with_row_index("link")
        .group_by("pair", "what").agg(pl.col("link").min())
    )  # fmt: skip
    return (
        steps.select(key("start", "end", "goods", "hs")).with_row_index("at")
        .join(first, on=["pair", "what"], how="left").sort("at").get_column("link")
    )  # fmt: skip


def sector_exposure(graph: Graph) -> pl.DataFrame:
    """Each party and product in a UFLPA high-priority sector by its HS code, once: the goods
    it ships and the goods it receives."""
    e = graph.edges.filter(pl.col("hs") != "")
    sector = {h: sector_of(h) for h in e["hs"].unique().to_list()}
    goods = e.get_column("product").unique().sort()
    # Products by their rank among the sorted names: the uniqueness and the sort below work on
    # integers, not on the text of 1.3M rows at 1M links (the same order).
    e = e.select(
        "supplier", "buyer", pl.col("product").cast(pl.Enum(goods)).to_physical().alias("goods"),
        "hs_code",
        pl.col("hs").replace_strict(sector, default="", return_dtype=pl.String).alias("sector"),
    ).filter(pl.col("sector") != "")  # fmt: skip
    # The first mention of each party, product and sector, shipped or received: its HS code as
    # that link writes it.
    both = pl.concat([
        e.select(pl.col("supplier").alias("node"), "goods", "hs_code", "sector"),
        e.select(pl.col("buyer").alias("node"), "goods", "hs_code", "sector"),
    ]).unique(["node", "goods", "sector"], keep="first", maintain_order=True)  # fmt: skip
    names = graph.parties.get_column("name")
    order = names.rank("dense").cast(pl.Int64)
    return both.sort(
        pl.lit(order).gather(pl.col("node")), "goods", maintain_order=True
    ).select(
        pl.lit(names).gather(pl.col("node")).alias("party"),
        pl.lit(goods).gather(pl.col("goods")).alias("product"), "hs_code", "sector",
    )  # fmt: skip


def readable(tables: FindingTables) -> pl.DataFrame:
    """What a person reads: per party and product, its strongest finding (worst severity,
    then strongest basis, then fewest hops), with the path in words and its checklist, which
    names the party and product."""
    f = tables.findings
    words = path_words(tables.hops)
    rank = pl.col("severity").replace_strict(SEVERITY_RANK, return_dtype=pl.Int8)
    basis = pl.col("basis").replace_strict({"": 3, **{b.value: b.rank for b in BASES}},
                                           return_dtype=pl.Int8)  # fmt: skip
    best = (
        f.with_columns(rank.alias("_rank"), basis.alias("_basis"),
                       pl.len().over("party", "product").alias("_n"))
        .sort(["_rank", "_basis", "hops", "finding_id"], descending=[True, True, False, False])
        .unique(["party", "product"], keep="first", maintain_order=True)
        .join(words, on="path_id", how="left")
        .join(tables.checklists.select("checklist_id", "documents"), on="checklist_id",
              how="left")
    )  # fmt: skip
    return best.sort("_rank", "party", "product", descending=[True, False, False]).select(
        "party", "product", "severity",
        pl.format("{}: {}", "risk_kind", "risk").alias("risk"),
        pl.coalesce("words", pl.format("{} itself", "source")).alias("path"),
        "basis", "hops", (pl.col("_n") - 1).alias("other_findings"), "sector",
        pl.when(pl.col("hops") > 0).then("evidence").otherwise("provenance").alias("evidence"),
        pl.format("for {}{}: {}", "party",
                  pl.when(pl.col("product") != "").then(pl.format(" ({})", "product"))
                  .otherwise(pl.lit("")), "documents").alias("checklist"),
    )  # fmt: skip


def path_words(hops: pl.DataFrame) -> pl.DataFrame:
    """Per path, its hops in words ("A supplies yarn to B, which supplies fabric to C") and its
    evidence hop by hop."""
    said = hops.sort("path_id", "step").with_columns(
        pl.when(pl.col("kind") == OWNERSHIP_HOP)
        .then(pl.format("owns {}% of {}", pl.col("share").round(2).cast(pl.String).str.strip_suffix(".0"), "to"))
        .otherwise(pl.format("supplies {} to {}",
                             pl.when(pl.col("goods") == "").then(pl.lit("goods"))
                             .otherwise("goods"), "to"))
        .alias("said"),
        # A link without evidence text is cited by its file and row alone.
        pl.when(pl.col("evidence") == pl.format("{} row {}", "file", "row"))
        .then(pl.format("{} row {} [{}]", "file", "row", "basis"))
        .otherwise(pl.format("{} row {} [{}: {}]", "file", "row", "basis", "evidence"))
        .alias("cited"),
    )  # fmt: skip
    return said.group_by("path_id", maintain_order=True).agg(
        pl.format("{} {}", pl.col("from").first(), pl.col("said").str.join(", which ")).alias(
            "words"
        ),
        pl.col("cited").str.join(" | ").alias("evidence"),
    )


def write_tables(tables: FindingTables, path: Path) -> list[Path]:
    """Write the findings to ``path``: the five tables to .parquet, as ``path`` (the findings)
    and, beside it, ``<stem>.hops.parquet``, ``<stem>.checklists.parquet``,
    ``<stem>.sectors.parquet`` and ``<stem>.dismissed.parquet``; to .csv, .jsonl or .xlsx the
    person's view (:func:`readable`) and, beside it, ``<stem>.dismissed.<suffix>``. The
    dismissed risk sources are written even when there are none (a header alone), so that no
    file of an earlier trace is left beside the new findings to be read as theirs.
    All or nothing: every file is written beside its target first and renamed into place only
    when all are written. Returns the files written."""
    fmt = output_format(path)
    if fmt == "parquet":
        targets = [path, *(path.with_name(f"{path.stem}.{name}.parquet") for name in TABLES[1:])]
        frames = [frame for _, frame in tables.items()]
    else:
        targets = [path, path.with_name(f"{path.stem}.dismissed{path.suffix}")]
        frames = [readable(tables), tables.dismissed]
    try:
        with ExitStack() as stack:
            for target, frame in zip(targets, frames, strict=True):
                write_as(frame, stack.enter_context(atomic_path(target)), fmt)
    except OSError as exc:
        raise OutputError(f"cannot write: {exc.strerror or exc}", path=path) from None
    return targets


def read_tables(path: Path) -> FindingTables:
    """The tables ``trace -o path`` wrote (``path`` and its siblings, see
    :func:`write_tables`); a missing or unreadable one is an :class:`InputError` naming it, but
    for the dismissed risk sources, which sets written before they were listed lack (none)."""
    frames = {}
    for name in TABLES:
        target = path if name == "findings" else path.with_name(f"{path.stem}.{name}.parquet")
        if name == "dismissed" and not target.exists():
            continue
        try:
            frames[name] = pl.read_parquet(target)
        except (OSError, pl.exceptions.PolarsError) as exc:
            raise InputError(
                f"cannot read the findings table {name!r} ({type(exc).__name__}); give the "
                "file `sourcetrace trace -o NAME.parquet` wrote, with its siblings",
                path=str(target),
            ) from None
    return FindingTables(**frames)


@dataclass(slots=True)
class Exposure:
    """What the findings tables say about each party and link of a graph, for an export."""

    parties: dict[str, dict[str, object]]
    """By party name: ``exposure`` (worst severity reaching it from elsewhere, "" if none),
    ``findings`` (how many are about it), ``sectors`` (its high-priority sectors)."""
    links: dict[tuple[str, str, str], int]
    """By (from, to, goods): how many findings' paths run along the link ("" goods: a holding)."""


def exposure(tables: FindingTables) -> Exposure:
    """Per party and per link, what the findings tables hold about them (an export's extra
    data: :func:`sourcetrace.graph.export.export`)."""
    f = tables.findings
    rank = pl.col("severity").replace_strict(SEVERITY_RANK, return_dtype=pl.Int8)
    worst = {v: k for k, v in SEVERITY_RANK.items()}
    per = f.group_by("party").agg(
        pl.len().alias("findings"), rank.filter(pl.col("hops") > 0).max().alias("worst")
    )
    sectors = tables.sectors.group_by("party").agg(pl.col("sector").unique().sort())
    parties: dict[str, dict[str, object]] = {}
    for party, count, top in per.iter_rows():
        parties[party] = {"exposure": worst.get(top, "") if top is not None else "",
                          "findings": count, "sectors": []}  # fmt: skip
    for party, names in sectors.iter_rows():
        parties.setdefault(party, {"exposure": "", "findings": 0, "sectors": []})["sectors"] = names
    h = tables.hops.with_columns(
        pl.when(pl.col("kind") == OWNERSHIP_HOP).then(pl.lit("")).otherwise("goods").alias("g")
    )
    counted = h.group_by("from", "to", "g").agg(pl.col("path_id").n_unique())
    return Exposure(parties, {(a, b, g): n for a, b, g, n in counted.iter_rows()})
