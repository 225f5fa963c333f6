"""Table loaders on real files (CSV in UTF-8 / BOM / Windows-1256, XLSX; English and Persian headers)
against a real PostGIS: what they write. What they refuse, and that a refusal changes nothing:
tests/test_bad_tables.py."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from etl.load_tables import load_table
from etl.runs import LoadError, TooManyRejects
from regen.cli import cli
from tests.table_fixtures import fingerprint, insert_places


def write_csv(path: Path, rows: list[list], encoding: str = "utf-8") -> Path:
    with open(path, "w", encoding=encoding, newline="") as f:
        csv.writer(f).writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[list]) -> Path:
    wb = openpyxl.Workbook()
    for r in rows:
        wb.active.append(r)
    wb.save(path)
    return path


def data_tables(db) -> dict[str, str]:
    """Gives the fingerprint without the run log (a reload records a run, and changes nothing else;
    recording it is a write, which data_changes notes)."""
    return {k: h for k, h in fingerprint(db).items() if k not in ("etl_runs", "etl_rejects", "data_changes")}


def run_cli(*args: str):
    result = CliRunner().invoke(cli, list(args))
    return result


@pytest.fixture
def places(db):
    insert_places(db)
    return db


CITIES = [
    ["code", "name_fa", "name_en", "province", "lat", "lon", "population"],
    ["karaj", "کرج", "Karaj", "IR-30", "35.8355", "51.0103", "1592492"],
    ["shiraz", "شیراز", "Shiraz", "فارس", "29.6100", "52.5311", "1565572"],
    ["qom", "قم", "Qom", "Qom", "34.6399", "50.8759", ""],
]


# -- cities -------------------------------------------------------------------------------------------------
def test_cities_utf8_load_reload_and_json(db, tmp_path):
    path = write_csv(tmp_path / "cities.csv", CITIES)
    result = run_cli("load", "cities", str(path), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["read"], report["inserted"], report["unchanged"], report["encoding"]) == (3, 3, 0, "utf-8")
    rows = {
        r["code"]: r
        for r in db.query(
            "SELECT code, province_code, name_fa, ST_X(location) AS lon, ST_Y(location) AS lat, population "
            "FROM cities"
        )
    }
    assert rows["shiraz"]["province_code"] == "IR-07" and rows["qom"]["province_code"] == "IR-25"
    assert (rows["karaj"]["lon"], rows["karaj"]["lat"], rows["karaj"]["population"]) == (
        51.0103,
        35.8355,
        1592492,
    )
    assert rows["qom"]["population"] is None
    before = data_tables(db)
    again = load_table(db, "cities", path)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 3)
    assert "nothing changed" in again.summary()
    assert data_tables(db) == before
    assert db.scalar("SELECT count(*) FROM etl_runs WHERE kind = 'cities'") == 2


def test_cities_cp1256_with_persian_headers_and_arabic_letters(db, tmp_path):
    # What Excel on a Persian Windows saves: Windows-1256, so ی is always Arabic ي and ک often ك.
    rows = [
        ["كد", "نام", "نام انگليسي", "استان", "عرض جغرافيايي", "طول جغرافيايي", "جمعيت"],
        ["karaj", "كرج", "Karaj", "البرز", "35.8355", "51.0103", "1592492"],
        ["yasuj", "ياسوج", "Yasuj", "كهگيلويه و بويراحمد", "30.6682", "51.5870", "134532"],
    ]
    path = write_csv(tmp_path / "cities-1256.csv", rows, encoding="cp1256")
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")
    report = load_table(db, "cities", path)
    assert report.encoding == "cp1256" and report.inserted == 2
    stored = db.query("SELECT code, name_fa, name_key, province_code FROM cities ORDER BY code")
    assert stored[0]["name_fa"] == "كرج" and stored[0]["name_key"] == "کرج"  # stored as given, found as typed
    assert stored[1]["province_code"] == "IR-17" and stored[1]["name_key"] == "یاسوج"


def test_encoding_override_and_utf16(db, tmp_path):
    arabic = [[c.replace("ی", "ي").replace("ک", "ك") for c in r] for r in CITIES]  # cp1256 has no ی
    path = write_csv(tmp_path / "c.csv", arabic, encoding="cp1256")  # not valid UTF-8
    before = fingerprint(db)
    with pytest.raises(LoadError, match="not valid utf-8 at byte"):
        load_table(db, "cities", path, encoding="utf-8")
    assert fingerprint(db) == before
    assert load_table(db, "cities", path, encoding="cp1256").inserted == 3
    tsv = tmp_path / "c.txt"
    tsv.write_text("\n".join("\t".join(r) for r in CITIES), encoding="utf-16")
    report = load_table(db, "cities", tsv)
    assert (report.encoding, report.updated, report.unchanged) == ("utf-16", 2, 1)  # کرج, شیراز spelt anew
    assert db.scalar("SELECT name_fa FROM cities WHERE code = 'shiraz'") == "شیراز"


def test_cities_bom_and_xlsx_give_the_same_rows(db, tmp_path):
    bom = write_csv(tmp_path / "c-bom.csv", CITIES, encoding="utf-8-sig")
    report = load_table(db, "cities", bom)
    assert report.encoding == "utf-8-sig" and report.inserted == 3
    xlsx = write_xlsx(
        tmp_path / "c.xlsx",
        [CITIES[0]] + [[*r[:4], float(r[4]), float(r[5]), int(r[6]) if r[6] else None] for r in CITIES[1:]],
    )
    again = load_table(db, "cities", xlsx)
    assert again.encoding == "xlsx" and again.unchanged == 3 and again.updated == 0


# -- neighborhood facts -------------------------------------------------------------------------------------
def test_neighborhood_facts_persian_kinds_and_partial_columns(places, tmp_path):
    rows = [
        ["کد محله", "جمعیت", "خانوار", "نوع بافت", "پایلوت"],
        ["THR-001", "۱۲٬۵۰۰", "4100", "بافت فرسوده؛ سکونتگاه‌های غیررسمی", "بله"],
        ["THR-002", "8000", "", "historic;inner_city", "no"],
        ["", "", "", "", ""],
    ]
    report = load_table(
        places, "neighborhood-facts", write_csv(tmp_path / "f.csv", rows, encoding="utf-8-sig")
    )
    assert (report.updated, report.skipped, report.encoding) == (2, 1, "utf-8-sig")
    got = {
        r["code"]: r
        for r in places.query("SELECT code, population, households, kinds, pilot FROM neighborhoods")
    }
    assert got["THR-001"] == {
        "code": "THR-001",
        "population": 12500,
        "households": 4100,
        "kinds": ["inner_city", "informal"],
        "pilot": True,
    }
    assert got["THR-002"]["kinds"] == ["historic", "inner_city"] and got["THR-002"]["households"] is None
    # a file with only some columns leaves the others as they are
    load_table(
        places, "neighborhood-facts", write_csv(tmp_path / "p.csv", [["code", "pilot"], ["THR-001", "0"]])
    )
    one = places.query("SELECT population, pilot FROM neighborhoods WHERE code = 'THR-001'")[0]
    assert one == {"population": 12500, "pilot": False}


# -- offices ----------------------------------------------------------------------------------------------
OFFICES_FA = [
    [
        "کد دفتر",
        "نام دفتر",
        "نوع",
        "مجری",
        "ناظر",
        "محلات",
        "عرض جغرافیایی",
        "طول جغرافیایی",
        "پیش از برنامه",
        "تاریخ تاسیس",
        "تاریخ فعال شدن",
        "تاریخ واگذاری",
        "شماره نامه واگذاری",
    ],
    [
        "OF-1",
        "دفتر نارمک",
        "تسهیلگری",
        "سازمان امور اجتماعی کشور",
        "",
        "THR-001، THR-002",
        35.733,
        51.493,
        "خیر",
        "۱۳۹۷/۱۰/۲۰",
        "1397-12-10",
        "1400/03/11",
        "۱۲۳/۴۵",
    ],
    [
        "OF-2",
        "دفتر خاک سفید",
        "خدمات نوسازی",
        "بخش غیردولتی",
        "شهرداری‌ها",
        "THR-003",
        None,
        None,
        "بله",
        "2016-05-01",
        None,
        None,
        None,
    ],
    [
        "OF-3",
        "دفتر جلفا",
        "facilitation",
        "urc",
        None,
        "ISF-001",
        None,
        None,
        "0",
        "1403/12/30",
        None,
        None,
        None,
    ],
]


def test_offices_xlsx_persian_headers_jalali_dates_and_estimated_location(places, tmp_path):
    path = write_xlsx(tmp_path / "offices.xlsx", OFFICES_FA)
    report = load_table(places, "offices", path)
    assert (report.inserted, report.rejected) == (3, 0)
    assert any("2 office(s) had no lat/lon" in n for n in report.notes), report.notes
    offices = {
        r["code"]: r
        for r in places.query(
            "SELECT code, kind, city_code, operator_agency_code, supervising_agency_code, pre_program, "
            "location_estimated, ST_X(location) AS lon, "
            "ST_Within(location, (SELECT boundary FROM neighborhoods WHERE code = 'THR-003')) AS inside "
            "FROM offices"
        )
    }
    assert (
        offices["OF-1"]["kind"] == "facilitation" and offices["OF-1"]["operator_agency_code"] == "moi_social"
    )
    assert offices["OF-1"]["location_estimated"] is False and offices["OF-1"]["lon"] == 51.493
    two = offices["OF-2"]
    assert (two["kind"], two["supervising_agency_code"], two["pre_program"]) == (
        "renewal_service",
        "municipalities",
        True,
    )
    assert two["location_estimated"] is True and two["inside"] is True
    assert offices["OF-3"]["city_code"] == "isfahan"
    states = places.query("SELECT office_code, state, began_on, letter_no FROM office_states ORDER BY 1, 3")
    assert [(s["state"], s["began_on"]) for s in states if s["office_code"] == "OF-1"] == [
        ("established", dt.date(2019, 1, 10)),
        ("active", dt.date(2019, 3, 1)),
        ("handed_over", dt.date(2021, 6, 1)),
    ]
    assert [s["letter_no"] for s in states if s["state"] == "handed_over"] == ["123/45"]
    assert ("OF-3", "established", dt.date(2025, 3, 20)) in [
        (s["office_code"], s["state"], s["began_on"]) for s in states
    ]  # 1403/12/30 exists (leap year)
    nbhds = places.query(
        "SELECT neighborhood_code FROM office_neighborhoods WHERE office_code = 'OF-1' ORDER BY 1"
    )
    assert [n["neighborhood_code"] for n in nbhds] == ["THR-001", "THR-002"]
    before = data_tables(places)
    again = load_table(places, "offices", path)
    assert (again.unchanged, again.updated, again.inserted) == (3, 0, 0)
    assert data_tables(places) == before


def test_offices_history_is_replaced_from_the_file(places, tmp_path):
    load_table(places, "offices", write_xlsx(tmp_path / "o.xlsx", OFFICES_FA))
    changed = [row[:] for row in OFFICES_FA]
    changed[1][11] = changed[1][12] = None  # OF-1 not handed over after all
    report = load_table(places, "offices", write_xlsx(tmp_path / "o2.xlsx", changed))
    assert (report.updated, report.unchanged) == (1, 2)
    states = places.query("SELECT state FROM office_states WHERE office_code = 'OF-1' ORDER BY began_on")
    assert [s["state"] for s in states] == ["established", "active"]


def test_offices_reload_keeps_states_recorded_in_the_dashboard(places, tmp_path):
    """The agency's table names the states it knows; a state an officer recorded in the dashboard since
    (record_office_state) survives a reload of a table that does not name it. A table that names the
    state is the truth for it; one whose dates cannot follow the recorded state is a row error."""
    from regen.accounts import add_user
    from regen.scope import Scope

    load_table(places, "offices", write_xlsx(tmp_path / "o.xlsx", OFFICES_FA))  # OF-3: established 1403/12/30
    add_user(places, "officer", "national", None, "a long enough password")
    officer = Scope("officer", "national")
    places.query("SELECT record_office_state('OF-3', 'active', '2025-06-01', NULL, NULL)", scope=officer)

    def of3():
        rows = places.query(
            "SELECT state, began_on, run_id IS NULL AS recorded FROM office_states "
            "WHERE office_code = 'OF-3' ORDER BY began_on"
        )
        return [(r["state"], r["began_on"], r["recorded"]) for r in rows]

    again = load_table(places, "offices", write_xlsx(tmp_path / "o2.xlsx", OFFICES_FA))
    assert (again.unchanged, again.updated) == (3, 0)
    assert of3() == [("established", dt.date(2025, 3, 20), False), ("active", dt.date(2025, 6, 1), True)]
    assert any("1 office(s) keep states recorded in the dashboard" in n and "OF-3" in n for n in again.notes)
    # another change to OF-3's row rewrites its history: the recorded state is still kept
    renamed = [row[:] for row in OFFICES_FA]
    renamed[3][9] = "1403/12/29"
    r = load_table(places, "offices", write_xlsx(tmp_path / "o3.xlsx", renamed))
    assert r.updated == 1
    assert of3() == [("established", dt.date(2025, 3, 19), False), ("active", dt.date(2025, 6, 1), True)]
    # a table that names the state: its date is the truth
    named = [row[:] for row in renamed]
    named[3][10] = "1404/04/10"  # 2025-07-01
    load_table(places, "offices", write_xlsx(tmp_path / "o4.xlsx", named))
    assert of3() == [("established", dt.date(2025, 3, 19), False), ("active", dt.date(2025, 7, 1), False)]
    # the officer records the handover; a table still saying "active", from a date after it, cannot be
    places.query(
        "SELECT record_office_state('OF-3', 'handed_over', '2025-09-01', 'L-9', NULL)", scope=officer
    )
    before = of3()
    late = [row[:] for row in named]
    late[3][10] = "1404/07/01"  # active 2025-09-23, after the recorded handover
    with pytest.raises(
        TooManyRejects, match="recorded in the dashboard that the file does not name: handed_over"
    ):
        load_table(places, "offices", write_xlsx(tmp_path / "o5.xlsx", late))
    assert of3() == before


# -- actions ------------------------------------------------------------------------------------------------
ACTIONS = [
    [
        "code",
        "meeting",
        "resolution",
        "agency",
        "title_fa",
        "kind",
        "province",
        "city",
        "neighborhood",
        "office",
        "due_on",
        "status",
        "status_on",
        "evidence",
    ],
    [
        "A-3-THR-003",
        "50",
        "3",
        "سازمان امور اجتماعی کشور",
        "راه‌اندازی دفتر خاک سفید",
        "ایجاد دفتر",
        "",
        "tehran",
        "THR-003",
        "",
        "1398/12/29",
        "در حال انجام",
        "1398/06/01",
        "",
    ],
    [
        "A-2-tvto",
        "50",
        "2",
        "tvto",
        "گزارش عملکرد",
        "performance_report",
        "",
        "",
        "",
        "",
        "1397/10/01",
        "",
        "",
        "",
    ],
    [
        "A-6",
        "50",
        "6",
        "tvto",
        "گزارش عملکرد در محلات هدف",
        "",
        "IR-23",
        "",
        "",
        "",
        "",
        "done",
        "2019-01-15",
        "نامه ۴۵۶",
    ],
]


def test_actions_statuses_append_only_when_they_change(places, tmp_path):
    path = write_csv(tmp_path / "a.csv", ACTIONS)
    report = load_table(places, "actions", path)
    assert report.inserted == 3
    statuses = places.query("SELECT action_code, status, began_on, evidence FROM action_statuses ORDER BY 1")
    assert [(s["action_code"], s["status"], s["began_on"]) for s in statuses] == [
        ("A-2-tvto", "open", dt.date(2018, 10, 2)),
        ("A-3-THR-003", "in_progress", dt.date(2019, 8, 23)),
        ("A-6", "done", dt.date(2019, 1, 15)),
    ]
    before = data_tables(places)
    assert load_table(places, "actions", path).unchanged == 3
    assert data_tables(places) == before
    later = [row[:] for row in ACTIONS]
    later[1][11:14] = ["انجام شده", "1399/02/01", "صورتجلسه تحویل"]
    report = load_table(places, "actions", write_csv(tmp_path / "a2.csv", later))
    assert (report.updated, report.unchanged) == (1, 2)
    history = places.query(
        "SELECT status, evidence FROM action_statuses WHERE action_code = 'A-3-THR-003' ORDER BY began_on"
    )
    assert history == [
        {"status": "in_progress", "evidence": None},
        {"status": "done", "evidence": "صورتجلسه تحویل"},
    ]


def test_docs_document_every_column():
    from etl.columns import SPECS

    readme = (Path(__file__).resolve().parent.parent / "docs" / "loading.md").read_text(encoding="utf-8")
    for spec in SPECS.values():
        section = readme.split(f"### `regen load {spec.table}`", 1)[1].split("###", 1)[0]
        for column in spec.columns:
            line = next((li for li in section.splitlines() if li.startswith(f"| `{column.name}` |")), None)
            assert line is not None, (spec.table, column.name)
            assert all(alias in line for alias in column.aliases), (spec.table, column.name)
            assert ("required" in line) == column.required, (spec.table, column.name)
