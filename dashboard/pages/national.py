"""`/` National: the coverage map (provinces, or cities over Iran's outline), headline figures, the
province table and coverage and handover over time."""

from __future__ import annotations

import re
from dataclasses import replace

from dash import Input, Output, State, html
from dash.exceptions import PreventUpdate

from dashboard import components as C
from dashboard import controls, maps, queries, shapes
from dashboard.auth_seam import current_scope
from dashboard.callbacks import callback
from dashboard.i18n import t
from dashboard.pages.common import (
    as_of_from,
    place_answer,
    place_cols,
    place_hover,
    place_outputs,
    place_panels,
    place_points,
    place_records,
    place_table,
    place_totals,
)
from dashboard.urls import View, parse

ROUTE = re.compile(r"^/$")
MENU = "national"
MENU_HREF = "/"
FILTERS_IN_PLACE = False


def brief_of(**_) -> None:
    """The header offers the nation's meeting brief."""
    return None


COLS = place_cols("province")


def _map(db, scope, view: View, rows: list[dict]) -> tuple[dict, str | None]:
    """Gives (figure, notice): provinces where boundaries are loaded, else points over Iran's outline;
    fitted to the nation, with the provinces' names written on it."""
    lang, measure = view.lang, view.measure
    fitted = maps.fit(shapes.place_bounds(db, scope, "nation"))
    names = [maps.label_trace(rows, lang, size=11)]
    if any(r["has_boundary"] for r in rows):
        fc = shapes.province_shapes(db, scope)
        codes = [f["id"] for f in fc["features"]]
        by_code = {r["code"]: r for r in rows}
        z = [C.measure_value(by_code[c], measure) for c in codes]
        hover = place_hover([by_code[c] for c in codes], lang)
        return C.choropleth_map(fc, codes, z, hover, measure, C.Frame(lang, fitted, labels=names)), None
    points = [c for c in _point_rows(db, scope, view.day, rows) if c["lon"] is not None]
    outline = shapes.outline()
    fig = place_points(
        points,
        view,
        fitted,
        maps.outline_layers(outline),
        labels=names if _point_level(scope) == "city" else None,  # else the points are the provinces
    )
    kind = "no_boundaries_provinces" if _point_level(scope) == "province" else "no_boundaries"
    return fig, t(kind, lang) + ("" if outline else " " + t("no_outline", lang))


def _point_rows(db, scope, day, province_rows: list[dict]) -> list[dict]:
    """Gives the points of the national map without polygons: cities for those who see every city's
    detail; provinces (at their label points) for a provincial user, whose national picture is made
    of per-province aggregates."""
    if scope.role == "provincial":
        return province_rows
    return queries.coverage_cities(db, scope, day)


def _point_level(scope) -> str:
    return "province" if scope.role == "provincial" else "city"


def _parts(view: View) -> dict:
    """Gives what the filters decide on the view (the layout and every change build it here)."""
    db, scope, lang, day = queries.database(), current_scope(), view.lang, view.day
    rows = queries.coverage_provinces(db, scope, day)
    acts = queries.national_overdue(db, scope, day)
    fig, notice = _map(db, scope, view, rows)
    records = place_records(
        rows,
        queries.overdue_by(acts, "province_code"),
        lang,
        "/province/",
        view,
        linked=lambda r: scope.sees_province(r["code"]),  # another's province would only refuse
    )
    return {
        "map": fig,
        "notice": notice,
        "head": queries.headline(db, scope, day, rows=rows, action_rows=acts),
        "records": records,
        "totals": place_totals(rows, records, lang),
        "timeline": C.timeline_figure(queries.timeline(db, scope, day), lang),
    }


def layout(view: View, **_):
    lang = view.lang
    p = _parts(view)
    return html.Div(
        [
            *controls.view_top(t("h_national", lang), view, "national", ("province", "as_of")),
            *place_panels(
                "nat",
                "national",
                ("national", "provinces_table"),
                view,
                p,
                [place_table("nat-table", COLS, p, lang, page_size=31)],
            ),
            controls.downloads(lang),
        ]
    )


@callback(
    *place_outputs("nat"),
    *controls.filter_inputs("national", "measure", "asof"),
    State("url", "search"),
    prevent_initial_call=True,
)
def show_national(measure, as_of_text, search):
    """Brings the view to its filters: the map's and the timeline's values (never the polygons), the
    cards' figures and the table, built as the layout builds them. The day is the one in the box
    whatever changed."""
    view = parse(search)
    day = as_of_from(as_of_text, view)
    if day is None:
        raise PreventUpdate
    return place_answer(_parts(replace(view, as_of=day, measure=measure)), COLS, view.lang)


@callback(
    Output("url", "pathname", allow_duplicate=True),
    Input("nat-map", "clickData"),
    prevent_initial_call=True,
)
def open_place(click):
    """Clicking a province opens its view (a point, its city's or province's)."""
    point, scope = C.clicked(click), current_scope()
    if "location" in point:
        code = point["location"]
    elif _point_level(scope) == "city":
        return f"/city/{point['id']}"
    else:
        code = point["id"]
    if not scope.sees_province(code):  # a provincial account's national map: other provinces do not open
        raise PreventUpdate
    return f"/province/{code}"
