"""Figures as functions: maps and the timeline (controls: controls.py; tables: grids.py).

Maps use Plotly's MapLibre traces with a style of our own that has no tiles, sources or glyphs, so
a page never fetches anything from outside 127.0.0.1; hover text is wrapped in RLE…PDF.

Hovers are templates: the words in the template, the names in `text` and the values in `customdata`,
numbers and dates with ASCII digits, which the figures' Persian font (Vazirmatn's Farsi-Digits face)
draws as Persian digits. A filter change sends `values_patch` of the map the same function draws for
the new filters: every value of its traces, never their geometry.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from dash import Patch, dcc
from dash.exceptions import PreventUpdate

from dashboard import i18n, maps
from dashboard.i18n import t
from dashboard.queries import MEASURES, STATUSES

FONT = "Vazirmatn, Tahoma, sans-serif"
# Figures in Persian: the same letters, and ASCII digits drawn as Persian ones (dashboard/assets/style.css).
FONT_FD = "Vazirmatn FD, Vazirmatn, Tahoma, sans-serif"
# A map style with a plain background only: no tiles, no sources, no glyphs → nothing fetched.
MAP_STYLE = {
    "version": 8,
    "name": "regen-blank",
    # not empty: plotly.js prunes an empty `sources` on update, and MapLibre then rejects the style
    "sources": {"none": {"type": "geojson", "data": {"type": "FeatureCollection", "features": []}}},
    "layers": [{"id": "background", "type": "background", "paint": {"background-color": "#eef2f5"}}],
}
NO_DATA = -5.0  # z of a place with nothing to measure: drawn grey, below the 0–100 scale
COVERAGE_SCALE = [
    [0.0, "#cfd4d9"],
    [0.0475, "#cfd4d9"],
    [0.0477, "#b42318"],
    [0.3, "#f79009"],
    [0.6, "#fdd835"],
    [0.8, "#66bb6a"],
    [1.0, "#14532d"],
]
STATUS_COLORS = {
    "none": "#b42318",
    "planned": "#f79009",
    "established": "#fdd835",
    "active": "#66bb6a",
    "handed_over": "#14532d",
    "closed": "#98a2b3",
}
OFFICE_STATES = (*STATUSES, "closed")


def _discrete(colors: list[str]) -> list[list]:
    n = len(colors)
    scale = []
    for i, c in enumerate(colors):
        scale += [[i / n, c], [(i + 1) / n, c]]
    return scale


def measure_value(row: dict, measure: str) -> float:
    """Gives a row's share for the measure, or NO_DATA when there is nothing to measure."""
    v = row.get(MEASURES[measure])
    return NO_DATA if v is None else round(v, 1)


def figure_font(lang: str) -> str:
    """Gives the font family of a figure: in Persian the face that draws ASCII digits as Persian ones."""
    return FONT_FD if lang == "fa" else FONT


def _map_layout(
    lang: str, view: dict, layers: list | None = None, foot: str = "coverage", legend: str | None = None
) -> dict:
    """Gives a map's layout: our style, the view fitted to its place (maps.fit into maps.fit_box(foot)),
    context layers, and under the map a foot (maps.FOOT) that holds the colour scale and a legend of
    the keys the map's traces add (maps.legend_key)."""
    return {
        "map": {"style": MAP_STYLE, **view, "layers": layers or [], "fitbounds": False},
        "margin": {"l": 0, "r": 0, "t": 0, "b": maps.FOOT[foot]},
        "height": maps.FIGURE_HEIGHT,
        "font": {"family": figure_font(lang)},
        "hoverlabel": {"font": {"family": figure_font(lang)}},  # not inherited: Arial by default
        "uirevision": "keep",  # a Patch must not reset the user's pan and zoom
        **maps.legend_layout(lang, foot, legend),
    }


def _colorbar(title: str, lang: str, side: str = "top", **extra) -> dict:
    # below the map, in its bottom margin: never over the places it colours, on a phone either
    return {
        "title": {"text": title, "side": side},
        "orientation": "h",
        "x": 0.5,
        "xanchor": "center",
        "y": 0,
        "yref": "container",  # the figure's foot: under the legend's rows, which sit under the map
        "yanchor": "bottom",
        "ypad": 4,
        "thickness": 10,
        "len": 0.8,
        **extra,
    }


def coverage_colorbar(measure: str, lang: str) -> dict:
    return _colorbar(
        maps.pct_title(measure, lang),
        lang,
        tickvals=[0, 25, 50, 75, 100],
        ticktext=[i18n.num(v, lang) for v in (0, 25, 50, 75, 100)],
    )


def coverage_keys(lang: str) -> list[dict]:
    """Gives the legend key of the one colour the scale does not name: the grey of nothing to measure."""
    return [maps.legend_key(t("map_nothing_to_measure", lang), COVERAGE_SCALE[0][1])]


@dataclass(frozen=True)
class Frame:
    """What a map is drawn in: the page's language, `view` (maps.fit of the place into its box), the
    context drawn under it (`layers`: maps.outline_layers …) and the names written on it (`labels`:
    maps.label_trace)."""

    lang: str
    view: dict
    layers: list[dict] = field(default_factory=list)
    labels: list[dict] = field(default_factory=list)


def choropleth_map(
    fc: dict,
    codes: list[str],
    z: list[float],
    hover: dict,
    measure: str,
    frame: Frame,
) -> dict:
    """Gives a choropleth of polygons (feature id = code) coloured by a 0–100 share, in `frame`;
    `hover` holds the trace's text, customdata and hovertemplate."""
    lang = frame.lang
    trace = dict(
        type="choroplethmap",
        geojson=fc,
        below="",  # on top of the background: the default looks for a "water" layer our style lacks
        locations=codes,
        z=z,
        featureidkey="id",
        zmin=NO_DATA,
        zmax=100,
        colorscale=COVERAGE_SCALE,
        **hover,
        marker={"line": {"width": 0.6, "color": "#ffffff"}, "opacity": 0.9},
        colorbar=coverage_colorbar(measure, lang),
        showlegend=False,
    )
    data = [trace, *frame.labels, *coverage_keys(lang)]
    return {"data": data, "layout": _map_layout(lang, frame.view, frame.layers)}


def _circles(points: list[dict], hover: dict, **marker) -> dict:
    """Gives a trace of circles at the points' lon/lat, out of the legend; `hover` holds its text,
    customdata and hovertemplate, `marker` its size and colours."""
    return dict(
        type="scattermap",
        lon=[p["lon"] for p in points],
        lat=[p["lat"] for p in points],
        mode="markers",
        **hover,
        marker=marker,
        showlegend=False,
    )


def point_map(
    rows: list[dict],
    z: list[float],
    sizes: list[float],
    hover: dict,
    measure: str,
    frame: Frame,
) -> dict:
    """Gives circles (one per row with lon/lat) sized by `sizes` and coloured by a 0–100 share, in
    `frame`; `hover` holds the trace's text, customdata and hovertemplate."""
    trace = _circles(
        rows,
        hover,
        size=sizes,
        color=z,
        cmin=NO_DATA,
        cmax=100,
        colorscale=COVERAGE_SCALE,
        opacity=0.85,
        colorbar=coverage_colorbar(measure, frame.lang),
    )
    data = [trace, *frame.labels, *coverage_keys(frame.lang)]
    return {"data": data, "layout": _map_layout(frame.lang, frame.view, frame.layers)}


def point_sizes(counts: list[int]) -> list[float]:
    """Gives circle diameters (px) growing with the square root of a count."""
    top = max([c or 0 for c in counts] + [1])
    return [round(6 + 22 * math.sqrt((c or 0) / top), 1) for c in counts]


def status_index(status: str, states: tuple[str, ...] = STATUSES) -> int:
    return states.index(status) if status in states else 0


def status_map(
    fc: dict,
    codes: list[str],
    statuses: list[str],
    hover: dict,
    offices: list[dict],
    office_hover: dict,
    frame: Frame,
) -> dict:
    """Gives neighborhood polygons coloured by status, with office circles coloured by state, on top,
    in `frame`; `hover` and `office_hover` hold each trace's text, customdata and hovertemplate. The
    polygons' colours are named by the colour scale (areas), the offices' by the legend (points)."""
    lang = frame.lang
    n_colors = [STATUS_COLORS[s] for s in STATUSES]
    hoods = dict(
        type="choroplethmap",
        geojson=fc,
        below="",  # on top of the background: the default looks for a "water" layer our style lacks
        locations=codes,
        z=[status_index(s) for s in statuses],
        featureidkey="id",
        zmin=-0.5,
        zmax=len(STATUSES) - 0.5,
        colorscale=_discrete(n_colors),
        **hover,
        marker={"line": {"width": 0.8, "color": "#ffffff"}, "opacity": 0.75},
        showlegend=False,
        colorbar=_colorbar(
            t("map_hoods_scale", lang),
            lang,
            # under the words: above the bar, two-line ticks push the bar up and not its title, which
            # then covers the bar (plotly.js 4.1)
            "bottom",
            tickvals=list(range(len(STATUSES))),
            ticktext=[two_lines(t(f"s_{s}", lang)) for s in STATUSES],
            tickangle=0,  # words: slanted, they ran into the scale's title on a phone
            tickfont={"size": 10},
            len=0.95,
        ),
    )
    o_colors = [STATUS_COLORS[s] for s in OFFICE_STATES]
    offs = _circles(
        offices,
        office_hover,
        size=11,
        color=[status_index(o["state"], OFFICE_STATES) for o in offices],
        cmin=-0.5,
        cmax=len(OFFICE_STATES) - 0.5,
        colorscale=_discrete(o_colors),
        showscale=False,
    )
    keys = [maps.legend_key(t(f"s_{s}", lang), STATUS_COLORS[s]) for s in OFFICE_STATES[1:]]  # never "none"
    layout = _map_layout(lang, frame.view, frame.layers, "status", legend=t("map_offices_key", lang))
    return {"data": [hoods, offs, *frame.labels, *keys], "layout": layout}


def two_lines(words: str) -> str:
    """Gives a short label in two lines, broken at the space nearest its middle (a scale's tick under
    a colour as narrow as a fifth of a phone's map), or as it is when it is one word."""
    spaces = [i for i, c in enumerate(words) if c == " "]
    if not spaces:
        return words
    cut = min(spaces, key=lambda i: abs(2 * i - len(words)))
    return f"{words[:cut]}<br>{words[cut + 1 :]}"


TIMELINE_SERIES = ("coverage_count_pct", "handover_pct")
TIMELINE_TICKS = 6  # about this many dated ticks


def timeline_figure(rows: list[dict], lang: str) -> dict:
    """Gives coverage and handover over time; dates with ASCII digits, which the Persian figure font
    draws as Persian digits. A plain figure, as the maps are (no plotly template: its look is here)."""
    x = [r["day"].isoformat() for r in rows]
    dates = [i18n.date(r["day"], "en") for r in rows]
    fa = lang == "fa"
    data = []
    for key, label, color in zip(
        TIMELINE_SERIES, (t("coverage", lang), t("handover", lang)), ("#14532d", "#f79009"), strict=True
    ):
        hover = f"{label} %{{customdata}}: %{{y:.1f}}" + ("٪" if fa else "%")
        data.append(
            {
                "type": "scatter",
                "x": x,
                "y": [None if r.get(key) is None else round(r[key], 1) for r in rows],
                "customdata": dates,
                "name": label,
                "mode": "lines+markers",
                "line": {"color": color},
                "hovertemplate": (i18n.rtl(hover) if fa else hover) + "<extra></extra>",
            }
        )
    # about TIMELINE_TICKS dated ticks, counted back from the as-of day's (the last point): it is one
    step = max(1, math.ceil(len(x) / TIMELINE_TICKS))
    ticks = list(range(len(x) - 1, -1, -step))[::-1]
    axis = {"automargin": True, "gridcolor": "#eaecf0", "zeroline": False, "showline": False}
    layout = {
        "height": 330,
        # the legend in a row of its own: under the mode bar's buttons (the figure's top 30 px, shown
        # on a phone), above the plot and its top tick
        "margin": {"l": 40, "r": 40, "t": 70, "b": 40},
        "font": {"family": figure_font(lang), "color": "#2a3f5f"},
        "hoverlabel": {"font": {"family": figure_font(lang)}},
        "hovermode": "closest",
        "separators": "٫٬" if fa else ".,",
        "xaxis": {
            **axis,
            "tickvals": [x[i] for i in ticks],
            "ticktext": [dates[i] for i in ticks],
            "autorange": "reversed" if fa else True,
        },
        "yaxis": {
            **axis,
            "range": [0, 100],
            "side": "right" if fa else "left",
            "ticksuffix": "%" if not fa else "",
            "tickvals": [0, 25, 50, 75, 100],
            "ticktext": [i18n.num(n, lang) for n in (0, 25, 50, 75, 100)],
        },
        "legend": {
            "orientation": "h",
            "x": 1 if fa else 0,
            "xanchor": "right" if fa else "left",
            "y": 1.06,
            "yanchor": "bottom",
        },
        "plot_bgcolor": "#ffffff",
        "paper_bgcolor": "#ffffff",
    }
    return {"data": data, "layout": layout}


# What a filter changes in a figure: colours, values, hover values, the measure's name — what a Patch
# sends. Never the geometry, nor what is bound to it (features, points, their names and sizes: no filter
# changes them; a place added meanwhile shows on the next load), nor the constant look.
VALUES = ("x", "y", "z", "customdata")  # a trace's own: merged into it, one operation per trace
NESTED_VALUES = (("marker", "color"), ("colorbar", "title"), ("marker", "colorbar", "title"))  # assigned


def values_patch(fig: dict, axes: tuple[str, ...] = ()) -> Patch:
    """Gives the Patch that brings a figure on the page to `fig`, drawn by the same function for new
    filters: each trace's VALUES and NESTED_VALUES, and the ticks of the layout's `axes`; the rest (and
    with it the user's pan and zoom) stays."""
    patch = Patch()
    for i, trace in enumerate(fig["data"]):
        if trace.get("hoverinfo") == "skip":
            continue  # context (names, legend keys: dashboard/maps.py), drawn once and never patched
        if own := {key: trace[key] for key in VALUES if key in trace}:
            patch["data"][i].update(own)
        for path in NESTED_VALUES:
            value = trace
            for key in path:
                value = value.get(key) if isinstance(value, dict) else None
            if value is not None:
                _assign(patch["data"][i], path, value)
    for axis in axes:
        patch["layout"][axis].update({key: fig["layout"][axis][key] for key in ("tickvals", "ticktext")})
    return patch


def _assign(target, path: tuple[str, ...], value) -> None:
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value


def timeline_patch(fig: dict) -> Patch:
    return values_patch(fig, axes=("xaxis",))


def clicked(click: dict | None) -> dict:
    """Gives the point a click on a map names; a click that names none changes nothing."""
    if not click or not click.get("points"):
        raise PreventUpdate
    return click["points"][0]


# The mode bar keeps what a reader of these figures uses: save the picture, zoom the timeline and go
# back, zoom the map in and out and back. Selection tools select nothing here, and "Share chart" would
# send the data to plotly.com (showSendToCloud is on by default in plotly.js 4).
MODEBAR_OFF = (
    "pan2d", "select2d", "lasso2d", "zoomIn2d", "zoomOut2d", "autoScale2d", "toggleSpikelines",
    "hoverClosestCartesian", "hoverCompareCartesian", "sendChartToCloud",
)  # fmt: skip


def graph(id_: str, fig: dict, lang: str, code: str | None = None, map_: bool = False) -> dcc.Graph:
    """Gives a figure whose mode bar speaks the page's language and saves its picture under a name in
    it (the atlas, the figure, the place's code: «اطلس-بازآفرینی-نقشه-استان-IR-23.png»); a map
    (`map_`) is no wider than maps.MAX_WIDTH (style.css)."""
    config = {
        "displaylogo": False,
        "scrollZoom": True,
        "showSendToCloud": False,
        "modeBarButtonsToRemove": list(MODEBAR_OFF),
        "locale": lang,
        "locales": i18n.plot_words(lang),
        "toImageButtonOptions": {
            "filename": i18n.file_name(
                (t("dl_app", lang), t(f"fig_{id_.replace('-', '_')}", lang), code), None, lang
            )
        },
    }
    return dcc.Graph(id=id_, figure=fig, config=config, className="map-graph" if map_ else None)
