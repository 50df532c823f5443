"""Settings in one place: each with its default, its help text and its environment variable.

A value is read from ``SOURCETRACE_<NAME>`` when set (e.g. ``SOURCETRACE_MATCH_THRESHOLD=0.9``);
command-line options override both.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from pathlib import Path

import platformdirs

from sourcetrace.errors import ConfigError

ENV_PREFIX = "SOURCETRACE_"


@dataclass(frozen=True, slots=True)
class Settings:
    match_threshold: float = 0.88
    """Score at or above which a hit whose trade name agrees is decided ``match``."""

    review_threshold: float = 0.70
    """Score at or above which a hit is decided ``review``; below it the row is ``clear``."""

    max_candidates: int = 12
    """How many candidate names from the index are scored per distinct input name."""

    data_dir: Path = Path(platformdirs.user_data_dir("sourcetrace"))
    """Where the local store lives (list versions, decisions)."""

    progress_min_rows: int = 2000
    """Inputs with at least this many rows get a progress bar."""

    # Limits on what one input or list file may hold, checked while it is read, so that a small
    # file that unpacks to gigabytes (a "decompression bomb") is refused before it is unpacked.
    # The defaults sit far above any real supplier list, bill-of-lading export or official list;
    # docs/input-files.md says why each value and how to raise it.

    max_input_bytes: int = 4 << 30
    """Most bytes an input or list file may hold once decompressed (4 GiB)."""

    max_input_rows: int = 20_000_000
    """Most data rows in one input or list file."""

    max_input_columns: int = 1_000
    """Most columns in one input table."""

    max_cell_chars: int = 10_000
    """Most characters in one cell (Excel itself stops at 32,767)."""

    max_compression_ratio: int = 100
    """Most bytes one compressed byte of an XLSX part may unpack to (Apache POI's default)."""
    progress_interval: float = 5.0
    """Seconds between progress lines when standard error is not a terminal (a log)."""
    # Tracing a supply chain in the web workspace runs as a job in a child process held to
    # these limits (docs/security.md, docs/tracing.md): past either, the job fails with the
    # reason and the server carries on.
    screen_job_seconds: float = 1800.0
    """Longest (wall time, seconds) one upload may be screened in the web workspace; past it the
    job fails with the reason and stores nothing. (A screening runs in a thread of the server,
    so it has no memory limit of its own: the upload and reader limits bound what it reads.)"""
    trace_job_seconds: float = 600.0
    """Longest (wall time, seconds) a chain may be traced in the web workspace."""
    trace_job_memory_mb: int = 2048
    """Most memory (address space, MB) the process tracing one chain in the web workspace may
    take (about 700 MB of it is reserved by Python and its libraries before any work)."""
    map_max_links: int = 20_000
    """Most links (supply links and shipment rows) and most holdings of a chain uploaded to the
    web workspace; a larger one is refused at upload, before any name is screened."""
    trace_workers_from: int = 20_000
    """Distinct party names and texts from which ``trace`` parses and screens them in the bulk
    engine's worker processes (``--workers``); below it in one process, where starting the
    workers costs more than they save (docs/tracing.md)."""
    stale_list_days: int = 90
    """A list snapshot older than this many days is flagged stale on every page and by ``screen``
    (the official lists change every few weeks; a quarter is past any publisher's usual cadence)."""
    four_eyes: bool = False
    """Four eyes: calling a ``match`` a false positive takes effect only once a second, different
    reviewer approves it; until then the alert stays open, "awaiting second review"."""

    # Login throttling (sourcetrace.web.throttle; docs/security.md gives the figures): failed
    # logins slow further attempts down, by an exponential delay with a cap, and never lock out.

    login_free_failures: int = 3
    """Failed logins to one account from one client address before each further one is delayed."""

    login_address_free_failures: int = 10
    """Failed logins from one client address, to any account, before each further one is delayed."""

    login_account_free_failures: int = 10
    """Failed logins to one account, from any addresses, before each further one is delayed (an
    address that has not failed on the account is spared this delay: the owner is not kept out)."""

    login_delay: float = 1.0
    """Seconds of the first delay; each further failure doubles it."""

    login_max_delay: float = 900.0
    """The longest delay, in seconds (15 minutes)."""

    login_window: float = 3600.0
    """Seconds after its last failure (or its delay's end, if later) that a count is deleted."""


def load_settings(**overrides: object) -> Settings:
    """Defaults, then ``SOURCETRACE_*`` environment variables, then explicit overrides."""
    values: dict[str, object] = {}
    for f in fields(Settings):
        env = os.environ.get(ENV_PREFIX + f.name.upper())
        if env is not None:
            values[f.name] = _coerce(f.name, env, f.type)
    values.update({k: v for k, v in overrides.items() if v is not None})
    settings = Settings(**values)  # type: ignore[arg-type]
    if not 0.0 < settings.review_threshold <= settings.match_threshold <= 1.0:
        raise ConfigError(
            f"thresholds must satisfy 0 < review ({settings.review_threshold}) "
            f"<= match ({settings.match_threshold}) <= 1"
        )
    # A count deleted before its next delay ends would start again from its free failures.
    if not 0 < settings.login_delay <= settings.login_max_delay < settings.login_window:
        raise ConfigError(
            f"login throttling must satisfy 0 < first delay ({settings.login_delay}) <= longest "
            f"({settings.login_max_delay}) < window ({settings.login_window}), in seconds"
        )
    return settings


def _coerce(name: str, raw: str, kind: object) -> object:
    try:
        if kind in (float, "float"):
            return float(raw)
        if kind in (int, "int"):
            return int(raw)
        if kind in (Path, "Path"):
            return Path(raw)
        if kind in (bool, "bool"):
            return _flag(raw)
    except ValueError:
        hint = " (use yes or no)" if kind in (bool, "bool") else ""
        raise ConfigError(
            f"{ENV_PREFIX}{name.upper()}={raw!r} is not a valid {kind}{hint}"
        ) from None
    return raw


_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off", ""})


def _flag(raw: str) -> bool:
    """A yes/no setting as people write it in an environment variable."""
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(raw)
