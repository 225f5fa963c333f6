"""Named statements run prepared on their connection (regen/db.py `_Connection`, regen/queries.py):
the same answers as run plain, under every scope in turn, with their plans kept as each says."""

from __future__ import annotations

import re

import psycopg2
import pytest

from regen import queries
from regen.scope import ANONYMOUS
from tests.auth_seed import ISFAHAN, NATIONAL, TEHRAN, VIEWER, seed
from tests.test_auth_db import INJECTIONS

OFFICES = "SELECT code FROM offices WHERE (%(city)s::text IS NULL OR city_code = %(city)s) ORDER BY code"


@pytest.fixture
def world(db):
    seed(db)
    return db


def _kept(db, text: str) -> dict:
    """Gives the pooled connection's prepared statement of `text`: its plans so far."""
    with db.connection() as conn:
        name, _ = conn.prepared[text]
        with conn.cursor() as cur:
            cur.execute(
                "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE name = %s", (name,)
            )
            generic, custom = cur.fetchone()
        conn.rollback()
    return {"generic": generic, "custom": custom}


@pytest.mark.parametrize("plan", ["auto", "generic"])
def test_one_prepared_statement_answers_every_scope_in_turn_as_a_plain_one(world, plan):
    """Row-level security holds in a kept plan: a provincial officer's run after a national one's
    (and the reverse, past the five runs after which a plan may be kept) sees its province only."""
    scopes = [NATIONAL, TEHRAN, ISFAHAN, VIEWER, ANONYMOUS, TEHRAN, NATIONAL, ISFAHAN] * 2
    for i, scope in enumerate(scopes):
        params = {"city": None if i % 3 else "tehran"}
        assert world.query(OFFICES, params, scope=scope, plan=plan) == world.query(
            OFFICES, params, scope=scope
        ), (i, scope)
    assert world.query(OFFICES, {"city": None}, scope=TEHRAN, plan=plan) == [{"code": "of-teh"}]
    assert world.query(OFFICES, {"city": None}, scope=ANONYMOUS, plan=plan) == []
    kept = _kept(world, OFFICES)
    assert kept["generic"] + kept["custom"] >= len(scopes) + 2  # the one statement, prepared once
    if plan == "generic":
        assert kept["custom"] == 0


def test_a_generic_statement_keeps_one_plan_from_its_first_run(world):
    generic = "dash_coverage_cities"
    assert queries.plan_of(generic) == "generic"
    assert queries.plan_of("dash_search") == "auto"  # a LIKE search: a plan per pattern
    for _ in range(2):
        queries.run(generic, world, scope=NATIONAL, as_of="2024-01-01", kind=None, province=None, city=None)
    kept = _kept(world, queries.sql(generic))
    assert kept == {"generic": 2, "custom": 0}


def test_literals_placeholders_and_hostile_values_mean_what_they_mean_unprepared(world):
    statement = "SELECT '100%%' AS p, %(a)s::int + %(b)s::int AS s, %(a)s::int AS a, %(t)s::text AS t"
    for text in INJECTIONS:
        row = {"p": "100%", "s": 3, "a": 1, "t": text}
        assert world.query(statement, {"a": 1, "b": 2, "t": text}, scope=TEHRAN, plan="auto") == [row]
    assert world.query("SELECT count(*) AS n FROM offices")[0]["n"] == 2  # nothing dropped


def test_a_statement_that_fails_to_prepare_fails_again_the_same_way(world):
    for _ in range(2):
        with pytest.raises(psycopg2.errors.UndefinedColumn):
            world.query("SELECT nothing_here FROM offices WHERE code = %(c)s", {"c": "x"}, plan="auto")
    assert world.query(OFFICES, {"city": "isfahan"}, scope=NATIONAL, plan="auto") == [{"code": "of-isf"}]


def test_every_named_statement_that_can_be_prepared_is(db):
    """A placeholder only in a comment, or one whose type nothing names, fails here, not in a view."""
    preparable = re.compile(r"^\s*(?:--[^\n]*\n\s*)*(SELECT|WITH|INSERT|UPDATE|DELETE|VALUES)\b", re.I)
    texts = [t for t in queries.statements().values() if preparable.match(t)]
    assert len(texts) > 60
    with db.connection() as conn, conn.cursor() as cur:
        for text in texts:
            conn.prepare(cur, text)
        cur.execute("DEALLOCATE ALL")
        conn.prepared.clear()


def test_a_statement_whose_columns_changed_is_prepared_again(world):
    """A migration while the server runs may change what a kept statement reads: it answers with the
    new columns, not "cached plan must not change result type"."""
    world.execute("CREATE TABLE shifting (code text)")
    world.execute("INSERT INTO shifting VALUES ('a')")
    statement = "SELECT * FROM shifting WHERE code = %(c)s"
    assert world.query(statement, {"c": "a"}, plan="auto") == [{"code": "a"}]
    world.execute("ALTER TABLE shifting ADD COLUMN note text DEFAULT 'n'")
    assert world.query(statement, {"c": "a"}, plan="auto") == [{"code": "a", "note": "n"}]
