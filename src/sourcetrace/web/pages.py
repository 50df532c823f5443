"""Rendering pages: every template gets the account, the CSRF token and the lists in use."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from sourcetrace.web.security import csrf_token
from sourcetrace.web.state import HERE, AppState

DECISION_LABELS = {
    "confirmed": "Confirmed match",
    "false_positive": "False positive",
    "unsure": "Unsure",
}


def make_templates() -> Jinja2Templates:
    """The page templates; HTML is escaped by default, so names from files and lists are inert."""
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.autoescape = True
    templates.env.globals["decision_labels"] = DECISION_LABELS
    return templates


def render(
    request: Request, st: AppState, name: str, status_code: int = 200, **context: Any
) -> HTMLResponse:
    """A page from a template, with the shared context."""
    context.setdefault("user", getattr(request.state, "user", None))
    context["csrf_token"] = csrf_token(request)
    context["lists_used"] = st.lists
    return st.templates.TemplateResponse(request, name, context, status_code=status_code)


def redirect(url: str) -> RedirectResponse:
    """Go to ``url`` after a POST (303, so the browser GETs it)."""
    return RedirectResponse(url, status_code=303)
