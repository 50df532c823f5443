"""The tool's own user accounts and API keys: argon2 passwords, hashed and revocable keys.

These are the accounts of the people who operate sourcetrace, with a role each; nothing here
describes or tracks anyone else.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, Engine, select

from sourcetrace.errors import ConfigError
from sourcetrace.store.database import now
from sourcetrace.store.workspace import ROLES, api_keys, users
from sourcetrace.workspace import audit
from sourcetrace.workspace.audit import audited

_HASHER = PasswordHasher()
_USERNAME = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
KEY_PREFIX = "st_"
MIN_PASSWORD = 12
"""Shortest password accepted (NIST SP 800-63B asks at least 8; 12 as OWASP advises for admins)."""


@cache
def _common_passwords() -> frozenset[str]:
    """The 30,000 most common passwords, lower-cased: zxcvbn's ``passwords`` frequency list.

    zxcvbn (Dropbox's strength estimator, Python port on PyPI) ships it in
    ``zxcvbn.frequency_lists``; it was drawn from Mark Burnett's 10 million leaked passwords.
    """
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(p.lower() for p in FREQUENCY_LISTS["passwords"])


def check_password(password: str, username: str = "") -> None:
    """Refuse (ConfigError) a password that is short, common, or the username itself."""
    if len(password) < MIN_PASSWORD:
        raise ConfigError(f"a password needs at least {MIN_PASSWORD} characters")
    lowered = password.lower()
    if lowered in _common_passwords():
        raise ConfigError(
            "this password is on a list of the 30,000 most common passwords: choose another"
        )
    if username and lowered == username.lower():
        raise ConfigError("a password must not be the username")


@dataclass(frozen=True, slots=True)
class User:
    """An account of the tool, with its role."""

    username: str
    role: str
    active: bool = True

    def can(self, role: str) -> bool:
        """True when this account has ``role`` or a higher one."""
        return self.active and ROLES.index(self.role) >= ROLES.index(role)


@dataclass(frozen=True, slots=True)
class ApiKey:
    """An API key as listed: never the key itself, only its first characters."""

    id: int
    prefix: str
    username: str
    label: str
    created_at: str
    revoked_at: str | None


def check_role(role: str) -> str:
    if role not in ROLES:
        raise ConfigError(f"unknown role {role!r}; use one of {', '.join(ROLES)}")
    return role


def add_user(
    engine: Engine, username: str, role: str, password: str, *, actor: str = "system"
) -> User:
    """Create an account; the password is kept only as an argon2 hash."""
    check_role(role)
    if not _USERNAME.match(username):
        raise ConfigError("a username is 1 to 64 letters, digits, '.', '_' or '-'")
    check_password(password, username)
    hashed = _HASHER.hash(password)

    def work(conn: Connection) -> None:
        if conn.execute(select(users.c.id).where(users.c.username == username)).first():
            raise ConfigError(f"user {username!r} already exists")
        conn.execute(
            users.insert().values(
                username=username,
                role=role,
                password_hash=hashed,
                active=True,
                created_at=now(),
            )
        )
        audit.append(engine, actor, "user.add", f"user:{username}", {"role": role}, conn=conn)

    audited(engine, work)
    return User(username, role)


def set_role(engine: Engine, username: str, role: str, *, actor: str) -> None:
    """Change an account's role."""
    check_role(role)

    def work(conn: Connection) -> None:
        done = conn.execute(users.update().where(users.c.username == username).values(role=role))
        if done.rowcount == 0:
            raise ConfigError(f"no user {username!r}")
        audit.append(engine, actor, "user.role", f"user:{username}", {"role": role}, conn=conn)

    audited(engine, work)


def set_active(engine: Engine, username: str, active: bool, *, actor: str) -> None:
    """Turn an account off (it can no longer log in or use its keys) or back on."""

    def work(conn: Connection) -> None:
        done = conn.execute(
            users.update().where(users.c.username == username).values(active=active)
        )
        if done.rowcount == 0:
            raise ConfigError(f"no user {username!r}")
        audit.append(
            engine, actor, "user.active", f"user:{username}", {"active": active}, conn=conn
        )

    audited(engine, work)


def get_user(engine: Engine, username: str) -> User | None:
    with engine.connect() as conn:
        row = conn.execute(select(users).where(users.c.username == username)).first()
    return User(row.username, row.role, bool(row.active)) if row else None


def list_users(engine: Engine) -> list[User]:
    with engine.connect() as conn:
        rows = conn.execute(select(users).order_by(users.c.username)).all()
    return [User(r.username, r.role, bool(r.active)) for r in rows]


@cache
def dummy_hash() -> str:
    """A hash to verify against when the user does not exist, so that timing does not tell.

    Made on first use (an argon2 hash takes a tenth of a second, which every command paid at
    start when it was made on import); the web app makes it as it starts, before any login.
    """
    return _HASHER.hash("not a password")


def authenticate(engine: Engine, username: str, password: str) -> User | None:
    """The active account with this username and password, or None."""
    with engine.connect() as conn:
        row = conn.execute(select(users).where(users.c.username == username)).first()
    try:
        _HASHER.verify(row.password_hash if row else dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return None
    if row is None or not row.active:
        return None
    if _HASHER.check_needs_rehash(row.password_hash):
        with engine.begin() as conn:
            conn.execute(
                users.update()
                .where(users.c.username == username)
                .values(password_hash=_HASHER.hash(password))
            )
    return User(row.username, row.role, True)


def _key_hash(key: str) -> str:
    # Keys are 256 random bits, so a plain sha256 cannot be brute-forced and lookups stay exact.
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def create_api_key(engine: Engine, username: str, label: str = "", *, actor: str) -> str:
    """A new API key for ``username``; the key is shown this once and stored only hashed."""
    if get_user(engine, username) is None:
        raise ConfigError(f"no user {username!r}")
    key = KEY_PREFIX + secrets.token_urlsafe(32)

    def work(conn: Connection) -> None:
        result = conn.execute(
            api_keys.insert().values(
                key_hash=_key_hash(key),
                prefix=key[:10],
                username=username,
                label=label,
                created_at=now(),
                revoked_at=None,
            )
        )
        key_id = result.inserted_primary_key[0] if result.inserted_primary_key else None
        audit.append(
            engine,
            actor,
            "apikey.create",
            f"user:{username}",
            {"key_id": key_id, "label": label},
            conn=conn,
        )

    audited(engine, work)
    return key


def revoke_api_key(engine: Engine, key_id: int, *, actor: str) -> None:
    """Revoke a key for good."""

    def work(conn: Connection) -> None:
        done = conn.execute(
            api_keys.update()
            .where(api_keys.c.id == key_id, api_keys.c.revoked_at.is_(None))
            .values(revoked_at=now())
        )
        if done.rowcount == 0:
            raise ConfigError(f"no active API key {key_id}")
        audit.append(engine, actor, "apikey.revoke", f"apikey:{key_id}", {}, conn=conn)

    audited(engine, work)


def list_api_keys(engine: Engine, username: str | None = None) -> list[ApiKey]:
    query = select(api_keys).order_by(api_keys.c.id)
    if username is not None:
        query = query.where(api_keys.c.username == username)
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return [ApiKey(r.id, r.prefix, r.username, r.label, r.created_at, r.revoked_at) for r in rows]


def user_for_key(engine: Engine, key: str) -> User | None:
    """The active account an unrevoked API key belongs to, or None."""
    with engine.connect() as conn:
        row = conn.execute(
            select(users.c.username, users.c.role, users.c.active)
            .join(api_keys, api_keys.c.username == users.c.username)
            .where(api_keys.c.key_hash == _key_hash(key), api_keys.c.revoked_at.is_(None))
        ).first()
    if row is None or not row.active:
        return None
    return User(row.username, row.role, True)
