"""``sourcetrace graph export``: GraphML, Cytoscape JSON and FtM of the example chain."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from sourcetrace.graph.build import build
from sourcetrace.graph.export import export
from tests.graph.chains import files_with_other_columns

CHAIN = Path(__file__).resolve().parents[2] / "examples/chain"


@pytest.fixture(scope="module")
def graph():  # type: ignore[no-untyped-def]
    return build(CHAIN / "links.csv", CHAIN / "ownership.csv", CHAIN / "shipments.csv").graph


def test_graphml_has_every_party_and_edge(graph) -> None:  # type: ignore[no-untyped-def]
    root = ET.fromstring(export(graph, "graphml"))
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    assert len(root.findall(".//g:node", ns)) == len(graph.nodes)
    assert len(root.findall(".//g:edge", ns)) == len(graph.links) + len(graph.ownership)


def test_cytoscape_edges_point_at_nodes(graph) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(export(graph, "cytoscape"))["elements"]
    ids = {n["data"]["id"] for n in data["nodes"]}
    assert all(e["data"]["source"] in ids and e["data"]["target"] in ids for e in data["edges"])
    owns = [e for e in data["edges"] if e["data"]["kind"] == "owns"]
    assert {e["data"]["share"] for e in owns} == {o.share for o in graph.ownership}


def test_ftm_export_is_valid_followthemoney(graph) -> None:  # type: ignore[no-untyped-def]
    from followthemoney import model

    lines = [json.loads(x) for x in export(graph, "ftm").splitlines()]
    for data in lines:
        entity = model.get_proxy(data)
        assert entity.schema.name in ("Company", "Ownership", "UnknownLink")
    assert sum(1 for x in lines if x["schema"] == "Company") == len(graph.nodes)


def test_cli_writes_the_file(tmp_path: Path) -> None:
    out = tmp_path / "chain.graphml"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "sourcetrace",
            "graph",
            "export",
            str(CHAIN / "links.csv"),
            "--ownership",
            str(CHAIN / "ownership.csv"),
            "-o",
            str(out),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert out.read_text(encoding="utf-8").startswith("<?xml")


def test_other_columns_go_with_their_edges(tmp_path: Path) -> None:
    from followthemoney import model

    links, ownership, shipments = files_with_other_columns(tmp_path)
    g = build(links, ownership, shipments).graph
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    root = ET.fromstring(export(g, "graphml"))
    names = {k.get("id"): k.get("attr.name") for k in root.findall("g:key", ns)}
    assert {"PO Number", "站点", "filing", "bill_of_lading"} <= set(names.values())
    edges = {
        e.get("id"): {names[d.get("key")]: d.text for d in e.findall("g:data", ns)}
        for e in root.findall(".//g:edge", ns)
    }
    assert edges["link-0"]["PO Number"] == "NW-2026-031" and edges["link-0"]["站点"] == "达卡"
    assert edges["link-0"]["date"] == "2026-03-02"
    assert edges["link-0"]["read_from"] == f"{links} row 1"
    assert edges["own-0"]["read_from"] == f"{ownership} row 1"
    assert "PO Number" not in edges["link-1"]  # an empty cell says nothing
    assert edges["link-2"]["bill_of_lading"] == "COSU6291875430"
    assert edges["own-0"]["filing"] == "SAMR 2026-02"

    data = json.loads(export(g, "cytoscape"))["elements"]["edges"]
    by_id = {e["data"]["id"]: e["data"] for e in data}
    assert by_id["link-0"]["extra"] == {"PO Number": "NW-2026-031", "站点": "达卡"}
    assert "extra" not in by_id["link-1"] and by_id["own-0"]["extra"] == {"filing": "SAMR 2026-02"}

    lines = {x["id"]: x for x in map(json.loads, export(g, "ftm").splitlines())}
    assert lines["link-0"]["properties"]["description"] == ["PO Number: NW-2026-031; 站点: 达卡"]
    assert lines["link-0"]["properties"]["date"] == ["2026-03-02"]
    assert lines["link-2"]["properties"]["recordId"] == [f"{shipments} row 1"]
    assert lines["own-0"]["properties"]["description"] == ["filing: SAMR 2026-02"]
    assert "description" not in lines["link-1"]["properties"]
    for data in lines.values():
        model.get_proxy(data)  # still valid FollowTheMoney


def test_export_reads_the_findings_tables_the_trace_wrote(tmp_path: Path) -> None:
    """Issue 17: `graph export --findings` reads the same tables as the map: each party's
    exposure and each link's findings, from `trace -o NAME.parquet`."""
    files = [str(CHAIN / "links.csv"), "--ownership", str(CHAIN / "ownership.csv")]
    found = tmp_path / "findings.parquet"

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "sourcetrace", *args],
                              capture_output=True, text=True, check=False)  # fmt: skip

    traced = run("trace", *files, "-o", str(found), "-q", "--no-store-lists",
                 "--db", str(tmp_path / "store.db"))  # fmt: skip
    assert traced.returncode == 0, traced.stderr
    out = tmp_path / "chain.json"
    done = run("graph", "export", *files, "-f", "cytoscape", "--findings", str(found),
               "-o", str(out))  # fmt: skip
    assert done.returncode == 0, done.stderr
    elements = json.loads(out.read_text(encoding="utf-8"))["elements"]
    party = {n["data"]["label"]: n["data"] for n in elements["nodes"]}
    assert party["Northwind Outfitters Ltd"]["exposure"] == "high"
    assert "apparel" in party["Northwind Outfitters Ltd"]["sectors"]
    assert party["HUAFU COLOR SPINNING"]["findings"] >= 1
    name = {n["data"]["id"]: n["data"]["label"] for n in elements["nodes"]}
    along = {(name[e["data"]["source"]], name[e["data"]["target"]], e["data"].get("product", "")):
             e["data"]["findings"] for e in elements["edges"]}  # fmt: skip
    assert along[("HUAFU COLOR SPINNING", "Meridian Knitting Co. Ltd", "yarn")] > 0
    assert along[("Tianshan Fibre Holdings", "Coastline Yarn Trading Co", "")] > 0  # the 70 %
    assert along[("Tianshan Fibre Holdings", "Eastbay Apparel Co", "")] == 0  # the 30 %
    # the returned garments carry no finding
    assert along[("Northwind Outfitters Ltd", "Harbour Garments Ltd", "returned garments")] == 0
    # without the tables' siblings: one line naming the file, exit 2, nothing written
    found.with_name("findings.hops.parquet").unlink()
    again = tmp_path / "again.json"
    bad = run("graph", "export", *files, "--findings", str(found), "-o", str(again))
    assert bad.returncode == 2 and "findings.hops.parquet" in bad.stderr
    assert not again.exists()
