"""Recording progress: an office's new state, an action's new status — checked here for a clear
message, then again (and authoritatively) by the database functions record_office_state /
record_action_status, which write the row and its audit row in one transaction.

A refusal raises RecordRefused (message safe to show, Persian and English) and is logged.
"""

from __future__ import annotations

import datetime as dt
import logging

import psycopg2

from regen import queries
from regen.db import Database
from regen.errors import RegenError
from regen.jalali import parse_date
from regen.scope import Scope

log = logging.getLogger(__name__)

OFFICE_STATES = {
    "established": "تأسیس شد",
    "active": "فعال شد",
    "handed_over": "به شهرداری واگذار شد",
    "closed": "بسته شد",
}
ACTION_STATUSES = {"open": "باز", "in_progress": "در جریان", "done": "انجام شد", "cancelled": "لغو شد"}
MAX_LETTER = 100
MAX_NOTE = 2000
# SQLSTATEs the recording functions raise for a refusal (not allowed, bad value, not in scope).
_REFUSALS = {"42501", "22023", "P0002"}


class RecordRefused(RegenError):
    """A change that was not recorded; nothing was written."""


def _refuse(scope: Scope, what: str, fa: str, en: str) -> RecordRefused:
    log.warning("refused %s by %s (%s %s): %s", what, scope.user, scope.role, scope.province or "-", en)
    return RecordRefused(f"ثبت نشد: {fa} — not recorded: {en}" if fa else f"ثبت نشد — not recorded: {en}")


def _text(value: object, limit: int, field: str, scope: Scope, what: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise _refuse(scope, what, f"مقدار «{field}» نادرست است", f"{field} must be text")
    value = value.strip()
    if len(value) > limit:
        raise _refuse(
            scope, what, f"«{field}» بیش از {limit} نویسه است", f"{field} is longer than {limit} characters"
        )
    return value or None


def _check_change(
    scope: Scope, what: str, code: object, choose: tuple[str, str], value: object, field: str, allowed: dict
) -> None:
    """Refuses a change the scope may not record, with no item chosen (`choose`: the words asking for
    one, Persian and English), or with a value not in `allowed`."""
    if not scope.can_write:
        raise _refuse(
            scope, what, "این حساب اجازه ثبت تغییر ندارد", f"role {scope.role} may not record changes"
        )
    if not isinstance(code, str) or not code:
        raise _refuse(scope, what, *choose)
    if value not in allowed:
        raise _refuse(scope, what, "وضعیت را انتخاب کنید", f"{field} must be one of {', '.join(allowed)}")


def _date(value: object, scope: Scope, what: str) -> dt.date:
    if not isinstance(value, str) or not value.strip():
        raise _refuse(scope, what, "تاریخ را وارد کنید (مثلاً ۱۴۰۳/۰۱/۱۵)", "enter the date (e.g. 1403/01/15)")
    try:
        day = parse_date(value)
    except RegenError as e:
        raise _refuse(scope, what, "تاریخ نادرست است", str(e)) from None
    if day > dt.date.today():
        raise _refuse(scope, what, "تاریخ در آینده است", f"the date {day} is in the future")
    return day


def _call(db: Database, scope: Scope, what: str, name: str, **params) -> int:
    try:
        return queries.run(name, db, scope=scope, **params)[0]["audit_id"]
    except psycopg2.Error as e:
        if e.pgcode in _REFUSALS:
            message = e.diag.message_primary or "refused"
            raise _refuse(scope, what, "", message) from None
        raise


def record_office_state(
    db: Database,
    scope: Scope,
    office: object,
    state: object,
    on: object,
    letter_no: object = None,
    note: object = None,
) -> int:
    """Records an office's new state for the signed-in user; gives the audit row's id."""
    what = f"office state {office!r}"
    choose = ("دفتر را انتخاب کنید", "choose an office")
    _check_change(scope, what, office, choose, state, "state", OFFICE_STATES)
    day = _date(on, scope, what)
    letter = _text(letter_no, MAX_LETTER, "letter number", scope, what)
    text = _text(note, MAX_NOTE, "note", scope, what)
    if state == "handed_over" and not letter:
        raise _refuse(
            scope,
            what,
            "برای واگذاری شماره نامه شهرداری لازم است",
            "a handover needs the municipality's letter number",
        )
    audit_id = _call(
        db,
        scope,
        what,
        "record_office_state",
        office=office,
        state=state,
        on=day,
        letter_no=letter,
        note=text,
    )
    log.info("recorded office %s → %s on %s by %s (audit %s)", office, state, day, scope.user, audit_id)
    return audit_id


def record_action_status(
    db: Database, scope: Scope, action: object, status: object, on: object, evidence: object
) -> int:
    """Records an action's new status with its evidence note; gives the audit row's id."""
    what = f"action status {action!r}"
    choose = ("اقدام را انتخاب کنید", "choose an action")
    _check_change(scope, what, action, choose, status, "status", ACTION_STATUSES)
    day = _date(on, scope, what)
    text = _text(evidence, MAX_NOTE, "evidence", scope, what)
    if not text:
        raise _refuse(scope, what, "شرح مستندات لازم است", "an evidence note is required")
    audit_id = _call(
        db, scope, what, "record_action_status", action=action, status=status, on=day, evidence=text
    )
    log.info("recorded action %s → %s on %s by %s (audit %s)", action, status, day, scope.user, audit_id)
    return audit_id


def offices_in_city(db: Database, scope: Scope, city: object) -> list[dict]:
    """Gives the offices of a city that the scope sees (none for another province's city)."""
    if not isinstance(city, str):
        return []
    return queries.run("record_offices_in_city", db, scope=scope, city=city)


def actions_in_city(db: Database, scope: Scope, city: object) -> list[dict]:
    if not isinstance(city, str):
        return []
    return queries.run("record_actions_in_city", db, scope=scope, city=city)


def audit_rows(
    db: Database, scope: Scope, entity: str | None = None, code: str | None = None, limit: int = 500
) -> list[dict]:
    """Gives the latest changes the scope may see (national: all; provincial: its province's)."""
    if entity not in (None, "office_state", "action_status"):
        entity = None
    return queries.run("audit_recent", db, scope=scope, entity=entity, code=code or None, limit=limit)
