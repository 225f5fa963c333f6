"""The dashboard's query layer against real PostGIS: the numbers it shows are the SQL functions' numbers,
per province and per city, on two as-of dates; scope narrows what it shows; errors become messages."""

from __future__ import annotations

import json

import pytest

from bench.dash_requests import list_request, payload, view_payload
from dashboard import components, kept, queries, results, shapes, shell
from dashboard.auth_seam import NotAllowed
from regen.scope import NATIONAL, Scope
from tests.dashboard_fixture import D1, D2

COV_KEYS = (
    "neighborhoods",
    "covered",
    "coverage_count_pct",
    "area_ha",
    "covered_ha",
    "coverage_area_pct",
    "population",
    "covered_population",
    "coverage_population_pct",
)
HO_KEYS = ("planned", "established", "active", "handed_over", "closed", "handover_pct")


def same(value):
    """Equal, and for floats equal up to the order of a sum (the view and the function add the same
    hectares in different orders, which can change the last bit)."""
    return pytest.approx(value, rel=1e-12, abs=0) if isinstance(value, float) else value


@pytest.mark.parametrize("day", [D1, D2])
def test_province_numbers_are_the_sql_functions(world, day):
    shown = {r["code"]: r for r in queries.coverage_provinces(world, NATIONAL, day)}
    truth = {r["province_code"]: r for r in world.query("SELECT * FROM coverage_by_province(%s)", (day,))}
    assert len(shown) == len(truth) == 31
    for code, row in truth.items():
        for key in (*COV_KEYS, *HO_KEYS, "cities"):
            assert shown[code][key] == same(row[key]), (code, key)


@pytest.mark.parametrize("day", [D1, D2])
def test_city_numbers_are_the_sql_functions(world, day):
    shown = {r["code"]: r for r in queries.coverage_cities(world, NATIONAL, day)}
    cov = {r["city_code"]: r for r in world.query("SELECT * FROM coverage_by_city(%s)", (day,))}
    ho = {r["city_code"]: r for r in world.query("SELECT * FROM handover_by_city(%s)", (day,))}
    assert set(shown) == set(cov) == {"TEH", "RAY", "ISF"}
    for code in cov:
        for key in COV_KEYS:
            truth = cov[code][key]
            whole = {"coverage_area_pct": "area_ha", "coverage_population_pct": "population"}.get(key)
            if truth is None and whole and cov[code][whole]:  # nothing covered of something: 0, not NULL
                truth = 0.0
            assert shown[code][key] == same(truth), (code, key)
        for key in HO_KEYS:
            assert shown[code][key] == same(ho[code][key]), (code, key)


def test_numbers_worked_out_by_hand(world):
    def prov(day, code):
        return next(r for r in queries.coverage_provinces(world, NATIONAL, day) if r["code"] == code)

    assert (prov(D1, "IR-23")["neighborhoods"], prov(D1, "IR-23")["covered"]) == (4, 2)
    assert (prov(D2, "IR-23")["neighborhoods"], prov(D2, "IR-23")["covered"]) == (4, 3)
    assert prov(D1, "IR-10")["covered"] == 1 and prov(D2, "IR-10")["covered"] == 1
    # Isfahan by population: on D1 Jolfa (4000 of 4000 known); on D2 only Arzanan (population unknown)
    assert prov(D1, "IR-10")["coverage_population_pct"] == pytest.approx(100.0)
    assert prov(D2, "IR-10")["coverage_population_pct"] == pytest.approx(0.0)
    teh = queries.coverage_cities(world, NATIONAL, D2, city="TEH")[0]
    assert (teh["handed_over"], teh["active"], teh["handover_pct"]) == (1, 1, pytest.approx(50.0))
    # the renewal service office serving N3 never counts as coverage
    statuses = {r["code"]: r["status"] for r in queries.neighborhoods(world, NATIONAL, "TEH", D2)}
    assert statuses == {"N1": "handed_over", "N2": "active", "N3": "none"}


@pytest.mark.parametrize("day", [D1, D2])
def test_neighborhood_status_is_neighborhood_status_on(world, day):
    truth = {
        r["neighborhood_code"]: r["status"]
        for r in world.query("SELECT * FROM neighborhood_status_on(%s)", (day,))
    }
    for city in ("TEH", "RAY", "ISF"):
        for r in queries.neighborhoods(world, NATIONAL, city, day):
            assert r["status"] == truth[r["code"]]


def test_headline_and_overdue(world):
    h1 = queries.headline(world, NATIONAL, D1)
    h2 = queries.headline(world, NATIONAL, D2)
    assert (h1["neighborhoods"], h1["covered"], h1["overdue_actions"]) == (6, 3, 2)
    assert (h2["neighborhoods"], h2["covered"], h2["overdue_actions"]) == (6, 4, 1)
    assert h2["coverage_count_pct"] == pytest.approx(100 * 4 / 6)
    isf = queries.headline(world, NATIONAL, D1, province="IR-10")
    assert isf["overdue_actions"] == 1  # A4, tied to Isfahan through its neighborhood
    acts = queries.actions(world, NATIONAL, D1)
    assert [a["code"] for a in acts][:2] == ["A3", "A4"]  # overdue first, earliest due first


def test_timeline_ends_at_the_as_of_day(world):
    rows = queries.timeline(world, NATIONAL, D2)
    assert rows[-1]["day"] == D2 and rows[-1]["covered"] == 4
    assert [r["day"] for r in rows] == sorted(r["day"] for r in rows)
    assert rows[0]["day"] >= queries.timeline_days(None, D2)[0] or len(rows) > 1


def test_offices_and_history(world):
    offices = {o["code"]: o for o in queries.city_offices(world, NATIONAL, "TEH", D1)}
    assert offices["O1"]["state"] == "active" and offices["O1"]["handed_over_on"] is None
    assert offices["O2"]["active_on"].isoformat() == "2021-02-01"
    events = [
        (r["event"], r["day"].isoformat()) for r in queries.history(world, NATIONAL, "neighborhood", "N1")
    ]
    assert ("boundary_redrawn", "2020-01-01") in events and ("handed_over", "2023-03-01") in events
    due = queries.offices_due_handover(world, NATIONAL, "IR-23", D2)
    assert [o["code"] for o in due] == ["O2", "O3"]  # O2 has a handover action due 2022-06-30


def test_scope_narrows_and_refuses(world):
    isfahan_officer = Scope(user="u", role="provincial", province="IR-10")
    # The national picture (per-province aggregates) is every signed-in role's; the detail is not.
    rows = {r["code"]: r for r in queries.coverage_provinces(world, isfahan_officer, D1)}
    national = {r["code"]: r for r in queries.coverage_provinces(world, NATIONAL, D1)}
    assert len(rows) == 31 and rows["IR-23"]["neighborhoods"] == national["IR-23"]["neighborhoods"] > 0
    tehran_officer = Scope(user="t", role="provincial", province="IR-23")
    overdue = queries.overdue_by(queries.national_overdue(world, tehran_officer, D1), "province_code")
    assert overdue == queries.overdue_by(queries.national_overdue(world, NATIONAL, D1), "province_code")
    assert overdue["IR-10"] == 1  # Isfahan's count (A4) reaches a Tehran officer; the action does not:
    assert "A4" not in {a["code"] for a in queries.actions(world, tehran_officer, D1)}
    with pytest.raises(NotAllowed):
        queries.coverage_provinces(world, Scope(), D1)
    with pytest.raises(NotAllowed):
        queries.national_overdue(world, Scope(), D1)
    assert {a["code"] for a in queries.actions(world, isfahan_officer, D1)} == {"A4"}
    with pytest.raises(NotAllowed):
        queries.coverage_cities(world, isfahan_officer, D1, province="IR-23")
    with pytest.raises(NotAllowed):
        queries.neighborhoods(world, isfahan_officer, "TEH", D1)
    with pytest.raises(NotAllowed):
        queries.actions(world, Scope(), D1)  # anonymous sees nothing scoped


def test_shapes_are_simplified_feature_collections(world):
    fc = shapes.province_shapes(world, NATIONAL)
    assert [f["id"] for f in fc["features"]] == ["IR-10", "IR-23"]
    hoods = shapes.neighborhood_shapes(world, NATIONAL, "TEH")
    assert [f["id"] for f in hoods["features"]] == ["N1", "N2", "N3"]
    coords = json.dumps(hoods)
    assert "51.40000000" not in coords  # decimals cut to what the zoom can show


def test_a_map_patch_sends_values_only(world):
    """values_patch of a map drawn again for a new day: its values, never its polygons."""
    from dashboard.pages import national
    from dashboard.urls import parse

    fig = national._parts(parse("?as_of=1402-03-11"))["map"]
    patch = components.values_patch(fig).to_plotly_json()
    text = json.dumps(patch, ensure_ascii=False)
    assert "coordinates" not in text and "geojson" not in text
    merged = next(op for op in patch["operations"] if op["location"] == ["data", 0])
    assert merged["operation"] == "Merge" and merged["params"]["value"]["z"] == [50.0, 75.0]


def test_database_down_is_a_message_then_recovers(world, monkeypatch):
    good = world.url
    monkeypatch.setenv("DATABASE_URL", "postgresql://nobody@127.0.0.1:9/nowhere?connect_timeout=1")
    direction, lang, _, page, retry = shell.render("/", "")
    assert (direction, lang, retry) == ("rtl", "fa", True)
    text = json.dumps(page.to_plotly_json(), ensure_ascii=False, default=str)
    assert "پایگاه داده در دسترس نیست" in text and "Traceback" not in text
    monkeypatch.setenv("DATABASE_URL", good)
    _, _, _, page, retry = shell.render("/province/IR-23", "?as_of=1402-03-11")
    assert retry is False
    assert "nat-map" not in json.dumps(page.to_plotly_json(), default=str)
    assert "prov-map" in json.dumps(page.to_plotly_json(), default=str)


def test_render_in_english_and_refused_views(world):
    direction, lang, _, page, _ = shell.render("/city/TEH", "?lang=en&as_of=2023-06-01")
    assert (direction, lang) == ("ltr", "en")
    _, _, _, page, _ = shell.render("/city/NOPE", "")
    assert "NOPE" in json.dumps(page.to_plotly_json(), ensure_ascii=False, default=str)


def test_downloads_are_what_is_on_screen(world):
    import csv
    import io

    from dashboard.downloads import for_view
    from dashboard.urls import parse

    data, name = for_view(world, NATIONAL, "/", parse("?lang=en&as_of=1402-03-11"), "csv")
    rows = {r["code"]: r for r in csv.DictReader(io.StringIO(data.decode("utf-8-sig")))}
    assert name == "regen-coverage-provinces-2023-06-01.csv"
    _, name = for_view(world, NATIONAL, "/", parse("?as_of=1402-03-11"), "csv")
    assert name == "اطلس-بازآفرینی-پوشش-استان‌ها-۱۴۰۲-۰۳-۱۱.csv"  # the Persian view's name, in Persian
    assert (rows["IR-23"]["neighborhoods"], rows["IR-23"]["covered"]) == ("4", "3")
    geo = json.loads(for_view(world, NATIONAL, "/province/IR-23", parse("?as_of=1402-03-11"), "geojson")[0])
    assert {f["properties"]["code"]: f["properties"]["covered"] for f in geo["features"]} == {
        "TEH": 2,
        "RAY": 1,
    }
    geo = json.loads(
        for_view(world, NATIONAL, "/city/TEH", parse("?as_of=1402-03-11&kind=historic"), "geojson")[0]
    )
    assert [(f["properties"]["code"], f["properties"]["status"]) for f in geo["features"]] == [
        ("N1", "handed_over")
    ]
    xlsx, name = for_view(world, NATIONAL, "/actions", parse("?as_of=1400-03-11&province=IR-10"), "xlsx")
    assert xlsx[:2] == b"PK" and name.endswith(".xlsx")
    assert for_view(world, NATIONAL, "/about", parse(""), "csv") is None
    with pytest.raises(NotAllowed):
        for_view(world, Scope(user="u", role="provincial", province="IR-10"), "/city/TEH", parse(""), "csv")


def test_national_falls_back_to_city_points(world):
    world.execute("UPDATE provinces SET boundary = NULL")
    results.clear_cache()
    _, _, _, page, retry = shell.render("/", "?as_of=1402-03-11")
    text = str(page)
    assert retry is False and "'scattermap'" in text and "choroplethmap" not in text
    assert "بارگذاری نشده است" in text  # the notice that says why the map shows points


def test_kept_results_follow_the_data(world):
    before = next(r for r in queries.coverage_provinces(world, NATIONAL, D2) if r["code"] == "IR-23")
    again = next(r for r in queries.coverage_provinces(world, NATIONAL, D2) if r["code"] == "IR-23")
    assert again is before  # kept: the same rows, no second query
    world.execute(
        "INSERT INTO office_states (office_code, state, began_on) VALUES ('O2', 'handed_over', '2023-05-01')"
    )
    after = next(r for r in queries.coverage_provinces(world, NATIONAL, D2) if r["code"] == "IR-23")
    assert (before["handed_over"], after["handed_over"]) == (1, 2)
    assert queries.timeline(world, NATIONAL, D2)[-1]["handed_over"] == 2


def test_footer_says_demo_data_and_credits_sources(world):
    from dashboard.pages import about

    for table in ("neighborhoods", "offices", "cities"):
        world.execute(f"UPDATE {table} SET source = 'agency-file.csv'")  # real rows only
    results.clear_cache()
    line = json.dumps(about.footer("en").to_plotly_json(), ensure_ascii=False, default=str)
    assert "demo data" not in line and "Natural Earth" in line  # no demo warning without demo rows
    world.execute("UPDATE neighborhoods SET source = 'demo-neighborhoods.geojson' WHERE code = 'N1'")
    world.execute("UPDATE cities SET source = 'geonames-cities.csv' WHERE code = 'TEH'")
    results.clear_cache()
    line = json.dumps(about.footer("fa").to_plotly_json(), ensure_ascii=False, default=str)
    assert "demo data" not in line  # Persian only (issue 16)
    assert "داده نمایشی" in line and "GeoNames (CC BY 4.0)" in line
    line = json.dumps(about.footer("en").to_plotly_json(), ensure_ascii=False, default=str)
    assert "demo data: synthetic neighborhoods and offices" in line


@pytest.fixture
def signed_in(world):
    """Gives (app, post) for a signed-in national user; post(body) gives the bytes of a callback's answer."""
    from bench.dashboard import BENCH_PASSWORD, BENCH_USER, sign_in_client
    from dashboard.app import create_app
    from regen.accounts import add_user

    add_user(world, BENCH_USER, "national", None, BENCH_PASSWORD)
    app = create_app()
    client = app.server.test_client()
    sign_in_client(client)

    def post(body, status: int = 200) -> bytes:
        r = client.post("/_dash-update-component", json=body, headers={"Origin": "http://localhost"})
        assert r.status_code == status, r.data[:300]
        return r.data

    return app, post


def _bytes(value) -> int:
    return len(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode())


@pytest.mark.parametrize(
    ("path", "output", "inputs", "changed"),
    [
        ("/", "..nat-map.figure", ["count", "1400/03/11"], "asof"),
        ("/", "..nat-map.figure", ["ha", ""], "measure"),
        ("/province/IR-23", "..prov-map.figure", ["count", "1400/03/11", None], "asof"),
        ("/province/IR-23", "..prov-map.figure", ["count", "", "inner_city"], "kind"),
        ("/city/TEH", "..city-map.figure", ["1400/03/11", "historic"], "kind"),
    ],
)
def test_a_change_sends_no_geometry_and_a_share_of_the_view(signed_in, path, output, inputs, changed):
    """A filter change answers with the map's values (a Patch, never geometry) and the tables whole.
    Issue 13 asks ≤ 15 % of the view at the demo scales (bench/dashboard.py prints the shares); this
    fixture's polygons are a few boxes, so its views are mostly their tables, and the bound here is
    half the view."""
    app, post = signed_in
    view = post(view_payload(app, path))
    page = path.split("/")[1] or "national"
    state = [path, ""] if page != "national" else [""]
    answer = post(payload(app, output, inputs, state, f'{{"f":"{changed}","page":"{page}"}}.value'))
    assert b"coordinates" not in answer and b"geojson" not in answer
    parts = {k: _bytes(v) for k, v in json.loads(answer)["response"].items()}
    assert len(answer) <= 0.5 * len(view), (len(answer), len(view), parts)


def _walk_list(app, post, name: str, search: str, sort: list | None) -> list[str]:
    """Walks list `name` of Tehran's province view page by page (one row a page) in `sort`'s order,
    as the grid asks the server; gives the codes in the order shown."""
    gid = {"list": f"prov-{name}", "place": "IR-23", "of": "grid"}
    codes, k, total = [], 0, 1
    while k < total:
        answer = json.loads(post(list_request(app, gid, k, k + 1, sort, search)))
        got = answer["response"][json.dumps(gid, separators=(",", ":"), sort_keys=True)]["getRowsResponse"]
        total = got["rowCount"]
        codes += [r.get("id", r["s"][-1]) for r in got["rowData"]]  # as the grid's getRowId reads it
        k += 1
    return codes


def test_province_lists_are_paged_and_sorted_by_the_database(signed_in, world):
    """The province's long lists are sorted and paged by the database over the whole list (so "largest
    population first" is right however long the list), names in Persian order."""
    # پامنار (Pamenar) starts with پ, which Unicode puts after every letter of the Arabic alphabet and
    # Persian order puts second: a list sorted by code point would show it last.
    world.execute(
        "INSERT INTO neighborhoods (code, city_code, name_fa, name_en, boundary, kinds, population, source) "
        "VALUES ('N9', 'TEH', 'پامنار', 'Pamenar', "
        "ST_Multi(ST_MakeEnvelope(51.41, 35.69, 51.42, 35.70, 4326)), '{historic}', 2500, 'test')"
    )
    app, post = signed_in
    sql = queries.uncovered_neighborhoods(world, NATIONAL, "IR-23", D1)
    assert len(sql) >= 3 and {r["total"] for r in sql} == {len(sql)}
    search = f"?as_of={D1.isoformat()}"
    # in the query's order (city, then name, in Persian order): Tehran's پامنار before خاک سفید
    assert _walk_list(app, post, "uncovered", search, None) == [r["code"] for r in sql]
    names = [r["name_fa"] for r in sql if r["city_code"] == "TEH"]
    assert names.index("پامنار") < names.index("خاک سفید"), names
    by_people = sorted((r for r in sql if r["population"] is not None), key=lambda r: -r["population"])
    by_people += [r for r in sql if r["population"] is None]
    desc = [{"colId": "population", "sort": "desc"}]
    assert _walk_list(app, post, "uncovered", search, desc) == [r["code"] for r in by_people]
    by_name = [{"colId": "name", "sort": "asc"}]
    persian = sorted(sql, key=lambda r: "آابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی".index(r["name_fa"][0]))
    assert _walk_list(app, post, "uncovered", search, by_name) == [r["code"] for r in persian]
    english = sorted(sql, key=lambda r: r["name_en"].casefold())
    assert _walk_list(app, post, "uncovered", search + "&lang=en", by_name) == [r["code"] for r in english]
    due = queries.offices_due_handover(world, NATIONAL, "IR-23", D1)
    soonest = [{"colId": "due_on", "sort": "asc"}]
    want = sorted((r for r in due if r["due_on"]), key=lambda r: r["due_on"]) + [
        r for r in due if not r["due_on"]
    ]
    assert _walk_list(app, post, "due", search, soonest) == [r["code"] for r in want]
    # a column the list does not sort by (or a made-up one) leaves the list's own order
    made_up = [{"colId": "name_fa; DROP TABLE neighborhoods", "sort": "asc"}]
    assert _walk_list(app, post, "uncovered", search, made_up) == [r["code"] for r in sql]
    for crafted in (["name"], {"colId": "name"}, "name_shown"):  # not a text, or the statement's key
        sort = [{"colId": crafted, "sort": "desc"}, "name"]
        assert _walk_list(app, post, "uncovered", search, sort) == [r["code"] for r in sql], crafted


def test_city_options_in_persian_order(world):
    """Names are ordered as Persian readers expect (ICU's Persian collation), not by code point."""
    world.execute(
        "INSERT INTO cities (code, province_code, name_fa, name_en, location, source) VALUES "
        "('PAK', 'IR-23', 'پاکدشت', 'Pakdasht', ST_SetSRID(ST_MakePoint(51.68, 35.47), 4326), 'test'), "
        "('GAR', 'IR-23', 'گرمسار', 'Garmsar', ST_SetSRID(ST_MakePoint(52.34, 35.22), 4326), 'test')"
    )
    names = [r["name_fa"] for r in queries.city_options(world, NATIONAL, "IR-23")]
    assert names == ["پاکدشت", "تهران", "ری", "گرمسار"]


@pytest.mark.parametrize("path", ["/", "/province/IR-23", "/city/TEH", "/actions", "/data", "/about"])
@pytest.mark.parametrize("search", ["", "?lang=en&as_of=1400-03-11"])
def test_pages_are_serialised_as_plotly_would(world, path, search):
    """kept.page_json (orjson, components met as they come) writes exactly what plotly's own
    to_json_plotly writes for the same page, escapes included."""
    import plotly.io.json as pj

    page = shell.render(path, search)[3]
    assert kept.page_json(page) == pj.to_json_plotly(page)


def test_the_data_stamp_changes_with_every_committed_write(world):
    """The data stamp (migration 0060) changes when a transaction that wrote to the data commits — an
    edit by hand that adds no row too — and not for a write rolled back or still open; pruning its
    table never brings back a stamp seen before."""
    import io

    import psycopg2

    def stamp():
        return results.data_stamp(world, NATIONAL)

    before = stamp()
    world.execute("UPDATE neighborhoods SET population = population + 1 WHERE code = 'N1'")
    edited = stamp()
    assert edited != before
    other = psycopg2.connect(world.url)
    with other.cursor() as cur:
        cur.execute("UPDATE offices SET name_en = 'x' WHERE code = 'O1'")
        assert stamp() == edited  # not committed: not seen
        other.rollback()
        assert stamp() == edited  # rolled back: nothing changed
        row = io.StringIO("test\tآزمون\tTest\tother\n")
        cur.copy_expert("COPY agencies (code, name_fa, name_en, kind) FROM STDIN", row)
        other.commit()  # a COPY (as the loaders write) is one statement, and counts
    other.close()
    assert stamp() != edited
    seen = {stamp()}
    for _ in range(600):  # past a pruning (every 500th row): every stamp new, the table kept short
        world.execute("UPDATE agencies SET name_fa = name_fa WHERE false")  # statement triggers fire
        seen.add(stamp())
    assert len(seen) == 601
    assert world.query("SELECT count(*) AS n FROM data_changes")[0]["n"] < 600
