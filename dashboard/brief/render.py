"""The brief as PDF: the map drawn offline by kaleido (Plotly's image export, driving Chromium), the page
printed by headless Chromium (`--print-to-pdf`), which keeps Persian shaping and ZWNJ in the PDF's text
layer and embeds the Vazirmatn faces the page carries. Chromium is the brief's run-time dependency."""

from __future__ import annotations

import copy
import datetime as dt
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from dashboard import components as C
from dashboard import maps, queries
from dashboard.brief.content import Brief, gather
from dashboard.brief.page import brief_html
from regen import settings
from regen.db import Database
from regen.errors import RegenError
from regen.scope import Scope

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
PRINT_SECONDS = 180
MAP_SIZE = (900, 640)
FIT = (MAP_SIZE[0] - 60, MAP_SIZE[1] - 60)  # the place fills the image, less a margin
MAP_ATTEMPTS = 3


class MissingChromium(RegenError):
    """The brief cannot be printed: no Chromium on this machine."""


def chromium() -> str:
    """Gives the path of the Chromium that prints (BROWSER_PATH, else the first on PATH)."""
    found = settings.get().browser_path or next((p for b in BROWSERS if (p := shutil.which(b))), None)
    if not found or not Path(found).exists():
        raise MissingChromium(
            "the brief is printed by headless Chromium, which is not installed: install it with "
            "`apt-get install chromium` (scripts/setup.sh does), or set BROWSER_PATH to its program"
        )
    return found


def _figure(b: Brief, db: Database, scope: Scope) -> dict | None:
    """Gives the brief's map from the dashboard's figure code: the province choropleth (national) or the
    province's cities over its outline; None without places to draw."""
    if b.national:
        if not b.shapes:
            return None
        codes = [f["id"] for f in b.shapes["features"]]
        by_code = {r["code"]: r for r in b.places}
        z = [C.measure_value(by_code[c], "count") for c in codes]
        view = maps.fit(maps.fc_bounds(b.shapes), FIT)
        fig = C.choropleth_map(b.shapes, codes, z, {}, "count", C.Frame(b.lang, view))
    else:
        located = [r for r in b.places if r["lon"] is not None and r["neighborhoods"]]
        if not located:
            return None
        fig = C.point_map(
            located,
            [C.measure_value(r, "count") for r in located],
            C.point_sizes([r["neighborhoods"] for r in located]),
            {},
            "count",
            C.Frame(
                b.lang,
                maps.fit(maps.fc_bounds(b.outline) or _points_box(located), FIT),
                maps.outline_layers(b.outline),
            ),
        )
    fig = copy.deepcopy(fig)
    fig["data"] = [tr for tr in fig["data"] if tr.get("hoverinfo") != "skip"]  # the page has the legend
    for trace in fig["data"]:  # the legend is drawn by the page, in its own font
        holder = trace["marker"] if trace["type"] == "scattermap" else trace
        holder.pop("colorbar", None)
        holder["showscale"] = False
    # no colour scale here, so none of the room the dashboard keeps for it below the map
    margin = {"l": 0, "r": 0, "t": 0, "b": 0}
    fig["layout"].update(width=MAP_SIZE[0], height=MAP_SIZE[1], font={"family": "sans-serif"}, margin=margin)
    fig["layout"]["showlegend"] = False
    return fig


def _points_box(rows: list[dict]) -> maps.Bounds:
    lons, lats = [r["lon"] for r in rows], [r["lat"] for r in rows]
    return (min(lons), min(lats), max(lons), max(lats))


def map_png(fig: dict) -> bytes:
    """Gives the figure as a PNG drawn offline (kaleido with this machine's Chromium)."""
    os.environ["BROWSER_PATH"] = chromium()  # kaleido finds its browser by this variable alone
    import kaleido

    opts = {"format": "png", "width": MAP_SIZE[0], "height": MAP_SIZE[1], "scale": 2}
    for attempt in range(MAP_ATTEMPTS):
        try:
            # mathjax off: kaleido's page would otherwise ask a CDN for it (plotly.js comes from the
            # plotly package); nothing leaves the machine
            return kaleido.calc_fig_sync(fig, opts=opts, kopts={"mathjax": False})
        except Exception as e:  # kaleido reports a browser that would not start in its own words
            # on a loaded machine kaleido may ask its page before the page has loaded: try again
            if attempt + 1 == MAP_ATTEMPTS:
                detail = str(e).splitlines()[0][:300]
                raise RegenError(f"the brief's map could not be drawn by Chromium (kaleido): {detail}") from e
    raise AssertionError("unreachable")


def print_pdf(page: str) -> bytes:
    """Gives the PDF headless Chromium prints of an HTML page (A4, as the page's @page rule says)."""
    browser = chromium()
    with tempfile.TemporaryDirectory(prefix="regen-brief-") as tmp:
        src, out = Path(tmp) / "brief.html", Path(tmp) / "brief.pdf"
        src.write_text(page, encoding="utf-8")
        command = [
            browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync",
            "--disable-background-networking", "--disable-component-update", "--disable-extensions",
            f"--user-data-dir={tmp}/profile", "--no-pdf-header-footer", "--virtual-time-budget=5000",
            f"--print-to-pdf={out}", src.as_uri(),
        ]  # fmt: skip
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=PRINT_SECONDS)
        except subprocess.TimeoutExpired:
            raise RegenError(f"Chromium did not print the brief within {PRINT_SECONDS} s") from None
        if done.returncode != 0 or not out.exists() or out.stat().st_size == 0:
            detail = (done.stderr or "").strip().splitlines()[-1:] or ["no message"]
            raise RegenError(f"Chromium could not print the brief ({browser}): {detail[0]}")
        return out.read_bytes()


def brief_pdf(db: Database, scope: Scope, **ask) -> bytes:
    """Gives the brief as PDF bytes, for what `scope` may see (a provincial scope: its province only);
    `ask` is what `gather` asks: as_of, lang, meeting, province."""
    chromium()  # say what is missing before any work
    b = gather(db, scope, **ask)
    fig = _figure(b, db, scope)
    png = map_png(fig) if fig else None
    return print_pdf(brief_html(b, png, dt.date.today()))


__all__ = ["MissingChromium", "brief_pdf", "chromium", "queries"]
