"""The actions' statuses from the kept latest status (migration 0182) are the ones the latest status
begun by the day gave (ties by id; none yet = open): on many days, after statuses recorded, dated in
the future (a load may), on the same day, changed, removed and truncated; and a provincial user reads
the kept statuses of its province's actions only."""

from __future__ import annotations

import datetime as dt

from dashboard import queries, results
from regen.scope import NATIONAL, Scope
from tests.dashboard_fixture import D1, D2

TODAY = dt.date.today()
DAYS = (dt.date(2018, 6, 1), D1, dt.date(2022, 7, 1), D2, TODAY, TODAY + dt.timedelta(days=40))
ISFAHAN = Scope(user="i", role="provincial", province="IR-10")

OLD_STATUS = """
SELECT a.code, COALESCE(st.status, 'open') AS status, st.began_on AS status_since, st.evidence
FROM actions a
LEFT JOIN (SELECT DISTINCT ON (s.action_code) s.action_code, s.status, s.began_on, s.evidence
           FROM action_statuses s WHERE s.began_on <= %(day)s
           ORDER BY s.action_code, s.began_on DESC, s.id DESC) st ON st.action_code = a.code
ORDER BY a.code
"""


def assert_same(db) -> None:
    for day in DAYS:
        results.clear_cache()
        old = db.query(OLD_STATUS, {"day": day})
        new = sorted(
            (
                {k: a[k] for k in ("code", "status", "status_since", "evidence")}
                for a in queries.actions(db, NATIONAL, day)
            ),
            key=lambda a: a["code"],
        )
        assert new == old, day
        # the counted figures follow the same statuses
        done = sum(g["done"] for g in queries.action_groups(db, NATIONAL, day))
        assert done == sum(a["status"] == "done" for a in old), day


def add_status(db, action: str, status: str, day: dt.date, evidence: str = "e") -> None:
    db.execute(
        "INSERT INTO action_statuses (action_code, status, began_on, evidence) VALUES (%s, %s, %s, %s)",
        (action, status, day, evidence),
    )


def test_statuses_on_many_days_after_writes(world):
    assert_same(world)
    add_status(world, "A1", "in_progress", dt.date(2021, 1, 1))
    add_status(world, "A1", "done", dt.date(2022, 7, 1))  # on a day of the list
    add_status(world, "A3", "in_progress", TODAY + dt.timedelta(days=20))  # in the future: loaded
    assert_same(world)
    # same day: the later recorded holds
    add_status(world, "A2", "in_progress", dt.date(2022, 1, 1), "first")
    add_status(world, "A2", "cancelled", dt.date(2022, 1, 1), "second")
    assert_same(world)
    world.execute(
        "UPDATE action_statuses SET began_on = '2019-01-01' WHERE action_code = 'A1' AND status = 'done'"
    )
    world.execute("DELETE FROM action_statuses WHERE action_code = 'A2' AND evidence = 'second'")
    assert_same(world)
    latest = "SELECT action_code, status, began_on, evidence FROM action_latest_status ORDER BY 1"
    assert world.query(latest) == world.query(
        "SELECT DISTINCT ON (action_code) action_code, status, began_on, evidence FROM action_statuses "
        "ORDER BY action_code, began_on DESC, id DESC"
    )
    world.execute("TRUNCATE action_statuses")
    assert_same(world)
    assert world.scalar("SELECT count(*) FROM action_latest_status") == 0


def test_a_provincial_user_reads_its_provinces_latest_statuses_only(world):
    for code in ("A1", "A2", "A3"):
        add_status(world, code, "in_progress", dt.date(2021, 1, 1))
    seen = {
        r["action_code"] for r in world.query("SELECT action_code FROM action_latest_status", scope=ISFAHAN)
    }
    allowed = {r["code"] for r in world.query("SELECT code FROM actions", scope=ISFAHAN)}
    everything = {r["action_code"] for r in world.query("SELECT action_code FROM action_latest_status")}
    assert seen == everything & allowed
    assert seen != everything  # Tehran's actions are there, and not for Isfahan


def test_statements_are_not_compiled(world):
    """JIT off on the query layer's connections (regen/db.py): row-level security's subplans raised a
    city's offices past jit_above_cost, and compiling them cost seconds (×10)."""
    assert world.query("SHOW jit")[0]["jit"] == "off"
    assert world.query("SHOW jit", scope=ISFAHAN)[0]["jit"] == "off"
