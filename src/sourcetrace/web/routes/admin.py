"""Managing the tool's accounts and API keys, and reading the audit log (admins only)."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from sourcetrace.errors import ConfigError
from sourcetrace.web.pages import redirect, render
from sourcetrace.web.security import (
    Admin,
    CheckedForm,
)
from sourcetrace.web.state import AppState, ItemId, StateDep
from sourcetrace.workspace import ROLES, accounts, audit

router = APIRouter(prefix="/admin", include_in_schema=False)


def _users_page(
    request: Request,
    st: AppState,
    *,
    error: str | None = None,
    new_key: str | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        st,
        "users.html",
        status_code=status_code,
        users=accounts.list_users(st.engine),
        keys=accounts.list_api_keys(st.engine),
        roles=ROLES,
        error=error,
        new_key=new_key,
    )


def _changed(request: Request, st: AppState, change: Callable[[], object]) -> Response:
    """Make an account change and go back to the users page; a change the store refuses shows
    the page again with the reason."""
    try:
        change()
    except ConfigError as exc:
        return _users_page(request, st, error=exc.line(), status_code=400)
    return redirect("/admin/users")


@router.get("/users", response_class=HTMLResponse)
def users_page(request: Request, _user: Admin, st: StateDep) -> Response:
    return _users_page(request, st)


@router.post("/users", response_class=HTMLResponse)
def add_user(
    request: Request,
    user: Admin,
    form: CheckedForm,
    st: StateDep,
) -> Response:
    return _changed(
        request,
        st,
        lambda: accounts.add_user(
            st.engine,
            str(form.get("username") or ""),
            str(form.get("role") or ""),
            str(form.get("password") or ""),
            actor=user.username,
        ),
    )


@router.post("/users/{username}/role", response_class=HTMLResponse)
def change_role(
    request: Request,
    username: str,
    user: Admin,
    form: CheckedForm,
    st: StateDep,
) -> Response:
    if username == user.username:
        return _users_page(request, st, error="You cannot change your own role.", status_code=400)
    role = str(form.get("role") or "")
    return _changed(
        request, st, lambda: accounts.set_role(st.engine, username, role, actor=user.username)
    )


@router.post("/users/{username}/active", response_class=HTMLResponse)
def change_active(
    request: Request,
    username: str,
    user: Admin,
    form: CheckedForm,
    st: StateDep,
) -> Response:
    if username == user.username:
        return _users_page(
            request, st, error="You cannot switch off your own account.", status_code=400
        )
    active = form.get("active") == "1"
    return _changed(
        request, st, lambda: accounts.set_active(st.engine, username, active, actor=user.username)
    )


@router.post("/keys", response_class=HTMLResponse)
def create_key(
    request: Request,
    user: Admin,
    form: CheckedForm,
    st: StateDep,
) -> Response:
    try:
        key = accounts.create_api_key(
            st.engine,
            str(form.get("username") or ""),
            str(form.get("label") or "")[:200],
            actor=user.username,
        )
    except ConfigError as exc:
        return _users_page(request, st, error=exc.line(), status_code=400)
    # Shown once, in this response only; the store keeps its hash.
    return _users_page(request, st, new_key=key)


@router.post("/keys/{key_id}/revoke", response_class=HTMLResponse)
def revoke_key(
    request: Request,
    key_id: ItemId,
    user: Admin,
    _form: CheckedForm,
    st: StateDep,
) -> Response:
    return _changed(
        request, st, lambda: accounts.revoke_api_key(st.engine, key_id, actor=user.username)
    )


@router.get("/audit", response_class=HTMLResponse)
def audit_page(request: Request, _user: Admin, st: StateDep) -> Response:
    return render(
        request,
        st,
        "audit.html",
        entries=list(reversed(audit.entries(st.engine, limit=200))),
        total=audit.count(st.engine),
        broken_at=audit.verify_chain(st.engine),
    )
