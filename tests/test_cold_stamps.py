"""Data stamps per province (migration 0140, dashboard/queries.py): a state recorded in one province
changes that province's stamp and the country's, not another province's nor the base one; so a view of
an untouched province is given again from its kept page, and the province written to shows the new
state at once."""

from __future__ import annotations

import datetime as dt

import orjson
import pytest

from dashboard import kept, queries, results, shell
from regen.scope import NATIONAL
from tests.conftest import WRITER

ON = ("IR-23", "IR-10", results.BASE, results.EVERYTHING)


@pytest.fixture
def world(world, national_account):
    """conftest's world, with the national account states are recorded as (WRITER)."""
    return world


def stamps(db) -> dict[str, tuple]:
    return {on: results.data_stamp(db, NATIONAL, on) for on in ON}


def changed(before: dict, after: dict) -> set[str]:
    return {on for on in ON if before[on] != after[on]}


def record_state(db, office: str, state: str, day: dt.date, letter: str | None = None) -> None:
    with db.transaction(scope=WRITER) as cur:
        cur.execute("SELECT record_office_state(%s, %s, %s, %s, NULL)", (office, state, day, letter))


def record_status(db, action: str, status: str) -> None:
    with db.transaction(scope=WRITER) as cur:
        cur.execute("SELECT record_action_status(%s, %s, %s, 'evidence')", (action, status, dt.date.today()))


def test_a_recorded_state_changes_its_provinces_stamp_and_the_countrys_only(world):
    s0 = stamps(world)
    record_state(world, "O5", "handed_over", dt.date.today(), "۱/ش")  # Arzanan, Isfahan
    s1 = stamps(world)
    assert changed(s0, s1) == {"IR-10", results.EVERYTHING}
    record_status(world, "A2", "cancelled")  # the Narmak office's action: Tehran
    s2 = stamps(world)
    assert changed(s1, s2) == {"IR-23", results.EVERYTHING}
    record_status(world, "A3", "done")  # a national action: every province
    s3 = stamps(world)
    assert changed(s2, s3) == set(ON)
    world.execute("UPDATE neighborhoods SET population = population + 1 WHERE code = 'N5'")  # by hand
    s4 = stamps(world)
    assert changed(s3, s4) == set(ON)
    # a statement that writes no row changes nothing
    world.execute("UPDATE office_states SET note = note WHERE false")
    assert stamps(world) == s4


def test_a_state_before_the_first_office_day_changes_every_stamp(world):
    """The timeline of every province starts on the country's first office day: a state recorded before
    it (or on it) is not one province's."""
    world.execute(
        "INSERT INTO offices (code, kind, name_fa, city_code, location, source) VALUES "
        "('O9', 'facilitation', 'دفتر نو', 'ISF', ST_SetSRID(ST_MakePoint(51.7, 32.6), 4326), 'test')"
    )
    first = world.query("SELECT min(began_on) AS d FROM office_states")[0]["d"]
    s0 = stamps(world)
    record_state(world, "O9", "established", first - dt.timedelta(days=1))
    assert changed(s0, stamps(world)) == set(ON)
    s1 = stamps(world)
    record_state(world, "O9", "active", first + dt.timedelta(days=400))
    assert changed(s1, stamps(world)) == {"IR-10", results.EVERYTHING}


def test_every_stamp_stays_new_past_a_pruning(world):
    """Pruning (every 500th row) drops rows, so counts fall: no stamp of any kind comes back once it
    has changed."""
    runs = {on: [results.data_stamp(world, NATIONAL, on)] for on in ON}
    for i in range(520):
        if i % 2:
            world.execute("UPDATE agencies SET name_fa = name_fa WHERE false")  # every province
        else:
            world.execute("UPDATE office_states SET note = note WHERE office_code = 'O5'")  # Isfahan
        for on in ON:
            now = results.data_stamp(world, NATIONAL, on)
            if now != runs[on][-1]:
                runs[on].append(now)
    for on in ON:
        assert len(runs[on]) == len(set(runs[on])), on
    assert len(runs[results.EVERYTHING]) == len(runs["IR-10"]) == 521
    assert len(runs["IR-23"]) >= 261 and len(runs[results.BASE]) >= 261
    assert world.query("SELECT count(*) AS n FROM data_changes")[0]["n"] < 500


def page(path: str):
    return shell.render(path, "", kept=True)[3]


def test_a_write_in_one_province_leaves_the_others_kept_pages(world):
    isfahan, isfahan_city, tehran, country = (
        page("/province/IR-10"),
        page("/city/ISF"),
        page("/province/IR-23"),
        page("/"),
    )
    cities_isf = queries.coverage_cities(world, NATIONAL, dt.date.today(), province="IR-10")
    assert page("/province/IR-10") is isfahan  # kept
    record_state(world, "O2", "handed_over", dt.date.today(), "۲/ش")  # Narmak, Tehran
    # Isfahan's pages and results are the kept ones …
    assert page("/province/IR-10") is isfahan
    assert page("/city/ISF") is isfahan_city
    assert queries.coverage_cities(world, NATIONAL, dt.date.today(), province="IR-10") is cities_isf
    # … Tehran's and the country's show the new state: each as a page built afresh shows it
    new_tehran, new_country = page("/province/IR-23"), page("/")
    assert orjson.dumps(new_tehran) != orjson.dumps(tehran)
    assert orjson.dumps(new_country) != orjson.dumps(country)
    for path, now in (("/province/IR-23", new_tehran), ("/", new_country)):
        results.clear_cache()
        assert orjson.dumps(now) == kept.page_json(shell.render(path, "")[3]).encode()
    handed = queries.coverage_cities(world, NATIONAL, dt.date.today(), province="IR-23")
    assert sum(r["handed_over"] for r in handed) == 2  # Oudlajan before, Narmak now
