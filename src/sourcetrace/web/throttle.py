"""Slowing down password guessing: an account is locked for a while after repeated failed logins.

Counted per account name in this process's memory, nothing else recorded; a restart forgets it.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field


@dataclass(slots=True)
class LoginThrottle:
    """Refuse logins to an account after ``max_failures`` failures within ``window`` seconds."""

    max_failures: int = 5
    window: float = 15 * 60
    _failures: dict[str, list[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def locked(self, username: str) -> bool:
        with self._lock:
            return len(self._recent(username)) >= self.max_failures

    def failed(self, username: str) -> None:
        with self._lock:
            self._failures[username] = [*self._recent(username), time.monotonic()]

    def succeeded(self, username: str) -> None:
        with self._lock:
            self._failures.pop(username, None)

    def _recent(self, username: str) -> list[float]:
        cutoff = time.monotonic() - self.window
        recent = [t for t in self._failures.get(username, []) if t > cutoff]
        if recent:
            self._failures[username] = recent
        else:
            self._failures.pop(username, None)
        return recent
