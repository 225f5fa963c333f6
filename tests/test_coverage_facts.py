"""Coverage and handover from the kept facts (migration 0100) equal what the old functions computed.

The old bodies are taken from the text of their migrations (0006, 0030, 0040), installed under
`old_…` names beside the new ones, and both are compared row by row on many days: on the hand-built
world, after writes the triggers must follow (a backdated state recorded after a later one, a
retirement, a link removed, an office's kind changed, a neighborhood moved, a truncation), and on the
demo. Integers must be equal; hectares (the old bodies added doubles in plan order, the new ones add
exactly and round once) to 1e-9 relative.
"""

from __future__ import annotations

import datetime as dt
import math
import re

import pytest
from psycopg2 import sql

from regen.db import Database
from regen.migrate import MIGRATIONS_DIR
from tests import world
from tests.conftest import demo_database

RENAMED = (
    "overdue_by_province_all",
    "office_states_on",
    "neighborhood_status_on",
    "coverage_by_city",
    "handover_by_city",
    "coverage_by_province",
)
OLD_BODIES = [  # (migration, function): the last definition before 0100
    ("0006_coverage.sql", "office_states_on"),
    ("0030_status_set_based.sql", "neighborhood_status_on"),
    ("0040_accounts.sql", "coverage_by_city"),
    ("0040_accounts.sql", "handover_by_city"),
    ("0006_coverage.sql", "coverage_by_province"),  # 0040 renamed it coverage_by_province_all
    ("0042_national_overdue.sql", "overdue_by_province_all"),
]


def _old_function(migration: str, name: str) -> str:
    text = (MIGRATIONS_DIR / migration).read_text("utf-8")
    m = re.search(rf"CREATE OR REPLACE FUNCTION {name}\(.*?\$\$;", text, re.S)
    assert m, f"{name} not found in {migration}"
    body = m.group(0)
    for fn in RENAMED:
        body = re.sub(rf"\b{fn}\(", f"old_{fn}(", body)
    return body


def install_old(db: Database) -> None:
    with db.transaction() as cur:
        for migration, name in OLD_BODIES:
            cur.execute(_old_function(migration, name))


def _rows(db: Database, query: str, day, key) -> dict:
    return {tuple(r[k] for k in key): r for r in db.query(query, (day,))}


def _same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    return a == b


CHECKS = [  # (new, old, key)
    ("SELECT * FROM office_states_on(%s)", "SELECT * FROM old_office_states_on(%s)", ("office_code",)),
    (
        "SELECT * FROM neighborhood_status_on(%s)",
        "SELECT * FROM old_neighborhood_status_on(%s)",
        ("neighborhood_code",),
    ),
    ("SELECT * FROM coverage_by_city(%s)", "SELECT * FROM old_coverage_by_city(%s)", ("city_code",)),
    ("SELECT * FROM handover_by_city(%s)", "SELECT * FROM old_handover_by_city(%s)", ("city_code",)),
    (
        "SELECT * FROM handover_by_city(%s, 'renewal_service')",
        "SELECT * FROM old_handover_by_city(%s, 'renewal_service')",
        ("city_code",),
    ),
    (
        "SELECT * FROM coverage_by_province_all(%s)",
        "SELECT * FROM old_coverage_by_province(%s)",
        ("province_code",),
    ),
]  # fmt: skip


def assert_same(db: Database, days) -> int:
    """Asserts new = old on every day; gives how many rows were compared."""
    from regen import queries as named
    from regen.scope import Scope

    for scope in (Scope(user="n", role="national"), Scope(user="p", role="provincial", province="IR-23")):
        about = named.run("dash_counts", db, scope=scope)[0]["neighborhoods"]
        with db.transaction(scope=scope) as cur:  # the old count, under the same policies
            cur.execute("SELECT count(*) AS n FROM neighborhoods WHERE retired_at IS NULL")
            assert about == cur.fetchone()["n"]
    compared = 0
    for day in days:
        for new_q, old_q, key in CHECKS:
            new, old = _rows(db, new_q, day, key), _rows(db, old_q, day, key)
            assert new.keys() == old.keys(), f"{new_q} on {day}: rows differ"
            for k, o in old.items():
                bad = [c for c in o if not _same(new[k][c], o[c])]
                assert not bad, f"{new_q} on {day}, {k}: {[(c, new[k][c], o[c]) for c in bad]}"
            compared += len(old)
    return compared


def _days(db: Database, extra=()) -> list:
    """Every day something begins or retires, the day before it, and a few far ones."""
    rows = db.query(
        "SELECT DISTINCT d FROM (SELECT began_on AS d FROM office_states "
        "UNION SELECT retired_at::date FROM neighborhoods WHERE retired_at IS NOT NULL) x"
    )
    days = {r["d"] for r in rows}
    days |= {d - dt.timedelta(days=1) for d in days}
    return sorted(days | {dt.date(1990, 1, 1), dt.date.today(), dt.date(2100, 1, 1), *extra})


@pytest.fixture
def built(db):
    world.build(db)
    install_old(db)
    return db


def test_the_old_bodies_are_the_old_ones(built):
    # the test compares against something: the old functions answer, and differently from nothing
    assert built.scalar("SELECT covered FROM old_coverage_by_city('2019-06-01') WHERE city_code = 'C1'") == 2
    assert "office_state_spans" not in _old_function("0006_coverage.sql", "office_states_on")


def test_world_on_every_day(built):
    assert assert_same(built, _days(built)) > 0


def test_writes_are_followed(built):
    db = built
    # a backdated state recorded after a later one: O3 planned 2020, then established on 2019 (earlier)
    db.execute(
        "INSERT INTO office_states (office_code, state, began_on) VALUES ('O3', 'established', '2019-05-01')"
    )
    assert_same(db, _days(db))
    assert db.scalar(
        "SELECT status FROM neighborhood_status_on('2019-06-01') WHERE neighborhood_code = 'N3'"
    ) == ("established")
    # same-day states: the later stage wins
    db.execute(
        "INSERT INTO office_states (office_code, state, began_on) VALUES ('O3', 'active', '2019-05-01')"
    )
    assert_same(db, _days(db))
    # a state changed and one removed
    db.execute(
        "UPDATE office_states SET began_on = '2020-07-01' WHERE office_code = 'O1' AND state = 'handed_over'"
    )
    db.execute("DELETE FROM office_states WHERE office_code = 'O2' AND state = 'closed'")
    assert_same(db, _days(db))
    # a retirement (as --replace does), a link removed, a kind changed, a neighborhood moved
    db.execute("UPDATE neighborhoods SET retired_at = '2020-06-01 10:00+00' WHERE code = 'N2'")
    assert_same(db, _days(db))
    db.execute("DELETE FROM office_neighborhoods WHERE office_code = 'O1'")
    db.execute("UPDATE offices SET kind = 'facilitation' WHERE code = 'O4'")
    db.execute("UPDATE neighborhoods SET city_code = 'C2', population = 10 WHERE code = 'N3'")
    assert_same(db, _days(db))
    # a new office serving two neighborhoods, then the office deleted
    with db.transaction() as cur:
        cur.execute(
            "INSERT INTO offices (code, kind, name_fa, city_code, location) "
            "SELECT 'O9', 'facilitation', 'دفتر ۹', 'C1', ST_PointOnSurface(boundary) "
            "FROM neighborhoods WHERE code = 'N4'"
        )
        cur.execute("INSERT INTO office_neighborhoods VALUES ('O9', 'N4'), ('O9', 'N1')")
        cur.execute(
            "INSERT INTO office_states (office_code, state, began_on) VALUES ('O9', 'active', '2018-02-01')"
        )
    assert_same(db, _days(db))
    assert (
        db.scalar("SELECT covered FROM coverage_by_city('2018-03-01') WHERE city_code = 'C1'") == 2
    )  # N1, N4 through O9
    db.execute("DELETE FROM offices WHERE code = 'O9'")
    assert_same(db, _days(db))
    db.execute("TRUNCATE office_states")
    assert_same(db, _days(db))
    assert db.scalar("SELECT count(*) FROM office_state_spans") == 0


def test_the_facts_are_not_readable_outside_the_scope(built):
    with built.transaction() as cur:
        cur.execute("SET LOCAL ROLE regen_app")
        cur.execute(
            "SELECT set_config('regen.role', 'provincial', true), set_config('regen.province', 'IR-30', true)"
        )
        for table in (
            "office_state_spans",
            "neighborhood_status_spans",
            "city_coverage_days",
            "city_handover_days",
        ):
            cur.execute(
                sql.SQL("SELECT count(*) AS n FROM {} WHERE {} = ANY (%s)")
                .format(sql.Identifier(table), sql.Identifier("office_code" if table == "office_state_spans"
                                                              else "city_code" if table.startswith("city")
                                                              else "neighborhood_code")),
                (["C1", "O1", "O2", "O3", "O4", "N1", "N2", "N3", "N4"],),
            )  # fmt: skip
            assert cur.fetchone()["n"] == 0, table
        cur.execute("SELECT count(*) AS n FROM city_coverage_days WHERE city_code = 'C2'")
        assert cur.fetchone()["n"] > 0


@pytest.fixture(scope="module")
def demo(pg_server, template_url):
    with demo_database(pg_server, template_url, "regen_facts", install_old) as database:
        yield database


def test_demo_on_many_days(demo):
    days = _days(demo)
    step = max(1, len(days) // 40)
    assert assert_same(demo, days[::step] + [days[-1]]) > 10_000


def test_demo_after_a_replace_and_a_backdated_state(demo):
    # a --replace that retires a city's neighborhoods today, and a backdated state on a busy office
    city = demo.scalar("SELECT city_code FROM neighborhoods GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")
    demo.execute(
        "UPDATE neighborhoods SET retired_at = now() WHERE code IN "
        "(SELECT code FROM neighborhoods WHERE city_code = %s ORDER BY code LIMIT 5)",
        (city,),
    )
    office = demo.scalar(
        "SELECT office_code FROM office_states GROUP BY 1 HAVING NOT bool_or(state = 'planned') "
        "ORDER BY min(began_on) DESC LIMIT 1"
    )
    first = demo.scalar("SELECT min(began_on) FROM office_states WHERE office_code = %s", (office,))
    demo.execute(
        "INSERT INTO office_states (office_code, state, began_on) VALUES (%s, 'planned', %s)",
        (office, first - dt.timedelta(days=40)),
    )
    days = _days(demo, extra=[first - dt.timedelta(days=20), dt.date.today() + dt.timedelta(days=1)])
    step = max(1, len(days) // 20)
    assert_same(demo, days[::step] + [days[-1]])


OLD_TIMELINE = """
SELECT d::date AS day, c.province_code,
       sum(c.neighborhoods)::int AS neighborhoods, sum(c.covered)::int AS covered,
       sum(c.handed_over)::int AS handed_over,
       sum(c.established + c.active + c.handed_over)::int AS established_total
FROM unnest(%s::date[]) AS d CROSS JOIN LATERAL old_coverage_by_province(d) c
GROUP BY d, c.province_code
"""  # the dash_timeline of before 0101, per province


def assert_same_timeline(db: Database, days) -> None:
    new = db.query(
        "SELECT day, province_code, neighborhoods::int, covered::int, handed_over::int, "
        "established_total::int FROM timeline_by_province_all(%s::date[])",
        (days,),
    )
    old = db.query(OLD_TIMELINE, (days,))
    key = lambda r: (r["day"], r["province_code"])  # noqa: E731
    assert sorted(map(dict, new), key=key) == sorted(map(dict, old), key=key)
    assert len(new) == 31 * len(days)


def test_timeline_world(built):
    assert_same_timeline(built, _days(built))
    built.execute("UPDATE neighborhoods SET retired_at = '2019-02-01' WHERE code = 'N1'")
    built.execute("UPDATE cities SET retired_at = '2021-02-01' WHERE code = 'C2'")
    assert_same_timeline(built, _days(built))


def test_timeline_demo(demo):
    days = _days(demo)
    assert_same_timeline(demo, days[:: max(1, len(days) // 30)])


# dash_overdue_counts before 0103 (sql/queries/dashboard.sql), per place, without the filters
OLD_OVERDUE_COUNTS = """
WITH st AS (
  SELECT DISTINCT ON (s.action_code) s.action_code, s.status
  FROM action_statuses s
  WHERE s.began_on <= %(as_of)s
  ORDER BY s.action_code, s.began_on DESC, s.id DESC
)
SELECT ap.province_code, ap.city_code, count(*)::int AS overdue
FROM actions a
JOIN action_places ap ON ap.action_code = a.code
LEFT JOIN st ON st.action_code = a.code
WHERE a.due_on < %(as_of)s AND COALESCE(st.status, 'open') NOT IN ('done', 'cancelled')
GROUP BY ap.province_code, ap.city_code
"""


def assert_same_overdue(db: Database, days) -> int:
    from regen import queries as named
    from regen.scope import Scope

    national = Scope(user="n", role="national")
    compared = 0
    for day in days:
        old = sorted(map(dict, db.query(OLD_OVERDUE_COUNTS, {"as_of": day})), key=str)
        new = named.run("dash_overdue_counts", db, scope=national, as_of=day, province=None, city=None)
        assert sorted(map(dict, new), key=str) == old, day
        old_p = sorted(map(dict, db.query("SELECT * FROM old_overdue_by_province_all(%s)", (day,))), key=str)
        new_p = sorted(map(dict, db.query("SELECT * FROM overdue_by_province_all(%s)", (day,))), key=str)
        assert new_p == old_p, day
        compared += len(old)
    return compared


def _action_days(db: Database) -> list:
    rows = db.query(
        "SELECT DISTINCT d FROM (SELECT began_on AS d FROM action_statuses UNION SELECT due_on FROM actions "
        "UNION SELECT due_on + 1 FROM actions) x WHERE d IS NOT NULL"
    )
    days = {r["d"] for r in rows} | {dt.date(2000, 1, 1), dt.date.today(), dt.date(2100, 1, 1)}
    return sorted(days | {d - dt.timedelta(days=1) for d in days})


def _add_actions(db: Database) -> None:
    with db.transaction() as cur:
        for code, place, due in (
            ("A1", {"city_code": "C1"}, "2019-01-01"),
            ("A2", {"office_code": "O1"}, "2020-01-01"),
            ("A3", {"neighborhood_code": "N5"}, "2018-06-01"),
            ("A4", {"province_code": "IR-23"}, "2021-01-01"),
            ("A5", {}, "2019-06-01"),  # national: tied to no place
            ("A6", {}, None),  # no due day: never overdue
        ):
            cols = ", ".join(
                ["code", "meeting_number", "resolution_number", "agency_code", "title_fa", "due_on", *place]
            )
            cur.execute(
                f"INSERT INTO actions ({cols}) VALUES (%s, 50, 3, 'moi_social', %s, %s{', %s' * len(place)})",
                (code, "اقدام " + code, due, *place.values()),
            )
        for action, status, day in (
            ("A1", "in_progress", "2018-12-01"),
            ("A1", "done", "2019-03-01"),
            ("A2", "done", "2020-05-01"),
            ("A2", "open", "2020-05-01"),  # same day: the later recorded holds
            ("A3", "cancelled", "2019-01-01"),
            ("A5", "in_progress", "2019-07-01"),
        ):
            cur.execute(
                "INSERT INTO action_statuses (action_code, status, began_on, evidence) "
                "VALUES (%s, %s, %s, 'x')",
                (action, status, day),
            )


def test_overdue_world(built):
    _add_actions(built)
    assert assert_same_overdue(built, _action_days(built)) > 0
    # a backdated status, a due day moved, an office moved to another city, an action removed
    built.execute(
        "INSERT INTO action_statuses (action_code, status, began_on, evidence) "
        "VALUES ('A4', 'done', '2020-02-01', 'x')"
    )
    built.execute("UPDATE actions SET due_on = '2018-01-01' WHERE code = 'A1'")
    built.execute("UPDATE offices SET city_code = 'C2' WHERE code = 'O1'")
    built.execute("DELETE FROM actions WHERE code = 'A3'")
    assert assert_same_overdue(built, _action_days(built)) > 0
    built.execute("TRUNCATE action_statuses")
    assert assert_same_overdue(built, _action_days(built)) > 0


def test_overdue_demo(demo):
    days = _action_days(demo)
    assert assert_same_overdue(demo, days[:: max(1, len(days) // 30)]) > 0
