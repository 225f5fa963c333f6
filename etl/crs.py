"""The coordinate reference system of a boundary file: whether it is already lon/lat, and what a file
that declares none most likely is (lon/lat in Iran, or one of Iran's UTM zones)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pyproj

from etl.iran import IRAN_BBOX, swapped_into_iran
from etl.runs import LoadError

UTM_ZONES = {38: "EPSG:32638", 39: "EPSG:32639", 40: "EPSG:32640", 41: "EPSG:32641"}
# How to fix a file written latitude-first (the boundary loader says it for each such feature).
SWAP_FIX = (
    "export it again with x = longitude and y = latitude (in QGIS: Processing › Vector geometry › "
    "Swap X and Y coordinates)"
)


def is_wgs84(crs: str) -> bool:
    """Gives whether `crs` is longitude/latitude on WGS 84 (EPSG:4326 or OGC:CRS84)."""
    if crs.upper() in ("EPSG:4326", "OGC:CRS84"):
        return True
    try:
        c = pyproj.CRS.from_user_input(crs)
    except pyproj.exceptions.CRSError:
        return False
    return c.to_epsg() == 4326 or c.equals(pyproj.CRS("OGC:CRS84"))


def guess_missing_crs(path: Path, bounds: Any, hint: Any) -> str:
    """Gives EPSG:4326 for a file without CRS whose extent is lon/lat in Iran; otherwise raises LoadError
    naming the UTM zone(s) it looks like, or that x and y are swapped (`hint` names where a zone puts it)."""
    if bounds is None or any(b is None or (isinstance(b, float) and math.isnan(b)) for b in bounds):
        return "EPSG:4326"
    x0, y0, x1, y1 = bounds
    if IRAN_BBOX[0] <= x0 and x1 <= IRAN_BBOX[2] and IRAN_BBOX[1] <= y0 and y1 <= IRAN_BBOX[3]:
        return "EPSG:4326"
    span = f"x {x0:,.0f}…{x1:,.0f}, y {y0:,.0f}…{y1:,.0f}"
    zones = []
    for zone, epsg in UTM_ZONES.items():
        t = pyproj.Transformer.from_crs(epsg, "EPSG:4326", always_xy=True)
        lon0, lat0, lon1, lat1 = t.transform_bounds(x0, y0, x1, y1)
        if IRAN_BBOX[0] <= lon0 and lon1 <= IRAN_BBOX[2] and IRAN_BBOX[1] <= lat0 and lat1 <= IRAN_BBOX[3]:
            zones.append((zone, epsg, hint((lon0, lat0, lon1, lat1)) if hint else None))
    if not zones and swapped_into_iran(x0, y0, x1, y1):
        raise LoadError(
            f"{path}: the file declares no CRS and its coordinates ({span}) are latitude, longitude: "
            f"x and y are swapped: {SWAP_FIX}"
        )
    if not zones:
        raise LoadError(
            f"{path}: the file declares no CRS and its coordinates ({span}) are neither longitudes/latitudes "
            "in Iran nor UTM zones 38N–41N (EPSG:32638–32641); give the CRS with --source-crs EPSG:NNNN"
        )
    placed = [z for z in zones if z[2]]
    best = placed if placed and len(placed) < len(zones) else zones
    if len(best) == 1:
        zone, epsg, where = best[0]
        at = f" (they then fall in {where})" if where else ""
        guess = f"they look like UTM zone {zone}N, {epsg}{at}"
        fix = f"--source-crs {epsg}"
    else:
        guess = (
            "they look like UTM coordinates; zones "
            + ", ".join(f"{z}N ({e})" for z, e, _ in best)
            + " all place them in Iran — ask the sender which one"
        )
        fix = f"--source-crs {best[0][1]} (or the zone the sender names)"
    raise LoadError(
        f"{path}: the file declares no CRS (no .prj) and its coordinates ({span}) are not "
        "longitudes/latitudes; "
        f"{guess}. Rerun with {fix}."
    )
