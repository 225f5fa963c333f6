"""`regen load targets`: agencies' quantitative goals from CSV / XLSX with Persian or English headers and
Jalali periods; row errors leave the database as it was; an export loads back unchanged."""

from __future__ import annotations

import datetime as dt

import pytest

from etl.export import export_bytes, export_rows
from etl.load_tables import load_table
from etl.runs import TooManyRejects
from regen.errors import RegenError
from regen.scope import ANONYMOUS, NATIONAL, Scope
from tests.table_fixtures import fingerprint
from tests.test_load_tables import data_tables, run_cli, write_csv, write_xlsx

TARGETS_FA = [
    ["کد", "دستگاه", "شاخص", "استان", "دوره", "هدف کمی", "توضیحات"],
    ["T-6-est", "سازمان امور اجتماعی", "دفاتر تأسیس شده", "کشور", "برنامه ششم", "۱٬۳۳۴", "برنامه ششم توسعه"],
    ["T-1402-teh", "moi_social", "محله‌های تحت پوشش", "تهران", "۱۴۰۲", "۲۵", ""],
    ["T-span", "شرکت بازآفرینی شهری ایران", "واگذاری به شهرداری", "IR-10", "۱۴۰۳ تا ۱۴۰۵", "40", ""],
    ["T-rep", "tvto", "گزارش عملکرد", "", "1397", "1", ""],
]


def test_persian_xlsx_with_jalali_periods(db, tmp_path):
    report = load_table(db, "targets", write_xlsx(tmp_path / "t.xlsx", TARGETS_FA))
    assert (report.inserted, report.rejected) == (4, 0)
    rows = {r["code"]: r for r in db.query("SELECT * FROM targets")}
    six = rows["T-6-est"]
    assert (six["agency_code"], six["measure"]) == ("moi_social", "offices_established")
    assert six["province_code"] is None
    assert (six["from_year"], six["to_year"], six["target"]) == (1396, 1400, 1334)
    # 1 Farvardin 1396 … 29 Esfand 1400, Gregorian
    assert (six["starts_on"], six["ends_on"]) == (dt.date(2017, 3, 21), dt.date(2022, 3, 20))
    teh = rows["T-1402-teh"]
    assert (teh["province_code"], teh["measure"], teh["from_year"], teh["to_year"]) == (
        "IR-23",
        "neighborhoods_covered",
        1402,
        1402,
    )
    assert (teh["starts_on"], teh["ends_on"]) == (dt.date(2023, 3, 21), dt.date(2024, 3, 19))
    span = rows["T-span"]
    assert (span["agency_code"], span["measure"], span["from_year"], span["to_year"]) == (
        "urc",
        "offices_handed_over",
        1403,
        1405,
    )
    assert rows["T-rep"]["province_code"] is None and rows["T-rep"]["measure"] == "reports_submitted"
    # the same file again changes nothing; a changed value updates its row only
    before = data_tables(db)
    assert load_table(db, "targets", write_xlsx(tmp_path / "t2.xlsx", TARGETS_FA)).unchanged == 4
    assert data_tables(db) == before
    english = [["code", "agency", "measure", "province", "period", "target"]] + [
        [r[0], r[1], r[2], r[3], r[4], r[5]] for r in TARGETS_FA[1:]
    ]
    english[2][5] = "30"
    report = load_table(db, "targets", write_csv(tmp_path / "t.csv", english))
    assert (report.updated, report.unchanged) == (2, 2)  # T-1402-teh's value; T-6-est loses its note
    assert db.query("SELECT target FROM targets WHERE code = 'T-1402-teh'")[0]["target"] == 30


@pytest.mark.parametrize(
    "column,value,message",
    [
        (4, "2023", "«2023» is not a Jalali year between 1300 and 1500"),
        (4, "1400-1396", "the last year must follow the first"),
        (4, "سال آینده", "is not a period: write a Jalali year (1402)"),
        (2, "پوشش جمعیت", "«پوشش جمعیت» is not one of neighborhoods_covered"),
        (1, "وزارت نفت", "unknown agency «وزارت نفت»"),
        (3, "آتلانتیس", "unknown province «آتلانتیس»"),
        (5, "۰", "the target is empty or zero"),
        (5, "بیست", "«بیست» is not a number"),
    ],
)
def test_a_wrong_cell_names_row_and_field_and_loads_nothing(db, tmp_path, column, value, message):
    rows = [r[:] for r in TARGETS_FA]
    rows[3][column] = value
    before = fingerprint(db)
    with pytest.raises(TooManyRejects) as info:
        load_table(db, "targets", write_csv(tmp_path / "bad.csv", rows))
    assert fingerprint(db) == before, "a refused file must leave every table as it was"
    text = str(info.value)
    assert "row 3 «T-span»" in text and message in text and "nothing was loaded" in text, text


def test_cli_loads_and_reports_one_line_per_error(db, tmp_path):
    result = run_cli("load", "targets", str(write_xlsx(tmp_path / "t.xlsx", TARGETS_FA)))
    assert result.exit_code == 0, result.output
    assert "inserted 4" in result.output
    rows = [r[:] for r in TARGETS_FA]
    rows[1][4] = "1399/13"
    result = run_cli("load", "targets", str(write_csv(tmp_path / "bad.csv", rows)))
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "field period" in result.output


def test_export_loads_back_unchanged_and_follows_the_scope(db, tmp_path):
    load_table(db, "targets", write_xlsx(tmp_path / "t.xlsx", TARGETS_FA))
    frame = export_rows(db, "targets", scope=NATIONAL)
    assert set(frame["code"]) == {"T-6-est", "T-1402-teh", "T-span", "T-rep"}
    assert dict(zip(frame["code"], frame["period"], strict=True))["T-6-est"] == "1396-1400"
    before = data_tables(db)
    for fmt in ("csv", "xlsx"):
        path = tmp_path / f"export.{fmt}"
        path.write_bytes(export_bytes(db, "targets", fmt, scope=NATIONAL, jalali=True))
        assert load_table(db, "targets", path).unchanged == 4
    assert data_tables(db) == before
    # a provincial user: its province's targets and the national ones, never another province's
    tehran = Scope("teh", "provincial", "IR-23")
    assert set(export_rows(db, "targets", scope=tehran)["code"]) == {"T-6-est", "T-1402-teh", "T-rep"}
    with pytest.raises(RegenError, match="province IR-23 only, not IR-10"):
        export_rows(db, "targets", province="IR-10", scope=tehran)
    with pytest.raises(RegenError, match="signed-in users only"):
        export_rows(db, "targets", scope=ANONYMOUS)
