"""`regen load boundaries` on each kind of file agencies send, into a fresh database: a Shapefile in UTM
without .prj given --source-crs, Windows-1256 and UTF-8 attributes without .cpg, a zipped Shapefile
and a GeoPackage layer, and a self-intersecting polygon repaired."""

from __future__ import annotations

import json

import pytest
import shapely
from click.testing import CliRunner

from etl.load_boundaries import load_boundaries
from etl.runs import LoadError
from regen.cli import cli
from tests.boundary_files import PREFIX, counties, geodesic_ha, shapefile, utm_tehran, write_counties


def test_utm_without_prj_loads_with_source_crs(db, iran_osm, tmp_path):
    load_boundaries(db, iran_osm / "provinces.geojson", "province")
    shp = utm_tehran(iran_osm, tmp_path)
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
    shp = shapefile(df, tmp_path / "qom1256.shp", encoding="cp1256")
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
    shp = shapefile(df, tmp_path / "qom_utf8.shp", encoding="UTF-8")
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
    path = write_counties(df.rename(columns={"code": "id"}), tmp_path / "bowtie.geojson")
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


def test_zipped_shapefile_and_geopackage_layer(db, iran_osm, tmp_path):
    import zipfile

    load_boundaries(db, iran_osm / "provinces.geojson", "province")
    df = counties(iran_osm / "counties" / "IR-25.geojson")[["code", "name", "geometry"]]
    shp = shapefile(df, tmp_path / "qom.shp", encoding="UTF-8")
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
