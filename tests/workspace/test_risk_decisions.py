"""The store's decisions as a trace reads them (SQLite, and PostgreSQL when one is given):
newest per name and entity, names folded, signals left out, each decision audited."""

from __future__ import annotations

from pathlib import Path

from sourcetrace.graph.risks import LIST
from sourcetrace.store import make_engine
from sourcetrace.tracing import ChainFiles, TraceOptions, trace_chain
from sourcetrace.workspace import entity_hash, record_decision
from sourcetrace.workspace.audit import entries, verify_decisions
from sourcetrace.workspace.risk_decisions import StoreDecisions, decide_source

ROOT = Path(__file__).resolve().parents[2]
CHAIN = ROOT / "examples/chain"
TIANSHAN = "Tianshan Fibre Holdings"
HUAFU = "HUAFU COLOR SPINNING"  # matches two listed Huafu spinners (UFLPA Entity List)


def test_the_newest_decision_per_name_and_entity(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        book = StoreDecisions(engine)
        common = {"entity_id": "uflpa-2f4a6eff3602", "entity_hash": "sha256:" + "1" * 64,
                  "username": "alice"}  # fmt: skip
        record_decision(engine, name=TIANSHAN, decision="unsure", comment="", **common)
        record_decision(engine, name="TIANSHAN  FIBRE HOLDINGS", decision="false_positive",
                        comment="not the group", **common)  # fmt: skip
        record_decision(engine, name=TIANSHAN, entity_id="signal:location",
                        entity_hash="sha256:" + "2" * 64, decision="escalated", comment="",
                        username="alice")  # fmt: skip
        found = book.decided(["tianshan fibre holdings", "Someone Else Ltd"])
        assert [(d.entity_id, d.decision, d.comment) for d in found] == [
            ("uflpa-2f4a6eff3602", "false_positive", "not the group")
        ]
        assert book.decided([]) == [] and book.decided(["Someone Else Ltd"]) == []
    finally:
        engine.dispose()


def test_a_risk_source_decided_through_the_api_reaches_the_trace(db_url: str) -> None:
    """decide_source (what the map page calls) stores one decision per listed entity the risk
    source rests on; trace_chain with the store's book leaves that risk source out."""
    chain = ChainFiles(CHAIN / "links.csv", CHAIN / "ownership.csv", CHAIN / "shipments.csv")
    options = TraceOptions(workers=1)
    engine = make_engine(db_url)
    try:
        before = trace_chain(chain, options, db=db_url, decisions=StoreDecisions(engine))
        assert before.dismissed == []
        (node,) = [n.id for n in before.graph.nodes if n.name == HUAFU]
        (source,) = [s for s in before.traced if s.node == node and s.kind == LIST]
        hits = [h for h in before.lists.matcher.match(HUAFU) if h.entity.id in source.provenance]
        assert len(hits) == 2  # the two listed Huafu spinners
        stored = decide_source(engine, 7, HUAFU, hits, decision="false_positive",
                               comment="a spinner in Zhejiang", username="bob")  # fmt: skip
        assert sorted((d.entity_id, d.entity_hash) for d in stored) == sorted(
            (h.entity.id, entity_hash(h.entity)) for h in hits
        )
        logged = [e for e in entries(engine, subject="chain:7") if e.action == "decision"]
        assert sorted(e.details["decision_id"] for e in logged) == sorted(d.id for d in stored)
        assert verify_decisions(engine) == []

        after = trace_chain(chain, options, db=db_url, decisions=StoreDecisions(engine))
        assert [(d.source, d.decisions[0].username) for d in after.dismissed] == [(source, "bob")]
        assert source not in after.traced and source in after.sources  # screened, then dismissed
        rested = before.tables.findings.filter(before.tables.findings["source"] == HUAFU)
        left = after.tables.findings.filter(after.tables.findings["source"] == HUAFU)
        assert set(rested["risk_kind"]) == {"list", "xinjiang_location"}
        assert set(left["risk_kind"]) == {"xinjiang_location"}
    finally:
        engine.dispose()
