"""``lists update``: download over HTTP (a server on loopback), check, store; failures keep the
version in force."""

from __future__ import annotations

import http.server
import re
import socket
import threading
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
    short: ClassVar[set[str]] = set()

    def do_GET(self) -> None:
        body = self.files.get(self.path)
        if body is None:
            self.send_response(404)
            self.end_headers()
            return
        self.send_response(200)
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
