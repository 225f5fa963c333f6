"""Boundary files that used to load wrong data, lose data or crash: each built here from the real OSM
files, each loaded or refused as it should be, and a refusal leaves every table as it was."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from click.testing import CliRunner

from etl.load_boundaries import load_boundaries
from etl.runs import LoadError, TooManyRejects
from regen.cli import cli
from tests.test_load_boundaries import PREFIX, counties, table_digest

QOM = dict(code_field="code", name_field="name", strip_prefix=(PREFIX,))


@pytest.fixture
def provinces(db, iran_osm):
    load_boundaries(db, iran_osm / "provinces.geojson", "province")
    return db


def _qom(iran_osm: Path) -> gpd.GeoDataFrame:
    """Gives Qom's 3 counties with code, name (in Windows-1256 spelling: ي for ی) and geometry."""
    df = counties(iran_osm / "counties" / "IR-25.geojson")[["code", "name", "geometry"]].copy()
    df["name"] = [n.replace("ی", "ي") for n in df["name"]]  # Windows-1256 has no Persian ی
    return df


def _refused(db, path: Path, match: str, exc=LoadError, **kw) -> str:
    before = table_digest(db)
    with pytest.raises(exc) as info:
        load_boundaries(db, path, kw.pop("level", "city"), **kw)
    assert table_digest(db) == before, "a refused file must leave every table as it was"
    assert match in str(info.value), str(info.value)
    return str(info.value)


def _names(db) -> list[str]:
    return sorted(r["name_fa"] for r in db.query("SELECT name_fa FROM cities"))


# -- encodings -----------------------------------------------------------------------------------------
def test_shapefile_whose_cpg_says_utf8_but_is_windows_1256(provinces, iran_osm, tmp_path):
    df = _qom(iran_osm)
    shp = tmp_path / "qom.shp"
    df.to_file(shp, encoding="cp1256")
    shp.with_suffix(".cpg").write_text("UTF-8")  # what the sender's tool claims
    assert "ک".encode("cp1256") in shp.with_suffix(".dbf").read_bytes()  # not UTF-8
    r = load_boundaries(provinces, shp, "city", province="IR-25", **QOM)
    assert (r.inserted, r.encoding) == (3, "windows-1256")
    assert (
        "the .cpg file declares 'UTF-8', but the attributes are not valid UTF-8: they are Windows-1256 "
        "(Arabic-script Windows) text and were read as such (give --encoding if that is wrong)"
    ) in r.notes
    assert _names(provinces) == sorted(n[len(PREFIX) :] for n in df["name"])


def test_shapefile_with_a_wrong_encoding_option_names_the_right_one(provinces, iran_osm, tmp_path):
    shp = tmp_path / "qom.shp"
    _qom(iran_osm).to_file(shp, encoding="cp1256")
    _refused(
        provinces,
        shp,
        "the attributes are not valid utf-8 text (--encoding utf-8); they look like Windows-1256 "
        "(Arabic-script Windows): try --encoding windows-1256",
        encoding="utf-8",
        **QOM,
    )


def test_geojson_written_in_windows_1256(provinces, iran_osm, tmp_path):
    df = _qom(iran_osm)
    path = tmp_path / "qom1256.geojson"
    path.write_bytes(df.to_json(ensure_ascii=False).encode("cp1256"))
    r = load_boundaries(provinces, path, "city", province="IR-25", **QOM)
    assert (r.inserted, r.encoding) == (3, "windows-1256")
    assert any(
        n.startswith("the file is not UTF-8 (as GeoJSON must be): its text is Windows-1256") for n in r.notes
    )
    assert _names(provinces) == sorted(n[len(PREFIX) :] for n in df["name"])
    # told the wrong encoding, it says which one it looks like
    _refused(provinces, path, "try --encoding windows-1256", encoding="utf-8", province="IR-25", **QOM)


# -- swapped coordinates --------------------------------------------------------------------------------
def _swap(geoms):
    return shapely.transform(geoms, lambda xy: xy[:, ::-1])


def test_province_file_written_lat_lon_is_refused_naming_the_swap(provinces, iran_osm, tmp_path):
    src = gpd.read_file(iran_osm / "provinces.geojson")
    src["geometry"] = _swap(src.geometry.values)
    path = tmp_path / "provinces_latlon.geojson"
    src.to_file(path, driver="GeoJSON")
    msg = _refused(
        provinces, path, "the coordinates of all 31 polygon(s) are latitude, longitude", level="province"
    )
    assert "x and y swapped" in msg and "Swap X and Y coordinates" in msg
    # Tehran's boundary is where it was (not in northern Russia)
    assert provinces.scalar("SELECT ST_X(ST_Centroid(boundary)) FROM provinces WHERE code = 'IR-23'") < 60


def test_some_swapped_features_are_rejected_by_row(provinces, iran_osm, tmp_path):
    df = _qom(iran_osm)
    df.loc[df.index[1], "geometry"] = _swap(df.geometry.values[1:2])[0]
    path = tmp_path / "one_swapped.geojson"
    df.to_file(path, driver="GeoJSON")
    name = df["name"].iloc[1]
    _refused(
        provinces,
        path,
        f"row 2 «{name}»: x and y are swapped (latitude written first): as written it lies outside Iran",
        exc=TooManyRejects,
        province="IR-25",
        **QOM,
    )
    # without --province the same row is named for the swap, not for lying "outside every province"
    msg = _refused(provinces, path, f"row 2 «{name}»: x and y are swapped", exc=TooManyRejects, **QOM)
    assert "outside every province" not in msg


def test_shapefile_without_prj_written_lat_lon_names_the_swap(provinces, iran_osm, tmp_path):
    df = _qom(iran_osm)
    df["geometry"] = _swap(df.geometry.values)
    shp = tmp_path / "latlon.shp"
    df.to_file(shp, encoding="UTF-8")
    shp.with_suffix(".prj").unlink()
    _refused(provinces, shp, "are latitude, longitude: x and y are swapped", **QOM)


# -- files that hold no boundary --------------------------------------------------------------------------
def test_file_of_points_only_is_refused(provinces, iran_osm, tmp_path):
    df = _qom(iran_osm)
    df["geometry"] = df.geometry.representative_point()
    path = tmp_path / "points.geojson"
    df.to_file(path, driver="GeoJSON")
    res = CliRunner().invoke(
        cli,
        ["load", "boundaries", str(path), "--level", "city", "--code-field", "code", "--name-field", "name"],
        env={"DATABASE_URL": provinces.url},
    )
    assert res.exit_code == 1, res.output
    assert "none of its 3 feature(s) is a polygon (3 Point), so nothing in it is a boundary" in res.output
    assert "already held" not in res.output
    df["geometry"] = shapely.boundary(shapely.buffer(df.geometry.values, 0.01))  # outlines as lines
    df.to_file(path, driver="GeoJSON")
    _refused(provinces, path, "none of its 3 feature(s) is a polygon (3 LineString)", **QOM)


def test_empty_feature_collection_says_empty_not_missing_field(provinces, tmp_path):
    path = tmp_path / "empty.geojson"
    path.write_text('{"type": "FeatureCollection", "features": []}')
    msg = _refused(provinces, path, "the file holds no features (it is empty)", name_field="name")
    assert "--name-field" not in msg


# -- --replace -------------------------------------------------------------------------------------------
def _load_qom(db, iran_osm, tmp_path) -> gpd.GeoDataFrame:
    df = _qom(iran_osm)
    df.to_file(tmp_path / "qom.gpkg", layer="cities", driver="GPKG")
    assert load_boundaries(db, tmp_path / "qom.gpkg", "city", province="IR-25", **QOM).inserted == 3
    return df


def test_replace_with_an_empty_layer_retires_nothing(provinces, iran_osm, tmp_path):
    df = _load_qom(provinces, iran_osm, tmp_path)
    empty = tmp_path / "empty.gpkg"
    df.iloc[:0].to_file(empty, layer="cities", driver="GPKG")  # a table with its columns, and no rows
    _refused(
        provinces,
        empty,
        "its layer 'cities' holds no features (it is empty)",
        province="IR-25",
        replace=True,
        **QOM,
    )
    assert provinces.scalar("SELECT count(*) FROM cities WHERE retired_at IS NULL") == 3


def test_replace_retiring_most_of_a_parent_asks_for_confirmation(provinces, iran_osm, tmp_path):
    df = _load_qom(provinces, iran_osm, tmp_path)
    one = tmp_path / "one.gpkg"
    df.iloc[:1].to_file(one, layer="cities", driver="GPKG")
    gone = [f"city {c} «{n[len(PREFIX) :]}»" for c, n in zip(df["code"][1:], df["name"][1:], strict=True)]
    for dry_run in (True, False):  # a dry run says the same, before anything is at stake
        msg = _refused(
            provinces,
            one,
            "--replace would retire 2 current city(s)",
            province="IR-25",
            replace=True,
            dry_run=dry_run,
            **QOM,
        )
        assert "more than 50% of their parent's (IR-25: 2 of 3)" in msg and "--allow-retire-all" in msg
        assert all(g in msg for g in gone), msg
    r = load_boundaries(provinces, one, "city", province="IR-25", replace=True, allow_retire_all=True, **QOM)
    assert r.retired == 2
    assert provinces.scalar("SELECT count(*) FROM cities WHERE retired_at IS NULL") == 1


def test_replace_retiring_a_minority_needs_no_confirmation(provinces, iran_osm, tmp_path):
    df = _load_qom(provinces, iran_osm, tmp_path)
    two = tmp_path / "two.gpkg"
    df.iloc[:2].to_file(two, layer="cities", driver="GPKG")
    r = load_boundaries(provinces, two, "city", province="IR-25", replace=True, dry_run=True, **QOM)
    name = df["name"].iloc[2][len(PREFIX) :]
    assert (
        r.retired == 1
        and f"retired city {df['code'].iloc[2]} «{name}»: not in the file (--replace)" in r.notes
    )
    with pytest.raises(LoadError, match="--allow-retire-all confirms what --replace retires"):
        load_boundaries(provinces, two, "city", province="IR-25", allow_retire_all=True, **QOM)


# -- GeoJSON feature ids ----------------------------------------------------------------------------------
def _with_feature_ids(df: gpd.GeoDataFrame, path: Path, ids: list) -> Path:
    fc = json.loads(df[["name", "geometry"]].to_json(ensure_ascii=False))
    for f, i in zip(fc["features"], ids, strict=True):
        f["id"] = i  # RFC 7946: a member of the feature, beside "properties"
    path.write_text(json.dumps(fc, ensure_ascii=False), encoding="utf-8")
    return path


def test_geojson_feature_id_serves_as_code_field(provinces, iran_osm, tmp_path):
    df = _qom(iran_osm)
    path = _with_feature_ids(df, tmp_path / "ids.geojson", [int(c) for c in df["code"]])
    r = load_boundaries(provinces, path, "city", province="IR-25", code_field="id", name_field="name")
    assert r.inserted == 3
    assert sorted(x["code"] for x in provinces.query("SELECT code FROM cities")) == sorted(df["code"])
    # the same id twice is the file's error (GDAL would renumber it silently)
    dup = _with_feature_ids(df, tmp_path / "dup.geojson", [7, 8, 7])
    _refused(
        provinces, dup, "Several features with id = 7 have been found", code_field="id", name_field="name"
    )
    # features with no id at all are not numbered 0, 1, 2 by GDAL's count
    none = tmp_path / "none.geojson"
    df[["name", "geometry"]].to_file(none, driver="GeoJSON")
    _refused(
        provinces, none, '--code-field id: the features carry no "id"', code_field="id", name_field="name"
    )
