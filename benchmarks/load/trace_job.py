"""What a hostile chain upload costs a real server: the trace job of issue 21, item 2.

    python benchmarks/load/trace_job.py              # the server's default limits
    SOURCETRACE_TRACE_JOB_SECONDS=30 python benchmarks/load/trace_job.py

Starts ``sourcetrace serve``'s function (uvicorn) on 127.0.0.1 over a temporary SQLite store,
logs in as an analyst and uploads the chain of issue 21 (6 layers of 800 parties, 20,000 links:
``hostile_chain`` in ``tests/web/test_trace_jobs.py``). Prints how long the upload took to
answer, how the job ended and after how long, the slowest ``GET /chains`` while it ran, the
server's and the tracing process's largest resident memory (sampled twice a second), and how
long SIGTERM took to end the server. Before the trace job (all in the request) the upload gave
no answer after 180 s, the server took over 7.7 GB and ignored SIGTERM. Only 127.0.0.1 is
contacted.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from sourcetrace.store.engine import make_engine
from sourcetrace.workspace.accounts import add_user
from tests.web.conftest import PASSWORD, csrf_of, login, running_server
from tests.web.test_trace_jobs import _tracers, hostile_chain


def resident_mb(pid: int) -> int:
    """The process's resident memory (VmRSS), MB; 0 once it has ended."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) // 1024
    except OSError:
        pass
    return 0


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="sourcetrace-bench-"))
    url = f"sqlite:///{folder / 'bench.db'}"
    engine = make_engine(url)
    add_user(engine, "analyst", "analyst", PASSWORD)
    engine.dispose()
    data = hostile_chain()
    with (
        running_server(url) as (base, proc),
        httpx.Client(base_url=base, follow_redirects=False, timeout=120) as http,
    ):
        login(http, "analyst")  # type: ignore[arg-type]
        token = csrf_of(http.get("/chains").text)
        print(f"server before the upload: {resident_mb(proc.pid):,} MB resident")
        began = time.monotonic()
        response = http.post("/chains", data={"csrf_token": token},
                             files={"links": ("hostile.csv", data, "text/csv")})  # fmt: skip
        print(f"upload of {len(data) / 1e6:.1f} MB answered {response.status_code} "
              f"{response.headers.get('location')} in {time.monotonic() - began:.2f} s")  # fmt: skip
        job = response.headers["location"]
        slowest, server, tracer, began = 0.0, 0, 0, time.monotonic()
        while (status := http.get(f"/api{job}").json())["status"] in ("queued", "running"):
            asked = time.monotonic()
            http.get("/chains")
            slowest = max(slowest, time.monotonic() - asked)
            server = max(server, resident_mb(proc.pid))
            tracer = max([tracer, *(resident_mb(pid) for pid in _tracers(proc.pid))])
            time.sleep(0.5)
        print(f"job {status['status']} after {time.monotonic() - began:.1f} s: {status['error']}")
        print(f"slowest GET /chains meanwhile: {slowest:.2f} s; largest resident memory: "
              f"server {server:,} MB, tracing process {tracer:,} MB")  # fmt: skip
        began = time.monotonic()
        proc.terminate()
        proc.wait(60)
        print(f"SIGTERM ended the server in {time.monotonic() - began:.2f} s")


if __name__ == "__main__":
    main()
