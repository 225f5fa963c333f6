"""`/province/<code>`: a province's cities on the map and in a table, its neighborhoods without an active
office, and its offices due for handover (long lists: the database sorts and pages them)."""

from __future__ import annotations

import re
from dataclasses import replace

from dash import ALL, Input, Output, Patch, State, html
from dash.exceptions import PreventUpdate

from dashboard import components as C
from dashboard import controls, grids, i18n, maps, queries, shapes
from dashboard.auth_seam import current_scope
from dashboard.callbacks import callback
from dashboard.grids import Col, Listing
from dashboard.i18n import t
from dashboard.pages.common import (
    HOOD_FACTS,
    as_of_from,
    late,
    place_cols,
    place_panels,
    place_points,
    place_records,
    place_totals,
)
from dashboard.urls import View, parse

ROUTE = re.compile(r"^/province/(?P<code>IR-\d\d)/?$")
MENU = "national"
FILTERS_IN_PLACE = False


PLACES = ("province",)


def place_href(row: dict, view: View) -> str:
    """Gives the link to a province's view (a search result's)."""
    return f"/province/{row['code']}{view.query()}"


def brief_of(code: str, **_) -> str:
    """The header offers the province's meeting brief."""
    return code


def depends_on(code: str, **_) -> str:
    """The view shows one province's data: a state recorded elsewhere leaves its kept page."""
    return code


COLS = place_cols("city")


def _city(r: dict, view: View) -> dict:
    """A city as the table shows it: its name a link to its view (keeping the filters)."""
    return place_records([r], {r["code"]: r["overdue"]}, view.lang, "/city/", view)[0]


def _named(r: dict, lang: str) -> dict:
    """The cells a row of either long list opens with: its id, its name and its city's."""
    return {"id": r["code"], "name": i18n.name(r, lang), "city": i18n.name(r, lang, "city_")}


def _uncovered(r: dict, view: View) -> dict:
    lang = view.lang
    return {
        **_named(r, lang),
        "kinds": i18n.kinds(r["kinds"], lang),
        "area_ha": r["area_ha"] or 0,
        "population": r["population"],
        "status": t(f"s_{r['status']}", lang),
        "code": r["code"],
    }


def _due(r: dict, view: View) -> dict:
    lang = view.lang
    return {
        **_named(r, lang),
        "state": t(f"s_{r['state']}", lang),
        "since": r["state_since"],
        "due_on": r["due_on"],
        "late": late(r, lang),
        "overdue_flag": 1 if r["overdue"] else 0,
        "code": r["code"],
    }


LISTS = {
    # a province can have many cities: the table is a long list too, its totals row pinned below
    "prov-table": Listing(
        lambda db, scope, code, day, kind, **page: queries.city_table(db, scope, code, day, kind, **page),
        _city,
        COLS,
        totalled=True,
    ),
    "prov-uncovered": Listing(
        lambda db, scope, code, day, kind, **page: queries.uncovered_neighborhoods(
            db, scope, code, day, kind, **page
        ),
        _uncovered,
        (
            Col("name", "name"),
            Col("city", "city"),
            *HOOD_FACTS,
            Col("status", "status"),
            Col("code", "code"),
        ),
    ),
    "prov-due": Listing(
        lambda db, scope, code, day, kind, **page: queries.offices_due_handover(
            db, scope, code, day, kind, **page
        ),
        _due,
        (
            Col("name", "office"),
            Col("late", "handover_late", sortable=False, flagged=True),  # beside the name: in sight
            Col("city", "city"),
            Col("state", "state"),
            Col("since", "since", date=True),
            Col("due_on", "due_on", date=True),
            Col("code", "code"),
        ),
    ),
}
grids.LISTS.update(LISTS)


def _parts(view: View, code: str) -> dict:
    """Gives what the filters decide on the view (the layout and every change build it here)."""
    db, scope, lang, day = queries.database(), current_scope(), view.lang, view.day
    rows = queries.coverage_cities(db, scope, day, province=code, kind=view.kind)
    located = [r for r in rows if r["lon"] is not None]
    acts = queries.overdue_counts(db, scope, day, province=code)
    shape = shapes.province_shapes(db, scope, province=code)
    # the province's outline over its neighbours (faint); its cities' names, the biggest first
    layers = maps.neighbour_layers(shapes.province_neighbours(db, scope, code))
    layers += maps.outline_layers(shape if shape["features"] else None, width=2.0)
    named = sorted(located, key=lambda r: -(r["neighborhoods"] or 0))
    fitted = maps.fit(shapes.place_bounds(db, scope, "province", code))
    fig = place_points(located, view, fitted, layers, labels=[maps.label_trace(named, lang)])
    head = queries.headline(db, scope, day, province=code, rows=rows, action_rows=acts)
    records = place_records(rows, queries.overdue_by(acts, "city_code"), lang, "/city/", view)
    return {
        "map": fig,
        "head": head,
        "totals": place_totals(rows, records, lang),
        "timeline": C.timeline_figure(queries.timeline(db, scope, day, province=code), lang),
    }


def layout(view: View, code: str):
    db, scope, lang = queries.database(), current_scope(), view.lang
    place = queries.place_of(db, scope, "province", code)
    p = _parts(view, code)
    return html.Div(
        [
            *controls.view_top(
                f"{t('province', lang)} {i18n.name(place, lang)}",
                replace(view, province=code),
                "province",
                ("province", "city", "kind", "as_of"),
            ),
            *place_panels(
                "prov",
                "province",
                ("cities", "cities_table"),
                view,
                p,
                [
                    html.P(t("lagging_first", lang), className="notice order-rule"),
                    grids.list_panel("prov-table", code, view, totals=p["totals"]),
                ],
                code,
            ),
            html.Div(
                [
                    controls.panel(t("uncovered", lang), grids.list_panel("prov-uncovered", code, view)),
                    controls.panel(
                        t("due_handover", lang),
                        html.P(t("overdue_rule", lang), className="notice overdue-rule"),
                        grids.list_panel("prov-due", code, view),
                    ),
                ],
                className="grid2",
            ),
            controls.downloads(lang),
        ]
    )


@callback(
    Output("prov-map", "figure"),
    *controls.card_outputs(),
    Output({"list": "prov-table", "place": ALL, "of": "grid"}, "dashGridOptions"),
    Output("prov-timeline", "figure"),
    *(out for name in LISTS for out in grids.list_outputs(name)),
    *controls.filter_inputs("province", "measure", "asof", "kind"),
    State("url", "pathname"),
    State("url", "search"),
    prevent_initial_call=True,
)
def show_province(measure, as_of_text, kind, pathname, search):
    """Brings the view to its filters: the map's and the timeline's values (never geometry), the cards,
    the city table's totals row (a Patch of its grid's options: the rest stays), and the view each
    table's rows are of, with its length: the grids stay, with their order and page, and ask the
    database again for the rows they show. The day is the one in the box whatever changed."""
    view = parse(search)
    day = as_of_from(as_of_text, view)
    m = ROUTE.match(pathname or "")
    if day is None or not m:
        raise PreventUpdate
    now = replace(view, as_of=day, measure=measure, kind=kind if kind in queries.KINDS else None)
    p, lang = _parts(now, m["code"]), view.lang
    options = Patch()
    options["pinnedBottomRowData"] = grids.list_totals(COLS, p["totals"], lang)
    return (
        C.values_patch(p["map"]),
        *controls.card_values(p["head"], lang),
        [options],
        C.timeline_patch(p["timeline"]),
        *(x for name in LISTS for x in grids.list_answer(name, m["code"], now)),
    )


@callback(
    Output("url", "pathname", allow_duplicate=True),
    Input("prov-map", "clickData"),
    prevent_initial_call=True,
)
def open_city(click):
    return f"/city/{C.clicked(click)['id']}"
