"""`/province/<code>`: a province's cities on the map and in a table, its neighborhoods without an active
office, and its offices due for handover."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace

from dash import Input, Output, Patch, State, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from dashboard import components as C
from dashboard import i18n, paging, queries
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
from dashboard.paging import SortKey, page_count, page_of
from dashboard.table_patch import rows_patch
from dashboard.urls import View, parse


def _kinds(r: dict, lang: str) -> str:
    return ("، " if lang == "fa" else ", ").join(t(f"k_{k}", lang) for k in r["kinds"])


def _uncovered_rows(rows: list[dict], lang: str) -> list[dict]:
    return [
        {
            "id": r["code"],
            "name": i18n.name(r, lang),
            "city": i18n.name(r, lang, "city_"),
            "kinds": _kinds(r, lang),
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


def _by_name(prefix: str = ""):
    """Gives the sort key of a name column: Persian alphabetical order (ranked by the database's ICU
    collation) in Persian, the English name's in English."""
    rank = f"{prefix or 'name_'}order"
    return lambda r, lang: r[rank] if lang == "fa" else i18n.name(r, lang, prefix).casefold()


@dataclass(frozen=True)
class Listing:
    """One of the province's two lists: its rows on a day, how they show, and what sorts them."""

    query: Callable[..., list[dict]]  # (db, scope, province, day, kind) -> the whole list on that day
    shown: Callable[[list[dict], str], list[dict]]
    columns: tuple[tuple[str, str], ...]  # (column id, label key)
    keys: dict[str, SortKey]


LISTS = {
    "uncovered": Listing(
        lambda db, scope, code, day, kind: queries.uncovered_neighborhoods(db, scope, code, day, kind),
        _uncovered_rows,
        (
            ("name", "name"),
            ("city", "city"),
            ("kinds", "kinds"),
            ("area_ha", "area_ha"),
            ("population", "population"),
            ("status", "status"),
        ),
        {
            "name": _by_name(),
            "city": _by_name("city_"),
            "kinds": _kinds,
            "area_ha": lambda r, lang: r["area_ha"],
            "population": lambda r, lang: r["population"],
            "status": lambda r, lang: t(f"s_{r['status']}", lang),
        },
    ),
    "due": Listing(
        lambda db, scope, code, day, kind: queries.offices_due_handover(db, scope, code, day),
        _due_rows,
        (("name", "office"), ("city", "city"), ("state", "state"), ("since", "since"), ("due_on", "due_on")),
        {
            "name": _by_name(),
            "city": _by_name("city_"),
            "state": lambda r, lang: t(f"s_{r['state']}", lang),
            "since": lambda r, lang: r["state_since"],
            "due_on": lambda r, lang: r["due_on"],
        },
    ),
}
FIRST_PAGE = {"page": 0, "sort": []}


def _note(total: int, lang: str) -> str:
    return f"{t('total', lang)}: {i18n.num(total, lang)}"


def _cols(spec, lang):
    numeric = {"area_ha": 1, "population": 0}
    return [
        C.column(k, t(label, lang), "numeric" if k in numeric else "text", numeric.get(k, 0))
        for k, label in spec
    ]


def _page(db, scope, code: str, name: str, state: dict, lang: str):
    """Gives list `name` as `state` (day, kind, each list's page and sort) says to show it: the page's
    rows, its number and the list's length."""
    listing, at = LISTS[name], state["lists"][name]
    rows = listing.query(db, scope, code, dt.date.fromisoformat(state["day"]), state["kind"])
    page, number = page_of(rows, at.get("page"), at.get("sort"), listing.keys, lang)
    return listing.shown(page, lang), number, len(rows)


def _list_panel(name: str, title: str, shown: list[dict], total: int, lang: str):
    return C.panel(
        t(title, lang),
        C.table(
            f"prov-{name}",
            _cols(LISTS[name].columns, lang),
            shown,
            lang,
            page_size=paging.PAGE_SIZE,
            page_action="custom",
            sort_action="custom",
            sort_mode="single",
            page_current=0,
            page_count=page_count(total),
        ),
        html.P(_note(total, lang), id=f"prov-{name}-note", className="notice"),
    )


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
    state = {"day": day.isoformat(), "kind": view.kind, "lists": {name: FIRST_PAGE for name in LISTS}}
    lists = {name: _page(db, scope, code, name, state, lang) for name in LISTS}
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
            # what the lists show (day, kind, each one's page and sort): a change sends their differences
            dcc.Store(
                id="prov-store",
                data={"code": code, "codes": [r["code"] for r in located], **state},
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
                    _list_panel("uncovered", "uncovered", lists["uncovered"][0], lists["uncovered"][2], lang),
                    _list_panel("due", "due_handover", lists["due"][0], lists["due"][2], lang),
                ],
                className="grid2",
            ),
            C.downloads(lang),
        ]
    )


def _list_changes(db, scope, code: str, name: str, was: dict, now: dict, lang: str):
    """Gives list `name` at state `now` as its differences from what the page shows, at `was` (a day
    later a few rows change, not a page), the page's number and the list's length."""
    new, number, total = _page(db, scope, code, name, now, lang)
    return rows_patch(_page(db, scope, code, name, was, lang)[0], new), number, total


def register(app) -> None:
    @app.callback(
        Output("prov-map", "figure"),
        Output("prov-values", "data"),
        *(Output(f"prov-{name}", "data", allow_duplicate=True) for name in LISTS),
        *(Output(f"prov-{name}", "page_current", allow_duplicate=True) for name in LISTS),
        *(Output(f"prov-{name}", "page_count") for name in LISTS),
        Output("url", "search", allow_duplicate=True),
        *(Output(f"prov-{name}-note", "children") for name in LISTS),
        Output("prov-store", "data", allow_duplicate=True),
        Input(C.fid("measure", "province"), "value"),
        Input(C.fid("asof", "province"), "value"),
        Input(C.fid("kind", "province"), "value"),
        State("prov-store", "data"),
        State("url", "search"),
        prevent_initial_call=True,
    )
    def recolour_province(measure, as_of_text, kind, store, search):
        """Recolours the city points for the measure / as-of day (values only; the cards, city table and
        timeline by short values, see spread_values) and shows the lists of neighborhoods and offices on
        that day from their first page."""
        view = parse(search)
        day = as_of_from(as_of_text, view)
        if day is None:
            raise PreventUpdate
        db, scope, lang, code = queries.database(), current_scope(), view.lang, store["code"]
        rows = queries.coverage_cities(db, scope, day, province=code)
        switched = ctx.triggered_id == C.fid("measure", "province")
        patch = recolour("points", store["codes"], rows, measure, lang, values=False)  # hovers: places()
        if switched:
            return (patch, *[no_update] * 7, view.query(measure=measure), *[no_update] * 3)
        acts = queries.overdue_counts(db, scope, day, province=code)
        head = queries.headline(db, scope, day, province=code, rows=rows, action_rows=acts)
        now = replace(view, as_of=day, kind=kind)
        table = place_rows(rows, queries.overdue_by(acts, "city_code"), lang, "/city/", now)
        timeline = queries.timeline(db, scope, day, province=code)
        # a new day or kind shows each list from its first page, in the order the user chose
        shown = {**store, "day": day.isoformat(), "kind": kind}
        shown["lists"] = {name: {**at, "page": 0} for name, at in store["lists"].items()}
        lists = {name: _list_changes(db, scope, code, name, store, shown, lang) for name in LISTS}
        was = dt.date.fromisoformat(store["day"])
        was_rows = queries.coverage_cities(db, scope, was, province=code)
        was_acts = queries.overdue_by(queries.overdue_counts(db, scope, was, province=code), "city_code")
        was_table = place_rows(was_rows, was_acts, lang, "/city/", view)
        stored = Patch()
        stored["day"], stored["kind"], stored["lists"] = shown["day"], kind, shown["lists"]
        return (
            patch,
            spread_values(head, table, timeline, now, was_table, hover=True),
            *(lists[name][0] for name in LISTS),
            *(no_update if store["lists"][name]["page"] == 0 else 0 for name in LISTS),
            *(page_count(lists[name][2]) for name in LISTS),
            no_update,
            *(_note(lists[name][2], lang) for name in LISTS),
            stored,
        )

    for name in LISTS:
        _register_paging(app, name)

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


def _register_paging(app, name: str) -> None:
    """Registers the server's half of paging and sorting list `name`: the rows of the page asked for,
    as their differences from the page shown."""

    @app.callback(
        Output(f"prov-{name}", "data", allow_duplicate=True),
        Output(f"prov-{name}", "page_current", allow_duplicate=True),
        Output("prov-store", "data", allow_duplicate=True),
        Input(f"prov-{name}", "page_current"),
        Input(f"prov-{name}", "sort_by"),
        State("prov-store", "data"),
        State("url", "search"),
        prevent_initial_call=True,
    )
    def turn_page(asked, sort_by, store, search):
        was, sort_by = store["lists"][name], sort_by or []
        page = asked if sort_by == was["sort"] else 0  # a new order starts from its first page
        if {"page": page, "sort": sort_by} == was:
            raise PreventUpdate  # shown already (e.g. the first page a new date set)
        db, scope, lang = queries.database(), current_scope(), parse(search).lang
        now = {**store, "lists": {**store["lists"], name: {"page": page, "sort": sort_by}}}
        rows, number, _ = _list_changes(db, scope, store["code"], name, store, now, lang)
        stored = Patch()
        stored["lists"][name] = {"page": number, "sort": sort_by}
        return rows, (no_update if number == asked else number), stored
