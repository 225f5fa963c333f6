"""Exports: every entity in GeoJSON, CSV (UTF-8 with BOM) and XLSX, filtered by province and city."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import openpyxl
import pytest
from click.testing import CliRunner

from etl.export import ENTITIES, export_bytes, export_rows
from regen.cli import cli
from regen.errors import RegenError
from regen.scope import NATIONAL
from tests.table_fixtures import insert_places

OFFICE_SQL = """
INSERT INTO offices (code, kind, name_fa, city_code, location, operator_agency_code, pre_program) VALUES
 ('OF-1', 'facilitation', 'دفتر نارمک', 'tehran', ST_SetSRID(ST_MakePoint(51.493, 35.733), 4326),
  'moi_social', false),
 ('OF-2', 'facilitation', 'دفتر جلفا', 'isfahan', ST_SetSRID(ST_MakePoint(51.663, 32.633), 4326),
  'urc', true);
INSERT INTO office_neighborhoods VALUES ('OF-1', 'THR-001'), ('OF-1', 'THR-002'), ('OF-2', 'ISF-001');
INSERT INTO office_states (office_code, state, began_on, letter_no) VALUES
 ('OF-1', 'established', '2019-01-10', NULL), ('OF-1', 'active', '2019-03-01', NULL),
 ('OF-1', 'handed_over', '2021-06-01', '123/45'), ('OF-2', 'active', '2015-01-01', NULL);
INSERT INTO actions (code, meeting_number, resolution_number, agency_code, title_fa, kind, city_code, due_on)
VALUES ('A-1', 50, 3, 'moi_social', 'راه‌اندازی دفتر سیروس', 'establish_office', 'tehran', '2019-03-21'),
       ('A-2', 50, 2, 'tvto', 'گزارش عملکرد', 'performance_report', NULL, '2019-01-01');
INSERT INTO action_statuses (action_code, status, began_on, evidence) VALUES
 ('A-1', 'open', '2018-10-02', NULL), ('A-1', 'done', '2019-02-01', 'نامه ۱۲۳'),
 ('A-2', 'open', '2018-10-02', NULL);
INSERT INTO targets (code, agency_code, measure, province_code, from_year, to_year, starts_on, ends_on,
                     target)
VALUES ('T-1', 'moi_social', 'offices_established', NULL, 1396, 1400, '2017-03-21', '2022-03-20', 100),
       ('T-2', 'moi_social', 'neighborhoods_covered', 'IR-23', 1402, 1402, '2023-03-21', '2024-03-19', 5);
"""


@pytest.fixture
def filled(db):
    insert_places(db)
    db.execute(OFFICE_SQL)
    return db


def _csv(data: bytes) -> list[dict]:
    assert data.startswith(b"\xef\xbb\xbf"), "CSV must start with a UTF-8 BOM for Excel"
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def _xlsx(data: bytes) -> list[dict]:
    ws = openpyxl.load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    width = len(rows[0])  # read-only sheets drop trailing empty cells
    return [dict(zip(rows[0], (*r, *[None] * (width - len(r))), strict=True)) for r in rows[1:]]


def test_every_entity_in_every_format(filled):
    for entity in ENTITIES:
        frame = export_rows(filled, entity, scope=NATIONAL)
        assert len(frame) > 0, entity
        gj = json.loads(export_bytes(filled, entity, "geojson", scope=NATIONAL))
        assert gj["type"] == "FeatureCollection" and len(gj["features"]) == len(frame)
        rows = _csv(export_bytes(filled, entity, "csv", scope=NATIONAL))
        assert [r["code"] for r in rows] == list(frame["code"])
        assert "geometry" not in rows[0]
        xlsx = _xlsx(export_bytes(filled, entity, "xlsx", scope=NATIONAL))
        assert [r["code"] for r in xlsx] == list(frame["code"])


def test_offices_current_state_history_and_geometry(filled):
    frame = export_rows(filled, "offices", scope=NATIONAL).set_index("code")
    assert frame.crs.to_epsg() == 4326
    one = frame.loc["OF-1"]
    assert one["state"] == "handed_over" and one["state_since"] == dt.date(2021, 6, 1)
    assert one["neighborhoods"] == "THR-001;THR-002" and one["handover_letter"] == "123/45"
    assert one["province"] == "IR-23" and one["operator"] == "moi_social"
    assert (one.geometry.x, one.geometry.y) == (51.493, 35.733) == (one["lon"], one["lat"])
    # on an earlier day the state is the one that had begun by then
    earlier = export_rows(filled, "offices", as_of=dt.date(2019, 5, 1), scope=NATIONAL).set_index("code")
    assert earlier.loc["OF-1", "state"] == "active"
    rows = {r["code"]: r for r in _csv(export_bytes(filled, "offices", "csv", scope=NATIONAL))}
    assert rows["OF-1"]["handed_over_on"] == "2021-06-01" and rows["OF-1"]["pre_program"] == "false"
    assert rows["OF-2"]["pre_program"] == "true" and rows["OF-2"]["handed_over_on"] == ""
    assert rows["OF-1"]["name_fa"] == "دفتر نارمک"


def test_neighborhoods_status_area_and_polygons(filled):
    gj = json.loads(export_bytes(filled, "neighborhoods", "geojson", scope=NATIONAL))
    by_code = {f["id"]: f for f in gj["features"]}
    assert by_code["THR-001"]["geometry"]["type"] == "MultiPolygon"
    props = by_code["THR-001"]["properties"]
    assert props["status"] == "handed_over" and props["covered"] is True
    assert by_code["THR-003"]["properties"]["status"] == "none"
    assert 40 < props["area_ha"] < 80 and props["kinds"] == "inner_city"
    assert props["name_fa"] == "نارمک"  # Persian unescaped in the file
    assert "نارمک".encode() in export_bytes(filled, "neighborhoods", "geojson", scope=NATIONAL)


def test_actions_status_and_overdue(filled):
    rows = {r["code"]: r for r in _xlsx(export_bytes(filled, "actions", "xlsx", scope=NATIONAL))}
    assert rows["A-1"]["status"] == "done" and rows["A-1"]["evidence"] == "نامه ۱۲۳"
    assert rows["A-1"]["effective_province"] == "IR-23" and rows["A-1"]["overdue"] is False
    assert rows["A-2"]["overdue"] is True and rows["A-2"]["effective_province"] is None
    gj = json.loads(export_bytes(filled, "actions", "geojson", scope=NATIONAL))
    assert all(f["geometry"] is None for f in gj["features"])


def test_filters_by_province_and_city(filled):
    assert list(export_rows(filled, "neighborhoods", province="IR-10", scope=NATIONAL)["code"]) == ["ISF-001"]
    assert list(export_rows(filled, "neighborhoods", province="تهران", scope=NATIONAL)["code"]) == [
        "THR-001",
        "THR-002",
        "THR-003",
    ]
    assert list(export_rows(filled, "offices", city="isfahan", scope=NATIONAL)["code"]) == ["OF-2"]
    assert list(export_rows(filled, "actions", province="IR-23", scope=NATIONAL)["code"]) == ["A-1"]
    assert list(export_rows(filled, "cities", province="Isfahan", scope=NATIONAL)["code"]) == ["isfahan"]
    assert list(export_rows(filled, "provinces", city="tehran", scope=NATIONAL)["code"]) == ["IR-23"]
    assert len(export_rows(filled, "provinces", scope=NATIONAL)) == 31
    empty = export_rows(filled, "offices", province="IR-05", scope=NATIONAL)
    assert len(empty) == 0 and "state" in empty.columns
    with pytest.raises(RegenError, match="no province «IR-99»"):
        export_rows(filled, "cities", province="IR-99")
    with pytest.raises(RegenError, match="no city with code «nowhere»"):
        export_rows(filled, "cities", city="nowhere")


def test_cli_export_to_stdout_and_file(filled, tmp_path):
    runner = CliRunner()
    result = runner.invoke(cli, ["export", "offices", "--format", "csv", "--province", "IR-23"])
    assert result.exit_code == 0, result.output
    assert [r["code"] for r in _csv(result.stdout_bytes)] == ["OF-1"]
    out = tmp_path / "n.xlsx"
    result = runner.invoke(cli, ["export", "neighborhoods", "--city", "tehran", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert len(_xlsx(out.read_bytes())) == 3
    result = runner.invoke(cli, ["export", "cities", "--province", "IR-99"])
    assert result.exit_code != 0 and "no province «IR-99»" in result.output


# -- round trip: what a load writes, an export gives back, and loading the export changes nothing ----------
def test_load_export_round_trip(db, tmp_path):
    from etl.load_tables import load_table
    from tests.test_load_tables import ACTIONS, CITIES, OFFICES_FA, data_tables, write_csv, write_xlsx

    insert_places(db)
    load_table(db, "cities", write_csv(tmp_path / "c.csv", CITIES))
    facts = [
        ["code", "population", "households", "kinds", "pilot"],
        ["THR-001", "12500", "4100", "inner_city;informal", "yes"],
        ["ISF-001", "3000", "", "historic", "no"],
    ]
    load_table(db, "neighborhood-facts", write_csv(tmp_path / "f.csv", facts))
    load_table(db, "offices", write_xlsx(tmp_path / "o.xlsx", OFFICES_FA))
    load_table(db, "actions", write_csv(tmp_path / "a.csv", ACTIONS))

    cities = {r["code"]: r for r in _csv(export_bytes(db, "cities", "csv", scope=NATIONAL))}
    assert cities["karaj"]["name_fa"] == "کرج" and cities["karaj"]["province"] == "IR-30"
    assert (cities["karaj"]["lat"], cities["karaj"]["lon"], cities["karaj"]["population"]) == (
        "35.8355",
        "51.0103",
        "1592492",
    )
    assert cities["qom"]["population"] == ""
    nbhd = {r["code"]: r for r in _xlsx(export_bytes(db, "neighborhoods", "xlsx", scope=NATIONAL))}
    assert (
        nbhd["THR-001"]["population"],
        nbhd["THR-001"]["households"],
        nbhd["THR-001"]["kinds"],
        nbhd["THR-001"]["pilot"],
    ) == (12500, 4100, "inner_city;informal", True)
    offices = {
        f["id"]: f for f in json.loads(export_bytes(db, "offices", "geojson", scope=NATIONAL))["features"]
    }
    one = offices["OF-1"]["properties"]
    assert (one["name_fa"], one["kind"], one["operator"], one["neighborhoods"]) == (
        "دفتر نارمک",
        "facilitation",
        "moi_social",
        "THR-001;THR-002",
    )
    assert (one["established_on"], one["active_on"], one["handed_over_on"], one["handover_letter"]) == (
        "2019-01-10",
        "2019-03-01",
        "2021-06-01",
        "123/45",
    )
    assert one["state"] == "handed_over" and offices["OF-1"]["geometry"]["coordinates"] == [51.493, 35.733]
    assert offices["OF-2"]["properties"]["location_estimated"] is True
    assert offices["OF-3"]["properties"]["established_on"] == "2025-03-20"  # 1403/12/30
    actions = {r["code"]: r for r in _csv(export_bytes(db, "actions", "csv", scope=NATIONAL))}
    assert (actions["A-3-THR-003"]["status"], actions["A-3-THR-003"]["status_on"]) == (
        "in_progress",
        "2019-08-23",
    )
    assert actions["A-3-THR-003"]["due_on"] == "2020-03-19" and actions["A-6"]["evidence"] == "نامه ۴۵۶"

    # filters
    assert [r["code"] for r in _csv(export_bytes(db, "cities", "csv", province="IR-30", scope=NATIONAL))] == [
        "karaj"
    ]
    assert [
        f["id"]
        for f in json.loads(export_bytes(db, "offices", "geojson", city="tehran", scope=NATIONAL))["features"]
    ] == ["OF-1", "OF-2"]
    assert [
        r["code"] for r in _xlsx(export_bytes(db, "actions", "xlsx", province="IR-23", scope=NATIONAL))
    ] == ["A-3-THR-003", "A-6"]

    # the exports load back as they are, in CSV and XLSX, and change nothing
    before = data_tables(db)
    for entity, kind in (
        ("cities", "cities"),
        ("neighborhoods", "neighborhood-facts"),
        ("offices", "offices"),
        ("actions", "actions"),
    ):
        for fmt, jalali in (("csv", False), ("xlsx", False), ("csv", True)):
            path = tmp_path / f"export-{entity}-{jalali}.{fmt}"
            path.write_bytes(export_bytes(db, entity, fmt, jalali=jalali, scope=NATIONAL))
            report = load_table(db, kind, path)
            assert (report.inserted, report.updated, report.rejected) == (0, 0, 0), (
                entity,
                fmt,
                report.summary(),
            )
            assert report.unchanged == report.read > 0
    assert data_tables(db) == before


def test_jalali_dates_and_text_that_looks_like_a_formula(filled, tmp_path):
    filled.execute("UPDATE actions SET title_fa = '=HYPERLINK(\"http://x\")' WHERE code = 'A-2'")
    rows = {r["code"]: r for r in _csv(export_bytes(filled, "offices", "csv", jalali=True, scope=NATIONAL))}
    assert (rows["OF-1"]["established_on"], rows["OF-1"]["handed_over_on"]) == ("1397/10/20", "1400/03/11")
    ws = openpyxl.load_workbook(io.BytesIO(export_bytes(filled, "actions", "xlsx", scope=NATIONAL))).active
    cell = next(c for c in ws["E"] if c.value and str(c.value).startswith("="))
    assert cell.data_type == "s" and cell.value == '=HYPERLINK("http://x")'
    result = CliRunner().invoke(cli, ["export", "actions", "--jalali", "--format", "csv"])
    assert result.exit_code == 0 and "1397/07/10" in result.stdout_bytes.decode("utf-8-sig")


def test_scope_limits_detail(filled):
    from regen.scope import Scope

    tehran = Scope(user="t", role="provincial", province="IR-23")
    assert list(export_rows(filled, "offices", scope=tehran)["code"]) == ["OF-1"]
    assert list(export_rows(filled, "actions", scope=tehran)["code"]) == ["A-1"]
    # another province's city reads like an unknown one (issue 12: no existence oracle)
    for city in ("isfahan", "no-such-city"):
        with pytest.raises(RegenError, match=f"^no city with code «{city}»: see"):
            export_rows(filled, "neighborhoods", city=city, scope=tehran)
    with pytest.raises(RegenError, match="sees the detail of province IR-23 only, not IR-10"):
        export_rows(filled, "neighborhoods", province="IR-10", scope=tehran)  # provinces are public
    assert set(export_rows(filled, "cities", scope=tehran)["province"]) == {"IR-23"}
    # every province's count of cities is the national picture, whatever the scope reads of cities
    counts = export_rows(filled, "provinces", scope=tehran).set_index("code")["cities"]
    assert (
        counts.to_dict()
        == export_rows(filled, "provinces", scope=NATIONAL).set_index("code")["cities"].to_dict()
    )
    assert counts["IR-10"] == 1
    with pytest.raises(RegenError, match="signed-in users only"):
        export_rows(filled, "cities")
    with pytest.raises(RegenError, match="signed-in users only"):
        export_rows(filled, "offices")
    assert len(export_rows(filled, "provinces")) == 31  # the national picture is for everyone
    viewer = Scope(user="v", role="viewer")
    assert len(export_rows(filled, "neighborhoods", scope=viewer)) == 4
