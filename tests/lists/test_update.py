"""``lists update``: download over HTTP (a server on loopback), check, store; failures keep the
version in force. The servers compress, cut bodies and fail as real ones do."""

from __future__ import annotations

import gzip
import http.server
import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest

from sourcetrace.errors import ListError
from sourcetrace.store import ListStore
from sourcetrace.updating import update_list

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures/lists"


class Handler(http.server.BaseHTTPRequestHandler):
    files: ClassVar[dict[str, bytes]] = {}
    short: ClassVar[set[str]] = set()  # send half the body, then close
    gzipped: ClassVar[set[str]] = set()  # Content-Encoding: gzip, as CDNs send HTML and JSON
    unlengthed: ClassVar[set[str]] = set()  # no Content-Length: the body ends when the line does
    failing: ClassVar[dict[str, int]] = {}  # answer 503 this many times first
    hits: ClassVar[Counter[str]] = Counter()
    sent_gzip: ClassVar[Counter[str]] = Counter()

    def do_GET(self) -> None:
        self.hits[self.path] += 1
        body = self.files.get(self.path)
        if body is None:
            self.send_response(404)
            self.end_headers()
            return
        if self.hits[self.path] <= self.failing.get(self.path, 0):
            self.send_response(503)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        if self.path in self.gzipped and "gzip" in self.headers.get("Accept-Encoding", ""):
            body = gzip.compress(body)
            self.send_header("Content-Encoding", "gzip")
            self.sent_gzip[self.path] += 1
        if self.path not in self.unlengthed:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body[: len(body) // 2] if self.path in self.short else body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def server() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def small_page() -> bytes:
    """The v2 page with every entity row but one removed: it parses, but is far too small."""
    html = (FIXTURES / "uflpa_entity_list_v2.html").read_text(encoding="utf-8")
    rows = re.findall(r"<tr><td>.*?</tr>\n", html)
    for row in rows[1:]:
        html = html.replace(row, "", 1)
    return html.encode("utf-8")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_update_downloads_checks_and_stores(tmp_path: Path, server: str) -> None:
    Handler.files = {
        "/v1": (FIXTURES / "uflpa_entity_list_v1.html").read_bytes(),
        "/v2": (FIXTURES / "uflpa_entity_list_v2.html").read_bytes(),
        "/cut": (FIXTURES / "uflpa_entity_list_v2.html").read_bytes(),
        "/tiny": small_page(),
    }
    Handler.short = {"/cut"}
    with ListStore.open(tmp_path / "store.db") as store:
        first = update_list(store, "us_dhs_uflpa", url=f"{server}/v1", fmt="uflpa-html")
        assert first.created and first.version.source == f"{server}/v1"
        again = update_list(store, "us_dhs_uflpa", url=f"{server}/v1", fmt="uflpa-html")
        assert not again.created
        second = update_list(store, "us_dhs_uflpa", url=f"{server}/v2", fmt="uflpa-html")
        assert second.created and second.version.entity_count > first.version.entity_count
        cases = (
            ("/cut", "cut short"),
            ("/missing", "answered 404"),
            ("/tiny", "suspiciously small"),
        )
        for path, message in cases:
            with pytest.raises(ListError, match=message):
                update_list(store, "us_dhs_uflpa", url=f"{server}{path}", fmt="uflpa-html")
        offline = f"http://127.0.0.1:{free_port()}/v1"
        with pytest.raises(ListError, match="offline or unreachable"):
            update_list(store, "us_dhs_uflpa", url=offline, fmt="uflpa-html", timeout=2)
        assert store.latest("us_dhs_uflpa") == second.version
        assert len(store.versions("us_dhs_uflpa")) == 2


def test_unknown_list_needs_an_address(tmp_path: Path) -> None:
    with ListStore.open(tmp_path / "store.db") as store, pytest.raises(ListError, match="--url"):
        update_list(store, "some_list")


SOURCETRACE = str(Path(sys.executable).with_name("sourcetrace"))


def reset(**files: bytes) -> None:
    Handler.files = {f"/{k}": v for k, v in files.items()}
    Handler.short, Handler.gzipped, Handler.unlengthed = set(), set(), set()
    Handler.failing = {}
    Handler.hits.clear()
    Handler.sent_gzip.clear()


def test_gzip_encoded_download_is_stored_as_the_plain_one(tmp_path: Path, server: str) -> None:
    page = (FIXTURES / "uflpa_entity_list_v2.html").read_bytes()
    reset(plain=page, gz=page)
    Handler.gzipped = {"/gz"}
    with ListStore.open(tmp_path / "a.db") as store:
        zipped = update_list(store, "us_dhs_uflpa", url=f"{server}/gz", fmt="uflpa-html")
    with ListStore.open(tmp_path / "b.db") as store:
        plain = update_list(store, "us_dhs_uflpa", url=f"{server}/plain", fmt="uflpa-html")
    assert Handler.sent_gzip["/gz"] == 1  # the body did travel compressed
    assert zipped.created and zipped.version.content_hash == plain.version.content_hash
    assert zipped.version.entity_count == plain.version.entity_count > 0


def update_command(tmp_path: Path, url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [SOURCETRACE, "lists", "update", "us_dhs_uflpa", "--url", url, "-f", "uflpa-html",
         "--db", str(tmp_path / "store.db"), "--timeout", "5"],
        capture_output=True, text=True, timeout=120, check=False,
        env={**os.environ, "SOURCETRACE_DATA_DIR": str(tmp_path / "data")},
    )  # fmt: skip


@pytest.mark.parametrize("gzipped", [False, True], ids=["plain", "gzip"])
def test_a_cut_body_is_retried_then_refused_keeping_the_version_in_force(
    tmp_path: Path, server: str, gzipped: bool
) -> None:
    v1 = (FIXTURES / "uflpa_entity_list_v1.html").read_bytes()
    v2 = (FIXTURES / "uflpa_entity_list_v2.html").read_bytes()
    reset(v1=v1, cut=v2)
    Handler.short = {"/cut"}
    Handler.gzipped = {"/cut"} if gzipped else set()
    assert update_command(tmp_path, f"{server}/v1").returncode == 0
    started = time.monotonic()
    done = update_command(tmp_path, f"{server}/cut")
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2, done.stderr
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(f"error: download failed after 3 tries: {server}/cut (cut short")
    assert lines[0].endswith("the version in force stays in force")
    assert Handler.hits["/cut"] == 3
    assert time.monotonic() - started < 60
    with ListStore.open(tmp_path / "store.db") as store:
        assert [v.source for v in store.versions("us_dhs_uflpa")] == [f"{server}/v1"]


def test_a_body_cut_where_http_cannot_tell_is_refused_by_the_parser(
    tmp_path: Path, server: str
) -> None:
    reset(cut=(FIXTURES / "uflpa_entity_list_v2.html").read_bytes())
    Handler.short, Handler.unlengthed = {"/cut"}, {"/cut"}
    with ListStore.open(tmp_path / "store.db") as store:
        with pytest.raises(ListError, match="truncated"):
            update_list(store, "us_dhs_uflpa", url=f"{server}/cut", fmt="uflpa-html")
        assert store.versions("us_dhs_uflpa") == []


def test_a_server_failing_twice_then_answering_is_retried(tmp_path: Path, server: str) -> None:
    reset(flaky=(FIXTURES / "uflpa_entity_list_v2.html").read_bytes())
    Handler.failing = {"/flaky": 2}
    with ListStore.open(tmp_path / "store.db") as store:
        result = update_list(store, "us_dhs_uflpa", url=f"{server}/flaky", fmt="uflpa-html")
    assert result.created and result.version.entity_count > 0
    assert Handler.hits["/flaky"] == 3
    Handler.hits.clear()
    Handler.failing = {"/flaky": 3}
    with ListStore.open(tmp_path / "other.db") as store:
        with pytest.raises(ListError, match=r"failed after 3 tries: .*/flaky \(answered 503\)"):
            update_list(store, "us_dhs_uflpa", url=f"{server}/flaky", fmt="uflpa-html")
        assert store.versions("us_dhs_uflpa") == []


def test_a_download_growing_past_the_size_limit_is_stopped(
    tmp_path: Path, server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A gzip bomb over HTTP: the decoded bytes are counted as they arrive."""
    reset(big=b"<html>" + b" " * 5_000_000 + b"</html>")
    Handler.gzipped = {"/big"}
    monkeypatch.setenv("SOURCETRACE_MAX_INPUT_BYTES", "1000000")
    with ListStore.open(tmp_path / "store.db") as store:
        with pytest.raises(ListError, match=r"download stopped: .*/big sent over 1,000,000 bytes"):
            update_list(store, "us_dhs_uflpa", url=f"{server}/big", fmt="uflpa-html")
        assert store.versions("us_dhs_uflpa") == []
    assert Handler.sent_gzip["/big"] == 1 and Handler.hits["/big"] == 1  # not tried again
