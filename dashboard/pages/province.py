"""`/province/<code>`: a province's cities on the map and in a table, its neighborhoods without an active
office, and its offices due for handover."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace

from dash import ClientsideFunction, Input, Output, State, ctx, dcc, html, no_update
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
from dashboard.row_changes import rows_changes
from dashboard.urls import View, parse


def _sep(lang: str) -> str:
    return "، " if lang == "fa" else ", "  # between a neighborhood's kinds


def _words(lang: str) -> dict:
    """Gives the words a list's rows are shown with (Listing.shown here, regen.lists in
    assets/recolour.js): sent once with the view, so that a new date or page sends codes and numbers."""
    return {
        "s": {s: t(f"s_{s}", lang) for s in C.OFFICE_STATES},
        "k": {k: t(f"k_{k}", lang) for k in queries.KINDS},
        "sep": _sep(lang),
        "total": t("total", lang),
        "fa": lang == "fa",
    }


def _uncovered_wire(r: dict, lang: str) -> list:
    return [
        r["code"],
        i18n.name(r, lang),
        i18n.name(r, lang, "city_"),
        list(r["kinds"]),
        round(r["area_ha"] or 0, 1),
        r["population"],
        r["status"],
    ]


def _uncovered_shown(w: list, words: dict) -> dict:
    code, name, city, kinds, area_ha, population, status = w
    return {
        "id": code,
        "name": name,
        "city": city,
        "kinds": words["sep"].join(words["k"].get(k, k) for k in kinds),
        "area_ha": area_ha,
        "population": population,
        "status": words["s"][status],
    }


def _due_wire(r: dict, lang: str) -> list:
    return [
        r["code"],
        i18n.name(r, lang),
        i18n.name(r, lang, "city_"),
        r["state"],
        i18n.date_number(r["state_since"]),
        i18n.date_number(r["due_on"]),
    ]


def _due_shown(w: list, words: dict) -> dict:
    code, name, city, state, since, due_on = w
    lang = "fa" if words["fa"] else "en"
    return {
        "id": code,
        "name": name,
        "city": city,
        "state": words["s"][state],
        "since": i18n.number_date(since, lang),
        "due_on": i18n.number_date(due_on, lang) or "—",
    }


def _by_name(prefix: str = ""):
    """Gives the sort key of a name column: Persian alphabetical order (ranked by the database's ICU
    collation) in Persian, the English name's in English."""
    rank = f"{prefix or 'name_'}order"
    return lambda r, lang: r[rank] if lang == "fa" else i18n.name(r, lang, prefix).casefold()


@dataclass(frozen=True)
class Listing:
    """One of the province's two lists: its rows on a day, how they travel and show, what sorts them."""

    query: Callable[..., list[dict]]  # (db, scope, province, day, kind) -> the whole list on that day
    wire: Callable[[dict, str], list]  # a row as it travels: codes and numbers, the id first
    shown: Callable[[list, dict], dict]  # a travelled row as the table shows it (regen.lists mirrors it)
    columns: tuple[tuple[str, str], ...]  # (column id, label key)
    keys: dict[str, SortKey]


LISTS = {
    "uncovered": Listing(
        lambda db, scope, code, day, kind: queries.uncovered_neighborhoods(db, scope, code, day, kind),
        _uncovered_wire,
        _uncovered_shown,
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
            "kinds": lambda r, lang: _sep(lang).join(t(f"k_{k}", lang) for k in r["kinds"]),
            "area_ha": lambda r, lang: r["area_ha"],
            "population": lambda r, lang: r["population"],
            "status": lambda r, lang: t(f"s_{r['status']}", lang),
        },
    ),
    "due": Listing(
        lambda db, scope, code, day, kind: queries.offices_due_handover(db, scope, code, day),
        _due_wire,
        _due_shown,
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
    rows as they travel (Listing.wire), its number and the list's length."""
    listing, at = LISTS[name], state["lists"][name]
    rows = listing.query(db, scope, code, dt.date.fromisoformat(state["day"]), state["kind"])
    page, number = page_of(rows, at.get("page"), at.get("sort"), listing.keys, lang)
    return [listing.wire(r, lang) for r in page], number, len(rows)


def _list_panel(name: str, title: str, page: list[list], total: int, lang: str):
    words = _words(lang)
    return C.panel(
        t(title, lang),
        C.table(
            f"prov-{name}",
            _cols(LISTS[name].columns, lang),
            [LISTS[name].shown(w, words) for w in page],
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
            # what the lists show (day, kind, each one's page and sort; the words of their rows): a change
            # sends their differences
            dcc.Store(
                id="prov-store",
                data={"code": code, "codes": [r["code"] for r in located], **state, "words": _words(lang)},
            ),
            dcc.Store(id="prov-values"),  # what a new date changes besides the lists: see spread_values
            dcc.Store(id="prov-lists"),  # what a new date or page changes in the lists: see _list_changes
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


def _list_changes(db, scope, code: str, name: str, was: dict, now: dict, lang: str) -> dict:
    """Gives list `name` at state `now` for regen.lists (assets/recolour.js): the page's rows as their
    differences from what the page shows, at `was` (a day later a few rows change, not a page; see
    rows_changes), the page's number `p` and order `s`, the list's length `n` and pages `c`."""
    new, number, total = _page(db, scope, code, name, now, lang)
    old = _page(db, scope, code, name, was, lang)[0]
    at = {"p": number, "s": now["lists"][name]["sort"], "n": total, "c": page_count(total)}
    return {**at, **rows_changes(old, new)}


def _day_values(db, scope, code: str, view: View, day: dt.date, kind, rows: list[dict], store: dict, measure):
    """Gives what a new day or kind changes besides the lists, as short values (spread_values): the
    cards, the city table's changed cells and the timeline's new points, from which the browser also
    recolours the map (the measure's colours) — against what the page shows, on the store's day."""
    acts = queries.overdue_counts(db, scope, day, province=code)
    head = queries.headline(db, scope, day, province=code, rows=rows, action_rows=acts)
    now = replace(view, as_of=day, kind=kind)
    table = place_rows(rows, queries.overdue_by(acts, "city_code"), view.lang, "/city/", now)
    timeline = queries.timeline(db, scope, day, province=code)
    was = dt.date.fromisoformat(store["day"])
    was_rows = queries.coverage_cities(db, scope, was, province=code)
    was_acts = queries.overdue_by(queries.overdue_counts(db, scope, was, province=code), "city_code")
    shown = (
        place_rows(was_rows, was_acts, view.lang, "/city/", view),
        queries.timeline(db, scope, was, province=code),
    )
    return spread_values(head, table, timeline, now, shown, measure)


def register(app) -> None:
    @app.callback(
        Output("prov-map", "figure"),
        Output("prov-values", "data"),
        Output("prov-lists", "data"),
        *(Output(f"prov-{name}", "page_current") for name in LISTS),
        Input(C.fid("measure", "province"), "value"),
        Input(C.fid("asof", "province"), "value"),
        Input(C.fid("kind", "province"), "value"),
        *(Input(f"prov-{name}", "page_current") for name in LISTS),
        *(Input(f"prov-{name}", "sort_by") for name in LISTS),
        State("prov-store", "data"),
        State("url", "search"),
        prevent_initial_call=True,
    )
    def show_province(measure, as_of_text, kind, *rest):
        """Brings the view to what its inputs ask (measure, as-of day, kind, each list's page and order)
        from what it shows (the store). One callback for all of them: when a change comes before the
        answer to the one before, Dash applies only the last answer, and each answer is computed from
        what the page showed when it was asked — so no list's differences land on another page, and no
        measure's colours on another day's view.
        A new measure: a Patch of the points' colours. A new day or kind: short values, from which the
        browser recolours the map, cards, table and timeline (_day_values), and each list from its first
        page. A new page or order of a list: that page's differences (_list_changes)."""
        n = len(LISTS)
        pages, orders, (store, search) = rest[:n], rest[n : 2 * n], rest[2 * n :]
        view = parse(search)
        day = as_of_from(as_of_text, view)
        if day is None:
            raise PreventUpdate
        switched = ctx.triggered_id == C.fid("measure", "province")
        dated = (day.isoformat(), kind) != (store["day"], store["kind"])
        wanted = {}
        for name, page, sort_by in zip(LISTS, pages, orders, strict=True):
            sort_by = sort_by or []
            restart = dated or sort_by != store["lists"][name]["sort"]  # a new order: its first page
            wanted[name] = {"page": 0 if restart else int(page or 0), "sort": sort_by}
        moved = [name for name in LISTS if dated or wanted[name] != store["lists"][name]]
        if not (switched or moved):
            raise PreventUpdate  # shown already (e.g. the first page a new date set)
        db, scope, lang, code = queries.database(), current_scope(), view.lang, store["code"]
        rows = queries.coverage_cities(db, scope, day, province=code)
        now = {**store, "day": day.isoformat(), "kind": kind, "lists": wanted}
        lists = {name: _list_changes(db, scope, code, name, store, now, lang) for name in moved}
        sent = {"lists": lists, **({"day": now["day"], "kind": kind} if dated else {})}
        return (
            recolour("points", store["codes"], rows, measure, lang, values=False) if switched else no_update,
            _day_values(db, scope, code, view, day, kind, rows, store, measure) if dated else no_update,
            sent if moved else no_update,
            *(
                no_update if name not in lists or lists[name]["p"] == (page or 0) else lists[name]["p"]
                for name, page in zip(LISTS, pages, strict=True)
            ),
        )

    register_spread(app, "prov")
    app.clientside_callback(  # the lists' rows, pages, lengths and state from what the server sent
        ClientsideFunction("regen", "lists"),
        *(Output(f"prov-{name}", "data") for name in LISTS),
        *(Output(f"prov-{name}", "page_count") for name in LISTS),
        *(Output(f"prov-{name}-note", "children") for name in LISTS),
        Output("prov-store", "data", allow_duplicate=True),
        Input("prov-lists", "data"),
        State("prov-store", "data"),
        *(State(f"prov-{name}", "data") for name in LISTS),
        prevent_initial_call=True,
    )

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
