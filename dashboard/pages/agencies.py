"""`/agencies` Agencies: each agency's progress against its targets (resolution 2) as bars with the target
marked, and its overdue actions with their resolutions; per province for provincial targets; scope-aware.
With the brief's download (dashboard/brief/web.py) for what it shows. Plain figures and tables
built in Python; the callback beside its layout."""

from __future__ import annotations

import datetime as dt
import re

from dash import Input, Output, State, dcc, html

from dashboard import i18n, performance, queries
from dashboard.auth_seam import allowed_province, current_scope
from dashboard.brief.page import STATE_COLOURS
from dashboard.brief.web import brief_link
from dashboard.brief.words import w
from dashboard.callbacks import callback
from dashboard.components import figure_font
from dashboard.i18n import t
from dashboard.pages.common import as_of_from
from dashboard.urls import View, parse

ROUTE = re.compile(r"^/agencies/?$")
MENU = "agencies"
MENU_HREF = "/agencies"
FILTERS_IN_PLACE = False

OVERDUE_ROWS = 25  # overdue actions shown per agency (the actions view has them all)
ROW = 60  # px of a target's row in the bars: its name over its bar (half the row)


def _label(r: dict, lang: str) -> str:
    place = i18n.name(r, lang, "province_") if r["province_code"] else w("nation", lang)
    years = str(r["from_year"]) if r["from_year"] == r["to_year"] else f"{r['from_year']}–{r['to_year']}"
    text = f"{w('m_' + r['measure'], lang)} · {place} · {years}"
    return i18n.fa_digits(text) if lang == "fa" else text


def _figure(rows: list[dict], lang: str) -> dict:
    """Gives horizontal bars of the share achieved per target, the target (100 %) marked by a line and the
    share of the period elapsed by a tick."""
    labels = [_label(r, lang) for r in rows]
    share = [round(min(r["achieved_pct"], 150.0), 1) for r in rows]
    rtl = lang == "fa"
    # «۰ از ۲ · عقب از برنامه», not «۰ / ۲» (a fraction or a date in Persian), kept in the page's direction
    hover = [
        f"{t('of_n', lang).format(a=i18n.num(r['achieved'], lang), b=i18n.num(r['target'], lang))}"
        f" · {w('t_' + r['state'], lang)}"
        for r in rows
    ]
    hover = [i18n.rtl(h) for h in hover] if rtl else hover
    # each target's name above its bar, across the chart (as tick labels beside the bars a phone had
    # room for two letters of them), in the gap between bars: a row is ROW px, its bar half of it, the
    # name's foot 2 px over the bar's top and clear of the bar above; a little in from the zero line
    names = [
        {"x": 0, "y": label, "yshift": ROW // 4 + 2, "yanchor": "bottom", "xshift": -4 if rtl else 4,
         "xanchor": "right" if rtl else "left", "text": label, "showarrow": False, "font": {"size": 12}}
        for label in labels
    ]  # fmt: skip
    # the target (100 %) marked across each bar only, so that it never crosses a name
    lines = [
        {"type": "line", "x0": 100, "x1": 100, "y0": i - 0.25, "y1": i + 0.25, "yref": "y",
         "line": {"color": "#1d2939", "width": 1.5, "dash": "dot"}}
        for i in range(len(rows))
    ]  # fmt: skip
    return {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "x": share,
                "y": labels,
                "text": hover,
                "hoverinfo": "text",
                "marker": {"color": [STATE_COLOURS[r["state"]] for r in rows]},
                "name": w("achieved_pct", lang),
            },
            {
                "type": "scatter",
                "mode": "markers",
                "x": [round(r["elapsed_pct"], 1) for r in rows],
                "y": labels,
                "marker": {"symbol": "line-ns-open", "size": 18, "color": "#1d2939", "line": {"width": 2}},
                "hoverinfo": "skip",
                "name": w("elapsed_pct", lang),
            },
        ],  # fmt: skip
        "layout": {
            "height": 54 + ROW * len(rows),
            "annotations": names,
            "margin": {"l": 10, "r": 10, "t": 24, "b": 30},
            "font": {"family": figure_font(lang)},
            "showlegend": False,
            "bargap": 0.5,
            "xaxis": {"range": [150, 0] if rtl else [0, 150], "ticksuffix": "%", "fixedrange": True},
            "yaxis": {
                "side": "right" if rtl else "left",
                "autorange": "reversed",
                "showticklabels": False,
                "fixedrange": True,
            },
            "shapes": lines,
        },
    }


def _place(a: dict, lang: str) -> str:
    """Gives where an action is: its city, else its province, else the nation (i18n.name falls back to
    the code, which is no place)."""
    if a["city_code"]:
        return i18n.name(a, lang, "city_")
    return i18n.name(a, lang, "province_") if a["province_code"] else w("nation", lang)


def _overdue_table(actions: list[dict], lang: str) -> html.Table:
    head = [w("resolution", lang), w("action", lang), w("place", lang), w("due", lang), w("status", lang)]
    rows = []
    for a in actions[:OVERDUE_ROWS]:
        title = a["title_fa"] if lang == "fa" else (a["title_en"] or a["code"])
        res = f"{i18n.num(a['resolution_number'], lang)} / {i18n.num(a['meeting_number'], lang)}"
        place = _place(a, lang)
        rows.append([res, title, place, i18n.date(a["due_on"], lang), w("st_" + a["status"], lang)])
    return html.Table(
        [
            html.Thead(html.Tr([html.Th(h) for h in head])),
            html.Tbody([html.Tr([html.Td(c) for c in r]) for r in rows]),
        ],
        className="plain-table",
    )


def body(view: View) -> list:
    """Gives the agencies' panels for the view's province (the user's own for a provincial user) and day."""
    db, scope, lang, day = queries.database(), current_scope(), view.lang, view.day
    province = allowed_province(scope, view.province)
    targets = performance.targets(db, scope, day, province, national=True)
    overdue = [a for a in queries.actions(db, scope, day, province=province) if a["overdue"]]
    agencies: dict[str, dict] = {}
    for r in targets:
        agencies.setdefault(
            r["agency_code"], {"name": i18n.name(r, lang, "agency_"), "targets": [], "overdue": []}
        )
        agencies[r["agency_code"]]["targets"].append(r)
    for a in sorted(overdue, key=lambda a: (a["due_on"], a["code"])):
        agencies.setdefault(
            a["agency_code"], {"name": i18n.name(a, lang, "agency_"), "targets": [], "overdue": []}
        )
        agencies[a["agency_code"]]["overdue"].append(a)
    if not agencies:
        return [html.P(w("no_targets", lang), className="notice")]
    panels = []
    for code, g in sorted(agencies.items(), key=lambda kv: (-len(kv[1]["overdue"]), kv[0])):
        parts: list = [html.H3(g["name"])]
        if g["targets"]:
            parts.append(
                dcc.Graph(
                    id=f"ag-fig-{code}", figure=_figure(g["targets"], lang), config={"displayModeBar": False}
                )
            )
        n = len(g["overdue"])
        parts.append(html.P(f"{w('overdue_actions', lang)}: {i18n.num(n, lang)}", className="ag-overdue"))
        if n:
            parts.append(_overdue_table(g["overdue"], lang))
            if n > OVERDUE_ROWS:
                parts.append(
                    html.P(w("more", lang).format(n=i18n.num(n - OVERDUE_ROWS, lang)), className="notice")
                )
        panels.append(html.Div(parts, className="panel agency-panel", id=f"agency-{code}"))
    note = html.P(w("bar_note", lang), className="notice")
    return [note, *panels]


def layout(view: View, **_):
    db, scope, lang = queries.database(), current_scope(), view.lang
    province = allowed_province(scope, view.province)
    options = [{"label": i18n.name(p, lang), "value": p["code"]} for p in queries.province_options(db, scope)]
    return html.Div(
        [
            html.H1(w("performance", lang)),
            html.Div(
                [
                    html.Label(
                        [
                            t("province", lang),
                            dcc.Dropdown(
                                id="ag-province",
                                options=options,
                                value=province,
                                placeholder=w("nation", lang),
                                clearable=scope.role != "provincial",
                                labels=i18n.dropdown_words(lang),
                            ),
                        ]
                    ),
                    html.Label(
                        [
                            t("as_of", lang),
                            dcc.Input(
                                id="ag-asof",
                                type="text",
                                debounce=True,
                                value=i18n.date(view.day, lang),
                                style={"width": "9rem"},
                            ),
                        ]
                    ),
                    html.Span(id="ag-brief", children=brief_link(view, province)),
                ],  # fmt: skip
                className="filters",
            ),
            html.Div(body(view), id="ag-body"),
        ]
    )


@callback(
    Output("ag-body", "children"),
    Output("ag-brief", "children"),
    Output("url", "search", allow_duplicate=True),
    Input("ag-province", "value"),
    Input("ag-asof", "value"),
    State("url", "search"),
    prevent_initial_call=True,
)
def show_agencies(province, as_of_text, search):
    """Shows the agencies for the chosen province and day, and keeps the URL in step."""
    view = parse(search)
    day = as_of_from(as_of_text, view) or view.day
    now = View(lang=view.lang, as_of=day if day != dt.date.today() else None, province=province or None)
    return body(now), brief_link(now, allowed_province(current_scope(), now.province)), now.query()
