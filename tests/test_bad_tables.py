"""Table files that used to store wrong data or mislead: mixed encodings, unsaved formulas, several or
hidden sheets, dates in messages. Each file is built here; a refusal leaves every table as it was."""

from __future__ import annotations

import openpyxl
import pytest

from etl.load_tables import load_table
from etl.runs import LoadError, TooManyRejects
from tests.table_fixtures import fingerprint
from tests.test_load_tables import ACTIONS, CITIES, write_csv


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
