"""Sessions kept in PostgreSQL (migration 0075): starting one at sign-in, finding the account behind a
cookie's token, ending one or all of an account's.

The cookie carries a random token (256 bits) and nothing else; the table keeps its SHA-256 digest.
Ending a session is a row update, so it ends for every copy of the cookie. Last-seen moves at most
once a minute per session, so a busy page costs one indexed read per request, not a write.
"""

from __future__ import annotations

import hashlib
import logging
import secrets

from regen.db import Database
from regen.queries import sql
from regen.scope import Scope

log = logging.getLogger(__name__)

TOUCH_SECONDS = 60  # how stale last-seen may get before a request moves it (the idle check's grain)


def _digest(token: str) -> bytes:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).digest()


def start(db: Database, account: str) -> str:
    """Gives the token of a new session of `account` (for the cookie; only its digest is stored)."""
    token = secrets.token_urlsafe(32)
    with db.transaction(owner=True) as cur:
        cur.execute(sql("session_prune"))
        cur.execute(sql("session_start"), {"token": _digest(token), "account": account})
        session_id = cur.fetchone()["id"]
    log.info("session %s started for %s", session_id, account)
    return token


def current(db: Database, token: str | None, idle_minutes: int) -> tuple[Scope, bool] | None:
    """Gives (the scope of the token's account as it is now, whether last-seen moved), or None when
    the token names no open session — unknown, signed out, ended by a password change or a disabled
    account, or unused for longer than `idle_minutes` (that one is ended here)."""
    if not token:
        return None
    params = {"token": _digest(token), "idle_minutes": idle_minutes, "touch_seconds": TOUCH_SECONDS}
    rows = db.query(sql("session_current"), params, owner=True)
    if not rows:
        return None
    row = rows[0]
    if row["idle"]:
        db.query(sql("session_end"), {"token": params["token"], "why": "idle"}, owner=True)
        log.info("session %s of %s ended after %s minutes idle", row["id"], row["name"], idle_minutes)
        return None
    if row["stale"]:
        db.query(sql("session_touch"), {"id": row["id"]}, owner=True)
    return Scope(user=row["name"], role=row["role"], province=row["province_code"]), bool(row["stale"])


def end(db: Database, token: str | None, everywhere: bool = False) -> str | None:
    """Ends the token's session (or, `everywhere`, every open session of its account); gives the
    account's name, or None when the token named no open session."""
    if not token:
        return None
    name = "session_end_all" if everywhere else "session_end"
    rows = db.query(sql(name), {"token": _digest(token), "why": "signed_out"}, owner=True)
    if not rows:
        return None
    where = " everywhere" if everywhere else ""
    log.info("signed out%s: %s (%s sessions ended)", where, rows[0]["account"], len(rows))
    return rows[0]["account"]
