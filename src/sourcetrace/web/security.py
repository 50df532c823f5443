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
from sqlalchemy import Engine, select
from starlette.datastructures import FormData
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sourcetrace.store.workspace import meta
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


NO_STORE = (b"cache-control", b"no-store")
"""Pages and downloads hold screening results: no browser or proxy cache keeps them."""


def host_name(value: str) -> str:
    """The host of a ``Host`` header value, without port or IPv6 brackets, lower case."""
    value = value.strip().lower()
    if value.startswith("["):
        return value[1 : value.find("]")] if "]" in value else ""
    if value.count(":") == 1:
        value = value.split(":", 1)[0]
    return value.rstrip(".")


class SecurityHeaders:
    """ASGI middleware: the ``Host`` allowlist, :data:`SECURITY_HEADERS` on every answer that
    lacks them, and ``Cache-Control: no-store`` on everything but the static files.

    Plain ASGI rather than ``@app.middleware("http")``: Starlette's ``BaseHTTPMiddleware`` runs
    each request in a task group with memory streams, which cost about as much CPU as a match.
    A request whose ``Host`` is not in ``allowed_hosts`` is answered 400 here, before any route.
    """

    def __init__(self, app: ASGIApp, allowed_hosts: tuple[str, ...] = ("*",)) -> None:
        self.app = app
        self.any_host = "*" in allowed_hosts
        self.allowed_hosts = frozenset(allowed_hosts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cacheable = scope["path"].startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                present = {name.lower() for name, _ in headers}
                headers.extend(h for h in SECURITY_HEADERS if h[0] not in present)
                if not cacheable and NO_STORE[0] not in present:
                    headers.append(NO_STORE)
                message = {**message, "headers": headers}
            await send(message)

        if not self.any_host:
            host = next((v for k, v in scope["headers"] if k == b"host"), b"")
            if host_name(host.decode("latin-1")) not in self.allowed_hosts:
                body = b"unknown host: set SOURCETRACE_ALLOWED_HOSTS to the names of this server\n"
                await send_with_headers(
                    {
                        "type": "http.response.start",
                        "status": 400,
                        "headers": [
                            (b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()),
                        ],
                    }
                )
                await send_with_headers({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send_with_headers)


class BodyTooLarge(HTTPException):
    """A request body over its route's limit (413), raised while the body streams in."""

    def __init__(self, limit: int) -> None:
        super().__init__(
            status_code=413,
            detail=f"the request body is larger than the limit of {_size(limit)} for this address; "
            "nothing was stored",
        )


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} kB"


class BodyLimit:
    """ASGI middleware that bounds every request body, counted as it streams in.

    ``limit_for(method, path)`` gives the most bytes a request may send. A declared
    ``Content-Length`` over it is refused at the first read, and a body sent without one
    (``Transfer-Encoding: chunked``) is refused as soon as the bytes received pass it, so
    nothing past the limit is ever spooled. The refusal is a :class:`BodyTooLarge`
    ``HTTPException`` raised from ``receive``: the route that reads the body answers 413 through
    the app's error handlers (page or JSON, with the security headers).
    """

    def __init__(self, app: ASGIApp, limit_for: Callable[[str, str], int]) -> None:
        self.app = app
        self.limit_for = limit_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["method"], scope["path"])
        declared = next((v for k, v in scope["headers"] if k == b"content-length"), b"")
        if declared.isdigit() and int(declared) > limit:
            received = limit + 1  # refused at the first read, before a byte is taken
        else:
            received = 0

        async def limited() -> Message:
            nonlocal received
            if received > limit:
                raise BodyTooLarge(limit)
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        await self.app(scope, limited, send)


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


def _generation_key(username: str) -> str:
    return f"session_gen:{username}"[:64]


def session_generation(engine: Engine, username: str) -> str:
    """The account's session generation: a login's cookie is valid while it is unchanged."""
    with engine.connect() as conn:
        value = conn.execute(
            select(meta.c.value).where(meta.c.key == _generation_key(username))
        ).scalar()
    return str(value or "0")


def end_sessions(engine: Engine, username: str) -> None:
    """End every session of the account (logout): cookies signed before now are refused.

    The cookie is signed, not stored, so a copy of it would live on until it expires (8 hours);
    a new generation, kept in the store's ``meta`` table, makes every earlier one worthless.
    """
    key = _generation_key(username)
    with engine.begin() as conn:
        current = conn.execute(select(meta.c.value).where(meta.c.key == key)).scalar()
        new = secrets.token_hex(8)
        if current is None:
            conn.execute(meta.insert().values(key=key, value=new))
        else:
            conn.execute(meta.update().where(meta.c.key == key).values(value=new))


def session_user(request: Request, st: AppState) -> User | None:
    """The active account logged in on this session, if any, and not logged out since."""
    username = request.session.get("user")
    if not isinstance(username, str):
        return None
    user = get_user(st.engine, username)
    if (
        user is None
        or not user.active
        or request.session.get("gen") != session_generation(st.engine, username)
    ):
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


_CSRF_REFUSED = "the form has expired or did not come from this site: reload the page and try again"
FIRST_PART_BYTES = 16 * 1024
"""How far into a multipart body the CSRF token, its first field, must have been found."""
FORM_LIMITS: dict[str, int] = {"max_files": 4, "max_fields": 5000, "max_part_size": 1024 * 1024}
"""Starlette's form limits: a few files, and fields enough for a bulk decision on a long queue."""


def _refuse_csrf() -> HTTPException:
    return HTTPException(status_code=403, detail=_CSRF_REFUSED)


async def checked_form(request: Request) -> FormData:
    """The POSTed form, refused with 403 unless it carries the session's CSRF token.

    The token is checked before the body is parsed: a session without a token is refused before a
    byte is read, and a multipart body must send ``csrf_token`` as its first field (the
    workspace's forms do), checked within its first :data:`FIRST_PART_BYTES`; files and other
    fields are spooled only after it matched. How much is read at all is bounded by
    :class:`BodyLimit`. The caller closes the form (its uploaded files) when done.
    """
    expected = request.session.get("csrf")
    if not isinstance(expected, str):
        raise _refuse_csrf()
    source = request
    if request.headers.get("content-type", "").lower().startswith("multipart/form-data"):
        source = Request(request.scope, await _first_part_checked(request, expected))
    form = await source.form(**FORM_LIMITS)
    sent = form.get(CSRF_FIELD)
    if not isinstance(sent, str) or not secrets.compare_digest(sent, expected):
        await form.close()
        raise _refuse_csrf()
    return form


async def _first_part_checked(request: Request, expected: str) -> Receive:
    """Read a multipart body up to the end of its first field, which must be the CSRF token.

    Returns a ``receive`` that gives the bytes read so far again, then the rest of the body.
    """
    from python_multipart.exceptions import FormParserError
    from python_multipart.multipart import MultipartParser, parse_options_header

    _, params = parse_options_header(request.headers.get("content-type", ""))
    boundary = params.get(b"boundary")
    if not boundary:
        raise HTTPException(status_code=400, detail="the form has no multipart boundary")
    first: dict[str, bytearray] = {"headers": bytearray(), "value": bytearray()}
    state = {"in_first": True, "done": False}

    def on_header_field(data: bytes, start: int, end: int) -> None:
        if state["in_first"]:
            first["headers"] += b"\n" + data[start:end].lower() + b":"

    def on_header_value(data: bytes, start: int, end: int) -> None:
        if state["in_first"]:
            first["headers"] += data[start:end]

    def on_part_data(data: bytes, start: int, end: int) -> None:
        if state["in_first"]:
            first["value"] += data[start:end]

    def on_part_end() -> None:
        state["in_first"] = False
        state["done"] = True

    parser = MultipartParser(
        boundary,
        {
            "on_header_field": on_header_field,
            "on_header_value": on_header_value,
            "on_part_data": on_part_data,
            "on_part_end": on_part_end,
        },
    )
    received: list[Message] = []
    size = 0
    more = True
    while more and not state["done"] and size <= FIRST_PART_BYTES:
        message = await request.receive()
        received.append(message)
        if message["type"] != "http.request":
            break
        body = message.get("body", b"")
        size += len(body)
        more = bool(message.get("more_body", False))
        try:
            parser.write(body[: max(0, FIRST_PART_BYTES + 1 - (size - len(body)))])
        except FormParserError:  # a malformed body: refused like a missing token
            raise _refuse_csrf() from None
    disposition = next(
        (
            line
            for line in bytes(first["headers"]).split(b"\n")
            if line.startswith(b"content-disposition:")
        ),
        b"",
    )
    _, options = parse_options_header(disposition.partition(b":")[2])
    if not (
        state["done"]
        and options.get(b"name") == CSRF_FIELD.encode()
        and secrets.compare_digest(bytes(first["value"]), expected.encode())
    ):
        raise _refuse_csrf()

    async def replay() -> Message:
        if received:
            return received.pop(0)
        return await request.receive()

    return replay


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
