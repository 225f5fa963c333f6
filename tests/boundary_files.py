"""Boundary files made from the real OSM county files for the loader's tests: polygons with a name
and a code, written as GeoJSON or Shapefile, or projected to UTM without their .prj."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pyproj

PREFIX = "شهرستان "
COUNTY = dict(code_field="id", name_field="tags.name", name_en_field="tags.name:en", strip_prefix=(PREFIX,))
GEOD = pyproj.Geod(ellps="WGS84")


def geodesic_ha(geom) -> float:
    """Gives the geodesic area of a lon/lat geometry in hectares (what area_ha is checked against)."""
    return abs(GEOD.geometry_area_perimeter(geom)[0]) / 10_000


def write_counties(df: gpd.GeoDataFrame, path: Path) -> Path:
    """Writes features with an id, a name and a geometry as GeoJSON; gives the path."""
    out = df[["id", "name", "geometry"]].copy()
    out.to_file(path, driver="GeoJSON")
    return path


def counties(path: Path) -> gpd.GeoDataFrame:
    """Gives the county (polygon) features of one OSM file, with their name and code."""
    df = gpd.read_file(path)
    df = df[df.geom_type.isin(["Polygon", "MultiPolygon"])].copy()
    df["name"] = [t["name"] for t in df["tags"]]
    df["code"] = df["id"].astype("int64").astype(str)
    return df


def shapefile(df: gpd.GeoDataFrame, path: Path, **kw) -> Path:
    df.to_file(path, driver="ESRI Shapefile", **kw)
    return path


def utm_tehran(iran_osm, tmp_path) -> Path:
    df = counties(iran_osm / "counties" / "IR-23.geojson")[["code", "name", "geometry"]].to_crs("EPSG:32639")
    shp = shapefile(df, tmp_path / "tehran_utm.shp")
    shp.with_suffix(".prj").unlink()
    return shp
