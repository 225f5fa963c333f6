"""What a map shows around its data: the view fitted to its place, context layers (the place's outline,
its neighbours faintly), place names written on the map, and the legend keys of every colour drawn.

All of it is drawn once, with the view's first figure: a filter change patches values only
(components.values_patch), and none of these carry a value it patches. Text is drawn by MapLibre
with our style, which has no `glyphs`: the browser's own fonts draw it, and nothing is fetched.
"""

from __future__ import annotations

import math

from dashboard import i18n
from dashboard.i18n import t

Bounds = tuple[float, float, float, float]  # west, south, east, north (degrees)

# The box (px) a place is fitted into, the same on every screen: MapLibre's zoom is in pixels, so one
# view fits one box. The map is as high everywhere (its figure less the foot under it that holds the
# legend and the colour scale: `map_height`); a phone's (390 px) is 328 px wide and style.css keeps a
# desktop's at most MAX_WIDTH: fitted into the phone's width (less a margin), the place is inside
# every map and fills at least half of a desktop's width (tests/test_fit_browser.py measures both).
FIT_WIDTH = 312
MAX_WIDTH = 600  # px, style.css (.map-graph): no more than twice FIT_WIDTH
FIGURE_HEIGHT = 460
FOOT = {"coverage": 90, "status": 160}  # px under the map: a row of keys and the scale; five keys and it
FIT_MARGIN = 0.95  # of the map's height: the outline clear of the map's edge


def map_height(foot: str) -> int:
    """Gives the drawn height (px) of a map whose figure has the foot `foot` (FOOT)."""
    return FIGURE_HEIGHT - FOOT[foot]


def fit_box(foot: str = "coverage") -> tuple[int, int]:
    """Gives the box (px) a place is fitted into on a map with the foot `foot`."""
    return FIT_WIDTH, int(map_height(foot) * FIT_MARGIN)


FIT_BOX = fit_box()
IRAN = (44.0, 25.0, 63.4, 39.8)  # Iran's box, for a national map without any boundary loaded
MAX_ZOOM = 15.5


def _merc(lat: float) -> float:
    """Gives a latitude's Web Mercator y (radians)."""
    lat = max(-85.0, min(85.0, lat))
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def fit(bounds: Bounds | None, box: tuple[int, int] = FIT_BOX) -> dict:
    """Gives the map centre and zoom that show the whole box `bounds` in a map of `box` px (Web
    Mercator, 512-px tiles: at zoom z the world is 512·2^z px wide). A point or a tiny place is
    shown at MAX_ZOOM at most."""
    west, south, east, north = bounds or IRAN
    width, height = box
    lon_span = max(east - west, 1e-6) / 360
    y_span = max(_merc(north) - _merc(south), 1e-6) / (2 * math.pi)
    zoom = math.log2(min(width / (512 * lon_span), height / (512 * y_span)))
    y_mid = (_merc(north) + _merc(south)) / 2
    lat_mid = math.degrees(2 * math.atan(math.exp(y_mid)) - math.pi / 2)
    return {
        "center": {"lon": round((west + east) / 2, 5), "lat": round(lat_mid, 5)},
        "zoom": max(1.0, min(MAX_ZOOM, math.floor(zoom * 100) / 100)),  # down: never cut the place
    }


def fc_bounds(fc: dict | None) -> Bounds | None:
    """Gives the box of a GeoJSON Feature, FeatureCollection or geometry held in Python (a shipped
    file, a brief's shapes); None when it has no coordinates. Views ask the database instead
    (queries.place_bounds)."""
    xs: list[float] = []
    ys: list[float] = []

    def walk(c):
        if c and isinstance(c[0], (int, float)):
            xs.append(c[0])
            ys.append(c[1])
        else:
            for x in c:
                walk(x)

    for g in _geometries(fc):
        walk(g["coordinates"])
    return (min(xs), min(ys), max(xs), max(ys)) if xs else None


def _geometries(fc: dict | None) -> list[dict]:
    if not fc:
        return []
    if fc.get("type") == "FeatureCollection":
        return [f["geometry"] for f in fc.get("features", []) if f.get("geometry")]
    if fc.get("type") == "Feature":
        return [fc["geometry"]] if fc.get("geometry") else []
    return [fc] if fc.get("coordinates") else []


# -- context layers (layout.map.layers: below the traces, never patched) -----------------------------
OUTLINE_COLOR = "#475467"
NEIGHBOUR_FILL = "#98a2b3"


def outline_layers(outline: dict | None, width: float = 1.4) -> list[dict]:
    """Gives the line of a place's outline (a geometry, Feature or FeatureCollection)."""
    if not outline:
        return []
    return [
        {
            "source": outline,
            "sourcetype": "geojson",
            "type": "line",
            "color": OUTLINE_COLOR,
            "line": {"width": width},
            "below": "traces",
        }
    ]


def neighbour_layers(fc: dict | None) -> list[dict]:
    """Gives the neighbouring places faintly: a pale fill and a thin line, under everything else."""
    if not fc or not fc.get("features"):
        return []
    faint = {"source": fc, "sourcetype": "geojson", "below": "traces"}
    return [
        {**faint, "type": "fill", "color": NEIGHBOUR_FILL, "opacity": 0.18},
        {**faint, "type": "line", "color": NEIGHBOUR_FILL, "opacity": 0.8, "line": {"width": 0.8}},
    ]


# -- names written on the map ------------------------------------------------------------------------
def label_trace(rows: list[dict], lang: str, size: int = 12) -> dict:
    """Gives the names of places (rows with names, lon and lat) written at their points, in the
    language of the view; the first rows win where names would overlap (MapLibre drops the rest), so
    give the most important first. Names are neither hovered nor clicked."""
    located = [r for r in rows if r.get("lon") is not None and r.get("lat") is not None]
    return {
        "type": "scattermap",
        "name": t("map_place_names", lang),
        "mode": "text",
        "lon": [r["lon"] for r in located],
        "lat": [r["lat"] for r in located],
        "text": [i18n.name(r, lang) for r in located],
        "textfont": {"size": size, "color": "#101828"},
        "textposition": "middle center",  # any other needs a marker size, which text alone lacks (NaN)
        "hoverinfo": "skip",
        "showlegend": False,
    }


# -- legend keys --------------------------------------------------------------------------------------
def legend_key(name: str, color: str) -> dict:
    """Gives a legend entry that draws nothing on the map: a circle of `color` named `name`."""
    return {
        "type": "scattermap",
        "lon": [None],
        "lat": [None],
        "mode": "markers",
        "name": name,
        "marker": {"size": 11, "color": color},
        "showlegend": True,
        "hoverinfo": "skip",
    }


def legend_layout(lang: str, foot: str, title: str | None = None) -> dict:
    """Gives the legend's place: in the foot under the map (FOOT), in rows read from the reading side,
    placed in the figure's own pixels, so that it neither covers the map nor takes height from it:
    the map's drawn height is known (map_height) and the fit is right on a phone and a desktop."""
    fa = lang == "fa"
    return {
        "showlegend": True,
        "legend": {
            "orientation": "h",
            "x": 1.0 if fa else 0.0,
            "xanchor": "right" if fa else "left",
            "yref": "container",  # a legend under the map would otherwise push the map up
            "y": (FOOT[foot] - 4) / FIGURE_HEIGHT,
            "yanchor": "top",
            "itemclick": False,
            "itemdoubleclick": False,
            "font": {"size": 11},
            # keys in columns of a known width: two a row on a phone, none cut at the map's edge
            "entrywidth": 112,
            "entrywidthmode": "pixels",
            # read from the reading side; "top left" indents an English legend's keys by its title
            **({"title": {"text": title, "side": "top right" if fa else "top"}} if title else {}),
        },
    }


def pct_title(measure: str, lang: str) -> str:
    """Gives the colour scale's title: the measure and the unit of its ticks."""
    return f"{t('m_' + measure, lang)} ({'٪' if lang == 'fa' else '%'})"
