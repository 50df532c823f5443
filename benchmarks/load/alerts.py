"""How long the alert queue across jobs takes on a workspace of many screened rows.

Screens ``examples/suppliers.csv`` once, then stores its result rows again and again as done jobs
(renumbered, each name made unique so that every hit and signal is its own alert) until the
workspace holds ``--rows`` rows in ``--jobs`` jobs; then times :func:`alert_queue` (the first
call reads every job; the second finds their items in memory) and one page of ``GET /alerts``
(50 alerts rendered) through the app. Prints the figures; no assertion.

    python benchmarks/load/alerts.py --rows 20000 --jobs 4
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient

import sourcetrace
from sourcetrace.store.database import now
from sourcetrace.store.workspace import jobs
from sourcetrace.web.app import create_app
from sourcetrace.workspace.accounts import add_user
from sourcetrace.workspace.alerts import alert_queue
from sourcetrace.workspace.jobs import result_row

ROOT = Path(__file__).resolve().parents[2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--jobs", type=int, default=4)
    args = parser.parse_args()
    base = [result_row(r) for r in sourcetrace.screen(ROOT / "examples" / "suppliers.csv").results]
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(f"sqlite:///{Path(folder) / 'bench.db'}")
        engine = app.state.sourcetrace.engine
        add_user(engine, "analyst", "analyst", "bench horse battery staple")
        per_job = args.rows // args.jobs
        for j in range(args.jobs):
            rows = []
            for i in range(per_job):
                row = dict(base[i % len(base)])
                row["row"] = i + 1
                row["name"] = f"{row['name']} {j}-{i}"
                rows.append(row)
            with engine.begin() as conn:
                conn.execute(
                    jobs.insert().values(
                        filename=f"bench-{j}.csv", file_hash="sha256:" + "0" * 64,
                        created_at=now(), created_by="analyst", algorithm="bench",
                        columns={}, lists=[], counts={}, results=rows, status="done",
                        rows_done=per_job, rows_total=per_job,
                    )
                )  # fmt: skip
        start = time.perf_counter()
        queue = alert_queue(engine)
        queue_s = time.perf_counter() - start
        # Again: a done job's items are kept in memory after the first request.
        start = time.perf_counter()
        alert_queue(engine)
        warm_s = time.perf_counter() - start
        with TestClient(app, base_url="http://127.0.0.1") as client:
            page = client.get("/login")
            token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
            client.post(
                "/login",
                data={"username": "analyst", "password": "bench horse battery staple",
                      "csrf_token": token},
            )  # fmt: skip
            start = time.perf_counter()
            answer = client.get("/alerts")
            page_s = time.perf_counter() - start
        assert answer.status_code == 200, answer.status_code
        print(f"rows {per_job * args.jobs:,} in {args.jobs} jobs, alerts {queue.total:,}")
        print(f"alert_queue: first {queue_s:.2f} s, again {warm_s:.2f} s")
        print(f"GET /alerts (one page of 50), after those: {page_s:.2f} s")
        print(f"page size {len(answer.content) / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
