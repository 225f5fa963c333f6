"""Places for the table-loader and export tests: cities and neighborhood polygons written with SQL
(the boundaries loader is tested on its own), and helpers that fingerprint the whole database."""

from __future__ import annotations

from regen.db import Database

# Two cities in two provinces; four small square neighborhoods (about 50 ha each).
PLACES_SQL = """
INSERT INTO cities (code, province_code, name_fa, name_en, location, population, source) VALUES
 ('tehran', 'IR-23', 'تهران', 'Tehran', ST_SetSRID(ST_MakePoint(51.389, 35.6892), 4326), 8693706, 'test'),
 ('isfahan', 'IR-10', 'اصفهان', 'Isfahan', ST_SetSRID(ST_MakePoint(51.668, 32.6539), 4326), 1961260, 'test');
INSERT INTO neighborhoods (code, city_code, name_fa, name_en, boundary, kinds, source) VALUES
 ('THR-001', 'tehran', 'نارمک', 'Narmak', ST_Multi(ST_MakeEnvelope(51.490, 35.730, 51.497, 35.736, 4326)),
  '{inner_city}', 'test'),
 ('THR-002', 'tehran', 'سیروس', 'Sirous', ST_Multi(ST_MakeEnvelope(51.420, 35.670, 51.427, 35.676, 4326)),
  '{historic}', 'test'),
 ('THR-003', 'tehran', 'خاک سفید', 'Khak-e Sefid',
  ST_Multi(ST_MakeEnvelope(51.540, 35.740, 51.547, 35.746, 4326)),
  '{informal}', 'test'),
 ('ISF-001', 'isfahan', 'جلفا', 'Jolfa', ST_Multi(ST_MakeEnvelope(51.660, 32.630, 51.667, 32.636, 4326)),
  '{historic}', 'test');
"""


def insert_places(db: Database) -> None:
    db.execute(PLACES_SQL)


_TABLES = """
SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind = 'r' AND n.nspname = 'public' AND c.relname <> 'spatial_ref_sys'
ORDER BY c.relname
"""


def fingerprint(db: Database) -> dict[str, str]:
    """Gives table name → md5 of its rows in a fixed order, for every table (etl_runs included)."""
    from psycopg2 import sql

    out = {}
    with db.transaction() as cur:
        cur.execute(_TABLES)
        for (name,) in [tuple(r.values()) for r in cur.fetchall()]:
            stmt = sql.SQL(
                "SELECT md5(COALESCE(string_agg(t::text, '|' ORDER BY t::text), '')) AS h FROM {} t"
            )
            cur.execute(stmt.format(sql.Identifier(name)))
            out[name] = cur.fetchone()["h"]
    return out
