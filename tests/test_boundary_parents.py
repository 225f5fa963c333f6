"""Parents of boundaries by overlap (the largest share, found while reading or by the database) and
neighborhoods finding their city and keeping their kinds, in a fresh database."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from etl.load_boundaries import load_boundaries
from etl.runs import TooManyRejects
from tests.boundary_files import COUNTY, counties


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
