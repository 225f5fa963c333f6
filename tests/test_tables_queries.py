"""Tables that a person can read (issue 16, items 6-8), on the query layer against real PostGIS: names
not codes, lagging places first with totals, offices long past their handover flagged (migration
0130), zero shares «۰», the kind filter counting cards and offices as the map colours, a future or
bad as-of refused. The fixture's figures are worked out in tests/dashboard_fixture.py."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard import components, controls, grids, queries
from dashboard.pages import city, common, national, province
from dashboard.urls import parse
from regen.scope import NATIONAL
from tests.dashboard_fixture import D1, D2

LATE = dt.date(2022, 10, 1)  # O2's handover (due 2022-06-30) three months late: late, not yet overdue


def lagging_key(r: dict):
    return (r["neighborhoods"] == 0, r["coverage_count_pct"] is None, r["coverage_count_pct"] or 0,
            r["handover_pct"] or 0)  # fmt: skip


@pytest.mark.parametrize("day", [D1, D2])
def test_provinces_and_cities_lagging_first(world, day):
    rows = queries.coverage_provinces(world, NATIONAL, day)
    assert [lagging_key(r) for r in rows] == sorted(lagging_key(r) for r in rows)
    # Isfahan (1 of 2 covered) lags Tehran (2 of 4 on D1, equal share: then handover; 3 of 4 on D2);
    # the 29 provinces with no target neighborhood come last
    assert [r["code"] for r in rows[:2]] == ["IR-10", "IR-23"]
    assert all(r["neighborhoods"] == 0 for r in rows[2:])
    cities = queries.coverage_cities(world, NATIONAL, day, province="IR-23")
    assert [lagging_key(r) for r in cities] == sorted(lagging_key(r) for r in cities)
    # on D1 Rey has nothing covered, Tehran 2 of 3; on D2 Rey 1 of 1, Tehran 2 of 3
    assert [c["code"] for c in cities] == (["RAY", "TEH"] if day == D1 else ["TEH", "RAY"])


def test_totals_row_is_the_headline(world):
    view = parse("?as_of=2023-06-01")
    parts = national._parts(view)
    total, head = parts["totals"], parts["head"]
    for key in ("neighborhoods", "covered", "active", "handed_over", "coverage_count_pct", "handover_pct"):
        assert total[key] == pytest.approx(head[key]), key
    assert total["neighborhoods"] == 6 and total["covered"] == 4
    assert total["overdue"] == sum(r["overdue"] for r in parts["records"])
    row = grids.totals_row(national.COLS, total, "fa")[0]
    assert row["id"] == "totals" and row["s"][0] == "جمع" and row["s"][1] == "۶" and row["s"][2] == "۴"
    # a filter change sends the totals row in a Patch of the grid's options, not the options again
    answer = common.place_answer(parts, national.COLS, "fa")
    options = answer[1 + len(controls.CARDS) + 1]
    assert options.to_plotly_json()["operations"][0]["location"] == ["pinnedBottomRowData"]


def test_zero_is_zero_not_blank(world):
    rey = queries.coverage_cities(world, NATIONAL, D1, city="RAY")[0]
    assert rey["covered"] == 0 and rey["area_ha"] > 0
    assert rey["coverage_area_pct"] == 0 and rey["coverage_population_pct"] == 0  # the functions: NULL
    cols = province.COLS
    records = common.place_records([rey], {}, "fa", "/city/", parse(""))
    shown = dict(zip([c.field for c in cols], grids.rows(cols, records, "fa")[0]["s"], strict=True))
    assert shown["covered"] == "۰" and shown["coverage_area_pct"] == "۰٫۰" and shown["overdue"] == "۰"
    assert shown["handover_pct"] == "—"  # nothing to measure: no office established in Rey on D1


def test_names_not_codes(world):
    hoods = {h["code"]: h for h in queries.neighborhoods(world, NATIONAL, "TEH", D2)}
    assert hoods["N1"]["offices"] == "دفتر عودلاجان" and hoods["N1"]["office_codes"] == "O1"
    en = {h["code"]: h for h in queries.neighborhoods(world, NATIONAL, "TEH", D2, lang="en")}
    assert en["N1"]["offices"] == "Oudlajan office"
    offices = {o["code"]: o for o in queries.city_offices(world, NATIONAL, "TEH", D2)}
    assert offices["O2"]["neighborhoods"] == "نارمک" and offices["O2"]["neighborhood_codes"] == "N2"
    for cols in (
        city.HOOD_COLS,
        city.OFFICE_COLS,
        *(ls.cols for n, ls in province.LISTS.items() if n != "prov-table"),
    ):
        assert cols[0].field == "name" and cols[-1].field == "code"  # the name first, the code last
    rows = [city._office(o, parse("?lang=fa")) for o in offices.values()]
    assert {r["neighborhoods"] for r in rows} == {"عودلاجان", "نارمک", "خاک سفید"}


def test_offices_long_past_their_handover_are_overdue(world):
    due = {o["code"]: o for o in queries.offices_due_handover(world, NATIONAL, "IR-23", D2)}
    assert (due["O2"]["months_late"], due["O2"]["overdue"]) == (11, True)  # due 2022-06-30, still active
    assert due["O3"]["months_late"] is None and not due["O3"]["overdue"]  # no handover action
    late = {o["code"]: o for o in queries.offices_due_handover(world, NATIONAL, "IR-23", LATE)}
    assert (late["O2"]["months_late"], late["O2"]["overdue"]) == (3, False)
    offices = queries.city_offices(world, NATIONAL, "TEH", D2)
    assert offices[0]["code"] == "O2" and offices[0]["overdue"]  # overdue first
    assert not next(o for o in offices if o["code"] == "O1")["overdue"]  # handed over: not late
    record = province._due(due["O2"], parse("?lang=fa"))
    assert record["late"] == "۱۱ ماه · معوق" and record["overdue_flag"] == 1
    assert grids.text_rows(province.LISTS["prov-due"].cols, [record], "fa")[0]["f"] == 1
    assert province._due(late["O2"], parse("?lang=en"))["late"] == "3 months"
    assert common.late({"months_late": 1, "overdue": False}, "en") == "1 month"
    assert common.late({"months_late": None, "overdue": False}, "fa") == "—"


@pytest.mark.parametrize("day", [D1, D2])
@pytest.mark.parametrize("kind", queries.KINDS)
def test_kind_cards_and_offices_agree_with_the_map(world, day, kind):
    """A city's cards count what its map colours for the kind: the kind's neighborhoods (as the map
    takes them) and the facilitation offices serving them (the offices list); a province's cards are
    the sums of its cities' points."""
    for code in ("TEH", "RAY"):
        hoods = [h for h in queries.neighborhoods(world, NATIONAL, code, day) if kind in h["kinds"]]
        narrowed = queries.neighborhoods(world, NATIONAL, code, day, kind)
        assert [(h["code"], h["status"]) for h in hoods] == [(h["code"], h["status"]) for h in narrowed]
        head = queries.headline(world, NATIONAL, day, province="IR-23", city=code, kind=kind)
        assert head["neighborhoods"] == len(hoods)
        assert head["covered"] == sum(h["status"] in ("active", "handed_over") for h in hoods)
        listed = queries.city_offices(world, NATIONAL, code, day, kind=kind)
        served = {c.strip() for h in hoods for c in (h["office_codes"] or "").split(",") if c.strip()}
        assert {o["code"] for o in listed} == served  # the offices list: the offices of those neighborhoods
        facilitation = [o for o in listed if o["kind"] == "facilitation"]
        for state in ("active", "handed_over", "established", "planned"):
            assert head[state] == sum(o["state"] == state for o in facilitation), state
    view = parse(f"?as_of={day.isoformat()}&kind={kind}")
    parts = province._parts(view, "IR-23")
    points = queries.coverage_cities(world, NATIONAL, day, province="IR-23", kind=kind)
    colours = [components.measure_value(r, "count") for r in sorted(points, key=lambda r: r["code"])]
    assert parts["map"]["data"][0]["marker"]["color"] == colours
    assert parts["head"]["neighborhoods"] == sum(r["neighborhoods"] for r in points)
    assert parts["head"]["covered"] == sum(r["covered"] for r in points)


def test_kind_narrows_the_offices_lists(world):
    historic = queries.city_offices(world, NATIONAL, "TEH", D2, kind="historic")
    assert [o["code"] for o in historic] == ["O1"]
    inner = queries.offices_due_handover(world, NATIONAL, "IR-23", D2, kind="inner_city")
    assert [o["code"] for o in inner] == ["O2", "O3"]
    assert queries.offices_due_handover(world, NATIONAL, "IR-23", D2, kind="historic") == []
    everything = queries.headline(world, NATIONAL, D2, province="IR-23", city="TEH")
    assert everything["neighborhoods"] == 3  # no kind: every neighborhood, as before


def test_future_as_of_refused_today_accepted():
    today = dt.date.today()
    view = parse("?as_of=1420-01-01")  # Jalali, years ahead
    assert view.as_of is None and view.day == today and view.bad_date == "1420-01-01"
    notice = controls.date_notice(view.bad_date, "fa", linked=True)
    assert "1420-01-01" in notice and "آینده" in notice and "امروز" in notice
    assert "after today" in controls.date_notice("1420/01/01", "en")
    assert common.as_of_from("1420/01/01", view) is None  # nothing computed for the future
    assert common.as_of_from(today.isoformat(), view) == today  # today is accepted
    assert parse(f"?as_of={today.isoformat()}").as_of == today


def test_bad_as_of_in_a_link_is_named(world):  # the filter bar asks the database for its calendar
    view = parse("?as_of=1404-13-40&lang=en")
    assert view.as_of is None and view.bad_date == "1404-13-40"
    notice = controls.date_notice(view.bad_date, "en", linked=True)
    assert "1404-13-40" in notice and "not a date" in notice and "shows today" in notice
    bar = controls.filter_bar(view, "en", [], [], show=("as_of",), page="national")
    assert "1404-13-40" in str(bar.children[-1].children)


# -- the long lists' sorts (queries.SORTS; regen/queries.sorted_sql) ----------------------------------
def _lists(db) -> list[tuple[str, object]]:
    """Gives (statement, a function of the page asked giving its rows) for every long list."""
    res = next(f"{a['meeting_number']}-{a['resolution_number']}" for a in queries.actions(db, NATIONAL, D2))
    q, n = queries, NATIONAL
    return [
        ("dash_city_table", lambda **p: q.city_table(db, n, "IR-23", D2, **p)),
        ("dash_neighborhoods", lambda **p: q.neighborhoods(db, n, "TEH", D2, **p)),
        ("dash_city_offices", lambda **p: q.city_offices(db, n, "TEH", D2, **p)),
        ("dash_uncovered_neighborhoods", lambda **p: q.uncovered_neighborhoods(db, n, "IR-23", D1, **p)),
        ("dash_offices_due_handover", lambda **p: q.offices_due_handover(db, n, "IR-23", D2, **p)),
        ("dash_action_page", lambda **p: q.action_page(db, n, D2, res, {}, **p)),
    ]


def test_every_column_a_grid_sorts_by_is_one_its_statement_sorts_by():
    """A sortable column of a long list's grid that SORTS does not name would silently give the list's
    own order; each list's statement has one sort mark."""
    from regen import queries as named

    statements = {
        "prov-table": "dash_city_table", "prov-uncovered": "dash_uncovered_neighborhoods",
        "prov-due": "dash_offices_due_handover", "city-hoods": "dash_neighborhoods",
        "city-offices": "dash_city_offices", "act-res": "dash_action_page",
    }  # fmt: skip
    assert set(statements) == set(grids.LISTS)
    for grid, name in statements.items():
        sortable = {c.field for c in grids.LISTS[grid].cols if c.sortable}
        assert sortable == set(queries.SORTS[name]), grid
        assert named.sql(name).count(named.SORT) == 1, name


_TEXT_ORDER = {  # (a code?, descending?) → the database's order of texts
    (False, False): 'SELECT k FROM unnest(%s::text[]) k ORDER BY k COLLATE "fa-x-icu"',
    (False, True): 'SELECT k FROM unnest(%s::text[]) k ORDER BY k COLLATE "fa-x-icu" DESC',
    (True, False): "SELECT k FROM unnest(%s::text[]) k ORDER BY k",
    (True, True): "SELECT k FROM unnest(%s::text[]) k ORDER BY k DESC",
}


def test_each_list_sorts_by_each_column_both_ways_ties_in_its_own_order(world):
    """Every column of every long list, both directions, both languages: the rows of the whole list
    each once, ordered by the column (texts in ICU's Persian order, asked of the database; no value
    last), rows of equal value in the list's own order (its code last: a page never moves)."""
    # names whose first letter (پ) Unicode puts after the others' and Persian order before them
    world.execute(
        "INSERT INTO cities (code, province_code, name_fa, name_en, location, source) VALUES "
        "('PAK', 'IR-23', 'پاکدشت', 'Pakdasht', ST_SetSRID(ST_MakePoint(51.68, 35.47), 4326), 'test');"
        "INSERT INTO neighborhoods (code, city_code, name_fa, name_en, boundary, kinds, source) VALUES "
        "('N9', 'TEH', 'پامنار', 'Pamenar', ST_Multi(ST_MakeEnvelope(51.41, 35.69, 51.42, 35.70, 4326)), "
        "'{historic}', 'test');"
        "INSERT INTO offices (code, kind, name_fa, name_en, city_code, location, operator_agency_code, "
        "pre_program, source) VALUES ('O9', 'facilitation', 'دفتر پامنار', 'Pamenar office', 'TEH', "
        "ST_SetSRID(ST_MakePoint(51.415, 35.695), 4326), 'mrud', false, 'test');"
        "INSERT INTO actions (code, meeting_number, resolution_number, agency_code, title_fa, title_en, "
        "kind, city_code) VALUES ('A9', 50, 3, 'mrud', 'پیگیری پرونده‌ها', 'Follow up the files', "
        "'performance_report', 'TEH')"
    )
    for name, rows_of in _lists(world):
        for lang in ("fa", "en"):
            own = [r["code"] for r in rows_of(lang=lang)]
            assert own and len(set(own)) == len(own), name
            for col, key in queries.SORTS[name].items():
                for descending in (False, True):
                    rows = rows_of(sort=col, descending=descending, lang=lang)
                    where = (name, col, descending, lang)
                    assert sorted(r["code"] for r in rows) == sorted(own), where
                    assert {r["total"] for r in rows} == {len(own)}, where
                    values = [r[key] for r in rows]
                    known = [v for v in values if v is not None]
                    assert values[len(known) :] == [None] * (len(values) - len(known)), where
                    if known and isinstance(known[0], str):  # as the database orders texts
                        want = world.query(_TEXT_ORDER[col == "code", descending], (known,))
                        assert known == [w["k"] for w in want], where
                    else:
                        assert known == sorted(known, reverse=descending), where
                    for a, b in zip(rows, rows[1:], strict=False):  # ties: the list's own order
                        if a[key] == b[key]:
                            assert own.index(a["code"]) < own.index(b["code"]), where


@pytest.mark.parametrize(
    "crafted",
    [
        'name_fa" DESC; DROP TABLE offices; --',
        "name_shown",
        "code; SELECT pg_sleep(5)",
        ["name"],
        {"a": 1},
        None,
    ],
)
def test_a_crafted_sort_gives_the_list_s_own_order_and_runs_no_sql(world, crafted):
    """What a browser sends as a sort is only ever looked up in SORTS: a made-up column (even the
    statement's own name of a key), SQL, or not a text gives the list's own order."""
    for name, rows_of in _lists(world):
        own = [r["code"] for r in rows_of()]
        assert [r["code"] for r in rows_of(sort=crafted, descending=True)] == own, (name, crafted)
    assert world.query("SELECT count(*) AS n FROM offices")[0]["n"] > 0
    assert grids.sort_of({"sortModel": [{"colId": crafted, "sort": "asc"}]}, city.OFFICE_COLS) == ("", False)


def test_a_column_reaches_the_statement_as_an_identifier_never_as_sql(world):
    """Below the query layer too: a column that is not the statement's is quoted, so the database
    refuses it as an unknown column instead of running what it says."""
    import psycopg2

    from regen import queries as named

    page = {"as_of": D2, "city": "TEH", "kind": None, "lang": "fa", "offset": 0, "limit": None}
    with pytest.raises(psycopg2.errors.UndefinedColumn):
        named.run("dash_city_offices", world, NATIONAL, **page, sort="code DESC; DROP TABLE offices; --")
    assert world.query("SELECT count(*) AS n FROM offices")[0]["n"] > 0
