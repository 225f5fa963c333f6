"""The actions view's figures from the counts kept per day (migration 0195) equal what the statement
they replace (dash_action_groups as it was, counting every action on the day) gave: on the hand-built
world on many days, with every filter, for a national and a provincial user, after the writes the
triggers must follow (statuses dated before, after and on the same day as others, in the future,
changed and removed; an action's agency, due day and place changed; an office moved to another city;
a truncation), and on the demo on many days."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard import queries, results
from dashboard.auth_seam import allowed_province
from regen.scope import NATIONAL, Scope
from tests.conftest import demo_database
from tests.dashboard_fixture import D1, D2

TODAY = dt.date.today()
DAYS = (dt.date(2018, 6, 1), D1, dt.date(2021, 12, 31), dt.date(2022, 1, 1), dt.date(2022, 1, 2), D2,
        TODAY, TODAY + dt.timedelta(days=40))  # fmt: skip
ISFAHAN = Scope(user="i", role="provincial", province="IR-10")
FILTERS = (
    {},
    {"province": "IR-23"},
    {"province": "IR-10"},
    {"city": "TEH"},
    {"province": "IR-23", "city": "RAY"},
    {"agency": "moi_social"},
    {"province": "IR-10", "agency": "mrud"},
)

# dash_action_groups before 0195 (sql/queries/dashboard.sql at s20): every action's status on the day
OLD_GROUPS = """
WITH st AS (
  SELECT l.action_code, l.status, l.began_on, l.evidence
  FROM action_latest_status l
  WHERE l.began_on <= %(as_of)s
  UNION ALL
  SELECT * FROM (
    SELECT DISTINCT ON (s.action_code) s.action_code, s.status, s.began_on, s.evidence
    FROM action_latest_status l JOIN action_statuses s ON s.action_code = l.action_code
    WHERE l.began_on > %(as_of)s AND s.began_on <= %(as_of)s
    ORDER BY s.action_code, s.began_on DESC, s.id DESC
  ) earlier
), acts AS (
  SELECT a.meeting_number, a.resolution_number, a.agency_code, ap.province_code,
         COALESCE(st.status, 'open') AS status,
         COALESCE(a.due_on < %(as_of)s AND COALESCE(st.status, 'open') NOT IN ('done', 'cancelled'), false)
           AS overdue
  FROM actions a
  JOIN action_places ap ON ap.action_code = a.code
  LEFT JOIN st ON st.action_code = a.code
  WHERE (%(province)s::text IS NULL OR ap.province_code = %(province)s)
    AND (%(city)s::text IS NULL OR ap.city_code = %(city)s)
    AND (%(agency)s::text IS NULL OR a.agency_code = %(agency)s)
)
SELECT g.meeting_number, g.resolution_number, m.held_on, g.agency_code,
       ag.name_fa AS agency_fa, ag.name_en AS agency_en,
       g.province_code, pr.name_fa AS province_fa, pr.name_en AS province_en, g.total, g.overdue, g.done
FROM (SELECT meeting_number, resolution_number, agency_code, province_code, count(*)::int AS total,
             count(*) FILTER (WHERE overdue)::int AS overdue,
             count(*) FILTER (WHERE status = 'done')::int AS done
      FROM acts GROUP BY meeting_number, resolution_number, agency_code, province_code) g
JOIN meetings m ON m.number = g.meeting_number
JOIN agencies ag ON ag.code = g.agency_code
LEFT JOIN provinces pr ON pr.code = g.province_code
ORDER BY g.meeting_number, g.resolution_number, g.agency_code, g.province_code
"""


def assert_same(db, days=DAYS, filters=FILTERS, scopes=(NATIONAL, ISFAHAN)) -> int:
    """Compares old and new on every day, filter and scope; gives the number of groups compared."""
    n = 0
    for scope in scopes:
        for day in days:
            for where in filters:
                if scope.province and where.get("province") not in (None, scope.province):
                    continue  # refused before any statement (auth_seam.allowed_province)
                results.clear_cache()
                province = allowed_province(scope, where.get("province"))
                params = {"as_of": day, "province": province, "city": where.get("city"),
                          "agency": where.get("agency")}  # fmt: skip
                old = db.query(OLD_GROUPS, params, scope=scope)
                new = queries.action_groups(db, scope, day, **where)
                assert new == old, (scope.role, day, where)
                n += len(old)
    return n


def add_status(db, action: str, status: str, day: dt.date, evidence: str = "e") -> None:
    db.execute(
        "INSERT INTO action_statuses (action_code, status, began_on, evidence) VALUES (%s, %s, %s, %s)",
        (action, status, day, evidence),
    )


def test_world_after_writes(world):
    assert assert_same(world) > 0
    add_status(world, "A1", "in_progress", dt.date(2021, 1, 1))
    add_status(world, "A1", "done", dt.date(2022, 1, 1))  # on a day of the list
    add_status(world, "A3", "in_progress", TODAY + dt.timedelta(days=20))  # in the future: loaded
    add_status(world, "A2", "in_progress", dt.date(2022, 1, 1), "first")  # same day: the later holds
    add_status(world, "A2", "cancelled", dt.date(2022, 1, 1), "second")
    assert_same(world)
    world.execute(
        "UPDATE action_statuses SET began_on = '2019-01-01' WHERE action_code = 'A1' AND status = 'done'"
    )
    world.execute("DELETE FROM action_statuses WHERE action_code = 'A2' AND evidence = 'second'")
    world.execute("UPDATE actions SET agency_code = 'mrud', due_on = '2021-12-31' WHERE code = 'A4'")
    assert_same(world)
    world.execute("UPDATE actions SET city_code = 'RAY', province_code = NULL WHERE code = 'A3'")
    world.execute("UPDATE offices SET city_code = 'RAY' WHERE code = 'O1'")  # its actions move with it
    assert_same(world)
    world.execute("DELETE FROM actions WHERE code = 'A2'")
    assert_same(world)
    world.execute("TRUNCATE action_statuses")
    assert_same(world)


def test_the_kept_counts_follow_the_scope(world):
    """A provincial user reads its province's and the national rows of the kept counts only."""
    for table in ("action_group_spans", "action_group_days", "action_group_provinces"):
        rows = world.query(f"SELECT DISTINCT province_code FROM {table}", scope=ISFAHAN)  # a fixed name
        assert {r["province_code"] for r in rows} <= {"IR-10", None}, table
        assert {r["province_code"] for r in world.query(f"SELECT DISTINCT province_code FROM {table}")} >= {
            "IR-23"
        }


@pytest.fixture(scope="module")
def demo(pg_server, template_url):
    with demo_database(pg_server, template_url, "regen_groups") as database:
        yield database


def test_demo_on_many_days(demo):
    days = [
        r["d"]
        for r in demo.query(
            "SELECT DISTINCT d FROM (SELECT began_on AS d FROM action_statuses UNION "
            "SELECT due_on FROM actions UNION SELECT due_on + 1 FROM actions) x "
            "WHERE d IS NOT NULL ORDER BY d"
        )
    ]
    days = days[:: max(1, len(days) // 25)] + [days[-1], TODAY]
    city = demo.scalar("SELECT ap.city_code FROM action_places ap GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")
    province = demo.scalar("SELECT province_code FROM cities WHERE code = %s", (city,))
    agency = demo.scalar("SELECT agency_code FROM actions GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")
    filters = ({}, {"province": province}, {"city": city}, {"agency": agency, "province": province})
    scopes = (NATIONAL, Scope(user="p", role="provincial", province=province))
    assert assert_same(demo, days, filters, scopes) > 1000
    # a status recorded today on one action, one backdated on another: the facts follow
    a1, a2 = [r["code"] for r in demo.query("SELECT code FROM actions ORDER BY code LIMIT 2")]
    add_status(demo, a1, "done", TODAY)
    add_status(demo, a2, "in_progress", days[len(days) // 2])
    assert_same(demo, days[-6:], filters[:2], (NATIONAL,))


def test_a_status_dated_today_rewrites_few_rows_of_its_groups(demo):
    """0198: the group series are written where they change, not deleted and inserted again."""
    code, city = demo.query(
        "SELECT ap.action_code, ap.city_code FROM action_places ap JOIN actions a ON a.code = ap.action_code "
        "WHERE ap.city_code = (SELECT city_code FROM action_places GROUP BY 1 ORDER BY count(*) DESC "
        "LIMIT 1) "
        "AND NOT EXISTS (SELECT 1 FROM action_statuses s WHERE s.action_code = a.code AND s.began_on >= %s) "
        "ORDER BY 1 LIMIT 1",
        (TODAY,),
    )[0].values()
    province = demo.scalar("SELECT province_code FROM cities WHERE code = %s", (city,))
    tables = {"action_group_days": ("city_code", city), "action_group_provinces": ("province_code", province)}

    def versions(table):
        col, value = tables[table]
        rows = demo.query(f"SELECT ctid::text AS v FROM {table} WHERE {col} = %s", (value,))  # fixed names
        return {r["v"] for r in rows}

    before = {t: versions(t) for t in tables}
    assert all(len(v) > 20 for v in before.values())
    add_status(demo, code, "cancelled", TODAY)
    for table in tables:
        after = versions(table)
        assert 0 < len(after - before[table]) <= 6, table  # today's rows and the ranges ending today
        assert len(before[table] & after) >= len(before[table]) - 6, table
    assert_same(demo, (TODAY - dt.timedelta(days=1), TODAY), ({}, {"city": city}), (NATIONAL,))
