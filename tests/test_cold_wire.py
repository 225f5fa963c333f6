"""The chunks and plotly.js a map needs come with the page (dashboard/wire.py early_scripts): script
tags at fingerprinted URLs, cached for a year, so that a repeat visit asks for none of them again
(Dash's renderer would ask for each at an unversioned URL, revalidated on every visit, one round trip
after another before the map could start). AG Grid's scripts are not in the page's scripts: the page
names them, at fingerprinted URLs, for the grids' stand-in that loads them after the map."""

from __future__ import annotations

import re

from dash import Dash, html

from dashboard import wire


def _app() -> Dash:
    app = Dash(__name__, assets_folder="assets_absent")
    app.layout = html.Div("x")
    wire.install(app)
    return app


def test_what_a_map_needs_is_asked_for_with_the_page_and_kept_for_a_year():
    app = _app()
    client = app.server.test_client()
    scripts = re.findall(r'<script src="([^"]+)"', client.get("/").get_data(as_text=True))
    early = wire.early_scripts()
    assert len(early) == len(wire.EARLY_CHUNKS) + 1
    renderer = next(i for i, s in enumerate(scripts) if "dash_renderer" in s)
    for url in early:
        assert url in scripts[:renderer], url  # before the renderer starts
        r = client.get(url)
        assert r.status_code == 200 and len(r.data) > 1000, url
        assert "max-age=31536000" in r.headers["Cache-Control"] and "immutable" in r.headers["Cache-Control"]
    for namespace, rel_path in wire.EARLY_CHUNKS:  # the very files webpack would ask for
        stem = rel_path.rsplit(".", 1)[0]
        assert any(re.search(rf"/{namespace}/{re.escape(stem)}\.v[\w-]+m\d+\.js$", u) for u in early)
        assert (
            client.get(f"/_dash-component-suites/{namespace}/{rel_path}").data
            == client.get(next(u for u in early if f"/{stem}." in u)).data
        )


def test_ag_grid_is_named_for_after_the_map_not_loaded_with_the_page():
    import dash_ag_grid  # noqa: F401  (its scripts are the page's, as in the dashboard)

    app = _app()
    client = app.server.test_client()
    page = client.get("/").get_data(as_text=True)
    scripts = re.findall(r'<script src="([^"]+)"', page)
    assert not [s for s in scripts if "/dash_ag_grid/" in s], scripts
    later = re.findall(r'<script type="text/x-after-map" data-src="([^"]+)"></script>', page)
    assert len(later) == 2 and later[0].endswith(".min.js") and "/async-community.v" in later[1], later
    for url in later:
        r = client.get(url)
        assert r.status_code == 200 and len(r.data) > 100_000, url
        assert "max-age=31536000" in r.headers["Cache-Control"] and "immutable" in r.headers["Cache-Control"]


def test_plotly_js_is_kept_for_a_year_at_its_fingerprint_only():
    client = _app().server.test_client()
    plotly = wire.early_scripts()[-1]
    assert plotly.startswith(wire.PLOTLY_URL + "?v=")
    assert "immutable" in client.get(plotly).headers["Cache-Control"]
    for other in (wire.PLOTLY_URL, wire.PLOTLY_URL + "?v=another"):  # the renderer's own URL, a stale one
        assert client.get(other).headers["Cache-Control"] == "no-cache"
    assert client.get(plotly).data == client.get(wire.PLOTLY_URL).data == wire.PLOTLY_FILE.read_bytes()
