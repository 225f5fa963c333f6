"""Coverage and handover on a date, from the SQL functions, on the hand-built world."""

import pytest

from tests import world


@pytest.fixture
def built(db):
    world.build(db)
    return db


def _area(db, codes):
    return db.scalar("SELECT COALESCE(sum(area_ha), 0) FROM neighborhoods WHERE code = ANY(%s)", (codes,))


def _city(db, code, day):
    return db.query("SELECT * FROM coverage_by_city(%s) WHERE city_code = %s", (day, code))[0]


def test_coverage_while_both_offices_were_active(built):
    c = _city(built, "C1", "2019-06-01")
    assert (c["neighborhoods"], c["covered"]) == (4, 2)
    assert c["coverage_count_pct"] == pytest.approx(50.0)
    assert c["covered_ha"] == pytest.approx(_area(built, ["N1", "N2"]))
    assert c["coverage_area_pct"] == pytest.approx(
        100 * _area(built, ["N1", "N2"]) / _area(built, ["N1", "N2", "N3", "N4"])
    )
    # N3's population is unknown: population shares count neighborhoods whose population is known.
    assert (c["population"], c["covered_population"]) == (7000, 3000)


def test_handed_over_still_covered_closed_not(built):
    c = _city(built, "C1", "2022-01-01")
    assert c["covered"] == 1  # N1 (handed over) yes, N2 (closed) no, N3 planned, N4 renewal office only
    assert c["covered_ha"] == pytest.approx(_area(built, ["N1"]))
    assert c["covered_population"] == 1000


def test_before_anything_began(built):
    c = _city(built, "C1", "2017-06-01")
    assert c["covered"] == 0 and c["neighborhoods"] == 4
    assert _city(built, "C2", "2017-06-01")["covered"] == 1  # a pre-program office counts


def test_neighborhood_status(built):
    rows = built.query("SELECT neighborhood_code, status, covered FROM neighborhood_status_on('2022-01-01')")
    status = {r["neighborhood_code"]: (r["status"], r["covered"]) for r in rows}
    assert status == {
        "N1": ("handed_over", True),
        "N2": ("none", False),
        "N3": ("planned", False),
        "N4": ("none", False),
        "N5": ("active", True),
    }


def test_handover_by_city(built):
    h = built.query("SELECT * FROM handover_by_city('2022-01-01') WHERE city_code = 'C1'")[0]
    assert (h["planned"], h["established"], h["active"], h["handed_over"], h["closed"]) == (1, 0, 0, 1, 1)
    assert h["handover_pct"] == pytest.approx(100.0)
    h = built.query("SELECT * FROM handover_by_city('2019-06-01') WHERE city_code = 'C1'")[0]
    assert (h["active"], h["handed_over"], h["handover_pct"]) == (2, 0, 0.0)


def test_by_province_adds_up(built):
    rows = {r["province_code"]: r for r in built.query("SELECT * FROM coverage_by_province('2019-06-01')")}
    assert len(rows) == 31
    assert (rows["IR-23"]["neighborhoods"], rows["IR-23"]["covered"]) == (4, 2)
    assert (rows["IR-30"]["neighborhoods"], rows["IR-30"]["covered"]) == (1, 1)
    assert rows["IR-00"]["neighborhoods"] == 0 and rows["IR-00"]["coverage_count_pct"] is None
    assert sum(r["neighborhoods"] for r in rows.values()) == 5
    assert rows["IR-23"]["active"] == 2


def test_retired_neighborhood_leaves_the_picture_after_its_date(built):
    built.execute("UPDATE neighborhoods SET retired_at = '2020-06-01' WHERE code = 'N4'")
    assert _city(built, "C1", "2020-01-01")["neighborhoods"] == 4
    assert _city(built, "C1", "2021-01-01")["neighborhoods"] == 3


def test_history_problems(built):
    assert built.scalar("SELECT count(*) FROM offices WHERE office_history_problem(code) IS NOT NULL") == 0
    built.execute(
        "INSERT INTO office_states (office_code, state, began_on) VALUES ('O3', 'handed_over', '2020-02-01')"
    )
    assert "without an earlier established or active" in built.scalar("SELECT office_history_problem('O3')")
    built.execute(
        "INSERT INTO office_states (office_code, state, began_on) VALUES ('O5', 'planned', '2018-01-01')"
    )
    assert "later stage" in built.scalar("SELECT office_history_problem('O5')")
