"""Accounts: adding, listing, disabling, passwords (Argon2), and signing in with limits and lock-out.

Accounts are read and written as the owner (`owner=True`): the app role has no right on `users` at
all, so nothing that runs under a user's scope can read password hashes.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from regen import settings as settings_mod
from regen.db import Database
from regen.errors import RegenError
from regen.queries import sql
from regen.scope import ROLES, Scope

log = logging.getLogger(__name__)

MIN_PASSWORD = 10
_hasher = PasswordHasher()
# Verified against when the name is unknown, so that a wrong name costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))

DEMO_ACCOUNTS = (("demo-national", "national", None), ("demo-tehran", "provincial", "IR-23"))
DEMO_FILE = "demo-accounts.txt"


class SignInRefused(RegenError):
    """A sign-in was refused: one answer whether the name is unknown, disabled, locked for this
    address or the password wrong, so it tells nothing about which."""


class SignInThrottled(RegenError):
    """Too many sign-in attempts from this address, or failures on this account: try again later."""


@dataclass(frozen=True)
class Account:
    name: str
    role: str
    province_code: str | None
    disabled: bool
    created_at: object
    last_login_at: object

    @property
    def scope(self) -> Scope:
        return Scope(user=self.name, role=self.role, province=self.province_code)


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


_ACCOUNT_SQL = "SELECT name, role, province_code, disabled, created_at, last_login_at FROM users"


def list_users(db: Database) -> list[Account]:
    return [Account(**r) for r in db.query(_ACCOUNT_SQL + " ORDER BY name", owner=True)]


def disable_user(db: Database, name: str) -> None:
    """Disables an account: it can no longer sign in, and its open sessions end (a trigger, 0075)."""
    with db.transaction(owner=True) as cur:
        _name_ok(cur, name)
        cur.execute("UPDATE users SET disabled = true WHERE name = %s", (name,))


def set_password(db: Database, name: str, password: str) -> None:
    """Sets a new password, which ends the account's sessions (a trigger, 0075) and lifts its
    lock-outs (the failures counted before it no longer count)."""
    _check_password(password)
    with db.transaction(owner=True) as cur:
        _name_ok(cur, name)
        cur.execute("UPDATE users SET password_hash = %s WHERE name = %s", (_hasher.hash(password), name))
        cur.execute(sql("signin_forget_failures"), {"account": name})


def authenticate(db: Database, name: str, password: str, address: str) -> Scope:
    """Gives the account's scope, or raises SignInRefused (one answer for every refusal) or
    SignInThrottled (answered 429 at once).

    Limits (settings; counted in `signin_attempts`, so they hold across workers): attempts per address
    a minute; failures in a row per account AND address, which lock that pair for a while; failures
    per account an hour from every address, beyond which only addresses that signed in to it lately
    may try. Every attempt that passes the limits costs one Argon2 check — of a dummy hash when the
    name is unknown or the pair is locked — so the time does not tell them apart either.
    """
    s = settings_mod.get()
    account = name[:100]
    with db.transaction(owner=True) as cur:
        cur.execute(sql("signin_lock_address"), {"address": address})
        cur.execute(
            sql("signin_limits"),
            {"address": address, "account": account, "lock_minutes": s.login_lock_minutes},
        )
        limits = cur.fetchone()
        if limits["from_address"] >= s.login_per_minute:
            log.warning("sign-in throttled: %s tried %s times this minute", address, limits["from_address"])
            raise SignInThrottled("too many sign-in attempts from this address")
        if limits["account_failures"] >= s.login_account_per_hour and not limits["known_address"]:
            log.warning(
                "sign-in throttled: %r failed %s times this hour; %s has not signed in to it lately",
                account,
                limits["account_failures"],
                address,
            )
            raise SignInThrottled("too many failed sign-ins on this account")
        cur.execute(sql("signin_attempt"), {"address": address, "account": account})
        attempt = cur.fetchone()["id"]
        if attempt % 1000 == 0:
            cur.execute(sql("signin_prune"))
        cur.execute(sql("signin_account"), {"account": account})
        row = cur.fetchone()
    locked = limits["pair_failures"] >= s.login_max_failures
    usable = row is not None and not row["disabled"] and not locked
    # The hash is checked outside the transaction: no lock is held while Argon2 works.
    matches = _verify(row["password_hash"] if usable else _DUMMY_HASH, password) and usable
    outcome = "ok" if matches else ("locked" if locked else "wrong")
    with db.transaction(owner=True) as cur:
        cur.execute(sql("signin_outcome"), {"outcome": outcome, "id": attempt})
        if matches:
            password_hash = row["password_hash"]
            if _hasher.check_needs_rehash(password_hash):
                password_hash = _hasher.hash(password)
            cur.execute(sql("signin_accepted"), {"password_hash": password_hash, "account": account})
            return Scope(user=row["name"], role=row["role"], province=row["province_code"])
    why = "locked for this address" if locked else ("wrong password" if row else "no such account")
    if row is not None and row["disabled"]:
        why = "account disabled"
    log.warning("sign-in refused for %r from %s: %s", account, address, why)
    if not locked and row is not None and limits["pair_failures"] + 1 >= s.login_max_failures:
        log.warning("sign-in: %r now locked from %s for %s minutes", account, address, s.login_lock_minutes)
    raise SignInRefused("wrong name or password, or locked after failed sign-ins")


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def locked_addresses(db: Database) -> dict[str, int]:
    """Gives account name → how many addresses are locked out of it now."""
    s = settings_mod.get()
    rows = db.query(
        sql("signin_locked_addresses"),
        {"lock_minutes": s.login_lock_minutes, "max_failures": s.login_max_failures},
        owner=True,
    )
    return {r["account"]: r["addresses"] for r in rows}


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
