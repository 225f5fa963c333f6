"""The dashboard's query layer against real PostGIS: the numbers it shows are the SQL functions' numbers,
per province and per city, on two as-of dates; scope narrows what it shows; errors become messages."""

from __future__ import annotations

import json

import pytest

import dashboard.auth
from bench.dashboard import find_props, payload, province_inputs, view_payload
from dashboard import i18n, queries, shell
from dashboard.auth_seam import NotAllowed
from dashboard.pages.common import recolour
from regen.scope import NATIONAL, Scope
from tests.dashboard_fixture import D1, D2, build

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


@pytest.fixture
def world(db, monkeypatch):
    build(db)
    queries.clear_cache()
    # Pages rendered outside a request act for a signed-in national user (what auth_seam gives).
    monkeypatch.setattr(dashboard.auth, "current_user_scope", lambda: NATIONAL)
    yield db
    queries.clear_cache()


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
            assert shown[code][key] == same(cov[code][key]), (code, key)
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
    fc = queries.province_shapes(world, NATIONAL)
    assert [f["id"] for f in fc["features"]] == ["IR-10", "IR-23"]
    hoods = queries.neighborhood_shapes(world, NATIONAL, "TEH")
    assert [f["id"] for f in hoods["features"]] == ["N1", "N2", "N3"]
    coords = json.dumps(hoods)
    assert "51.40000000" not in coords  # decimals cut to what the zoom can show


def test_recolour_patch_sends_values_only(world):
    rows = queries.coverage_provinces(world, NATIONAL, D2)
    patch = recolour("polygons", ["IR-10", "IR-23"], rows, "count", "fa").to_plotly_json()
    text = json.dumps(patch, ensure_ascii=False)
    assert "coordinates" not in text and "geojson" not in text
    z = next(op for op in patch["operations"] if op["location"] == ["data", 0, "z"])["params"]["value"]
    assert z == [50.0, 75.0]


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

    data, name = for_view(world, NATIONAL, "/", parse("?as_of=1402-03-11"), "csv")
    rows = {r["code"]: r for r in csv.DictReader(io.StringIO(data.decode("utf-8-sig")))}
    assert name == "regen-coverage-provinces-2023-06-01.csv"
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
    queries.clear_cache()
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
    queries.clear_cache()
    line = json.dumps(about.footer("en").to_plotly_json(), ensure_ascii=False, default=str)
    assert "demo data" not in line and "Natural Earth" in line  # no demo warning without demo rows
    world.execute("UPDATE neighborhoods SET source = 'demo-neighborhoods.geojson' WHERE code = 'N1'")
    world.execute("UPDATE cities SET source = 'geonames-cities.csv' WHERE code = 'TEH'")
    queries.clear_cache()
    line = json.dumps(about.footer("fa").to_plotly_json(), ensure_ascii=False, default=str)
    assert "demo data: synthetic neighborhoods and offices" in line
    assert "داده نمایشی" in line and "GeoNames (CC BY 4.0)" in line


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


def test_a_new_date_sends_a_few_percent_of_the_view(signed_in):
    """The as-of recolour's whole response (map Patch and the short values spread in the browser) is a
    few percent of its view's bytes: no geometry, no names. Issue #6 asks ≤ 5 % at the demo scales
    (bench/dashboard.py); this fixture's views are small (two provinces), so the bound here is 10 %."""
    app, post = signed_in

    nat = post(view_payload(app, "/"))
    store = find_props(json.loads(nat), "nat-store")["data"]
    asof = '{"f":"asof","page":"national"}.value'
    recolour_ = post(payload(app, "..nat-map.figure", ["count", "1400/03/11"], [store, ""], asof))
    assert b"coordinates" not in recolour_ and "تهران".encode() not in recolour_
    assert len(recolour_) <= 0.10 * len(nat), (len(recolour_), len(nat))

    city = post(view_payload(app, "/city/TEH"))
    cstore = find_props(json.loads(city), "city-store")["data"]
    asof = '{"f":"asof","page":"city"}.value'
    values = json.loads(post(payload(app, "city-values.data", ["1400/03/11", None], [cstore, ""], asof)))
    v = values["response"]["city-values"]["data"]
    assert set(v) == {"z", "o", "d", "cards"}  # codes and date numbers, no words, no geometry
    assert len(json.dumps(values)) <= 0.10 * len(city), (len(json.dumps(values)), len(city))


def apply_changes(rows: list, changes: dict, show=lambda r: r) -> list:
    """Applies a list's changes (row_changes.rows_changes) the way the browser does (recolour.js
    regen.lists), each row sent shown with `show`."""
    if "r" in changes:
        return [show(r) for r in changes["r"]]
    rows = list(rows)
    for i in changes["d"]:
        del rows[i]
    for i, r in changes["i"]:
        rows.insert(i, show(r))
    return rows


def apply_lists(store: dict, tables: dict, sent: dict) -> tuple[dict, dict]:
    """Gives the province store and the lists' rows after the browser spread `sent` (the prov-lists
    data) over them, as recolour.js regen.lists does, through the server's own Listing.shown."""
    from dashboard.pages.province import LISTS

    store, tables = json.loads(json.dumps(store)), dict(tables)
    if "day" in sent:
        store["day"], store["kind"] = sent["day"], sent["kind"]
    for name, ch in sent["lists"].items():
        tables[name] = apply_changes(tables[name], ch, lambda r, n=name: LISTS[n].shown(r, store["words"]))
        store["lists"][name] = {"page": ch["p"], "sort": ch["s"]}
    return store, tables


def test_a_new_date_on_the_province_sends_the_lists_differences(signed_in):
    """A new date on the province view: the lists of neighborhoods without an office and of offices due
    for handover travel as their differences from what the page shows (codes and numbers, no words but
    names), and once applied they are the lists of the view opened on that date, with its pagers and
    notes; the store then says which day the lists show; the links of the city table take the new date."""
    app, post = signed_in
    names = ("uncovered", "due")

    def lists(page) -> dict:
        return {n: find_props(page, f"prov-{n}") for n in names}

    asof = '{"f":"asof","page":"province"}.value'
    for old, new in (("1402/01/01", "1403/12/30"), ("1403/12/30", "1400/03/11")):
        search = f"?as_of={old.replace('/', '-')}"
        page = json.loads(post(view_payload(app, "/province/IR-23", search)))
        store = find_props(page, "prov-store")["data"]
        # the day shown again: nothing to send
        post(payload(app, "..prov-map.figure", province_inputs(as_of=old), [store, search], asof), 204)
        raw = post(payload(app, "..prov-map.figure", province_inputs(as_of=new), [store, search], asof))
        answer = json.loads(raw)["response"]
        assert b"coordinates" not in raw
        assert "prov-map" not in answer  # the browser recolours the map from the cities' numbers
        sent = answer["prov-lists"]["data"]
        fresh_page = json.loads(post(view_payload(app, "/province/IR-23", f"?as_of={new.replace('/', '-')}")))
        fresh = lists(fresh_page)
        store, got = apply_lists(store, {n: t["data"] for n, t in lists(page).items()}, sent)
        for n in names:
            assert got[n] == fresh[n]["data"], (old, new, n)
            assert sent["lists"][n]["c"] == fresh[n]["page_count"]
            note = find_props(fresh_page, f"prov-{n}-note")["children"]
            assert note.endswith(i18n.num(sent["lists"][n]["n"], "fa"))
        assert store == find_props(fresh_page, "prov-store")["data"]
        values = answer["prov-values"]["data"]
        assert values["q"] == f"?as_of={new.replace('/', '-')}"
        assert values["m"] == 0  # the map's colours: coverage by count, the first of MEASURES


def test_the_province_answer_brings_the_view_to_all_its_inputs(signed_in):
    """Dash applies only the last answer of a callback asked again before it answered: a date change
    followed at once by a page turn or a measure switch leaves the answer to the latter. That answer
    brings the whole view to what its inputs say — asked with a new date in the as-of box and the store
    still on the old day, it carries that day's numbers and lists (from their first page), so the view
    ends as the view opened on that date, never the old day's rows under the new day's map."""
    app, post = signed_in
    names = ("uncovered", "due")
    search = "?as_of=1402-01-01"
    page = json.loads(post(view_payload(app, "/province/IR-23", search)))
    store = find_props(page, "prov-store")["data"]
    tables = {n: find_props(page, f"prov-{n}")["data"] for n in names}
    fresh = json.loads(post(view_payload(app, "/province/IR-23", "?as_of=1400-03-11")))
    for changed, inputs in (
        ("prov-uncovered.page_current", province_inputs(as_of="1400/03/11", pages=(1, 0))),
        ('{"f":"measure","page":"province"}.value', province_inputs(measure="ha", as_of="1400/03/11")),
    ):
        answer = json.loads(post(payload(app, "..prov-map.figure", inputs, [store, search], changed)))
        answer = answer["response"]
        assert answer["prov-values"]["data"]["q"] == "?as_of=1400-03-11"  # the day's numbers too
        if changed.startswith("prov-uncovered"):
            assert answer["prov-uncovered"]["page_current"] == 0  # the pager back on the first page
        now, got = apply_lists(store, tables, answer["prov-lists"]["data"])
        assert now == find_props(fresh, "prov-store")["data"]  # the new day, each list on its first page
        assert got == {n: find_props(fresh, f"prov-{n}")["data"] for n in names}
    assert answer["prov-map"]["figure"]["operations"]  # the new measure's colours


def test_the_national_measure_switch_brings_the_day_in_the_box(signed_in):
    """The national view's measure switch asked while a new date's answer is pending (Dash then applies
    only the switch's answer) recolours for the day in the as-of box and brings that day's numbers."""
    app, post = signed_in
    page = json.loads(post(view_payload(app, "/", "?as_of=1402-01-01")))
    store = find_props(page, "nat-store")["data"]
    measure = '{"f":"measure","page":"national"}.value'
    body = payload(app, "..nat-map.figure", ["ha", "1400/03/11"], [store, "?as_of=1402-01-01"], measure)
    answer = json.loads(post(body))["response"]
    assert answer["nat-values"]["data"]["q"] == "?as_of=1400-03-11"
    assert answer["nat-store"]["data"]["operations"][0]["params"]["value"] == "2021-06-01"
    # the same switch on the day shown sends colours only
    body = payload(app, "..nat-map.figure", ["ha", "1402/01/01"], [store, "?as_of=1402-01-01"], measure)
    assert set(json.loads(post(body))["response"]) == {"nat-map"}


def _walk_list(app, post, name: str, search: str, sort_by: list | None) -> list[str]:
    """Opens the province view and walks list `name` page by page in `sort_by`'s order, as the browser
    would (each answer applied to what it shows), giving the codes in the order the pages showed them."""
    from dashboard.pages.province import LISTS

    page = json.loads(post(view_payload(app, "/province/IR-23", search)))
    store = find_props(page, "prov-store")["data"]
    table = find_props(page, f"prov-{name}")
    shown, pages, seen = {name: table["data"]}, table["page_count"], []
    for k in range(pages):
        if k or sort_by:
            at = list(LISTS).index(name)
            pages, orders = [0, 0], [[], []]
            pages[at], orders[at] = k, sort_by or []
            body = payload(
                app,
                "..prov-map.figure",
                province_inputs(pages=pages, orders=orders),
                [store, search],
                f"prov-{name}.{'page_current' if k else 'sort_by'}",
            )
            answer = json.loads(post(body))["response"]
            assert set(answer["prov-lists"]["data"]["lists"]) == {name}
            store, shown = apply_lists(store, shown, answer["prov-lists"]["data"])
            assert store["lists"][name] == {"page": k, "sort": sort_by or []}
        assert len(shown[name]) == 1
        seen += [r["id"] for r in shown[name]]
    return seen


def test_province_lists_are_paged_and_sorted_by_the_server(signed_in, world, monkeypatch):
    """The province's lists hold one page in the browser; the server pages and sorts the whole list
    (so "largest population first" is right however long the list), and sends a page's differences."""
    import dashboard.paging

    monkeypatch.setattr(dashboard.paging, "PAGE_SIZE", 1)
    # پامنار (Pamenar) starts with پ, which Unicode puts after every letter of the Arabic alphabet and
    # Persian order puts second: a list sorted by code point would show it last.
    world.execute(
        "INSERT INTO neighborhoods (code, city_code, name_fa, name_en, boundary, kinds, population, source) "
        "VALUES ('N9', 'TEH', 'پامنار', 'Pamenar', "
        "ST_Multi(ST_MakeEnvelope(51.41, 35.69, 51.42, 35.70, 4326)), '{historic}', 2500, 'test')"
    )
    app, post = signed_in
    sql = queries.uncovered_neighborhoods(world, NATIONAL, "IR-23", D1)
    assert len(sql) >= 3
    search = f"?as_of={D1.isoformat()}"
    # in the query's order (city, then name, in Persian order): Tehran's پامنار before خاک سفید
    assert _walk_list(app, post, "uncovered", search, None) == [r["code"] for r in sql]
    names = [r["name_fa"] for r in sql if r["city_code"] == "TEH"]
    assert names.index("پامنار") < names.index("خاک سفید"), names
    by_people = sorted((r for r in sql if r["population"] is not None), key=lambda r: -r["population"])
    by_people += [r for r in sql if r["population"] is None]
    desc = [{"column_id": "population", "direction": "desc"}]
    assert _walk_list(app, post, "uncovered", search, desc) == [r["code"] for r in by_people]
    by_name = [{"column_id": "name", "direction": "asc"}]
    persian = sorted(sql, key=lambda r: "آابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی".index(r["name_fa"][0]))
    assert _walk_list(app, post, "uncovered", search, by_name) == [r["code"] for r in persian]
    english = sorted(sql, key=lambda r: r["name_en"].casefold())
    assert _walk_list(app, post, "uncovered", search + "&lang=en", by_name) == [r["code"] for r in english]
    due = queries.offices_due_handover(world, NATIONAL, "IR-23", D1)
    soonest = [{"column_id": "due_on", "direction": "asc"}]
    want = sorted((r for r in due if r["due_on"]), key=lambda r: r["due_on"]) + [
        r for r in due if not r["due_on"]
    ]
    assert _walk_list(app, post, "due", search, soonest) == [r["code"] for r in want]


def test_city_options_in_persian_order(world):
    """Names are ordered as Persian readers expect (ICU's Persian collation), not by code point."""
    world.execute(
        "INSERT INTO cities (code, province_code, name_fa, name_en, location, source) VALUES "
        "('PAK', 'IR-23', 'پاکدشت', 'Pakdasht', ST_SetSRID(ST_MakePoint(51.68, 35.47), 4326), 'test'), "
        "('GAR', 'IR-23', 'گرمسار', 'Garmsar', ST_SetSRID(ST_MakePoint(52.34, 35.22), 4326), 'test')"
    )
    names = [r["name_fa"] for r in queries.city_options(world, NATIONAL, "IR-23")]
    assert names == ["پاکدشت", "تهران", "ری", "گرمسار"]


def test_recolour_js_mirrors_the_python_it_copies():
    """assets/recolour.js writes table rows and hover values as Python would: its lists of columns and
    measures are Python's (the browser tests compare what it makes with what the server makes)."""
    import re
    from pathlib import Path

    from dashboard.components import NO_DATA
    from dashboard.pages.common import TABLE_VALUES
    from dashboard.pages.province import LISTS
    from dashboard.queries import MEASURES

    js = (Path(__file__).parent.parent / "dashboard" / "assets" / "recolour.js").read_text()

    def js_list(name: str) -> list[str]:
        return re.findall(r'"(\w+)"', re.search(rf"var {name} = \[(.*?)\];", js, re.S).group(1))

    assert js_list("TABLE_VALUES") == list(TABLE_VALUES)
    assert js_list("MEASURES") == list(MEASURES.values())
    assert js_list("LIST_NAMES") == list(LISTS)
    assert float(re.search(r"var NO_DATA = (-?[\d.]+);", js).group(1)) == NO_DATA


def test_rows_changes_turn_the_old_page_into_the_new():
    from dashboard.row_changes import rows_changes

    def row(i, status="none"):
        return [f"n{i}", f"محله {i}", status]

    old = [row(i) for i in range(10)]
    new = [
        row(0),
        row(2, "planned"),
        row(3),
        row(20),
        row(4),
        row(5),
        row(6),
        row(7),
        row(8),
        row(9),
        row(21),
    ]
    sent = rows_changes(old, new)
    assert sent == {"d": [2, 1], "i": [[1, row(2, "planned")], [3, row(20)], [10, row(21)]]}
    assert apply_changes(old, sent) == new
    # rows that change places: the fewest move (deleted, inserted again), the others stay
    moved = [old[1], old[2], old[0], *old[3:7], old[8], old[7], old[9]]
    sent = rows_changes(old, moved)
    assert (len(sent["d"]), len(sent["i"])) == (2, 2)
    assert apply_changes(old, sent) == moved
    reversed_ = old[::-1]
    assert rows_changes(old, reversed_) == {"r": reversed_}  # moving nine of ten costs more than the page
    assert rows_changes(old, old) == {"d": [], "i": []}


@pytest.mark.parametrize("path", ["/", "/province/IR-23", "/city/TEH", "/actions", "/data", "/about"])
@pytest.mark.parametrize("search", ["", "?lang=en&as_of=1400-03-11"])
def test_pages_are_serialised_as_plotly_would(world, path, search):
    """shell.page_json (orjson, components met as they come) writes exactly what plotly's own
    to_json_plotly writes for the same page, escapes included."""
    import plotly.io.json as pj

    page = shell.render(path, search)[3]
    assert shell.page_json(page) == pj.to_json_plotly(page)


def test_changed_rows_packs_only_what_changed():
    """A new date sends, per row of the table the browser holds, only the cells that changed ('' kept,
    '-' no value), rows in the browser's order, unchanged rows empty (recolour.js unpackRows)."""
    from dashboard.pages.common import TABLE_VALUES, changed_rows

    def row(code, covered, pct, overdue=0):
        values = dict.fromkeys(TABLE_VALUES, 0) | {"neighborhoods": 10, "covered": covered}
        return {"id": code, **values, "coverage_count_pct": pct, "overdue": overdue}

    shown = [row("A", 0, None), row("B", 5, 50.0), row("C", 1, 10.0), row("D", 1, 10.0)]
    now = [row("D", 1, 10.0), row("C", 2, 20.0, overdue=3), row("A", 0, None), row("B", 0, None)]
    assert changed_rows(shown, now) == ";,0,-,,,,,,;,2,20,,,,,,3"
    assert changed_rows(shown, shown) == ""


def test_the_data_stamp_changes_with_every_committed_write(world):
    """The data stamp (migration 0060) changes when a transaction that wrote to the data commits — an
    edit by hand that adds no row too — and not for a write rolled back or still open; pruning its
    table never brings back a stamp seen before."""
    import io

    import psycopg2

    def stamp():
        return queries.data_stamp(world, NATIONAL)

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
