"""The table loaders' writes (etl/table_writes.py): all changes at once by COPY, or one at a time
when the database refuses some, give the same database; a refused row is rejected alone.

(Against the row-by-row loaders this replaced, `regen demo --checksums` gave the same five export
checksums at --scale 1 and --scale 10: see docs/demo.md.)"""

from __future__ import annotations

import pytest

from etl import table_writes
from etl.demo.build import build_demo, export_checksums
from etl.load_tables import load_table
from regen.db import Database
from tests.conftest import drop_database, kept_facts, new_database
from tests.table_fixtures import insert_places

HISTORY = """
SELECT (SELECT md5(string_agg(concat_ws('|', id, office_code, state, began_on, letter_no, note, run_id),
                              ',' ORDER BY id)) FROM office_states) AS office_states,
       (SELECT md5(string_agg(concat_ws('|', id, action_code, status, began_on, evidence, run_id),
                              ',' ORDER BY id)) FROM action_statuses) AS action_statuses,
       (SELECT md5(string_agg(concat_ws('|', office_code, neighborhood_code), ',' ORDER BY 1))
          FROM office_neighborhoods) AS links
"""


@pytest.fixture
def fresh(pg_server, template_url):
    made = []

    def make() -> Database:
        url = new_database(pg_server, "regen_tw", template_url)
        made.append((url, database := Database(url)))
        return database

    yield make
    for url, database in made:
        database.close()
        drop_database(pg_server, url)


def test_the_demo_is_the_same_written_at_once_or_one_change_at_a_time(fresh, monkeypatch):
    at_once = fresh()
    build_demo(at_once)
    one_by_one = fresh()
    with monkeypatch.context() as m:  # as if the database had refused something: every change alone
        m.setattr(table_writes, "_all_at_once", lambda *args: None)
        build_demo(one_by_one)
    assert export_checksums(at_once) == export_checksums(one_by_one)
    assert at_once.query(HISTORY) == one_by_one.query(HISTORY)  # the same ids, in the same order
    assert kept_facts(at_once) == kept_facts(one_by_one)  # kept once at the end (0200)
    assert one_by_one.scalar("SELECT count(*) FROM facts_pending") == 0


def test_a_value_the_database_refuses_rejects_its_row_alone(db, tmp_path):
    insert_places(db)
    path = tmp_path / "cities.csv"
    path.write_text(
        "code,name_fa,province,lat,lon,population\n"
        "qom,قم,IR-25,34.64,50.88,1201158\n"
        "big,بزرگ,IR-25,34.70,50.90,3000000000\n"  # more than an integer column holds
        "kashan,کاشان,IR-10,33.98,51.43,304487\n",
        encoding="utf-8",
    )
    report = load_table(db, "cities", path, max_rejects=1)
    assert (report.inserted, report.rejected) == (2, 1)
    [reject] = report.rejects
    assert reject.row_no == 2 and reject.name == "big"
    assert "the database refused the row" in reject.reason and "out of range" in reject.reason
    assert db.scalar("SELECT count(*) FROM cities WHERE code IN ('qom', 'kashan')") == 2
    assert db.scalar("SELECT count(*) FROM cities WHERE code = 'big'") == 0
