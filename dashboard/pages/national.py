"""`/` National: the coverage map (provinces, or cities over Iran's outline), headline figures, the
province table and coverage and handover over time."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from dash import Input, Output, Patch, State, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from dashboard import components as C
from dashboard import queries
from dashboard.auth_seam import current_scope
from dashboard.i18n import t
from dashboard.pages.common import (
    as_of_from,
    place_columns,
    place_hover,
    place_rows,
    recolour,
    register_spread,
    spread_values,
)
from dashboard.urls import View, parse


def _map(db, scope, view: View, rows: list[dict]):
    """Gives (figure, mode, codes, notice): provinces where boundaries are loaded, else city points."""
    lang, measure = view.lang, view.measure
    if any(r["has_boundary"] for r in rows):
        fc = queries.province_shapes(db, scope)
        codes = [f["id"] for f in fc["features"]]
        by_code = {r["code"]: r for r in rows}
        z = [C.measure_value(by_code[c], measure) for c in codes]
        hover = place_hover([by_code[c] for c in codes], lang)
        return C.choropleth_map(fc, codes, z, hover, measure, lang), "polygons", codes, None
    cities = [c for c in _point_rows(db, scope, view.day, rows) if c["lon"] is not None]
    outline = queries.outline()
    fig = C.point_map(
        cities,
        [C.measure_value(c, measure) for c in cities],
        C.point_sizes([c["neighborhoods"] for c in cities]),
        place_hover(cities, lang),
        measure,
        lang,
        layers=C.outline_layers(outline),
        extent=C._fc_points(outline) if outline else None,
    )
    kind = "no_boundaries_provinces" if _point_kind(scope) == "province" else "no_boundaries"
    notice = t(kind, lang) + ("" if outline else " " + t("no_outline", lang))
    return fig, "points", [c["code"] for c in cities], notice


def _point_rows(db, scope, day, province_rows: list[dict]) -> list[dict]:
    """Gives the points of the national map without polygons: cities for those who see every city's
    detail; provinces (at their label points) for a provincial user, whose national picture is made
    of per-province aggregates."""
    if scope.role == "provincial":
        return province_rows
    return queries.coverage_cities(db, scope, day)


def _point_kind(scope) -> str:
    return "province" if scope.role == "provincial" else "city"


def layout(view: View, **_):
    db, scope, lang = queries.database(), current_scope(), view.lang
    rows = queries.coverage_provinces(db, scope, view.day)
    acts = queries.national_overdue(db, scope, view.day)
    fig, mode, codes, notice = _map(db, scope, view, rows)
    head = queries.headline(db, scope, view.day, rows=rows, action_rows=acts)
    overdue = queries.overdue_by(acts, "province_code")
    return html.Div(
        [
            C.filter_bar(
                view,
                lang,
                queries.province_options(db, scope),
                [],
                show=("province", "as_of"),
                page="national",
            ),
            # the day: what the table shows, so that a new date sends the rows that change only
            dcc.Store(
                id="nat-store",
                data={
                    "mode": mode,
                    "codes": codes,
                    "points": _point_kind(scope),
                    "day": view.day.isoformat(),
                },
            ),
            dcc.Store(id="nat-values"),  # what a new date changes besides the map: see spread_values
            html.Div(C.cards(head, lang), id="nat-cards", className="cards"),
            html.Div(
                [
                    C.panel(
                        t("national", lang),
                        C.measure_switch(view, lang, "national"),
                        html.P(notice, className="notice") if notice else None,
                        C.graph("nat-map", fig),
                    ),
                    C.panel(
                        t("over_time", lang),
                        C.graph(
                            "nat-timeline", C.timeline_figure(queries.timeline(db, scope, view.day), lang)
                        ),
                    ),
                ],
                className="grid2",
            ),
            C.panel(
                t("provinces_table", lang),
                C.table(
                    "nat-table",
                    place_columns(lang, "province"),
                    place_rows(rows, overdue, lang, "/province/", view),
                    lang,
                    page_size=31,
                    markdown_options={"link_target": "_self"},
                ),
            ),
            C.downloads(lang),
        ]
    )


def register(app) -> None:
    @app.callback(
        Output("nat-map", "figure"),
        Output("nat-values", "data"),
        Output("nat-store", "data"),
        Input(C.fid("measure", "national"), "value"),
        Input(C.fid("asof", "national"), "value"),
        State("nat-store", "data"),
        State("url", "search"),
        prevent_initial_call=True,
    )
    def recolour_national(measure, as_of_text, store, search):
        """Recolours the map for the measure / as-of day: sends values only (Patch), never the polygons;
        for a new day also the short values of the cards, table and timeline (see spread_values).
        The day is the one in the as-of box whatever changed: a measure switched before the answer to a
        new date came is this callback asked again, and Dash applies only its last answer."""
        view = parse(search)
        day = as_of_from(as_of_text, view)
        if day is None:
            raise PreventUpdate
        db, scope, lang = queries.database(), current_scope(), view.lang
        mode = store["mode"]
        prov_rows = queries.coverage_provinces(db, scope, day)
        rows = prov_rows if mode == "polygons" else _point_rows(db, scope, day, prov_rows)
        switched = ctx.triggered_id == C.fid("measure", "national")
        dated = day.isoformat() != store["day"]
        if not (switched or dated):
            raise PreventUpdate  # the day shown, entered again
        patch = recolour(mode, store["codes"], rows, measure, lang, values=dated)
        if not dated:
            return patch, no_update, no_update
        acts = queries.national_overdue(db, scope, day)
        head = queries.headline(db, scope, day, rows=prov_rows, action_rows=acts)
        now = replace(view, as_of=day)
        table = place_rows(prov_rows, queries.overdue_by(acts, "province_code"), lang, "/province/", now)
        timeline = queries.timeline(db, scope, day)
        was = dt.date.fromisoformat(store["day"])
        was_acts = queries.overdue_by(queries.national_overdue(db, scope, was), "province_code")
        shown = (
            place_rows(queries.coverage_provinces(db, scope, was), was_acts, lang, "/province/", view),
            queries.timeline(db, scope, was),
        )
        stored = Patch()
        stored["day"] = day.isoformat()
        return patch, spread_values(head, table, timeline, now, shown), stored

    register_spread(app, "nat")

    @app.callback(
        Output("url", "pathname", allow_duplicate=True),
        Input("nat-map", "clickData"),
        State("nat-store", "data"),
        prevent_initial_call=True,
    )
    def open_place(click, store):
        """Clicking a province opens its view (a city point, the city's)."""
        if not click or not click.get("points"):
            raise PreventUpdate
        point = click["points"][0]
        if store["mode"] == "polygons":
            return f"/province/{point['location']}"
        return f"/{store.get('points', 'city')}/{store['codes'][point['pointNumber']]}"
