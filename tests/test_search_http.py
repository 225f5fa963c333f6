"""The search box's callbacks asked by hand-made POSTs, as a script would ask them: a Tehran officer
never finds an Isfahan place, whatever the request says; a URL that selects another province's
neighborhood selects nothing."""

from __future__ import annotations

import json

from tests.test_auth_http import app, callback_body, client, multi_body, post_callback, sign_in  # noqa: F401

ROUTER = ["root.dir", "root.lang", "header.children", "page.children", "db-retry.disabled"]
ROUTER += ["db-banner.style", "footer.children"]


def results_for(client, text: str, lang: str = "fa", search: str = "") -> str:  # noqa: F811
    body = callback_body(
        "search-results.children",
        [("search-box", "value", text)],
        [("url", "search", search), ("root", "lang", lang)],
    )
    resp = post_callback(client, body)
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    return json.dumps(resp.get_json(), ensure_ascii=False)


def open_first(app, client, text: str):  # noqa: F811
    """Posts Enter in the box; gives (status, response)."""
    key = next(
        k for k in app.callback_map if "url.pathname" in k and "search-box" in str(app.callback_map[k])
    )
    body = {
        "output": key,
        "outputs": [{"id": "url", "property": "pathname"}, {"id": "url", "property": "search"}],
        "inputs": [{"id": "search-box", "property": "n_submit", "value": 1}],
        "state": [
            {"id": "search-box", "property": "value", "value": text},
            {"id": "url", "property": "search", "value": ""},
            {"id": "root", "property": "lang", "value": "fa"},
        ],
        "changedPropIds": ["search-box.n_submit"],
    }
    resp = post_callback(client, body)
    return resp.status_code, resp.get_json() if resp.status_code == 200 else None


def test_tehran_officer_finds_its_own_places_only(client):  # noqa: F811
    sign_in(client, "teh")
    mine = results_for(client, "دفتر")
    assert "دفتر نارمک" in mine and "جلفا" not in mine
    assert "/city/tehran?office=of-teh" in mine  # the link opens the city with the office selected
    other = results_for(client, "جلفا")
    assert "جلفا" not in other and "nb-isf" not in other and "of-isf" not in other
    assert "جایی با این نام پیدا نشد" in other  # the same answer as for a name that does not exist
    assert "isfahan" not in results_for(client, "اصفهان").lower()  # nor the province or its city


def test_enter_opens_the_first_result_in_scope_only(app, client):  # noqa: F811
    sign_in(client, "teh")
    status, _ = open_first(app, client, "جلفا")
    assert status == 204  # nothing to open
    status, data = open_first(app, client, "نارمك")  # Arabic kaf
    assert status == 200
    assert data["response"]["url"] == {"pathname": "/city/tehran", "search": "?neighborhood=nb-teh"}


def test_national_finds_every_province(client):  # noqa: F811
    sign_in(client, "nat")
    text = results_for(client, "جلفا")
    assert "/city/isfahan?neighborhood=nb-isf" in text and "/city/isfahan?office=of-isf" in text
    english = results_for(client, "isfahan", lang="en", search="?lang=en&as_of=2024-01-01")
    assert "Province" in english and "City in Isfahan" in english
    assert (
        "/province/IR-10?lang=en&amp;as_of=2024-01-01" in english
        or "/province/IR-10?lang=en&as_of=2024-01-01" in english
    )


def test_signed_out_gets_nothing(client):  # noqa: F811
    body = callback_body(
        "search-results.children",
        [("search-box", "value", "دفتر")],
        [("url", "search", ""), ("root", "lang", "fa")],
    )
    resp = post_callback(client, body)
    assert resp.status_code in (401, 302, 403)
    assert "نارمک" not in resp.get_data(as_text=True)


def city_page(client, path: str, search: str) -> str:  # noqa: F811
    """Gives the view the router builds for the URL (the header, which echoes the URL in its language
    switch, left out)."""
    body = multi_body(ROUTER, [("url", "pathname", path)], [("url", "search", search)])
    resp = post_callback(client, body)
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    return json.dumps(resp.get_json()["response"]["page"], ensure_ascii=False)


def test_the_url_selects_only_what_the_user_may_see(client):  # noqa: F811
    sign_in(client, "teh")
    page = city_page(client, "/city/tehran", "?neighborhood=nb-teh")
    assert '"data": "neighborhood:nb-teh"' in page  # marked on the map, its history shown
    assert "محلات: نارمک" in page
    page = city_page(client, "/city/tehran", "?neighborhood=nb-isf&office=of-isf")
    assert "nb-isf" not in page and "of-isf" not in page and "جلفا" not in page
    assert '"data": ""' in page  # nothing selected, and no error
