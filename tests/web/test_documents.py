"""Every page and document an analyst hands on, read as its reader sees it: no Python internals.

The jobs list, the job page, the HTML report and the evidence pack's report once printed
``clear <built-in method clear of dict object at 0x...>`` where the count of clear rows belongs;
pages printed ISO timestamps to the microsecond, the audit log Python dicts, and empty values as
``None``.
"""

from __future__ import annotations

import html
import io
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

LISTS = Path(__file__).resolve().parents[1] / "fixtures" / "lists"
CHAIN = Path(__file__).resolve().parents[2] / "examples" / "chain"


def test_the_checks_catch_what_they_are_for(tools: Any) -> None:
    _leaks = tools.leaks
    assert _leaks("<td>2026-12-06T23:05:12.123456Z</td>")
    assert _leaks("<td>2026-12-06 23:05:12.123456+00:00</td>")
    assert _leaks("<td>None</td>") and _leaks('<td class="x"> None </td>')
    assert _leaks("<div>{&#39;match&#39;: 2}</div>")
    assert _leaks("counts [{'name': 'uflpa'}]")
    assert not _leaks("<td>6 Dec 2026, 23:05 UTC</td><td>None of the rows</td>")


def _import_lists(url: str) -> None:
    """Two versions of the UFLPA Entity List into the app's store, by the installed command."""
    exe = Path(sys.executable).parent / "sourcetrace"
    command = str(exe) if exe.exists() else shutil.which("sourcetrace")
    assert command
    for name in ("uflpa_entity_list_v1.html", "uflpa_entity_list_v2.html"):
        args = [command, "lists", "import", str(LISTS / name), "-f", "uflpa-html", "--db", url]
        done = subprocess.run(args, capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr


def test_pages_report_and_pack_show_counts_not_python(
    client: TestClient, as_user: Callable[[str], str], suppliers: bytes, tools: Any, st: Any
) -> None:
    _import_lists(st.engine.url.render_as_string(hide_password=False))
    token = as_user("analyst")
    job = tools.screened(client, token, "suppliers.csv", suppliers)
    state = tools.wait_for_job(client, job)
    queue = client.get(f"{job}/review").text
    row = re.search(
        r'action="(/jobs/\d+/rows/\d+/decision)" class="decide">.*?name="kind" value="(\w+)"',
        queue,
        re.DOTALL,
    )
    assert row, "nothing to decide in the queue"
    decided = client.post(
        row.group(1),
        data={
            "csrf_token": token, "kind": row.group(2), "decision": "unsure",
            "comment": "ask the supplier",
        },
    )  # fmt: skip
    assert decided.status_code == 303
    search = client.get("/search", params={"q": "新疆中泰化学股份有限公司"}).text
    entity = re.search(r'href="(/entities/[^"]+)"', search)
    assert entity, "the search found no listed entity"
    lists = client.get("/lists").text
    diff = re.search(r'href="(/lists/diff\?[^"]+)"', lists)
    assert diff, "no link to the changes between the two imported versions"
    roles = ("links", "ownership", "shipments")
    traced = client.post(
        "/chains",
        data={"csrf_token": token},
        files={r: (f"{r}.csv", (CHAIN / f"{r}.csv").read_bytes(), "text/csv") for r in roles},
    )
    assert traced.status_code == 303, traced.text
    trace_job = str(traced.headers["location"])  # the chain is traced in the background
    chain = tools.wait_for_job(client, trace_job, 120)["chain_url"]
    pages = {
        "supply chains": client.get("/chains").text,
        "trace job page": client.get(trace_job).text,
        "supply chain": client.get(chain).text,
        "jobs list": client.get("/jobs").text,
        "job page": client.get(job).text,
        "review queue": client.get(f"{job}/review?show=all").text,
        "alert queue": client.get("/alerts?state=all").text,
        "report": client.get(f"{job}/report").text,
        "search": search,
        "entity page": client.get(entity.group(1)).text,
        "lists": lists,
        "a bundled list": client.get("/lists/cbp_wro").text,
        "an imported list": client.get("/lists/us_dhs_uflpa").text,
        "list changes": client.get(html.unescape(diff.group(1))).text,
    }
    with zipfile.ZipFile(io.BytesIO(client.get(f"{job}/evidence.zip").content)) as zf:
        report = next(n for n in zf.namelist() if n.endswith("report.html"))
        pages["evidence pack report"] = zf.read(report).decode("utf-8")
    as_user("admin")
    pages["audit log"] = client.get("/admin/audit").text
    pages["users"] = client.get("/admin/users").text
    counts = state.get("counts") or {}
    assert set(counts) >= {"match", "review", "clear"}, state
    for where, page in pages.items():
        assert tools.leaks(page) == [], where
    # The audit log reads as text: the job's counts and lists, not the dicts they are stored as.
    audit = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", pages["audit log"]))
    assert f"match {counts['match']:,}, review {counts['review']:,}" in audit
    for where in ("job page", "report", "evidence pack report"):
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", pages[where]))
        assert f"clear {counts['clear']:,}" in text, where
        assert f"match {counts['match']:,}" in text, where
    for where in ("report", "evidence pack report"):
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", pages[where]))
        # How old each list's snapshot was when the file was screened, for the auditor.
        assert re.search(r"cbp_wro 2026-06-23 [\d,]+ days? 61 ", text), where
