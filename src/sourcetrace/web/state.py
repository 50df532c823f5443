"""What the web app builds once at start-up and every request shares."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path as PathLib
from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, Path, Request
from fastapi.templating import Jinja2Templates
from sqlalchemy import Engine

from sourcetrace.matching.matcher import Matcher
from sourcetrace.screening import ListUsed
from sourcetrace.settings import Settings
from sourcetrace.web.config import WebConfig
from sourcetrace.web.runner import JobRunner
from sourcetrace.web.throttle import LoginThrottle

if TYPE_CHECKING:
    from sourcetrace.web.security import VerifiedKeys

HERE = PathLib(__file__).resolve().parent
MAX_ID = 2**63 - 1
"""The largest id the store can hold (a signed 64-bit integer)."""
ItemId = Annotated[int, Path(ge=0, le=MAX_ID)]
"""A path parameter naming a job, chain, key or row: beyond the store's integers it is a 422
(SQLite would raise OverflowError on it: a 500)."""


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
    throttle: LoginThrottle
    """Counts failed logins in the store, so that every server process slows the same guesses."""
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
