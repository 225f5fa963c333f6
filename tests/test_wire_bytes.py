"""The first visit's bytes (issue 17, dashboard/wire.py and scripts/subset_fonts.sh): the faces served
hold every character the product writes and the features that shape Persian, cut to the weights the
page draws; static scripts go at brotli's best level, kept on disk by their content; the DataTable's
loader, which no view draws with, is not in the page."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import brotli
import pytest
from dash import Dash, html
from fontTools.ttLib import TTFont

from dashboard import wire

ROOT = Path(__file__).resolve().parent.parent
ASSETS = ROOT / "dashboard" / "assets"
SERVED_FACES = ("Vazirmatn-wght.woff2", "Vazirmatn-FD-Regular.woff2")  # style.css's two @font-face
PERSIAN = "ءآأؤإئابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهیةي" + "۰۱۲۳۴۵۶۷۸۹" + "٪٫٬،؛؟ـ"
PERSIAN += "\u064b\u064c\u064e\u064f\u0650\u0651"  # the marks a name may carry
MARKS = "\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2212«»—–…“”×"


def _words(langs: slice = slice(None)) -> set[str]:
    chars: set[str] = set()
    for pair in tomllib.loads((ROOT / "dashboard" / "words.toml").read_text()).values():
        for text in pair[langs] if isinstance(pair, list) else []:
            chars.update(text)
    return chars


@pytest.mark.parametrize("face", SERVED_FACES)
def test_a_served_face_holds_every_character_the_product_writes_and_shapes_persian(face):
    font = TTFont(ASSETS / face)
    cmap = font.getBestCmap()
    needed = _words() | set(PERSIAN) | set(MARKS) | {chr(c) for c in range(0x20, 0x7F)}
    if face == "Vazirmatn-FD-Regular.woff2":  # Persian figures only; a Latin letter there falls back
        needed = {c for c in needed | _words(slice(0, 1)) if not (c.isascii() and c.isalpha())}
        needed -= {c for c in _words(slice(1, 2)) if not c.isascii()} - _words(slice(0, 1))
    missing = sorted(c for c in needed if ord(c) not in cmap and (c == " " or not c.isspace()))
    assert not missing, [f"U+{ord(c):04X}" for c in missing]
    features = {r.FeatureTag for r in font["GSUB"].table.FeatureList.FeatureRecord}
    assert {"init", "medi", "fina", "rlig", "ccmp"} <= features  # letters join
    assert {"mark", "kern"} <= {r.FeatureTag for r in font["GPOS"].table.FeatureList.FeatureRecord}
    assert (ASSETS / "OFL.txt").read_text().startswith("Copyright")  # the licence travels with it


def test_the_page_face_is_cut_to_the_weights_the_page_draws():
    font = TTFont(ASSETS / "Vazirmatn-wght.woff2")
    axis = next(a for a in font["fvar"].axes if a.axisTag == "wght")
    css = (ASSETS / "style.css").read_text()
    drawn = {int(w) for w in re.findall(r"font-weight:\s*(\d+)", css)} | {400, 700}  # 700: headings, bold
    assert axis.minValue <= min(drawn) and max(drawn) <= axis.maxValue, (axis.minValue, axis.maxValue, drawn)
    assert "font-weight: 400 700;" in css  # what @font-face promises is what the face holds
    assert (ASSETS / "Vazirmatn-wght.woff2").stat().st_size < 60_000  # the whole face: 111 KB
    assert (ASSETS / "Vazirmatn-FD-Regular.woff2").stat().st_size < 25_000  # the whole face: 49 KB


def _app() -> Dash:
    app = Dash(__name__, assets_folder=str(ASSETS))
    app.layout = html.Div("x")
    wire.install(app)
    return app


def test_plotly_js_goes_at_brotli_best_level_and_decodes_to_the_bundle():
    client = _app().server.test_client()
    r = client.get(wire.early_scripts()[-1], headers={"Accept-Encoding": "gzip, deflate, br, zstd"})
    assert r.headers["Content-Encoding"] == "br"
    assert len(r.data) < 690_000  # 672,000 bytes (without the world calendars); level 5 gives 787,000
    assert brotli.decompress(r.data) == wire.PLOTLY_FILE.read_bytes()
    tag = r.headers["ETag"]
    again = client.get(wire.early_scripts()[-1], headers={"Accept-Encoding": "br", "If-None-Match": tag})
    assert again.status_code == 304 and not again.data
    gz = client.get(wire.early_scripts()[-1], headers={"Accept-Encoding": "gzip"})
    assert gz.headers["Content-Encoding"] == "gzip"  # a browser without brotli still gets it compressed


def test_best_brotli_is_kept_on_disk_by_content(tmp_path, monkeypatch):
    monkeypatch.setattr(wire, "STORE", tmp_path / "store")
    monkeypatch.setattr(wire, "_br_kept", {})
    body = (ROOT / "dashboard" / "assets" / "a11y.js").read_bytes() * 20
    packed = wire.best_brotli(body)
    assert brotli.decompress(packed) == body
    (kept,) = (tmp_path / "store").iterdir()
    assert kept.read_bytes() == packed
    kept.write_bytes(b"from the store")  # a new process reads the store, it does not compress again
    monkeypatch.setattr(wire, "_br_kept", {})
    assert wire.best_brotli(body) == b"from the store"


def test_a_response_sent_again_in_brotli_is_not_compressed_again(monkeypatch):
    monkeypatch.setattr(wire, "_sent_kept", wire.LRUCache(maxsize=2**20, getsizeof=len))
    packed: list[int] = []
    real = brotli.compress
    monkeypatch.setattr(wire.brotli, "compress", lambda b, **kw: packed.append(len(b)) or real(b, **kw))
    app = _app()
    bodies = {
        "a": {"rows": [{"نام": f"محله {i}", "code": f"N{i}"} for i in range(200)]},
        "b": {"rows": [{"نام": f"شهر {i}"} for i in range(300)]},
    }
    app.server.add_url_rule("/t/<key>", "t", lambda key: bodies[key])
    client = app.server.test_client()
    first = client.get("/t/a", headers={"Accept-Encoding": "gzip, deflate, br, zstd"})
    again = client.get("/t/a", headers={"Accept-Encoding": "br"})
    other = client.get("/t/b", headers={"Accept-Encoding": "br"})
    for r, key in ((first, "a"), (again, "a"), (other, "b")):
        assert r.headers["Content-Encoding"] == "br" and "Accept-Encoding" in r.headers["Vary"]
        assert app.server.json.loads(brotli.decompress(r.data)) == bodies[key]
    assert len(packed) == 2  # a's bytes once, b's once: the same bytes again come from the kept copy
    plain = client.get("/t/a", headers={"Accept-Encoding": "gzip"})
    assert plain.headers["Content-Encoding"] == "gzip"  # without brotli, Flask-Compress's as before
    assert client.get("/t/a").headers.get("Content-Encoding") is None


def test_an_asset_and_the_favicon_come_compressed_and_stamped_ones_kept_for_a_year():
    app = _app()
    client = app.server.test_client()
    page = client.get("/").get_data(as_text=True)
    css = re.search(r'href="(/assets/style\.css\?m=[^"]+)"', page).group(1)
    r = client.get(css, headers={"Accept-Encoding": "br"})
    assert r.headers["Content-Encoding"] == "br" and "immutable" in r.headers["Cache-Control"]
    icon = re.search(r'href="(/_favicon\.ico\?v=[^"]+)"', page).group(1)
    r = client.get(icon, headers={"Accept-Encoding": "br"})
    assert r.headers["Content-Encoding"] == "br" and len(r.data) < 6_000  # 15 KB as it was sent
    assert "immutable" in r.headers["Cache-Control"]


def test_no_page_carries_the_datatable_no_view_draws_with():
    page = _app().server.test_client().get("/").get_data(as_text=True)
    scripts = re.findall(r'<script src="([^"]+)"', page)
    assert any("dash_renderer" in s for s in scripts)
    assert not [s for s in scripts if "dash_table" in s]
    code = "\n".join(p.read_text() for p in (ROOT / "dashboard").rglob("*.py"))
    assert not re.search(r"\bdash_table\b|DataTable\(", code.replace("dash_table/", ""))


def test_warm_fills_the_store_with_what_every_page_loads(tmp_path, monkeypatch):
    monkeypatch.setattr(wire, "STORE", tmp_path / "store")
    monkeypatch.setattr(wire, "best_brotli", lambda body: seen.append(len(body)) or b"")
    seen: list[int] = []
    assert wire.warm() == len(seen) >= 3
    assert len(wire.PLOTLY_FILE.read_bytes()) in seen
