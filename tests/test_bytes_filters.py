"""Issue 13's bytes of a filter change on the province and city views, through the app's own callbacks
against real PostGIS: the answer carries no geometry and no table (neither rows whole nor a new grid
with its columns): the grids stay, their stores get the view of the new filters, and the rows they
then ask for, page by page, are a fresh view's of those filters, every row reachable, sorted by the
database over the whole table."""

from __future__ import annotations

import json

import pytest

from bench.dash_requests import list_request, payload, view_payload
from dashboard import grids, i18n, queries
from dashboard.pages import city, province
from regen.jalali import to_jalali
from regen.scope import NATIONAL
from tests.dashboard_fixture import D1, D2
from tests.test_dashboard_queries import signed_in  # noqa: F401  (a fixture; `world` is conftest's)

PROVINCE_LISTS = tuple(province.LISTS)  # the city table and the two long lists


def _walk(tree, found: dict) -> dict:
    """Collects, from a layout, each list store's view, each list note's text and each grid's style."""
    if isinstance(tree, dict):
        ident = tree.get("props", {}).get("id") if "props" in tree else None
        if isinstance(ident, dict) and ident.get("of") == "view":
            found[ident["list"]] = tree["props"]["data"]
        elif isinstance(ident, dict) and ident.get("of") == "grid":
            found[f"{ident['list']}-style"] = tree["props"]["style"]
        elif isinstance(ident, str) and ident.endswith("-note") and "children" in tree["props"]:
            found[ident] = tree["props"]["children"]
        for value in tree.values():
            _walk(value, found)
    elif isinstance(tree, list):
        for value in tree:
            _walk(value, found)
    return found


def _figure(tree, graph: str) -> dict:
    """Gives the figure of graph `graph` in a layout."""
    if isinstance(tree, dict):
        if tree.get("props", {}).get("id") == graph:
            return tree["props"]["figure"]
        values = tree.values()
    else:
        values = tree if isinstance(tree, list) else []
    for value in values:
        found = _figure(value, graph) if isinstance(value, (dict, list)) else None
        if found:
            return found
    return {}


def _answered(answer: bytes) -> dict:
    """Gives what a filter change wrote of the lists: each store's view, each note's text, each grid's
    style."""
    out = {}
    for key, props in json.loads(answer)["response"].items():
        ident = json.loads(key) if key.startswith("{") else key
        if isinstance(ident, dict) and ident.get("of") == "view":
            [out[ident["list"]]] = props["data"]  # one store (the view's place) of the pattern's
        elif isinstance(ident, dict) and ident.get("of") == "grid" and "style" in props:
            [out[f"{ident['list']}-style"]] = props["style"]
        elif isinstance(ident, str) and ident.endswith("-note"):
            out[ident] = props["children"]
    return out


def _rows(app, post, name: str, place: str, shows: str, sort=None, size: int = grids.PAGE_SIZE):
    """Gives every row of list `name` as its grid is given them, page by page, on the view `shows`."""
    grid_id = grids.list_ids(name, place)[0]
    key = json.dumps(grid_id, separators=(",", ":"), sort_keys=True)
    rows, start, total = [], 0, 1
    while start < total:
        got = json.loads(post(list_request(app, grid_id, start, start + size, sort, shows)))
        got = got["response"][key]["getRowsResponse"]
        total = got["rowCount"]
        assert got["rowData"], (name, start, total)
        # a row's id, as the grid's getRowId reads it: its own, or its last text (the code)
        rows += [{"id": r.get("id", r["s"][-1]), **r} for r in got["rowData"]]
        start += size
    return rows, total


def _change(app, post, output: str, inputs: list, path: str, search: str, page: str) -> bytes:
    return post(payload(app, output, inputs, [path, search], f'{{"f":"asof","page":"{page}"}}.value'))


@pytest.mark.parametrize("lang", ["", "&lang=en"])
def test_a_province_change_sends_no_table_and_its_grids_show_a_fresh_views_rows(signed_in, lang):  # noqa: F811
    app, post = signed_in
    path, before, after = (
        "/province/IR-23",
        f"?as_of={D2.isoformat()}{lang}",
        f"?as_of={D1.isoformat()}{lang}",
    )
    opened = json.loads(post(view_payload(app, path, before)))
    answer = _change(app, post, "..prov-map.figure", ["count", to_jalali(D1), None], path, before, "province")
    # the map's values patched point by point onto the points the page holds (their places, sizes,
    # names and codes stay): the new day's points are the same cities in the same order
    points = _figure(opened, "prov-map")["data"][0]
    [custom] = [
        op["params"]["value"]["customdata"]
        for op in json.loads(answer)["response"]["prov-map"]["figure"]["operations"]
        if op["location"] == ["data", 0]
    ]
    new_day = _figure(json.loads(post(view_payload(app, path, after))), "prov-map")["data"][0]
    assert new_day["ids"] == points["ids"] and new_day["lon"] == points["lon"]
    assert custom == new_day["customdata"] and len(custom) == len(points["ids"])
    # never geometry, never a table whole or a new grid (its columns and options)
    for word in (b"coordinates", b"geojson", b"columnDefs", b"rowData", b"localeText"):
        assert word not in answer, word
    fresh = _walk(json.loads(post(view_payload(app, path, after))), {})
    shown = _answered(answer)
    for name in PROVINCE_LISTS:
        assert shown[name] == fresh[name]  # the rows asked for next are of the new day's view
        assert shown[f"{name}-note"] == fresh[f"{name}-note"]
        assert shown[f"{name}-style"] == fresh[f"{name}-style"]  # as tall (a totals row too)
        changed, total = _rows(app, post, name, "IR-23", shown[name])
        assert changed == _rows(app, post, name, "IR-23", fresh[name])[0]
        assert len(changed) == total == len({r["id"] for r in changed})  # every row, each once
    # the city table: every city of the province, with the numbers of coverage_cities, lagging first
    cities, _ = _rows(app, post, "prov-table", "IR-23", shown["prov-table"], size=1)
    truth = queries.coverage_cities(queries.database(), NATIONAL, D1, province="IR-23")
    assert [r["id"] for r in cities] == [r["code"] for r in truth]
    language = "en" if lang else "fa"
    for row, want in zip(cities, truth, strict=True):
        for i, col in enumerate(province.COLS[1:6], start=1):
            assert row["s"][i] == i18n.num(want[col.field], language, col.decimals), (row["id"], col)
        assert f"as_of={D1.isoformat()}" in row["s"][0]  # its link keeps the new day


def test_the_city_table_is_sorted_by_the_database_over_every_row(signed_in, world):  # noqa: F811
    app, post = signed_in
    shows = f"?as_of={D2.isoformat()}"
    every = queries.city_table(world, NATIONAL, "IR-23", D2)
    names = world.query(
        "SELECT code FROM cities WHERE province_code = 'IR-23' ORDER BY name_fa COLLATE \"fa-x-icu\" DESC"
    )
    by_name, _ = _rows(app, post, "prov-table", "IR-23", shows, [{"colId": "name", "sort": "desc"}], size=1)
    assert [r["id"] for r in by_name] == [r["code"] for r in names]
    for col in province.COLS[1:]:
        for sort in ("asc", "desc"):
            got, _ = _rows(
                app, post, "prov-table", "IR-23", shows, [{"colId": col.field, "sort": sort}], size=1
            )
            values = [next(r[col.field] for r in every if r["code"] == g["id"]) for g in got]
            known = [v for v in values if v is not None]
            assert known == sorted(known, reverse=sort == "desc"), (col.field, sort)
            assert values[len(known) :] == [None] * (len(values) - len(known))  # no value: last


def test_a_city_change_sends_no_table_and_keeps_its_grids(signed_in):  # noqa: F811
    app, post = signed_in
    path, before, after = "/city/TEH", f"?as_of={D2.isoformat()}", f"?as_of={D1.isoformat()}"
    post(view_payload(app, path, before))
    answer = _change(app, post, "..city-map.figure", [to_jalali(D1), None], path, before, "city")
    # never geometry, never the neighborhoods or the offices whole (issue 13) or a new grid
    for word in (b"coordinates", b"geojson", b"columnDefs", b"rowData", b"localeText"):
        assert word not in answer, word
    shown, fresh = _answered(answer), _walk(json.loads(post(view_payload(app, path, after))), {})
    db = queries.database()
    for name, truth in (
        ("city-hoods", queries.neighborhoods(db, NATIONAL, "TEH", D1)),
        ("city-offices", queries.city_offices(db, NATIONAL, "TEH", D1)),
    ):
        assert shown[name] == fresh[name]
        assert shown[f"{name}-note"] == fresh[f"{name}-note"]
        assert shown[f"{name}-style"] == fresh[f"{name}-style"]  # as tall (a totals row too)
        changed, total = _rows(app, post, name, "TEH", shown[name], size=2)
        assert [r["id"] for r in changed] == [h["code"] for h in truth]  # every row, in the list's order
        assert total == len(changed) == len({r["id"] for r in changed})
    assert city.HOOD_COLS[0].field == "name" and city.OFFICE_COLS[0].field == "name"


def test_the_city_offices_are_sorted_by_the_database_over_every_row(signed_in, world):  # noqa: F811
    app, post = signed_in
    shows = f"?as_of={D2.isoformat()}"
    every = {o["code"]: o for o in queries.city_offices(world, NATIONAL, "TEH", D2)}
    names = world.query(
        "SELECT code FROM offices WHERE city_code = 'TEH' ORDER BY name_fa COLLATE \"fa-x-icu\" DESC, code"
    )
    by_name, _ = _rows(app, post, "city-offices", "TEH", shows, [{"colId": "name", "sort": "desc"}], size=1)
    assert [r["id"] for r in by_name] == [r["code"] for r in names]  # Persian order, by the database
    lifecycle = ["none", "planned", "established", "active", "handed_over", "closed"]
    for col in city.OFFICE_COLS[1:]:
        if not col.sortable:
            continue
        for sort in ("asc", "desc"):
            got, total = _rows(
                app, post, "city-offices", "TEH", shows, [{"colId": col.field, "sort": sort}], size=1
            )
            assert total == len(every) == len({g["id"] for g in got})
            values = [every[g["id"]][col.field] for g in got]
            if col.field == "state":
                values = [lifecycle.index(v) for v in values]
            known = [v for v in values if v is not None]
            if col.field != "neighborhoods":  # names: ICU's order, checked above
                assert known == sorted(known, reverse=sort == "desc"), (col.field, sort)
            assert values[len(known) :] == [None] * (len(values) - len(known))  # no value: last


def test_every_action_is_reachable_and_sorted_by_the_database(signed_in, world):  # noqa: F811
    """The actions view: each resolution's actions a long list (issue 13: no longer the first ten),
    every action reachable page by page in the list's order (overdue first), sorted over the whole
    resolution by the database, titles in Persian order."""
    from dashboard.pages import actions

    app, post = signed_in
    shows = f"?as_of={D2.isoformat()}"
    listed = queries.actions(world, NATIONAL, D2)
    page = json.dumps(json.loads(post(view_payload(app, "/actions", shows))), ensure_ascii=False)
    for a in listed:  # the view sends no action's row (the summaries' rows only): its grids ask for them
        assert f'"id": "{a["code"]}"' not in page, a["code"]
    for res in sorted({(a["meeting_number"], a["resolution_number"]) for a in listed}):
        mine = [a for a in listed if (a["meeting_number"], a["resolution_number"]) == res]
        place = f"{res[0]}-{res[1]}"
        assert f'"place": "{place}"' in page
        got, total = _rows(app, post, "act-res", place, shows, size=4)
        assert [r["id"] for r in got] == [a["code"] for a in mine] and total == len(mine)
        for col in actions.ACTION_COLS:
            for sort in ("asc", "desc"):
                by, _ = _rows(
                    app, post, "act-res", place, shows, [{"colId": col.field, "sort": sort}], size=4
                )
                assert sorted(r["id"] for r in by) == sorted(a["code"] for a in mine)  # each once
        by_title, _ = _rows(app, post, "act-res", place, shows, [{"colId": "title", "sort": "asc"}], size=4)
        titles = world.query(
            "SELECT code FROM actions WHERE meeting_number = %s AND resolution_number = %s "
            'ORDER BY title_fa COLLATE "fa-x-icu", code',
            res,
        )
        assert [r["id"] for r in by_title] == [t["code"] for t in titles]
        by_due, _ = _rows(app, post, "act-res", place, shows, [{"colId": "due_on", "sort": "desc"}], size=4)
        dues = [next(a["due_on"] for a in mine if a["code"] == r["id"]) for r in by_due]
        known = [d for d in dues if d is not None]
        assert known == sorted(known, reverse=True) and dues[len(known) :] == [None] * (
            len(dues) - len(known)
        )


def test_a_click_on_a_place_opens_it_by_the_code_in_its_points_ids(signed_in):  # noqa: F811
    """The maps of places carry their codes in the trace's `ids` (dcc.Graph's clickData keeps a point's
    `id`), not in the values a filter change patches."""
    app, post = signed_in
    opened = json.loads(post(view_payload(app, "/province/IR-23", f"?as_of={D2.isoformat()}")))
    points = _figure(opened, "prov-map")["data"][0]
    assert "TEH" in points["ids"] and not any("TEH" in c for c in points["customdata"])
    i = points["ids"].index("TEH")
    click = {
        "points": [{"curveNumber": 0, "pointNumber": i, "id": "TEH", "customdata": points["customdata"][i]}]
    }
    answer = json.loads(post(payload(app, "url.pathname", [click], [], "prov-map.clickData")))
    assert answer["response"]["url"]["pathname"] == "/city/TEH"
