"""Logging in and out of the workspace."""

from __future__ import annotations

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
from sourcetrace.web.state import StateDep
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
    if st.throttle.locked(username):
        return render(
            request,
            st,
            "login.html",
            status_code=429,
            next=target,
            error="Too many failed logins for this account: wait 15 minutes or ask an admin.",
        )
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
        user = authenticate(st.engine, username, password)
    finally:
        st.password_turns.release()
    if user is None:
        st.throttle.failed(username)
        return render(
            request,
            st,
            "login.html",
            status_code=401,
            next=target,
            error="Wrong username or password.",
        )
    st.throttle.succeeded(username)
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
