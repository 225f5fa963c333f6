"""Synthetic target neighborhoods: deterministic, non-overlapping polygons near real cities.

About 2,700 × scale neighborhoods are shared out among the cities by population^0.75 (every city
gets at least one), sized around 50 ha and 7,000 residents. Each is a smooth irregular polygon
placed around its city's point — historic and inner-city fabric near the centre, informal
settlements and rural cores on the edge — never closer than GAP_M to another neighborhood (any
city's), entirely within MAX_KM of the city point, inside the city's boundary when one is given and
on land (inside Iran's outline) when the city point itself is.
Geometry is built in metres in a Lambert azimuthal equal-area projection centred on Iran, so areas
come out as drawn.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import Polygon
from shapely.geometry.base import BaseGeometry

from etl.demo.places import City
from etl.demo.words import neighborhood_name

NATIONAL_COUNT = 2_700
MAX_KM = 14.5  # the story promises "within 15 km of its city"; keep half a kilometre to spare
GAP_M = 60.0  # at least a street between two neighborhoods
KINDS = ("historic", "inner_city", "rural_core", "informal")
# Share of each kind by city size (large ≥ 500k, medium ≥ 100k, small), after the public figures:
# inner-city and informal fabric dominate; historic cores are old big towns; rural cores ring small ones.
KIND_SHARES = {
    "large": (0.14, 0.40, 0.08, 0.38),
    "medium": (0.12, 0.40, 0.15, 0.33),
    "small": (0.08, 0.38, 0.30, 0.24),
}
SECOND_KIND = {
    "historic": "inner_city",
    "inner_city": "informal",
    "informal": "rural_core",
    "rural_core": "informal",
}
SECOND_KIND_SHARE = 0.12
MEDIAN_HA = {"historic": 28.0, "inner_city": 42.0, "rural_core": 48.0, "informal": 52.0}
DENSITY = {"historic": 110.0, "inner_city": 150.0, "rural_core": 85.0, "informal": 165.0}  # residents per ha

LAEA = "+proj=laea +lat_0=32.5 +lon_0=54 +datum=WGS84 +units=m +no_defs"
_to_m = Transformer.from_crs("EPSG:4326", LAEA, always_xy=True)
_to_deg = Transformer.from_crs(LAEA, "EPSG:4326", always_xy=True)


@dataclass
class Neighborhood:
    code: str
    city: City
    name_fa: str
    name_en: str
    kinds: tuple[str, ...]
    population: int
    households: int
    polygon: Polygon  # lon/lat, coordinates rounded to 6 decimals
    centre_m: tuple[float, float]
    pilot: bool = False


def allocate(cities: list[City], total: int, cap: int = 220) -> list[int]:
    """Gives each city's number of neighborhoods, summing to total: at least one, the rest by
    population^0.75; no city above `cap` (what a 15 km disc holds loosely packed), the excess to others."""
    n = len(cities)
    if total < n or total > n * cap:
        raise ValueError(f"{total} neighborhoods do not fit {n} cities at 1 to {cap} each")
    w = np.array([c.population for c in cities], dtype=float) ** 0.75
    counts = np.ones(n, dtype=int)
    capped = np.zeros(n, dtype=bool)
    while True:
        free = total - counts[capped].sum() - (~capped).sum()
        share = np.where(capped, 0.0, free * w / w[~capped].sum())
        over = ~capped & (share + 1 > cap)
        if not over.any():
            break
        counts[over] = cap
        capped |= over
    extra = np.floor(share).astype(int)
    rest = int(free - extra.sum())
    # Largest remainders first, ties by position (stable): deterministic.
    order = sorted(np.flatnonzero(~capped), key=lambda i: (-(share[i] - extra[i]), i))
    for i in order[:rest]:
        extra[i] += 1
    return [int(cap) if capped[i] else int(extra[i]) + 1 for i in range(n)]


class _Grid:
    """Discs already placed (centre, outer radius), hashed by 2 km cells, to refuse overlaps quickly."""

    CELL = 2_000.0

    def __init__(self) -> None:
        self.cells: dict[tuple[int, int], list[tuple[float, float, float]]] = defaultdict(list)
        self.rmax = 0.0

    def free(self, x: float, y: float, r: float) -> bool:
        reach = r + self.rmax + GAP_M
        k = int(math.ceil(reach / self.CELL))
        cx, cy = int(x // self.CELL), int(y // self.CELL)
        for i in range(cx - k, cx + k + 1):
            for j in range(cy - k, cy + k + 1):
                for ox, oy, orr in self.cells.get((i, j), ()):
                    if math.hypot(x - ox, y - oy) < r + orr + GAP_M:
                        return False
        return True

    def add(self, x: float, y: float, r: float) -> None:
        self.cells[(int(x // self.CELL), int(y // self.CELL))].append((x, y, r))
        self.rmax = max(self.rmax, r)


def _shape(rng: np.random.Generator, area_m2: float) -> tuple[np.ndarray, float]:
    """Gives the vertices (around 0,0) of a smooth irregular polygon of that area, and its outer radius."""
    m = int(rng.integers(9, 15))
    angles = (np.arange(m) + rng.uniform(-0.3, 0.3, m)) * 2 * math.pi / m
    phases = rng.uniform(0, 2 * math.pi, 3)
    radii = (
        1
        + 0.18 * np.sin(2 * angles + phases[0])
        + 0.10 * np.sin(3 * angles + phases[1])
        + 0.05 * np.sin(5 * angles + phases[2])
    )
    unit = np.column_stack([radii * np.cos(angles), radii * np.sin(angles)])
    x, y = unit[:, 0], unit[:, 1]
    unit_area = 0.5 * abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))
    scale = math.sqrt(area_m2 / unit_area)
    return unit * scale, float(radii.max() * scale)


def _size_class(city: City) -> str:
    return "large" if city.population >= 500_000 else "medium" if city.population >= 100_000 else "small"


def _kinds(rng: np.random.Generator, city: City) -> tuple[str, ...]:
    first = KINDS[int(rng.choice(4, p=KIND_SHARES[_size_class(city)]))]
    if rng.random() < SECOND_KIND_SHARE:
        return tuple(sorted((first, SECOND_KIND[first]), key=KINDS.index))
    return (first,)


def _radial(rng: np.random.Generator, kind: str, reach: float) -> float:
    u = rng.random()
    if kind == "historic":
        return reach * 0.35 * math.sqrt(u)
    if kind == "inner_city":
        return reach * 0.75 * math.sqrt(u)
    return reach * (0.5 + 0.5 * math.sqrt(u))


def generate(
    cities: list[City],
    seed: int,
    scale: int = 1,
    boundaries: dict[str, BaseGeometry] | None = None,
    land: BaseGeometry | None = None,
) -> list[Neighborhood]:
    """Gives the synthetic neighborhoods of all cities, in city order then by number.

    `boundaries` maps a city code to its boundary (lon/lat): its neighborhoods are placed inside it.
    `land` (lon/lat, e.g. Iran's outline) keeps neighborhoods off the sea where the city point is on land.
    """
    boundaries = boundaries or {}
    counts = allocate(cities, NATIONAL_COUNT * scale)
    if land is not None:
        shapely.prepare(land)
    grid = _Grid()
    out: list[Neighborhood] = []
    carry = 0  # neighborhoods a crowded city had no room for go to the next (smaller) one
    for city, count in zip(cities, counts, strict=True):
        count += carry
        carry = 0
        rng = np.random.default_rng([seed, city.geonameid, scale])
        cx, cy = _to_m.transform(city.lon, city.lat)
        # Masks stay in lon/lat: the polygons are tested as they will be stored (rounded to 6 decimals),
        # so "inside its city's boundary" holds in the database too, not only in the projection.
        masks = []
        if city.code in boundaries:
            masks.append(boundaries[city.code])
        if land is not None and land.contains(shapely.Point(city.lon, city.lat)):
            masks.append(land)
        for mask in masks:
            shapely.prepare(mask)
        # Room for the neighborhoods at a loose packing (a third of the disc), never less than the town.
        reach = min(
            MAX_KM * 1000 - 1500,
            max(1200.0, city.radius_km * 1100, math.sqrt(count * 5.5e5 / (0.3 * math.pi))),
        )
        taken: set[str] = set()
        for made in range(count):
            kinds = _kinds(rng, city)
            area_ha = float(np.clip(rng.lognormal(math.log(MEDIAN_HA[kinds[0]]), 0.5), 8, 250))
            placed = _place(rng, grid, (cx, cy), kinds[0], reach, area_ha * 1e4, masks)
            if placed is None:
                carry = count - made
                break
            polygon, (x, y), area_ha = placed
            density = DENSITY[kinds[0]] * float(rng.lognormal(0, 0.25))
            population = int(round(area_ha * density / 10) * 10)
            households = int(round(population / rng.uniform(3.0, 3.6)))
            name_fa, name_en = neighborhood_name(rng, kinds[0] in ("informal", "rural_core"), taken)
            out.append(
                Neighborhood(
                    code=f"demo-nb-{len(out) + 1:05d}",
                    city=city,
                    name_fa=name_fa,
                    name_en=name_en,
                    kinds=kinds,
                    population=population,
                    households=households,
                    polygon=polygon,
                    centre_m=(x, y),
                )
            )
    if carry:
        raise RuntimeError(f"no room left for {carry} neighborhood(s) near the last cities")
    return out


def _place(
    rng: np.random.Generator,
    grid: _Grid,
    centre: tuple[float, float],
    kind: str,
    reach: float,
    area_m2: float,
    masks: list[BaseGeometry],
) -> tuple[Polygon, tuple[float, float], float] | None:
    """Gives (lon/lat polygon, centre in metres, hectares) of a polygon that fits, shrinking it and
    searching wider as needed; None when there is no room."""
    cx, cy = centre
    limit = MAX_KM * 1000
    shape, r = _shape(rng, area_m2)
    for attempt in range(400):
        if attempt and attempt % 100 == 0:  # no room for this size: a smaller one
            area_m2 *= 0.7
            shape, r = _shape(rng, area_m2)
        widen = 1 + attempt / 150
        d = min(_radial(rng, kind, reach) * widen, limit - r)
        theta = rng.uniform(0, 2 * math.pi)
        x, y = cx + d * math.cos(theta), cy + d * math.sin(theta)
        if math.hypot(x - cx, y - cy) + r > limit or not grid.free(x, y, r):
            continue
        ring = shape + (x, y)
        lon, lat = _to_deg.transform(ring[:, 0], ring[:, 1])
        polygon = Polygon(np.round(np.column_stack([lon, lat]), 6))
        if not all(m.contains(polygon) for m in masks):
            continue
        grid.add(x, y, r)
        return polygon, (x, y), area_m2 / 1e4
    return None
