"""`/city/<code>`: target-neighborhood polygons coloured by status, office points, tables of
neighborhoods and offices with their dates; clicking one shows its history."""

from __future__ import annotations

from dataclasses import replace

from dash import ClientsideFunction, Input, Output, State, ctx, dcc, html
from dash.exceptions import PreventUpdate

from dashboard import components as C
from dashboard import i18n, queries
from dashboard.auth_seam import current_scope
from dashboard.i18n import t
from dashboard.pages.common import as_of_from
from dashboard.queries import STATUSES
from dashboard.record import record_panel
from dashboard.urls import View, parse

HOOD_COLS = [
    ("name", "name", "text"),
    ("status", "status", "text"),
    ("kinds", "kinds", "text"),
    ("area_ha", "area_ha", "numeric"),
    ("population", "population", "numeric"),
    ("offices", "offices", "text"),
]
OFFICE_COLS = [
    ("name", "office", "text"),
    ("state", "state", "text"),
    ("planned_on", "planned_on", "text"),
    ("established_on", "established_on", "text"),
    ("active_on", "active_on", "text"),
    ("handed_over_on", "handed_over_on", "text"),
    ("neighborhoods", "neighborhoods", "text"),
]


OFFICE_DATES = ("planned_on", "established_on", "active_on", "handed_over_on")


def _cols(spec, lang):
    return [C.column(k, t(label, lang), kind, 1 if k == "area_ha" else 0) for k, label, kind in spec]


def _words(lang: str) -> dict:
    """Gives the words regen.city (assets/recolour.js) puts in hovers and tables for a new date: sent
    once with the view, so that a recolour sends status codes and ASCII dates, not words."""
    return {
        "s": [t(f"s_{s}", lang) for s in STATUSES],
        "o": [t(f"s_{s}", lang) for s in C.OFFICE_STATES],
        "since": t("since", lang),
        "fa": lang == "fa",
    }


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


def _office_dates(o: dict) -> list[int]:
    """Gives an office's four state dates up to the day as numbers (i18n.date_number), then the date of
    its state only when it is not one of them (closed); the trailing empty ones left out."""
    dates = [i18n.date_number(o[k]) for k in OFFICE_DATES]
    own = C.status_index(o["state"], C.OFFICE_STATES) - 1  # planned … handed_over: their own column
    if o["state_since"] and not (0 <= own < len(OFFICE_DATES) and o[OFFICE_DATES[own]] == o["state_since"]):
        dates.append(i18n.date_number(o["state_since"]))
    while dates and not dates[-1]:
        dates.pop()
    return dates


def _office_hover(offices: list[dict], lang: str) -> dict:
    """Gives the offices' hover: name (text), state word and since when (customdata), as regen.city
    writes them again for a new date."""
    since = [i18n.date(o["state_since"], "en") for o in offices]
    return {
        "text": [i18n.name(o, lang) for o in offices],
        "customdata": [
            [t("s_" + o["state"], lang), f" ({t('since', lang)} {d})" if d else ""]
            for o, d in zip(offices, since, strict=True)
        ],
        "hovertemplate": _template(
            f"{t('office', lang)} %{{text}} — %{{customdata[0]}}%{{customdata[1]}}", lang
        ),
    }


def _hood_rows(rows, lang):
    sep = "، " if lang == "fa" else ", "
    return [
        {
            "id": r["code"],
            "name": i18n.name(r, lang),
            "status": t(f"s_{r['status']}", lang),
            "kinds": sep.join(t(f"k_{k}", lang) for k in r["kinds"]),
            "area_ha": round(r["area_ha"] or 0, 1),
            "population": r["population"],
            "offices": r["offices"] or "",
        }
        for r in rows
    ]


def _office_rows(rows, lang):
    return [
        {
            "id": o["code"],
            "name": i18n.name(o, lang),
            "state": t(f"s_{o['state']}", lang),
            **{k: i18n.date(o[k], lang) for k in OFFICE_DATES},
            "neighborhoods": o["neighborhoods"] or "",
        }
        for o in rows
    ]


def _city_values(hood_codes, hoods, offices, head, lang) -> dict:
    """Gives what a new date changes on the city view, as short lists that regen.city
    (assets/recolour.js) spreads over the map, the tables and the cards: each neighborhood's status
    index (None hides a polygon of another kind), each office's state index and dates, the cards."""
    by_code = {h["code"]: h for h in hoods}
    return {
        "z": [C.status_index(by_code[c]["status"]) if c in by_code else None for c in hood_codes],
        "o": [C.status_index(o["state"], C.OFFICE_STATES) for o in offices],
        "d": [_office_dates(o) for o in offices],
        "cards": C.card_values(head, lang),
    }


def layout(view: View, code: str):
    db, scope, lang, day = queries.database(), current_scope(), view.lang, view.day
    place = queries.place_of(db, scope, "city", code)
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
        [h["status"] for h in all_hoods],
        _hood_hover(codes, all_hoods, lang),
        offices,
        _office_hover(offices, lang),
        lang,
        layers,
    )
    # kind filter: polygons of other kinds are left uncoloured
    fig["data"][0]["z"] = [C.status_index(by_code[c]["status"]) if c in by_code else None for c in codes]
    head = queries.headline(db, scope, day, province=place["province_code"], city=code)
    cities = queries.city_options(db, scope, place["province_code"])
    return html.Div(
        [
            html.H2(f"{t('city', lang)} {i18n.name(place, lang)}"),
            C.filter_bar(
                replace(view, province=place["province_code"], city=code),
                lang,
                queries.province_options(db, scope),
                cities,
                show=("province", "city", "kind", "as_of"),
                page="city",
            ),
            dcc.Store(
                id="city-store",
                data={
                    "code": code,
                    "hoods": codes,
                    "offices": [o["code"] for o in offices],
                    "words": _words(lang),
                },
            ),
            dcc.Store(id="city-values"),  # what a new date or kind changes: see _city_values
            html.Div(C.cards(head, lang), id="city-cards", className="cards"),
            html.Div(
                [
                    C.panel(t("neighborhoods", lang), C.graph("city-map", fig)),
                    C.panel(
                        t("history", lang),
                        html.P(t("click_for_history", lang), className="notice"),
                        html.Div(id="city-history"),
                    ),
                ],
                className="grid2",
            ),
            C.panel(
                t("neighborhoods", lang),
                C.table("city-hoods", _cols(HOOD_COLS, lang), _hood_rows(hoods, lang), lang),
            ),
            C.panel(
                t("offices", lang),
                C.table("city-offices", _cols(OFFICE_COLS, lang), _office_rows(offices, lang), lang),
            ),
            record_panel(code),  # recording progress (accounts issue); a note only for a viewer
            C.downloads(lang),
        ]
    )


def register(app) -> None:
    @app.callback(
        Output("city-values", "data"),
        Input(C.fid("asof", "city"), "value"),
        Input(C.fid("kind", "city"), "value"),
        State("city-store", "data"),
        State("url", "search"),
        prevent_initial_call=True,
    )
    def recolour_city(as_of_text, kind, store, search):
        """Gives the short values that recolour polygons and office points and refresh the tables and
        cards for the as-of day / kind (see _city_values); the neighborhood rows in full for a new kind,
        which changes which rows there are."""
        view = parse(search)
        day = as_of_from(as_of_text, view)
        if day is None:
            raise PreventUpdate
        db, scope, lang, code = queries.database(), current_scope(), view.lang, store["code"]
        hoods = [h for h in queries.neighborhoods(db, scope, code, day) if not kind or kind in h["kinds"]]
        by_office = {o["code"]: o for o in queries.city_offices(db, scope, code, day)}
        offices = [by_office[c] for c in store["offices"] if c in by_office]
        place = queries.place_of(db, scope, "city", code)
        head = queries.headline(db, scope, day, province=place["province_code"], city=code)
        values = _city_values(store["hoods"], hoods, offices, head, lang)
        if ctx.triggered_id == C.fid("kind", "city"):
            values["hoods"] = _hood_rows(hoods, lang)
        return values

    app.clientside_callback(
        ClientsideFunction("regen", "city"),
        Output("city-map", "figure"),
        Output("city-cards", "children"),
        Output("city-hoods", "data"),
        Output("city-offices", "data"),
        Input("city-values", "data"),
        State("city-store", "data"),
        State("city-hoods", "data"),
        State("city-offices", "data"),
        prevent_initial_call=True,
    )

    @app.callback(
        Output("city-history", "children"),
        Input("city-map", "clickData"),
        Input("city-hoods", "active_cell"),
        Input("city-offices", "active_cell"),
        State("url", "search"),
        State("city-store", "data"),
        prevent_initial_call=True,
    )
    def show_history(click, hood_cell, office_cell, search, store):
        """Shows the dated history of the neighborhood or office clicked on the map or in a table."""
        lang = parse(search).lang
        trigger = ctx.triggered_id
        if trigger == "city-map":
            if not click or not click.get("points"):
                raise PreventUpdate
            p = click["points"][0]
            level, code = (
                ("neighborhood", p["location"])
                if p.get("curveNumber") == 0
                else ("office", store["offices"][p["pointNumber"]])
            )
        elif trigger == "city-hoods" and hood_cell:
            level, code = "neighborhood", hood_cell["row_id"]
        elif trigger == "city-offices" and office_cell:
            level, code = "office", office_cell["row_id"]
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
                C.history_table(queries.history(db, scope, level, code), lang),
            ]
        )
