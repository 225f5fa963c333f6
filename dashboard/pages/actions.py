"""`/actions`: meeting → resolution → actions, by agency and by province, with status and due date,
overdue first."""

from __future__ import annotations

import re
import zlib

from dash import Input, Output, State, dcc, html
from dash.exceptions import PreventUpdate

from dashboard import controls, grids, i18n, queries, results
from dashboard.auth_seam import current_scope
from dashboard.callbacks import callback
from dashboard.grids import Col, Listing
from dashboard.i18n import t
from dashboard.pages.common import as_of_from
from dashboard.urls import View, parse

ROUTE = re.compile(r"^/actions/?$")
MENU = "actions"
MENU_HREF = "/actions"
FILTERS_IN_PLACE = True

# each resolution's actions: a long list, paged and sorted by the database (overdue first), so every
# action is reachable and the view reads one page of each, not all of them; the figures above come
# counted from the database
# the kinds of writes the view reads (kept.py): statuses and places; a recorded office state leaves it kept
DATA_KINDS = frozenset({results.ACTION, results.PLACES})
ACTION_COLS = (
    Col("title", "title", flagged=True),
    Col("agency", "agency"),
    Col("place", "place"),
    Col("status", "status", flagged=True),
    Col("since", "since", date=True),
    Col("due_on", "due_on", date=True, flagged=True),
    Col("evidence", "evidence", css="free-text"),
)
SUM_COLS = (
    Col("name", "name"),
    Col("total", "total", 0),
    Col("overdue", "overdue", 0),
    Col("done", "st_done", 0),
)


def _action(a: dict, view: View) -> dict:
    """An action as its resolution's list shows it."""
    lang = view.lang
    place = (
        i18n.name(a, lang, "city_")
        if a["city_code"]
        else (i18n.name(a, lang, "province_") if a["province_code"] else t("national_action", lang))
    )
    return {
        "id": a["code"],
        "title": (a["title_en"] if lang == "en" and a["title_en"] else a["title_fa"]),
        "agency": i18n.name(a, lang, "agency_"),
        "place": place,
        "status": t(f"st_{a['status']}", lang) + (f" — {t('overdue', lang)}" if a["overdue"] else ""),
        "since": a["status_since"],
        "due_on": a["due_on"],
        "evidence": i18n.free_text(a["evidence"], lang),
        "overdue_flag": 1 if a["overdue"] else 0,
    }


def _where(view: View) -> dict:
    """The view's filters of the actions: province, city and agency (a code each, or None)."""
    return {"where": {"province": view.province, "city": view.city, "agency": view.agency}}


grids.LISTS["act-res"] = Listing(
    lambda db, scope, res, day, _kind, where, **page: queries.action_page(db, scope, day, res, where, **page),
    _action,
    ACTION_COLS,
    _where,
)


def _summary(groups: list[dict], key: str, name_prefix: str, lang: str) -> list[dict]:
    """Gives a summary table's rows: the counted groups (queries.action_groups) added up per `key`."""
    out: dict[str, dict] = {}
    for g in groups:
        k = g[key] or "—"
        row = out.setdefault(
            k,
            {
                "id": k,
                "name": i18n.name(g, lang, name_prefix) if g[key] else t("national_action", lang),
                "total": 0,
                "overdue": 0,
                "done": 0,
            },
        )
        for n in ("total", "overdue", "done"):
            row[n] += g[n]
    return sorted(out.values(), key=lambda g: (-g["overdue"], -g["total"], g["name"]))


def body(view: View) -> list:
    """Gives the actions view for the filters: summaries by agency and province, then resolutions."""
    db, scope, lang = queries.database(), current_scope(), view.lang
    where = {"province": view.province, "city": view.city, "agency": view.agency}
    groups = queries.action_groups(db, scope, view.day, **where)
    counts: dict[tuple, dict] = {}
    for g in groups:
        c = counts.setdefault(
            (g["meeting_number"], g["resolution_number"]), {"held_on": g["held_on"], "total": 0}
        )
        c["total"] += g["total"]
    texts = queries.resolutions(db, scope)
    sections = []
    for (meeting, number), c in sorted(counts.items()):
        res = texts.get((meeting, number), {})
        text = res.get("summary_en") if lang == "en" else res.get("text_fa")
        sections.append(
            html.Div(
                [
                    html.H4(
                        f"{t('meeting', lang)} {i18n.num(meeting, lang)} "
                        f"({i18n.date(c['held_on'], lang)}) — "
                        f"{t('resolution', lang)} {i18n.num(number, lang)}"
                    ),
                    html.P(text, className="notice"),
                    # its length counted above; the grid asks for the page it shows
                    grids.list_panel(
                        "act-res",
                        f"{meeting}-{number}",
                        view,
                        total=c["total"],
                        box=f"act-res-{meeting}-{number}",
                    ),
                ],
                className="resolution",
            )
        )
    return [
        html.Div(
            [
                controls.card("actions_overdue", i18n.num(sum(g["overdue"] for g in groups), lang), lang),
                controls.card("total", i18n.num(sum(g["total"] for g in groups), lang), lang),
            ],
            className="cards",
        ),
        html.Div(
            [
                controls.panel(
                    t("by_agency", lang),
                    grids.grid(
                        "act-agency", SUM_COLS, _summary(groups, "agency_code", "agency_", lang), lang
                    ),
                ),
                controls.panel(
                    t("by_province", lang),
                    grids.grid(
                        "act-province", SUM_COLS, _summary(groups, "province_code", "province_", lang), lang
                    ),
                ),
            ],
            className="grid2",
        ),
        # named by the view: new filters give new grids (React keeps a component of the same id, and
        # with it the rows an infinite grid holds), each asking its first page of the new view
        html.Div(sections, id=f"act-sections-{zlib.crc32(view.query().encode()):08x}"),
    ]


def layout(view: View, **_):
    db, scope, lang = queries.database(), current_scope(), view.lang
    agencies = queries.agency_options(db, scope)
    return html.Div(
        [
            *controls.view_top(t("actions", lang), view, "actions", ("province", "city", "as_of")),
            html.Label(
                [
                    t("agency", lang),
                    dcc.Dropdown(
                        id="act-agency-filter",
                        value=view.agency,
                        placeholder=t("all_agencies", lang),
                        clearable=True,
                        labels=i18n.dropdown_words(lang),
                        options=[{"label": i18n.name(a, lang), "value": a["code"]} for a in agencies],
                    ),
                ],
                className="filters",
                style={"maxWidth": "24rem"},
            ),
            html.Div(body(view), id="act-body"),
            controls.downloads(lang),
        ]
    )


@callback(
    Output("act-body", "children"),
    Output("url", "search", allow_duplicate=True),
    *controls.filter_inputs("actions", "province", "city", "asof"),
    Input("act-agency-filter", "value"),
    State("url", "search"),
    prevent_initial_call=True,
)
def refilter(province, city, as_of_text, agency, search):
    view = parse(search)
    day = as_of_from(as_of_text, view)
    if day is None:
        raise PreventUpdate
    new = View(lang=view.lang, as_of=day, province=province, city=city if province else None, agency=agency)
    return body(new), new.query()
