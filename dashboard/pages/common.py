"""Pieces the national and province views share: the day typed, hovers and the table of places."""

from __future__ import annotations

import datetime as dt

from dash import Output

from dashboard import components as C
from dashboard import grids, i18n
from dashboard.grids import Col
from dashboard.i18n import t
from dashboard.queries import MEASURES
from dashboard.urls import View
from regen.jalali import BadDate, parse_date


def as_of_from(text: str | None, view: View) -> dt.date | None:
    """Gives the day typed in the as-of box (the view's day when empty), or None when it is not a date."""
    try:
        return parse_date(text) or view.day
    except BadDate:
        return None


def place_template(lang: str) -> str:
    """Gives a place's hover template: name, neighborhoods covered of all, all four shares (RLE…PDF in
    Persian). It names every measure, so switching the measure changes colours only, not the hover."""
    shares = " · ".join(f"{t('m_' + m, lang)} %{{customdata[{i + 2}]}}" for i, m in enumerate(MEASURES))
    text = f"%{{text}} — {t('covered', lang)} %{{customdata[0]}}/%{{customdata[1]}}<br>{shares}"
    return (i18n.rtl(text) if lang == "fa" else text) + "<extra></extra>"


def place_values(r: dict, lang: str) -> list[str]:
    """Gives a place's hover values (covered, neighborhoods, the four shares) with ASCII digits, which
    the figure's Persian font draws as Persian digits; then its code, which a click opens."""
    return [
        i18n.num(r["covered"], lang, persian_digits=False),
        i18n.num(r["neighborhoods"], lang, persian_digits=False),
        *(i18n.pct(r.get(col), lang, persian_digits=False) for col in MEASURES.values()),
        r["code"],
    ]


def place_hover(rows: list[dict], lang: str) -> dict:
    """Gives the hover of a map of places: names in `text`, values in `customdata`, the template."""
    return {
        "text": [i18n.name(r, lang) for r in rows],
        "customdata": [place_values(r, lang) for r in rows],
        "hovertemplate": place_template(lang),
    }


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


def place_outputs(prefix: str) -> list[Output]:
    """Gives what a filter change writes on a view of places (`nat`, `prov`): the map, the cards'
    figures, the table of places, the timeline."""
    return [
        Output(f"{prefix}-map", "figure"),
        *C.card_outputs(),
        Output(f"{prefix}-table", "rowData"),
        Output(f"{prefix}-timeline", "figure"),
    ]


def place_answer(parts: dict, cols: tuple[Col, ...], lang: str) -> tuple:
    """Gives the values of place_outputs from a view's parts as its layout builds them: the map's and
    the timeline's values (never geometry), the cards' figures, the table's rows."""
    return (
        C.values_patch(parts["map"]),
        *C.card_values(parts["head"], lang),
        grids.rows(cols, parts["records"], lang),
        C.timeline_patch(parts["timeline"]),
    )
