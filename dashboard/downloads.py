"""Downloads of what is on screen (CSV, XLSX, GeoJSON), for the view a URL describes.

When the ETL's `etl.export.export_bytes` is there, the same export as `regen export` is used; until
then (and for views it has no entity for) the rows come from this dashboard's query layer.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

from dashboard import queries
from dashboard.urls import View
from regen.db import Database
from regen.scope import Scope


def _entity(pathname: str, view: View) -> tuple[str, dict] | None:
    """Gives (entity, filters) for a view's path, or None for views with nothing to export."""
    if pathname in ("/", ""):
        return "coverage_provinces", {}
    if pathname.startswith("/province/"):
        return "coverage_cities", {"province": pathname.rstrip("/").rsplit("/", 1)[-1]}
    if pathname.startswith("/city/"):
        return "neighborhoods", {"city": pathname.rstrip("/").rsplit("/", 1)[-1]}
    if pathname.startswith("/actions"):
        return "actions", {"province": view.province, "city": view.city}
    return None


def for_view(db: Database, scope: Scope, pathname: str, view: View, fmt: str) -> tuple[bytes, str] | None:
    """Gives (file bytes, file name) of the view's table in `fmt`, or None when it has none."""
    found = _entity(pathname or "/", view)
    if found is None:
        return None
    entity, filters = found
    stamp = view.day.isoformat()
    name = "-".join(x for x in (entity, filters.get("province") or "", filters.get("city") or "", stamp) if x)
    filename = f"{name}.{fmt}"
    try:
        from etl.export import export_bytes  # the ETL's export, shared with `regen export`
    except ImportError:
        export_bytes = None
    if export_bytes is not None:
        try:
            return export_bytes(db, entity, fmt, scope=scope, as_of=view.day, **filters), filename
        except (KeyError, ValueError, NotImplementedError):
            pass  # an entity the ETL export does not know: fall back to the rows on screen
    rows, shapes = _rows(db, scope, entity, view, filters)
    return _encode(rows, shapes, fmt), filename


def _rows(
    db: Database, scope: Scope, entity: str, view: View, filters: dict
) -> tuple[list[dict], dict | None]:
    day = view.day
    if entity == "coverage_provinces":
        return queries.coverage_provinces(db, scope, day), None
    if entity == "coverage_cities":
        return queries.coverage_cities(db, scope, day, province=filters["province"]), None
    if entity == "neighborhoods":
        rows = queries.neighborhoods(db, scope, filters["city"], day, view.kind)
        return rows, queries.neighborhood_shapes(db, scope, filters["city"])
    return queries.actions(db, scope, day, province=filters.get("province"), city=filters.get("city")), None


def _plain(v):
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    if isinstance(v, list):
        return ";".join(map(str, v))
    return v


def _encode(rows: list[dict], shapes: dict | None, fmt: str) -> bytes:
    cols = [c for c in (rows[0].keys() if rows else []) if c not in ("lon", "lat")]
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(cols)
        w.writerows([[_plain(r[c]) for c in cols] for r in rows])
        return ("\ufeff" + buf.getvalue()).encode("utf-8")  # BOM: Excel then reads Persian as UTF-8
    if fmt == "xlsx":
        from openpyxl import Workbook

        wb = Workbook()
        ws = wb.active
        ws.sheet_view.rightToLeft = True
        ws.append(cols)
        for r in rows:
            ws.append([_plain(r[c]) for c in cols])
        out = io.BytesIO()
        wb.save(out)
        return out.getvalue()
    if fmt == "geojson":
        geoms = {f["id"]: f["geometry"] for f in (shapes or {}).get("features", [])}
        features = []
        for r in rows:
            geom = geoms.get(r.get("code"))
            if geom is None and r.get("lon") is not None:
                geom = {"type": "Point", "coordinates": [r["lon"], r["lat"]]}
            features.append(
                {"type": "Feature", "geometry": geom, "properties": {c: _plain(r[c]) for c in cols}}
            )
        return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False).encode(
            "utf-8"
        )
    raise ValueError(f"unknown export format {fmt!r}: use csv, xlsx or geojson")
