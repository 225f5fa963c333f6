"""The kept facts brought up to date once at the end of a transaction (migration 0200): with
regen.facts_at_end on, writes only note what to refresh; refresh_pending_facts() (or the commit, when
nothing called it) refreshes it, and the facts are then those a rebuild from nothing gives. A change
undone by its savepoint leaves no note behind."""

from __future__ import annotations

from tests.conftest import KEPT_FACTS, kept_facts

AT_END = {"regen.facts_at_end": "on"}
REBUILD = (
    "SELECT refresh_coverage_facts(NULL, NULL, NULL), refresh_overdue_facts(NULL), "
    "refresh_action_group_facts(NULL)"
)
# writes of every kind the facts follow: statuses (new, changed, removed), states, a moved office, an action
WRITES = (
    "INSERT INTO action_statuses (action_code, status, began_on) VALUES ('A3', 'done', '2023-06-01')",
    "INSERT INTO action_statuses (action_code, status, began_on) VALUES ('A4', 'in_progress', '2020-01-01')",
    "UPDATE action_statuses SET began_on = '2021-03-01' WHERE action_code = 'A2' AND status = 'in_progress'",
    "DELETE FROM action_statuses WHERE action_code = 'A1'",
    "INSERT INTO office_states (office_code, state, began_on) VALUES ('O3', 'handed_over', '2024-01-01')",
    "DELETE FROM office_states WHERE office_code = 'O5' AND state = 'active'",
    "UPDATE offices SET city_code = 'RAY' WHERE code = 'O2'",
    "UPDATE actions SET due_on = '2020-01-01' WHERE code = 'A1'",
)


def rebuilt(db) -> list[dict]:
    """Gives the facts a rebuild from nothing gives (leaving them rebuilt)."""
    with db.transaction() as cur:
        cur.execute(REBUILD)
    return kept_facts(db)


def pending(cur) -> int:
    cur.execute("SELECT count(*) AS n FROM facts_pending")
    return cur.fetchone()["n"]


def test_writes_only_note_their_facts_until_the_pending_ones_are_refreshed(world):
    before = kept_facts(world)
    with world.transaction(settings=AT_END) as cur:
        for statement in WRITES:
            cur.execute(statement)
        assert pending(cur) > 0
        cur.execute(KEPT_FACTS)  # the facts still those of before the writes (an action's latest
        waiting = [r for r in cur.fetchall() if r["facts"] != "action_latest_status"]  # status is cheap)
        assert waiting == [r for r in before if r["facts"] != "action_latest_status"]
        cur.execute("SELECT refresh_pending_facts()")
        assert pending(cur) == 0
        cur.execute(KEPT_FACTS)
        after = cur.fetchall()
    assert after != before
    assert kept_facts(world) == after == rebuilt(world)


def test_a_transaction_that_ends_without_refreshing_keeps_its_facts_at_commit(world):
    with world.transaction(settings=AT_END) as cur:
        for statement in WRITES:
            cur.execute(statement)
        assert pending(cur) > 0
    assert world.scalar("SELECT count(*) FROM facts_pending") == 0
    after = kept_facts(world)
    assert after == rebuilt(world)


def test_a_change_undone_by_its_savepoint_leaves_no_note(world):
    before = kept_facts(world)
    with world.transaction(settings=AT_END) as cur:
        cur.execute("SAVEPOINT change")
        cur.execute(WRITES[0])
        assert pending(cur) > 0
        cur.execute("ROLLBACK TO SAVEPOINT change")
        assert pending(cur) == 0
    assert kept_facts(world) == before == rebuilt(world)
