"""`/province/<code>`: a province's cities on the map and in a table, its neighborhoods without an active
office, and its offices due for handover."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from dash import Input, Output, Patch, State, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from dashboard import components as C
from dashboard import i18n, queries
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
from dashboard.table_patch import rows_patch
from dashboard.urls import View, parse


def _uncovered_rows(rows: list[dict], lang: str) -> list[dict]:
    return [
        {
            "id": r["code"],
            "name": i18n.name(r, lang),
            "city": i18n.name(r, lang, "city_"),
            "kinds": "، ".join(t(f"k_{k}", lang) for k in r["kinds"])
            if lang == "fa"
            else ", ".join(t(f"k_{k}", lang) for k in r["kinds"]),
            "area_ha": round(r["area_ha"] or 0, 1),
            "population": r["population"],
            "status": t(f"s_{r['status']}", lang),
        }
        for r in rows
    ]


def _due_rows(rows: list[dict], lang: str) -> list[dict]:
    return [
        {
            "id": r["code"],
            "name": i18n.name(r, lang),
            "city": i18n.name(r, lang, "city_"),
            "state": t(f"s_{r['state']}", lang),
            "since": i18n.date(r["state_since"], lang),
            "due_on": i18n.date(r["due_on"], lang) or "—",
        }
        for r in rows
    ]


MAX_ROWS = 300  # per list on screen: a province can have thousands of neighborhoods without an office


def _note(rows: list[dict], lang: str) -> str:
    """Gives '300 of 3,456 shown' when a list is cut, else its count."""
    if len(rows) > MAX_ROWS:
        return f"{i18n.num(MAX_ROWS, lang)} / {i18n.num(len(rows), lang)}"
    return f"{t('total', lang)}: {i18n.num(len(rows), lang)}"


UNCOVERED_COLS = [
    ("name", "name"),
    ("city", "city"),
    ("kinds", "kinds"),
    ("area_ha", "area_ha"),
    ("population", "population"),
    ("status", "status"),
]
DUE_COLS = [
    ("name", "office"),
    ("city", "city"),
    ("state", "state"),
    ("since", "since"),
    ("due_on", "due_on"),
]


def _cols(spec, lang):
    numeric = {"area_ha": 1, "population": 0}
    return [
        C.column(k, t(label, lang), "numeric" if k in numeric else "text", numeric.get(k, 0))
        for k, label in spec
    ]


def layout(view: View, code: str):
    db, scope, lang, day = queries.database(), current_scope(), view.lang, view.day
    place = queries.place_of(db, scope, "province", code)
    rows = queries.coverage_cities(db, scope, day, province=code)
    located = [r for r in rows if r["lon"] is not None]
    acts = queries.overdue_counts(db, scope, day, province=code)
    shape = queries.province_shapes(db, scope, province=code)
    fig = C.point_map(
        located,
        [C.measure_value(r, view.measure) for r in located],
        C.point_sizes([r["neighborhoods"] for r in located]),
        place_hover(located, lang),
        view.measure,
        lang,
        layers=C.outline_layers(shape if shape["features"] else None),
        extent=(C._fc_points(shape) if shape["features"] else None) or None,
    )
    head = queries.headline(db, scope, day, province=code, rows=rows, action_rows=acts)
    uncovered = queries.uncovered_neighborhoods(db, scope, code, day, view.kind)
    due = queries.offices_due_handover(db, scope, code, day)
    uncovered_rows, due_rows = _list_rows(uncovered, due, lang)
    cities = queries.city_options(db, scope, code)
    return html.Div(
        [
            html.H2(f"{t('province', lang)} {i18n.name(place, lang)}"),
            C.filter_bar(
                replace(view, province=code),
                lang,
                queries.province_options(db, scope),
                cities,
                show=("province", "city", "kind", "as_of"),
                page="province",
            ),
            # day and kind: what the lists show, so that a new date sends their differences only
            dcc.Store(
                id="prov-store",
                data={
                    "code": code,
                    "codes": [r["code"] for r in located],
                    "day": day.isoformat(),
                    "kind": view.kind,
                },
            ),
            dcc.Store(id="prov-values"),  # what a new date changes besides the map: see spread_values
            html.Div(C.cards(head, lang), id="prov-cards", className="cards"),
            html.Div(
                [
                    C.panel(
                        t("cities", lang), C.measure_switch(view, lang, "province"), C.graph("prov-map", fig)
                    ),
                    C.panel(
                        t("over_time", lang),
                        C.graph(
                            "prov-timeline",
                            C.timeline_figure(queries.timeline(db, scope, day, province=code), lang),
                        ),
                    ),
                ],
                className="grid2",
            ),
            C.panel(
                t("cities_table", lang),
                C.table(
                    "prov-table",
                    place_columns(lang, "city"),
                    place_rows(rows, queries.overdue_by(acts, "city_code"), lang, "/city/", view),
                    lang,
                    markdown_options={"link_target": "_self"},
                ),
            ),
            html.Div(
                [
                    C.panel(
                        t("uncovered", lang),
                        C.table(
                            "prov-uncovered",
                            _cols(UNCOVERED_COLS, lang),
                            uncovered_rows,
                            lang,
                        ),
                        html.P(_note(uncovered, lang), id="prov-uncovered-note", className="notice"),
                    ),
                    C.panel(
                        t("due_handover", lang),
                        C.table("prov-due", _cols(DUE_COLS, lang), due_rows, lang),
                        html.P(_note(due, lang), id="prov-due-note", className="notice"),
                    ),
                ],
                className="grid2",
            ),
            C.downloads(lang),
        ]
    )


def _list_rows(uncovered: list[dict], due: list[dict], lang: str) -> tuple[list[dict], list[dict]]:
    """Gives the rows of both lists as shown: neighborhoods without an office, offices due for handover."""
    return _uncovered_rows(uncovered[:MAX_ROWS], lang), _due_rows(due[:MAX_ROWS], lang)


def _list_changes(db, scope, code: str, store: dict, new: tuple, lang: str) -> tuple:
    """Gives both lists for the new day as their differences from what the page shows (the day and
    kind in the store), when it says which: a day later a few rows change, not 300."""
    if not store.get("day"):
        return new
    was = dt.date.fromisoformat(store["day"])
    old = _list_rows(
        queries.uncovered_neighborhoods(db, scope, code, was, store.get("kind")),
        queries.offices_due_handover(db, scope, code, was),
        lang,
    )
    return tuple(rows_patch(o, n) for o, n in zip(old, new, strict=True))


def register(app) -> None:
    @app.callback(
        Output("prov-map", "figure"),
        Output("prov-values", "data"),
        Output("prov-uncovered", "data"),
        Output("prov-due", "data"),
        Output("url", "search", allow_duplicate=True),
        Output("prov-uncovered-note", "children"),
        Output("prov-due-note", "children"),
        Output("prov-store", "data"),
        Input(C.fid("measure", "province"), "value"),
        Input(C.fid("asof", "province"), "value"),
        Input(C.fid("kind", "province"), "value"),
        State("prov-store", "data"),
        State("url", "search"),
        prevent_initial_call=True,
    )
    def recolour_province(measure, as_of_text, kind, store, search):
        """Recolours the city points for the measure / as-of day (values only; the cards, city table and
        timeline by short values, see spread_values) and refreshes the lists of neighborhoods and offices."""
        view = parse(search)
        day = as_of_from(as_of_text, view)
        if day is None:
            raise PreventUpdate
        db, scope, lang, code = queries.database(), current_scope(), view.lang, store["code"]
        rows = queries.coverage_cities(db, scope, day, province=code)
        switched = ctx.triggered_id == C.fid("measure", "province")
        patch = recolour("points", store["codes"], rows, measure, lang, values=not switched)
        if switched:
            return (patch, *[no_update] * 3, view.query(measure=measure), *[no_update] * 3)
        acts = queries.overdue_counts(db, scope, day, province=code)
        head = queries.headline(db, scope, day, province=code, rows=rows, action_rows=acts)
        uncovered = queries.uncovered_neighborhoods(db, scope, code, day, kind)
        due = queries.offices_due_handover(db, scope, code, day)
        now = replace(view, as_of=day, kind=kind)
        table = place_rows(rows, queries.overdue_by(acts, "city_code"), lang, "/city/", now)
        timeline = queries.timeline(db, scope, day, province=code)
        lists = _list_changes(db, scope, code, store, _list_rows(uncovered, due, lang), lang)
        shown = Patch()
        shown["day"], shown["kind"] = day.isoformat(), kind
        return (
            patch,
            spread_values(head, table, timeline, now),
            *lists,
            no_update,
            _note(uncovered, lang),
            _note(due, lang),
            shown,
        )

    register_spread(app, "prov")

    @app.callback(
        Output("url", "pathname", allow_duplicate=True),
        Input("prov-map", "clickData"),
        State("prov-store", "data"),
        prevent_initial_call=True,
    )
    def open_city(click, store):
        if not click or not click.get("points"):
            raise PreventUpdate
        return f"/city/{store['codes'][click['points'][0]['pointNumber']]}"
