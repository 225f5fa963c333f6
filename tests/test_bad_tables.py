"""Table files the loaders refuse, or that used to store wrong data or mislead: missing or unknown
columns, bad cells, mixed encodings, unsaved formulas, several or hidden sheets, dates in messages.
Each file is built here; a refusal leaves every table as it was."""

from __future__ import annotations

import openpyxl
import pytest

from etl.load_tables import load_table
from etl.runs import LoadError, TooManyRejects
from tests.table_fixtures import fingerprint
from tests.test_load_tables import ACTIONS, CITIES, OFFICES_FA, run_cli, write_csv, write_xlsx


@pytest.fixture
def places(db):
    from tests.table_fixtures import insert_places

    insert_places(db)
    return db


def _refused(db, kind, path, match, exc=LoadError, **kw) -> str:
    before = fingerprint(db)
    with pytest.raises(exc) as info:
        load_table(db, kind, path, **kw)
    assert fingerprint(db) == before, "a refused file must leave every table as it was"
    assert match in str(info.value), str(info.value)
    return str(info.value)


def test_mixed_encodings_are_decoded_line_by_line_never_mojibake(db, tmp_path):
    """Most rows Windows-1256 (Excel on a Persian Windows), one pasted in as UTF-8."""
    lines = [",".join(r) + "\r\n" for r in CITIES]
    data = (
        lines[0].encode() + lines[1].encode("cp1256") + lines[2].encode("utf-8") + lines[3].encode("cp1256")
    )
    path = tmp_path / "mixed.csv"
    path.write_bytes(data)
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # the file as a whole is not UTF-8 …
    report = load_table(db, "cities", path)
    assert (report.inserted, report.encoding) == (3, "cp1256+utf-8")
    assert (
        "mixed encodings: line(s) 3 of the file are UTF-8, the others Windows-1256; each line was read in "
        "its own encoding"
    ) in report.notes
    rows = {r["code"]: r for r in db.query("SELECT code, name_fa, province_code FROM cities")}
    # … and read as Windows-1256 the UTF-8 row would be «ط´غŒط±ط§ط²» in an unknown province «ظپط§ط±ط³»
    assert rows["shiraz"] == {"code": "shiraz", "name_fa": "شیراز", "province_code": "IR-07"}
    assert rows["karaj"]["name_fa"] == "کرج" and rows["qom"]["name_fa"] == "قم"
    # forced to Windows-1256, the UTF-8 line would be mojibake: refused, naming it
    _refused(
        db,
        "cities",
        path,
        "line(s) 3 of the file are UTF-8, not cp1256: leave out --encoding",
        encoding="cp1256",
    )


def _formula_workbook(path):
    wb = openpyxl.Workbook()  # written by a program: the formula is saved, its value never computed
    for r in CITIES[:3]:
        wb.active.append(r)
    wb.active["G2"] = "=1592000+492"
    wb.save(path)
    return path


def test_formula_with_no_saved_value_is_a_row_error(db, tmp_path):
    assert load_table(db, "cities", write_csv(tmp_path / "c.csv", CITIES)).inserted == 3
    path = _formula_workbook(tmp_path / "formula.xlsx")
    _refused(
        db,
        "cities",
        path,
        "row 1 «karaj», field population: the cell holds the formula «=1592000+492» but no saved value "
        "(the workbook was written by a program, never opened in Excel): open it in Excel and save it, "
        "or type the value",
        exc=TooManyRejects,
    )
    # allowed as a reject, the row is left out: the stored population is not silently kept as "loaded"
    report = load_table(db, "cities", path, max_rejects=1)
    assert (report.rejected, report.unchanged) == (1, 1)


def _workbook(path, sheets: list[tuple[str, list[list], str]]):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows, state in sheets:
        ws = wb.create_sheet(title)
        for r in rows:
            ws.append(r)
        ws.sheet_state = state
    wb.save(path)
    return path


def test_a_hidden_first_sheet_is_passed_over_and_the_report_names_the_sheet(db, tmp_path):
    path = _workbook(
        tmp_path / "book.xlsx",
        [("lists", [["IR-23"], ["IR-30"]], "hidden"), ("شهرها", CITIES, "visible")],
    )
    report = load_table(db, "cities", path)
    assert report.inserted == 3
    assert (
        "sheet «شهرها» read: of the sheets «lists» (hidden), «شهرها», it has the cities table's header"
        in (report.notes)
    )


def test_sheets_none_or_several_of_which_fit_are_named_with_sheet(db, tmp_path):
    notes = ("یادداشت", [["این فایل شهرها را دارد"]], "visible")
    path = _workbook(tmp_path / "none.xlsx", [notes, ("data", [["x", "y"], ["1", "2"]], "visible")])
    msg = _refused(
        db, "cities", path, "no sheet has the header of the cities table (the sheets are «یادداشت», «data»)"
    )
    assert "--sheet NAME" in msg
    two = _workbook(tmp_path / "two.xlsx", [("1402", CITIES, "visible"), ("1403", CITIES, "visible")])
    _refused(
        db,
        "cities",
        two,
        "the sheets «1402», «1403» all have the header of the cities table; choose one with --sheet",
    )
    assert load_table(db, "cities", two, sheet="1403").inserted == 3
    _refused(db, "cities", two, "no sheet «1404»; the sheets are: 1402, 1403", sheet="1404")


def test_messages_repeat_dates_as_written(places, tmp_path):
    rows = [r[:] for r in ACTIONS]
    rows[1][12] = "۱۴۳۰/۰۱/۰۱"  # status_on, Jalali with Persian digits, in the future
    msg = _refused(places, "actions", write_csv(tmp_path / "a.csv", rows), "", exc=TooManyRejects)
    assert "field status_on: ۱۴۳۰/۰۱/۰۱ is in the future" in msg
    assert "2051" not in msg  # not the ISO date it converts to


# -- refusals of whole files and bad cells: a clear message, and the database exactly as it was --------
def test_xlsx_with_a_missing_column(places, tmp_path):
    rows = [[c for i, c in enumerate(r) if i != 2] for r in OFFICES_FA]  # no «نوع» (kind)
    msg = _refused(
        places, "offices", write_xlsx(tmp_path / "nokind.xlsx", rows), "required column(s) missing: kind"
    )
    assert "نوع دفتر" in msg  # lists what it accepts


def test_unknown_column_lists_the_expected_ones(places, tmp_path):
    rows = [r + ["x"] for r in CITIES]
    rows[0][-1] = "رنگ"
    msg = _refused(places, "cities", write_csv(tmp_path / "u.csv", rows), "unknown column(s) «رنگ»")
    assert "code / کد" in msg and "lat / latitude" in msg


def test_impossible_jalali_date_names_row_and_column(places, tmp_path):
    rows = [row[:] for row in OFFICES_FA]
    rows[2][9] = "1403/12/31"  # 1403/12/30 (OF-3) exists; the 31st does not
    msg = _refused(
        places,
        "offices",
        write_xlsx(tmp_path / "d.xlsx", rows),
        "row 2 «OF-2», field established_on: «1403/12/31» does not exist in the Jalali calendar",
        exc=TooManyRejects,
    )
    assert "nothing was loaded" in msg


def test_unknown_neighborhood_code(places, tmp_path):
    rows = [row[:] for row in OFFICES_FA]
    rows[3][5] = "ISF-999"
    _refused(
        places,
        "offices",
        write_xlsx(tmp_path / "n.xlsx", rows),
        "row 3 «OF-3», field neighborhoods: unknown neighborhood code «ISF-999»",
        exc=TooManyRejects,
    )


def test_invalid_history_sequence(places, tmp_path):
    rows = [row[:] for row in OFFICES_FA]
    rows[1][11] = "1397/01/01"  # handed over before it was established
    _refused(
        places,
        "offices",
        write_xlsx(tmp_path / "h.xlsx", rows),
        # the date as the file wrote it (Jalali, Persian digits), not the ISO date it is stored as
        f"row 1 «OF-1», field established_on: impossible lifecycle: established on {rows[1][9]} comes "
        "after handed_over",
        exc=TooManyRejects,
    )


def test_max_rejects_loads_the_rest_and_records_the_rejects(places, tmp_path):
    rows = [row[:] for row in OFFICES_FA]
    rows[1][11] = "1397/01/01"
    report = load_table(places, "offices", write_xlsx(tmp_path / "h.xlsx", rows), max_rejects=1)
    assert (report.inserted, report.rejected) == (2, 1)
    assert places.scalar("SELECT count(*) FROM offices WHERE code = 'OF-1'") == 0
    assert places.scalar("SELECT count(*) FROM office_states WHERE office_code = 'OF-1'") == 0
    reject = places.query("SELECT row_no, name, field, reason FROM etl_rejects")
    assert reject[0]["row_no"] == 1 and reject[0]["field"] == "established_on" and reject[0]["name"] == "OF-1"


def test_bad_cells_in_other_tables(places, tmp_path):
    bad_actions = [row[:] for row in ACTIONS]
    bad_actions[2][2] = "9"
    _refused(
        places,
        "actions",
        write_csv(tmp_path / "a.csv", bad_actions),
        "row 2 «A-2-tvto», field resolution: there is no resolution 9 of meeting 50",
        exc=TooManyRejects,
    )
    swapped = [CITIES[0], ["karaj", "کرج", "Karaj", "IR-30", "51.0103", "35.8355", ""]]
    _refused(
        places,
        "cities",
        write_csv(tmp_path / "s.csv", swapped),
        "field lat: lat 51.0103 / lon 35.8355 look swapped",
        exc=TooManyRejects,
    )
    _refused(
        places,
        "neighborhood-facts",
        write_csv(tmp_path / "f.csv", [["code", "kinds"], ["THR-001", "park"]]),
        "row 1 «THR-001», field kinds: «park» is not one of historic, informal, inner_city, rural_core",
        exc=TooManyRejects,
    )


def test_dry_run_changes_nothing(places, tmp_path):
    before = fingerprint(places)
    result = run_cli("load", "offices", str(write_xlsx(tmp_path / "o.xlsx", OFFICES_FA)), "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("[dry run] offices") and "inserted 3" in result.output
    assert fingerprint(places) == before


def test_cli_error_is_one_clear_line(places, tmp_path):
    rows = [row[:] for row in OFFICES_FA]
    rows[2][9] = "1403/12/31"
    result = run_cli("load", "offices", str(write_xlsx(tmp_path / "d.xlsx", rows)))
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "field established_on: «1403/12/31» does not exist" in result.output
