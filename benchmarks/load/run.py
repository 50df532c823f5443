"""Load benchmark of the yente-compatible API: concurrent single-name ``POST /match`` requests.

    python benchmarks/load/run.py                         # 50 clients for 30 s
    python benchmarks/load/run.py --clients 20 --seconds 10 --max-requests 5000

Starts ``sourcetrace serve`` (uvicorn) on 127.0.0.1 on a free port over a temporary SQLite store,
adds an account and an API key, sends a bounded burst of requests from ``--clients`` concurrent
keep-alive clients (stops at ``--seconds`` or ``--max-requests``, whichever comes first), then
stops the server and prints: throughput (queries/s), p50/p90/p99/max latency, non-200 responses
and client errors. As a baseline from the same machine and moment it then times the matcher alone,
in this process on one thread, over the same names (what the HTTP layer costs is the ratio).

The client runs on the same machine as the server and takes some of its CPU; the figures are a
lower bound on what the server answers. Target (the reliability issue): >= 500 queries/s on 2
cores with p99 < 100 ms. Only 127.0.0.1 is ever contacted.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import orjson

HOST = "127.0.0.1"
ROOT = Path(__file__).resolve().parents[2]
# Names as supplier lists and bills of lading write them: listed, near-listed and clear ones.
NAMES = [
    "新疆中泰化学股份有限公司",
    "Xinjiang Zhongtai Chemical Co Ltd",
    "XINJIANG ZHONGTAI CHEMICAL CO LTD NO 88 URUMQI",
    "Hoshine Silicon Industry (Shanshan) Co Ltd",
    "AKSU HUAFU TEXTILES CO LTD NO 1 HUAFU ROAD AKSU XINJIANG",
    "华孚时尚股份有限公司",
    "XPCC First Division",
    "新疆生产建设兵团第一师",
    "Xinjiang Chemical Co Ltd",
    "Zhongtai Securities Co Ltd",
    "Shenzhou International Group Holdings Ltd",
    "Acme Buttons GmbH",
    "Lu Thai Textile Co Ltd",
    "Nanjing Synergy Textiles Co Ltd",
    "和田好林发饰有限公司",
    "Pacific Textiles Holdings Ltd",
]


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def make_store(db_url: str) -> str:
    """An analyst account and its API key in a fresh store; returns the key."""
    from sourcetrace.store.engine import make_engine
    from sourcetrace.workspace.accounts import add_user, create_api_key

    engine = make_engine(db_url)
    add_user(engine, "loadtest", "analyst", secrets.token_urlsafe(16))
    key: str = create_api_key(engine, "loadtest", "load benchmark", actor="benchmark")
    engine.dispose()
    return key


def start_server(db_url: str, port: int, log: Path, workers: int = 1) -> subprocess.Popen[bytes]:
    command = [
        sys.executable,
        "-m",
        "sourcetrace",
        "serve",
        "--host",
        HOST,
        "--port",
        str(port),
        "--workers",
        str(workers),
    ]
    env = {**os.environ, "SOURCETRACE_DB": db_url}
    with log.open("wb") as out:
        return subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)


def wait_ready(base: str, server: subprocess.Popen[bytes], timeout: float = 120.0) -> float:
    """Seconds until the server answers; raises if it exits or does not answer in time."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if server.poll() is not None:
            raise RuntimeError(f"server exited with code {server.returncode}")
        try:
            with urllib.request.urlopen(f"{base}/openapi.json", timeout=2.0) as response:
                if response.status == 200:
                    return time.perf_counter() - start
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"server did not answer within {timeout:.0f} s")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=15)


def body(name: str) -> dict[str, object]:
    return {"queries": {"q": {"schema": "Company", "properties": {"name": [name]}}}}


class Connection:
    """One keep-alive HTTP/1.1 connection speaking just enough HTTP to post JSON and read the answer.

    Hand-written so the client costs little CPU: on a 2-core machine a full HTTP client library
    would take a large share of the cores the server is being measured on.
    """

    def __init__(self, port: int, key: str) -> None:
        self.port = port
        self.head = (
            f"POST /match/default HTTP/1.1\r\nHost: {HOST}:{port}\r\n"
            f"Authorization: ApiKey {key}\r\nContent-Type: application/json\r\n"
        ).encode()
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, payload: bytes) -> int:
        if self.reader is None or self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(HOST, self.port)
        self.writer.write(self.head + b"Content-Length: %d\r\n\r\n" % len(payload) + payload)
        await self.writer.drain()
        header = await self.reader.readuntil(b"\r\n\r\n")
        status = int(header.split(b" ", 2)[1])
        length, closing = 0, False
        for line in header.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
            elif name.strip().lower() == b"connection" and value.strip().lower() == b"close":
                closing = True
        await self.reader.readexactly(length)
        if closing:
            await self.close()
        return status

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()
        self.reader = self.writer = None


async def burst(
    port: int, key: str, clients: int, seconds: float, max_requests: int
) -> tuple[Tally, float]:
    """``clients`` keep-alive clients posting one name each, until the time or count runs out."""
    tally = Tally()
    payloads = [orjson.dumps(body(name)) for name in NAMES]
    connections = [Connection(port, key) for _ in range(clients)]
    for payload in payloads:  # warm-up: every name once, not counted
        if await connections[0].post(payload) != 200:
            raise RuntimeError("the warm-up request was refused")
    issued = 0
    start = time.perf_counter()
    deadline = start + seconds

    async def worker(connection: Connection, offset: int) -> None:
        nonlocal issued
        i = offset
        while time.perf_counter() < deadline and issued < max_requests:
            issued += 1
            payload = payloads[i % len(payloads)]
            i += 1
            sent = time.perf_counter()
            try:
                code = await asyncio.wait_for(connection.post(payload), timeout=30.0)
            except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError) as exc:
                kind = type(exc).__name__
                tally.errors[kind] = tally.errors.get(kind, 0) + 1
                await connection.close()
                continue
            tally.latencies.append(time.perf_counter() - sent)
            tally.statuses[code] = tally.statuses.get(code, 0) + 1

    try:
        await asyncio.gather(*(worker(c, n) for n, c in enumerate(connections)))
    finally:
        elapsed = time.perf_counter() - start
        for connection in connections:
            await connection.close()
    return tally, elapsed


def client_runner() -> asyncio.Runner:
    """An event loop for the client: uvloop's where installed (the server's too), for less CPU."""
    try:
        import uvloop
    except ImportError:
        return asyncio.Runner()
    return asyncio.Runner(loop_factory=uvloop.new_event_loop)


def process_cpu(pid: int) -> float | None:
    """CPU seconds (user + system) a process and its live children have used so far.

    The server's worker processes are children of the one started; None where /proc is missing.
    """
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return None
    own = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return own + sum(process_cpu(int(child)) or 0.0 for child in children)


def percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(q / 100 * len(sorted_values)) - 1))
    return sorted_values[index]


def matcher_baseline(seconds: float) -> float:
    """Names per second of the matcher alone, in this process, one thread, same names."""
    from sourcetrace.matching.matcher import Matcher
    from sourcetrace.screening import load_lists
    from sourcetrace.settings import load_settings

    entities, _ = load_lists()
    matcher = Matcher(entities, load_settings())
    for name in NAMES:
        matcher.match(name)
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        matcher.match(NAMES[done % len(NAMES)])
        done += 1
    return done / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients")
    parser.add_argument("--workers", type=int, default=2, help="server processes")
    parser.add_argument("--seconds", type=float, default=30.0, help="length of the burst")
    parser.add_argument("--max-requests", type=int, default=100_000, help="cap on requests")
    parser.add_argument("--baseline-seconds", type=float, default=3.0, help="0 skips it")
    args = parser.parse_args()
    if not (0 < args.seconds <= 600 and 0 < args.clients <= 1000 and args.max_requests > 0):
        parser.error("give 0 < --seconds <= 600, 0 < --clients <= 1000, --max-requests > 0")

    with tempfile.TemporaryDirectory(prefix="sourcetrace-load-") as tmp:
        db_url = f"sqlite:///{Path(tmp) / 'load.db'}"
        key = make_store(db_url)
        port = free_port()
        base = f"http://{HOST}:{port}"
        log = Path(tmp) / "server.log"
        server = start_server(db_url, port, log, args.workers)
        try:
            startup = wait_ready(base, server)
            cpu_before, server_before = os.times(), process_cpu(server.pid)
            with client_runner() as runner:
                tally, elapsed = runner.run(
                    burst(port, key, args.clients, args.seconds, args.max_requests)
                )
            cpu, server_after = os.times(), process_cpu(server.pid)
            client_cpu = (cpu.user - cpu_before.user) + (cpu.system - cpu_before.system)
        finally:
            stop_server(server)
            if server.returncode not in (0, -15, None):
                sys.stderr.write(log.read_text("utf-8", "replace")[-2000:])

    report(args, tally, elapsed, startup, client_cpu, server_before, server_after)


def report(
    args: argparse.Namespace,
    tally: Tally,
    elapsed: float,
    startup: float,
    client_cpu: float,
    server_before: float | None,
    server_after: float | None,
) -> None:
    latencies = sorted(tally.latencies)
    answered = len(latencies)
    non_200 = answered - tally.statuses.get(200, 0)
    failed = sum(tally.errors.values())
    rate = answered / elapsed if elapsed else 0.0
    p99 = percentile(latencies, 99)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, {sys.platform}")
    print(f"load average before the baseline: {load:.2f} (other work on the machine shares it)")
    print(
        f"server: sourcetrace serve (uvicorn, {args.workers} process(es)) on {HOST}, "
        f"ready in {startup:.1f} s"
    )
    if server_before is not None and server_after is not None and answered:
        used = server_after - server_before
        print(
            f"server CPU: {used:.1f} s, {used / elapsed:.0%} of one core, "
            f"{used / answered * 1000:.2f} ms per query"
        )
    print(
        f"client: {args.clients} concurrent keep-alive connections, one process, "
        f"{client_cpu:.1f} s CPU ({client_cpu / elapsed:.0%} of one core)"
    )
    print(f"requests: {answered} answered in {elapsed:.1f} s, one name each")
    print(f"throughput: {rate:.0f} queries/s")
    print(
        "latency: "
        f"p50 {percentile(latencies, 50) * 1000:.1f} ms, "
        f"p90 {percentile(latencies, 90) * 1000:.1f} ms, "
        f"p99 {p99 * 1000:.1f} ms, "
        f"max {(latencies[-1] if latencies else float('nan')) * 1000:.1f} ms, "
        f"mean {(statistics.fmean(latencies) if latencies else float('nan')) * 1000:.1f} ms"
    )
    print(f"non-200 responses: {non_200} {dict(sorted(tally.statuses.items()))}")
    print(f"requests without a response: {failed} {tally.errors}")
    met = rate >= 500 and p99 < 0.100 and non_200 == 0 and failed == 0
    print(f"target (>= 500 queries/s, p99 < 100 ms, no errors): {'met' if met else 'NOT met'}")
    if args.baseline_seconds > 0:
        alone = matcher_baseline(args.baseline_seconds)
        print(
            f"baseline: matcher alone, this process, 1 thread: {alone:.0f} names/s; "
            f"served throughput is {rate / alone:.3f}x of it"
        )


if __name__ == "__main__":
    main()
