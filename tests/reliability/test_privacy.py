"""Nothing leaves the machine: screening, the CLI and the web app open no outbound connection.

A guard replaces the socket calls that reach another host (connect, sendto, create_connection and
name lookups) for the duration of each test: loopback and Unix sockets pass, anything else is
recorded and refused. PDFs are printed in-process (WeasyPrint), so the guard covers them too.
"""

from __future__ import annotations

import io
import ipaddress
import socket
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

import sourcetrace
from sourcetrace.cli import app as cli_app

ROOT = Path(__file__).resolve().parents[2]
SUPPLIERS = ROOT / "examples" / "suppliers.csv"
_LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}


def _is_local(address: object) -> bool:
    if isinstance(address, (str, bytes)):  # AF_UNIX path or abstract name
        return True
    if not isinstance(address, tuple) or not address:
        return False
    host = address[0]
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    host = str(host).split("%", 1)[0]
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a host name other than localhost would need a lookup: outbound


class SocketGuard:
    """Records and refuses every attempt to reach a host other than this one."""

    def __init__(self) -> None:
        self.attempts: list[tuple[str, object]] = []

    def refuse(self, call: str, address: object) -> None:
        self.attempts.append((call, address))
        raise ConnectionRefusedError(f"test guard: outbound {call} to {address!r} refused")

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        real_connect = socket.socket.connect
        real_connect_ex = socket.socket.connect_ex
        real_sendto = socket.socket.sendto
        real_create = socket.create_connection
        real_getaddrinfo = socket.getaddrinfo
        guard = self

        def connect(sock: socket.socket, address: Any) -> None:
            if not _is_local(address):
                guard.refuse("connect", address)
            real_connect(sock, address)

        def connect_ex(sock: socket.socket, address: Any) -> int:
            if not _is_local(address):
                guard.refuse("connect_ex", address)
            return real_connect_ex(sock, address)

        def sendto(sock: socket.socket, data: bytes, *args: Any) -> int:
            address = args[-1]
            if not _is_local(address):
                guard.refuse("sendto", address)
            return real_sendto(sock, data, *args)

        def create_connection(address: Any, *args: Any, **kwargs: Any) -> socket.socket:
            if not _is_local(address):
                guard.refuse("create_connection", address)
            return real_create(address, *args, **kwargs)

        def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
            if host is not None and not _is_local((host,)):
                guard.refuse("getaddrinfo", host)
            return real_getaddrinfo(host, *args, **kwargs)

        monkeypatch.setattr(socket.socket, "connect", connect)
        monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
        monkeypatch.setattr(socket.socket, "sendto", sendto)
        monkeypatch.setattr(socket, "create_connection", create_connection)
        monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


@pytest.fixture()
def guard(monkeypatch: pytest.MonkeyPatch) -> SocketGuard:
    g = SocketGuard()
    g.install(monkeypatch)
    return g


def test_the_guard_refuses_and_records_outbound(guard: SocketGuard) -> None:
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("192.0.2.1", 443), timeout=0.1)
    with (
        socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock,
        pytest.raises(ConnectionRefusedError),
    ):
        sock.connect(("example.org", 80))
    with pytest.raises(ConnectionRefusedError):
        socket.getaddrinfo("example.org", 443)
    assert [call for call, _ in guard.attempts] == ["create_connection", "connect", "getaddrinfo"]
    # Loopback passes the guard (nothing listens there, so the connection itself is refused).
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        assert sock.connect_ex(("127.0.0.1", 9)) != 0
    assert len(guard.attempts) == 3


def test_python_screen_stays_local(guard: SocketGuard) -> None:
    run = sourcetrace.screen(SUPPLIERS)
    assert run.counts()["match"] > 0
    assert guard.attempts == []


@pytest.mark.parametrize("output", [None, "out.csv"])
def test_cli_screen_stays_local(guard: SocketGuard, tmp_path: Path, output: str | None) -> None:
    args = ["screen", str(SUPPLIERS)]
    if output:
        args += ["--output", str(tmp_path / output), "--workers", "1"]
    result = CliRunner().invoke(cli_app, args)
    assert result.exit_code == 0, result.output
    if output:
        assert (tmp_path / output).exists()
    assert guard.attempts == []


def _screened_job(http: httpx.Client, csrf_token: str) -> str:
    """Upload the example suppliers as a screening job and wait until the app has screened it
    (in the background): the job's path."""
    upload = http.post(
        "/jobs",
        data={"csrf_token": csrf_token},
        files={"file": ("suppliers.csv", SUPPLIERS.read_bytes(), "text/csv")},
    )
    assert upload.status_code == 303, upload.text
    job = upload.headers["location"]
    deadline = time.monotonic() + 60
    while http.get(f"/api{job}").json()["status"] != "done":
        assert time.monotonic() < deadline
        time.sleep(0.05)
    return job


def test_web_app_stays_local(
    guard: SocketGuard, client: TestClient, api_key: str, analyst: str
) -> None:
    response = client.post(
        "/match/default",
        json={"queries": {"q": {"schema": "Company", "properties": {"name": ["新疆中泰化学"]}}}},
        headers={"Authorization": f"ApiKey {api_key}"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["responses"]["q"]["results"]
    job = _screened_job(client, analyst)
    pages: list[Callable[[], Any]] = [
        lambda: client.get(job),
        lambda: client.get(f"{job}/review"),
        lambda: client.get(f"{job}/report"),
        lambda: client.get(f"{job}/results.csv"),
    ]
    for get in pages:
        assert get().status_code == 200
    assert guard.attempts == []


# --- PDF printing (issue 21, item 1) ------------------------------------------------------------

_OUTSIDE_REFERENCES = """<!doctype html><html><head>
<link rel="stylesheet" href="https://example.org/print.css">
<link rel="attachment" href="file:///etc/passwd">
<style>@import url(http://192.0.2.1/a.css);
@font-face { font-family: X; src: url(ftp://192.0.2.2/x.woff2); }
body { font-family: X, "Noto Sans CJK SC", sans-serif; background: url(http://[2001:db8::1]/b.png); }
</style></head><body><p>新疆中泰化学股份有限公司</p>
<img src="http://192.0.2.3/pixel.png"><img src="file:///etc/hostname">
<object data="https://example.org/x.svg"></object></body></html>"""


def _pdf_font_names(pdf: bytes) -> set[bytes]:
    """The names of the fonts a PDF embeds (read from its compressed streams too)."""
    import re
    import zlib

    found = set(re.findall(rb"/(?:FontName|BaseFont)\s*/([^\s/<>\[\]]+)", pdf))
    for start in re.finditer(rb"stream\r?\n", pdf):
        try:
            data = zlib.decompressobj().decompress(pdf[start.end() : start.end() + 4_000_000])
        except zlib.error:
            continue
        found |= set(re.findall(rb"/(?:FontName|BaseFont)\s*/([^\s/<>\[\]]+)", data))
    return found


def test_the_pdf_printer_fetches_nothing(guard: SocketGuard) -> None:
    """A page naming outside stylesheets, fonts, images and local files prints using none."""
    weasyprint = pytest.importorskip("weasyprint")
    from sourcetrace.web.pdf import html_to_pdf

    # The guard would see it: WeasyPrint's own fetcher tries these addresses.
    weasyprint.HTML(string='<img src="http://192.0.2.3/pixel.png">').write_pdf()
    assert guard.attempts, "the guard saw no attempt from WeasyPrint's default fetcher"
    guard.attempts.clear()

    pdf = html_to_pdf(_OUTSIDE_REFERENCES)
    assert pdf.startswith(b"%PDF")
    assert guard.attempts == []
    assert b"root:" not in pdf and b"/EmbeddedFile" not in pdf, "a local file was attached"


def test_report_pdf_over_http_stays_local(
    guard: SocketGuard, client: TestClient, analyst: str
) -> None:
    """The report and the evidence pack, PDF included, printed through the app under the guard."""
    pytest.importorskip("weasyprint")
    job = _screened_job(client, analyst)
    response = client.get(f"{job}/report.pdf")
    assert response.status_code == 200, response.text
    assert response.content.startswith(b"%PDF")
    fonts = _pdf_font_names(response.content)
    if Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc").exists():
        # The suppliers' Chinese names are printed in Debian's Noto CJK, not as empty boxes.
        assert any(b"CJK" in name for name in fonts), fonts
    pack = client.get(f"{job}/evidence.zip")
    assert pack.status_code == 200
    with zipfile.ZipFile(io.BytesIO(pack.content)) as zf:
        assert zf.read(f"sourcetrace-job-{job.rsplit('/', 1)[1]}/report.pdf").startswith(b"%PDF")
    assert guard.attempts == []


def test_concurrent_pdfs_start_no_process(tmp_path: Path, serve: Callable[..., Any]) -> None:
    """Four PDFs at once from a real server: printed in the server, no browser process started."""
    pytest.importorskip("weasyprint")
    psutil = pytest.importorskip("psutil")
    import concurrent.futures

    from sourcetrace.store.engine import make_engine
    from sourcetrace.workspace.accounts import add_user

    db_url = f"sqlite:///{tmp_path / 'web.db'}"
    engine = make_engine(db_url)
    add_user(engine, "analyst", "analyst", "correct horse battery")
    engine.dispose()
    server = serve(db_url)
    with httpx.Client(base_url=server.base, timeout=120) as http:
        token = _csrf(http.get("/login").text)
        login = http.post(
            "/login",
            data={"username": "analyst", "password": "correct horse battery", "csrf_token": token},
        )
        assert login.status_code == 303, login.text
        token = _csrf(http.get("/jobs").text)
        job = _screened_job(http, token)
        process = psutil.Process(server.process.pid)
        before = {p.pid for p in process.children(recursive=True)}
        seen: dict[int, str] = {}
        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            prints = [pool.submit(http.get, f"{job}/report.pdf") for _ in range(4)]
            while not all(p.done() for p in prints):
                for child in process.children(recursive=True):
                    if child.pid not in seen:
                        try:
                            seen[child.pid] = " ".join(child.cmdline()[:3]) or child.name()
                        except psutil.Error:  # ended meanwhile (or a zombie): still counted
                            seen[child.pid] = "?"
                time.sleep(0.05)
            answers = [p.result() for p in prints]
    # One print at a time; one that waited too long for its turn is told to retry, not queued.
    assert {a.status_code for a in answers} <= {200, 503}, [a.text for a in answers]
    assert all(a.content.startswith(b"%PDF") for a in answers if a.status_code == 200)
    assert all("retry-after" in a.headers for a in answers if a.status_code == 503)
    assert any(a.status_code == 200 for a in answers)
    started = {pid: command for pid, command in seen.items() if pid not in before}
    assert started == {}, "printing started processes"


def _csrf(html: str) -> str:
    import re

    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found
    return found.group(1)
