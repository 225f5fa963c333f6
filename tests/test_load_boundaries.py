"""`regen load boundaries` on the real OSM files and on broken copies of them, against a real PostGIS.

One module-scoped database gets the provinces and all 31 county files (loaded once: half with
--province, half by spatial overlap); the bad-input tests run against that same database and check
that every table is exactly as it was afterwards.
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import geopandas as gpd
import psycopg2
import pyproj
import pytest
import shapely
from click.testing import CliRunner
from psycopg2 import sql

from bench.etl import COUNTY_ARGS
from etl.load_boundaries import load_boundaries
from etl.runs import LoadError, TooManyRejects
from regen.cli import cli
from regen.db import Database
from regen.text import fa_normalize
from tests.conftest import drop_database, new_database

PREFIX = "شهرستان "
COUNTY = dict(code_field="id", name_field="tags.name", name_en_field="tags.name:en", strip_prefix=(PREFIX,))
GEOD = pyproj.Geod(ellps="WGS84")


def geodesic_ha(geom) -> float:
    return abs(GEOD.geometry_area_perimeter(geom)[0]) / 10_000


def counties(path: Path) -> gpd.GeoDataFrame:
    """Gives the county (polygon) features of one OSM file, with their name and code."""
    df = gpd.read_file(path)
    df = df[df.geom_type.isin(["Polygon", "MultiPolygon"])].copy()
    df["name"] = [t["name"] for t in df["tags"]]
    df["code"] = df["id"].astype("int64").astype(str)
    return df


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


def _write_counties(df: gpd.GeoDataFrame, path: Path) -> Path:
    out = df[["id", "name", "geometry"]].copy()
    out.to_file(path, driver="GeoJSON")
    return path


def test_replace_retires_what_disappeared_and_redraws_keep_history(db, iran_osm, tmp_path):
    load_boundaries(db, iran_osm / "provinces.geojson", "province")
    qom = counties(iran_osm / "counties" / "IR-25.geojson")
    opts = dict(code_field="id", name_field="name", strip_prefix=(PREFIX,))
    first = load_boundaries(
        db, _write_counties(qom, tmp_path / "qom.geojson"), "city", province="IR-25", **opts
    )
    assert first.inserted == 3
    gone_code, gone_name = qom["code"].iloc[0], qom["name"].iloc[0][len(PREFIX) :]
    redrawn_code = qom["code"].iloc[1]
    fewer = qom.iloc[1:].copy()
    old_boundary = db.scalar("SELECT ST_AsEWKB(boundary) FROM cities WHERE code = %s", (redrawn_code,))
    fewer.loc[fewer.index[0], "geometry"] = shapely.affinity.translate(fewer.geometry.iloc[0], 0.001, 0)
    r = load_boundaries(
        db, _write_counties(fewer, tmp_path / "qom2.geojson"), "city", province="IR-25", replace=True, **opts
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


def _shapefile(df: gpd.GeoDataFrame, path: Path, **kw) -> Path:
    df.to_file(path, driver="ESRI Shapefile", **kw)
    return path


def test_shapefile_without_shx(unchanged, iran_osm, tmp_path):
    shp = _shapefile(
        counties(iran_osm / "counties" / "IR-25.geojson")[["code", "name", "geometry"]], tmp_path / "qom.shp"
    )
    shp.with_suffix(".shx").unlink()
    out = _fails(unchanged, str(shp), "--level", "city", "--code-field", "code")
    assert "the Shapefile qom has no qom.shx" in out and "must travel together" in out


def _utm_tehran(iran_osm, tmp_path) -> Path:
    df = counties(iran_osm / "counties" / "IR-23.geojson")[["code", "name", "geometry"]].to_crs("EPSG:32639")
    shp = _shapefile(df, tmp_path / "tehran_utm.shp")
    shp.with_suffix(".prj").unlink()
    return shp


def test_shapefile_in_utm_without_prj_names_the_zone(unchanged, iran_osm, tmp_path):
    shp = _utm_tehran(iran_osm, tmp_path)
    out = _fails(unchanged, str(shp), "--level", "city", "--code-field", "code", "--province", "IR-23")
    assert "declares no CRS (no .prj)" in out
    assert "UTM zone 39N, EPSG:32639" in out and "--source-crs EPSG:32639" in out


def test_utm_without_prj_loads_with_source_crs(db, iran_osm, tmp_path):
    load_boundaries(db, iran_osm / "provinces.geojson", "province")
    shp = _utm_tehran(iran_osm, tmp_path)
    r = load_boundaries(
        db, shp, "city", code_field="code", name_field="name", strip_prefix=(PREFIX,), source_crs="EPSG:32639"
    )
    assert (r.inserted, r.source_crs) == (16, "EPSG:32639")
    src = counties(iran_osm / "counties" / "IR-23.geojson")
    areas = {x["code"]: x for x in db.query("SELECT code, area_ha, province_code FROM cities")}
    for code, geom in zip(src["code"], src.geometry, strict=True):
        assert areas[code]["province_code"] == "IR-23"
        assert areas[code]["area_ha"] == pytest.approx(geodesic_ha(geom), rel=0.005)


def test_windows_1256_without_cpg_is_decoded_and_reported(db, iran_osm, tmp_path):
    load_boundaries(db, iran_osm / "provinces.geojson", "province")
    df = counties(iran_osm / "counties" / "IR-23.geojson")[["code", "name", "geometry"]]
    # Windows-1256 has no Persian ی: such files spell it with the Arabic ي.
    df["name"] = [n.replace("ی", "ي") for n in df["name"]]
    assert any("ي" in n for n in df["name"])
    shp = _shapefile(df, tmp_path / "qom1256.shp", encoding="cp1256")
    shp.with_suffix(".cpg").unlink(missing_ok=True)
    raw = shp.with_suffix(".dbf").read_bytes()
    assert "ي".encode("cp1256") in raw
    res = CliRunner().invoke(
        cli,
        [
            "load",
            "boundaries",
            str(shp),
            "--level",
            "city",
            "--code-field",
            "code",
            "--name-field",
            "name",
            "--strip-prefix",
            PREFIX,
            "--json",
        ],
        env={"DATABASE_URL": db.url},
    )
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert out["encoding"] == "windows-1256" and out["inserted"] == 16
    assert (
        "no .cpg file: attributes are not valid UTF-8, so read as Windows-1256 (Arabic-script Windows)"
        in out["notes"]
    )
    for name in df["name"]:
        stored = name[len(PREFIX) :]
        persian = stored.replace("ي", "ی")
        row = db.query("SELECT name_fa FROM cities WHERE name_key = fa_normalize(%s)", (persian,))
        assert [r["name_fa"] for r in row] == [stored]  # stored as given, found by its normalised key


def test_utf8_shapefile_without_cpg_is_read_as_utf8(db, iran_osm, tmp_path):
    load_boundaries(db, iran_osm / "provinces.geojson", "province")
    df = counties(iran_osm / "counties" / "IR-25.geojson")[["code", "name", "geometry"]]
    shp = _shapefile(df, tmp_path / "qom_utf8.shp", encoding="UTF-8")
    shp.with_suffix(".cpg").unlink(missing_ok=True)
    r = load_boundaries(db, shp, "city", code_field="code", name_field="name", strip_prefix=(PREFIX,))
    assert r.encoding == "utf-8" and "no .cpg file: attributes are valid UTF-8" in r.notes
    assert sorted(x["name_fa"] for x in db.query("SELECT name_fa FROM cities")) == sorted(
        n[len(PREFIX) :] for n in df["name"]
    )


def test_self_intersecting_polygon_is_repaired_and_counted(db, iran_osm, tmp_path):
    load_boundaries(db, iran_osm / "provinces.geojson", "province")
    df = counties(iran_osm / "counties" / "IR-25.geojson")[["code", "name", "geometry"]]
    minx, miny, maxx, maxy = df.geometry.iloc[0].bounds
    cx, cy, d = (minx + maxx) / 2, (miny + maxy) / 2, 0.05
    bowtie = shapely.Polygon([(cx - d, cy - d), (cx + d, cy + d), (cx + d, cy - d), (cx - d, cy + d)])
    assert not bowtie.is_valid
    df.loc[df.index[0], "geometry"] = bowtie
    path = _write_counties(df.rename(columns={"code": "id"}), tmp_path / "bowtie.geojson")
    r = load_boundaries(
        db, path, "city", province="IR-25", code_field="id", name_field="name", strip_prefix=(PREFIX,)
    )
    name = df["name"].iloc[0][len(PREFIX) :]
    assert (r.repaired, r.inserted, r.rejected) == (1, 3, 0)
    repaired = f"repaired invalid polygon: row 1 «{name}» (Self-intersection"
    assert any(n.startswith(repaired) for n in r.notes)
    g = db.query(
        "SELECT ST_IsValid(boundary) AS ok, ST_NumGeometries(boundary) AS n, area_ha FROM cities "
        "WHERE code = %s",
        (df["code"].iloc[0],),
    )[0]
    assert g["ok"] and g["n"] == 2
    assert g["area_ha"] == pytest.approx(geodesic_ha(shapely.make_valid(bowtie)), rel=0.005)
    assert db.scalar("SELECT repaired FROM etl_runs WHERE id = %s", (r.run_id,)) == 1


def test_duplicate_codes_are_an_error(unchanged, iran_osm, tmp_path):
    df = counties(iran_osm / "counties" / "IR-25.geojson")
    df.loc[df.index[2], "id"] = df["id"].iloc[0]
    path = _write_counties(df, tmp_path / "dup.geojson")
    out = _fails(unchanged, str(path), "--level", "city", "--code-field", "id", "--name-field", "name")
    assert "the same code appears on more than one feature" in out
    assert f"{df['id'].iloc[0]}: rows 1 «{df['name'].iloc[0]}», 3 «{df['name'].iloc[2]}»" in out
    assert "Nothing was loaded" in out


def test_feature_outside_every_province_is_rejected_by_name(unchanged, iran_osm, tmp_path):
    df = counties(iran_osm / "counties" / "IR-25.geojson")
    df.loc[df.index[1], "geometry"] = shapely.affinity.translate(
        df.geometry.iloc[1], 20, 0
    )  # into Afghanistan
    path = _write_counties(df, tmp_path / "outside.geojson")
    out = _fails(unchanged, str(path), "--level", "city", "--code-field", "id", "--name-field", "name")
    assert "1 row(s) rejected, more than --max-rejects 0; nothing was loaded" in out
    assert f"row 2 «{df['name'].iloc[1]}»: it lies outside every province" in out


@pytest.mark.parametrize("finder", ["while reading", "database only"])
def test_parent_by_overlap_is_the_largest_share_not_the_most_pieces(db, tmp_path, monkeypatch, finder):
    # Two made-up provinces side by side: IR-01 with a jagged east border of 2,000 vertices (cut into many
    # pieces), IR-02 a plain box (one piece). A feature 40/60 across the border meets more pieces of
    # IR-01 but belongs to IR-02; one 60/40 belongs to IR-01; one inside IR-02 needs no areas at all;
    # one touches IR-01 only along the shared border and lies in IR-02; a self-intersecting one 30/70
    # across the border is repaired first, so the database finds its parent from the repaired shape.
    # Parents are found while the file is read (etl/parents.py) and by the SQL for what is left: both
    # paths must give the same answers.
    if finder == "database only":
        monkeypatch.setattr("etl.parents.ParentFinder.submit", lambda self, row_nos, wkbs: None)
    east = [(52 - 1e-5 * (k % 2), 30 + k / 1000) for k in range(2001)]
    ir01 = shapely.Polygon([(50, 30), *east, (50, 32)])
    db.execute(
        "UPDATE provinces SET boundary = ST_Multi(ST_GeomFromText(%s, 4326)) WHERE code = 'IR-01'",
        (ir01.wkt,),
    )
    db.execute(
        "UPDATE provinces SET boundary = ST_Multi(ST_MakeEnvelope(52, 30, 54, 32, 4326)) WHERE code = 'IR-02'"
    )
    shapes = {
        1: shapely.box(51.6, 30.0, 52.6, 32.0),
        2: shapely.box(51.4, 30.0, 52.4, 32.0),
        3: shapely.box(52.5, 30.5, 53.5, 31.5),
        4: shapely.box(52.0, 30.6, 52.8, 30.8),
        # a bow tie: two triangles meeting at (52.2, 31.2), both across the border, mostly east of it
        5: shapely.Polygon([(51.9, 31.0), (52.5, 31.4), (52.5, 31.0), (51.9, 31.4)]),
    }
    assert not shapes[5].is_valid
    feats = [
        {
            "type": "Feature",
            "properties": {"id": i, "name": f"بخش {i}"},
            "geometry": shapely.geometry.mapping(g),
        }
        for i, g in shapes.items()
    ]
    path = tmp_path / "split.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": feats}, ensure_ascii=False))
    r = load_boundaries(db, path, "city", code_field="id", name_field="name")
    assert (r.inserted, r.rejected, r.repaired) == (5, 0, 1)
    assert db.scalar("SELECT count(*) FROM boundary_pieces WHERE code = 'IR-01'") > 10
    parents = {x["code"]: x["province_code"] for x in db.query("SELECT code, province_code FROM cities")}
    assert parents == {"1": "IR-02", "2": "IR-01", "3": "IR-02", "4": "IR-02", "5": "IR-02"}
    here, left = (4, 1) if finder == "while reading" else (0, 5)
    assert f"parents by overlap: {here} found while reading, {left} left to the database" in r.notes


def test_rejects_within_max_rejects_are_recorded(db, iran_osm, tmp_path):
    load_boundaries(db, iran_osm / "provinces.geojson", "province")
    df = counties(iran_osm / "counties" / "IR-25.geojson")
    df.loc[df.index[1], "geometry"] = shapely.affinity.translate(df.geometry.iloc[1], 20, 0)
    path = _write_counties(df, tmp_path / "outside.geojson")
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
def test_zipped_shapefile_and_geopackage_layer(db, iran_osm, tmp_path):
    import zipfile

    load_boundaries(db, iran_osm / "provinces.geojson", "province")
    df = counties(iran_osm / "counties" / "IR-25.geojson")[["code", "name", "geometry"]]
    shp = _shapefile(df, tmp_path / "qom.shp", encoding="UTF-8")
    zpath = tmp_path / "qom.zip"
    with zipfile.ZipFile(zpath, "w") as z:
        for part in tmp_path.glob("qom.*"):
            if part.suffix != ".zip":
                z.write(part, part.name)
    r = load_boundaries(db, zpath, "city", code_field="code", name_field="name", strip_prefix=(PREFIX,))
    assert r.inserted == 3 and r.encoding == "utf-8"
    gpkg = tmp_path / "two.gpkg"
    df.to_file(gpkg, layer="qom", driver="GPKG")
    df.iloc[:1].to_file(gpkg, layer="other", driver="GPKG")
    with pytest.raises(LoadError, match="holds 2 layers"):
        load_boundaries(db, gpkg, "city", code_field="code", name_field="name")
    r = load_boundaries(
        db, gpkg, "city", layer="qom", code_field="code", name_field="name", strip_prefix=(PREFIX,)
    )
    assert (r.inserted, r.unchanged) == (0, 3)
    assert shp.exists()


# -- neighborhoods ------------------------------------------------------------------------------------------
def _neighborhoods(df: gpd.GeoDataFrame, path: Path, kinds: list[str | None], **extra) -> Path:
    """Writes a small square (about 1 km) inside each county as a neighborhood file."""
    pts = [g.representative_point() for g in df.geometry]
    squares = [shapely.box(p.x - 0.005, p.y - 0.005, p.x + 0.005, p.y + 0.005) for p in pts]
    out = gpd.GeoDataFrame(
        {
            "kod": [f"NB-{i + 1}" for i in range(len(df))],
            "nam": [f"محله {i + 1}" for i in range(len(df))],
            "kind": kinds,
            **extra,
        },
        geometry=squares,
        crs="EPSG:4326",
    )
    out.to_file(path, driver="GeoJSON")
    return path


def test_neighborhoods_find_their_city_and_keep_kinds(db, iran_osm, tmp_path):
    load_boundaries(db, iran_osm / "provinces.geojson", "province")
    qom = counties(iran_osm / "counties" / "IR-25.geojson")
    load_boundaries(db, iran_osm / "counties" / "IR-25.geojson", "city", province="IR-25", **COUNTY)
    path = _neighborhoods(qom, tmp_path / "nb.geojson", ["تاریخی، غیررسمی", "inner_city", None])
    r = load_boundaries(db, path, "neighborhood", code_field="kod", name_field="nam", kind_field="kind")
    assert (r.inserted, r.rejected) == (3, 0)
    rows = {x["code"]: x for x in db.query("SELECT code, city_code, kinds, area_ha FROM neighborhoods")}
    assert [rows[f"NB-{i + 1}"]["city_code"] for i in range(3)] == list(qom["code"])
    assert rows["NB-1"]["kinds"] == ["historic", "informal"] and rows["NB-3"]["kinds"] == []
    assert 80 < rows["NB-1"]["area_ha"] < 120
    # Kinds change: updated, nothing else.
    _neighborhoods(qom, path, ["تاریخی", "inner_city", None])
    r2 = load_boundaries(db, path, "neighborhood", code_field="kod", name_field="nam", kind_field="kind")
    assert (r2.updated, r2.unchanged, r2.inserted) == (1, 2, 0)
    assert db.scalar("SELECT count(*) FROM boundary_history") == 0
    # An unknown kind is a reject that names the field and the word.
    _neighborhoods(qom, path, ["قدیمی", "inner_city", None])
    with pytest.raises(TooManyRejects, match="row 1 «محله 1», field kind: unknown kind 'قدیمی'"):
        load_boundaries(db, path, "neighborhood", code_field="kod", name_field="nam", kind_field="kind")


def test_neighborhoods_of_a_city_known_only_as_a_point(db, iran_osm, tmp_path):
    qom = counties(iran_osm / "counties" / "IR-25.geojson")
    p = qom.geometry.iloc[0].representative_point()
    db.execute(
        "INSERT INTO cities (code, province_code, name_fa, location) "
        "VALUES ('qom', 'IR-25', 'قم', ST_SetSRID(ST_MakePoint(%s, %s), 4326))",
        (p.x, p.y),
    )
    path = _neighborhoods(qom.iloc[:1], tmp_path / "nb.geojson", [None], shahr=["qom"])
    # No city has a boundary to find it in …
    with pytest.raises(TooManyRejects, match="it lies outside every city \\(no city has a boundary yet"):
        load_boundaries(db, path, "neighborhood", code_field="kod", name_field="nam")
    # … but the file can name it, or the command can.
    r = load_boundaries(db, path, "neighborhood", code_field="kod", name_field="nam", parent_field="shahr")
    assert r.inserted == 1
    r = load_boundaries(db, path, "neighborhood", code_field="kod", name_field="nam", city="qom")
    assert r.unchanged == 1
    assert db.scalar("SELECT city_code FROM neighborhoods") == "qom"


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
