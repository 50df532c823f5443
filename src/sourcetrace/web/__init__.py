"""The web workspace (review queue, reports) and the yente-compatible ``/match`` API."""

from __future__ import annotations

from sourcetrace.web.app import create_app

__all__ = ["create_app"]
