"""The database enforces scope by itself: the app role under row-level security, and the recording
functions that check role, province and sequence and write exactly one audit row."""

from __future__ import annotations

import datetime as dt

import psycopg2
import pytest

from regen.scope import ANONYMOUS, Scope
from tests.auth_seed import ISFAHAN, NATIONAL, TEHRAN, VIEWER, counts, seed

INJECTIONS = ["'; DROP TABLE offices; --", "%' OR '1'='1", "of-teh' OR '1'='1", "\\'; SELECT pg_sleep(5); --"]


@pytest.fixture
def world(db):
    seed(db)
    return db


def codes(db, statement, scope, params=None):
    return sorted(r["code"] for r in db.query(statement, params, scope=scope))


def test_scoped_transaction_runs_as_app_role(world):
    assert world.query("SELECT current_user AS u", scope=TEHRAN)[0]["u"] == "regen_app"
    assert world.query("SELECT current_user AS u")[0]["u"] != "regen_app"  # CLI / ETL keep the owner


@pytest.mark.parametrize("table", ["offices", "neighborhoods", "actions", "targets"])
def test_provincial_sees_its_province_only(world, table):
    assert codes(world, f"SELECT code FROM {table}", TEHRAN) in (
        ["nb-teh"],
        ["of-teh"],
        ["ac-nat", "ac-teh"],
        ["tg-nat", "tg-teh"],
    )
    assert "isf" not in " ".join(codes(world, f"SELECT code FROM {table}", TEHRAN))
    assert "teh" not in " ".join(codes(world, f"SELECT code FROM {table}", ISFAHAN))
    everything = codes(world, f"SELECT code FROM {table}", None)
    assert codes(world, f"SELECT code FROM {table}", NATIONAL) == everything
    assert codes(world, f"SELECT code FROM {table}", VIEWER) == everything
    assert codes(world, f"SELECT code FROM {table}", ANONYMOUS) == []
    assert codes(world, f"SELECT code FROM {table}", Scope("x", "provincial", None)) in ([], ["ac-nat"])


def test_raw_select_of_other_province_returns_nothing(world):
    assert world.query("SELECT * FROM offices WHERE code = 'of-isf'", scope=TEHRAN) == []
    assert world.query("SELECT * FROM office_states WHERE office_code = 'of-isf'", scope=TEHRAN) == []
    assert world.query("SELECT * FROM office_neighborhoods WHERE office_code = 'of-isf'", scope=TEHRAN) == []
    assert world.query("SELECT * FROM action_statuses WHERE action_code = 'ac-isf'", scope=TEHRAN) == []
    assert world.query("SELECT * FROM action_places WHERE action_code = 'ac-isf'", scope=TEHRAN) == []
    assert world.query("SELECT * FROM neighborhood_status_on(current_date)", scope=TEHRAN) == [
        {"neighborhood_code": "nb-teh", "city_code": "tehran", "status": "established", "covered": False}
    ]
    assert len(world.query("SELECT * FROM office_states", scope=NATIONAL)) == 2


def test_update_and_insert_outside_the_functions_change_nothing(world):
    before = world.query("SELECT code, name_fa, city_code FROM offices ORDER BY code")
    for statement in (
        "UPDATE offices SET name_fa = 'hacked' WHERE code = 'of-isf'",
        "UPDATE offices SET name_fa = 'hacked'",
        "DELETE FROM office_states",
        "INSERT INTO office_states (office_code, state, began_on) VALUES ('of-isf', 'closed', '2021-01-01')",
        "INSERT INTO audit_log (who, who_role, entity, entity_code, after)"
        " VALUES ('x', 'national', 'office_state', 'x', '{}')",
        "SELECT * FROM users",
        "DROP TABLE offices",
        "CREATE TABLE evil (id int)",
    ):
        with pytest.raises(psycopg2.Error):
            world.query(statement, scope=NATIONAL)  # even the national scope has no direct write
    assert world.query("SELECT code, name_fa, city_code FROM offices ORDER BY code") == before
    assert counts(world) == {"office_states": 2, "action_statuses": 3, "audit_log": 0, "offices": 2}


def test_city_aggregates_follow_scope_and_province_aggregates_are_national(world):
    cities = world.query("SELECT city_code FROM coverage_by_city(current_date)", scope=TEHRAN)
    assert [r["city_code"] for r in cities] == ["tehran"]
    ho = world.query("SELECT city_code, established FROM handover_by_city(current_date)", scope=TEHRAN)
    assert ho == [{"city_code": "tehran", "established": 1}]
    per = {
        r["province_code"]: r
        for r in world.query("SELECT * FROM coverage_by_province(current_date)", scope=TEHRAN)
    }
    assert len(per) == 31
    assert per["IR-10"]["neighborhoods"] == 1 and per["IR-10"]["established"] == 1  # aggregate of Isfahan
    assert per["IR-10"]["population"] == 2000
    assert world.query("SELECT * FROM coverage_by_province(current_date)", scope=ANONYMOUS) == []
    assert len(world.query("SELECT * FROM coverage_by_province_today", scope=VIEWER)) == 31
    assert len(world.query("SELECT * FROM coverage_by_province(current_date)")) == 31  # owner (CLI)
    assert len(world.query("SELECT * FROM coverage_by_city(current_date)", scope=NATIONAL)) == 2


def record_state(db, scope, office, state, on, letter=None, note=None):
    return db.query(
        "SELECT record_office_state(%s, %s, %s, %s, %s) AS id", (office, state, on, letter, note), scope=scope
    )[0]["id"]


def record_status(db, scope, action, status, on, evidence):
    return db.query(
        "SELECT record_action_status(%s, %s, %s, %s) AS id", (action, status, on, evidence), scope=scope
    )[0]["id"]


def test_in_scope_write_gives_exactly_one_audit_row(world):
    audit_id = record_state(world, TEHRAN, "of-teh", "active", dt.date(2021, 3, 1), None, "opened")
    assert counts(world) == {"office_states": 3, "action_statuses": 3, "audit_log": 1, "offices": 2}
    row = world.query("SELECT * FROM audit_log")[0]
    assert row["id"] == audit_id and row["who"] == "teh" and row["entity_code"] == "of-teh"
    assert row["province_code"] == "IR-23"
    assert row["before"] == {
        "state": "established",
        "began_on": "2020-01-01",
        "letter_no": None,
        "note": None,
    }
    assert row["after"]["state"] == "active" and row["after"]["note"] == "opened"
    assert (
        world.query("SELECT recorded_by FROM office_states WHERE state = 'active'")[0]["recorded_by"] == "teh"
    )
    record_state(world, NATIONAL, "of-isf", "handed_over", dt.date(2022, 1, 1), "1234/ش", None)
    record_status(world, TEHRAN, "ac-teh", "done", dt.date(2022, 2, 2), "letter 55")
    record_status(world, NATIONAL, "ac-nat", "in_progress", dt.date(2019, 1, 1), "reports coming")
    assert counts(world)["audit_log"] == 4
    # the audit log follows the scope as well
    assert {r["entity_code"] for r in world.query("SELECT entity_code FROM audit_log", scope=TEHRAN)} == {
        "of-teh",
        "ac-teh",
        "ac-nat",
    }
    assert {r["entity_code"] for r in world.query("SELECT entity_code FROM audit_log", scope=ISFAHAN)} == {
        "of-isf",
        "ac-nat",
    }


TOMORROW = dt.date.today() + dt.timedelta(days=1)


@pytest.mark.parametrize(
    "scope, args, message",
    [
        (TEHRAN, ("of-isf", "active", dt.date(2021, 1, 1)), "not in your scope"),
        (ISFAHAN, ("of-teh", "active", dt.date(2021, 1, 1)), "not in your scope"),
        (VIEWER, ("of-teh", "active", dt.date(2021, 1, 1)), "role viewer may not record"),
        (ANONYMOUS, ("of-teh", "active", dt.date(2021, 1, 1)), "role anonymous may not record"),
        (Scope("ghost", "national"), ("of-teh", "active", dt.date(2021, 1, 1)), "no enabled account"),
        (
            Scope("teh", "provincial", "IR-10"),
            ("of-isf", "active", dt.date(2021, 1, 1)),
            "no enabled account",
        ),
        (Scope("teh", "national"), ("of-isf", "active", dt.date(2021, 1, 1)), "no enabled account"),
        (NATIONAL, ("of-teh", "active", dt.date(2019, 1, 1)), "before the office's previous state"),
        (NATIONAL, ("of-teh", "established", dt.date(2021, 1, 1)), "already established"),
        (NATIONAL, ("of-teh", "planned", dt.date(2021, 1, 1)), "state must be one of"),
        (NATIONAL, ("of-teh", "active", TOMORROW), "in the future"),
        (NATIONAL, ("of-teh", "handed_over", dt.date(2021, 1, 1)), "letter number"),
        (NATIONAL, ("no-such-office", "active", dt.date(2021, 1, 1)), "not in your scope"),
        (NATIONAL, ("of-teh", "active", None), "date is missing"),
    ],
)
def test_refused_office_writes_change_nothing(world, scope, args, message):
    before = counts(world)
    with pytest.raises(psycopg2.Error, match=message):
        record_state(world, scope, *args)
    assert counts(world) == before


def test_handover_of_an_office_never_established_is_refused(world):
    with world.transaction() as cur:
        cur.execute("DELETE FROM office_states WHERE office_code = 'of-teh'")
        cur.execute(
            "INSERT INTO office_states (office_code, state, began_on)"
            " VALUES ('of-teh', 'planned', '2019-01-01')"
        )
    before = counts(world)
    with pytest.raises(psycopg2.Error, match="without an earlier established or active state"):
        record_state(world, TEHRAN, "of-teh", "handed_over", dt.date(2021, 1, 1), "12/3")
    assert counts(world) == before


@pytest.mark.parametrize(
    "scope, args, message",
    [
        (TEHRAN, ("ac-isf", "done", dt.date(2021, 1, 1), "x"), "not in your scope"),
        (TEHRAN, ("ac-nat", "done", dt.date(2021, 1, 1), "x"), "not in your scope"),
        (VIEWER, ("ac-teh", "done", dt.date(2021, 1, 1), "x"), "role viewer may not record"),
        (NATIONAL, ("ac-teh", "open", dt.date(2021, 1, 1), "x"), "already open"),
        (NATIONAL, ("ac-teh", "done", dt.date(2018, 1, 1), "x"), "before the action's previous status"),
        (NATIONAL, ("ac-teh", "done", TOMORROW, "x"), "in the future"),
        (NATIONAL, ("ac-teh", "done", dt.date(2021, 1, 1), "  "), "evidence note is required"),
        (NATIONAL, ("ac-teh", "finished", dt.date(2021, 1, 1), "x"), "status must be one of"),
    ],
)
def test_refused_action_writes_change_nothing(world, scope, args, message):
    before = counts(world)
    with pytest.raises(psycopg2.Error, match=message):
        record_status(world, scope, *args)
    assert counts(world) == before


def test_disabled_account_cannot_write(world):
    world.execute("UPDATE users SET disabled = true WHERE name = 'teh'")
    with pytest.raises(psycopg2.Error, match="no enabled account"):
        record_state(world, TEHRAN, "of-teh", "active", dt.date(2021, 1, 1))
    assert counts(world)["audit_log"] == 0


@pytest.mark.parametrize("text", INJECTIONS)
def test_injection_strings_are_plain_text(world, text):
    for scope in (TEHRAN, NATIONAL):
        assert world.query("SELECT code FROM offices WHERE code = %s", (text,), scope=scope) == []
        assert world.query("SELECT code FROM offices WHERE name_fa LIKE %s", (text,), scope=scope) == []
    with pytest.raises(psycopg2.Error, match="not in your scope"):
        record_state(world, TEHRAN, text, "active", dt.date(2021, 1, 1))
    with pytest.raises(psycopg2.Error, match="no enabled account"):
        record_state(world, Scope(text, "national"), "of-teh", "active", dt.date(2021, 1, 1))
    # in the province setting: sees nothing rather than everything
    assert world.query("SELECT code FROM offices", scope=Scope("teh", "provincial", text)) == []
    # stored verbatim where text is allowed
    record_state(world, TEHRAN, "of-teh", "handed_over", dt.date(2021, 1, 1), text, text)
    row = world.query("SELECT letter_no, note FROM office_states WHERE state = 'handed_over'")[0]
    assert row == {"letter_no": text.strip(), "note": text.strip()}
    record_status(world, TEHRAN, "ac-teh", "done", dt.date(2021, 1, 1), text)
    assert world.query("SELECT count(*) AS n FROM offices")[0]["n"] == 2
    assert counts(world)["audit_log"] == 2


def test_every_table_is_granted_or_deliberately_closed(world):
    """A table added later is unreadable by the app until granted: this lists what is open and shut,
    so that a new table is a conscious decision (grant it in a migration, or add it to CLOSED);
    tests/test_scope_tables.py says how scope applies to each readable one."""
    closed = {"users", "schema_migrations", "spatial_ref_sys", "boundary_pieces", "sessions"}
    closed |= {"signin_attempts", "data_changes"}  # data_changes: through data_stamps() (0151)
    closed |= {"facts_pending"}  # what a transaction's writes left to refresh at its end (0200)
    closed |= {"province_figure_days"}  # read through province_figures_on (0210), owner only
    rows = world.query(
        "SELECT c.relname, has_any_column_privilege('regen_app', c.oid, 'SELECT') AS can_read,"
        " has_table_privilege('regen_app', c.oid, 'INSERT')"
        " OR has_table_privilege('regen_app', c.oid, 'UPDATE')"
        " OR has_table_privilege('regen_app', c.oid, 'DELETE') AS can_write"
        " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = 'public' AND c.relkind IN ('r', 'v', 'p')"
    )
    for r in rows:
        assert not r["can_write"], f"regen_app may write {r['relname']} directly"
        if r["relname"] not in closed:
            assert r["can_read"], f"regen_app cannot read {r['relname']}: grant it in a migration or close it"
    private = ("users", "schema_migrations", "boundary_pieces", "sessions", "signin_attempts", "data_changes")
    assert not any(r["can_read"] for r in rows if r["relname"] in private)


def test_etl_runs_as_its_own_role(world, tmp_path):
    from etl.runs import etl_run

    source = tmp_path / "x.csv"
    source.write_text("code\n")
    with etl_run(world, "test", source, lock_key="test") as (cur, _report):
        cur.execute("SELECT current_user AS u, (SELECT count(*) FROM offices) AS n")
        assert dict(cur.fetchone()) == {"u": "regen_etl", "n": 2}  # every province, whatever the scope
        cur.execute("UPDATE offices SET name_en = 'x' WHERE code = 'of-isf'")
        assert cur.rowcount == 1
    for statement in ("SELECT * FROM users", "SELECT * FROM audit_log", "CREATE TABLE evil (id int)"):
        with pytest.raises(psycopg2.Error):
            with etl_run(world, "test", source, lock_key="test") as (cur, _report):
                cur.execute(statement)


def test_neighborhood_boundary_history_follows_scope(world):
    world.execute(
        "INSERT INTO boundary_history (level, code, name_fa, boundary, reason)"
        " SELECT 'neighborhood', code, name_fa, boundary, 'redrawn' FROM neighborhoods"
        " UNION ALL SELECT 'province', 'IR-10', 'اصفهان', NULL, 'redrawn'"
    )
    seen = {
        s.user: sorted(r["code"] for r in world.query("SELECT code FROM boundary_history", scope=s))
        for s in (NATIONAL, VIEWER, TEHRAN, ISFAHAN, ANONYMOUS)
    }
    assert seen == {
        "nat": ["IR-10", "nb-isf", "nb-teh"],
        "view": ["IR-10", "nb-isf", "nb-teh"],
        "teh": ["IR-10", "nb-teh"],
        "isf": ["IR-10", "nb-isf"],
        "anonymous": [],
    }
