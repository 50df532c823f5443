"""Supply chains in the workspace: upload, the map's JSON, downloads, roles, refused uploads."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from sourcetrace.cli import app as cli
from sourcetrace.graph.tables import READABLE_COLUMNS
from sourcetrace.web.app import create_app
from sourcetrace.web.config import load_web_config
from sourcetrace.web.state import HERE, AppState
from sourcetrace.workspace.accounts import add_user, create_api_key
from sourcetrace.workspace.audit import entries, verify_chain
from sourcetrace.workspace.chains import list_chains
from tests.web.conftest import PASSWORD, wait_for_job

ROOT = Path(__file__).resolve().parents[2]
HEADER = "buyer,supplier,product,hs_code,quantity,unit,date,evidence,basis,supplier_address,supplier_country,supplier_id\n"
# Cotton from a ginner in Aksu reaches a brand through a spinner in Jiangsu and a knitter in
# Dhaka. Invented parties, named as such companies are.
GINNER = "Aksu Tianrun Cotton Ginning Co. Ltd"
COTTON = HEADER + (
    "Northbridge Apparel Ltd,Dhaka Knitwear Ltd,t-shirts,6109.10,10000,pcs,2026-03-01,PO NB-1001,observed,\"Plot 7, Ashulia, Dhaka\",BD,\n"
    "Dhaka Knitwear Ltd,Jiangsu Hengyuan Spinning Co. Ltd,yarn,5205.12,3000,kg,2026-02-01,invoice HY-220,declared,\"18 Renmin Road, Nantong, Jiangsu\",CN,\n"
    f"Jiangsu Hengyuan Spinning Co. Ltd,{GINNER},cotton,5201.00,4000,kg,2026-01-05,bill of lading TR-88,observed,\"Aksu, Xinjiang\",CN,\n"
)  # fmt: skip


def _post(client: TestClient, token: str, **files: tuple[str, bytes]) -> Any:
    return client.post(
        "/chains",
        data={"csrf_token": token},
        files={role: (name, content, "application/octet-stream") for role, (name, content) in files.items()},
    )  # fmt: skip


def _traced(client: TestClient, token: str, **files: tuple[str, bytes]) -> int:
    """Upload a chain and wait for its trace job; returns the chain's id."""
    return _chain_of(_post(client, token, **files), client)


def _chain_of(response: Any, client: TestClient) -> int:
    """The upload answers with the trace job's page; the job, done, names the chain."""
    assert response.status_code == 303, response.text
    location = str(response.headers["location"])
    assert location.startswith("/jobs/")
    status = wait_for_job(client, location, timeout=120)
    assert status["status"] == "done" and status["kind"] == "trace", status
    return int(status["chain_url"].rsplit("/", 1)[1])


def _node(graph: dict[str, Any], label: str) -> dict[str, Any]:
    found: list[dict[str, Any]] = [
        n for n in graph["elements"]["nodes"] if n["data"]["label"] == label
    ]
    assert len(found) == 1, [n["data"]["label"] for n in graph["elements"]["nodes"]]
    return found[0]


def test_an_uploaded_chain_is_traced_and_its_risk_marked(
    client: TestClient, as_user: Callable[[str], str]
) -> None:
    token = as_user("analyst")
    chain_id = _traced(client, token, links=("cotton.csv", COTTON.encode()))

    response = client.get(f"/api/chains/{chain_id}/graph")
    assert response.status_code == 200
    graph = response.json()
    assert graph["name"] == "cotton.csv" and graph["products"] == ["cotton", "t-shirts", "yarn"]
    ginner = _node(graph, GINNER)
    assert ginner["data"]["risk"] == "xinjiang_location" and ginner["data"]["severity"] == "high"
    assert "risk-xinjiang_location" in ginner["classes"].split()
    assert ginner["data"]["addresses"] == ["Aksu, Xinjiang"]
    # The brand, three hops down, is reached by the ginner's risk along the links of the path.
    brand = _node(graph, "Northbridge Apparel Ltd")
    assert brand["data"]["exposure"] == "high" and "exposed-high" in brand["classes"].split()
    findings = {f["id"]: f for f in graph["findings"]}
    from_ginner = [
        findings[i]
        for i in brand["data"]["findings"]
        if findings[i]["source"] == ginner["data"]["id"] and findings[i]["kind"] == "xinjiang_location"
    ]  # fmt: skip
    assert len(from_ginner) == 1
    finding = from_ginner[0]
    assert finding["severity"] == "high" and finding["hops"] == 3 and finding["basis"] == "declared"
    assert finding["path"] == (
        f"{GINNER} > Jiangsu Hengyuan Spinning Co. Ltd > Dhaka Knitwear Ltd > Northbridge Apparel Ltd"
    )
    assert [s["evidence"] for s in finding["steps"]] == ["bill of lading TR-88", "invoice HY-220", "PO NB-1001"]  # fmt: skip
    assert [s["basis"] for s in finding["steps"]] == ["observed", "declared", "observed"]
    on_path = {e for s in finding["steps"] for e in s["edges"]}
    edges = {e["data"]["id"]: e for e in graph["elements"]["edges"]}
    assert len(on_path) == 3 and all(edges[e]["data"]["exposure"] == "high" for e in on_path)
    assert [edges[e]["data"]["source"] for s in finding["steps"] for e in s["edges"]] == finding["nodes"][:-1]  # fmt: skip

    # The page: the chain is listed, the map is fed from the API, the findings are in the table.
    assert f'href="/chains/{chain_id}"' in client.get("/chains").text
    page = client.get(f"/chains/{chain_id}")
    assert page.status_code == 200
    assert f'data-graph="/api/chains/{chain_id}/graph"' in page.text
    assert "bill of lading TR-88" in page.text and GINNER in page.text
    head = page.text.split("<body>")[0]
    assert "/static/vendor/cytoscape/cytoscape.min.js" in head and "http" not in head
    assert "<script>" not in page.text  # no inline script: the CSP would refuse it


def test_product_filter(client: TestClient, as_user: Callable[[str], str]) -> None:
    chain_id = _traced(client, as_user("analyst"), links=("cotton.csv", COTTON.encode()))
    whole = client.get(f"/api/chains/{chain_id}/graph").json()
    yarn = client.get(f"/api/chains/{chain_id}/graph", params={"product": "yarn"}).json()
    assert yarn["product"] == "yarn"
    assert 0 < len(yarn["findings"]) < len(whole["findings"])
    for f in yarn["findings"]:
        assert (
            f["product"] == "yarn"
            or any(s["product"] == "yarn" for s in f["steps"])
            or not f["steps"]
        )
    # Ids stay those of the whole chain, so the table and the map agree under any filter.
    by_id = {f["id"]: f for f in whole["findings"]}
    assert all(by_id[f["id"]] == f for f in yarn["findings"])
    kinds = {e["data"]["product"] for e in yarn["elements"]["edges"]}
    assert "yarn" in kinds and "t-shirts" in kinds  # the yarn's way down to the brand
    page = client.get(f"/chains/{chain_id}", params={"product": "yarn"})
    assert f'data-graph="/api/chains/{chain_id}/graph?product=yarn"' in page.text
    assert client.get(f"/api/chains/{chain_id}/graph", params={"product": "tea"}).status_code == 404


def test_example_chain_is_traced_as_the_command_traces_it(
    client: TestClient,
    as_user: Callable[[str], str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    token = as_user("analyst")
    example = ROOT / "examples" / "chain"
    roles = ("links", "ownership", "shipments")
    files = {role: (f"{role}.csv", (example / f"{role}.csv").read_bytes()) for role in roles}
    chain_id = _traced(client, token, **files)
    # `sourcetrace trace` on the same files (named alike: evidence may cite a file's row).
    monkeypatch.chdir(example)
    out = tmp_path / "findings.csv"
    args = ["trace", "links.csv", "--ownership", "ownership.csv", "--shipments", "shipments.csv"]
    ran = CliRunner().invoke(cli, [*args, "--output", str(out), "--quiet"])
    assert ran.exit_code == 0, ran.output
    expected = out.read_text("utf-8-sig")

    found = client.get(f"/chains/{chain_id}/findings.csv")
    assert found.headers["content-type"].startswith("text/csv")
    assert found.text.startswith("\ufeff") and found.text[1:] == expected
    rows = list(csv.DictReader(io.StringIO(expected)))
    assert tuple(rows[0]) == READABLE_COLUMNS
    # The map shows the findings of the findings table (issue 17: one per party, product and
    # risk source), one for one.
    tables = tmp_path / "findings.parquet"
    ran = CliRunner().invoke(cli, [*args, "--output", str(tables), "--quiet"])
    assert ran.exit_code == 0, ran.output
    table = pl.read_parquet(tables)
    graph = client.get(f"/api/chains/{chain_id}/graph").json()
    shown = sorted((f["node"], f["product"], f["risk"], f["hops"]) for f in graph["findings"])
    assert shown == sorted(
        (r["party"], r["product"], f"{r['risk_kind']}: {r['risk']}", r["hops"])
        for r in table.iter_rows(named=True)
    )
    assert _node(graph, "HUAFU COLOR SPINNING")["data"]["risk"] == "list"
    owns = [e for e in graph["elements"]["edges"] if e["data"]["kind"] == "owns"]
    assert sorted(e["data"]["share"] for e in owns) == [30.0, 70.0]

    graphml = client.get(f"/chains/{chain_id}/chain.graphml")
    assert "attachment" in graphml.headers["content-disposition"]
    assert graphml.text.startswith("<?xml") and "华孚色纺" in graphml.text
    cytoscape = client.get(f"/chains/{chain_id}/chain.cytoscape.json").json()
    assert len(cytoscape["elements"]["nodes"]) == len(graph["elements"]["nodes"]) == 9


def test_chains_survive_a_restart(
    app: FastAPI, client: TestClient, as_user: Callable[[str], str], tmp_path: Path
) -> None:
    chain_id = _traced(client, as_user("analyst"), links=("cotton.csv", COTTON.encode()))
    st: AppState = app.state.sourcetrace
    again = create_app(str(st.engine.url), config=load_web_config(max_upload_bytes=200_000))
    with TestClient(again) as other:
        other.cookies.update(client.cookies)
        graph = other.get(f"/api/chains/{chain_id}/graph").json()
    assert _node(graph, GINNER)["data"]["risk"] == "xinjiang_location"
    created = [e for e in entries(st.engine) if e.action == "chain.create"]
    assert [e.subject for e in created] == [f"chain:{chain_id}"]
    assert created[0].actor == "analyst"


def test_roles(client: TestClient, as_user: Callable[[str], str], st: AppState) -> None:
    chain_id = _traced(client, as_user("analyst"), links=("cotton.csv", COTTON.encode()))
    token = as_user("viewer")
    page = client.get("/chains")
    assert page.status_code == 200 and 'action="/chains"' not in page.text  # no upload form
    for url in (
        f"/chains/{chain_id}",
        f"/api/chains/{chain_id}/graph",
        f"/chains/{chain_id}/findings.csv",
        f"/chains/{chain_id}/chain.graphml",
        f"/chains/{chain_id}/chain.cytoscape.json",
    ):
        assert client.get(url).status_code == 200, url
    refused = _post(client, token, links=("cotton.csv", COTTON.encode()))
    assert refused.status_code == 403
    token = as_user("admin")
    assert _traced(client, token, links=("cotton.csv", COTTON.encode())) == chain_id + 1
    client.cookies.clear()
    assert client.get(f"/api/chains/{chain_id}/graph").status_code == 401
    # Scripts read the map's data with a viewer's API key.
    key = create_api_key(st.engine, "viewer", "map export", actor="admin")
    by_key = client.get(f"/api/chains/{chain_id}/graph", headers={"Authorization": f"ApiKey {key}"})
    assert by_key.status_code == 200 and by_key.json()["id"] == chain_id
    assert client.get(f"/chains/{chain_id}").headers["location"].startswith("/login")


def test_a_chain_is_deleted_by_its_uploader_or_an_admin_and_the_audit_says_so(
    client: TestClient, as_user: Callable[[str], str], st: AppState
) -> None:
    add_user(st.engine, "analyst2", "analyst", PASSWORD)
    mine = _traced(client, as_user("analyst"), links=("cotton.csv", COTTON.encode()))
    theirs = _traced(client, as_user("analyst2"), links=("other.csv", COTTON.encode()))
    # Only the uploader and admins see the form; the others are refused if they post anyway.
    token = as_user("analyst")
    assert f'action="/chains/{mine}/delete"' in client.get(f"/chains/{mine}").text
    assert "/delete" not in client.get(f"/chains/{theirs}").text
    refused = client.post(f"/chains/{theirs}/delete", data={"csrf_token": token})
    assert refused.status_code == 403
    assert client.post(f"/chains/{mine}/delete", data={"csrf_token": "forged"}).status_code == 403
    token = as_user("viewer")
    assert "/delete" not in client.get(f"/chains/{mine}").text
    assert client.post(f"/chains/{mine}/delete", data={"csrf_token": token}).status_code == 403
    assert [c.id for c in list_chains(st.engine)] == [theirs, mine]  # nothing deleted yet

    token = as_user("analyst")
    done = client.post(f"/chains/{mine}/delete", data={"csrf_token": token})
    assert done.status_code == 303 and done.headers["location"] == "/chains"
    for url in (f"/chains/{mine}", f"/api/chains/{mine}/graph", f"/chains/{mine}/findings.csv"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/chains/{mine}/delete", data={"csrf_token": token}).status_code == 404
    token = as_user("admin")
    assert f'action="/chains/{theirs}/delete"' in client.get(f"/chains/{theirs}").text
    assert client.post(f"/chains/{theirs}/delete", data={"csrf_token": token}).status_code == 303
    assert list_chains(st.engine) == []

    deleted = [e for e in entries(st.engine) if e.action == "chain.delete"]
    assert [(e.actor, e.subject) for e in deleted] == [
        ("analyst", f"chain:{mine}"), ("admin", f"chain:{theirs}"),
    ]  # fmt: skip
    assert deleted[1].details["created_by"] == "analyst2"
    assert deleted[1].details["files"][0]["filename"] == "other.csv"
    assert verify_chain(st.engine) is None  # the log still verifies


def test_refused_uploads_say_why_and_store_nothing(
    client: TestClient, as_user: Callable[[str], str], st: AppState
) -> None:
    token = as_user("analyst")
    cases = [
        ({"links": ("links.pdf", b"%PDF-1.7")}, 400, "links.pdf: unknown file type &#39;.pdf&#39;"),
        ({"links": ("links.csv", b"buyer,supplier\nA,B\n")}, 400,
         "links.csv, column &#39;product&#39;: required column missing"),
        ({"links": ("links.csv", COTTON.replace("observed", "maybe").encode())}, 400,
         "links.csv, row 1, column &#39;basis&#39;: basis is &#39;maybe&#39;"),
        ({"links": ("links.xlsx", b"not a workbook")}, 400, "links.xlsx"),
        ({"links": ("links.csv", b"")}, 400, "links.csv: the file is empty"),
        ({"links": ("links.csv", b"x" * 200_001)}, 400, "larger than the limit of 0.2 MB"),
        ({"links": ("links.csv", COTTON.encode()), "ownership": ("own.csv", b"owner,owned\nA,B\n")},
         400, "own.csv, column &#39;share&#39;: required column missing"),
        ({"ownership": ("own.csv", b"owner,owned,share,evidence\n")}, 400,
         "Choose a supply-links file"),
    ]  # fmt: skip
    for files, status, message in cases:
        response = _post(client, token, **files)
        assert response.status_code == status, (files.keys(), response.text)
        assert message in response.text, (message, response.text)
        assert "Nothing was stored." in response.text or "nothing was stored" in response.text
    missing_token = client.post("/chains", files={"links": ("links.csv", COTTON.encode())})
    assert missing_token.status_code == 403
    assert list_chains(st.engine) == []
    assert "No supply chains yet" in client.get("/chains").text
    assert not [e for e in entries(st.engine) if e.action == "chain.create"]


def test_names_are_shown_as_text_and_exported_defused(
    client: TestClient, as_user: Callable[[str], str]
) -> None:
    evil = "<script>alert(1)</script> Trading Ltd"
    links = HEADER + (
        f"Northbridge Apparel Ltd,{evil},yarn,5205.12,10,kg,2026-01-01,<b>invoice</b>,observed,,CN,\n"
        f"{evil},=HYPERLINK(\"http://x\"),cotton,5201.00,10,kg,2025-12-01,note,observed,\"Hotan, Xinjiang\",CN,\n"
    )  # fmt: skip
    chain_id = _traced(client, as_user("analyst"), links=("<i>links.csv", links.encode()))
    page = client.get(f"/chains/{chain_id}").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Trading Ltd" in page
    assert "<script>alert" not in page and "<b>invoice" not in page and "<i>links" not in page
    assert "&lt;i&gt;links.csv" in client.get("/chains").text

    response = client.get(f"/api/chains/{chain_id}/graph")
    assert response.headers["content-type"] == "application/json"
    graph = json.loads(response.text)
    assert _node(graph, evil)["data"]["label"] == evil  # data, for the page to show as text
    found = client.get(f"/chains/{chain_id}/findings.csv").text.lstrip("\ufeff")
    cells = [c for row in csv.reader(io.StringIO(found)) for c in row]
    assert any(c.startswith("'=HYPERLINK") for c in cells)
    assert not any(c.startswith(("=", "+", "@")) for c in cells)


def test_graph_api_is_documented(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    route = spec["paths"]["/api/chains/{chain_id}/graph"]["get"]
    assert route["tags"] == ["Supply chains"]
    assert route["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ChainGraph"
    }
    assert {"elements", "findings", "products"} <= set(spec["components"]["schemas"]["ChainGraph"]["properties"])  # fmt: skip
    assert not any(path.startswith("/chains") for path in spec["paths"])  # pages stay out


def test_vendored_cytoscape_is_served_and_shipped(client: TestClient) -> None:
    vendor = HERE / "static" / "vendor" / "cytoscape"
    readme = (vendor / "README.md").read_text("utf-8")
    assert "cytoscape@3." in readme and "MIT" in readme
    assert "MIT" in (vendor / "LICENSE").read_text("utf-8") or "Permission is hereby granted" in (
        vendor / "LICENSE"
    ).read_text("utf-8")
    served = client.get("/static/vendor/cytoscape/cytoscape.min.js")
    assert (
        served.status_code == 200 and served.content == (vendor / "cytoscape.min.js").read_bytes()
    )
    # Every file the pages use is package data, so that an installed sourcetrace has it too.
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"][
        "package-data"
    ]["sourcetrace"]
    package = HERE.parent
    shipped = {path for pattern in patterns for path in package.glob(pattern)}
    for path in [*(HERE / "static").rglob("*"), *(HERE / "templates").rglob("*")]:
        if path.is_file():
            assert path in shipped, path.relative_to(package)


SEAFOOD = (
    "buyer,supplier,product,hs_code,quantity,unit,date,evidence,basis\n"
    "Pacific Seafood Processing Co,Da Wang,frozen tuna,030342,120,t,2024-03-02,bill of lading DW-031,observed\n"
    "Harbour Foods Ltd,Pacific Seafood Processing Co,canned tuna,160414,90,t,2024-04-10,PO HF-7781,declared\n"
)  # fmt: skip


def test_the_map_screens_against_the_lists_in_force_in_the_store(
    client: TestClient, as_user: Callable[[str], str], st: AppState
) -> None:
    """As `sourcetrace trace` does: CBP's list imported into the workspace's store replaces the
    bundled snapshot (which names the vessel "Fishing Vessel: Da Wang")."""
    token = as_user("analyst")
    before = client.get(
        f"/api/chains/{_traced(client, token, links=('tuna.csv', SEAFOOD.encode()))}/graph"
    )
    bundled = _node(before.json(), "Da Wang")["data"]
    assert bundled["risk"] == "cbp_wro" and "(version v1 " not in bundled["risks"][0]["provenance"]
    csv_path = ROOT / "tests/fixtures/lists/withhold-release-orders-findings.csv"
    url = st.engine.url.render_as_string(hide_password=False)
    done = CliRunner().invoke(
        cli, ["lists", "import", str(csv_path), "--format", "cbp-wro-csv", "--db", url]
    )
    assert done.exit_code == 0, done.output

    chain_id = _traced(client, token, links=("tuna.csv", SEAFOOD.encode()))
    graph = client.get(f"/api/chains/{chain_id}/graph").json()
    vessel = _node(graph, "Da Wang")["data"]
    assert vessel["risk"] == "cbp_wro" and vessel["severity"] == "high"
    assert vessel["risks"][0]["detail"].endswith("merchandise: Seafood")  # the stored order's
    assert "(version v1 " in vessel["risks"][0]["provenance"]
    assert _node(graph, "Harbour Foods Ltd")["data"]["exposure"] == "high"
    (chain,) = [c for c in list_chains(st.engine) if c.id == chain_id]
    names = [x["name"] for x in chain.lists]
    assert "us_cbp_forced_labor" in names and "cbp_wro" not in names


def test_a_links_date_file_row_and_other_columns_reach_the_map(
    client: TestClient, as_user: Callable[[str], str]
) -> None:
    token = as_user("analyst")
    header, *rows = COTTON.splitlines()
    with_po = "\n".join([f"{header},PO Number", f"{rows[0]},NB-1001", *(f"{r}," for r in rows[1:])])
    chain_id = _traced(client, token, links=("cotton.csv", with_po.encode()))
    graph = client.get(f"/api/chains/{chain_id}/graph").json()
    links = [e["data"] for e in graph["elements"]["edges"]]
    assert [(d["date"], d["read_from"]) for d in links] == [
        ("2026-03-01", "cotton.csv row 1"), ("2026-02-01", "cotton.csv row 2"),
        ("2026-01-05", "cotton.csv row 3"),
    ]  # fmt: skip
    assert [d["extra"] for d in links] == [{"PO Number": "NB-1001"}, {}, {}]


def _sourcetrace(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sourcetrace", *args], capture_output=True, text=True, check=False
    )


def test_a_chain_uploaded_on_the_web_is_traced_by_the_command_and_deleted_whole(
    client: TestClient, as_user: Callable[[str], str], st: AppState, tmp_path: Path
) -> None:
    token = as_user("analyst")
    first = _traced(client, token, links=("cotton.csv", COTTON.encode()))
    second = _traced(client, token, links=("cotton.csv", COTTON.encode()))
    assert "sourcetrace trace --graph" in client.get(f"/chains/{first}").text
    db = st.engine.url.render_as_string(hide_password=False)
    listed = _sourcetrace("graph", "list", "--db", db)
    assert listed.returncode == 0 and "cotton.csv (2)" in listed.stdout, listed.stderr
    out = tmp_path / "findings.csv"
    done = _sourcetrace("trace", "--graph", "cotton.csv", "-o", str(out), "--db", db, "-q")
    assert done.returncode == 0, done.stderr
    from_cli = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    from_web = list(csv.DictReader(io.StringIO(
        client.get(f"/chains/{first}/findings.csv").text.lstrip("\ufeff")
    )))  # fmt: skip
    assert [r["path"] for r in from_cli] == [r["path"] for r in from_web]
    assert any(r["path"].startswith(GINNER) and r["party"] == "Northbridge Apparel Ltd"
               for r in from_cli)  # fmt: skip
    # Deleting the chain in the workspace removes its saved graph too; the other stays.
    assert client.post(f"/chains/{first}/delete", data={"csrf_token": token}).status_code == 303
    gone = _sourcetrace("trace", "--graph", "cotton.csv", "-o", str(out), "--db", db, "-q")
    assert gone.returncode == 2 and "no graph named 'cotton.csv'" in gone.stderr
    assert "cotton.csv (2)" in gone.stderr and [c.id for c in list_chains(st.engine)] == [second]


def test_a_graph_saved_by_the_command_is_mapped_on_the_web(
    client: TestClient, as_user: Callable[[str], str], st: AppState, tmp_path: Path
) -> None:
    links = tmp_path / "cotton.csv"
    links.write_text(COTTON, encoding="utf-8")
    db = st.engine.url.render_as_string(hide_password=False)
    out = tmp_path / "findings.csv"
    saved = _sourcetrace("trace", str(links), "-o", str(out), "--save", "q1 cotton", "--db", db,
                         "-q")  # fmt: skip
    assert saved.returncode == 0, saved.stderr
    token = as_user("viewer")
    page = client.get("/chains").text
    assert "q1 cotton" in page and 'action="/chains/graph"' not in page  # a viewer cannot map
    token = as_user("analyst")
    assert 'action="/chains/graph"' in client.get("/chains").text
    refused = client.post("/chains/graph", data={"csrf_token": token, "name": "no such"})
    assert refused.status_code == 400 and "no graph named" in refused.text
    response = client.post("/chains/graph", data={"csrf_token": token, "name": "q1 cotton"})
    chain_id = _chain_of(response, client)
    graph = client.get(f"/api/chains/{chain_id}/graph").json()
    assert graph["name"] == "q1 cotton"
    assert _node(graph, GINNER)["data"]["risk"] == "xinjiang_location"
    assert _node(graph, "Northbridge Apparel Ltd")["data"]["exposure"] == "high"
    # The map's findings are the command's.
    from_cli = [r["path"] for r in csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig")))]
    from_web = client.get(f"/chains/{chain_id}/findings.csv").text.lstrip("\ufeff")
    assert [r["path"] for r in csv.DictReader(io.StringIO(from_web))] == from_cli
    # Mapped now: no longer offered, and the audit log says who traced it.
    assert 'name="name" value="q1 cotton"' not in client.get("/chains").text
    created = [e for e in entries(st.engine) if e.action == "chain.create"]
    assert created[-1].details["graph"] == "q1 cotton" and created[-1].actor == "analyst"
    assert verify_chain(st.engine) is None
