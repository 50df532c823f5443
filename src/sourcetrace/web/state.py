"""What the web app builds once at start-up and every request shares."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, Request
from fastapi.templating import Jinja2Templates
from sqlalchemy import Engine

from sourcetrace.matching.score import Matcher
from sourcetrace.screening import ListUsed
from sourcetrace.settings import Settings
from sourcetrace.web.config import WebConfig
from sourcetrace.web.runner import JobRunner
from sourcetrace.web.throttle import LoginThrottle

if TYPE_CHECKING:
    from sourcetrace.web.security import VerifiedKeys

HERE = Path(__file__).resolve().parent


@dataclass(slots=True)
class AppState:
    """The store, the matcher over the bundled lists, the templates, the job runner, known keys."""

    engine: Engine
    settings: Settings
    config: WebConfig
    matcher: Matcher
    lists: list[ListUsed]
    templates: Jinja2Templates
    runner: JobRunner
    keys: VerifiedKeys
    throttle: LoginThrottle = field(default_factory=LoginThrottle)
    password_turns: threading.BoundedSemaphore = field(
        default_factory=lambda: threading.BoundedSemaphore(2)
    )
    """Bounds the password checks (argon2) running at once; sized from the config at start."""


def app_state(request: Request) -> AppState:
    """The app's shared state, reached from a request."""
    st: AppState = request.app.state.sourcetrace
    return st


async def state(request: Request) -> AppState:
    """The app's shared state, for a route's dependencies (async: no trip to a worker thread)."""
    return app_state(request)


StateDep = Annotated[AppState, Depends(state)]
"""A route parameter that receives the app's shared state."""
