"""Each role's views and exports through the dashboard's own callbacks, over Flask's test client
against the real app and a real database: what a national, viewer or provincial account gets from a
page, an export or a callback crafted by hand for another province (the helpers: test_auth_http)."""

# ruff: noqa: F811  (the fixtures imported from test_auth_http)
from __future__ import annotations

import json

import pytest

from bench.dash_requests import list_request, payload
from tests.test_auth_http import (  # noqa: F401  (fixtures)
    app,
    callback_body,
    client,
    download_of,
    office_write,
    page_of,
    post_callback,
    result,
    sign_in,
    text_of,
)

ISFAHAN_DETAIL = ("nb-isf", "of-isf", "جلفا", "ac-isf")
TEHRAN_DETAIL = ("nb-teh", "of-teh", "نارمک", "ac-teh")


@pytest.mark.parametrize("name", ["nat", "view", "teh", "isf"])
def test_views_and_exports_per_role(client, name):
    sign_in(client, name)
    sees = {"nat": ("IR-10", "IR-23"), "view": ("IR-10", "IR-23"), "teh": ("IR-23",), "isf": ("IR-10",)}[name]
    for city, province, detail in (("isfahan", "IR-10", ISFAHAN_DETAIL), ("tehran", "IR-23", TEHRAN_DETAIL)):
        page = page_of(client, f"/city/{city}")
        export = download_of(client, f"/city/{city}")
        if province in sees:
            assert detail[2] in page, (name, city)  # the neighborhood's name on its city page
            assert detail[1] in page  # the office (its code, in the page's store)
            assert detail[0] in export  # the export of that view: its neighborhood
        else:
            assert not any(d in page for d in detail), (name, city, page[:300])
            assert not any(d in export for d in detail), (name, city, export[:300])
    actions = download_of(client, "/actions")
    for province, detail in (("IR-10", ISFAHAN_DETAIL), ("IR-23", TEHRAN_DETAIL)):
        assert (detail[3] in actions) == (province in sees), (name, province, actions[:300])
    if name in ("nat", "view"):
        assert "ac-nat" in actions  # a national action (a provincial export is narrowed to its province)
    # another province's view asked for by URL is refused, not shown
    if name in ("teh", "isf"):
        other = "IR-10" if name == "teh" else "IR-23"
        page = page_of(client, f"/province/{other}")
        assert not any(d in page for d in ISFAHAN_DETAIL + TEHRAN_DETAIL)


ASOF_CITY = '{"f":"asof","page":"city"}.value'


def test_provincial_crafted_city_callbacks_for_another_province(app, client, db):
    """The city page's own callbacks, posted by hand with Isfahan's codes by a Tehran user."""
    sign_in(client, "teh")

    def bodies(city: str) -> tuple[dict, dict]:
        recolour = payload(app, "..city-map.figure", ["1403/01/01", None], [f"/city/{city}", ""], ASOF_CITY)
        grid = {"list": "city-offices", "place": city, "of": "grid"}
        history = callback_body(
            "city-history.children",
            [("city-map", "clickData", None), ("city-hoods", "cellClicked", None), ("", "", None)],
            [("url", "search", "")],
        )
        clicked = {"rowId": f"of-{city[:3]}", "colId": "name", "rowIndex": 0}
        history["inputs"][1] = []  # no neighbourhoods' grid clicked (a pattern: a list of grids)
        history["inputs"][2] = [{"id": grid, "property": "cellClicked", "value": clicked}]
        history["changedPropIds"] = [json.dumps(grid, separators=(",", ":"), sort_keys=True) + ".cellClicked"]
        return recolour, history

    def answer(body) -> str:
        resp = post_callback(client, body)
        if resp.is_json:
            return json.dumps(resp.get_json(), ensure_ascii=False)
        return resp.get_data(as_text=True)

    # Isfahan's office was established on 2020-01-01 (1398/10/11).
    isfahan = ("جلفا", "دفتر جلفا", "2020-01-01", "۱۳۹۸/۱۰/۱۱")
    for body in bodies("isfahan"):
        text = answer(body)
        assert not any(d in text for d in isfahan), text[:400]
    # the same requests for its own city answer with data (so the refusals above are not an accident)
    recolour, history = bodies("tehran")
    changed = answer(recolour)  # the map's values, the cards, the lists' views and lengths
    assert "db-banner" not in changed and "city-offices-note" in changed, changed[:400]
    offices = answer(
        list_request(app, {"list": "city-offices", "place": "tehran", "of": "grid"}, 0, 10, None)
    )
    assert "۱۳۹۸/۱۰/۱۱" in offices  # the offices' page the grid then asks: Narmak's, established the same day
    assert "نارمک" in answer(history)


def test_provincial_crafted_list_pages_for_another_province(app, client):
    """The province view's paging and sorting callbacks, posted by hand for Isfahan by a Tehran user:
    refused with the message, no row of Isfahan's; for Tehran they answer."""
    sign_in(client, "teh")

    def answer(place: str, name: str, start: int = 0) -> str:
        grid = {"list": name if name.startswith("city-") else f"prov-{name}", "place": place, "of": "grid"}
        body = list_request(
            app, grid, start, start + 10, [{"colId": "name", "sort": "desc"}], "?as_of=2024-01-01"
        )
        resp = post_callback(client, body)
        assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
        return json.dumps(resp.get_json(), ensure_ascii=False)

    for name, other, own_place in (
        ("uncovered", "IR-10", "IR-23"),
        ("due", "IR-10", "IR-23"),
        ("city-offices", "isfahan", "tehran"),  # a city's lists: paged too (issue 13)
        ("city-hoods", "isfahan", "tehran"),
    ):
        for start in (0, 10):  # no page of another province's list, the first or a later one
            text = answer(other, name, start)
            assert not any(d in text for d in ISFAHAN_DETAIL + ("nb-isf", "of-isf")), text[:400]
            assert "db-banner" in text and "rowData" not in text, text[:400]
        own = answer(own_place, name)
        assert "db-banner" not in own and '"rowData": [{' in own, own[:400]


def test_provincial_crafted_action_pages_for_another_province(app, client):
    """A resolution's actions paged by hand by a Tehran user: its store naming Isfahan (or one of its
    cities) is refused or gives no row of Isfahan's, on the first page and a later one; its own
    province's page answers; a national account's holds Isfahan's action too."""
    sign_in(client, "teh")
    grid = {"list": "act-res", "place": "50-3", "of": "grid"}

    def answer(search: str, start: int = 0, user=client) -> str:
        body = list_request(app, grid, start, start + 10, [{"colId": "title", "sort": "asc"}], search)
        resp = post_callback(user, body)
        assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
        return json.dumps(resp.get_json(), ensure_ascii=False)

    for search in ("?province=IR-10", "?province=IR-10&city=isfahan", "?city=isfahan", ""):
        for start in (0, 10):
            text = answer(search, start)
            assert not any(d in text for d in ISFAHAN_DETAIL), (search, text[:400])
    assert "db-banner" in answer("?province=IR-10")  # another province: refused with the message
    own = answer("")
    assert "واگذاری دفتر نارمک" in own and '"rowCount": 1' in own, own[:400]
    national = app.server.test_client()
    sign_in(national, "nat")
    every = answer("", user=national)
    assert "واگذاری دفتر جلفا" in every and "واگذاری دفتر نارمک" in every, every[:400]


def test_provincial_national_page_shows_national_aggregates_not_detail(client):
    """A provincial officer's `/` is the national picture: every province's figures, no other
    province's neighborhoods, offices or actions."""
    sign_in(client, "teh")
    page = page_of(client, "/")
    assert "اصفهان" in page  # Isfahan's row in the province table
    # only the account's own province is a link: another's would open a refusal (issue 16, item 11)
    assert "/province/IR-23" in page and "/province/IR-10" not in page
    assert not any(d in page for d in ISFAHAN_DETAIL)


@pytest.mark.parametrize("same_stamp", [False, True])
def test_kept_pages_never_cross_scopes(app, db, monkeypatch, same_stamp):
    """The router keeps built pages per process (dashboard/shell.py kept_page): the same URL asked
    for by another account gets that account's page, never the one kept for the first — also when
    the data stamps of the two scopes are the same (the stamp counts rows the scope sees, so it alone
    could tell scopes apart)."""
    from dashboard import kept, results

    results.clear_cache()
    if same_stamp:
        monkeypatch.setattr(results, "data_stamp", lambda *_, **__: ("one stamp for all",))
    national, tehran, isfahan = app.server.test_client(), app.server.test_client(), app.server.test_client()
    sign_in(national, "nat")
    sign_in(tehran, "teh")
    sign_in(isfahan, "isf")
    first = page_of(national, "/city/isfahan")
    assert "جلفا" in first and "of-isf" in first
    assert page_of(national, "/city/isfahan") == first  # kept: the same page again
    assert kept.size() > 0  # …from the kept pages
    for user, sees in ((tehran, False), (isfahan, True), (national, True)):
        page = page_of(user, "/city/isfahan")
        assert ("جلفا" in page) == sees, page[:300]
        assert ("of-isf" in page) == sees
    national_home, tehran_home = page_of(national, "/"), page_of(tehran, "/")
    # each its own header: the badge's name (isolated in a <bdi>)
    assert '"children": "nat"' in national_home and '"children": "teh' in tehran_home
    assert national_home != tehran_home
    if same_stamp:
        return
    # a recording changes the data stamp: the kept page is not given again
    assert "ثبت شد" in text_of(result(post_callback(isfahan, office_write("of-isf", "active"))))
    after = page_of(national, "/city/isfahan")
    assert after != first
