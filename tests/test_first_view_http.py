"""The first view comes with the layout (issue 17, a round trip less): `/_dash-layout` builds the page
of the URL the browser shows, named by its same-origin Referer, and the router's first call for that
page leaves it (PreventUpdate, HTTP 204). Over Flask's test client against the real app and a real
database: the same page the router would build, in the same scope — a provincial account's Referer to
another province is refused as the router refuses it — and no view from a foreign Referer."""

# ruff: noqa: F811  (the fixtures imported from test_auth_http)
from __future__ import annotations

import json

from tests.test_auth_http import (  # noqa: F401  (fixtures)
    app,
    client,
    multi_body,
    page_of,
    post_callback,
    sign_in,
)

HOST = "http://localhost"  # the test client's origin
ROUTE_OUTPUTS = ["root.dir", "root.lang", "header.children", "page.children", "db-retry.disabled",
                 "db-banner.style", "footer.children"]  # fmt: skip


def layout_of(client, referer: str | None) -> dict:
    headers = {"Referer": referer} if referer else {}
    resp = client.get("/_dash-layout", headers=headers)
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    return resp.get_json()


def part(layout: dict, id_: str) -> dict:
    return next(c for c in layout["props"]["children"] if c["props"].get("id") == id_)


def routed(client, path: str, search: str = "") -> dict:
    """The router's answer for a URL, as its callback gives it today (no Referer: it builds)."""
    body = multi_body(ROUTE_OUTPUTS, [("url", "pathname", path)], [("url", "search", search)])
    resp = post_callback(client, body)
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    return resp.get_json()["response"]


def text(o) -> str:
    return json.dumps(o, ensure_ascii=False)


def test_the_layout_holds_the_view_the_router_would_build(client):
    sign_in(client, "nat")
    for path, search in (("/province/IR-23", "?as_of=1402-03-11"), ("/city/tehran", ""), ("/", "?lang=en")):
        layout = layout_of(client, HOST + path + search)
        route = routed(client, path, search)
        assert part(layout, "page")["props"]["children"] == route["page"]["children"], path
        assert part(layout, "header")["props"]["children"] == route["header"]["children"], path
        assert part(layout, "footer")["props"]["children"] == route["footer"]["children"], path
        root = layout["props"]
        assert (root["dir"], root["lang"]) == (route["root"]["dir"], route["root"]["lang"])
        url = part(layout, "url")["props"]
        assert (url["pathname"], url["search"], url["href"]) == (path, search, HOST + path + search)
    assert layout["props"]["lang"] == "en" and layout["props"]["dir"] == "ltr"
    assert "نارمک" in text(part(layout_of(client, HOST + "/city/tehran"), "page"))


def first_call(path: str) -> dict:
    """The router's first call for a page, as the renderer makes it once the layout is in: no input
    changed."""
    body = multi_body(ROUTE_OUTPUTS, [("url", "pathname", path)], [("url", "search", "")])
    body["changedPropIds"] = []
    return body


def test_the_router_leaves_the_first_view_and_builds_the_next(client):
    sign_in(client, "nat")
    body = first_call("/city/tehran")
    first = post_callback(client, body, Referer=HOST + "/city/tehran")
    assert first.status_code == 204 and not first.data  # the page came with the layout
    other = post_callback(client, body, Referer=HOST + "/province/IR-23")  # a URL the layout did not build
    assert other.status_code == 200 and "نارمک" in other.get_data(as_text=True)
    body["changedPropIds"] = ["url.pathname"]  # a navigation (a link, back to the first URL): built
    again = post_callback(client, body, Referer=HOST + "/city/tehran")
    assert again.status_code == 200 and "نارمک" in again.get_data(as_text=True)


def test_a_provincial_referer_to_another_province_is_refused_as_the_router_refuses_it(client):
    sign_in(client, "teh")
    for path in ("/province/IR-10", "/city/isfahan"):
        page = text(part(layout_of(client, HOST + path), "page")["props"]["children"])
        assert not any(d in page for d in ("nb-isf", "of-isf", "جلفا", "ac-isf")), page[:300]
        assert page == text(routed(client, path)["page"]["children"]), path  # the same refusal, word for word
        assert "page-error" in page
    own = text(part(layout_of(client, HOST + "/city/tehran"), "page"))
    assert "نارمک" in own  # its own city is shown (the refusal above is not an accident)


def test_no_view_without_a_same_origin_referer(client):
    sign_in(client, "nat")
    for referer in (None, "http://evil.example/city/tehran", "https://localhost/city/tehran"):
        layout = layout_of(client, referer)
        assert part(layout, "page")["props"].get("children") is None, referer
        assert "pathname" not in part(layout, "url")["props"], referer
        headers = {"Referer": referer} if referer else {}
        routed_ = post_callback(client, first_call("/city/tehran"), **headers)
        assert routed_.status_code == 200 and "نارمک" in routed_.get_data(as_text=True), referer


def test_the_layout_needs_a_session(client):
    assert client.get("/_dash-layout", headers={"Referer": HOST + "/city/tehran"}).status_code == 401


def test_a_language_in_the_url_is_remembered_by_the_layouts_answer(client):
    """The router's first call used to set the language cookie; it now leaves the page: the layout's
    answer sets it."""
    sign_in(client, "nat")
    resp = client.get("/_dash-layout", headers={"Referer": HOST + "/city/tehran?lang=en"})
    assert "regen_lang=en" in resp.headers.get("Set-Cookie", "")
    assert "Set-Cookie" not in client.get("/_dash-layout", headers={"Referer": HOST + "/city/tehran"}).headers
