"""Accounts: adding, listing, disabling, passwords (Argon2), and signing in with lock-out.

Accounts are read and written as the owner (`owner=True`): the app role has no right on `users` at
all, so nothing that runs under a user's scope can read password hashes.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from regen import settings as settings_mod
from regen.db import Database
from regen.errors import RegenError
from regen.scope import ROLES, Scope

log = logging.getLogger(__name__)

MIN_PASSWORD = 10
_hasher = PasswordHasher()
# Verified against when the name is unknown, so that a wrong name costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))

DEMO_ACCOUNTS = (("demo-national", "national", None), ("demo-tehran", "provincial", "IR-23"))
DEMO_FILE = "demo-accounts.txt"


class SignInRefused(RegenError):
    """A sign-in was refused; the message is safe to show (it does not say whether the name exists)."""

    def __init__(self, message: str, locked_minutes: int | None = None):
        super().__init__(message)
        self.locked_minutes = locked_minutes


@dataclass(frozen=True)
class Account:
    name: str
    role: str
    province_code: str | None
    disabled: bool
    locked_until: object
    created_at: object
    last_login_at: object

    @property
    def scope(self) -> Scope:
        return Scope(user=self.name, role=self.role, province=self.province_code)


def fingerprint(password_hash: str) -> str:
    """Gives a short digest of a password hash, kept in the session so a password change ends it."""
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise RegenError(f"the password must have at least {MIN_PASSWORD} characters")


def add_user(db: Database, name: str, role: str, province: str | None, password: str) -> Account:
    """Creates an account; gives it back. Provincial accounts need a province, the others none."""
    if role not in ROLES:
        raise RegenError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    if role == "provincial" and not province:
        raise RegenError("a provincial account needs --province IR-NN (e.g. IR-23 for Tehran)")
    if role != "provincial" and province:
        raise RegenError(f"only provincial accounts have a province; drop --province for a {role} account")
    _check_password(password)
    with db.transaction(owner=True) as cur:
        if province:
            cur.execute("SELECT 1 FROM provinces WHERE code = %s", (province,))
            if cur.fetchone() is None:
                raise RegenError(f"no province {province!r}: codes are IR-00 … IR-30 (e.g. IR-23 for Tehran)")
        cur.execute("SELECT 1 FROM users WHERE name = %s", (name,))
        if cur.fetchone() is not None:
            raise RegenError(
                f"an account named {name!r} exists already (`regen users passwd {name}` resets it)"
            )
        cur.execute(
            "INSERT INTO users (name, role, province_code, password_hash) VALUES (%s, %s, %s, %s)",
            (name, role, province, _hasher.hash(password)),
        )
    return get_account(db, name)


def _name_ok(cur, name: str) -> None:
    cur.execute("SELECT 1 FROM users WHERE name = %s", (name,))
    if cur.fetchone() is None:
        raise RegenError(f"no account named {name!r} (`regen users list` shows them)")


def get_account(db: Database, name: str) -> Account:
    rows = db.query(_ACCOUNT_SQL + " WHERE name = %s", (name,), owner=True)
    if not rows:
        raise RegenError(f"no account named {name!r} (`regen users list` shows them)")
    return Account(**rows[0])


_ACCOUNT_SQL = (
    "SELECT name, role, province_code, disabled, locked_until, created_at, last_login_at FROM users"
)


def list_users(db: Database) -> list[Account]:
    return [Account(**r) for r in db.query(_ACCOUNT_SQL + " ORDER BY name", owner=True)]


def disable_user(db: Database, name: str) -> None:
    """Disables an account: it can no longer sign in, and its open sessions end at their next request."""
    with db.transaction(owner=True) as cur:
        _name_ok(cur, name)
        cur.execute("UPDATE users SET disabled = true WHERE name = %s", (name,))


def set_password(db: Database, name: str, password: str) -> None:
    """Sets a new password (ending the account's sessions) and lifts a lock-out."""
    _check_password(password)
    with db.transaction(owner=True) as cur:
        _name_ok(cur, name)
        cur.execute(
            "UPDATE users SET password_hash = %s, failed_attempts = 0, locked_until = NULL WHERE name = %s",
            (_hasher.hash(password), name),
        )


def authenticate(db: Database, name: str, password: str) -> tuple[Scope, str]:
    """Gives the account's scope and password fingerprint, or raises SignInRefused.

    M failures in a row lock the account for N minutes (settings); every failure is answered only
    after a pause, so guessing is slow even before the lock.
    """
    s = settings_mod.get()
    refused: SignInRefused | None = None
    with db.transaction(owner=True) as cur:
        cur.execute(
            "SELECT name, role, province_code, password_hash, disabled, failed_attempts,"
            " locked_until > now() AS locked,"
            " ceil(extract(epoch FROM locked_until - now()) / 60)::int AS locked_minutes"
            " FROM users WHERE name = %s FOR UPDATE",
            (name,),
        )
        row = cur.fetchone()
        if row is None:
            _verify(_DUMMY_HASH, password)
            refused = SignInRefused("wrong name or password")
        elif row["locked"]:
            refused = SignInRefused(
                "account locked after failed sign-ins", locked_minutes=row["locked_minutes"]
            )
        elif row["disabled"]:
            _verify(row["password_hash"], password)
            refused = SignInRefused("wrong name or password")
        elif not _verify(row["password_hash"], password):
            failures = row["failed_attempts"] + 1
            if failures >= s.login_max_failures:
                cur.execute(
                    "UPDATE users SET failed_attempts = 0,"
                    " locked_until = now() + make_interval(mins => %s) WHERE name = %s",
                    (s.login_lock_minutes, name),
                )
                log.warning(
                    "sign-in: account %r locked for %s minutes after %s failures",
                    name,
                    s.login_lock_minutes,
                    failures,
                )
                refused = SignInRefused(
                    "account locked after failed sign-ins", locked_minutes=s.login_lock_minutes
                )
            else:
                cur.execute("UPDATE users SET failed_attempts = %s WHERE name = %s", (failures, name))
                refused = SignInRefused("wrong name or password")
        else:
            password_hash = row["password_hash"]
            if _hasher.check_needs_rehash(password_hash):
                password_hash = _hasher.hash(password)
            cur.execute(
                "UPDATE users SET failed_attempts = 0, locked_until = NULL, last_login_at = now(),"
                " password_hash = %s WHERE name = %s",
                (password_hash, name),
            )
            scope = Scope(user=row["name"], role=row["role"], province=row["province_code"])
            return scope, fingerprint(password_hash)
    log.warning("sign-in refused for %r: %s", name, refused)
    time.sleep(s.login_fail_delay_ms / 1000)
    raise refused


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def session_scope(db: Database, name: str, password_fingerprint: str) -> Scope | None:
    """Gives the scope of a signed-in session's account as it is now, or None when the account was
    disabled, removed or its password changed since (the session must end)."""
    rows = db.query(
        "SELECT name, role, province_code, password_hash FROM users WHERE name = %s AND NOT disabled",
        (name,),
        owner=True,
    )
    if not rows or not secrets.compare_digest(fingerprint(rows[0]["password_hash"]), password_fingerprint):
        return None
    r = rows[0]
    return Scope(user=r["name"], role=r["role"], province=r["province_code"])


def ensure_demo_accounts(db: Database, data_dir: Path) -> list[tuple[str, str, str, str | None]]:
    """For the embedded demo: creates the demo accounts once (passwords generated, kept in
    data_dir/demo-accounts.txt, mode 0600); gives (name, password, role, province) of each.

    Only when the database has no account at all, so a real deployment never gets them."""
    path = data_dir / DEMO_FILE
    if db.query("SELECT count(*) AS n FROM users", owner=True)[0]["n"] == 0:
        lines = []
        for name, role, province in DEMO_ACCOUNTS:
            password = secrets.token_urlsafe(12)
            add_user(db, name, role, province, password)
            lines.append(f"{name}\t{password}\t{role}\t{province or ''}")
        data_dir.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600, exist_ok=True)
        path.chmod(0o600)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    if not path.exists():
        return []
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        name, password, role, province = (line.split("\t") + ["", "", "", ""])[:4]
        found.append((name, password, role, province or None))
    return found
