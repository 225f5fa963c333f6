"""Pieces the national and province views share: hover texts, the sortable table of places, recolouring."""

from __future__ import annotations

from dash import Patch

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


def place_text(r: dict, measure: str, lang: str) -> str:
    """Gives a place's hover text: name, all four shares, neighborhoods covered of all (RLE…PDF in
    Persian). It names every measure, so switching the measure changes colours only, not the text."""
    shares = " · ".join(f"{t('m_' + m, lang)} {i18n.pct(r.get(col), lang)}" for m, col in MEASURES.items())
    text = (
        f"{i18n.name(r, lang)} — {t('covered', lang)} {i18n.num(r['covered'], lang)}/"
        f"{i18n.num(r['neighborhoods'], lang)}<br>{shares}"
    )
    return i18n.rtl(text) if lang == "fa" else text


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


def place_rows(rows: list[dict], overdue: dict[str, int], lang: str, path: str, view: View) -> list[dict]:
    """Gives table rows for places (provinces or cities) with a link to each place's view."""
    q = view.query(province=None, city=None)
    out = []
    for r in rows:
        out.append(
            {
                "id": r["code"],
                "name": f"[{i18n.name(r, lang)}]({path}{r['code']}{q})",
                **{
                    k: (round(r[k], 1) if isinstance(r.get(k), float) else r.get(k))
                    for k in (
                        "neighborhoods",
                        "covered",
                        "coverage_count_pct",
                        "coverage_area_pct",
                        "coverage_population_pct",
                        "active",
                        "handed_over",
                        "handover_pct",
                    )
                },
                "overdue": overdue.get(r["code"], 0),
                "overdue_flag": 1 if overdue.get(r["code"]) else 0,
            }
        )
    return out


def recolour(
    mode: str, codes: list[str], rows: list[dict], measure: str, lang: str, texts: bool = True
) -> Patch:
    """Gives the Patch that recolours a map in place: values only, never the geometry again (and the
    hover texts only when the numbers changed, not for a mere switch of measure)."""
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
        if texts:
            patch["data"][0]["marker"]["size"] = C.point_sizes(
                [r["neighborhoods"] if r else 0 for r in ordered]
            )
    if texts:
        patch["data"][0]["text"] = [place_text(r, measure, lang) if r else "" for r in ordered]
    return patch
