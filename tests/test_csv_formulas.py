"""CSV files people open in Excel never hold a formula: text that begins with = + - @ tab or CR gets
one apostrophe in front (in `regen export` and the dashboard's downloads), and the loaders take it off
again, so that an export loads back exactly as before."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest

from etl.export import export_bytes, to_csv
from etl.load_tables import load_table
from etl.tablefile import csv_cell, csv_cell_text
from regen.scope import NATIONAL
from tests.test_auth_http import app, client, download_of, sign_in  # noqa: F401

FORMULAS = [
    '=HYPERLINK("http://evil.example/x","x")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]
# Real names that begin like a formula, or with the apostrophe the escape itself adds.
NAMES = ["-Abad", "'=already quoted", "''+twice", "'plain", "=1", "Tehran"]


def cells(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def assert_no_formula(rows: list[list[str]]) -> None:
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (cell, row)


@pytest.mark.parametrize("text", FORMULAS + NAMES + ["", "'", "''", "-"])
def test_escape_is_undone_exactly(text):
    assert csv_cell_text(csv_cell(text)) == text
    assert not csv_cell(text).startswith(("=", "+", "-", "@", "\t", "\r"))


def test_numbers_are_written_as_numbers():
    data = to_csv(pd.DataFrame({"name": ["-Abad"], "lon": [-5.25], "population": [-3]}))
    assert cells(data)[1] == ["'-Abad", "-5.25", "-3"]


@pytest.fixture
def formula_cities(db):
    with db.transaction() as cur:
        for i, name in enumerate(FORMULAS + NAMES):
            cur.execute(
                "INSERT INTO cities (code, province_code, name_fa, name_en, population, location)"
                " VALUES (%s, 'IR-23', %s, %s, 1000, ST_SetSRID(ST_MakePoint(51.3, 35.7), 4326))",
                (f"c{i}", "شهر " + str(i), name),
            )
    return db


def test_regen_export_csv_holds_no_formula(formula_cities):
    rows = cells(export_bytes(formula_cities, "cities", "csv", scope=NATIONAL))
    assert_no_formula(rows)
    by_code = {r[0]: r for r in rows[1:]}
    assert by_code["c0"][2] == "'" + FORMULAS[0]
    assert by_code[f"c{len(FORMULAS) + 1}"][2] == "''=already quoted"
    assert by_code[f"c{len(FORMULAS) + 3}"][2] == "'plain"  # not followed by a formula: as it is


def test_export_loads_back_unchanged(formula_cities, tmp_path):
    names = lambda: {  # noqa: E731
        r["code"]: r["name_en"]
        for r in formula_cities.query("SELECT code, name_en FROM cities ORDER BY code")
    }
    before = names()
    path = tmp_path / "cities.csv"
    path.write_bytes(export_bytes(formula_cities, "cities", "csv", scope=NATIONAL))
    report = load_table(formula_cities, "cities", path)
    after = names()
    # the loaders trim spaces, tabs and line breaks around every cell (as they did before)
    assert after == {k: v.strip() for k, v in before.items()}
    assert after["c0"] == FORMULAS[0] and after[f"c{len(FORMULAS)}"] == "-Abad"
    assert after[f"c{len(FORMULAS) + 1}"] == "'=already quoted"
    assert report.rejected == 0 and report.inserted == 0


def test_dashboard_csv_download_holds_no_formula(client, db):  # noqa: F811
    db.execute(
        "UPDATE cities SET name_en = %s, name_fa = %s WHERE code = 'tehran'", (FORMULAS[0], FORMULAS[1])
    )
    sign_in(client, "nat")
    text = download_of(client, "/province/IR-23", "csv")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0][:3] == ["code", "name_fa", "name_en"]
    assert rows[1][:3] == ["tehran", "'" + FORMULAS[1], "'" + FORMULAS[0]]
    assert_no_formula(rows)
