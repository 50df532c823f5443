"""Who is asking: session login, API keys, roles and CSRF tokens.

Pages authenticate by the signed session cookie only; the JSON API also takes
``Authorization: ApiKey <key>``. Every form POST carries the session's CSRF token.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Callable
from typing import Annotated

from fastapi import Depends, HTTPException, Request, Security
from fastapi.security import APIKeyHeader
from starlette.datastructures import FormData

from sourcetrace.review.accounts import User, get_user, user_for_key
from sourcetrace.web.state import AppState, StateDep

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


def require_api(role: str) -> Callable[..., User]:
    """An API dependency: an API key, or else a session, whose account has ``role`` or higher.

    A request that sends an Authorization header is judged by it alone, so a wrong or revoked key
    is refused even from a browser that is logged in.
    """

    def dependency(
        request: Request,
        st: StateDep,
        authorization: Annotated[str | None, Security(API_KEY_HEADER)] = None,
    ) -> User:
        user = key_user(authorization, st) if authorization else session_user(request, st)
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
