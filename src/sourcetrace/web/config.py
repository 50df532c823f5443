"""The web workspace's own settings, each with its default and ``SOURCETRACE_`` variable."""

from __future__ import annotations

import os
from dataclasses import dataclass

from sourcetrace.errors import ConfigError
from sourcetrace.io.readers import FORMATS

UPLOAD_SUFFIXES: tuple[str, ...] = tuple(sorted(FORMATS))
"""File types the upload form accepts: those :func:`sourcetrace.io.readers.read_table` reads."""


@dataclass(frozen=True, slots=True)
class WebConfig:
    """How the web app runs; read from the environment by :func:`load_web_config`."""

    max_upload_bytes: int = 50 * 1024 * 1024
    """Largest supplier file accepted (``SOURCETRACE_MAX_UPLOAD_MB``, default 50)."""

    max_form_bytes: int = 1024 * 1024
    """Largest body of any other form POST (``SOURCETRACE_MAX_FORM_KB``, default 1024)."""

    max_api_body_bytes: int = 2 * 1024 * 1024
    """Largest JSON body of ``/match`` and ``/api/`` requests (``SOURCETRACE_MAX_API_BODY_MB``)."""

    password_checks: int = 2
    """Password checks (argon2, ~64 MB each) run at once (``SOURCETRACE_PASSWORD_CHECKS``)."""

    allowed_hosts: tuple[str, ...] = ("localhost", "127.0.0.1", "::1")
    """Names the server answers to in the ``Host`` header (``SOURCETRACE_ALLOWED_HOSTS``, comma
    separated; ``*`` for any): others get 400, so a rebinding DNS name cannot reach it."""

    secret_key: str | None = None
    """Key that signs session cookies (``SOURCETRACE_SECRET_KEY``); default: one kept in the store."""

    session_hours: int = 8
    """How long a login lasts (``SOURCETRACE_SESSION_HOURS``)."""

    https_only: bool = False
    """Send the session cookie over HTTPS only (``SOURCETRACE_HTTPS_ONLY=1``) behind a TLS proxy."""


def load_web_config(**overrides: object) -> WebConfig:
    """Defaults, then ``SOURCETRACE_*`` variables, then explicit overrides."""
    env = os.environ
    values: dict[str, object] = {}
    try:
        if "SOURCETRACE_MAX_UPLOAD_MB" in env:
            values["max_upload_bytes"] = int(float(env["SOURCETRACE_MAX_UPLOAD_MB"]) * 1024 * 1024)
        if "SOURCETRACE_MAX_FORM_KB" in env:
            values["max_form_bytes"] = int(float(env["SOURCETRACE_MAX_FORM_KB"]) * 1024)
        if "SOURCETRACE_MAX_API_BODY_MB" in env:
            values["max_api_body_bytes"] = int(
                float(env["SOURCETRACE_MAX_API_BODY_MB"]) * 1024 * 1024
            )
        if "SOURCETRACE_PASSWORD_CHECKS" in env:
            values["password_checks"] = max(1, int(env["SOURCETRACE_PASSWORD_CHECKS"]))
        if "SOURCETRACE_SESSION_HOURS" in env:
            values["session_hours"] = int(env["SOURCETRACE_SESSION_HOURS"])
    except ValueError as exc:
        raise ConfigError(f"bad web setting: {exc}") from None
    if env.get("SOURCETRACE_ALLOWED_HOSTS", "").strip():
        values["allowed_hosts"] = tuple(
            h.strip().lower().strip("[]")
            for h in env["SOURCETRACE_ALLOWED_HOSTS"].split(",")
            if h.strip()
        )
    if env.get("SOURCETRACE_SECRET_KEY"):
        values["secret_key"] = env["SOURCETRACE_SECRET_KEY"]
    if env.get("SOURCETRACE_HTTPS_ONLY", "").lower() in ("1", "true", "yes"):
        values["https_only"] = True
    values.update({k: v for k, v in overrides.items() if v is not None})
    return WebConfig(**values)  # type: ignore[arg-type]
