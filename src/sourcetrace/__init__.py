"""sourcetrace: screen supply chains for Uyghur forced-labour risk against the official lists."""

from sourcetrace.errors import ConfigError, InputError, ListError, OutputError, SourcetraceError
from sourcetrace.model import Decision, Hit, ListedEntity, Listing, Record, Result
from sourcetrace.screening import (
    ScreenedFile,
    Screener,
    ScreeningRun,
    ScreenOptions,
    load_lists,
    screen,
    screen_file,
    screen_records,
)
from sourcetrace.settings import Settings, load_settings

__version__ = "0.1.0"

__all__ = [
    "ConfigError",
    "Decision",
    "Hit",
    "InputError",
    "ListError",
    "ListedEntity",
    "Listing",
    "OutputError",
    "Record",
    "Result",
    "ScreenOptions",
    "ScreenedFile",
    "Screener",
    "ScreeningRun",
    "Settings",
    "SourcetraceError",
    "load_lists",
    "load_settings",
    "screen",
    "screen_file",
    "screen_records",
]
