"""The supply-chain graph: build it, find risk sources, trace them, check mass balance."""

from sourcetrace.graph.balance import DEFAULT_YIELDS, BalanceFlag, check_balance
from sourcetrace.graph.build import Built, build
from sourcetrace.graph.dates import DEFAULT_TOLERANCE_DAYS, date_span
from sourcetrace.graph.findings import PATH_COLUMNS, findings_frame, paths_frame
from sourcetrace.graph.model import Basis, Graph, Link, Node, Ownership
from sourcetrace.graph.paths import PathSet, best_paths
from sourcetrace.graph.products import STAGES, Stage, feeds, stage_of
from sourcetrace.graph.returns import returns, without_returns
from sourcetrace.graph.risks import HIGH_PRIORITY_SECTORS, RiskSource, find_risks, sector_of
from sourcetrace.graph.tables import (
    FINDING_COLUMNS,
    FindingTables,
    from_findings,
    from_paths,
    read_tables,
    readable,
    write_tables,
)
from sourcetrace.graph.trace import Finding, Hop, Rules, TraceResult, trace

__all__ = [
    "DEFAULT_TOLERANCE_DAYS",
    "DEFAULT_YIELDS",
    "FINDING_COLUMNS",
    "HIGH_PRIORITY_SECTORS",
    "PATH_COLUMNS",
    "STAGES",
    "BalanceFlag",
    "Basis",
    "Built",
    "Finding",
    "FindingTables",
    "Graph",
    "Hop",
    "Link",
    "Node",
    "Ownership",
    "PathSet",
    "RiskSource",
    "Rules",
    "Stage",
    "TraceResult",
    "best_paths",
    "build",
    "check_balance",
    "date_span",
    "feeds",
    "find_risks",
    "findings_frame",
    "from_findings",
    "from_paths",
    "paths_frame",
    "read_tables",
    "readable",
    "returns",
    "sector_of",
    "stage_of",
    "trace",
    "without_returns",
    "write_tables",
]
