"""Every map fitted to its place on a desktop (1366×900) and a phone (390×844), read from MapLibre in
headless Chromium: the place's box is inside the map's drawn bounds and fills at least half of the
map in one direction (issue 16, item 4). Python fits one box (dashboard/maps.py FIT_WIDTH, the
map's known height); style.css keeps a desktop's map at most twice as wide. Screenshots go to
tests/artifacts/."""

from __future__ import annotations

import pytest

from tests.test_dashboard_browser import (  # noqa: F401  (fixtures)
    browser,
    page,
    plot,
    served_dashboard,
    shot,
    signed_in,
    wait_until,
)
from tests.test_maps import _NEIGHBOURS
from tests.test_maps_browser import NATION, TEHRAN_CITY, TEHRAN_PROVINCE, _map, drawn_names

pytestmark = pytest.mark.browser

# A city eight times as wide as it is high (Mercator): the fit a desktop's wide map used to get wrong
WIDE = (51.0, 35.62, 51.8, 35.70)
_WIDE_CITY = f"""
INSERT INTO cities (code, province_code, name_fa, name_en, boundary, location, source) VALUES
 ('WID', 'IR-23', 'پهن‌شهر', 'Widetown', ST_Multi(ST_MakeEnvelope({", ".join(map(str, WIDE))}, 4326)),
  ST_SetSRID(ST_MakePoint(51.4, 35.66), 4326), 'test');
"""
SIZES = {"desktop": (1366, 900), "phone": (390, 844)}
VIEWS = {
    "national": ("/", "nat-map", NATION),
    "province": ("/province/IR-23", "prov-map", TEHRAN_PROVINCE),
    "city": ("/city/TEH", "city-map", TEHRAN_CITY),
    "wide-city": ("/city/WID", "city-map", WIDE),
}


@pytest.fixture(scope="module")
def base_url(pg_server, template_url):
    """Gives the dashboard over the dashboard fixture with Tehran's neighbours and a wide city."""
    with served_dashboard(pg_server, template_url, "regen_fit", _NEIGHBOURS + _WIDE_CITY) as url:
        yield url


def placed(d, graph: str, box: tuple[float, float, float, float]) -> dict:
    """Gives where the map drew the box: inside its bounds or not, and the share of the map's width
    and height the box takes (pixels, from MapLibre's own projection)."""
    west, south, east, north = box
    return d.execute_script(
        f"""const m = {_map(graph)}, b = m.getBounds(), c = m.getCanvas();
        const sw = m.project([{west}, {south}]), ne = m.project([{east}, {north}]);
        return {{inside: b.getWest() <= {west} && b.getSouth() <= {south} && b.getEast() >= {east}
                         && b.getNorth() >= {north},
                 width: (ne.x - sw.x) / c.clientWidth, height: (sw.y - ne.y) / c.clientHeight,
                 map: [c.clientWidth, c.clientHeight]}}"""
    )


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("view", VIEWS)
def test_the_whole_place_inside_its_map_and_filling_it(page, browser, view, size):  # noqa: F811
    path, graph, box = VIEWS[view]
    browser.set_window_size(*SIZES[size])
    try:
        lang = "en" if size == "phone" else "fa"
        d = page(f"{path}?lang={lang}&as_of=1402-03-11", f"#{graph} .maplibregl-canvas")
        wait_until(d, f"{_map(graph)}.loaded()")
        where = placed(d, graph, box)
        assert where["inside"], where
        assert max(where["width"], where["height"]) >= 0.5, where
        assert where["map"][0] <= (600 if size == "desktop" else 390)  # style.css: .map-graph
        shot(d, f"fit-{view}-{size}")
    finally:
        browser.set_window_size(1400, 1100)


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_the_city_map_names_its_neighborhoods(page, lang):  # noqa: F811
    """Names in the view's language; where they would collide (the fixture's three lie side by side)
    MapLibre keeps the first sent, the biggest neighborhood's, and drops the rest: never a heap."""
    d = page(f"/city/TEH?lang={lang}&as_of=1402-03-11", "#city-map .maplibregl-canvas")
    names = drawn_names(d, "city-map")
    sent = wait_until(d, f"{_map('city-map')} && {plot('city-map')}.data[4].text")
    every = {"عودلاجان", "نارمک", "خاک سفید"} if lang == "fa" else {"Oudlajan", "Narmak", "Khak-e Sefid"}
    assert set(sent) == every and sent[0] in names and set(names) <= every
    assert len(names) == len(set(names))  # each name once


FOOT = """const g = document.querySelector('#city-map'), box = e => e.getBoundingClientRect();
const map = box(g.querySelector('.maplibregl-canvas')), legend = box(g.querySelector('.legend'));
const keys = [...g.querySelectorAll('.legend .legendtext, .legend .legendtitletext')].map(box);
const bar = box(g.querySelector('.colorbar .cbfills')), title = box(g.querySelector('.colorbar .cbtitle'));
const ticks = [...g.querySelectorAll('.colorbar .cbaxis text')].map(box).filter(r => r.width > 0);
return {map, legend, keys, bar, title, ticks, width: g.getBoundingClientRect().right};"""


def apart(a: dict, b: dict) -> bool:
    """Says whether two boxes on the page do not overlap (a pixel of touch allowed)."""
    return (
        a["right"] <= b["left"] + 1
        or b["right"] <= a["left"] + 1
        or a["bottom"] <= b["top"] + 1
        or b["bottom"] <= a["top"] + 1
    )


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_phone_city_legend_and_scale_apart_from_the_map_and_each_other(page, browser, lang):  # noqa: F811
    browser.set_window_size(390, 844)
    try:
        d = page(f"/city/TEH?lang={lang}&as_of=1402-03-11", "#city-map .maplibregl-canvas")
        wait_until(d, f"{_map('city-map')}.loaded()")
        foot = d.execute_script(FOOT)
        assert len(foot["keys"]) == 6 and len(foot["ticks"]) == 5, foot  # title + five states; five statuses
        assert foot["legend"]["top"] >= foot["map"]["bottom"] - 1, foot  # the legend under the map
        for part in (foot["bar"], foot["title"], *foot["ticks"]):
            assert apart(part, foot["map"]), (part, foot)
            assert all(apart(part, key) for key in foot["keys"]), (part, foot)
        for i, key in enumerate(foot["keys"]):  # every key inside the figure, none over another
            assert key["right"] <= foot["width"] + 1, key
            assert all(apart(key, other) for other in foot["keys"][i + 1 :]), key
        assert apart(foot["title"], foot["bar"]) and all(apart(t, foot["title"]) for t in foot["ticks"])
        shot(d, f"fit-city-foot-{lang}-phone")
    finally:
        browser.set_window_size(1400, 1100)
