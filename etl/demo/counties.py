"""Real county polygons (OpenStreetMap, in a folder like ../shared/data/iran-osm) as the stand-in
municipal boundaries of the demo's cities.

Counties (شهرستان) are not municipal boundaries, but they are the real polygons at hand. Each
county of a province's file is given to the most populous GeoNames city of that province whose
point lies inside it; the other cities in that county stay points. So no polygon is invented, no
two cities share one, and a city's neighborhoods can be kept inside its boundary.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyogrio
import shapely
from shapely.geometry.base import BaseGeometry

from etl.demo.places import City
from regen.errors import RegenError


@dataclass(frozen=True)
class CountyBoundary:
    city: City
    county_fa: str | None
    county_en: str | None
    osm_id: int | None
    geometry: BaseGeometry  # (Multi)Polygon, lon/lat, made valid


def _name(tags, key: str) -> str | None:
    if isinstance(tags, dict):
        value = tags.get(key)
        return value if isinstance(value, str) else None
    return None


def county_boundaries(folder: Path, cities: list[City]) -> list[CountyBoundary]:
    """Gives, for each county with a city in it, the county's polygon as its biggest city's boundary."""
    counties_dir = Path(folder) / "counties"
    if not (Path(folder) / "provinces.geojson").exists() or not counties_dir.is_dir():
        raise RegenError(
            f"{folder}: expected provinces.geojson and counties/IR-NN.geojson in it "
            "(like ../shared/data/iran-osm)"
        )
    out: list[CountyBoundary] = []
    by_province: dict[str, list[City]] = {}
    for c in cities:
        by_province.setdefault(c.province, []).append(c)
    for province, members in sorted(by_province.items()):
        path = counties_dir / f"{province}.geojson"
        if not path.exists():
            continue
        frame = pyogrio.read_dataframe(path)
        polys = frame[frame.geometry.geom_type.isin(["Polygon", "MultiPolygon"])]
        geoms = shapely.make_valid(polys.geometry.values)
        tree = shapely.STRtree(geoms)
        owner: dict[int, City] = {}
        for city in sorted(members, key=lambda c: (-c.population, c.geonameid)):
            hits = tree.query(shapely.Point(city.lon, city.lat), predicate="within")
            if len(hits) == 1 and int(hits[0]) not in owner:
                owner[int(hits[0])] = city
        for i, city in sorted(owner.items(), key=lambda kv: kv[1].code):
            row = polys.iloc[i]
            tags = row.get("tags")
            out.append(
                CountyBoundary(
                    city=city,
                    county_fa=_name(tags, "name"),
                    county_en=_name(tags, "name:en"),
                    osm_id=int(row["id"]) if "id" in polys.columns and row["id"] == row["id"] else None,
                    geometry=geoms[i],
                )
            )
    return out
