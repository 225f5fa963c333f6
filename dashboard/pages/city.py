"""`/city/<code>`: target-neighborhood polygons coloured by status, office points, tables of
neighborhoods and offices with their dates; clicking one shows its history."""

from __future__ import annotations

import re
from dataclasses import replace

from dash import ALL, Input, Output, State, ctx, html
from dash.exceptions import PreventUpdate

from dashboard import components as C
from dashboard import grids, i18n, queries
from dashboard.auth_seam import current_scope
from dashboard.callbacks import callback
from dashboard.grids import Col, Listing
from dashboard.i18n import t
from dashboard.pages.common import as_of_from
from dashboard.record import record_panel
from dashboard.urls import View, parse

ROUTE = re.compile(r"^/city/(?P<code>[^/]+)/?$")
MENU = "national"
FILTERS_IN_PLACE = False
OFFICE_DATES = ("planned_on", "established_on", "active_on", "handed_over_on")
HOOD_COLS = (
    Col("name", "name"),
    Col("status", "status"),
    Col("kinds", "kinds", sortable=False),  # a list of kinds has no order
    Col("area_ha", "area_ha", 1),
    Col("population", "population", 0),
    Col("offices", "offices"),
)
OFFICE_COLS = (
    Col("name", "office"),
    Col("state", "state"),
    *(Col(k, k, date=True) for k in OFFICE_DATES),
    Col("neighborhoods", "neighborhoods"),
)


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


def _hood(r: dict, lang: str) -> dict:
    return {
        "id": r["code"],
        "name": i18n.name(r, lang),
        "status": t(f"s_{r['status']}", lang),
        "kinds": i18n.kinds(r["kinds"], lang),
        "area_ha": r["area_ha"] or 0,
        "population": r["population"],
        "offices": r["offices"] or "",
    }


# a city can have hundreds of neighborhoods: a long list, which the database sorts and pages
grids.LISTS["city-hoods"] = Listing(
    lambda db, scope, code, day, kind, **page: queries.neighborhoods(db, scope, code, day, kind, **page),
    _hood,
    HOOD_COLS,
)


def _office_rows(rows, lang):
    return [
        {
            "id": o["code"],
            "name": i18n.name(o, lang),
            "state": t(f"s_{o['state']}", lang),
            **{k: o[k] for k in OFFICE_DATES},
            "neighborhoods": o["neighborhoods"] or "",
        }
        for o in rows
    ]


def _parts(view: View, code: str, place: dict) -> dict:
    """Gives what the filters decide on the view (the layout and every change build it here)."""
    db, scope, lang, day = queries.database(), current_scope(), view.lang, view.day
    fc = queries.neighborhood_shapes(db, scope, code)
    all_hoods = queries.neighborhoods(db, scope, code, day)
    hoods = [h for h in all_hoods if not view.kind or view.kind in h["kinds"]]
    offices = queries.city_offices(db, scope, code, day)
    codes = [f["id"] for f in fc["features"]]
    by_code = {h["code"]: h for h in hoods}
    boundary = queries.city_shape(db, scope, code)
    layers = C.outline_layers(
        {"type": "Feature", "geometry": boundary, "properties": {}} if boundary else None
    )
    fig = C.status_map(
        fc,
        codes,
        [by_code[c]["status"] if c in by_code else "none" for c in codes],
        _hood_hover(codes, all_hoods, lang),
        offices,
        _office_hover(offices, lang),
        lang,
        layers,
    )
    # kind filter: polygons of other kinds are left uncoloured
    fig["data"][0]["z"] = [C.status_index(by_code[c]["status"]) if c in by_code else None for c in codes]
    head = queries.headline(db, scope, day, province=place["province_code"], city=code)
    return {
        "map": fig,
        "head": head,
        "hoods": grids.list_panel("city-hoods", code, view),
        "offices": _office_rows(offices, lang),
    }


def layout(view: View, code: str):
    db, scope, lang = queries.database(), current_scope(), view.lang
    place = queries.place_of(db, scope, "city", code)
    p = _parts(view, code, place)
    return html.Div(
        [
            html.H2(f"{t('city', lang)} {i18n.name(place, lang)}"),
            C.filter_bar(
                replace(view, province=place["province_code"], city=code),
                lang,
                queries.province_options(db, scope),
                queries.city_options(db, scope, place["province_code"]),
                show=("province", "city", "kind", "as_of"),
                page="city",
            ),
            html.Div(C.cards(p["head"], lang), id="city-cards", className="cards"),
            html.Div(
                [
                    C.panel(t("neighborhoods", lang), C.graph("city-map", p["map"])),
                    C.panel(
                        t("history", lang),
                        html.P(t("click_for_history", lang), className="notice"),
                        html.Div(id="city-history"),
                    ),
                ],
                className="grid2",
            ),
            C.panel(t("neighborhoods", lang), html.Div(p["hoods"], id="city-hoods-box")),
            C.panel(t("offices", lang), grids.grid("city-offices", OFFICE_COLS, p["offices"], lang)),
            record_panel(code),  # recording progress (accounts issue); a note only for a viewer
            C.downloads(lang),
        ]
    )


@callback(
    Output("city-map", "figure"),
    *C.card_outputs(),
    Output("city-hoods-box", "children"),
    Output("city-offices", "rowData"),
    Input(C.fid("asof", "city"), "value"),
    Input(C.fid("kind", "city"), "value"),
    State("url", "pathname"),
    State("url", "search"),
    prevent_initial_call=True,
)
def show_city(as_of_text, kind, pathname, search):
    """Brings the view to its filters: the map's values (never its polygons), the cards and both
    tables, built as the layout builds them."""
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
        *C.card_values(p["head"], lang),
        p["hoods"],
        grids.rows(OFFICE_COLS, p["offices"], lang),
    )


@callback(
    Output("city-history", "children"),
    Input("city-map", "clickData"),
    Input({"list": "city-hoods", "place": ALL, "day": ALL, "kind": ALL}, "cellClicked"),
    Input("city-offices", "cellClicked"),
    State("url", "search"),
    prevent_initial_call=True,
)
def show_history(click, hood_cells, office_cell, search):
    """Shows the dated history of the neighborhood or office clicked on the map or in a table."""
    lang = parse(search).lang
    trigger = ctx.triggered_id
    if trigger == "city-map":
        p = C.clicked(click)
        level, code = (
            ("neighborhood", p["location"]) if p.get("curveNumber") == 0 else ("office", p["customdata"][-1])
        )
    elif isinstance(trigger, dict) and any(hood_cells):
        level, code = "neighborhood", next(c for c in hood_cells if c)["rowId"]
    elif trigger == "city-offices" and office_cell:
        level, code = "office", office_cell["rowId"]
    else:
        raise PreventUpdate
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
        return t(f"s_{e}", lang) if i18n.known(f"s_{e}") else e.replace("_", " ")

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
                            html.Td(r.get("letter_no") or ""),
                            html.Td(r.get("note") or ""),
                        ]
                    )
                    for r in rows
                ]
            ),
        ],
        className="history",
    )
