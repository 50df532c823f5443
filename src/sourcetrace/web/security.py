"""Who is asking: session login, API keys, roles and CSRF tokens; the headers of every answer.

Pages authenticate by the signed session cookie only; the JSON API also takes
``Authorization: ApiKey <key>``. Every form POST carries the session's CSRF token.
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
import threading
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Annotated

from fastapi import Depends, HTTPException, Request, Security
from fastapi.concurrency import run_in_threadpool
from fastapi.security import APIKeyHeader
from sqlalchemy import Engine
from starlette.datastructures import FormData
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sourcetrace.web.state import AppState, StateDep, app_state
from sourcetrace.workspace.accounts import User, get_user, user_for_key

CSRF_FIELD = "csrf_token"
API_KEY_HEADER = APIKeyHeader(
    name="Authorization",
    scheme_name="ApiKey",
    description="`ApiKey <key>`, a key an admin made with `sourcetrace users api-key` or on the Users page",
    auto_error=False,
)


class LoginRequired(Exception):
    """No valid session (pages answer with a redirect to the login page)."""


class ApiAuthRequired(Exception):
    """No valid session or API key on an API route (answered with 401)."""


SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    # Only this site's own scripts, styles and images; no framing.
    (
        b"content-security-policy",
        (
            b"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            b"frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
        ),
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
)


class SecurityHeaders:
    """ASGI middleware that adds :data:`SECURITY_HEADERS` to every answer that lacks them.

    Plain ASGI rather than ``@app.middleware("http")``: Starlette's ``BaseHTTPMiddleware`` runs
    each request in a task group with memory streams, which cost about as much CPU as a match.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                present = {name.lower() for name, _ in headers}
                headers.extend(h for h in SECURITY_HEADERS if h[0] not in present)
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class VerifiedKeys:
    """API keys found valid in the store, remembered until anything in the store changes.

    Looking a key up costs a store query on a worker thread, a few times the CPU of a match;
    asking whether the store changed costs one ``PRAGMA data_version`` (tens of microseconds),
    which changes whenever any connection of any process commits. A key revoked, or an account
    switched off or given another role, is therefore refused from the next request on, in every
    server process. Only SQLite stores offer such a check; on others every request is looked up.
    """

    def __init__(self, engine: Engine, size: int = 1024) -> None:
        url = engine.url
        path = url.database if url.get_backend_name() == "sqlite" else None
        self._path = path if path and path != ":memory:" and not path.startswith("file:") else None
        self._size = size
        self._users: dict[bytes, tuple[int, User]] = {}
        self._conn: sqlite3.Connection | None = None
        self._closer: weakref.finalize[[], VerifiedKeys] | None = None
        self._lock = threading.Lock()

    def stamp(self) -> int | None:
        """The store's change counter as this process sees it now; None when it has none."""
        if self._path is None:
            return None
        with self._lock:
            try:
                if self._conn is None:
                    # Read-only and in autocommit: each pragma reads the file's counter afresh.
                    uri = Path(self._path).resolve().as_uri() + "?mode=ro"
                    self._conn = sqlite3.connect(
                        uri, uri=True, isolation_level=None, check_same_thread=False
                    )
                    self._closer = weakref.finalize(self, self._conn.close)
                return int(self._conn.execute("PRAGMA data_version").fetchone()[0])
            except sqlite3.Error:  # the store cannot say now: the key is looked up
                return None

    def get(self, key: str, stamp: int | None) -> User | None:
        """The account of ``key`` if it was found valid and the store has not changed since."""
        if stamp is None:
            return None
        found = self._users.get(_digest(key))
        return found[1] if found is not None and found[0] == stamp else None

    def put(self, key: str, user: User, stamp: int | None) -> None:
        """Remember ``key`` as ``user``'s, as looked up after the store read ``stamp``."""
        if stamp is None:
            return
        with self._lock:
            if len(self._users) >= self._size:
                self._users.clear()
            self._users[_digest(key)] = (stamp, user)

    def close(self) -> None:
        with self._lock:
            if self._closer is not None:
                self._closer()
            self._conn = self._closer = None
            self._users.clear()


def _digest(key: str) -> bytes:
    # The keys themselves are not kept in memory longer than the request.
    return hashlib.sha256(key.encode("utf-8")).digest()


def csrf_token(request: Request) -> str:
    """The session's CSRF token, made on first use."""
    token = request.session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def session_user(request: Request, st: AppState) -> User | None:
    """The active account logged in on this session, if any."""
    username = request.session.get("user")
    if not isinstance(username, str):
        return None
    user = get_user(st.engine, username)
    if user is None or not user.active:
        request.session.clear()
        return None
    return user


def key_user(authorization: str | None, st: AppState) -> User | None:
    """The account of the API key in an Authorization header value, if valid."""
    scheme, _, key = (authorization or "").partition(" ")
    if scheme.lower() not in ("apikey", "bearer") or not key.strip():
        return None
    return user_for_key(st.engine, key.strip())


def require(role: str) -> Callable[..., User]:
    """A page dependency: the session's account, which must have ``role`` or a higher one."""

    def dependency(request: Request, st: StateDep) -> User:
        user = session_user(request, st)
        if user is None:
            raise LoginRequired()
        if not user.can(role):
            raise HTTPException(status_code=403, detail=f"this needs the {role} role")
        request.state.user = user
        return user

    return dependency


async def api_key_user(authorization: str, st: AppState) -> User | None:
    """:func:`key_user`, answered from :class:`VerifiedKeys` while the store has not changed."""
    stamp = st.keys.stamp()
    user = st.keys.get(authorization, stamp)
    if user is None:
        user = await run_in_threadpool(key_user, authorization, st)
        if user is not None:
            st.keys.put(authorization, user, stamp)
    return user


def require_api(role: str) -> Callable[..., Awaitable[User]]:
    """An API dependency: an API key, or else a session, whose account has ``role`` or higher.

    A request that sends an Authorization header is judged by it alone, so a wrong or revoked key
    is refused even from a browser that is logged in.
    """

    async def dependency(
        request: Request,
        authorization: Annotated[str | None, Security(API_KEY_HEADER)] = None,
    ) -> User:
        st = app_state(request)  # not a StateDep: each dependency costs FastAPI time per request
        if authorization:
            user = await api_key_user(authorization, st)
        else:
            user = await run_in_threadpool(session_user, request, st)
        if user is None:
            raise ApiAuthRequired()
        if not user.can(role):
            raise HTTPException(status_code=403, detail=f"this needs the {role} role")
        return user

    return dependency


async def checked_form(request: Request) -> FormData:
    """The POSTed form, refused with 403 unless it carries the session's CSRF token.

    The caller closes the form (its uploaded files) when done.
    """
    form = await request.form()
    sent = form.get(CSRF_FIELD)
    expected = request.session.get("csrf")
    if (
        not isinstance(sent, str)
        or not isinstance(expected, str)
        or not secrets.compare_digest(sent, expected)
    ):
        await form.close()
        raise HTTPException(
            status_code=403,
            detail="the form has expired or did not come from this site: reload the page and try again",
        )
    return form


async def csrf_form(request: Request) -> AsyncIterator[FormData]:
    """A route dependency: :func:`checked_form`, closed after the route has answered."""
    form = await checked_form(request)
    try:
        yield form
    finally:
        await form.close()


CheckedForm = Annotated[FormData, Depends(csrf_form)]
"""A route parameter that receives the POSTed form after its CSRF token was checked."""
Viewer = Annotated[User, Depends(require("viewer"))]
Analyst = Annotated[User, Depends(require("analyst"))]
Admin = Annotated[User, Depends(require("admin"))]
ApiViewer = Annotated[User, Depends(require_api("viewer"))]
