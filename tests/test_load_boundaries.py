"""`regen load boundaries` on the real OSM files and on broken copies of them, against a real PostGIS.

One module-scoped database gets the provinces and all 31 county files (loaded once: half with
--province, half by spatial overlap); the bad-input tests run against that same database and check
that every table is exactly as it was afterwards. Each kind of file: tests/test_boundary_formats.py;
parents by overlap and neighborhoods: tests/test_boundary_parents.py.
"""

from __future__ import annotations

import json
import threading
import time

import geopandas as gpd
import psycopg2
import pytest
import shapely
from click.testing import CliRunner
from psycopg2 import sql

from bench.etl import COUNTY_ARGS
from etl.load_boundaries import load_boundaries
from etl.runs import TooManyRejects
from regen.cli import cli
from regen.db import Database
from regen.text import fa_normalize
from tests.boundary_files import COUNTY, PREFIX, counties, geodesic_ha, shapefile, utm_tehran, write_counties
from tests.conftest import drop_database, new_database


def table_digest(db: Database) -> dict[str, str]:
    """Gives table → md5 of all its rows (as text, sorted): equal digests mean equal contents."""
    tables = [
        r["table_name"]
        for r in db.query(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
            "AND table_type = 'BASE TABLE' ORDER BY 1"
        )
    ]
    out = {}
    for t in tables:
        q = sql.SQL(
            "SELECT md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS h, count(*) AS n "
            "FROM {} x"
        ).format(sql.Identifier(t))
        with db.transaction() as cur:
            cur.execute(q)
            row = cur.fetchone()
        out[t] = f"{row['n']}:{row['h']}"
    return out


@pytest.fixture(scope="module")
def loaded(pg_server, template_url, iran_osm):
    """Gives (Database, url, {file stem: report}) with provinces and all 31 county files loaded."""
    url = new_database(pg_server, "regen_b", template_url)
    db = Database(url)
    reports = {"provinces": load_boundaries(db, iran_osm / "provinces.geojson", "province")}
    for i, f in enumerate(sorted((iran_osm / "counties").glob("IR-*.geojson"))):
        # Half the files name their province, half have it found by overlap with the provinces.
        province = f.stem if i % 2 == 0 else None
        reports[f.stem] = load_boundaries(db, f, "city", province=province, **COUNTY)
    yield db, url, reports
    db.close()
    drop_database(pg_server, url)


def cli_run(url: str, *args: str):
    return CliRunner().invoke(cli, ["load", "boundaries", *args], env={"DATABASE_URL": url})


# -- the real files --------------------------------------------------------------------------------------
def test_provinces_attach_to_all_31_by_name(loaded, iran_osm):
    db, _, reports = loaded
    r = reports["provinces"]
    assert (r.read, r.updated, r.inserted, r.rejected) == (31, 31, 0, 0)
    rows = {
        x["name_key"]: x
        for x in db.query(
            "SELECT name_key, area_ha, boundary_source FROM provinces WHERE boundary IS NOT NULL"
        )
    }
    assert len(rows) == 31
    src = gpd.read_file(iran_osm / "provinces.geojson")
    for name, geom in zip(src["name:fa"], src.geometry, strict=True):
        row = rows[fa_normalize(name)]
        assert row["area_ha"] == pytest.approx(geodesic_ha(geom), rel=0.005), name
        assert row["boundary_source"] == "provinces.geojson"


def test_all_county_files_load_as_cities_in_their_province(loaded, iran_osm):
    db, _, reports = loaded
    cities = {
        r["code"]: r
        for r in db.query(
            "SELECT code, province_code, name_fa, name_en, area_ha, source, retired_at FROM cities"
        )
    }
    assert len(cities) == 478
    total_points = 0
    for f in sorted((iran_osm / "counties").glob("IR-*.geojson")):
        src = counties(f)
        raw = gpd.read_file(f)
        points = int((raw.geom_type == "Point").sum())
        total_points += points
        r = reports[f.stem]
        assert (r.read, r.inserted, r.skipped, r.rejected, r.updated) == (len(raw), len(src), points, 0, 0), (
            f.stem
        )
        if points:
            assert f"skipped {points} feature(s) that are not polygons ({points} Point)" in r.notes
        for code, name, geom in zip(src["code"], src["name"], src.geometry, strict=True):
            c = cities[code]
            assert c["province_code"] == f.stem, (f.stem, name)
            assert name.startswith(PREFIX) and c["name_fa"] == name[len(PREFIX) :]
            assert c["area_ha"] == pytest.approx(geodesic_ha(geom), rel=0.005), name
            assert c["source"] == f.name and c["retired_at"] is None
    assert total_points == 761 - 478
    assert db.scalar("SELECT count(*) FROM cities WHERE name_fa LIKE 'شهرستان%'") == 0
    assert db.scalar("SELECT count(*) FROM cities WHERE name_en IS NULL") < 478
    assert db.scalar("SELECT count(*) FROM etl_runs WHERE kind = 'boundaries'") == 32


def test_overlap_and_given_province_both_used(loaded):
    db, _, _ = loaded
    runs = db.query("SELECT options FROM etl_runs WHERE level = 'city' ORDER BY id")
    assert sum("province" in r["options"] for r in runs) == 16
    assert sum("province" not in r["options"] for r in runs) == 15


def test_reloading_a_file_changes_nothing_and_says_so(loaded, iran_osm):
    db, url, _ = loaded
    before = db.query("SELECT code, name_fa, boundary, run_id FROM cities ORDER BY code")
    res = cli_run(url, str(iran_osm / "counties" / "IR-07.geojson"), *COUNTY_ARGS, "--json")
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    for key in (
        "run_id",
        "read",
        "inserted",
        "updated",
        "unchanged",
        "skipped",
        "rejected",
        "repaired",
        "encoding",
        "source_crs",
    ):
        assert key in out
    assert (out["inserted"], out["updated"], out["unchanged"], out["rejected"]) == (0, 0, 37, 0)
    assert out["encoding"] == "utf-8" and out["source_crs"] == "EPSG:4326"
    assert db.query("SELECT code, name_fa, boundary, run_id FROM cities ORDER BY code") == before
    res = cli_run(url, str(iran_osm / "counties" / "IR-07.geojson"), *COUNTY_ARGS)
    assert "nothing changed: the database already held this file's content" in res.output
    assert "inserted 0, updated 0, unchanged 37" in res.output


def test_dry_run_reports_the_same_and_changes_nothing(db, iran_osm):
    load_boundaries(db, iran_osm / "provinces.geojson", "province")
    before = table_digest(db)
    dry = load_boundaries(db, iran_osm / "counties" / "IR-13.geojson", "city", dry_run=True, **COUNTY)
    assert table_digest(db) == before
    assert dry.run_id is None and dry.dry_run
    real = load_boundaries(db, iran_osm / "counties" / "IR-13.geojson", "city", **COUNTY)
    assert [getattr(dry, k) for k in ("read", "inserted", "updated", "unchanged", "skipped", "rejected")] == [
        getattr(real, k) for k in ("read", "inserted", "updated", "unchanged", "skipped", "rejected")
    ]
    assert real.inserted == 10
    res = CliRunner().invoke(
        cli,
        ["load", "boundaries", str(iran_osm / "counties" / "IR-13.geojson"), *COUNTY_ARGS, "--dry-run"],
        env={"DATABASE_URL": db.url},
    )
    assert res.output.startswith("[dry run]") and "unchanged 10" in res.output


def test_replace_retires_what_disappeared_and_redraws_keep_history(db, iran_osm, tmp_path):
    load_boundaries(db, iran_osm / "provinces.geojson", "province")
    qom = counties(iran_osm / "counties" / "IR-25.geojson")
    opts = dict(code_field="id", name_field="name", strip_prefix=(PREFIX,))
    first = load_boundaries(
        db, write_counties(qom, tmp_path / "qom.geojson"), "city", province="IR-25", **opts
    )
    assert first.inserted == 3
    gone_code, gone_name = qom["code"].iloc[0], qom["name"].iloc[0][len(PREFIX) :]
    redrawn_code = qom["code"].iloc[1]
    fewer = qom.iloc[1:].copy()
    old_boundary = db.scalar("SELECT ST_AsEWKB(boundary) FROM cities WHERE code = %s", (redrawn_code,))
    fewer.loc[fewer.index[0], "geometry"] = shapely.affinity.translate(fewer.geometry.iloc[0], 0.001, 0)
    r = load_boundaries(
        db, write_counties(fewer, tmp_path / "qom2.geojson"), "city", province="IR-25", replace=True, **opts
    )
    assert (r.inserted, r.updated, r.unchanged, r.retired) == (0, 1, 1, 1)
    assert f"retired city {gone_code} «{gone_name}»: not in the file (--replace)" in r.notes
    gone = db.query("SELECT retired_at, retired_run_id FROM cities WHERE code = %s", (gone_code,))[0]
    assert gone["retired_at"] is not None and gone["retired_run_id"] == r.run_id
    hist = db.query(
        "SELECT code, reason, run_id, ST_AsEWKB(boundary) AS b FROM boundary_history ORDER BY code"
    )
    assert {(h["code"], h["reason"]) for h in hist} == {(gone_code, "retired"), (redrawn_code, "redrawn")}
    assert bytes(next(h["b"] for h in hist if h["reason"] == "redrawn")) == bytes(old_boundary)
    assert db.scalar("SELECT count(*) FROM cities WHERE retired_at IS NULL AND province_code = 'IR-25'") == 2
    # The retired county coming back is current again.
    back = load_boundaries(db, tmp_path / "qom.geojson", "city", province="IR-25", **opts)
    assert (back.updated, back.unchanged, back.inserted) == (2, 1, 0)
    assert db.scalar("SELECT count(*) FROM cities WHERE retired_at IS NULL") == 3


def test_without_codes_matches_by_name_and_parent(db, iran_osm, tmp_path):
    load_boundaries(db, iran_osm / "provinces.geojson", "province")
    qom = counties(iran_osm / "counties" / "IR-25.geojson")
    path = tmp_path / "qom.geojson"
    qom[["name", "geometry"]].to_file(path, driver="GeoJSON")
    first = load_boundaries(db, path, "city", name_field="name", strip_prefix=(PREFIX,))
    codes = sorted(r["code"] for r in db.query("SELECT code FROM cities"))
    assert first.inserted == 3 and all(c.startswith("IR-25-") for c in codes)
    again = load_boundaries(db, path, "city", name_field="name", strip_prefix=(PREFIX,))
    assert (again.inserted, again.unchanged) == (0, 3)
    assert sorted(r["code"] for r in db.query("SELECT code FROM cities")) == codes


# -- concurrency --------------------------------------------------------------------------------------------
def test_concurrent_loads_into_the_same_parent_serialise(db, iran_osm):
    load_boundaries(db, iran_osm / "provinces.geojson", "province")
    f = iran_osm / "counties" / "IR-21.geojson"
    barrier = threading.Barrier(2)
    results, errors = [], []

    def run():
        barrier.wait()
        try:
            results.append(load_boundaries(db, f, "city", province="IR-21", **COUNTY))
        except Exception as e:  # collected: the assertion below shows it
            errors.append(e)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors
    assert sorted((r.inserted, r.unchanged) for r in results) == [(0, 12), (12, 0)]
    assert db.scalar("SELECT count(*) FROM cities") == 12


def test_a_load_waits_for_the_lock_of_its_level_and_parent(db, iran_osm):
    load_boundaries(db, iran_osm / "provinces.geojson", "province")
    done = threading.Event()
    conn = psycopg2.connect(db.url)
    try:
        with conn.cursor() as cur:  # another session holds the level's lock, as a running load would
            cur.execute("SELECT pg_advisory_xact_lock(hashtextextended('boundaries:city', 0))")
            t = threading.Thread(
                target=lambda: (
                    load_boundaries(
                        db, iran_osm / "counties" / "IR-25.geojson", "city", province="IR-25", **COUNTY
                    ),
                    done.set(),
                )
            )
            t.start()
            # Seen waiting by the server (not guessed from a pause): its session waits on the lock.
            waiting = None
            deadline = time.monotonic() + 60
            while waiting is None and time.monotonic() < deadline and t.is_alive():
                cur.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock' AND wait_event = 'advisory'"
                )
                waiting = cur.fetchone()
            assert waiting is not None, "the load did not wait for the level's lock"
            assert not done.is_set()
            assert db.scalar("SELECT count(*) FROM cities") == 0
        conn.rollback()
        t.join(60)
        assert done.is_set()
        assert db.scalar("SELECT count(*) FROM cities") == 3
    finally:
        conn.close()


# -- bad inputs: each a real file; the message is asserted and the database is exactly as before ---------
@pytest.fixture
def unchanged(loaded):
    db, url, _ = loaded
    before = table_digest(db)
    yield url
    assert table_digest(db) == before


def _fails(url: str, *args: str) -> str:
    res = cli_run(url, *args)
    assert res.exit_code == 1
    assert isinstance(res.exception, SystemExit), res.exception  # a clean message, not a crash
    return res.output


def test_truncated_geojson(unchanged, iran_osm, tmp_path):
    data = (iran_osm / "counties" / "IR-25.geojson").read_bytes()
    bad = tmp_path / "cut.geojson"
    bad.write_bytes(data[: len(data) // 2])
    out = _fails(unchanged, str(bad), *COUNTY_ARGS)
    assert f"{bad}: cannot be read as GeoJSON" in out and "truncated" in out


def test_shapefile_without_shx(unchanged, iran_osm, tmp_path):
    shp = shapefile(
        counties(iran_osm / "counties" / "IR-25.geojson")[["code", "name", "geometry"]], tmp_path / "qom.shp"
    )
    shp.with_suffix(".shx").unlink()
    out = _fails(unchanged, str(shp), "--level", "city", "--code-field", "code")
    assert "the Shapefile qom has no qom.shx" in out and "must travel together" in out


def test_shapefile_in_utm_without_prj_names_the_zone(unchanged, iran_osm, tmp_path):
    shp = utm_tehran(iran_osm, tmp_path)
    out = _fails(unchanged, str(shp), "--level", "city", "--code-field", "code", "--province", "IR-23")
    assert "declares no CRS (no .prj)" in out
    assert "UTM zone 39N, EPSG:32639" in out and "--source-crs EPSG:32639" in out


def test_duplicate_codes_are_an_error(unchanged, iran_osm, tmp_path):
    df = counties(iran_osm / "counties" / "IR-25.geojson")
    df.loc[df.index[2], "id"] = df["id"].iloc[0]
    path = write_counties(df, tmp_path / "dup.geojson")
    out = _fails(unchanged, str(path), "--level", "city", "--code-field", "id", "--name-field", "name")
    assert "the same code appears on more than one feature" in out
    assert f"{df['id'].iloc[0]}: rows 1 «{df['name'].iloc[0]}», 3 «{df['name'].iloc[2]}»" in out
    assert "Nothing was loaded" in out


def test_feature_outside_every_province_is_rejected_by_name(unchanged, iran_osm, tmp_path):
    df = counties(iran_osm / "counties" / "IR-25.geojson")
    df.loc[df.index[1], "geometry"] = shapely.affinity.translate(
        df.geometry.iloc[1], 20, 0
    )  # into Afghanistan
    path = write_counties(df, tmp_path / "outside.geojson")
    out = _fails(unchanged, str(path), "--level", "city", "--code-field", "id", "--name-field", "name")
    assert "1 row(s) rejected, more than --max-rejects 0; nothing was loaded" in out
    assert f"row 2 «{df['name'].iloc[1]}»: it lies outside every province" in out


def test_rejects_within_max_rejects_are_recorded(db, iran_osm, tmp_path):
    load_boundaries(db, iran_osm / "provinces.geojson", "province")
    df = counties(iran_osm / "counties" / "IR-25.geojson")
    df.loc[df.index[1], "geometry"] = shapely.affinity.translate(df.geometry.iloc[1], 20, 0)
    path = write_counties(df, tmp_path / "outside.geojson")
    with pytest.raises(TooManyRejects):
        load_boundaries(db, path, "city", code_field="id", name_field="name")
    r = load_boundaries(db, path, "city", code_field="id", name_field="name", max_rejects=1)
    assert (r.inserted, r.rejected) == (2, 1)
    rej = db.query("SELECT row_no, name, reason FROM etl_rejects WHERE run_id = %s", (r.run_id,))
    assert rej == [{"row_no": 2, "name": df["name"].iloc[1], "reason": "it lies outside every province"}]


def test_name_matching_no_province_is_rejected(unchanged, iran_osm, tmp_path):
    src = gpd.read_file(iran_osm / "provinces.geojson").iloc[:2].copy()
    src.loc[src.index[1], "name:fa"] = "استان خیالی"
    src.loc[src.index[1], "name:en"] = "Nowhere"
    path = tmp_path / "prov.geojson"
    src.to_file(path, driver="GeoJSON")
    out = _fails(unchanged, str(path), "--level", "province")
    assert "row 2 «استان خیالی»: its name matches no province" in out


def test_option_mistakes_are_clear(unchanged, iran_osm):
    f = str(iran_osm / "counties" / "IR-25.geojson")
    out = _fails(unchanged, f, "--level", "city", "--name-field", "tags.nom")
    assert (
        "--name-field 'tags.nom' gave no name on any of the 3 polygon feature(s); the file's fields are: "
        "type, id, tags (keys inside tags: admin_level, boundary, name, name:en" in out
    )
    assert "--code-field 'kod' is not a field of the file; its fields are: type, id, tags" in _fails(
        unchanged, f, "--level", "city", "--code-field", "kod"
    )
    assert "--province sets the parent of cities" in _fails(
        unchanged, f, "--level", "neighborhood", "--province", "IR-25"
    )
    assert "no such province" in _fails(unchanged, f, *COUNTY_ARGS, "--province", "IR-99")


# -- other formats -----------------------------------------------------------------------------------------


# -- neighborhoods ------------------------------------------------------------------------------------------


def test_empty_and_missing_geometries_are_rejected_by_name(unchanged, tmp_path):
    feats = [
        {
            "type": "Feature",
            "properties": {"id": 1, "name": "تهی"},
            "geometry": {"type": "MultiPolygon", "coordinates": []},
        },
        {"type": "Feature", "properties": {"id": 2, "name": "بی‌شکل"}, "geometry": None},
        {
            "type": "Feature",
            "properties": {"id": 3, "name": "خط"},
            "geometry": {"type": "LineString", "coordinates": [[51, 35], [51.1, 35.1]]},
        },
    ]
    path = tmp_path / "empty.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": feats}, ensure_ascii=False))
    out = _fails(
        unchanged,
        str(path),
        "--level",
        "city",
        "--code-field",
        "id",
        "--name-field",
        "name",
        "--province",
        "IR-23",
    )
    assert "2 row(s) rejected" in out
    assert "row 1 «تهی»: empty geometry" in out and "row 2 «بی‌شکل»: no geometry" in out
