"""`/city/<code>`: target-neighborhood polygons coloured by status, office points, tables of
neighborhoods and offices with their dates; clicking one shows its history."""

from __future__ import annotations

from dataclasses import replace

from dash import Input, Output, Patch, State, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from dashboard import components as C
from dashboard import i18n, queries
from dashboard.auth_seam import current_scope
from dashboard.i18n import t
from dashboard.pages.common import as_of_from
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


def _cols(spec, lang):
    return [C.column(k, t(label, lang), kind, 1 if k == "area_ha" else 0) for k, label, kind in spec]


def _hood_text(r: dict, lang: str) -> str:
    return (
        i18n.rtl(f"{i18n.name(r, lang)} — {t('s_' + r['status'], lang)}")
        if lang == "fa"
        else f"{i18n.name(r, lang)} — {t('s_' + r['status'], lang)}"
    )


def _office_text(o: dict, lang: str) -> str:
    since = f" ({t('since', lang)} {i18n.date(o['state_since'], lang)})" if o["state_since"] else ""
    text = f"{t('office', lang)} {i18n.name(o, lang)} — {t('s_' + o['state'], lang)}{since}"
    return i18n.rtl(text) if lang == "fa" else text


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
            **{
                k: i18n.date(o[k], lang)
                for k in ("planned_on", "established_on", "active_on", "handed_over_on")
            },
            "neighborhoods": o["neighborhoods"] or "",
        }
        for o in rows
    ]


def _values(hood_codes, hoods, offices, lang):
    """Gives the per-feature values of the map: status index (None hides a polygon) and texts."""
    by_code = {h["code"]: h for h in hoods}
    z = [C.status_index(by_code[c]["status"]) if c in by_code else None for c in hood_codes]
    texts = [_hood_text(by_code[c], lang) if c in by_code else "" for c in hood_codes]
    colors = [C.status_index(o["state"], C.OFFICE_STATES) for o in offices]
    return z, texts, colors, [_office_text(o, lang) for o in offices]


def _rows_patch(old: list[dict] | None, new: list[dict]):
    """Gives what turns table rows `old` into `new`: a Patch of the changed cells when the rows are the
    same ones, else the new rows."""
    if not old or [r["id"] for r in old] != [r["id"] for r in new]:
        return new
    patch, changed = Patch(), False
    for i, (a, b) in enumerate(zip(old, new, strict=True)):
        for key, value in b.items():
            if a.get(key) != value:
                patch[i][key] = value
                changed = True
    return patch if changed else no_update


def _patch_changed(
    target, texts: list[str], codes: list[str], old: list[dict] | None, new: list[dict]
) -> None:
    """Sets in `target` (a Patch of a trace's text) the texts of the features whose row changed; all of
    them when the rows are not the same ones."""
    before = {r["id"]: r for r in old or []}
    after = {r["id"]: r for r in new}
    if set(before) != set(after):
        for i, text in enumerate(texts):
            target[i] = text
        return
    for i, c in enumerate(codes):
        if c in after and before.get(c) != after[c]:
            target[i] = texts[i]


def layout(view: View, code: str):
    db, scope, lang, day = queries.database(), current_scope(), view.lang, view.day
    place = queries.place_of(db, scope, "city", code)
    fc = queries.neighborhood_shapes(db, scope, code)
    all_hoods = queries.neighborhoods(db, scope, code, day)
    hoods = [h for h in all_hoods if not view.kind or view.kind in h["kinds"]]
    offices = queries.city_offices(db, scope, code, day)
    codes = [f["id"] for f in fc["features"]]
    z, texts, _, office_texts = _values(codes, hoods, offices, lang)
    boundary = queries.city_shape(db, scope, code)
    layers = C.outline_layers(
        {"type": "Feature", "geometry": boundary, "properties": {}} if boundary else None
    )
    fig = C.status_map(
        fc, codes, [h["status"] for h in all_hoods], texts, offices, office_texts, lang, layers
    )
    fig["data"][0]["z"] = z  # kind filter: polygons of other kinds are left uncoloured
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
                id="city-store", data={"code": code, "hoods": codes, "offices": [o["code"] for o in offices]}
            ),
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
        Output("city-map", "figure"),
        Output("city-cards", "children"),
        Output("city-hoods", "data"),
        Output("city-offices", "data"),
        Input(C.fid("asof", "city"), "value"),
        Input(C.fid("kind", "city"), "value"),
        State("city-store", "data"),
        State("url", "search"),
        State("city-hoods", "data"),
        State("city-offices", "data"),
        prevent_initial_call=True,
    )
    def recolour_city(as_of_text, kind, store, search, old_hoods, old_offices):
        """Recolours polygons and office points for the as-of day / kind: values only (Patch), and only
        the table cells and hover texts that changed."""
        view = parse(search)
        day = as_of_from(as_of_text, view)
        if day is None:
            raise PreventUpdate
        db, scope, lang, code = queries.database(), current_scope(), view.lang, store["code"]
        hoods = [h for h in queries.neighborhoods(db, scope, code, day) if not kind or kind in h["kinds"]]
        by_office = {o["code"]: o for o in queries.city_offices(db, scope, code, day)}
        offices = [by_office[c] for c in store["offices"] if c in by_office]
        z, texts, colors, office_texts = _values(store["hoods"], hoods, offices, lang)
        hood_rows, office_rows = _hood_rows(hoods, lang), _office_rows(offices, lang)
        patch = Patch()
        patch["data"][0]["z"] = z
        patch["data"][1]["marker"]["color"] = colors
        _patch_changed(patch["data"][0]["text"], texts, store["hoods"], old_hoods, hood_rows)
        _patch_changed(
            patch["data"][1]["text"], office_texts, [o["code"] for o in offices], old_offices, office_rows
        )
        place = queries.place_of(db, scope, "city", code)
        head = queries.headline(db, scope, day, province=place["province_code"], city=code)
        return (
            patch,
            C.cards(head, lang),
            _rows_patch(old_hoods, hood_rows),
            _rows_patch(old_offices, office_rows),
        )

    @app.callback(
        Output("city-history", "children"),
        Input("city-map", "clickData"),
        Input("city-hoods", "active_cell"),
        Input("city-offices", "active_cell"),
        State("url", "search"),
        prevent_initial_call=True,
    )
    def show_history(click, hood_cell, office_cell, search):
        """Shows the dated history of the neighborhood or office clicked on the map or in a table."""
        lang = parse(search).lang
        trigger = ctx.triggered_id
        if trigger == "city-map":
            if not click or not click.get("points"):
                raise PreventUpdate
            p = click["points"][0]
            level, code = (
                ("neighborhood", p["location"]) if p.get("curveNumber") == 0 else ("office", p["customdata"])
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
