"""Every page and document an analyst hands on, read as its reader sees it: no Python internals.

The jobs list, the job page, the HTML report and the evidence pack's report once printed
``clear <built-in method clear of dict object at 0x...>`` where the count of clear rows belongs.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

# What only a program's internals look like, never a document's text.
LEAKS = re.compile(
    r"<built-in method|<bound method|<function |object at 0x|Undefined|\{\{|\}\}|\{%|"
    r"Traceback \(most recent call last\)"
)


def _leaks(text: str) -> list[str]:
    return [m.group(0) for m in LEAKS.finditer(text)]


def test_pages_report_and_pack_show_counts_not_python(
    client: TestClient, as_user: Callable[[str], str], suppliers: bytes, tools: Any
) -> None:
    token = as_user("analyst")
    job = tools.screened(client, token, "suppliers.csv", suppliers)
    state = tools.wait_for_job(client, job)
    pages = {
        "jobs list": client.get("/jobs").text,
        "job page": client.get(job).text,
        "report": client.get(f"{job}/report").text,
    }
    with zipfile.ZipFile(io.BytesIO(client.get(f"{job}/evidence.zip").content)) as zf:
        report = next(n for n in zf.namelist() if n.endswith("report.html"))
        pages["evidence pack report"] = zf.read(report).decode("utf-8")
    counts = state.get("counts") or {}
    assert set(counts) >= {"match", "review", "clear"}, state
    for where, html in pages.items():
        assert _leaks(html) == [], where
    for where in ("job page", "report", "evidence pack report"):
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", pages[where]))
        assert f"clear {counts['clear']}" in text, where
        assert f"match {counts['match']}" in text, where
