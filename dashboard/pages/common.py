"""Pieces the national and province views share: hovers, the sortable table of places, recolouring."""

from __future__ import annotations

from dash import ClientsideFunction, Input, Output, Patch, State

from dashboard import components as C
from dashboard import i18n
from dashboard.i18n import t
from dashboard.queries import MEASURES
from dashboard.urls import View
from regen.jalali import BadDate, parse_date


def as_of_from(text: str | None, view: View):
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


def place_values(r: dict | None, lang: str) -> list[str]:
    """Gives a place's hover values (covered, neighborhoods, the four shares) with ASCII digits: the
    figure's Persian font draws them as Persian digits."""
    if r is None:
        return ["—"] * (2 + len(MEASURES))
    return [
        i18n.num(r["covered"], lang, persian_digits=False),
        i18n.num(r["neighborhoods"], lang, persian_digits=False),
        *(i18n.pct(r.get(col), lang, persian_digits=False) for col in MEASURES.values()),
    ]


def place_hover(rows: list[dict], lang: str) -> dict:
    """Gives the hover of a map of places: names in `text`, values in `customdata`, the template."""
    return {
        "text": [i18n.name(r, lang) for r in rows],
        "customdata": [place_values(r, lang) for r in rows],
        "hovertemplate": place_template(lang),
    }


def place_columns(lang: str, first: str) -> list[dict]:
    return [
        {"id": "name", "name": t(first, lang), "presentation": "markdown"},
        C.column("neighborhoods", t("neighborhoods", lang), "numeric"),
        C.column("covered", t("covered", lang), "numeric"),
        C.column("coverage_count_pct", t("cov_count", lang), "numeric", 1),
        C.column("coverage_area_pct", t("cov_ha", lang), "numeric", 1),
        C.column("coverage_population_pct", t("cov_pop", lang), "numeric", 1),
        C.column("active", t("active", lang), "numeric"),
        C.column("handed_over", t("handed_over", lang), "numeric"),
        C.column("handover_pct", t("handover_pct", lang), "numeric", 1),
        C.column("overdue", t("overdue", lang), "numeric"),
    ]


PLACE_NUMBERS = (
    "neighborhoods",
    "covered",
    "coverage_count_pct",
    "coverage_area_pct",
    "coverage_population_pct",
    "active",
    "handed_over",
    "handover_pct",
)


def link_query(view: View) -> str:
    """Gives the query of the links in a table of places: the view's own filters, place left out."""
    return view.query(province=None, city=None)


def place_rows(rows: list[dict], overdue: dict[str, int], lang: str, path: str, view: View) -> list[dict]:
    """Gives table rows for places (provinces or cities) with a link to each place's view."""
    q = link_query(view)
    out = []
    for r in rows:
        out.append(
            {
                "id": r["code"],
                "name": f"[{i18n.name(r, lang)}]({path}{r['code']}{q})",
                **{k: (round(r[k], 1) if isinstance(r.get(k), float) else r.get(k)) for k in PLACE_NUMBERS},
                "overdue": overdue.get(r["code"], 0),
                "overdue_flag": 1 if overdue.get(r["code"]) else 0,
            }
        )
    return out


def recolour(
    mode: str, codes: list[str], rows: list[dict], measure: str, lang: str, values: bool = True
) -> Patch:
    """Gives the Patch that recolours a map in place: values only, never the geometry or a name again
    (and the hover values only when the numbers changed, not for a mere switch of measure)."""
    by_code = {r["code"]: r for r in rows}
    ordered = [by_code.get(c) for c in codes]
    z = [C.measure_value(r, measure) if r else C.NO_DATA for r in ordered]
    patch = Patch()
    if mode == "polygons":
        patch["data"][0]["z"] = z
        patch["data"][0]["colorbar"]["title"]["text"] = t(f"m_{measure}", lang)
    else:
        patch["data"][0]["marker"]["color"] = z
        patch["data"][0]["marker"]["colorbar"]["title"]["text"] = t(f"m_{measure}", lang)
    # Sizes are not sent: a point is sized by its target neighborhoods, which no date changes.
    if values:
        patch["data"][0]["customdata"] = [place_values(r, lang) for r in ordered]
    return patch


TABLE_VALUES = (*PLACE_NUMBERS, "overdue", "overdue_flag")  # what a new date changes in a row
WIRE_VALUES = TABLE_VALUES[:-1]  # overdue_flag follows from overdue in the browser


def _cell(was, now) -> str:
    """Gives a cell of a changed row: '' when it did not change, '-' when it has no value, else the
    number as the browser's Number() reads it back (12.0 as '12')."""
    if now == was:
        return ""
    if now is None:
        return "-"
    return str(int(now)) if isinstance(now, float) and now.is_integer() else str(now)


def changed_rows(shown: list[dict], now: list[dict]) -> str:
    """Gives the numbers that changed in a table of places, in one string (recolour.js unpackRows):
    a segment per row of `shown` (what the browser holds, in its order), ';' between segments; a
    changed row's WIRE_VALUES as _cell writes them, joined by ','; an unchanged row, or a row no
    longer there, empty; trailing empty segments left off. On a far date nearly every row changes and
    JSON arrays keyed by id cost three times the bytes."""
    new = {r["id"]: [r[k] for k in WIRE_VALUES] for r in now}
    segments = []
    for r in shown:
        was, v = [r[k] for k in WIRE_VALUES], new.get(r["id"])
        segments.append("" if v is None or v == was else ",".join(map(_cell, was, v)))
    return ";".join(segments).rstrip(";")


def _kept(shown: list[dict], rows: list[dict]) -> int:
    """Gives how many points the timeline shown has in common with the new one, from the start."""
    n = 0
    while n < min(len(shown), len(rows)) and shown[n] == rows[n]:
        n += 1
    return n


def spread_values(
    head: dict,
    table_rows: list[dict],
    timeline_rows: list[dict],
    view: View,
    shown: tuple[list[dict], list[dict]],
    measure: str | None = None,
) -> dict:
    """Gives what a new date (in `view`) changes in the cards, the place table and the timeline, as
    short values; `regen.places` in assets/recolour.js puts them in place in the browser (the names stay;
    their links get the new query, `q`, so that following one keeps the date). `shown` is the table and
    the timeline on the day the page shows: of the table only the numbers of rows that changed travel
    (changed_rows), of the timeline the points after those the two days share (`k` of them kept).
    `measure`: the map's points are the table's places, so the browser writes their colours (that
    measure, `m`, its index in MEASURES) and hover values (place_values) from the new rows."""
    shown_table, shown_timeline = shown
    keep = _kept(shown_timeline, timeline_rows)
    values = {
        "cards": C.card_values(head, view.lang),
        "q": link_query(view),
        "rows": changed_rows(shown_table, table_rows),
        "tl": {"k": keep, **C.timeline_values(timeline_rows[keep:])},
    }
    if measure:
        values["m"] = list(MEASURES).index(measure)
    return values


def register_spread(app, page: str) -> None:
    """Registers `regen.places` (assets/recolour.js) on a view of places (`nat`, `prov`): it spreads the
    short values of `<page>-values` over the cards, the place table, the timeline and (when they say
    so) the map's colours and hover values."""
    app.clientside_callback(
        ClientsideFunction("regen", "places"),
        Output(f"{page}-cards", "children"),
        Output(f"{page}-table", "data"),
        Output(f"{page}-timeline", "figure"),
        Output(f"{page}-map", "figure", allow_duplicate=True),
        Input(f"{page}-values", "data"),
        State(f"{page}-table", "data"),
        State(f"{page}-store", "data"),
        State(f"{page}-timeline", "figure"),
        prevent_initial_call=True,
    )
