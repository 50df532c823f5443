"""The PDF report as its reader pages through it: "page N of M", a running header and contents.

The PDF is printed through HTTP from a real job (examples/suppliers.csv, decided) and read back
with pypdf: every page must carry its number, the total and the header naming the job, the file,
the date and the lists with their versions; each entry of the contents must name the page on
which that section's title stands.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from sourcetrace.web.pdf import printer_missing

pypdf = pytest.importorskip("pypdf")
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "suppliers.csv"
SECTIONS = ("Lists used", "Hits, signals and decisions", "Sources", "Audit trail of this job")


def _pages(pdf: bytes) -> list[str]:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return [re.sub(r"[ \t]+", " ", page.extract_text() or "") for page in reader.pages]


def test_pdf_pages_carry_numbers_header_and_contents(
    client: TestClient, as_user: Callable[[str], str], tools: Any
) -> None:
    if printer_missing() is not None:
        pytest.skip(str(printer_missing()))
    token = as_user("analyst")
    job = tools.screened(client, token, "suppliers.csv", EXAMPLE.read_bytes())
    queue = client.get(f"{job}/review").text
    first = re.search(r'action="(/jobs/\d+/rows/\d+/decision)" class="decide">', queue)
    assert first, "nothing to decide in the queue"
    decided = client.post(
        first.group(1),
        data={"decision": "confirmed", "comment": "same address", "csrf_token": token},
    )
    assert decided.status_code == 303, decided.text
    job_id = job.rstrip("/").rsplit("/", 1)[1]
    # The lists the job was screened with, as its page's footer names them: "uflpa 2026-08-10".
    footer = client.get(job).text.rsplit("<footer>", 1)[1]
    lists = re.findall(r"([a-z_]+) (\d{4}-\d{2}-\d{2})", footer)
    assert lists, footer
    response = client.get(f"{job}/report.pdf")
    assert response.status_code == 200, response.text
    pages = _pages(response.content)
    total = len(pages)
    assert total >= 3, f"the example's report should run over several pages, got {total}"
    for number, text in enumerate(pages, start=1):
        assert tools.leaks(text) == [], number  # no repr, raw timestamp or None in print
        assert f"page {number} of {total}" in text, (number, text[-300:])
        flat = " ".join(text.split())
        assert f"Job #{job_id} · suppliers.csv · screened " in flat, (number, flat[:300])
        # The header names every list of the job with its version, on every page.
        for name, version in lists:
            assert f"{name} {version}" in flat, (number, name)
    # The contents sit on the first page: "<title> ... page N", N the page the title starts on.
    contents = " ".join(pages[0].split())
    starts: dict[str, int] = {}
    for title in SECTIONS:
        found = re.search(re.escape(title) + r"[ .]*page (\d+)", contents)
        assert found, (title, contents[:600])
        target = int(found.group(1))
        assert 1 <= target <= total, (title, target)
        # The title stands as a line of its own (the contents' line ends in its page number)
        # first on the page the contents name: the section starts where they say.
        on = [
            n
            for n, text in enumerate(pages, start=1)
            if title in [line.strip() for line in text.splitlines()]
        ]
        assert on and on[0] == target, (title, target, on)
        starts[title] = target
    # The example runs long enough that the last sections are not on the first page.
    assert starts["Audit trail of this job"] > 1, starts
