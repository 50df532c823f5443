"""Slowing down password guessing without locking the owner out, shared by every server process.

Each failed login counts against three keys: the account, the client address, and the account
from that address. Past a number of free failures, every further failure makes its key wait
before the next attempt is even checked: the first delay (``login_delay``, 1 s) doubles with each
failure up to a cap (``login_max_delay``, 15 minutes). An attempt that arrives while one of its
keys waits is answered 429 with ``Retry-After``, without running argon2 and without counting.

- **Account from one address** (``login_free_failures``, 3): someone guessing one account from
  one address is slowed down first.
- **Address** (``login_address_free_failures``, 10, over all accounts): one password tried across
  many accounts from one address is slowed down too.
- **Account** (``login_account_free_failures``, 10, over all addresses): guesses at one account
  from many addresses share a delay, but only addresses that have themselves failed on the account
  wait for it. The owner logging in from an address that has not failed gets through at once,
  however many guesses came from elsewhere: the throttle never locks anyone out.

A success resets the account's count and the account-from-this-address count; the address's
own count stays (a guesser holding one valid account could otherwise wipe it between guesses).
A count is deleted ``login_window`` (an hour) after its last failure, or when its delay ends if
that is later.

Privacy: the store holds no account name and no address, only an HMAC of each under a key derived
from the server's session secret, a count and two times. Nothing of it is logged or shown.
Addresses are what the server sees (uvicorn honours ``X-Forwarded-For`` only from
``FORWARDED_ALLOW_IPS``, by default 127.0.0.1); IPv6 addresses count by their /64 network, the
block one subscriber usually holds. The login route asks again once an attempt's turn to check
its password comes, and counts a failure before giving the turn back, so a burst of guesses sent
together gets past the delay only as many at a time as passwords are checked at once (two).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, Engine, delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from sourcetrace.settings import Settings
from sourcetrace.store.database import TIMESTAMP_FORMAT, stamp
from sourcetrace.store.workspace import login_throttle as table

_KEY_CONTEXT = b"sourcetrace login throttle v1"
"""Derives the throttle's HMAC key from the session secret (a key used for one purpose only)."""


@dataclass(frozen=True, slots=True)
class _Keys:
    account: str
    address: str
    pair: str


class LoginThrottle:
    """The login throttle over the store's ``login_throttle`` table (module docstring: the rule)."""

    def __init__(self, engine: Engine, secret: str, settings: Settings) -> None:
        self._engine = engine
        self._key = hmac.new(secret.encode("utf-8"), _KEY_CONTEXT, hashlib.sha256).digest()
        self._settings = settings

    def wait(self, username: str, address: str | None) -> int:
        """Whole seconds before an attempt at ``username`` from ``address`` is checked (0: now)."""
        keys = self._keys(username, address)
        at = datetime.now(UTC)
        with self._engine.connect() as conn:
            rows = conn.execute(
                select(table.c.key, table.c.blocked_until).where(
                    table.c.key.in_((keys.account, keys.address, keys.pair)),
                    table.c.expires_at > stamp(at),
                )
            ).all()
        blocked = {row.key: row.blocked_until for row in rows}
        applying = [keys.address, keys.pair]
        if keys.pair in blocked:  # this address has failed on the account: it shares its delay
            applying.append(keys.account)
        until = max((blocked[k] for k in applying if blocked.get(k)), default=None)
        if until is None:
            return 0
        left = (_parse(until) - at).total_seconds()
        return math.ceil(left) if left > 0 else 0

    def failed(self, username: str, address: str | None) -> None:
        """Count a failed login against the account, the address and the two together."""
        keys = self._keys(username, address)
        s = self._settings
        at = datetime.now(UTC)
        with self._engine.begin() as conn:
            _forget_expired(conn, at)
            for key, free in (
                (keys.pair, s.login_free_failures),
                (keys.address, s.login_address_free_failures),
                (keys.account, s.login_account_free_failures),
            ):
                failures = _count(conn, key, stamp(at + timedelta(seconds=s.login_window)))
                delay = self.delay(failures, free)
                if delay:
                    conn.execute(
                        update(table)
                        .where(table.c.key == key)
                        .values(
                            blocked_until=stamp(at + timedelta(seconds=delay)),
                            expires_at=stamp(at + timedelta(seconds=max(delay, s.login_window))),
                        )
                    )

    def succeeded(self, username: str, address: str | None) -> None:
        """Forget the account's failures (from anywhere, from this address), not the address's."""
        keys = self._keys(username, address)
        with self._engine.begin() as conn:
            _forget_expired(conn, datetime.now(UTC))
            conn.execute(delete(table).where(table.c.key.in_((keys.account, keys.pair))))

    def delay(self, failures: int, free: int) -> float:
        """Seconds a key waits after its ``failures``-th failure when ``free`` are allowed."""
        if failures <= free:
            return 0.0
        s = self._settings
        # Capped exponent: 2**60 seconds is past any cap, and a float power cannot overflow there.
        return min(s.login_max_delay, s.login_delay * 2.0 ** min(failures - free - 1, 60))

    def _keys(self, username: str, address: str | None) -> _Keys:
        network = _network(address)
        return _Keys(
            account=self._mac(("account", username)),
            address=self._mac(("address", network)),
            pair=self._mac(("pair", username, network)),
        )

    def _mac(self, parts: Iterable[str]) -> str:
        # JSON keeps the parts apart whatever they hold (a username may contain any separator).
        message = json.dumps(list(parts), ensure_ascii=False).encode("utf-8")
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()


def _network(address: str | None) -> str:
    """The address as counted: IPv4 as is, IPv6 by its /64, anything else (no address) as given."""
    if not address:
        return ""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


def _count(conn: Connection, key: str, expires_at: str) -> int:
    """Add one failure to ``key`` (made if new) in one statement; returns its count."""
    insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    new = insert(table).values(key=key, failures=1, blocked_until=None, expires_at=expires_at)
    # One atomic increment: two processes counting at once both count.
    counted = new.on_conflict_do_update(
        index_elements=[table.c.key],
        set_={"failures": table.c.failures + 1, "expires_at": expires_at},
    ).returning(table.c.failures)
    return int(conn.execute(counted).scalar_one())


def _forget_expired(conn: Connection, at: datetime) -> None:
    conn.execute(delete(table).where(table.c.expires_at <= stamp(at)))


def _parse(value: str) -> datetime:
    return datetime.strptime(value, TIMESTAMP_FORMAT).replace(tzinfo=UTC)
