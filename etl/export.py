"""Exports of provinces, cities, neighborhoods, offices, actions and targets as tables or GeoJSON.

`export_rows` gives a (Geo)DataFrame; `export_bytes` gives the file's bytes. What a table loader
reads, an export writes back under the same column names (codes, names as stored, dates), plus derived
columns the loaders accept and ignore (areas, current state, effective place). Formats:

- GeoJSON: RFC 7946 FeatureCollection in EPSG:4326 with the full geometry; dates as ISO text.
- CSV: UTF-8 with a BOM (Excel then shows Persian), comma-separated, ISO dates. No polygon geometry:
  `lat`/`lon` give the point itself (cities, offices) or a point inside the polygon (provinces,
  neighborhoods). Polygons travel in GeoJSON only: a WKT column would exceed Excel's 32,767
  characters per cell for most boundaries.
- XLSX: one sheet named for the entity, the same columns as CSV, dates as Excel dates.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely

from etl.tablefile import csv_cell
from regen import queries
from regen.db import Database
from regen.errors import RegenError
from regen.jalali import to_jalali
from regen.scope import ANONYMOUS, Scope
from regen.text import fa_normalize

ENTITIES = ("provinces", "cities", "neighborhoods", "offices", "actions", "targets")
FORMATS = ("geojson", "csv", "xlsx")
# Entities without geometry export as plain DataFrames (GeoJSON features with null geometry).
_GEOMETRIC = {"provinces", "cities", "neighborhoods", "offices"}
# Places and detail a provincial user sees for their own province only (Scope.sees_province).
_DETAIL = {"cities", "neighborhoods", "offices", "actions"}
# Targets are scoped by their own policy (0090): a provincial user gets its province's and the national
# ones; a city filter has no targets.


def export_rows(
    db: Database,
    entity: str,
    *,
    province: str | None = None,
    city: str | None = None,
    scope: Scope | None = None,
    as_of: dt.date | None = None,
) -> gpd.GeoDataFrame | pd.DataFrame:
    """Gives the current rows of `entity` (a GeoDataFrame in EPSG:4326 where it has geometry).

    `province` is a code (IR-23) or a province name in Persian or English; `city` a city code.
    `scope` is passed to the database with the query (row-level security sees it) and checked here
    too: cities and detail (neighborhoods, offices, actions) need a scope that sees the province; a provincial
    user's export is limited to their province; no scope is the anonymous one, which sees no detail.
    """
    if entity not in ENTITIES:
        raise RegenError(f"cannot export «{entity}»: choose one of {', '.join(ENTITIES)}")
    province = resolve_province(db, province) if province else None
    if city is not None:
        found = queries.run("city_exists", db, scope=scope, code=city)
        # another province's city reads like an unknown one (row-level security hides it too)
        if not found or (scope is not None and not scope.sees_province(found[0]["province_code"])):
            raise RegenError(f"no city with code «{city}»: see `regen export cities` for the codes")
        city_province = found[0]["province_code"]
    if entity in _DETAIL:
        province = _scoped_province(scope or ANONYMOUS, province, city_province if city else None)
    if entity == "targets":  # read under the policies: no scope is the anonymous one
        scope = scope or ANONYMOUS
        _scoped_province(scope, province, None)  # refuses the anonymous and another province
    params = {"province": province, "city": city, "as_of": as_of}
    with db.transaction(scope=scope) as cur:
        cur.execute(queries.sql(f"export_{entity}"), params)
        columns = [d.name for d in cur.description]  # known even when there are no rows
        frame = _typed_frame(cur.fetchall(), columns)
    if entity not in _GEOMETRIC:
        return frame
    wkb = frame.pop("geometry")
    geometry = shapely.from_wkb([bytes(g) if g is not None else None for g in wkb])
    return gpd.GeoDataFrame(frame, geometry=geometry, crs="EPSG:4326")


def export_bytes(db: Database, entity: str, fmt: str, *, jalali: bool = False, **filters: Any) -> bytes:
    """Gives the export of `entity` as GeoJSON, CSV (UTF-8 with BOM) or XLSX bytes.

    `jalali=True` writes dates as Jalali text (1397/07/10, ASCII digits) instead of ISO / Excel dates;
    the loaders read both.
    """
    if fmt not in FORMATS:
        raise RegenError(f"unknown export format «{fmt}»: choose one of {', '.join(FORMATS)}")
    frame = export_rows(db, entity, **filters)
    if jalali:
        for name in frame.columns:
            if name != "geometry" and any(isinstance(x, dt.date) for x in frame[name]):
                frame[name] = [
                    to_jalali(x, persian_digits=False) if isinstance(x, dt.date) else x for x in frame[name]
                ]
    if fmt == "geojson":
        return to_geojson(frame)
    table = pd.DataFrame(frame.drop(columns="geometry")) if "geometry" in frame.columns else frame
    return to_csv(table) if fmt == "csv" else to_xlsx(table, sheet=entity)


def _scoped_province(scope: Scope, province: str | None, city_province: str | None) -> str | None:
    """Gives the province filter a scope allows for detail rows; raises RegenError when it allows none."""
    if scope.role in ("national", "viewer"):
        return province
    if scope.role == "provincial" and scope.province:
        for asked in (province, city_province):
            if asked is not None and asked != scope.province:
                raise RegenError(
                    f"your account sees the detail of province {scope.province} only, not {asked}"
                )
        return scope.province
    raise RegenError(
        "cities, neighborhoods, offices and actions are shown to signed-in users only: sign in first"
    )


def resolve_province(db: Database, value: str) -> str:
    """Gives the province code for a code (IR-23, ir-23) or a Persian/English name (تهران, Tehran)."""
    key = fa_normalize(value)
    for p in queries.run("province_lookup", db):
        if key in (p["code"].lower(), p["name_key"], p["name_en_key"]):
            return p["code"]
    raise RegenError(f"no province «{value}»: give its code IR-00 … IR-30 or its name (e.g. IR-23 or تهران)")


# -- writers -------------------------------------------------------------------------------------------
def to_geojson(frame: pd.DataFrame) -> bytes:
    """Gives a FeatureCollection (UTF-8, Persian unescaped); geometry from the `geometry` column."""
    geoms = frame.geometry if isinstance(frame, gpd.GeoDataFrame) else [None] * len(frame)
    props = frame.drop(columns="geometry") if "geometry" in frame.columns else frame
    features = []
    for (_, row), geom in zip(props.iterrows(), geoms, strict=True):
        features.append(
            {
                "type": "Feature",
                "id": row.get("code"),
                "properties": {k: _json_value(v) for k, v in row.items()},
                "geometry": shapely.geometry.mapping(geom)
                if geom is not None and not geom.is_empty
                else None,
            }
        )
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False).encode("utf-8")


def to_csv(frame: pd.DataFrame) -> bytes:
    """Gives CSV in UTF-8 with a BOM; empty cells for missing values, ISO dates, true/false."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(frame.columns)
    for row in frame.itertuples(index=False):
        writer.writerow([_text_value(v) for v in row])
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(frame: pd.DataFrame, sheet: str = "export") -> bytes:
    """Gives an XLSX workbook with one sheet: a header row, then values (dates as Excel dates)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet[:31])

    def cell(v: Any) -> Any:
        v = _cell_value(v)
        if isinstance(v, str) and v.startswith("="):  # text from a file, never a formula Excel would run
            c = WriteOnlyCell(ws, value=v)
            c.data_type = "s"
            return c
        return v

    ws.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        ws.append([cell(v) for v in row])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _missing(v: Any) -> bool:
    return v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and math.isnan(v))


def _plain(v: Any) -> Any:
    """Gives a numpy scalar as the Python value it holds."""
    return v.item() if hasattr(v, "item") and not isinstance(v, dt.date) else v


def _json_value(v: Any) -> Any:
    if _missing(v):
        return None
    v = _plain(v)
    return v.isoformat() if isinstance(v, dt.date) else v


def _text_value(v: Any) -> str:
    if _missing(v):
        return ""
    v = _plain(v)
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return csv_cell(v)  # never a formula when the file is opened in a spreadsheet
    return v.isoformat() if isinstance(v, dt.date) else str(v)


def _cell_value(v: Any) -> Any:
    return None if _missing(v) else _plain(v)


def _typed_frame(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    """Gives a DataFrame whose integer and boolean columns stay so when some values are missing."""
    frame = pd.DataFrame(rows, columns=columns, dtype=object)
    for name in columns:
        values = [v for v in frame[name] if v is not None]
        if name == "geometry" or not values:
            continue
        if all(isinstance(v, bool) for v in values):
            frame[name] = frame[name].astype("boolean")
        elif all(isinstance(v, int) and not isinstance(v, bool) for v in values):
            frame[name] = frame[name].astype("Int64")
        elif all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
            frame[name] = frame[name].astype("float64")
    return frame
