"""The schema refuses data that is not sane."""

import psycopg2
import pytest

from tests import world

BOWTIE = "ST_GeomFromText('MULTIPOLYGON(((51 35, 51.01 35.01, 51.01 35, 51 35.01, 51 35)))', 4326)"
SQUARE = "ST_Multi(ST_MakeEnvelope(51.3, 35.6, 51.31, 35.61, 4326))"


@pytest.fixture
def built(db):
    world.build(db)
    return db


def _insert_neighborhood(db, code, boundary_sql):
    db.execute(
        "INSERT INTO neighborhoods (code, city_code, name_fa, boundary) "
        f"VALUES (%s, 'C1', 'محله', {boundary_sql})",
        (code,),
    )


def test_invalid_polygon_refused(built):
    with pytest.raises(psycopg2.errors.CheckViolation, match="is_sane_area|boundary"):
        _insert_neighborhood(built, "BAD", BOWTIE)


def test_empty_polygon_refused(built):
    with pytest.raises(psycopg2.errors.CheckViolation):
        _insert_neighborhood(built, "EMPTY", "ST_GeomFromText('MULTIPOLYGON EMPTY', 4326)")


def test_point_in_boundary_column_refused(built):
    with pytest.raises(
        psycopg2.DataError, match="Geometry type \\(Point\\) does not match column type \\(MultiPolygon\\)"
    ):
        _insert_neighborhood(built, "PT", "ST_SetSRID(ST_MakePoint(51.3, 35.6), 4326)")


def test_other_srid_refused(built):
    with pytest.raises(psycopg2.DataError, match="SRID"):
        _insert_neighborhood(
            built, "UTM", "ST_Multi(ST_MakeEnvelope(500000, 3900000, 501000, 3901000, 32639))"
        )


def test_office_without_location_refused(built):
    with pytest.raises(psycopg2.errors.NotNullViolation, match="location"):
        built.execute(
            "INSERT INTO offices (code, kind, name_fa, city_code) VALUES ('O9', 'facilitation', 'دفتر', 'C1')"
        )


def test_duplicate_codes_refused(built):
    with pytest.raises(psycopg2.errors.UniqueViolation):
        _insert_neighborhood(built, "N1", SQUARE)
    with pytest.raises(psycopg2.errors.UniqueViolation):
        built.execute(
            "INSERT INTO cities (code, province_code, name_fa, location) "
            "VALUES ('C1', 'IR-23', 'دوباره', ST_SetSRID(ST_MakePoint(51, 35), 4326))"
        )


def test_foreign_keys_and_enumerations(built):
    with pytest.raises(psycopg2.errors.ForeignKeyViolation):
        _insert_neighborhood_into_missing_city(built)
    with pytest.raises(psycopg2.errors.CheckViolation):
        built.execute("UPDATE neighborhoods SET kinds = '{slum}' WHERE code = 'N1'")
    with pytest.raises(psycopg2.errors.CheckViolation):
        built.execute(
            "INSERT INTO office_states (office_code, state, began_on) VALUES ('O1', 'dreaming', '2020-01-01')"
        )
    with pytest.raises(psycopg2.errors.CheckViolation):
        built.execute("INSERT INTO cities (code, province_code, name_fa) VALUES ('C9', 'IR-23', 'بی‌جا')")


def _insert_neighborhood_into_missing_city(db):
    db.execute(
        "INSERT INTO neighborhoods (code, city_code, name_fa, boundary) "
        f"VALUES ('X', 'NOPE', 'محله', {SQUARE})"
    )


def test_area_is_computed_in_hectares(built):
    # A 0.01° square at 35.6°N is about 1113 m × 905 m ≈ 100.7 ha on the spheroid.
    _insert_neighborhood(built, "SQ", SQUARE)
    assert built.scalar("SELECT area_ha FROM neighborhoods WHERE code = 'SQ'") == pytest.approx(
        100.7, rel=0.01
    )


def test_every_geometry_has_a_gist_index(db):
    """Every geometry that is searched by place has one; the `boundary_drawn` columns (the outline as
    the maps draw it, simplified once when stored: migration 0102) and the provinces' `boundary_point`
    (where the map writes a province's name, kept with its boundary: 0211) are only read by code, never
    searched."""
    missing = db.query(
        """
        SELECT f_table_name AS t, f_geometry_column AS c FROM geometry_columns g
        WHERE f_table_schema = 'public' AND f_geometry_column NOT IN ('boundary_drawn', 'boundary_point')
          AND NOT EXISTS (
            SELECT 1 FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
            JOIN pg_am am ON am.oid = ic.relam JOIN pg_attribute a ON a.attrelid = i.indrelid
            WHERE i.indrelid = (quote_ident(g.f_table_name))::regclass AND am.amname = 'gist'
              AND a.attname = g.f_geometry_column AND a.attnum = ANY(i.indkey))
        """
    )
    assert missing == []
    drawn = db.query(
        "SELECT f_table_name AS t FROM geometry_columns WHERE f_geometry_column = 'boundary_drawn'"
    )
    assert sorted(r["t"] for r in drawn) == ["cities", "neighborhoods", "provinces"]
    points = db.query(
        "SELECT f_table_name AS t FROM geometry_columns WHERE f_geometry_column = 'boundary_point'"
    )
    assert [r["t"] for r in points] == ["provinces"]


def test_reference_data(db):
    assert db.scalar("SELECT count(*) FROM provinces") == 31
    assert db.scalar("SELECT name_en FROM provinces WHERE code = 'IR-23'") == "Tehran"
    assert db.scalar("SELECT held_on::text FROM meetings WHERE number = 50") == "2018-10-02"
    assert db.scalar("SELECT count(*) FROM resolutions WHERE meeting_number = 50") == 6
    assert (
        db.scalar(
            "SELECT count(*) FROM resolution_agencies ra "
            "LEFT JOIN agencies a ON a.code = ra.agency_code WHERE a.code IS NULL"
        )
        == 0
    )
