"""Reading boundary files without a database: field paths, prefixes, kinds, CRS guessing, encodings."""

from __future__ import annotations

import json
import math
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from etl.boundary_stage import geom_type, parse_kinds, strip_prefix
from etl.crs import guess_missing_crs
from etl.runs import LoadError
from etl.sources import FieldPath, open_source


def test_dotted_paths_reach_into_json_and_missing_is_none():
    tags = [json.dumps({"name": "شهرستان قم", "name:en": "Qom County"}, ensure_ascii=False), None, "{}"]
    assert FieldPath("tags.name", "tags", ("name",)).values(tags) == ["شهرستان قم", None, None]
    assert FieldPath("tags.name:en", "tags", ("name:en",)).values(tags) == ["Qom County", None, None]
    # NaN (pandas' missing), blanks and float codes from numeric columns
    assert FieldPath("id", "id", ()).values([math.nan, "  ", 6554884.0, 7, " x "]) == [
        None,
        None,
        "6554884",
        "7",
        "x",
    ]


def test_strip_prefix_treats_arabic_and_persian_letters_alike():
    assert strip_prefix("شهرستان قم", ("شهرستان ",)) == "قم"
    assert strip_prefix("شهرستان ري", ("شهرستان ",)) == "ري"  # the name itself is kept as given
    assert strip_prefix("بخش مرکزی", ("شهرستان ", "بخش ")) == "مرکزی"
    assert strip_prefix("قم", ("شهرستان ",)) == "قم"
    assert strip_prefix("شهرستان ", ("شهرستان ",)) == "شهرستان "  # never to an empty name


def test_kinds_in_persian_or_english():
    assert parse_kinds("تاریخی، غیررسمی") == (["historic", "informal"], None)
    assert parse_kinds("بافت فرسوده / rural_core") == (["inner_city", "rural_core"], None)
    assert parse_kinds("سکونتگاه‌های غیررسمی") == (["informal"], None)
    assert parse_kinds(None) == ([], None)
    assert parse_kinds("historic, قدیمی") == (None, "قدیمی")


def test_wkb_header():
    assert geom_type(shapely.to_wkb(shapely.Point(1, 2)))[0] == 1
    poly = shapely.box(0, 0, 1, 1)
    assert geom_type(shapely.to_wkb(poly)) == (3, 1, False)
    assert geom_type(shapely.to_wkb(shapely.MultiPolygon([poly, shapely.box(2, 2, 3, 3)]))) == (6, 2, False)
    assert geom_type(shapely.to_wkb(shapely.Polygon())) == (3, 0, False)
    z = shapely.Polygon([(0, 0, 1), (1, 0, 1), (1, 1, 1), (0, 0, 1)])
    assert geom_type(shapely.to_wkb(z)) == (3, 1, True)
    assert geom_type(shapely.to_wkb(poly, byte_order=0)) == (3, 1, False)


def test_utm_guess_without_a_parent_lists_the_zones_that_fit():
    # Tehran's extent in zone 39: read in zones 38–41 it lands in Iran for several of them.
    with pytest.raises(LoadError) as e:
        guess_missing_crs(Path("x.shp"), (480_000, 3_900_000, 560_000, 3_970_000), None)
    msg = str(e.value)
    assert "they look like UTM coordinates; zones" in msg and "39N (EPSG:32639)" in msg
    with pytest.raises(LoadError, match="neither longitudes/latitudes in Iran nor UTM zones 38N–41N"):
        guess_missing_crs(Path("x.shp"), (-5e6, -5e6, -4e6, -4e6), None)
    assert guess_missing_crs(Path("x.shp"), (50.1, 34.0, 51.0, 35.0), None) == "EPSG:4326"


def test_shapefile_without_prj_in_degrees_is_read_as_wgs84(iran_osm, tmp_path):
    df = gpd.read_file(iran_osm / "provinces.geojson").iloc[:2]
    shp = tmp_path / "p.shp"
    df.to_file(shp, driver="ESRI Shapefile", encoding="UTF-8")
    shp.with_suffix(".prj").unlink()
    with open_source(shp) as src:
        assert src.source_crs == "EPSG:4326" and not src.needs_transform
        assert any("declares no CRS" in n for n in src.notes)
        assert src.encoding == "utf-8"  # the .cpg says so
        assert "attributes decoded as utf-8, as the .cpg file declares" in src.notes


def test_explicit_encoding_and_unknown_encoding(iran_osm, tmp_path):
    df = gpd.read_file(iran_osm / "provinces.geojson").iloc[:1]
    shp = tmp_path / "p.shp"
    df.to_file(shp, driver="ESRI Shapefile", encoding="UTF-8")
    shp.with_suffix(".cpg").unlink()
    with open_source(shp, encoding="utf-8") as src:
        assert src.encoding == "utf-8" and "attributes decoded as utf-8 (--encoding)" in src.notes
    with pytest.raises(LoadError, match="unknown encoding 'klingon'"):
        open_source(shp, encoding="klingon")
