"""CPU cost of one ``POST /match`` in the web stack, in-process: no sockets, no HTTP parser.

    python benchmarks/load/stack.py                 # 3 rounds of 3,000 requests
    python benchmarks/load/stack.py --requests 5000 --rounds 5

Builds the app over a temporary SQLite store with an analyst's API key and calls it as an ASGI
application, ``--concurrency`` requests at a time, with the same single-name bodies as
``run.py``. Prints CPU milliseconds per request (this process's user + system time, so the
thread pool's work counts) for each round and the best round, then the matcher alone over the
same names as the baseline: the difference is what the web stack costs. CPU time rather than wall
time, so that other work on a shared machine disturbs the figure less.
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import NAMES, body


async def call(app: Any, payload: bytes, headers: list[tuple[bytes, bytes]]) -> int:
    """One request through the ASGI app; returns the status."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/match/default",
        "raw_path": b"/match/default",
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }
    sent = False
    status = 0

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": payload, "more_body": False}
        await asyncio.sleep(3600)
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(scope, receive, send)
    return status


async def rounds(app: Any, key: str, requests: int, concurrency: int, count: int) -> list[float]:
    payloads = [orjson.dumps(body(name)) for name in NAMES]

    def headers(payload: bytes) -> list[tuple[bytes, bytes]]:
        return [
            (b"host", b"127.0.0.1:8000"),
            (b"authorization", f"ApiKey {key}".encode()),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(payload)).encode()),
        ]

    for payload in payloads:  # warm-up
        assert await call(app, payload, headers(payload)) == 200

    async def worker(queue: Iterator[int]) -> None:
        for i in queue:
            payload = payloads[i % len(payloads)]
            status = await call(app, payload, headers(payload))
            if status != 200:
                raise RuntimeError(f"status {status}")

    out = []
    for _ in range(count):
        queue = iter(range(requests))  # shared: each request is taken by one worker
        start = time.process_time()
        await asyncio.gather(*(worker(queue) for _ in range(concurrency)))
        out.append((time.process_time() - start) / requests)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--requests", type=int, default=3000, help="requests per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=50, help="requests in flight")
    args = parser.parse_args()

    from sourcetrace.web.app import create_app
    from sourcetrace.workspace.accounts import add_user, create_api_key

    with tempfile.TemporaryDirectory(prefix="sourcetrace-stack-") as tmp:
        app = create_app(f"sqlite:///{Path(tmp) / 'stack.db'}")
        engine = app.state.sourcetrace.engine
        add_user(engine, "loadtest", "analyst", secrets.token_urlsafe(16))
        key = create_api_key(engine, "loadtest", "stack benchmark", actor="benchmark")
        costs = asyncio.run(rounds(app, key, args.requests, args.concurrency, args.rounds))
        matcher = app.state.sourcetrace.matcher
        start, done = time.process_time(), 0
        while time.process_time() - start < 2.0:
            matcher.match(NAMES[done % len(NAMES)])
            done += 1
        alone = (time.process_time() - start) / done
        engine.dispose()
    shown = ", ".join(f"{c * 1000:.2f}" for c in costs)
    print(f"web stack + matcher, CPU ms per request: {shown} (best {min(costs) * 1000:.2f})")
    print(f"matcher alone, CPU ms per name: {alone * 1000:.3f}")
    print(f"web stack alone, CPU ms per request: {(min(costs) - alone) * 1000:.2f}")


if __name__ == "__main__":
    main()
