"""Downloads of what is on screen (CSV, XLSX, GeoJSON), through the same export layer as `regen export`.

- city view → `neighborhoods` of the city on the as-of day (status, covered), kind filter applied;
- actions view → `actions` with their status on the as-of day, province / city filters applied;
- national and province views → the coverage table on screen: the `provinces` / `cities` export
  (names, geometry) joined to the coverage numbers of the SQL functions on the as-of day.
Dates are written as Jalali text in Persian (the loaders read both), ISO in English.
"""

from __future__ import annotations

from urllib.parse import quote

import pandas as pd

from dashboard import i18n, queries
from dashboard.auth_seam import allowed_province, check_place
from dashboard.i18n import t
from dashboard.urls import View
from etl.export import export_bytes, export_rows, to_csv, to_geojson, to_xlsx
from regen.db import Database
from regen.scope import Scope

COVERAGE_COLUMNS = (
    "neighborhoods", "covered", "coverage_count_pct", "area_ha", "covered_ha", "coverage_area_pct",
    "population", "covered_population", "coverage_population_pct",
    "planned", "established", "active", "handed_over", "closed", "handover_pct",
)  # fmt: skip


def for_view(db: Database, scope: Scope, pathname: str, view: View, fmt: str) -> tuple[bytes, str] | None:
    """Gives (file bytes, file name) of what the view at `pathname` shows, or None when it shows no table."""
    day, jalali = view.day, view.lang == "fa"
    path = (pathname or "/").rstrip("/") or "/"
    code = path.rsplit("/", 1)[-1]
    if path.startswith("/city/"):
        check_place(scope, queries.place_of(db, scope, "city", code)["province_code"])
        if view.kind:
            frame = export_rows(db, "neighborhoods", city=code, scope=scope, as_of=day)
            frame = frame[[view.kind in str(k).split(";") for k in frame["kinds"]]]
            data = _encode(frame, fmt, "neighborhoods")
        else:
            data = export_bytes(db, "neighborhoods", fmt, city=code, scope=scope, as_of=day, jalali=jalali)
        return data, _name("neighborhoods", code, view, fmt)
    if path == "/actions":
        province = allowed_province(scope, view.province)
        if view.city:  # an unknown city and another province's read alike (queries.place_of)
            queries.place_of(db, scope, "city", view.city)
        data = export_bytes(db, "actions", fmt, province=province, city=view.city, scope=scope, as_of=day,
                            jalali=jalali)  # fmt: skip
        return data, _name("actions", province or view.city or "", view, fmt)
    if path == "/":
        rows = queries.coverage_provinces(db, scope, day)
        places = export_rows(db, "provinces", province=allowed_province(scope, None), scope=scope)
        return _encode(_with_coverage(places, rows), fmt, "provinces"), _name(
            "coverage-provinces", "", view, fmt
        )
    if path.startswith("/province/"):
        rows = queries.coverage_cities(db, scope, day, province=code)
        places = export_rows(db, "cities", province=allowed_province(scope, code), scope=scope)
        return _encode(_with_coverage(places, rows), fmt, "cities"), _name("coverage-cities", code, view, fmt)
    return None


def _with_coverage(places: pd.DataFrame, rows: list[dict]) -> pd.DataFrame:
    """Gives the export rows of places with the coverage numbers of the same places added."""
    numbers = pd.DataFrame([{"code": r["code"], **{k: r.get(k) for k in COVERAGE_COLUMNS}} for r in rows])
    if numbers.empty:
        return places
    places = places.drop(columns=[c for c in COVERAGE_COLUMNS if c in places.columns and c != "area_ha"])
    numbers = numbers.rename(columns={"area_ha": "neighborhoods_area_ha"})
    merged = places.merge(numbers, on="code", how="inner")
    return merged[
        [c for c in merged.columns if c != "geometry"] + (["geometry"] if "geometry" in merged else [])
    ]


def _encode(frame: pd.DataFrame, fmt: str, sheet: str) -> bytes:
    if fmt == "geojson":
        return to_geojson(frame)
    table = pd.DataFrame(frame.drop(columns="geometry")) if "geometry" in frame.columns else frame
    if fmt == "csv":
        return to_csv(table)
    if fmt == "xlsx":
        return to_xlsx(table, sheet=sheet)
    raise ValueError(f"unknown export format {fmt!r}: use csv, xlsx or geojson")


def _name(what: str, code: str, view: View, fmt: str) -> str:
    """Gives the file's name in the view's language: the atlas, what it holds, the place, the day."""
    lang = view.lang
    return i18n.file_name(
        (t("dl_app", lang), t(f"dl_{what.replace('-', '_')}", lang), code), view.day, lang, fmt
    )


def attachment(name: str, ascii_name: str) -> str:
    """Gives the Content-Disposition of a download named `name` (RFC 6266 with RFC 5987's
    `filename*=UTF-8''…`, which browsers prefer), with `ascii_name` for clients that read only
    `filename` (give the English name: a Persian one has no ASCII form)."""
    plain = ascii_name.encode("ascii", "replace").decode().replace('"', "").replace("\\", "")
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(name, safe='')}"
