"""Rendering pages: every template gets the account, the CSRF token and the lists in use."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

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


LINK_SCHEMES = ("http", "https")
"""The only URL schemes a link from list data may have: no ``javascript:``, ``data:``, ``file:``."""
STANDALONE_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'"
)
"""The CSP of an exported report (evidence pack): its inline styles and nothing else, no script."""


def web_url(value: object) -> str | None:
    """``value`` if it is an absolute http(s) URL with a host, else None (shown as text)."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in LINK_SCHEMES or not parts.netloc:
        return None
    # Control characters or spaces could let a browser read the URL differently from us.
    if any(ord(c) < 33 or ord(c) == 127 for c in text):
        return None
    return text


def make_templates() -> Jinja2Templates:
    """The page templates; HTML is escaped by default, so names from files and lists are inert."""
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.autoescape = True
    templates.env.globals["decision_labels"] = DECISION_LABELS
    templates.env.globals["standalone_csp"] = STANDALONE_CSP
    templates.env.filters["web_url"] = web_url
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
