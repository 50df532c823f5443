"""The supply-chain graph: build it, find risk sources, trace them, check mass balance."""

from sourcetrace.graph.balance import DEFAULT_YIELDS, BalanceFlag, check_balance
from sourcetrace.graph.build import build_graph, read_graph, read_wro_merchandise
from sourcetrace.graph.findings import FINDING_COLUMNS, findings_frame
from sourcetrace.graph.model import Basis, Graph, Link, Node, Ownership
from sourcetrace.graph.risks import HIGH_PRIORITY_SECTORS, RiskSource, find_risks, sector_of
from sourcetrace.graph.trace import Exposure, Finding, Hop, TraceResult, exposures, trace

__all__ = [
    "DEFAULT_YIELDS",
    "FINDING_COLUMNS",
    "HIGH_PRIORITY_SECTORS",
    "BalanceFlag",
    "Basis",
    "Exposure",
    "Finding",
    "Graph",
    "Hop",
    "Link",
    "Node",
    "Ownership",
    "RiskSource",
    "TraceResult",
    "build_graph",
    "check_balance",
    "exposures",
    "find_risks",
    "findings_frame",
    "read_graph",
    "read_wro_merchandise",
    "sector_of",
    "trace",
]
