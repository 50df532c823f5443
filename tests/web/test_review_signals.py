"""Signals are work items, "unsure" stays open, and closing an alert needs a reason."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

# A supplier list as analysts keep it: their own columns (tier, PO) beside the contract ones.
SIGNAL_SUPPLIERS = (
    b"name,address,country,uscc,tier,po\n"
    b"Acme Buttons GmbH,Berlin,DE,,2,PO-1001\n"
    b'Northwest Cotton Trading Co Ltd,"Urumqi, Xinjiang",CN,,1,PO-1002\n'
    b'Ningbo Bright Textile Co Ltd,"Ningbo, Zhejiang",CN,913302001234567890,1,PO-1003\n'
)


def _kinds(queue_html: str) -> dict[str, str]:
    """Item key (``row`` or ``row:kind``) -> its label, as the queue page shows them."""
    found = re.findall(
        r'name="rows" value="([^"]+)" form="bulk"> row \d+</label>\s*<span class="kind">([^<]+)<',
        queue_html,
    )
    return dict(found)


def _decide(client: TestClient, job_url: str, row: int, **fields: str) -> Any:
    return client.post(f"{job_url}/rows/{row}/decision", data=fields)


def test_signals_are_in_the_queue_and_report(
    client: TestClient, as_user: Callable[[str], str], tools: Any
) -> None:
    token = as_user("analyst")
    job_url = tools.screened(client, token, "suppliers.csv", SIGNAL_SUPPLIERS)
    queue = client.get(f"{job_url}/review").text
    kinds = _kinds(queue)
    assert kinds == {"2:location": "location lead", "3:identifier": "identifier problem"}
    assert "Urumqi, Xinjiang" in queue and "is not a valid USCC" in queue
    assert "Nothing to decide" not in queue

    # Clearing a signal without a comment is refused, with a message that says why.
    refused = _decide(
        client, job_url, 2, kind="location", decision="cleared", comment=" ", csrf_token=token
    )
    assert refused.status_code == 400
    assert "clearing a signal needs a comment" in refused.text
    assert _kinds(client.get(f"{job_url}/review").text) == kinds
    # A hit's decision does not fit a signal.
    wrong = _decide(
        client, job_url, 2, kind="location", decision="confirmed", comment="x", csrf_token=token
    )
    assert wrong.status_code == 400 and "not a decision on a signal" in wrong.text

    # In bulk, one ticked item the decision does not fit stores nothing for any of them.
    bulk = client.post(
        f"{job_url}/decisions",
        data={
            "decision": "cleared", "comment": "outside", "csrf_token": token,
            "rows": ["2:location", "9:location"],
        },
    )  # fmt: skip
    assert bulk.status_code == 404
    assert _kinds(client.get(f"{job_url}/review").text) == kinds

    evidence = "Plant in Urumqi closed 2019; goods ship from Hangzhou (customs docs on file)"
    cleared = _decide(
        client, job_url, 2, kind="location", decision="cleared", comment=evidence,
        csrf_token=token,
    )  # fmt: skip
    assert cleared.status_code == 303
    escalated = _decide(
        client, job_url, 3, kind="identifier", decision="escalated", comment="", csrf_token=token
    )
    assert escalated.status_code == 303
    queue = client.get(f"{job_url}/review").text
    assert _kinds(queue) == {} and "Nothing to decide" in queue

    report = client.get(f"{job_url}/report").text
    assert "location lead" in report and "identifier problem" in report
    assert evidence in report and "Escalated" in report

    results = list(csv.DictReader(io.StringIO(client.get(f"{job_url}/results.csv").text)))
    by_row = {r["\ufeffrow" if "\ufeffrow" in r else "row"]: r for r in results}
    assert by_row["2"]["signal_review"] == "location lead: cleared"
    assert by_row["2"]["signal_review_comment"] == f"location lead: {evidence}"
    assert by_row["3"]["signal_review"] == "identifier problem: escalated"
    assert by_row["1"]["signal_review"] == "" and by_row["1"]["review"] == ""


def test_unsure_stays_open_and_false_positive_needs_a_comment(
    client: TestClient, as_user: Callable[[str], str], suppliers: bytes, tools: Any
) -> None:
    token = as_user("analyst")
    job_url = tools.screened(client, token, "suppliers.csv", suppliers)
    # Row 1, 新疆中泰化学股份有限公司, is listed: a hit (and a location lead, by its address).
    assert _kinds(client.get(f"{job_url}/review").text)["1"] == "listed match"

    # "cleared" fits the location lead, not the hit: the bulk decision stores neither.
    mixed = client.post(
        f"{job_url}/decisions",
        data={
            "decision": "cleared", "comment": "outside", "csrf_token": token,
            "rows": ["1:location", "1"],
        },
    )  # fmt: skip
    assert mixed.status_code == 400 and "not a decision on a listed match" in mixed.text
    assert {"1", "1:location"} <= set(_kinds(client.get(f"{job_url}/review").text))

    bare = _decide(client, job_url, 1, decision="false_positive", comment="", csrf_token=token)
    assert bare.status_code == 400
    assert "false positive needs a comment" in bare.text

    unsure = _decide(
        client, job_url, 1, decision="unsure", comment="ask the supplier", csrf_token=token
    )
    assert unsure.status_code == 303
    queue = client.get(f"{job_url}/review").text
    assert "1" in _kinds(queue), "an unsure hit must stay in the queue"
    section = queue[queue.index('id="row-1"') :]
    assert "Unsure" in section[: section.index("</header>")]
    assert "still open" in client.get(f"{job_url}/report").text

    fp = _decide(
        client, job_url, 1, decision="false_positive",
        comment="different company: USCC on invoice differs", csrf_token=token,
    )  # fmt: skip
    assert fp.status_code == 303
    assert "1" not in _kinds(client.get(f"{job_url}/review").text)
