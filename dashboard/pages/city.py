"""`/city/<code>`: target-neighborhood polygons coloured by status, office points, tables of
neighborhoods and offices with their dates; clicking one shows its history."""

from __future__ import annotations

import re
from dataclasses import replace

from dash import ALL, Input, Output, Patch, State, ctx, dcc, html
from dash.exceptions import PreventUpdate

from dashboard import components as C
from dashboard import controls, grids, i18n, maps, queries, shapes
from dashboard.auth_seam import current_scope
from dashboard.callbacks import callback
from dashboard.grids import Col, Listing
from dashboard.i18n import t
from dashboard.pages.common import HOOD_FACTS, as_of_from, late
from dashboard.record import record_panel
from dashboard.urls import View, parse

ROUTE = re.compile(r"^/city/(?P<code>[^/]+)/?$")
MENU = "national"
FILTERS_IN_PLACE = False
PLACES = ("city", "neighborhood", "office")
SELECTED = "#1d4ed8"  # the selected neighborhood's outline and office's halo: no status colour is blue
LABELS = 60  # names sent at most: more would not fit on the map at the zoom that shows the city
OFFICE_DATES = ("planned_on", "established_on", "active_on", "handed_over_on")
HOOD_COLS = (
    Col("name", "name"),
    Col("status", "status"),
    *HOOD_FACTS,
    Col("offices", "offices"),
    Col("code", "code"),
)
OFFICE_COLS = (
    Col("name", "office"),
    Col("state", "state"),
    Col("late", "handover_late", sortable=False, flagged=True),
    Col("neighborhoods", "neighborhoods"),
    *(Col(k, k, date=True) for k in OFFICE_DATES),
    Col("due_on", "due_on", date=True),
    Col("code", "code"),
)


def place_href(row: dict, view: View) -> str:
    """Gives the link to a city's view, with a neighborhood or office selected on its map (a search
    result's): the URL says what is selected, so the view is a link."""
    if row["kind"] == "city":
        return f"/city/{row['code']}{view.query()}"
    return f"/city/{row['city_code']}{view.query(**{row['kind']: row['code']})}"


def _picked(fc: dict, offices: list[dict], view: View) -> tuple[dict | None, dict | None]:
    """Gives the neighborhood feature and the office the URL selects, each None unless of this city
    (a code of another city, or of none the user may see, selects nothing)."""
    hood = next((f for f in fc["features"] if f["id"] == view.neighborhood), None)
    office = next((o for o in offices if o["code"] == view.office), None)
    return hood, office


def selected(fc: dict, offices: list[dict], view: View) -> tuple[str, str] | None:
    """Gives (level, code) of what the URL selects on this city's map, or None."""
    hood, office = _picked(fc, offices, view)
    if hood:
        return "neighborhood", hood["id"]
    return ("office", office["code"]) if office else None


def _selection(fc: dict, offices: list[dict], view: View) -> list[dict]:
    """Gives the two traces that mark the selection, after the map's own: the neighborhood's outline
    drawn thick, a halo round the office; empty when nothing of this city is selected. They take no
    hover or click (the clicks read the traces before them)."""
    hood, office = _picked(fc, offices, view)
    outline = dict(
        type="choroplethmap",
        geojson={"type": "FeatureCollection", "features": [hood] if hood else []},
        locations=[hood["id"]] if hood else [],
        z=[1] if hood else [],
        featureidkey="id",
        below="",
        colorscale=[[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]],
        showscale=False,
        hoverinfo="skip",
        marker={"line": {"width": 4, "color": SELECTED}},
    )
    halo = dict(
        type="scattermap",
        lon=[office["lon"]] if office else [],
        lat=[office["lat"]] if office else [],
        mode="markers",
        hoverinfo="skip",
        marker={"size": 30, "color": SELECTED, "opacity": 0.45},
    )
    return [outline, halo]


def _centre(fig: dict, fc: dict, offices: list[dict], view: View) -> None:
    """Centres the map on the selection, close enough to see it among its neighbours."""
    hood, office = _picked(fc, offices, view)
    box = maps.fc_bounds(hood) if hood else (office["lon"], office["lat"]) * 2 if office else None
    if box:
        fit = maps.fit(
            box, maps.fit_box("status")
        )  # the extent that fits the selection alone; zoomed out for its neighbours
        fig["layout"]["map"]["center"] = fit["center"]
        fig["layout"]["map"]["zoom"] = max(fig["layout"]["map"].get("zoom", 10), min(fit["zoom"] - 1.5, 14))


def depends_on(code: str, **_) -> str:
    """The view shows one province's data (its city's): a state recorded elsewhere leaves its kept page."""
    return queries.place_of(queries.database(), current_scope(), "city", code)["province_code"]


def _template(text: str, lang: str) -> str:
    return (i18n.rtl(text) if lang == "fa" else text) + "<extra></extra>"


def _hood_hover(codes: list[str], all_hoods: list[dict], lang: str) -> dict:
    """Gives the neighborhoods' hover: name (text), status word (customdata)."""
    by_code = {h["code"]: h for h in all_hoods}
    return {
        "text": [i18n.name(by_code[c], lang) if c in by_code else "" for c in codes],
        "customdata": [t(f"s_{by_code[c]['status']}", lang) if c in by_code else "" for c in codes],
        "hovertemplate": _template("%{text} — %{customdata}", lang),
    }


def _office_hover(offices: list[dict], lang: str) -> dict:
    """Gives the offices' hover: name (text), state word, since when and the office's code (customdata,
    the code for a click)."""
    since = [i18n.date(o["state_since"], "en") for o in offices]
    return {
        "text": [i18n.name(o, lang) for o in offices],
        "customdata": [
            [t("s_" + o["state"], lang), f" ({t('since', lang)} {d})" if d else "", o["code"]]
            for o, d in zip(offices, since, strict=True)
        ],
        "hovertemplate": _template(
            f"{t('office', lang)} %{{text}} — %{{customdata[0]}}%{{customdata[1]}}", lang
        ),
    }


def _row(r: dict, lang: str, state: str, **fields) -> dict:
    """Gives a row of a city's lists: its id, name and state's word (`state`: its field) first, the
    list's own `fields`, its code last."""
    return {
        "id": r["code"],
        "name": i18n.name(r, lang),
        state: t(f"s_{r[state]}", lang),
        **fields,
        "code": r["code"],
    }


def _hood(r: dict, view: View) -> dict:
    return _row(
        r,
        view.lang,
        "status",
        kinds=i18n.kinds(r["kinds"], view.lang),
        area_ha=r["area_ha"] or 0,
        population=r["population"],
        offices=r["offices"] or "—",
    )


# a city can have hundreds of neighborhoods: a long list, which the database sorts and pages
grids.LISTS["city-hoods"] = Listing(
    lambda db, scope, code, day, kind, **page: queries.neighborhoods(db, scope, code, day, kind, **page),
    _hood,
    HOOD_COLS,
)


def _office(o: dict, view: View) -> dict:
    return _row(
        o,
        view.lang,
        "state",
        **{k: o[k] for k in OFFICE_DATES},
        neighborhoods=o["neighborhoods"] or "—",
        due_on=o["due_on"],
        late=late(o, view.lang),
        overdue_flag=1 if o["overdue"] else 0,
    )


# a city's offices: a long list too, paged and sorted by the database (a city change sends none of them)
grids.LISTS["city-offices"] = Listing(
    lambda db, scope, code, day, kind, **page: queries.city_offices(db, scope, code, day, kind, **page),
    _office,
    OFFICE_COLS,
)


def _parts(view: View, code: str, place: dict) -> dict:
    """Gives what the filters decide on the view (the layout and every change build it here)."""
    db, scope, lang, day = queries.database(), current_scope(), view.lang, view.day
    fc = shapes.neighborhood_shapes(db, scope, code)
    all_hoods = queries.neighborhoods(db, scope, code, day)
    hoods = [h for h in all_hoods if not view.kind or view.kind in h["kinds"]]
    offices = queries.city_offices(db, scope, code, day, lang=lang)  # on the map: every office
    codes = [f["id"] for f in fc["features"]]
    by_code = {h["code"]: h for h in hoods}
    boundary = shapes.city_shape(db, scope, code)
    layers = maps.outline_layers(
        {"type": "Feature", "geometry": boundary, "properties": {}} if boundary else None, width=2.0
    )
    fig = C.status_map(
        fc,
        codes,
        [by_code[c]["status"] if c in by_code else "none" for c in codes],
        _hood_hover(codes, all_hoods, lang),
        offices,
        _office_hover(offices, lang),
        C.Frame(
            lang,
            maps.fit(shapes.place_bounds(db, scope, "city", code), maps.fit_box("status")),
            layers,
            # the biggest neighborhoods' names: MapLibre drops a name that would cover one before it,
            # so a city of hundreds shows those that fit at each zoom, never a heap
            [maps.label_trace(shapes.neighborhood_labels(db, scope, code, LABELS), lang, size=10)],
        ),
    )
    # kind filter: polygons of other kinds are left uncoloured
    fig["data"][0]["z"] = [C.status_index(by_code[c]["status"]) if c in by_code else None for c in codes]
    fig["data"][2:2] = _selection(
        fc, offices, view
    )  # right after the polygons and the offices (select patches 2, 3)
    _centre(fig, fc, offices, view)
    # the cards and the offices list count what the map colours: the kind's neighborhoods and the
    # offices that serve them
    head = queries.headline(db, scope, day, province=place["province_code"], city=code, kind=view.kind)
    return {"map": fig, "head": head, "selected": selected(fc, offices, view)}


def layout(view: View, code: str):
    db, scope, lang = queries.database(), current_scope(), view.lang
    place = queries.place_of(db, scope, "city", code)
    p = _parts(view, code, place)
    return html.Div(
        [
            *controls.view_top(
                f"{t('city', lang)} {i18n.name(place, lang)}",
                replace(view, province=place["province_code"], city=code),
                "city",
                ("province", "city", "kind", "as_of"),
            ),
            html.Div(controls.cards(p["head"], lang), id="city-cards", className="cards"),
            html.Div(
                [
                    controls.panel(
                        t("neighborhoods", lang), C.graph("city-map", p["map"], lang, code, map_=True)
                    ),
                    controls.panel(
                        t("history", lang),
                        html.P(t("click_for_history", lang), className="notice"),
                        html.Div(
                            _history_panel(*p["selected"], lang) if p["selected"] else None,
                            id="city-history",
                        ),
                    ),
                ],
                className="grid2",
            ),
            controls.panel(
                t("neighborhoods", lang),
                html.Div(grids.list_panel("city-hoods", code, view), id="city-hoods-box"),
            ),
            controls.panel(
                t("offices", lang),
                html.P(t("overdue_rule", lang), className="notice overdue-rule"),
                html.Div(grids.list_panel("city-offices", code, view), id="city-offices-box"),
            ),
            dcc.Store(id="city-selected", data=_key(p["selected"])),  # what the map marks now
            record_panel(code, view.lang),  # recording progress (accounts issue); a note only for a viewer
            controls.downloads(lang),
        ]
    )


@callback(
    Output("city-map", "figure"),
    *controls.card_outputs(),
    *grids.list_outputs("city-hoods"),
    *grids.list_outputs("city-offices"),
    *controls.filter_inputs("city", "asof", "kind"),
    State("url", "pathname"),
    State("url", "search"),
    prevent_initial_call=True,
)
def show_city(as_of_text, kind, pathname, search):
    """Brings the view to its filters: the map's values (never its polygons), the cards, and the view
    the neighborhoods' and the offices' rows are of (the grids stay and ask the database again for the
    rows they show), built as the layout builds them."""
    view = parse(search)
    day = as_of_from(as_of_text, view)
    m = ROUTE.match(pathname or "")
    if day is None or not m:
        raise PreventUpdate
    db, scope = queries.database(), current_scope()
    place = queries.place_of(db, scope, "city", m["code"])
    now = replace(view, as_of=day, kind=kind if kind in queries.KINDS else None)
    p = _parts(now, m["code"], place)
    lang = view.lang
    return (
        C.values_patch(p["map"]),
        *controls.card_values(p["head"], lang),
        *grids.list_answer("city-hoods", m["code"], now),
        *grids.list_answer("city-offices", m["code"], now),
    )


@callback(
    Output("city-history", "children"),
    Input("city-map", "clickData"),
    Input({"list": "city-hoods", "place": ALL, "of": "grid"}, "cellClicked"),
    Input({"list": "city-offices", "place": ALL, "of": "grid"}, "cellClicked"),
    State("url", "search"),
    prevent_initial_call=True,
)
def show_history(click, hood_cells, office_cells, search):
    """Shows the dated history of the neighborhood or office clicked on the map or in a table."""
    lang = parse(search).lang
    trigger = ctx.triggered_id
    if trigger == "city-map":
        p = C.clicked(click)
        level, code = (
            ("neighborhood", p["location"]) if p.get("curveNumber") == 0 else ("office", p["customdata"][-1])
        )
    elif isinstance(trigger, dict) and trigger.get("list") == "city-hoods" and any(hood_cells):
        level, code = "neighborhood", next(c for c in hood_cells if c)["rowId"]
    elif isinstance(trigger, dict) and trigger.get("list") == "city-offices" and any(office_cells):
        level, code = "office", next(c for c in office_cells if c)["rowId"]
    else:
        raise PreventUpdate
    return _history_panel(level, code, lang)


def _key(pick: tuple[str, str] | None) -> str:
    return ":".join(pick or ())


@callback(
    Output("city-map", "figure", allow_duplicate=True),
    Output("city-history", "children", allow_duplicate=True),
    Output("city-selected", "data"),
    Input("url", "search"),
    State("url", "pathname"),
    State("city-selected", "data"),
    prevent_initial_call=True,
)
def select(search, pathname, now):
    """Marks what the URL selects when only the query changed (a search result in the same city): the
    two selection traces and the history; a filter's change (same selection) changes nothing here."""
    view, m = parse(search), ROUTE.match(pathname or "")
    if not m:
        raise PreventUpdate
    db, scope = queries.database(), current_scope()
    code = m["code"]
    fc = shapes.neighborhood_shapes(db, scope, code)
    offices = queries.city_offices(db, scope, code, view.day)
    pick = selected(fc, offices, view)
    if _key(pick) == (now or ""):
        raise PreventUpdate
    patch, fig = Patch(), {"layout": {"map": {}}}
    for i, trace in enumerate(_selection(fc, offices, view), start=2):
        patch["data"][i] = trace
    _centre(fig, fc, offices, view)
    for key, value in fig["layout"]["map"].items():
        patch["layout"]["map"][key] = value
    return patch, _history_panel(*pick, view.lang) if pick else None, _key(pick)


def _history_panel(level: str, code: str, lang: str) -> html.Div:
    """Gives the dated history of a neighborhood or office under its name."""
    db, scope = queries.database(), current_scope()
    place = queries.place_of(db, scope, level, code)
    return html.Div(
        [
            html.H4(
                f"{t(level if level == 'office' else 'neighborhoods', lang)}: {i18n.name(place, lang)}",
                id="history-title",
            ),
            _history_table(queries.history(db, scope, level, code), lang),
        ]
    )


def _history_table(rows: list[dict], lang: str) -> html.Div:
    """Gives a dated history (events in order) as a small table."""
    if not rows:
        return html.P(t("no_history", lang), className="notice")

    def event(r):
        e = r["event"]
        return t(f"s_{e}", lang) if i18n.known(f"s_{e}") else e  # every event has words; a new one: its code

    return html.Table(
        [
            html.Thead(html.Tr([html.Th(t(k, lang)) for k in ("date", "event", "office", "letter", "note")])),
            html.Tbody(
                [
                    html.Tr(
                        [
                            html.Td(i18n.date(r["day"], lang)),
                            html.Td(event(r)),
                            html.Td(
                                i18n.name(
                                    {
                                        "name_fa": r.get("office_fa"),
                                        "name_en": r.get("office_en"),
                                        "code": r.get("office_code"),
                                    },
                                    lang,
                                )
                                if r.get("office_code")
                                else "—"
                            ),
                            html.Td(i18n.letter_no(r.get("letter_no"), lang), className="free-text"),
                            html.Td(
                                i18n.free_text(r.get("note"), lang)
                                or (t("from_file", lang) if r.get("from_file") else ""),
                                className="free-text" if r.get("note") else None,
                            ),
                        ]
                    )
                    for r in rows
                ]
            ),
        ],
        className="history",
    )
