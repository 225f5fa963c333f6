"""Pieces the national and province views share: the day typed, hovers, the map and timeline panels and
the table of places."""

from __future__ import annotations

import datetime as dt

from dash import Output, Patch, html

from dashboard import components as C
from dashboard import controls, grids, i18n, queries
from dashboard.grids import Col
from dashboard.i18n import t
from dashboard.queries import MEASURES
from dashboard.urls import View
from regen.jalali import BadDate, parse_date

# a neighborhood's facts, in the middle of every table of neighborhoods (city and province views)
HOOD_FACTS = (
    Col("kinds", "kinds", sortable=False),  # a list of kinds has no order
    Col("area_ha", "area_ha", 1),
    Col("population", "population", 0),
)


def as_of_from(text: str | None, view: View) -> dt.date | None:
    """Gives the day typed in the as-of box (the view's day when empty), or None when it is not a date
    or is after today: nothing is computed for the future (the filter bar says why: shell.py)."""
    try:
        day = parse_date(text) or view.day
    except BadDate:
        return None
    return None if day > dt.date.today() else day


def late(r: dict, lang: str) -> str:
    """Gives how late an office's handover is: «۸ ماه», and the word overdue when long past its due
    date (migration 0130: more than six months); «—» when not due yet or not to be handed over."""
    if r.get("months_late") is None:
        return "—"
    word = "n_month" if r["months_late"] == 1 else "n_months"
    text = t(word, lang).format(n=i18n.num(r["months_late"], lang))
    return f"{text} · {t('overdue', lang)}" if r.get("overdue") else text


def place_template(lang: str) -> str:
    """Gives a place's hover template: name, neighborhoods covered of all, all four shares (RLE…PDF in
    Persian). It names every measure, so switching the measure changes colours only, not the hover."""
    shares = " · ".join(f"{t('m_' + m, lang)} %{{customdata[{i + 2}]}}" for i, m in enumerate(MEASURES))
    # «۰ از ۲», not «۰/۲» (which reads as a decimal in Persian)
    of = t("of_n", lang).format(a="%{customdata[0]}", b="%{customdata[1]}")
    text = f"%{{text}} — {t('covered', lang)} {of}<br>{shares}"
    return (i18n.rtl(text) if lang == "fa" else text) + "<extra></extra>"


def place_values(r: dict, lang: str) -> list[str]:
    """Gives a place's hover values (covered, neighborhoods, the four shares) with ASCII digits, which
    the figure's Persian font draws as Persian digits."""
    return [
        i18n.num(r["covered"], lang, persian_digits=False),
        i18n.num(r["neighborhoods"], lang, persian_digits=False),
        *(i18n.pct(r.get(col), lang, persian_digits=False) for col in MEASURES.values()),
    ]


def place_hover(rows: list[dict], lang: str) -> dict:
    """Gives the hover of a map of places: names in `text`, values in `customdata`, the template; and
    the places' codes in `ids`, which a click names (`clickData`'s point `id`) and which, like the
    names, stay on the page through a filter change (only the values are patched)."""
    return {
        "text": [i18n.name(r, lang) for r in rows],
        "customdata": [place_values(r, lang) for r in rows],
        "hovertemplate": place_template(lang),
        "ids": [r["code"] for r in rows],
    }


def place_points(rows: list[dict], view: View, fitted: dict, layers: list[dict], labels=None) -> dict:
    """Gives a map of places as circles at their points: sized by their neighborhoods, coloured by the
    view's measure, with the places' hover (C.point_map). The points in the order of their codes, the
    same on every day: a filter change patches their values only (C.values_patch), never their places,
    sizes or names, so those must belong to the same point on the new day (the rows' own order,
    lagging first, changes with the day)."""
    rows = sorted(rows, key=lambda r: r["code"])
    return C.point_map(
        rows,
        [C.measure_value(r, view.measure) for r in rows],
        C.point_sizes([r["neighborhoods"] for r in rows]),
        place_hover(rows, view.lang),
        view.measure,
        C.Frame(view.lang, fitted, layers or [], labels or []),
    )


def place_panels(
    prefix: str,
    page: str,
    titles: tuple[str, str],
    view: View,
    parts: dict,
    table: list,
    code: str | None = None,
) -> list:
    """Gives the body of a view of places (`nat`, `prov`), with the ids place_outputs writes: its
    headline cards, its map (under the measure switch and the parts' notice, if any) beside its
    timeline, then its table of places (`table`: the panel's content). `titles`: the map's and the
    table's words; `code`: the place's, in the names of saved pictures."""
    lang, notice = view.lang, parts.get("notice")
    return [
        html.Div(controls.cards(parts["head"], lang), id=f"{prefix}-cards", className="cards"),
        html.Div(
            [
                controls.panel(
                    t(titles[0], lang),
                    controls.measure_switch(view, lang, page),
                    html.P(notice, className="notice") if notice else None,
                    C.graph(f"{prefix}-map", parts["map"], lang, code, map_=True),
                ),
                controls.panel(
                    t("over_time", lang), C.graph(f"{prefix}-timeline", parts["timeline"], lang, code)
                ),
            ],
            className="grid2",
        ),
        controls.panel(t(titles[1], lang), *table),
    ]


def place_cols(first: str) -> tuple[Col, ...]:
    """Gives the columns of a table of places (provinces or cities); `first` names the place column."""
    return (
        Col("name", first, link=True),
        Col("neighborhoods", "neighborhoods", 0),
        Col("covered", "covered", 0),
        Col("coverage_count_pct", "cov_count", 1),
        Col("coverage_area_pct", "cov_ha", 1),
        Col("coverage_population_pct", "cov_pop", 1),
        Col("active", "active", 0),
        Col("handed_over", "handed_over", 0),
        Col("handover_pct", "handover_pct", 1),
        Col("overdue", "overdue", 0, flagged=True),
    )


def place_records(
    rows: list[dict], overdue: dict[str, int], lang: str, path: str, view: View, linked=lambda r: True
) -> list[dict]:
    """Gives a table of places' records, each with a link to the place's view that keeps the filters
    (only where `linked(row)`: a place the user may open; the others' names are plain text)."""
    q = view.query(province=None, city=None)
    return [
        {
            **r,
            "id": r["code"],
            "name": f"[{i18n.name(r, lang)}]({path}{r['code']}{q})" if linked(r) else i18n.name(r, lang),
            "overdue": overdue.get(r["code"], 0),
            "overdue_flag": 1 if overdue.get(r["code"]) else 0,
        }
        for r in rows
    ]


def place_totals(rows: list[dict], records: list[dict], lang: str) -> dict:
    """Gives the totals row of a table of places: the sums of its rows and the shares of the sums
    (queries.totals, as the headline cards compute them), and the sum of its overdue column."""
    overdue = sum(r["overdue"] for r in records)
    return {
        **queries.totals(rows),
        "name": t("totals_row", lang),
        "overdue": overdue,
        "overdue_flag": 1 if overdue else 0,
    }


def place_table(id_: str, cols: tuple[Col, ...], parts: dict, lang: str, page_size: int = grids.PAGE_SIZE):
    """Gives a table of places, lagging first, with its totals row and the rule of its order."""
    return html.Div(
        [
            html.P(t("lagging_first", lang), className="notice order-rule"),
            grids.grid(id_, cols, parts["records"], lang, page_size=page_size, totals=parts["totals"]),
        ]
    )


def place_outputs(prefix: str) -> list[Output]:
    """Gives what a filter change writes on a view of places (`nat`, `prov`): the map, the cards'
    figures, the table of places and its totals row, the timeline."""
    return [
        Output(f"{prefix}-map", "figure"),
        *controls.card_outputs(),
        Output(f"{prefix}-table", "rowData"),
        Output(f"{prefix}-table", "dashGridOptions"),
        Output(f"{prefix}-timeline", "figure"),
    ]


def place_answer(parts: dict, cols: tuple[Col, ...], lang: str) -> tuple:
    """Gives the values of place_outputs from a view's parts as its layout builds them: the map's and
    the timeline's values (never geometry), the cards' figures, the table's rows and totals row (a
    Patch of the grid's options: the rest of them stays)."""
    options = Patch()
    options["pinnedBottomRowData"] = grids.totals_row(cols, parts["totals"], lang)
    return (
        C.values_patch(parts["map"]),
        *controls.card_values(parts["head"], lang),
        grids.rows(cols, parts["records"], lang),
        options,
        C.timeline_patch(parts["timeline"]),
    )
