"""The national figures from the per-province series (migration 0210) are coverage_by_province's: on
the hand-built world and on the demo, on many days, after the writes its triggers must follow (a state
recorded today and one backdated, a city retired and restored, a city given to another province, a
city added, a neighborhood retired, the series truncated and rebuilt). Integers equal; hectares and
shares equal but for the last bits (the old body summed each city's hectares as double precision, the
series sums them exactly)."""

from __future__ import annotations

import pytest

from regen.db import Database
from tests.conftest import demo_database
from tests.test_cold_timeline import _days, activate_and_backdate, writes

FLOATS = ("coverage_count_pct", "area_ha", "covered_ha", "coverage_area_pct", "coverage_population_pct",
          "handover_pct")  # fmt: skip


def assert_same(db: Database, days) -> int:
    n = 0
    for day in days:
        new = db.query("SELECT * FROM province_figures_on_all(%s) ORDER BY province_code", (day,))
        old = db.query("SELECT * FROM coverage_by_province_all(%s) ORDER BY province_code", (day,))
        assert len(new) == len(old) > 0
        for a, b in zip(new, old, strict=True):
            for k, v in b.items():
                if k in FLOATS and v is not None:
                    assert a[k] == pytest.approx(v, rel=1e-12, abs=1e-9), (day, a["province_code"], k)
                else:
                    assert a[k] == v, (day, a["province_code"], k)
        n += sum(r["neighborhoods"] for r in old)
    return n


def test_world_after_writes(world):
    assert assert_same(world, _days(world)) > 0
    for _ in writes(world):
        assert_same(world, _days(world))


@pytest.fixture(scope="module")
def demo(pg_server, template_url):
    with demo_database(pg_server, template_url, "regen_national") as database:
        yield database


def test_demo_on_many_days(demo):
    assert assert_same(demo, _days(demo)) > 1000
    assert_same(demo, _days(demo, extra=[activate_and_backdate(demo)]))
