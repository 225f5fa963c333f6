"""No input ends in a traceback: every loader fed a spread of broken files (each built here) exits
non-zero with one paragraph that names the file, and leaves the database exactly as it was.

Some run through the real `regen` executable in a subprocess (what a user's terminal shows: stderr
included, so GDAL's or Python's warnings would show up here); the rest through click's runner.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from regen.cli import cli
from regen.db import Database
from tests.conftest import drop_database, new_database
from tests.table_fixtures import fingerprint, insert_places

REGEN = Path(sys.executable).with_name("regen")
TABLES = ("cities", "offices", "neighborhood-facts", "actions")
BOUNDARY_ARGS = ("--level", "city", "--name-field", "name", "--province", "IR-25")


def _qom(iran_osm: Path) -> dict:
    return json.loads((iran_osm / "counties" / "IR-25.geojson").read_text(encoding="utf-8"))


def _xlsx_bytes(tmp: Path) -> bytes:
    wb = openpyxl.Workbook()
    wb.active.append(["code", "name_fa"])
    wb.active.append(["x", "ایکس"])
    wb.save(tmp / "real.xlsx")
    return (tmp / "real.xlsx").read_bytes()


HTML = "<!DOCTYPE html>\n<html><head><title>404</title></head><body>Not Found</body></html>\n"
GARBAGE = bytes(range(256)) * 20


# Each case: (file name, builder(tmp, iran_osm) -> bytes, words the message must hold).
BOUNDARY_CASES: list[tuple[str, Callable[[Path, Path], bytes], str]] = [
    ("empty.geojson", lambda t, o: b"", "the file is empty (0 bytes)"),
    ("garbage.geojson", lambda t, o: GARBAGE, "the file is not text, so not a GeoJSON"),
    (
        "cut.geojson",
        lambda t, o: (o / "counties" / "IR-25.geojson").read_bytes()[:4000],
        "cannot be read as GeoJSON",
    ),
    ("page.geojson", lambda t, o: HTML.encode(), "is a web page (HTML)"),
    ("page.zip", lambda t, o: HTML.encode(), "is a web page (HTML)"),
    ("junk.zip", lambda t, o: GARBAGE, "is not a zip file"),
    ("nolayer.zip", lambda t, o: _zip({"readme.txt": b"see attached"}), "the zip holds no .shp file"),
    ("table.csv", lambda t, o: b"code,name\n1,x\n", "is not a boundary file"),
    ("book.gpkg", lambda t, o: _xlsx_bytes(t), "is not a GeoPackage"),
    ("notgeo.json", lambda t, o: b'{"rows": [1, 2, 3]}', "cannot be read as GeoJSON"),
    ("nolayer.gpkg", lambda t, o: _sqlite(t), "cannot be read as GeoPackage: At least one of the required"),
    (
        "attrs.gpkg",
        lambda t, o: _attribute_table(t),
        "its layer 'attrs' has no geometry column: it is a table",
    ),
    ("badprj.shp", lambda t, o: _shapefile_with_prj(t, o, 'GEOGCS["WGS 84",DATUM['), "the Shapefile's .prj"),
    (
        "empty_fc.geojson",
        lambda t, o: b'{"type": "FeatureCollection", "features": []}',
        "holds no features (it is empty)",
    ),
    (
        "latin1.geojson",
        lambda t, o: json.dumps(
            {"type": "FeatureCollection", "features": [_square({"name": "Café Müller"})]}, ensure_ascii=False
        ).encode("latin-1"),
        "neither UTF-8 (as GeoJSON must be) nor Windows-1256 text",
    ),
]
TABLE_CASES: list[tuple[str, Callable[[Path, Path], bytes], str]] = [
    ("empty.csv", lambda t, o: b"", "the file is empty"),
    ("blank.csv", lambda t, o: b"\r\n\r\n  \r\n", "the file is empty"),
    ("garbage.csv", lambda t, o: GARBAGE, "the file is not text (binary content)"),
    ("latin1.csv", lambda t, o: "code,name_fa\nx,Café Müller\n".encode("latin-1"), "neither UTF-8 nor"),
    ("page.csv", lambda t, o: HTML.encode(), "is a web page (HTML)"),
    ("page.xlsx", lambda t, o: HTML.encode(), "is a web page (HTML)"),
    ("csv.xlsx", lambda t, o: "code,name_fa\nx,ایکس\n".encode(), "a text file (a CSV named .xlsx?)"),
    ("cut.xlsx", lambda t, o: _xlsx_bytes(t)[:700], "not a readable XLSX workbook"),
    ("old.xls", lambda t, o: GARBAGE, "old Excel .xls files are not read"),
    ("map.geojson", lambda t, o: (o / "counties" / "IR-25.geojson").read_bytes(), "is a map file"),
    ("shapes.zip", lambda t, o: _zip({"a.shp": b"x"}), "is a map file"),
    ("header.csv", lambda t, o: "رنگ,بو\nقرمز,خوب\n".encode(), "unknown column(s) «رنگ», «بو»"),
]


def _sqlite(tmp: Path) -> bytes:
    """Gives an SQLite database with a table, but none of a GeoPackage's."""
    import sqlite3

    conn = sqlite3.connect(tmp / "plain.sqlite")
    conn.execute("CREATE TABLE t (x integer)")
    conn.commit()
    conn.close()
    return (tmp / "plain.sqlite").read_bytes()


def _attribute_table(tmp: Path) -> bytes:
    """Gives a GeoPackage whose one layer is a table without geometry."""
    import pandas as pd
    import pyogrio

    pyogrio.write_dataframe(pd.DataFrame({"name": ["الف"]}), tmp / "t.gpkg", layer="attrs", driver="GPKG")
    return (tmp / "t.gpkg").read_bytes()


def _shapefile_with_prj(tmp: Path, iran_osm: Path, prj: str) -> bytes:
    """Writes Qom's counties as tmp/badprj.shp with its parts, the .prj replaced; gives the .shp's bytes."""
    import geopandas as gpd

    df = gpd.read_file(iran_osm / "counties" / "IR-25.geojson")
    df = df[df.geom_type != "Point"][["id", "geometry"]]
    df.to_file(tmp / "badprj.shp")
    (tmp / "badprj.prj").write_text(prj)
    return (tmp / "badprj.shp").read_bytes()


def _zip(members: dict[str, bytes]) -> bytes:
    import io

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def _square(props: dict, x: float = 50.9, y: float = 34.6, d: float = 0.01) -> dict:
    ring = [[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]
    return {"type": "Feature", "properties": props, "geometry": {"type": "Polygon", "coordinates": [ring]}}


@pytest.fixture(scope="module")
def world(pg_server, template_url, iran_osm):
    """Gives one database for the module: the provinces' boundaries, Qom's counties, the table fixtures."""
    from etl.load_boundaries import load_boundaries

    db = Database(new_database(pg_server, "bad", template_url))
    load_boundaries(db, iran_osm / "provinces.geojson", "province")
    load_boundaries(
        db,
        iran_osm / "counties" / "IR-25.geojson",
        "city",
        province="IR-25",
        code_field="id",
        name_field="tags.name",
        strip_prefix=("شهرستان ",),
    )
    insert_places(db)
    yield db
    db.close()
    drop_database(pg_server, db.url)


@pytest.fixture
def url(world, monkeypatch):
    """Gives the module database's URL, with DATABASE_URL pointing at it for the command under test."""
    monkeypatch.setenv("DATABASE_URL", world.url)
    return world.url


def _check_refusal(output: str, path: Path, words: str) -> None:
    text = output.strip()
    assert "Traceback" not in text, text
    assert text.startswith(f"Error: {path}: "), text  # names the file, first
    assert "\n\n" not in text, text  # one paragraph
    assert words in text, text
    assert "Warning" not in text, text


def _write(tmp_path: Path, iran_osm: Path, name: str, build) -> Path:
    path = tmp_path / name
    path.write_bytes(build(tmp_path, iran_osm))
    return path


@pytest.mark.parametrize(("name", "build", "words"), BOUNDARY_CASES, ids=[c[0] for c in BOUNDARY_CASES])
def test_broken_boundary_files_are_one_clear_message(world, url, iran_osm, tmp_path, name, build, words):
    path = _write(tmp_path, iran_osm, name, build)
    before = fingerprint(world)
    res = CliRunner().invoke(cli, ["load", "boundaries", str(path), *BOUNDARY_ARGS])
    assert res.exit_code == 1 and isinstance(res.exception, SystemExit), res.output
    _check_refusal(res.output, path, words)
    assert fingerprint(world) == before


@pytest.mark.parametrize("kind", TABLES)
@pytest.mark.parametrize(("name", "build", "words"), TABLE_CASES, ids=[c[0] for c in TABLE_CASES])
def test_broken_table_files_are_one_clear_message(world, url, iran_osm, tmp_path, kind, name, build, words):
    path = _write(tmp_path, iran_osm, name, build)
    before = fingerprint(world)
    res = CliRunner().invoke(cli, ["load", kind, str(path)])
    assert res.exit_code == 1 and isinstance(res.exception, SystemExit), res.output
    # «unknown column(s)» lists the accepted headers, one a line, in the same paragraph
    _check_refusal(res.output, path, words)
    assert fingerprint(world) == before


def _regen(*args: str, url: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONWARNINGS"} | {"DATABASE_URL": url}
    return subprocess.run([str(REGEN), *args], capture_output=True, text=True, env=env, timeout=120)


def test_the_real_command_shows_only_the_message(world, iran_osm, tmp_path):
    """What the terminal shows, stderr included: the message and nothing else, for every loader."""
    before = fingerprint(world)
    cases = [("boundaries", c, BOUNDARY_ARGS) for c in BOUNDARY_CASES if c[0] in ("junk.zip", "cut.geojson")]
    cases += [(k, c, ()) for k in TABLES for c in TABLE_CASES if c[0] in ("garbage.csv", "csv.xlsx")]
    for kind, (name, build, words), extra in cases:
        path = _write(tmp_path, iran_osm, name, build)
        res = _regen("load", kind, str(path), *extra, url=world.url)
        assert res.returncode == 1, (kind, name, res.stdout, res.stderr)
        assert res.stdout == "", (kind, name, res.stdout)
        _check_refusal(res.stderr, path, words)
    assert fingerprint(world) == before


def test_gdal_warnings_become_notes_not_terminal_noise(world, iran_osm, tmp_path):
    """A GeoJSON with a broken geometry makes GDAL warn: the warning is a note of the report (and the
    feature a reject naming it), never a raw `RuntimeWarning` line on the terminal."""
    fc = {
        "type": "FeatureCollection",
        "features": [
            _square({"id": 1, "name": "الف"}),
            {
                "type": "Feature",
                "properties": {"id": 2, "name": "ب"},
                "geometry": {"type": "Polygon", "coordinates": "x"},
            },
        ],
    }
    path = tmp_path / "warns.geojson"
    path.write_text(json.dumps(fc, ensure_ascii=False), encoding="utf-8")
    res = _regen(
        "load",
        "boundaries",
        str(path),
        *BOUNDARY_ARGS,
        "--code-field",
        "id",
        "--max-rejects",
        "1",
        "--json",
        url=world.url,
    )
    assert res.returncode == 0, res.stderr
    assert res.stderr == ""  # no RuntimeWarning, no "Warning 1:" from GDAL
    report = json.loads(res.stdout)
    assert any(n.startswith("GDAL: OGRGeoJSONReadPolygon(): unexpected type") for n in report["notes"])
    assert [r["message"] for r in report["rejects"]] == ["row 2 «ب»: no geometry"]
    assert report["inserted"] == 1


def test_an_unforeseen_error_is_still_one_message(world, url, tmp_path, monkeypatch):
    """The last guard of `regen load`: whatever a file trips that no check foresaw ends as a message
    naming the file (here a reader failing in a way none of the checks know)."""
    import etl.load_tables

    def trips(*args, **kwargs):
        raise KeyError("an unforeseen key")

    monkeypatch.setattr(etl.load_tables, "read_table", trips)
    path = tmp_path / "cities.csv"
    path.write_text("code,name_fa,province\nx,ایکس,IR-23\n", encoding="utf-8")
    before = fingerprint(world)
    res = CliRunner().invoke(cli, ["load", "cities", str(path)])
    assert res.exit_code == 1 and isinstance(res.exception, SystemExit)
    _check_refusal(
        res.output, path, "the file could not be read (KeyError: 'an unforeseen key'); nothing was loaded"
    )
    assert fingerprint(world) == before
