"""What goes over the wire (dashboard/wire.py): compressed responses, year-long caching of files whose
URL carries their fingerprint, nothing cached for pages."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest
from dash import Dash, html

from dashboard import wire

ROOT = Path(__file__).resolve().parent.parent


def _app() -> Dash:
    app = Dash(__name__, assets_folder="assets_absent")
    app.layout = html.Div("x" * 2000)
    wire.install(app)
    return app


def _suite_url(app: Dash) -> str:
    page = app.server.test_client().get("/").get_data(as_text=True)
    start = page.index("/_dash-component-suites/")
    return page[start : page.index('"', start)]


def test_component_suites_come_compressed_and_cached_for_a_year():
    app = _app()
    client = app.server.test_client()
    url = _suite_url(app)
    plain = client.get(url)
    r = client.get(url, headers={"Accept-Encoding": "gzip, deflate, br, zstd"})
    assert r.headers["Content-Encoding"] in ("zstd", "br")
    assert len(r.data) < len(plain.data) / 2
    assert "max-age=31536000" in r.headers["Cache-Control"] and "immutable" in r.headers["Cache-Control"]
    again = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert again.headers["Content-Encoding"] == "gzip"  # one kept copy per encoding


def test_callback_answers_are_compressed_and_never_kept():
    app = _app()
    client = app.server.test_client()
    r = client.get("/_dash-layout", headers={"Accept-Encoding": "gzip"})
    assert r.headers.get("Content-Encoding") == "gzip"
    assert "max-age=31536000" not in r.headers.get("Cache-Control", "")
    kept = wire._StaticCache()
    kept.set("gzip;" + wire._NOT_KEPT, b"answer")
    assert kept.get("gzip;" + wire._NOT_KEPT) is None


@pytest.mark.parametrize(
    "texts",
    [
        ["/city/TEH?as_of=2021-03-21", "۱۴۰۰/۰۱/۰۱", "</script>"],
        ["/city/TEH", "\\u002f", "a\\/b", "\\\\/", "\\\\u002f/"],  # text with backslashes of its own
    ],
)
def test_dash_answers_send_slashes_as_themselves_and_mean_the_same(texts):
    """plotly's writer sends "/" as \\u002f; Dash's JSON answers carry it plain, and text holding a
    backslash before "u002f" (or before "/") reads back as it was."""
    app = Dash(__name__, assets_folder="assets_absent")
    app.layout = html.Div([html.Span(x) for x in texts], title="x" * 2000)  # long enough to compress
    wire.install(app)
    for headers in ({}, {"Accept-Encoding": "gzip"}):
        r = app.server.test_client().get("/_dash-layout", headers=headers)
        assert r.headers.get("Content-Encoding") == headers.get("Accept-Encoding")  # undone before
        body = gzip.decompress(r.data) if headers else r.data
        assert re.search(rb"(?<!\\)(\\\\)*\\u002f", body) is None  # no escape left but the text's own
        assert b"</script>" not in body  # "<" stays escaped
        assert [c["props"]["children"] for c in json.loads(body)["props"]["children"]] == texts


def test_the_page_itself_is_not_cached_for_long():
    r = _app().server.test_client().get("/")
    assert "max-age=31536000" not in r.headers.get("Cache-Control", "")


def test_the_custom_bundle_of_the_same_plotly_js_answers_for_plotly():
    from plotly.offline import get_plotlyjs_version

    client = _app().server.test_client()
    r = client.get(wire.PLOTLY_URL, headers={"Accept-Encoding": "br"})
    assert r.status_code == 200 and r.headers["Content-Encoding"] == "br"
    body = wire.PLOTLY_FILE.read_bytes()
    assert f'.version="{get_plotlyjs_version()}"'.encode() in body
    assert len(r.data) < 850_000 < len(body)  # brotli 11: 656 KB of 2.96 MB (the full bundle: 4.8 MB)
    assert b"jalali" not in body.lower()  # no world calendars: Jalali is written in Python
    again = client.get(wire.PLOTLY_URL, headers={"Accept-Encoding": "br", "If-None-Match": r.headers["ETag"]})
    assert again.status_code == 304 and not again.data


def test_every_trace_the_dashboard_draws_is_in_the_bundle():
    """plotly.js draws a trace type it does not hold as a scatter, silently: each type the dashboard's
    code names must be registered in the bundle's entry (scripts/plotly/entry.js)."""
    code = "\n".join(p.read_text() for p in (ROOT / "dashboard").rglob("*.py"))
    drawn = set(
        re.findall(
            r'(?:"type": "|type=")(bar|scatter\w*|choropleth\w*|pie|heatmap\w*|box|histogram\w*|density\w*)"',
            code,
        )
    )
    assert {"bar", "scattermap", "choroplethmap"} <= drawn, drawn
    entry = (ROOT / "scripts" / "plotly" / "entry.js").read_text()
    registered = set(re.findall(r'require\("plotly.js/lib/(\w+)"\)', entry)) | {"scatter"}  # scatter: core
    assert drawn <= registered, drawn - registered
