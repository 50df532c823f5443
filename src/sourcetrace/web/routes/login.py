"""Logging in and out of the workspace."""

from __future__ import annotations

import math
from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from sourcetrace.web.pages import redirect, render
from sourcetrace.web.security import (
    CheckedForm,
    csrf_token,
    end_sessions,
    session_generation,
    session_user,
)
from sourcetrace.web.state import AppState, StateDep
from sourcetrace.workspace.accounts import authenticate

router = APIRouter(include_in_schema=False)
PASSWORD_WAIT = 30.0
"""Seconds a login waits for a password-checking turn before it is told the server is busy."""


def _safe_next(target: str | None) -> str:
    # Only paths on this site, so the login page cannot be used to send people elsewhere.
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


def _slowed(request: Request, st: AppState, target: str, wait: int) -> Response:
    """The login page answering 429: this attempt was not checked; when to try again."""
    slowed = render(
        request,
        st,
        "login.html",
        status_code=429,
        next=target,
        error=f"Too many failed logins: wait {_seconds(wait)} before trying again.",
    )
    slowed.headers["Retry-After"] = str(wait)
    return slowed


def _seconds(wait: int) -> str:
    """A wait as people read it: seconds up to two minutes, then whole minutes (rounded up)."""
    if wait < 120:
        return "1 second" if wait == 1 else f"{wait} seconds"
    return f"{math.ceil(wait / 60)} minutes"


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, st: StateDep, next: str = "/") -> Response:
    if session_user(request, st) is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return render(request, st, "login.html", next=_safe_next(next), error=None)


@router.post("/login", response_class=HTMLResponse)
def login(request: Request, form: CheckedForm, st: StateDep) -> Response:
    username = str(form.get("username") or "")
    password = str(form.get("password") or "")
    target = _safe_next(str(form.get("next") or "/"))
    address = request.client.host if request.client else None
    # Checked before the password: a throttled guess costs no argon2 and is not counted.
    wait = st.throttle.wait(username, address)
    if wait:
        return _slowed(request, st, target, wait)
    # argon2 takes ~64 MB per check: a few at once, however many logins arrive together.
    if not st.password_turns.acquire(timeout=PASSWORD_WAIT):
        busy = render(
            request,
            st,
            "login.html",
            status_code=503,
            next=target,
            error="The server is busy checking other logins: try again in a moment.",
        )
        busy.headers["Retry-After"] = "5"
        return busy
    try:
        # Again once it is this login's turn: guesses sent together and queued for a turn are
        # slowed by the failures before them, which are counted before the turn is given back.
        wait = st.throttle.wait(username, address)
        user = None if wait else authenticate(st.engine, username, password)
        if user is None and not wait:
            st.throttle.failed(username, address)
    finally:
        st.password_turns.release()
    if wait:
        return _slowed(request, st, target, wait)
    if user is None:
        return render(
            request,
            st,
            "login.html",
            status_code=401,
            next=target,
            error="Wrong username or password.",
        )
    st.throttle.succeeded(username, address)
    # A fresh session (and CSRF token) at login, so a session planted beforehand is worthless.
    request.session.clear()
    request.session["user"] = user.username
    request.session["gen"] = session_generation(st.engine, user.username)
    csrf_token(request)
    return redirect(target)


@router.post("/logout")
def logout(request: Request, _form: CheckedForm, st: StateDep) -> Response:
    # Every session of the account ends, here and in other browsers: a saved cookie is refused.
    user = session_user(request, st)
    if user is not None:
        end_sessions(st.engine, user.username)
    request.session.clear()
    return redirect("/login")
