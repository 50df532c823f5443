"""Nothing of the analyst's file is lost: its own columns in the results, the file itself in
the evidence pack."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

from tests.web.test_review_signals import SIGNAL_SUPPLIERS


def test_results_keep_input_columns_and_pack_holds_the_file(
    client: TestClient, as_user: Callable[[str], str], tools: Any
) -> None:
    token = as_user("analyst")
    job_url = tools.screened(client, token, "my suppliers.csv", SIGNAL_SUPPLIERS)
    text = client.get(f"{job_url}/results.csv").text.lstrip("\ufeff")
    reader = csv.DictReader(io.StringIO(text))
    header = list(reader.fieldnames or [])
    # The contract columns first, then the file's own ones.
    assert header[:2] == ["row", "name"] and header[-2:] == ["tier", "po"]
    rows = list(reader)
    assert [r["po"] for r in rows] == ["PO-1001", "PO-1002", "PO-1003"]
    assert [r["tier"] for r in rows] == ["2", "1", "1"]

    pack = zipfile.ZipFile(io.BytesIO(client.get(f"{job_url}/evidence.zip").content))
    names = pack.namelist()
    job_id = job_url.rsplit("/", 1)[1]
    uploaded = f"sourcetrace-job-{job_id}/uploaded/my suppliers.csv"
    assert uploaded in names
    assert pack.read(uploaded) == SIGNAL_SUPPLIERS
    sums = pack.read(f"sourcetrace-job-{job_id}/SHA256SUMS").decode()
    assert "uploaded/my suppliers.csv" in sums
