"""What a boundary file is before GDAL reads it: its format (junk, empty, HTML or misnamed files are
refused), the path GDAL opens (a zipped Shapefile inside its zip), and a Shapefile's parts."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pyproj

from etl.runs import LoadError

FORMATS = {
    ".geojson": "GeoJSON",
    ".json": "GeoJSON",
    ".gpkg": "GeoPackage",
    ".shp": "Shapefile",
    ".zip": "zipped Shapefile",
}


def check_not_junk(path: Path) -> None:
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


def gdal_path(path: Path, layer: str | None) -> tuple[str, str | None]:
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


def read_member(path: Path, shp: str, ext: str) -> bytes | None:
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


def check_shapefile_parts(path: Path, shp: str) -> None:
    """Refuses a Shapefile without its .shx or .dbf, or with a .prj that cannot be read."""
    missing = [ext for ext in (".shx", ".dbf") if not _has_member(path, shp, ext)]
    if missing:
        stem = Path(shp).stem
        raise LoadError(
            f"{path}: the Shapefile {stem} has no {' or '.join(stem + m for m in missing)}: a Shapefile is "
            f"several files (.shp, .shx, .dbf, and .prj/.cpg when known) that must travel together — ask "
            f"the sender for the missing part(s), or send them all in one .zip"
        )
    prj = read_member(path, shp, ".prj")
    if prj is not None and prj.strip():
        try:
            pyproj.CRS.from_wkt(prj.decode("utf-8", "replace"))
        except pyproj.exceptions.CRSError:
            raise LoadError(
                f"{path}: the Shapefile's .prj (its CRS) is damaged and cannot be read: ask the sender "
                "for it again, or delete it and give the CRS with --source-crs EPSG:NNNN"
            ) from None


def gdal_message(e: Exception | Warning) -> str:
    """Gives the first line of what GDAL said, without its advice to programmers."""
    text = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    # GDAL's advice on drivers speaks to programmers, not to whoever sent the file.
    return text.split("; It might help to specify the correct driver")[0].rstrip(". ")


def unreadable(path: Path, e: Exception) -> LoadError:
    """Gives the error for a file GDAL cannot open as the format its extension names."""
    msg = gdal_message(e)
    kind = FORMATS.get(path.suffix.lower(), "a GeoJSON, Shapefile or GeoPackage")
    return LoadError(
        f"{path}: cannot be read as {kind}: {msg}. Is the file complete (not truncated) and of that format? "
        "Export it again and retry."
    )
