"""Maps with context in headless Chromium, read from the drawn page: the places' names MapLibre drew
(offline: the page fixture checks that no request leaves 127.0.0.1), the outline and faint
neighbours, the legend's entries and colours, the colour scale's title, and a view that holds the
whole place, on a desktop and a phone, in Persian and English (issue 16, item 4). Screenshots go to
tests/artifacts/."""

from __future__ import annotations

import pytest

from dashboard import components
from dashboard.i18n import t
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

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def base_url(pg_server, template_url):
    """Gives the dashboard over the dashboard fixture with Tehran's neighbours Mazandaran and Qom."""
    with served_dashboard(pg_server, template_url, "regen_maps", _NEIGHBOURS) as url:
        yield url


def _map(graph: str) -> str:
    return f"{plot(graph)}._fullLayout.map._subplot.map"


def drawn_names(d, graph: str) -> list[str]:
    """Gives the names MapLibre has drawn on the map (the rendered features of its text layers)."""
    script = f"""(() => {{ const m = {_map(graph)}; if (!m || !m.loaded()) return null;
        const ids = m.getStyle().layers.filter(l => l.type === 'symbol').map(l => l.id);
        const names = m.queryRenderedFeatures({{layers: ids}}).map(f => f.properties.text);
        return names.length ? names : null }})()"""
    return wait_until(d, script, timeout=90)


def legend(d, graph: str) -> list[list[str]]:
    """Gives the legend's entries as drawn: [name, colour of its circle]."""
    return d.execute_script(
        f"""return [...document.querySelectorAll('#{graph} .legend .traces')]
            .map(e => [e.querySelector('.legendtext').textContent,
                       getComputedStyle(e.querySelector('.legendpoints path')).fill])"""
    )


def layer_types(d, graph: str) -> list[list]:
    """Gives the context layers on the map: [type, colour, number of places drawn] (MapLibre may give
    a place in pieces, one per tile: counted once, by its code)."""
    return d.execute_script(
        f"""const m = {_map(graph)};
        const places = id => new Set(m.queryRenderedFeatures({{layers: [id]}}).map(f => f.properties.code));
        return m.getStyle().layers.filter(l => l.id.startsWith('plotly-layout-layer-')).map(l =>
            [l.type, l.paint[l.type + '-color'], places(l.id).size])"""
    )


def shows(d, graph: str, box: tuple[float, float, float, float]) -> bool:
    """Says whether the map's view holds the whole box (west, south, east, north)."""
    west, south, east, north = box
    return d.execute_script(
        f"""const b = {_map(graph)}.getBounds();
        return b.getWest() <= {west} && b.getSouth() <= {south} && b.getEast() >= {east}
            && b.getNorth() >= {north}"""
    )


def rgb(hex_color: str) -> str:
    r, g, b = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


def scale_title(d, graph: str) -> str:
    return d.execute_script(f"return document.querySelector('#{graph} .cbtitle').textContent")


NATION = (50.0, 32.0, 52.5, 36.8)  # the fixture's four province boundaries
TEHRAN_PROVINCE = (50.8, 35.0, 52.2, 36.2)
TEHRAN_CITY = (51.2, 35.55, 51.6, 35.85)


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_national_map_names_provinces_and_its_colours(page, browser, lang):  # noqa: F811
    d = page(f"/?lang={lang}&as_of=1402-03-11", "#nat-map .maplibregl-canvas")
    names = drawn_names(d, "nat-map")
    assert {"تهران", "اصفهان"} <= set(names) if lang == "fa" else {"Tehran", "Isfahan"} <= set(names)
    assert wait_until(d, f"{plot('nat-map')}.data[0].locations.length") == 4
    assert legend(d, "nat-map") == [[t("map_nothing_to_measure", lang), rgb(components.COVERAGE_SCALE[0][1])]]
    assert scale_title(d, "nat-map") == f"{t('m_count', lang)} ({'٪' if lang == 'fa' else '%'})"
    assert shows(d, "nat-map", NATION)
    shot(d, f"maps-national-{lang}")


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_province_map_outline_neighbours_and_city_names(page, browser, lang):  # noqa: F811
    d = page(f"/province/IR-23?lang={lang}&as_of=1402-03-11", "#prov-map .maplibregl-canvas")
    names = drawn_names(d, "prov-map")
    assert set(names) == ({"تهران", "ری"} if lang == "fa" else {"Tehran", "Rey"})
    layers = layer_types(d, "prov-map")
    # Mazandaran and Qom faintly (fill and line), Tehran's outline on top of them
    assert ["fill", "#98a2b3", 2] in layers and ["line", "#98a2b3", 2] in layers
    assert ["line", "#475467", 1] in layers
    assert shows(d, "prov-map", TEHRAN_PROVINCE)
    assert legend(d, "prov-map")[0][0] == t("map_nothing_to_measure", lang)
    shot(d, f"maps-province-{lang}")
    browser.set_window_size(390, 844)  # a phone: the whole province still in view
    try:
        d = page(f"/province/IR-23?lang={lang}&as_of=1402-03-11", "#prov-map .maplibregl-canvas")
        drawn_names(d, "prov-map")
        assert shows(d, "prov-map", TEHRAN_PROVINCE)
        shot(d, f"maps-province-{lang}-phone")
    finally:
        browser.set_window_size(1400, 1100)


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_city_map_outline_and_legend_of_areas_and_points(page, browser, lang):  # noqa: F811
    d = page(f"/city/TEH?lang={lang}&as_of=1402-03-11", "#city-map .maplibregl-canvas")
    wait_until(d, f"{_map('city-map')}.loaded()")
    assert ["line", "#475467", 1] in layer_types(d, "city-map")  # the city's boundary
    assert shows(d, "city-map", TEHRAN_CITY)
    # points: every office state named with its colour, the grey of closed offices too
    states = ("planned", "established", "active", "handed_over", "closed")
    assert legend(d, "city-map") == [[t(f"s_{s}", lang), rgb(components.STATUS_COLORS[s])] for s in states]
    title = d.execute_script("return document.querySelector('#city-map .legendtitletext').textContent")
    assert title == t("map_offices_key", lang)
    assert scale_title(d, "city-map") == t("map_hoods_scale", lang)  # areas: the colour scale
    shot(d, f"maps-city-{lang}")
