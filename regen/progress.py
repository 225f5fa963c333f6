"""Recording progress: an office's new state, an action's new status — checked here for a clear
message, then again (and authoritatively) by the database functions record_office_state /
record_action_status, which write the row and its audit row in one transaction.

A refusal raises RecordRefused, which names its words (`key`, a reason in dashboard/words.toml, and
its `values`) for the dashboard to say in the user's language; its own text, English, is for the log.
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

OFFICE_STATES = ("established", "active", "handed_over", "closed")
ACTION_STATUSES = ("open", "in_progress", "done", "cancelled")
MAX_LETTER = 100
MAX_NOTE = 2000
# SQLSTATEs the recording functions raise for a refusal (not allowed, bad value, not in scope), with
# the reason's words: the database's own sentence is the detail.
_REFUSALS = {"42501": "rf_db_role", "22023": "rf_db_value", "P0002": "rf_db_scope"}


class RecordRefused(RegenError):
    """A change that was not recorded; nothing was written. `key` names the reason's words ("rf_…" in
    dashboard/words.toml) and `values` fill them: a `field` value is itself a word key, a date or a
    number is shown as the language writes it, `detail` is the database's or the date parser's own
    (English) sentence."""

    def __init__(self, key: str, **values: object):
        self.key, self.values = key, values
        super().__init__(f"not recorded: {key} {values}")


def _refuse(scope: Scope, what: str, key: str, **values: object) -> RecordRefused:
    where = scope.province or "-"
    log.warning("refused %s by %s (%s %s): %s %s", what, scope.user, scope.role, where, key, values)
    return RecordRefused(key, **values)


def _text(value: object, limit: int, field: str, scope: Scope, what: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise _refuse(scope, what, "rf_not_text", field=field)
    value = value.strip()
    if len(value) > limit:
        raise _refuse(scope, what, "rf_too_long", field=field, limit=limit)
    return value or None


def _date(value: object, scope: Scope, what: str) -> dt.date:
    if not isinstance(value, str) or not value.strip():
        raise _refuse(scope, what, "rf_no_date")
    try:
        day = parse_date(value)
    except RegenError as e:
        raise _refuse(scope, what, "rf_bad_date", detail=str(e)) from None
    if day > dt.date.today():
        raise _refuse(scope, what, "rf_future", day=day)
    return day


def _call(db: Database, scope: Scope, what: str, name: str, **params) -> int:
    try:
        return queries.run(name, db, scope=scope, **params)[0]["audit_id"]
    except psycopg2.Error as e:
        if e.pgcode in _REFUSALS:
            detail = e.diag.message_primary or "refused"
            raise _refuse(scope, what, _REFUSALS[e.pgcode], detail=detail) from None
        raise


def _change(scope: Scope, thing: str, code: object, new: str, value: object, allowed: tuple, on: object):
    """Gives (what, day) of a change once the account may record, the thing is chosen, the new value
    is one of `allowed` and the date is one; raises RecordRefused otherwise."""
    what = f"{thing} {new} {code!r}"
    if not scope.can_write:
        raise _refuse(scope, what, "rf_role", role=scope.role)
    if not isinstance(code, str) or not code:
        raise _refuse(scope, what, f"rf_choose_{thing}")
    if value not in allowed:
        raise _refuse(scope, what, f"rf_choose_{new}")
    return what, _date(on, scope, what)


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
    what, day = _change(scope, "office", office, "state", state, OFFICE_STATES, on)
    letter = _text(letter_no, MAX_LETTER, "letter", scope, what)
    text = _text(note, MAX_NOTE, "note", scope, what)
    if state == "handed_over" and not letter:
        raise _refuse(scope, what, "rf_letter_needed")
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
    what, day = _change(scope, "action", action, "status", status, ACTION_STATUSES, on)
    text = _text(evidence, MAX_NOTE, "evidence", scope, what)
    if not text:
        raise _refuse(scope, what, "rf_evidence_needed")
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
    db: Database, scope: Scope, entity: str | None = None, text: str | None = None, limit: int = 500
) -> list[dict]:
    """Gives the latest changes the scope may see (national: all; provincial: its province's), of an
    office or action whose code is `text` or whose name holds it (normalised as the search box does)."""
    if entity not in (None, "office_state", "action_status"):
        entity = None
    text = (text or "").strip()[:100] or None
    return queries.run("audit_recent", db, scope=scope, entity=entity, text=text, limit=limit)
