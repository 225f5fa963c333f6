"""Reading a boundary file the way agencies send it: format, layer, CRS, attribute encoding, fields.

`open_source(...)` inspects the file (no features read yet) and gives a `Source` whose `batches()`
streams the features in Arrow batches, so memory does not grow with the file.
"""

from __future__ import annotations

import json
import math
import re
import shutil
import tempfile
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyogrio
import pyproj

from etl import encodings
from etl.iran import IRAN_BBOX, swapped_into_iran
from etl.runs import LoadError

UTM_ZONES = {38: "EPSG:32638", 39: "EPSG:32639", 40: "EPSG:32640", 41: "EPSG:32641"}
# How to fix a file written latitude-first (the boundary loader says it for each such feature).
SWAP_FIX = (
    "export it again with x = longitude and y = latitude (in QGIS: Processing › Vector geometry › "
    "Swap X and Y coordinates)"
)
BATCH = 500  # features per Arrow batch: a few MB of coordinates, whatever the file's size

# Field-name candidates tried (in order) when --name-field / --name-en-field are not given.
NAME_CANDIDATES = (
    "name:fa",
    "name_fa",
    "NAME_FA",
    "Name_Fa",
    "nam_fa",
    "name",
    "NAME",
    "Name",
    "نام",
    "tags.name",
)
NAME_EN_CANDIDATES = ("name:en", "name_en", "NAME_EN", "Name_En", "tags.name:en")


@dataclass
class Source:
    """A readable layer of a boundary file, with what was decided about it."""

    path: Path
    gdal_path: str
    layer: str | None
    driver: str
    fields: list[str]
    features: int | None
    encoding: str
    crs: str | None  # as read from the file or --source-crs; None when assumed lon/lat
    source_crs: str  # what goes into the report
    notes: list[str] = field(default_factory=list)
    open_encoding: str | None = None  # passed to GDAL (Shapefiles without .cpg)
    # GeoJSON: the stream opened while inspecting the file (GDAL scans a GeoJSON whole to open it: once)
    stream: Any = None
    fid_column: str | None = None  # GeoJSON: the column of GDAL's feature ids (the features' "id")
    tmpdir: Path | None = None  # a re-encoded copy of the file lives here while the Source is open

    def __enter__(self) -> Source:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
        if self.tmpdir is not None:
            shutil.rmtree(self.tmpdir, ignore_errors=True)

    def close(self) -> None:
        if self.stream is not None:
            (ctx, _reader), self.stream = self.stream, None
            ctx.__exit__(None, None, None)

    @property
    def needs_transform(self) -> bool:
        return self.crs is not None and not _is_wgs84(self.crs)

    def transformer(self) -> pyproj.Transformer:
        return pyproj.Transformer.from_crs(pyproj.CRS.from_user_input(self.crs), "EPSG:4326", always_xy=True)

    def resolve(
        self, path: str | None, option: str, required: bool = False, candidates: tuple[str, ...] = ()
    ) -> FieldPath | None:
        """Gives the accessor of a (possibly dotted) field path, or None when not given and not found."""
        if path is None:
            for c in candidates:
                found = self._lookup(c)
                if found is not None:
                    self.notes.append(f"{option} not given: using field {c}")
                    return found
            if required:
                raise LoadError(
                    f"{self.path}: no name field found (tried {', '.join(candidates)}); give {option} "
                    f"with one of the file's fields: {', '.join(self.fields) or '(none)'}"
                )
            return None
        found = self._lookup(path)
        if found is None:
            raise LoadError(
                f"{self.path}: {option} {path!r} is not a field of the file; its fields are: "
                f"{', '.join(self.fields) or '(none)'} (nested properties as e.g. tags.name)"
            )
        return found

    def _lookup(self, path: str) -> FieldPath | None:
        if path in self.fields:
            return FieldPath(path, path, ())
        if path == "id" and self.fid_column:  # RFC 7946: a feature's "id" is a member, not a property
            return FieldPath(path, self.fid_column, ())
        # dotted path: the longest leading part that is a column, the rest are keys inside its JSON
        parts = path.split(".")
        for i in range(len(parts) - 1, 0, -1):
            column = ".".join(parts[:i])
            if column in self.fields:
                return FieldPath(path, column, tuple(parts[i:]))
        return None

    def sample_keys(self, column: str, limit: int = 200) -> list[str]:
        """Gives the keys seen inside a JSON column over the first features (to help name a field)."""
        keys: dict[str, None] = {}
        with pyogrio.raw.open_arrow(
            self.gdal_path,
            layer=self.layer,
            columns=[column],
            batch_size=limit,
            use_pyarrow=True,
            read_geometry=False,
        ) as (_meta, reader):
            for batch in reader:  # the first batch only
                for v in batch.column(column).to_pylist():
                    if isinstance(v, str):
                        try:
                            v = json.loads(v)
                        except ValueError:
                            continue
                    if isinstance(v, dict):
                        keys.update(dict.fromkeys(v))
                break
        return list(keys)

    def batches(self, columns: list[str]) -> Iterator[Any]:
        """Gives pyarrow RecordBatches of the chosen columns plus the geometry (WKB) as the last column."""
        kwargs: dict[str, Any] = {"encoding": self.open_encoding} if self.open_encoding else {}
        fids = self.fid_column in columns
        if fids:  # read again with GDAL's feature ids (the stream opened to inspect the file has none)
            columns = [c for c in columns if c != self.fid_column]
            kwargs["return_fids"] = True
            self.close()
        done, numbered = 0, fids
        try:
            with warnings.catch_warnings(record=True) as said:
                # GDAL renumbers repeated feature ids and says so: when the ids are the codes, that is
                # the file's error; otherwise codes are checked by the loader.
                warnings.simplefilter("always")
                if self.stream is None:
                    ctx = pyogrio.raw.open_arrow(
                        self.gdal_path,
                        layer=self.layer,
                        columns=columns,
                        batch_size=BATCH,
                        use_pyarrow=True,
                        **kwargs,
                    )
                    self.stream = (ctx, ctx.__enter__()[1])
                try:
                    for batch in self.stream[1]:
                        repeated = [w for w in said if fids and _harmless(w.message)]
                        if repeated:
                            raise LoadError(
                                f"{self.path}: {_gdal_message(repeated[0].message).split('. ')[0]}: the "
                                'features\' "id" is given as --code-field, so each must be different. '
                                "Fix the file, or give another --code-field."
                            )
                        if fids:  # ids 0, 1, 2 … are GDAL's numbering of features that have no "id"
                            ids = batch.column(self.fid_column).to_pylist()
                            numbered = numbered and ids == list(range(done, done + batch.num_rows))
                        done += batch.num_rows
                        yield batch
                finally:
                    self.close()
                    # GDAL's warnings are the report's notes, never raw lines on the user's terminal
                    self.notes += [
                        f"GDAL: {_gdal_message(w.message)}" for w in said if not _harmless(w.message)
                    ]
        except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, OSError) as e:
            raise LoadError(
                f"{self.path}: reading stopped after {done} feature(s): {_gdal_message(e)}. "
                "The file looks damaged or truncated: export it again and retry."
            ) from e
        if numbered and done:
            raise LoadError(
                f'{self.path}: --code-field id: the features carry no "id" (neither a member of the '
                f"feature nor a property); its fields are: {', '.join(self.fields) or '(none)'}"
            )


@dataclass(frozen=True)
class FieldPath:
    """A field as asked for (`tags.name`) and how to reach it: a column, then keys inside its JSON."""

    asked: str
    column: str
    keys: tuple[str, ...]

    def values(self, column_values: list[Any]) -> list[Any]:
        """Gives the values of this field for a batch's column values (None where missing)."""
        if not self.keys:
            return [_clean(v) for v in column_values]
        out = []
        for v in column_values:
            if isinstance(v, str):
                try:
                    v = json.loads(v)
                except ValueError:
                    v = None
            out.append(_dig(v, self.keys))
        return out


def _dig(obj: Any, keys: tuple[str, ...]) -> Any:
    for i, k in enumerate(keys):
        if not isinstance(obj, dict):
            return None
        rest = ".".join(keys[i:])
        if rest in obj:  # keys may hold dots themselves
            return _clean(obj[rest])
        obj = obj.get(k)
    return _clean(obj)


def _clean(v: Any) -> Any:
    # Missing values arrive as None, NaN or empty strings depending on driver and type.
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    if isinstance(v, str):
        v = v.strip()
        return v or None
    if isinstance(v, float) and v.is_integer():
        return str(int(v))  # codes read as numbers: 6554884.0 → "6554884"
    return str(v) if not isinstance(v, dict | list) else json.dumps(v, ensure_ascii=False)


def open_source(
    path: Path,
    layer: str | None = None,
    source_crs: str | None = None,
    encoding: str | None = None,
    hint_crs_check: Any = None,
) -> Source:
    """Gives the Source of `path` after checking it can be read; raises LoadError naming what to fix.

    `hint_crs_check(zone_lonlat_bounds) -> str | None` may name where coordinates land (for the UTM hint).
    """
    path = Path(path)
    if not path.exists():
        raise LoadError(f"{path}: no such file")
    _check_not_junk(path)
    gdal_path, shp = _gdal_path(path, layer)
    if shp is not None:
        layer_arg = None
    else:
        layer_arg = layer
    geojson = path.suffix.lower() in (".geojson", ".json")
    # A GeoJSON file is one layer; opening it to list layers would parse it a whole extra time.
    if shp is None and layer is None and not geojson:
        try:
            with warnings.catch_warnings():  # what GDAL says on the way is in the error, if it fails
                warnings.simplefilter("ignore")
                layers = pyogrio.list_layers(gdal_path)
        except pyogrio.errors.DataSourceError as e:
            raise _unreadable(path, e) from e
        if len(layers) > 1:
            names = ", ".join(str(n) for n, _ in layers)
            raise LoadError(f"{path}: holds {len(layers)} layers ({names}); choose one with --layer")
    notes: list[str] = []
    open_encoding, tmpdir = None, None
    if shp is not None:
        _check_shapefile_parts(path, shp)
        enc, open_encoding = encodings.shapefile_encoding(
            path, shp, _read_member(path, shp, ".cpg"), encoding, notes
        )
    elif geojson:
        enc = encodings.geojson_encoding(path, encoding, notes)
        if enc != encodings.UTF8:  # GDAL reads GeoJSON as UTF-8 only (RFC 7946): read a UTF-8 copy
            tmpdir = Path(tempfile.mkdtemp(prefix="regen-geojson-"))
            gdal_path = str(tmpdir / path.name)
            encodings.recode(path, enc, gdal_path)
    else:
        enc = "utf-8"  # GeoPackage: UTF-8 by definition
    stream = None
    try:
        with warnings.catch_warnings(record=True) as said:
            warnings.simplefilter("always")
            if geojson:
                # Opening a GeoJSON parses all of it (GDAL learns its fields): open the stream once, here.
                stream = pyogrio.raw.open_arrow(gdal_path, batch_size=BATCH, use_pyarrow=True)
                info, reader = stream.__enter__()
                stream = (stream, reader)
            else:
                info = pyogrio.read_info(gdal_path, layer=layer_arg, encoding=open_encoding)
            if not (source_crs or info.get("crs")) and info.get("total_bounds") is None:
                # only a file without CRS needs its extent (to tell lon/lat from UTM): one more pass then
                info = pyogrio.read_info(
                    gdal_path, layer=layer_arg, encoding=open_encoding, force_total_bounds=True
                )
        notes += [f"GDAL: {_gdal_message(w.message)}" for w in said if not _harmless(w.message)]
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as e:
        if tmpdir is not None:
            shutil.rmtree(tmpdir, ignore_errors=True)
        raise _unreadable(path, e) from e
    try:
        src = _inspect(
            path, gdal_path, layer_arg, info, stream, enc, open_encoding, notes, source_crs, hint_crs_check
        )
    except BaseException:
        if stream is not None:
            stream[0].__exit__(None, None, None)
        if tmpdir is not None:
            shutil.rmtree(tmpdir, ignore_errors=True)
        raise
    src.tmpdir = tmpdir
    if geojson and "OGC_FID" not in src.fields and "id" not in src.fields:
        src.fid_column = "OGC_FID"
    return src


def _harmless(message: Warning) -> bool:
    # GDAL renumbers repeated feature ids and says so; codes are checked by the loader.
    return "Several features with id" in str(message)


def _inspect(
    path, gdal_path, layer_arg, info, stream, enc, open_encoding, notes, source_crs, hint_crs_check
) -> Source:
    fields = [str(f) for f in info["fields"]]
    bounds = info.get("total_bounds")
    if info.get("features") == 0 or (stream is not None and not fields and _empty_collection(path)):
        layer_name = layer_arg or (info.get("layer_name") if info.get("driver") == "GPKG" else None)
        what = f"its layer {layer_name!r}" if layer_name else "the file"
        raise LoadError(
            f"{path}: {what} holds no features (it is empty): nothing to load. Export the boundaries "
            "again, with their polygons"
        )
    crs = source_crs or info.get("crs")
    if info.get("geometry_type") is None and stream is None:
        raise LoadError(
            f"{path}: its layer {info.get('layer_name') or ''!r} has no geometry column: it is a table, "
            "not boundaries (a table of points is loaded with `regen load cities`)"
        )
    if source_crs:
        try:
            pyproj.CRS.from_user_input(source_crs)
        except pyproj.exceptions.CRSError as e:
            raise LoadError(f"--source-crs {source_crs!r} is not a known CRS (give e.g. EPSG:32639)") from e
        if info.get("crs"):
            notes.append(f"--source-crs {source_crs} overrides the file's own CRS {info['crs']}")
        report_crs = source_crs
    elif crs:
        report_crs = crs if len(crs) < 80 else pyproj.CRS.from_user_input(crs).name
    else:
        report_crs = _guess_missing_crs(path, bounds, hint_crs_check)
        notes.append(
            "the file declares no CRS: its coordinates are longitudes/latitudes in Iran, read as EPSG:4326"
        )
    return Source(
        path=path,
        gdal_path=gdal_path,
        layer=layer_arg,
        driver=info.get("driver") or "?",
        fields=fields,
        features=info.get("features"),
        encoding=enc,
        crs=crs,
        source_crs=report_crs,
        notes=notes,
        open_encoding=open_encoding,
        stream=stream,
    )


def _empty_collection(path: Path) -> bool:
    # GDAL does not count a GeoJSON's features without another pass; an empty one is a few bytes.
    return (
        path.stat().st_size < 65536 and re.search(rb'"features"\s*:\s*\[\s*\]', path.read_bytes()) is not None
    )


def _is_wgs84(crs: str) -> bool:
    if crs.upper() in ("EPSG:4326", "OGC:CRS84"):
        return True
    try:
        c = pyproj.CRS.from_user_input(crs)
    except pyproj.exceptions.CRSError:
        return False
    return c.to_epsg() == 4326 or c.equals(pyproj.CRS("OGC:CRS84"))


def _guess_missing_crs(path: Path, bounds: Any, hint: Any) -> str:
    if bounds is None or any(b is None or (isinstance(b, float) and math.isnan(b)) for b in bounds):
        return "EPSG:4326"
    x0, y0, x1, y1 = bounds
    if IRAN_BBOX[0] <= x0 and x1 <= IRAN_BBOX[2] and IRAN_BBOX[1] <= y0 and y1 <= IRAN_BBOX[3]:
        return "EPSG:4326"
    span = f"x {x0:,.0f}…{x1:,.0f}, y {y0:,.0f}…{y1:,.0f}"
    zones = []
    for zone, epsg in UTM_ZONES.items():
        t = pyproj.Transformer.from_crs(epsg, "EPSG:4326", always_xy=True)
        lon0, lat0, lon1, lat1 = t.transform_bounds(x0, y0, x1, y1)
        if IRAN_BBOX[0] <= lon0 and lon1 <= IRAN_BBOX[2] and IRAN_BBOX[1] <= lat0 and lat1 <= IRAN_BBOX[3]:
            zones.append((zone, epsg, hint((lon0, lat0, lon1, lat1)) if hint else None))
    if not zones and swapped_into_iran(x0, y0, x1, y1):
        raise LoadError(
            f"{path}: the file declares no CRS and its coordinates ({span}) are latitude, longitude: "
            f"x and y are swapped: {SWAP_FIX}"
        )
    if not zones:
        raise LoadError(
            f"{path}: the file declares no CRS and its coordinates ({span}) are neither longitudes/latitudes "
            "in Iran nor UTM zones 38N–41N (EPSG:32638–32641); give the CRS with --source-crs EPSG:NNNN"
        )
    placed = [z for z in zones if z[2]]
    best = placed if placed and len(placed) < len(zones) else zones
    if len(best) == 1:
        zone, epsg, where = best[0]
        at = f" (they then fall in {where})" if where else ""
        guess = f"they look like UTM zone {zone}N, {epsg}{at}"
        fix = f"--source-crs {epsg}"
    else:
        guess = (
            "they look like UTM coordinates; zones "
            + ", ".join(f"{z}N ({e})" for z, e, _ in best)
            + " all place them in Iran — ask the sender which one"
        )
        fix = f"--source-crs {best[0][1]} (or the zone the sender names)"
    raise LoadError(
        f"{path}: the file declares no CRS (no .prj) and its coordinates ({span}) are not "
        "longitudes/latitudes; "
        f"{guess}. Rerun with {fix}."
    )


def _gdal_path(path: Path, layer: str | None) -> tuple[str, str | None]:
    """Gives (GDAL path, Shapefile member name or None)."""
    suffix = path.suffix.lower()
    if suffix == ".zip":
        try:
            with zipfile.ZipFile(path) as z:
                shps = [
                    n for n in z.namelist() if n.lower().endswith(".shp") and not n.startswith("__MACOSX")
                ]
        except zipfile.BadZipFile:
            raise LoadError(
                f"{path}: is not a zip file (damaged, cut short, or another file named .zip): export or "
                "download it again, or give the Shapefile's .shp with its parts beside it"
            ) from None
        if not shps:
            raise LoadError(f"{path}: the zip holds no .shp file (a zipped Shapefile is expected)")
        if layer:
            shps = [n for n in shps if Path(n).stem == layer] or shps
            if Path(shps[0]).stem != layer:
                raise LoadError(f"{path}: no {layer}.shp in the zip; it holds {', '.join(shps)}")
        if len(shps) > 1:
            raise LoadError(
                f"{path}: the zip holds several Shapefiles ({', '.join(shps)}); choose one with --layer"
            )
        return f"/vsizip/{path.resolve()}/{shps[0]}", shps[0]
    if suffix == ".shp":
        return str(path), path.name
    return str(path), None


def _read_member(path: Path, shp: str, ext: str) -> bytes | None:
    """Gives the bytes of the Shapefile part with extension `ext` (any case), or None."""
    stem = shp[: -len(".shp")]
    if path.suffix.lower() == ".zip":
        with zipfile.ZipFile(path) as z:
            names = {n.lower(): n for n in z.namelist()}
            n = names.get((stem + ext).lower())
            return z.read(n) if n else None
    for cand in (path.with_suffix(ext), path.with_suffix(ext.upper())):
        if cand.exists():
            return cand.read_bytes()
    return None


def _has_member(path: Path, shp: str, ext: str) -> bool:
    stem = shp[: -len(".shp")]
    if path.suffix.lower() == ".zip":
        with zipfile.ZipFile(path) as z:
            return (stem + ext).lower() in {n.lower() for n in z.namelist()}
    return path.with_suffix(ext).exists() or path.with_suffix(ext.upper()).exists()


def _check_shapefile_parts(path: Path, shp: str) -> None:
    missing = [ext for ext in (".shx", ".dbf") if not _has_member(path, shp, ext)]
    if missing:
        stem = Path(shp).stem
        raise LoadError(
            f"{path}: the Shapefile {stem} has no {' or '.join(stem + m for m in missing)}: a Shapefile is "
            f"several files (.shp, .shx, .dbf, and .prj/.cpg when known) that must travel together — ask "
            f"the sender for the missing part(s), or send them all in one .zip"
        )
    prj = _read_member(path, shp, ".prj")
    if prj is not None and prj.strip():
        try:
            pyproj.CRS.from_wkt(prj.decode("utf-8", "replace"))
        except pyproj.exceptions.CRSError:
            raise LoadError(
                f"{path}: the Shapefile's .prj (its CRS) is damaged and cannot be read: ask the sender "
                "for it again, or delete it and give the CRS with --source-crs EPSG:NNNN"
            ) from None


def _gdal_message(e: Exception | Warning) -> str:
    text = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    # GDAL's advice on drivers speaks to programmers, not to whoever sent the file.
    return text.split("; It might help to specify the correct driver")[0].rstrip(". ")


FORMATS = {
    ".geojson": "GeoJSON",
    ".json": "GeoJSON",
    ".gpkg": "GeoPackage",
    ".shp": "Shapefile",
    ".zip": "zipped Shapefile",
}


def _check_not_junk(path: Path) -> None:
    """Refuses another kind of file, an empty one, or a web page saved under a boundary file's name,
    before GDAL sees it."""
    if path.suffix.lower() not in FORMATS:
        table = path.suffix.lower() in (".csv", ".xlsx", ".xlsm", ".xls", ".txt", ".tsv")
        raise LoadError(
            f"{path}: is not a boundary file: `regen load boundaries` reads GeoJSON (.geojson, .json), "
            "Shapefiles (.shp with its parts, or a .zip of them) and GeoPackages (.gpkg)"
            + (
                "; a table of points is loaded with `regen load cities` (or offices …)"
                if table
                else "; convert other formats first, e.g. `ogr2ogr -f GPKG out.gpkg FILE`"
            )
        )
    if path.stat().st_size == 0:
        raise LoadError(f"{path}: the file is empty (0 bytes): the export or the download did not finish")
    with open(path, "rb") as f:
        head = f.read(4096).lstrip().lower()
    if path.suffix.lower() == ".gpkg" and not head.startswith(b"sqlite format 3\x00"):
        raise LoadError(
            f"{path}: is not a GeoPackage (a GeoPackage is an SQLite database; this is "
            + ("a zip or an Excel workbook" if head.startswith(b"pk") else "another kind of file")
            + "): give the file with its real extension, or export it again as GeoPackage"
        )
    if path.suffix.lower() in (".geojson", ".json") and b"\x00" in head:
        raise LoadError(
            f"{path}: the file is not text, so not a GeoJSON (a Shapefile or GeoPackage renamed?): "
            "give the file with its real extension (.shp, .zip, .gpkg), or export it again as GeoJSON"
        )
    if head.startswith((b"<!doctype html", b"<html", b"<?xml", b"<head", b"<body")):
        raise LoadError(
            f"{path}: the file is a web page (HTML), not a boundary file: a failed download saves the "
            "error page under the file's name. Download or export the file again."
        )


def _unreadable(path: Path, e: Exception) -> LoadError:
    msg = _gdal_message(e)
    kind = FORMATS.get(path.suffix.lower(), "a GeoJSON, Shapefile or GeoPackage")
    return LoadError(
        f"{path}: cannot be read as {kind}: {msg}. Is the file complete (not truncated) and of that format? "
        "Export it again and retry."
    )
