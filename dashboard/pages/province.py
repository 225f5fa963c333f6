"""`/province/<code>`: a province's cities on the map and in a table, its neighborhoods without an active
office, and its offices due for handover (long lists: the database sorts and pages them)."""

from __future__ import annotations

import re
from dataclasses import replace

from dash import Input, Output, State, html
from dash.exceptions import PreventUpdate

from dashboard import components as C
from dashboard import grids, i18n, queries
from dashboard.auth_seam import current_scope
from dashboard.callbacks import callback
from dashboard.grids import Col, Listing
from dashboard.i18n import t
from dashboard.pages.common import (
    as_of_from,
    place_answer,
    place_cols,
    place_hover,
    place_outputs,
    place_records,
)
from dashboard.urls import View, parse

ROUTE = re.compile(r"^/province/(?P<code>IR-\d\d)/?$")
MENU = "national"
FILTERS_IN_PLACE = False


def brief_of(code: str, **_) -> str:
    """The header offers the province's meeting brief."""
    return code


def depends_on(code: str, **_) -> str:
    """The view shows one province's data: a state recorded elsewhere leaves its kept page."""
    return code


COLS = place_cols("city")


def _uncovered(r: dict, lang: str) -> dict:
    return {
        "id": r["code"],
        "name": i18n.name(r, lang),
        "city": i18n.name(r, lang, "city_"),
        "kinds": i18n.kinds(r["kinds"], lang),
        "area_ha": r["area_ha"] or 0,
        "population": r["population"],
        "status": t(f"s_{r['status']}", lang),
    }


def _due(r: dict, lang: str) -> dict:
    return {
        "id": r["code"],
        "name": i18n.name(r, lang),
        "city": i18n.name(r, lang, "city_"),
        "state": t(f"s_{r['state']}", lang),
        "since": r["state_since"],
        "due_on": r["due_on"],
    }


LISTS = {
    "prov-uncovered": Listing(
        lambda db, scope, code, day, kind, **page: queries.uncovered_neighborhoods(
            db, scope, code, day, kind, **page
        ),
        _uncovered,
        (
            Col("name", "name"),
            Col("city", "city"),
            Col("kinds", "kinds", sortable=False),  # a list of kinds has no order
            Col("area_ha", "area_ha", 1),
            Col("population", "population", 0),
            Col("status", "status"),
        ),
    ),
    "prov-due": Listing(
        lambda db, scope, code, day, kind, **page: queries.offices_due_handover(db, scope, code, day, **page),
        _due,
        (
            Col("name", "office"),
            Col("city", "city"),
            Col("state", "state"),
            Col("since", "since", date=True),
            Col("due_on", "due_on", date=True),
        ),
    ),
}
grids.LISTS.update(LISTS)
TITLES = {"prov-uncovered": "uncovered", "prov-due": "due_handover"}


def _parts(view: View, code: str) -> dict:
    """Gives what the filters decide on the view (the layout and every change build it here)."""
    db, scope, lang, day = queries.database(), current_scope(), view.lang, view.day
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
        extent=(C.fc_points(shape) if shape["features"] else None) or None,
    )
    head = queries.headline(db, scope, day, province=code, rows=rows, action_rows=acts)
    return {
        "map": fig,
        "head": head,
        "records": place_records(rows, queries.overdue_by(acts, "city_code"), lang, "/city/", view),
        "timeline": C.timeline_figure(queries.timeline(db, scope, day, province=code), lang),
        **{name: grids.list_panel(name, code, view) for name in LISTS},
    }


def layout(view: View, code: str):
    db, scope, lang = queries.database(), current_scope(), view.lang
    place = queries.place_of(db, scope, "province", code)
    p = _parts(view, code)
    return html.Div(
        [
            html.H2(f"{t('province', lang)} {i18n.name(place, lang)}"),
            C.filter_bar(
                replace(view, province=code),
                lang,
                queries.province_options(db, scope),
                queries.city_options(db, scope, code),
                show=("province", "city", "kind", "as_of"),
                page="province",
            ),
            html.Div(C.cards(p["head"], lang), id="prov-cards", className="cards"),
            html.Div(
                [
                    C.panel(
                        t("cities", lang),
                        C.measure_switch(view, lang, "province"),
                        C.graph("prov-map", p["map"]),
                    ),
                    C.panel(t("over_time", lang), C.graph("prov-timeline", p["timeline"])),
                ],
                className="grid2",
            ),
            C.panel(t("cities_table", lang), grids.grid("prov-table", COLS, p["records"], lang)),
            html.Div(
                [C.panel(t(TITLES[name], lang), html.Div(p[name], id=f"{name}-box")) for name in LISTS],
                className="grid2",
            ),
            C.downloads(lang),
        ]
    )


@callback(
    *place_outputs("prov"),
    *(Output(f"{name}-box", "children") for name in LISTS),
    Input(C.fid("measure", "province"), "value"),
    Input(C.fid("asof", "province"), "value"),
    Input(C.fid("kind", "province"), "value"),
    State("url", "pathname"),
    State("url", "search"),
    prevent_initial_call=True,
)
def show_province(measure, as_of_text, kind, pathname, search):
    """Brings the view to its filters: the map's values (never geometry), cards, city table, timeline
    and each list from its first page, built as the layout builds them. The day is the one in the box
    whatever changed."""
    view = parse(search)
    day = as_of_from(as_of_text, view)
    m = ROUTE.match(pathname or "")
    if day is None or not m:
        raise PreventUpdate
    now = replace(view, as_of=day, measure=measure, kind=kind if kind in queries.KINDS else None)
    p = _parts(now, m["code"])
    return (*place_answer(p, COLS, view.lang), *(p[name] for name in LISTS))


@callback(
    Output("url", "pathname", allow_duplicate=True),
    Input("prov-map", "clickData"),
    prevent_initial_call=True,
)
def open_city(click):
    return f"/city/{C.clicked(click)['customdata'][-1]}"
