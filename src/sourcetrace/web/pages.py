"""Rendering pages: every template gets the account, the CSRF token, the lists in use and a warning
naming any list snapshot older than ``stale_list_days``."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from sourcetrace.catalogue import Catalogue
from sourcetrace.lists.freshness import StaleList, stale_lists
from sourcetrace.web import formats
from sourcetrace.web.security import csrf_token
from sourcetrace.web.state import HERE, AppState

DECISION_LABELS = {
    "confirmed": "Confirmed match",
    "false_positive": "False positive",
    "unsure": "Unsure",
    "cleared": "Cleared",
    "escalated": "Escalated",
    "awaiting": "Awaiting second review",
}


"""The only URL schemes a link from list data may have: no ``javascript:``, ``data:``, ``file:``."""
STANDALONE_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'"
)
"""The CSP of an exported report (evidence pack): its inline styles and nothing else, no script."""


def make_templates() -> Jinja2Templates:
    """The page templates; HTML is escaped by default, so names from files and lists are inert."""
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.autoescape = True
    templates.env.globals["decision_labels"] = DECISION_LABELS
    formats.install(templates.env)
    templates.env.globals["standalone_csp"] = STANDALONE_CSP
    return templates


def render(
    request: Request, st: AppState, name: str, status_code: int = 200, **context: Any
) -> HTMLResponse:
    """A page from a template, with the shared context."""
    context.setdefault("user", getattr(request.state, "user", None))
    context["csrf_token"] = csrf_token(request)
    context["lists_used"] = st.lists
    if "stale" not in context:  # for signed-in readers: the login page needs no list news
        context["stale"] = stale_in(st) if context.get("user") else []
    context["stale_days"] = st.settings.stale_list_days
    return st.templates.TemplateResponse(request, name, context, status_code=status_code)


def redirect(url: str) -> RedirectResponse:
    """Go to ``url`` after a POST (303, so the browser GETs it)."""
    return RedirectResponse(url, status_code=303)


def store_url(st: AppState) -> str:
    """The URL of the app's store, where the imported list versions are too."""
    return st.engine.url.render_as_string(hide_password=False)


def stale_in(st: AppState) -> list[StaleList]:
    """The lists in force (bundled, or imported into the store) older than the setting allows."""
    return stale_lists(Catalogue(store_url(st)).lists(), st.settings.stale_list_days)
