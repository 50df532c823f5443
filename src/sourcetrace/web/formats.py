"""Formatting for people: the Jinja filters every page, report and evidence pack prints through.

Dates read ``6 Dec 2026, 23:05 UTC`` (a date alone ``6 Dec 2026``): the store keeps ISO 8601 UTC
to the microsecond, which sorts and hashes well but is not for a reader. The month is written in
English letters on purpose, the same on every server whatever its locale, so that a document
handed to an auditor or to customs reads the same wherever it was made; the time stays in UTC,
as the audit log records it. Counts get thousands separators (``12,345``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from urllib.parse import urlsplit

from jinja2 import Environment

from sourcetrace.lists.freshness import snapshot_date

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def when(value: object) -> str:
    """A timestamp or date for people; text that is not one is returned as it is."""
    if value is None or value == "":
        return ""
    moment: datetime | date
    if isinstance(value, datetime | date):
        moment = value
    else:
        text = str(value).strip()
        try:
            if len(text) == 10:
                moment = date.fromisoformat(text)
            else:
                moment = datetime.fromisoformat(text)
        except ValueError:
            return text
    if not isinstance(moment, datetime):
        return f"{moment.day} {_MONTHS[moment.month - 1]} {moment.year}"
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    day = f"{moment.day} {_MONTHS[moment.month - 1]} {moment.year}"
    return f"{day}, {moment.hour:02d}:{moment.minute:02d} UTC"


def number(value: object) -> str:
    """A count with thousands separators; a fraction to two places; nothing for no value."""
    if value is None or value == "" or isinstance(value, bool):
        return "" if value is None or value == "" else str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.0f}" if value.is_integer() else f"{value:,.2f}"
    try:
        return f"{int(str(value)):,}"
    except ValueError:
        return str(value)


def readable(value: object, _nested: bool = False) -> str:
    """A stored value (an audit entry's details) as text: no braces, quotes or ``None``.

    A mapping reads ``match 2, review 1`` (nested in a list, its values alone: ``uflpa
    2026-08-10``), a list is joined with ``; ``, a timestamp goes through :func:`when`.
    """
    if value is None or (value == "" and not _nested):
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return number(value)
    if isinstance(value, Mapping):
        if _nested:
            return " ".join(readable(v, True) for v in value.values() if v not in (None, ""))
        return ", ".join(f"{label(str(k))} {readable(v, True)}" for k, v in value.items())
    if isinstance(value, list | tuple | set):
        return "; ".join(readable(v, True) for v in value) or "—"
    text = str(value)
    if len(text) >= 19 and text[4:5] == "-" and text[10:11] == "T":
        return when(text)
    return text


def label(key: str) -> str:
    """A stored key as a reader's words: ``file_hash`` reads ``file hash``."""
    return key.replace("_", " ")


def joined(*parts: object, sep: str = ", ") -> str:
    """The non-empty parts joined: no ``CBP WRO , 2020-11-30`` when a part is missing."""
    return sep.join(str(p).strip() for p in parts if p is not None and str(p).strip())


def web_url(value: object) -> str:
    """The URL when it is an absolute http or https URL with a host, else nothing: only those
    become links on a page (list data may hold ``javascript:`` or worse)."""
    if not isinstance(value, str):
        return ""
    text = value.strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        return ""
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return ""
    # Control characters or spaces could let a browser read the URL differently from us.
    if any(ord(c) < 33 or ord(c) == 127 for c in text):
        return ""
    return text


def snapshot_age(version: object, at: object) -> str:
    """How old a list snapshot was at a moment (``118 days``), from its version's date; nothing
    when the version carries no date (a file versioned by its hash)."""
    when_made = snapshot_date(str(version or ""))
    try:
        moment = datetime.fromisoformat(str(at)).date() if at else None
    except ValueError:
        moment = None
    if when_made is None or moment is None:
        return ""
    days = (moment - when_made).days
    return "1 day" if days == 1 else f"{days:,} days"


def install(env: Environment) -> None:
    """Add the filters to a Jinja environment (the pages', which reports and packs share)."""
    env.filters["when"] = when
    env.filters["number"] = number
    env.filters["readable"] = readable
    env.filters["label"] = label
    env.filters["web_url"] = web_url
    env.globals["joined"] = joined
    env.globals["snapshot_age"] = snapshot_age


__all__ = [
    "install",
    "joined",
    "label",
    "number",
    "readable",
    "snapshot_age",
    "web_url",
    "when",
]
