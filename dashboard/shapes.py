"""The query layer's geometry: boundaries simplified per level, the boxes maps are fitted to, and
Iran's outline file. Like every result of `dashboard.queries`, each is kept until the data it
depends on changes (boundaries and places change only with writes without a province: BASE)."""

from __future__ import annotations

import functools
import json
from pathlib import Path

from dashboard.auth_seam import aggregate_province
from dashboard.maps import fc_bounds
from dashboard.queries import BASE, OUTLINE_FILE, cached, place_of
from regen.db import Database
from regen.scope import Scope

# Simplification per level: tolerance in degrees (~ metres at Iran's latitudes) and decimals kept.
# Migration 0102 stores each level's boundary simplified at these tolerances: change both together.
TOLERANCE = {"province": (0.01, 3), "city": (0.002, 4), "neighborhood": (0.00005, 5)}


def outline_stamp() -> float | None:
    """Gives the outline file's modification time (None without the file): pages drawn with it key on it."""
    try:
        return OUTLINE_FILE.stat().st_mtime
    except OSError:
        return None


# -- geometry (sent once per view) -----------------------------------------------------------------
def province_shapes(db: Database, scope: Scope, province: str | None = None) -> dict:
    """Gives the simplified province boundaries as a GeoJSON FeatureCollection (feature id = code)."""
    province = aggregate_province(scope, province)  # outlines are no one's detail
    tol, digits = TOLERANCE["province"]
    rows = cached("dash_province_shapes", db, scope, BASE, province=province, tolerance=tol, digits=digits)
    return rows[0]["fc"]


def neighborhood_shapes(db: Database, scope: Scope, city: str) -> dict:
    """Gives a city's current neighborhoods, simplified, as a FeatureCollection (feature id = code)."""
    place = place_of(db, scope, "city", city)
    tol, digits = TOLERANCE["neighborhood"]
    return cached(
        "dash_neighborhood_shapes", db, scope, BASE, city=place["code"], tolerance=tol, digits=digits
    )[0]["fc"]


def city_shape(db: Database, scope: Scope, city: str) -> dict | None:
    """Gives a city's boundary (simplified GeoJSON geometry), or None when it has none."""
    place_of(db, scope, "city", city)
    tol, digits = TOLERANCE["city"]
    rows = cached("dash_city_shape", db, scope, BASE, city=city, tolerance=tol, digits=digits)
    return rows[0]["geometry"] if rows else None


def neighborhood_labels(db: Database, scope: Scope, city: str, limit: int) -> list[dict]:
    """Gives the names of a city's `limit` biggest current neighborhoods, each with a point inside it
    (lon, lat), the biggest first: what its map writes on them (maps.label_trace)."""
    place = place_of(db, scope, "city", city)
    return cached("dash_neighborhood_labels", db, scope, BASE, city=place["code"], limit=limit)


def province_neighbours(db: Database, scope: Scope, province: str) -> dict:
    """Gives the provinces bordering `province` (drawn boundaries) as a FeatureCollection."""
    province = aggregate_province(scope, province)  # outlines are no one's detail
    _, digits = TOLERANCE["province"]
    return cached("dash_province_neighbours", db, scope, province=province, digits=digits)[0]["fc"]


def place_bounds(
    db: Database, scope: Scope, level: str, code: str | None = None
) -> tuple[float, float, float, float] | None:
    """Gives the box (west, south, east, north) a map of the place is fitted to: the nation's province
    boundaries (else Iran's outline file), a province's boundary (else its cities' points), a city's
    boundary (else its neighborhoods and offices, else its point); None when nothing locates it."""
    if level == "nation":
        aggregate_province(scope, None)
        row = cached("dash_nation_bounds", db, scope)[0]
        if row["west"] is None:
            return fc_bounds(outline())
    elif level == "province":
        row = cached("dash_province_bounds", db, scope, province=aggregate_province(scope, code))[0]
    else:
        place_of(db, scope, "city", code or "")
        row = cached("dash_city_bounds", db, scope, city=code)[0]
    box = (row["west"], row["south"], row["east"], row["north"])
    return None if box[0] is None else box


def outline() -> dict | None:
    """Gives Iran's outline (data/geo/iran_outline.geojson) when that file exists, else None."""
    return _outline_file(OUTLINE_FILE)


def _outline_file(path: Path) -> dict | None:
    if not path.exists():
        return None
    return _read_outline(str(path), path.stat().st_mtime)


@functools.lru_cache(maxsize=4)
def _read_outline(path: str, mtime: float) -> dict:
    """Reads an outline file once per path and modification time."""
    return json.loads(Path(path).read_text("utf-8"))
