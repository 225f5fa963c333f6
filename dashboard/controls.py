"""Controls as functions: the headline cards, the filter bar and its date notice, the measure switch,
downloads and panels (figures: components.py; tables: grids.py)."""

from __future__ import annotations

import datetime as dt

from dash import Input, Output, dcc, html

from dashboard import i18n, queries
from dashboard.auth_seam import current_scope
from dashboard.i18n import t
from dashboard.picker import date_box, fid
from dashboard.queries import KINDS, MEASURES
from regen.jalali import BadDate, parse_date

# -- headline, filters, downloads, panels -------------------------------------------------------------
CARDS = ("target_neighborhoods", "share_covered", "offices_active", "share_handed_over", "actions_overdue")


def card_values(h: dict, lang: str) -> list[str]:
    """Gives the headline figures as the cards show them, in the order of CARDS."""
    return [
        i18n.num(h["neighborhoods"], lang),
        i18n.pct(h["coverage_count_pct"], lang),
        i18n.num(h["active"], lang),
        i18n.pct(h["handover_pct"], lang),
        i18n.num(h["overdue_actions"], lang),
    ]


def card_outputs() -> list[Output]:
    """Gives the outputs a change of filters writes the cards' values to, in the order of CARDS."""
    return [Output(f"card-{key}", "children") for key in CARDS]


def cards(h: dict, lang: str) -> list:
    """Gives the headline figures as cards."""
    return [card(key, value, lang) for key, value in zip(CARDS, card_values(h, lang), strict=True)]


def card(key: str, value: str, lang: str) -> html.Div:
    return html.Div(
        [html.Div(value, className="value", id=f"card-{key}"), html.Div(t(key, lang), className="label")],
        className="card",
    )


def _opts(rows: list[dict], lang: str) -> list[dict]:
    return [{"label": i18n.name(r, lang), "value": r["code"]} for r in rows]


_ALL = {"province": "all_provinces", "city": "all_cities", "kind": "all_kinds"}


def filter_inputs(page, *what: str) -> list[Input]:
    """Gives the values of the filter bar's controls named `what` (province, city, kind, asof,
    measure) on `page` (ALL: on whichever view is shown) as a callback's inputs, in that order."""
    return [Input(fid(w, page), "value") for w in what]


def view_top(heading: str, view, page: str, show: tuple[str, ...]) -> list:
    """Gives a view's heading and its filter bar: the provinces the user may pick and, when the bar
    shows the city, the cities of the view's province."""
    db, scope = queries.database(), current_scope()
    cities = queries.city_options(db, scope, view.province) if "city" in show else []
    return [
        html.H1(heading),
        filter_bar(view, view.lang, queries.province_options(db, scope), cities, show, page),
    ]


def filter_bar(
    view, lang: str, provinces: list[dict], cities: list[dict], show: tuple[str, ...], page: str
) -> html.Div:
    """Gives the filters (province, dependent city, neighborhood kind, as-of day); all are always in the
    layout (hidden when a view has no use for them) so that one callback can keep the URL in step."""

    def box(key: str, label: str, control) -> html.Label:
        return html.Label([label, control], style=None if key in show else {"display": "none"})

    def dropdown(key: str, options: list[dict], value) -> dcc.Dropdown:
        return dcc.Dropdown(
            id=fid(key, page),
            className=f"f-{key}",
            options=options,
            value=value,
            placeholder=t(_ALL[key], lang),
            clearable=True,
            labels=i18n.dropdown_words(lang),
        )

    return html.Div(
        [
            box("province", t("province", lang), dropdown("province", _opts(provinces, lang), view.province)),
            box("city", t("city", lang), dropdown("city", _opts(cities, lang), view.city)),
            box(
                "kind",
                t("kind", lang),
                dropdown("kind", [{"label": t(f"k_{k}", lang), "value": k} for k in KINDS], view.kind),
            ),
            box(
                "as_of",
                t("as_of", lang),
                date_box(view.day, lang, page),  # typed, a Jalali calendar, presets
            ),
            html.Span(
                date_notice(view.bad_date, lang, linked=True) if view.bad_date else "",
                id=fid("msg", page),
                className="msg f-msg",
                role="status",
            ),
        ],
        className="filters",
    )


def date_notice(given: str, lang: str, linked: bool = False) -> str:
    """Gives the notice of an as-of day refused: what was given, why (not a date, or after today), and,
    for a link (`linked`), that the view shows today instead."""
    try:
        day = parse_date(given)
    except BadDate:
        day = None
    why = t("date_future", lang) if day else t("date_not_a_date", lang)
    # the text given isolated (FSI…PDI): «1420-01-01» keeps its order inside a Persian sentence
    text = why.format(given=f"\u2068{given}\u2069", today=i18n.date(dt.date.today(), lang))
    return f"{text} {t('date_shows_today', lang)}" if linked else text


def measure_switch(view, lang: str, page: str) -> dcc.RadioItems:
    return dcc.RadioItems(
        id=fid("measure", page),
        className="measure",
        value=view.measure,
        inline=True,
        options=[{"label": " " + t(f"m_{m}", lang) + " ", "value": m} for m in MEASURES],
        inputStyle={"marginInlineEnd": "0.3rem", "marginInlineStart": "0.8rem"},
    )


def downloads(lang: str) -> html.Div:
    return html.Div(
        [
            html.Span(t("download", lang) + ": "),
            html.Button("CSV", id="dl-csv"),
            html.Button("XLSX", id="dl-xlsx"),
            html.Button("GeoJSON", id="dl-geojson"),
            dcc.Download(id="download"),
            html.Span(id="dl-msg", className="notice"),
        ],
        className="downloads panel",
    )


def panel(title: str, *children, id_: str | None = None) -> html.Div:
    return html.Div([html.H3(title), *children], className="panel", **({"id": id_} if id_ else {}))
