"""Data stamps per kind of data written (migration 0197, dashboard/results.py READS): a recorded office
state leaves the actions' kept results and page, an action's status the coverage and the timeline,
and neither the shapes, boxes and neighbours; a write of places or of any other table changes all;
and what is kept again after a write is the new data."""

from __future__ import annotations

import datetime as dt

from dashboard import kept, queries, results
from dashboard.pages import actions as actions_page
from regen.scope import NATIONAL

TODAY = dt.date.today()
KINDS = {
    "office": results.READS["dash_timeline"],
    "action": results.READS["dash_action_group_counts"],
    "places": results.READS["dash_province_shapes"],
    "all": None,
}


def stamps(db) -> dict[str, tuple]:
    return {
        (k, on): results.data_stamp(db, NATIONAL, on, kinds=kinds)
        for k, kinds in KINDS.items()
        for on in (results.EVERYTHING, results.BASE, "IR-23")
    }


def changed(before: dict, after: dict) -> set[tuple]:
    return {k for k in before if before[k] != after[k]}


def test_each_kind_changes_its_readers_stamps_only(world):
    s0 = stamps(world)
    world.execute(
        "INSERT INTO office_states (office_code, state, began_on) VALUES ('O2', 'handed_over', %s)", (TODAY,)
    )
    s1 = stamps(world)
    assert {k for k, _ in changed(s0, s1)} == {"office", "all"}
    assert ("office", results.BASE) not in changed(s0, s1)  # one province's state: not the base
    world.execute(
        "INSERT INTO action_statuses (action_code, status, began_on) VALUES ('A1', 'done', %s)", (TODAY,)
    )
    s2 = stamps(world)
    assert {k for k, _ in changed(s1, s2)} == {"action", "all"}
    world.execute(
        "INSERT INTO action_statuses (action_code, status, began_on) VALUES ('A3', 'done', %s)", (TODAY,)
    )
    s3 = stamps(world)  # a national action's status: no province, still of its kind only
    assert {k for k, _ in changed(s2, s3)} == {"action", "all"}
    assert ("action", results.BASE) in changed(s2, s3)
    world.execute("UPDATE neighborhoods SET name_en = 'Narmak 2' WHERE code = 'N2'")
    assert {k for k, _ in changed(s3, stamps(world))} == set(KINDS)
    s4 = stamps(world)
    world.execute("UPDATE offices SET name_en = 'Narmak office 2' WHERE code = 'O2'")  # of no kind: every
    assert {k for k, _ in changed(s4, stamps(world))} == set(KINDS)


def test_one_transaction_of_two_kinds_changes_both(world):
    s0 = stamps(world)
    with world.transaction() as cur:
        cur.execute(
            "INSERT INTO office_states (office_code, state, began_on) VALUES ('O2', 'handed_over', %s)",
            (TODAY,),
        )
        cur.execute(
            "INSERT INTO action_statuses (action_code, status, began_on) VALUES ('A1', 'done', %s)", (TODAY,)
        )
    assert {k for k, _ in changed(s0, stamps(world))} == {"office", "action", "all"}


def test_the_actions_page_is_kept_through_an_office_state_and_follows_a_status(world):
    from dashboard.urls import parse

    view = parse("/actions", "")
    key0 = kept.key(actions_page, view, {})
    groups0 = queries.action_groups(world, NATIONAL, TODAY)
    world.execute(
        "INSERT INTO office_states (office_code, state, began_on) VALUES ('O2', 'handed_over', %s)", (TODAY,)
    )
    assert kept.key(actions_page, view, {}) == key0
    assert queries.action_groups(world, NATIONAL, TODAY) is groups0  # the kept rows themselves
    world.execute(
        "INSERT INTO action_statuses (action_code, status, began_on) VALUES ('A3', 'done', %s)", (TODAY,)
    )
    assert kept.key(actions_page, view, {}) != key0
    groups = queries.action_groups(world, NATIONAL, TODAY)
    assert sum(g["done"] for g in groups) == sum(g["done"] for g in groups0) + 1
    # and the timeline, kept through the status, follows the office state recorded before it
    results.clear_cache()
    t0 = queries.timeline(world, NATIONAL, TODAY)
    world.execute(
        "INSERT INTO action_statuses (action_code, status, began_on) VALUES ('A2', 'cancelled', %s)", (TODAY,)
    )
    assert queries.timeline(world, NATIONAL, TODAY) == t0
    world.execute(
        "INSERT INTO office_states (office_code, state, began_on) VALUES ('O3', 'handed_over', %s)", (TODAY,)
    )
    assert queries.timeline(world, NATIONAL, TODAY)[-1] != t0[-1]
