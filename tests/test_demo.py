"""The demo data set: built through the real loaders into fresh databases, it tells a consistent story.

Three builds: with the real OSM boundaries (../shared/data/iran-osm), without (the shipped simplified
provinces, cities as points),
and the latter again through `regen demo` to check that the same seed gives the same exports.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from click.testing import CliRunner

from etl.demo.build import build_demo, export_checksums
from etl.demo.calendar import STORY_DAY
from regen.db import Database
from regen.errors import RegenError
from tests.conftest import drop_database, new_database

MEETING_50 = dt.date(2018, 10, 2)
SPREAD_BEGAN = dt.date(2019, 8, 23)  # 1398/06/01: after the pilot, offices spread to other cities


@pytest.fixture(scope="module")
def built(pg_server, template_url, iran_osm):
    """Gives {"osm": Database, "points": Database}, each holding a demo build, with its DemoResult."""
    out, names = {}, []
    for variant, folder in (("osm", iran_osm), ("points", None)):
        url = new_database(pg_server, "regen_demo", template_url)
        database = Database(url)
        names.append((url, database))
        out[variant] = (database, build_demo(database, boundaries=folder))
    yield out
    for url, database in names:
        database.close()
        drop_database(pg_server, url)


VARIANTS = ["osm", "points"]


def one(database: Database, statement: str, params=None):
    return database.scalar(statement, params)


@pytest.mark.parametrize("variant", VARIANTS)
def test_scale_and_shape_of_the_national_picture(built, variant):
    database, result = built[variant]
    c = database.query("""
        SELECT (SELECT count(*) FROM cities) AS cities,
               (SELECT count(DISTINCT city_code) FROM neighborhoods) AS cities_with_nbhd,
               (SELECT count(*) FROM neighborhoods) AS n,
               (SELECT avg(area_ha) FROM neighborhoods) AS avg_ha,
               (SELECT avg(population) FROM neighborhoods) AS avg_pop,
               (SELECT count(*) FROM neighborhoods WHERE cardinality(kinds) = 2) AS two_kinds,
               (SELECT count(*) FROM neighborhoods WHERE cardinality(kinds) = 0) AS no_kind,
               (SELECT count(*) FROM neighborhoods WHERE pilot) AS pilot,
               (SELECT count(*) FROM offices WHERE kind = 'facilitation') AS fac,
               (SELECT count(*) FROM offices WHERE kind = 'renewal_service') AS ren,
               (SELECT count(*) FROM offices WHERE pre_program) AS pre
    """)[0]
    assert c["cities"] == 540 and c["cities_with_nbhd"] == 540
    assert c["n"] == 2700
    assert 40 <= c["avg_ha"] <= 60 and 6000 <= c["avg_pop"] <= 8000
    assert 0.05 * c["n"] <= c["two_kinds"] <= 0.2 * c["n"] and c["no_kind"] == 0
    assert 200 <= c["fac"] <= 600 and 20 <= c["ren"] <= 150 and 10 <= c["pre"] <= 60
    assert 50 <= c["pilot"] <= 200
    shares = {
        r["k"]: r["n"]
        for r in database.query("SELECT k, count(*) AS n FROM neighborhoods, unnest(kinds) k GROUP BY k")
    }
    assert set(shares) == {"historic", "inner_city", "rural_core", "informal"}
    assert shares["inner_city"] > shares["historic"] and shares["informal"] > shares["historic"]
    # Larger cities hold more neighborhoods: Tehran the most.
    top = one(database, "SELECT city_code FROM neighborhoods GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")
    assert top == "gn-112931"
    # Persian names: the cities' from GeoNames, the neighborhoods' from Persian words.
    assert one(database, "SELECT count(*) FROM cities WHERE name_fa ~ '[پچژگکی]|[ا-ی]{2}'") == 540
    assert one(database, "SELECT count(*) FROM neighborhoods WHERE name_fa !~ '^[آ-ی‌ ]+$'") == 0
    assert result.counts["neighborhoods"] == 2700


@pytest.mark.parametrize("variant", VARIANTS)
def test_per_province_counts_add_up_to_the_national_total(built, variant):
    database, _ = built[variant]
    per = database.query("SELECT * FROM coverage_by_province(%s)", (STORY_DAY,))
    assert len(per) == 31 and all(p["cities"] > 0 and p["neighborhoods"] > 0 for p in per)
    assert sum(p["neighborhoods"] for p in per) == one(database, "SELECT count(*) FROM neighborhoods")
    assert sum(p["cities"] for p in per) == one(database, "SELECT count(*) FROM cities")
    states = sum(p["planned"] + p["established"] + p["active"] + p["handed_over"] + p["closed"] for p in per)
    assert states == one(database, "SELECT count(*) FROM offices WHERE kind = 'facilitation'")
    assert sum(p["covered"] for p in per) == one(
        database, "SELECT count(*) FROM neighborhood_status_on(%s) WHERE covered", (STORY_DAY,)
    )


@pytest.mark.parametrize("variant", VARIANTS)
def test_coverage_and_handover_lie_in_plausible_ranges(built, variant):
    database, result = built[variant]
    s = database.query(
        """
        SELECT 100.0 * sum(covered) / sum(neighborhoods) AS coverage,
               100.0 * sum(covered_ha) / sum(area_ha) AS coverage_area,
               100.0 * sum(handed_over) / sum(established + active + handed_over) AS handover,
               count(*) FILTER (WHERE covered = 0) AS provinces_uncovered
        FROM coverage_by_province(%s)""",
        (STORY_DAY,),
    )[0]
    assert 8 <= s["coverage"] <= 40 and 5 <= s["coverage_area"] <= 45
    assert 15 <= s["handover"] <= 70
    assert s["provinces_uncovered"] <= 10
    assert abs(result.story["coverage_pct"] - s["coverage"]) < 1e-6
    # Before the 50th meeting only the pre-program offices covered anything; coverage grew after it.
    before = one(database, "SELECT sum(covered) FROM coverage_by_province(%s)", (MEETING_50,))
    pre = one(
        database,
        "SELECT count(*) FROM office_neighborhoods JOIN offices ON code = office_code WHERE pre_program",
    )
    assert 0 < before <= pre


@pytest.mark.parametrize("variant", VARIANTS)
def test_every_office_history_is_a_possible_sequence_within_the_story(built, variant):
    database, _ = built[variant]
    assert one(database, "SELECT count(*) FROM offices WHERE office_history_problem(code) IS NOT NULL") == 0
    assert (
        one(
            database,
            "SELECT count(*) FROM offices o WHERE NOT EXISTS "
            "(SELECT 1 FROM office_states s WHERE s.office_code = o.code)",
        )
        == 0
    )
    assert one(database, "SELECT max(began_on) FROM office_states") <= STORY_DAY
    assert one(database, "SELECT min(began_on) FROM office_states WHERE state = 'handed_over'") > MEETING_50
    assert one(database, "SELECT count(*) FROM office_states WHERE state = 'closed'") > 0
    # The pilot came first: program offices planned within a year of the meeting are in 10 capitals.
    pilot_cities = one(
        database,
        """
        SELECT count(DISTINCT o.city_code) FROM offices o JOIN office_states s ON s.office_code = o.code
        WHERE s.state = 'planned' AND s.began_on < %s AND NOT o.pre_program""",
        (SPREAD_BEGAN,),
    )
    assert pilot_cities == 10
    # Every office serves neighborhoods of its own city, and sits inside one of them.
    assert (
        one(
            database,
            """
        SELECT count(*) FROM office_neighborhoods onb JOIN offices o ON o.code = onb.office_code
        JOIN neighborhoods n ON n.code = onb.neighborhood_code WHERE n.city_code <> o.city_code""",
        )
        == 0
    )
    assert (
        one(
            database,
            """
        SELECT count(*) FROM offices o WHERE NOT EXISTS (
          SELECT 1 FROM office_neighborhoods onb JOIN neighborhoods n ON n.code = onb.neighborhood_code
          WHERE onb.office_code = o.code AND ST_Intersects(n.boundary, o.location))""",
        )
        == 0
    )


@pytest.mark.parametrize("variant", VARIANTS)
def test_every_action_points_at_a_resolution_and_agency_with_a_status(built, variant):
    database, _ = built[variant]
    assert (
        one(
            database,
            """
        SELECT count(*) FROM actions a
        LEFT JOIN resolutions r ON (r.meeting_number, r.number) = (a.meeting_number, a.resolution_number)
        LEFT JOIN agencies g ON g.code = a.agency_code
        WHERE r.number IS NULL OR g.code IS NULL""",
        )
        == 0
    )
    by = {
        (r["resolution_number"], r["kind"]): r["n"]
        for r in database.query("SELECT resolution_number, kind, count(*) AS n FROM actions GROUP BY 1, 2")
    }
    assert by[(2, "performance_report")] == 5 and by[(6, "performance_report")] == 1
    pre_covered = one(
        database,
        """
        SELECT count(DISTINCT neighborhood_code) FROM office_neighborhoods JOIN offices ON code = office_code
        WHERE pre_program""",
    )
    assert by[(3, "establish_office")] == 2700 - pre_covered
    established = one(
        database,
        """
        SELECT count(DISTINCT o.code) FROM offices o JOIN office_states s ON s.office_code = o.code
        WHERE o.kind = 'facilitation' AND s.state = 'established'
          AND o.operator_agency_code <> 'municipalities'""",
    )
    assert by[(3, "handover_office")] == established
    assert (
        one(
            database,
            "SELECT count(*) FROM actions a WHERE NOT EXISTS "
            "(SELECT 1 FROM action_statuses s WHERE s.action_code = a.code)",
        )
        == 0
    )
    overdue = one(
        database,
        """
        SELECT count(*) FROM actions a JOIN LATERAL (
          SELECT status FROM action_statuses s WHERE s.action_code = a.code
          ORDER BY began_on DESC, id DESC LIMIT 1
        ) st ON true WHERE a.due_on < %s AND st.status IN ('open', 'in_progress')""",
        (STORY_DAY,),
    )
    total = one(database, "SELECT count(*) FROM actions")
    assert 0.1 * total <= overdue <= 0.6 * total
    assert (
        one(database, "SELECT count(*) FROM action_statuses WHERE status = 'done' AND evidence IS NULL") == 0
    )
    assert one(database, "SELECT max(began_on) FROM action_statuses") <= STORY_DAY


@pytest.mark.parametrize("variant", VARIANTS)
def test_no_two_neighborhoods_overlap(built, variant):
    database, _ = built[variant]
    # && uses the GIST index; the demo leaves a street between neighborhoods, so none even touch.
    assert (
        one(
            database,
            """
        SELECT count(*) FROM neighborhoods a JOIN neighborhoods b
          ON a.code < b.code AND a.boundary && b.boundary AND ST_Intersects(a.boundary, b.boundary)""",
        )
        == 0
    )
    assert one(database, "SELECT count(*) FROM neighborhoods WHERE NOT ST_IsValid(boundary)") == 0


@pytest.mark.parametrize("variant", VARIANTS)
def test_every_neighborhood_lies_within_15_km_of_its_city(built, variant):
    database, _ = built[variant]
    farthest = one(
        database,
        """
        SELECT max(ST_Distance(p.geom::geography, c.location::geography))
        FROM neighborhoods n JOIN cities c ON c.code = n.city_code, ST_DumpPoints(n.boundary) p""",
    )
    assert 1000 < farthest <= 15_000


def test_with_real_boundaries_cities_hold_their_neighborhoods(built):
    database, result = built["osm"]
    assert one(database, "SELECT count(*) FROM provinces WHERE boundary IS NOT NULL") == 31
    with_boundary = one(database, "SELECT count(*) FROM cities WHERE boundary IS NOT NULL")
    assert 300 <= with_boundary <= 478 and result.counts["cities_with_boundary"] == with_boundary
    # Boundaries are attached to GeoNames cities, which keep their points: no city is duplicated.
    assert one(database, "SELECT count(*) FROM cities WHERE location IS NULL") == 0
    assert (
        one(
            database,
            """
        SELECT count(*) FROM neighborhoods n JOIN cities c ON c.code = n.city_code
        WHERE c.boundary IS NOT NULL AND NOT ST_CoveredBy(n.boundary, c.boundary)""",
        )
        == 0
    )
    assert (
        one(
            database,
            """
        SELECT count(*) FROM cities a JOIN cities b ON a.code < b.code AND a.boundary && b.boundary
        AND ST_Area(ST_Intersection(a.boundary, b.boundary)::geography) > 1e6""",
        )
        == 0
    )


def test_english_city_names_are_plain_ascii(built):
    """GeoNames writes «Ḩasanābād»; people (and the English dashboard) write «Hasanabad»."""
    database, _ = built["points"]
    names = [r["name_en"] for r in database.query("SELECT name_en FROM cities")]
    assert len(names) == 540 and all(n.isascii() and n.strip() == n for n in names)
    assert "Hasanabad" in names


def test_without_boundaries_provinces_are_the_shipped_polygons_and_cities_points(built):
    """`make run` has no ../shared: the 31 provinces still come as polygons (data/geo, simplified OSM)."""
    database, _ = built["points"]
    assert one(database, "SELECT count(*) FROM provinces WHERE boundary IS NOT NULL") == 31
    assert one(database, "SELECT count(*) FROM cities WHERE boundary IS NOT NULL") == 0
    # Simplified, not degenerate: each province's area within 1 % of the full OSM boundary's.
    osm, _ = built["osm"]
    full = {r["code"]: r["area_ha"] for r in osm.query("SELECT code, area_ha FROM provinces")}
    for r in database.query("SELECT code, area_ha FROM provinces"):
        assert abs(r["area_ha"] - full[r["code"]]) / full[r["code"]] < 0.01, r["code"]
    # Tehran (the city) lies in Tehran province.
    assert one(
        database,
        """
        SELECT ST_Covers(p.boundary, c.location)
        FROM provinces p, cities c WHERE p.code = 'IR-23' AND c.code = 'gn-112931'""",
    )


@pytest.mark.parametrize("variant", VARIANTS)
def test_synthetic_rows_are_marked_and_the_runs_say_so(built, variant):
    database, result = built[variant]
    for table in ("neighborhoods", "offices", "actions"):
        assert one(database, f"SELECT count(*) FROM {table} WHERE source NOT LIKE 'demo-%%'") == 0, table
    assert one(database, "SELECT count(*) FROM cities WHERE source LIKE 'demo-%%'") == 0
    runs = database.query("SELECT kind, file, inserted, rejected FROM etl_runs ORDER BY id")
    files = [r["file"].rsplit("/", 1)[-1] for r in runs]
    assert {
        "demo-neighborhoods.geojson",
        "demo-neighborhood-facts.csv",
        "demo-offices.csv",
        "demo-actions.csv",
        "geonames-cities.csv",
    } <= set(files)
    assert all(r["rejected"] == 0 for r in runs)
    assert [r.rejected for r in result.reports] == [0] * len(result.reports)


@pytest.mark.parametrize("variant", VARIANTS)
def test_the_data_notice_says_demo_and_attributes_the_sources(built, variant):
    from etl.demo.notice import data_notice

    database, _ = built[variant]
    notice = data_notice(database)
    assert notice["en"][0].startswith("Demo data: synthetic") and "ساختگی" in notice["fa"][0]
    assert any("GeoNames" in line for line in notice["en"])
    assert any("Natural Earth" in line for line in notice["en"])
    assert any("© OpenStreetMap contributors" in line for line in notice["en"]) == (variant == "osm")


def test_same_seed_gives_the_same_exports_and_regen_run_loads_it_once(
    built, pg_server, template_url, monkeypatch, capsys
):
    from regen.cli import _load_demo_if_empty, cli

    database, _ = built["points"]
    first = export_checksums(database)
    url = new_database(pg_server, "regen_demo", template_url)
    second_db = Database(url)
    try:
        # What `regen run` does on an empty database: load the demo and say what it loaded.
        _load_demo_if_empty(second_db)
        said = capsys.readouterr().out
        assert "loading the demo data set" in said and "2700 target neighborhoods" in said
        assert "national coverage" in said and "demo data loaded in" in said
        assert export_checksums(second_db) == first
        # `regen demo` again: every loader finds its file already loaded; the exports are the same.
        monkeypatch.setenv("DATABASE_URL", second_db.url)
        out = CliRunner().invoke(cli, ["demo", "--checksums"], catch_exceptions=False)
        assert out.exit_code == 0, out.output
        steps = re.findall(r"inserted (\d+), updated (\d+)", out.output)
        assert len(steps) == 7 and all(step == ("0", "0") for step in steps), out.output
        assert dict(re.findall(r"sha256 (\w+): ([0-9a-f]{64})", out.output)) == first
        # A database that holds data is left alone by `regen run`.
        _load_demo_if_empty(second_db)
        assert capsys.readouterr().out == ""
        # Real neighborhoods are never mixed with the demo.
        second_db.execute("UPDATE neighborhoods SET source = 'tehran.shp' WHERE code = 'demo-nb-00001'")
        with pytest.raises(RegenError, match="not demo data"):
            build_demo(second_db)
    finally:
        second_db.close()
        drop_database(pg_server, url)


@pytest.mark.parametrize("variant", VARIANTS)
def test_targets_are_believable(built, variant):
    from dashboard import performance
    from regen.scope import NATIONAL

    database, _ = built[variant]
    rows = performance.targets(database, NATIONAL, STORY_DAY)
    assert {r["measure"] for r in rows} == set(performance.MEASURES)
    assert len({r["province_code"] for r in rows if r["province_code"]}) >= 25
    assert any(r["from_year"] == 1396 and r["to_year"] == 1400 for r in rows)  # the Sixth Plan
    ended = [r for r in rows if r["ends_on"] < STORY_DAY and r["measure"] != "reports_submitted"]
    shares = sorted(r["achieved_pct"] for r in ended)
    assert 50 <= shares[len(shares) // 2] <= 110, shares
    states = {r["state"] for r in rows}
    assert {"met", "missed", "behind"} <= states or {"met", "missed", "on_track"} <= states, states
