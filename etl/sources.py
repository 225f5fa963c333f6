"""Reading a boundary file the way agencies send it: format, layer, CRS, attribute encoding, fields.

`open_source(...)` inspects the file (no features read yet) and gives a `Source` whose `batches()`
streams the features in Arrow batches, so memory does not grow with the file. What the file is
before GDAL opens it is checked by etl/boundary_files.py; a missing CRS is guessed by etl/crs.py.
"""

from __future__ import annotations

import json
import math
import re
import shutil
import tempfile
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyogrio
import pyproj

from etl import boundary_files as files
from etl import encodings
from etl.crs import guess_missing_crs, is_wgs84
from etl.runs import LoadError

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
        return self.crs is not None and not is_wgs84(self.crs)

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
                                f"{self.path}: {files.gdal_message(repeated[0].message).split('. ')[0]}: the "
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
                    self.notes += _gdal_notes(said)
        except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, OSError) as e:
            raise LoadError(
                f"{self.path}: reading stopped after {done} feature(s): {files.gdal_message(e)}. "
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
    files.check_not_junk(path)
    gdal_path, shp = files.gdal_path(path, layer)
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
            raise files.unreadable(path, e) from e
        if len(layers) > 1:
            names = ", ".join(str(n) for n, _ in layers)
            raise LoadError(f"{path}: holds {len(layers)} layers ({names}); choose one with --layer")
    notes: list[str] = []
    open_encoding, tmpdir = None, None
    if shp is not None:
        files.check_shapefile_parts(path, shp)
        enc, open_encoding = encodings.shapefile_encoding(
            path, shp, files.read_member(path, shp, ".cpg"), encoding, notes
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
        notes += _gdal_notes(said)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as e:
        if tmpdir is not None:
            shutil.rmtree(tmpdir, ignore_errors=True)
        raise files.unreadable(path, e) from e
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


def _gdal_notes(said: list[warnings.WarningMessage]) -> list[str]:
    # GDAL's warnings are the report's notes, never raw lines on the user's terminal
    return [f"GDAL: {files.gdal_message(w.message)}" for w in said if not _harmless(w.message)]


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
        report_crs = guess_missing_crs(path, bounds, hint_crs_check)
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
