"""The web workspace and API: ``create_app()`` builds the FastAPI app over a review store.

Everything it serves is local: templates, one CSS and one JS file; no CDN, no fonts from elsewhere.
The matcher over the bundled lists is built here, once, and shared by every request. Uploaded
files are screened by the app's :class:`~sourcetrace.web.runner.JobRunner`, started and stopped
with the app.
"""

from __future__ import annotations

import os
import secrets
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from starlette.exceptions import HTTPException
from starlette.middleware.sessions import SessionMiddleware

from sourcetrace.catalogue import close_stores
from sourcetrace.errors import ConfigError
from sourcetrace.matching.matcher import Matcher
from sourcetrace.screening import ListUsed, load_lists
from sourcetrace.settings import Settings, load_settings
from sourcetrace.store import make_engine
from sourcetrace.store.workspace import meta
from sourcetrace.web.api import jobs as jobs_api
from sourcetrace.web.api import match
from sourcetrace.web.config import WebConfig, load_web_config
from sourcetrace.web.pages import make_templates, render
from sourcetrace.web.pdf import printer_missing
from sourcetrace.web.routes import (
    admin,
    alerts,
    chains,
    entities,
    exports,
    jobs,
    login,
    reports,
    review,
    risk_decisions,
)
from sourcetrace.web.runner import JobRunner
from sourcetrace.web.security import (
    NO_STORE,
    SECURITY_HEADERS,
    ApiAuthRequired,
    BodyLimit,
    LoginRequired,
    SecurityHeaders,
    VerifiedKeys,
)
from sourcetrace.web.state import HERE, AppState
from sourcetrace.web.throttle import LoginThrottle
from sourcetrace.workspace import accounts
from sourcetrace.workspace.maps import ROLES as CHAIN_FILES

API_PREFIXES = ("/match", "/api/")
PUBLIC_PATHS = ("/login", "/static", "/openapi.json")
"""The only paths that answer without an account (tests check every other route refuses)."""


def create_app(
    db_url: str | None = None,
    *,
    settings: Settings | None = None,
    config: WebConfig | None = None,
) -> FastAPI:
    """The workspace app on the store at ``db_url`` (default: SQLite in the data directory)."""
    settings = settings or load_settings()
    config = config or load_web_config()
    engine = make_engine(db_url, settings)
    matcher, used = bundled_matcher(settings)
    accounts.dummy_hash()  # before the first login: an unknown user's must take a known one's time
    # Loaded now, not on the first print: finding Pango runs ldconfig and ld once per process.
    printer_missing()
    secret = config.secret_key or _stored_secret(engine, settings)
    st = AppState(
        engine=engine,
        settings=settings,
        config=config,
        matcher=matcher,
        lists=used,
        templates=make_templates(),
        runner=JobRunner(engine, settings),
        keys=VerifiedKeys(engine),
        throttle=LoginThrottle(engine, secret, settings),
        password_turns=threading.BoundedSemaphore(config.password_checks),
    )
    app = FastAPI(
        title="sourcetrace",
        summary="Screen suppliers for Uyghur forced-labour risk: a yente-compatible matching API.",
        version="0.1.0",
        docs_url=None,  # Swagger UI and ReDoc load from a CDN; the schema itself is served.
        redoc_url=None,
        lifespan=_lifespan,
    )
    app.state.sourcetrace = st
    app.add_middleware(
        SessionMiddleware,
        secret_key=secret,
        session_cookie="sourcetrace_session",
        max_age=int(timedelta(hours=config.session_hours).total_seconds()),
        same_site="strict",
        https_only=config.https_only,
    )
    app.add_middleware(BodyLimit, limit_for=body_limits(config))
    app.add_middleware(SecurityHeaders, allowed_hosts=config.allowed_hosts)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    # First, as the busiest route: each router before it costs every /match request a lookup.
    app.include_router(match.router)
    for module in (login, jobs, review, alerts, reports, exports, admin, chains, risk_decisions,
                   entities):  # fmt: skip
        app.include_router(module.router)
    app.include_router(jobs_api.router)
    app.include_router(alerts.api_router)
    _add_handlers(app)
    return app


LOGIN_BODY_BYTES = 16 * 1024
"""Largest body of ``POST /login`` (a username, a password and two short fields)."""
FORM_OVERHEAD = 64 * 1024
"""What an upload form may add to its files: boundaries, headers, the token, column names."""


def body_limits(config: WebConfig) -> Callable[[str, str], int]:
    """The most bytes a request to ``method path`` may send, for :class:`BodyLimit`."""
    upload = config.max_upload_bytes + FORM_OVERHEAD
    chain = len(CHAIN_FILES) * config.max_upload_bytes + FORM_OVERHEAD

    def limit_for(method: str, path: str) -> int:
        if method != "POST":
            return LOGIN_BODY_BYTES  # no other method reads a body; a little is tolerated
        if path.startswith(API_PREFIXES):
            return config.max_api_body_bytes
        if path == "/login":
            return LOGIN_BODY_BYTES
        if path == "/jobs":
            return upload
        if path == "/chains":
            return chain
        return config.max_form_bytes

    return limit_for


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Screening jobs run while the app serves; stopping fails the unfinished ones (interrupted)."""
    st: AppState = app.state.sourcetrace
    await run_in_threadpool(st.runner.start)
    try:
        yield
    finally:
        await run_in_threadpool(st.runner.stop)
        st.keys.close()
        close_stores()


@lru_cache(maxsize=4)
def bundled_matcher(settings: Settings) -> tuple[Matcher, list[ListUsed]]:
    """The matcher over the bundled lists, built once per process and settings."""
    entities, used = load_lists()
    return Matcher(entities, settings), used


SECRET_FILE = "session-secret"
"""The file, beside a SQLite store (else in the data directory), holding the session key."""


def _secret_path(engine: Engine, settings: Settings) -> Path:
    url = engine.url
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return Path(url.database).resolve().parent / SECRET_FILE
    return Path(settings.data_dir) / SECRET_FILE


def _stored_secret(engine: Engine, settings: Settings) -> str:
    """The session-signing key, made on first start, so logins survive restarts.

    Kept in a file of its own readable by its owner only (0600; its folder made 0700), not in
    the store: whoever could read the store could otherwise sign an admin's session cookie.
    A key an older version kept in the store is deleted from it (its sessions end).
    """
    path = _secret_path(engine, settings)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not path.exists():
        # Written whole under another name, then linked into place: a second server process
        # starting at the same moment reads either no file or the complete key, never half.
        draft = path.with_name(f".{SECRET_FILE}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write(secrets.token_urlsafe(48) + "\n")
        try:
            os.link(draft, path)
        except FileExistsError:
            pass  # another process made it first: its key is the one
        finally:
            draft.unlink()
    os.chmod(path, 0o600)  # tighten a file copied or restored with looser rights
    value = path.read_text("ascii").strip()
    if len(value) < 32:
        raise ConfigError(f"{path}: the session key is missing or too short")
    with engine.begin() as conn:
        conn.execute(meta.delete().where(meta.c.key == "session_secret"))
    return value


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith(API_PREFIXES) or "application/json" in request.headers.get(
        "accept", ""
    )


def _add_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid_request(_request: Request, exc: RequestValidationError) -> Response:
        # Drop the echoed input: it may hold values JSON cannot carry (1e999 is inf) and be huge.
        errors = [{k: v for k, v in e.items() if k not in ("input", "ctx")} for e in exc.errors()]
        return JSONResponse({"detail": errors}, status_code=422)

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, _exc: LoginRequired) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": "log in or give an API key"}, status_code=401)
        # Back to the page after logging in; a form post cannot be replayed, so its page is not.
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        if request.method != "GET":
            target = "/"
        return RedirectResponse(f"/login?next={_quote(target)}", status_code=303)

    @app.exception_handler(ApiAuthRequired)
    async def api_auth_required(_request: Request, _exc: ApiAuthRequired) -> Response:
        return JSONResponse(
            {"detail": "give an API key (Authorization: ApiKey <key>) or log in"},
            status_code=401,
            headers={"WWW-Authenticate": "ApiKey"},
        )

    @app.exception_handler(OverflowError)
    async def id_too_large(request: Request, _exc: OverflowError) -> Response:
        # A number past the store's 64-bit integers (a form's row id, say): it names nothing.
        return await http_error(request, HTTPException(status_code=404, detail="no such item"))

    @app.exception_handler(Exception)
    async def server_error(_request: Request, _exc: Exception) -> Response:
        # Answered outside the middleware stack (Starlette's ServerErrorMiddleware): the
        # security headers are added here, and nothing of the error is shown.
        return PlainTextResponse(
            "Internal Server Error",
            status_code=500,
            headers={k.decode(): v.decode() for k, v in (*SECURITY_HEADERS, NO_STORE)},
        )

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        if isinstance(exc.__cause__, RecursionError):  # FastAPI's JSON parse of a deep body
            exc = HTTPException(status_code=400, detail="the JSON body is nested too deeply")
        if _wants_json(request):
            return JSONResponse(
                {"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers
            )
        st: AppState = request.app.state.sourcetrace
        return render(
            request,
            st,
            "error.html",
            status_code=exc.status_code,
            status=exc.status_code,
            detail=exc.detail,
        )


def _quote(path: str) -> str:
    return quote(path, safe="/")
