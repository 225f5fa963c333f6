"""Maps with context against real PostGIS: the box each map is fitted to, a province's neighbours, the
outlines drawn, the names written on the maps and the legends' colours (issue 16, item 4)."""

from __future__ import annotations

import datetime as dt
import json
import math

import pytest

import dashboard.auth
from dashboard import components, i18n, maps, queries, results, shapes
from dashboard.auth_seam import NotFound
from dashboard.i18n import t
from dashboard.urls import parse
from regen.scope import NATIONAL, Scope
from tests.dashboard_fixture import build

# Mazandaran shares Tehran's northern edge, Qom touches its south-west corner; Isfahan (fixture) is
# apart from both. Semnan has cities but no boundary.
_NEIGHBOURS = """
UPDATE provinces SET boundary_source = 'test',
  boundary = ST_Multi(ST_MakeEnvelope(50.8, 36.2, 52.2, 36.8, 4326))
 WHERE code = 'IR-02';
UPDATE provinces SET boundary_source = 'test',
  boundary = ST_Multi(ST_MakeEnvelope(50.0, 34.4, 50.8, 35.0, 4326))
 WHERE code = 'IR-25';
INSERT INTO cities (code, province_code, name_fa, name_en, location, source) VALUES
 ('SEM', 'IR-20', 'سمنان', 'Semnan', ST_SetSRID(ST_MakePoint(53.39, 35.57), 4326), 'test'),
 ('SHA', 'IR-20', 'شاهرود', 'Shahrud', ST_SetSRID(ST_MakePoint(54.97, 36.41), 4326), 'test');
"""


@pytest.fixture
def world(db, monkeypatch):
    build(db)
    db.execute(_NEIGHBOURS)
    results.clear_cache()
    monkeypatch.setattr(dashboard.auth, "current_user_scope", lambda: NATIONAL)
    yield db
    results.clear_cache()


def close(box, expected, tol=1e-6):
    return box is not None and all(abs(a - b) <= tol for a, b in zip(box, expected, strict=True))


def test_bounds_of_the_nation_provinces_and_cities(world):
    # every province boundary: Isfahan's south to Mazandaran's north, Qom's west to Isfahan's east
    assert close(shapes.place_bounds(world, NATIONAL, "nation"), (50.0, 32.0, 52.5, 36.8))
    assert close(shapes.place_bounds(world, NATIONAL, "province", "IR-23"), (50.8, 35.0, 52.2, 36.2))
    # no boundary: its cities' points
    assert close(shapes.place_bounds(world, NATIONAL, "province", "IR-20"), (53.39, 35.57, 54.97, 36.41))
    assert shapes.place_bounds(world, NATIONAL, "province", "IR-01") is None  # neither
    # a city's boundary; else its neighborhoods and offices (Rey: N4 and O3); else its point
    assert close(shapes.place_bounds(world, NATIONAL, "city", "TEH"), (51.2, 35.55, 51.6, 35.85))
    assert close(shapes.place_bounds(world, NATIONAL, "city", "RAY"), (51.43, 35.58, 51.44, 35.59))
    assert close(shapes.place_bounds(world, NATIONAL, "city", "SEM"), (53.39, 35.57, 53.39, 35.57))


def test_national_bounds_fall_back_to_the_outline_file(world):
    world.execute("UPDATE provinces SET boundary = NULL")
    results.clear_cache()
    box = shapes.place_bounds(world, NATIONAL, "nation")
    assert box == maps.fc_bounds(shapes.outline())
    west, south, east, north = box
    assert 43 < west < 45 and 24 < south < 26 and 63 < east < 64 and 39 < north < 40.5  # Iran


def test_bounds_keep_to_the_scope(world):
    isfahan = Scope(user="u", role="provincial", province="IR-10")
    # provinces are public: their boxes too
    assert close(shapes.place_bounds(world, isfahan, "province", "IR-23"), (50.8, 35.0, 52.2, 36.2))
    with pytest.raises(NotFound):  # another province's city reads like an unknown one
        shapes.place_bounds(world, isfahan, "city", "TEH")


def test_neighbours_are_the_provinces_that_touch(world):
    fc = shapes.province_neighbours(world, NATIONAL, "IR-23")
    assert fc["type"] == "FeatureCollection"
    assert [f["id"] for f in fc["features"]] == ["IR-02", "IR-25"]  # not Isfahan, not itself
    assert all(f["geometry"]["type"] in ("Polygon", "MultiPolygon") for f in fc["features"])
    assert shapes.province_neighbours(world, NATIONAL, "IR-10")["features"] == []
    assert [f["id"] for f in shapes.province_neighbours(world, NATIONAL, "IR-02")["features"]] == ["IR-23"]


def test_fit_shows_the_whole_box_and_little_more():
    for box in ((44.0, 25.0, 63.4, 39.8), (50.8, 35.0, 52.2, 36.2), (51.43, 35.58, 51.44, 35.59)):
        view = maps.fit(box)
        west, south, east, north = box
        scale = 512 * 2 ** view["zoom"]
        width = (east - west) / 360 * scale

        def y(lat, scale=scale):
            return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)) / (2 * math.pi) * scale

        height = y(north) - y(south)
        assert width <= maps.FIT_BOX[0] + 1 and height <= maps.FIT_BOX[1] + 1
        assert width >= maps.FIT_BOX[0] - 2 or height >= maps.FIT_BOX[1] - 2  # fitted, not just inside
        # the centre is the box's middle on the map (Mercator), so both ends show
        assert abs((y(north) + y(south)) / 2 - y(view["center"]["lat"])) < 0.5
        assert abs(view["center"]["lon"] - (west + east) / 2) < 1e-4
    assert maps.fit((51.39, 35.69, 51.39, 35.69))["zoom"] == maps.MAX_ZOOM  # a point


def _layers(fig):
    return fig["layout"]["map"]["layers"]


def _labels(fig):
    return next(tr for tr in fig["data"] if tr.get("mode") == "text")


def _keys(fig):
    return [tr for tr in fig["data"] if tr.get("showlegend")]


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_national_map_names_provinces_and_is_fitted(world, lang):
    from dashboard.pages import national

    fig = national._parts(parse(f"?lang={lang}&as_of=1402-03-11"))["map"]
    assert fig["data"][0]["type"] == "choroplethmap"
    assert sorted(fig["data"][0]["locations"]) == ["IR-02", "IR-10", "IR-23", "IR-25"]
    names = _labels(fig)["text"]
    assert ("تهران" if lang == "fa" else "Tehran") in names and (
        "اصفهان" if lang == "fa" else "Isfahan"
    ) in names
    assert fig["layout"]["map"]["center"] == maps.fit((50.0, 32.0, 52.5, 36.8))["center"]
    assert fig["layout"]["map"]["zoom"] == maps.fit((50.0, 32.0, 52.5, 36.8))["zoom"]
    # every colour named: the scale (titled with %) and the grey of nothing to measure
    bar = fig["data"][0]["colorbar"]["title"]["text"]
    assert bar.startswith(t("m_count", lang)) and ("٪" if lang == "fa" else "%") in bar
    assert [(k["name"], k["marker"]["color"]) for k in _keys(fig)] == [
        (t("map_nothing_to_measure", lang), components.COVERAGE_SCALE[0][1])
    ]
    assert "glyphs" not in fig["layout"]["map"]["style"]  # names are drawn without fetching fonts


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_province_map_outline_neighbours_and_city_names(world, lang):
    from dashboard.pages import province

    fig = province._parts(parse(f"?lang={lang}&as_of=1402-03-11"), "IR-23")["map"]
    layers = _layers(fig)
    faint = [ly for ly in layers if ly["color"] == maps.NEIGHBOUR_FILL]
    assert {ly["type"] for ly in faint} == {"fill", "line"}
    assert [f["id"] for f in faint[0]["source"]["features"]] == ["IR-02", "IR-25"]
    outline = [ly for ly in layers if ly["color"] == maps.OUTLINE_COLOR]
    assert [f["id"] for f in outline[0]["source"]["features"]] == ["IR-23"]
    # cities' names, the one with most neighborhoods first (it wins where names collide)
    assert _labels(fig)["text"] == (["تهران", "ری"] if lang == "fa" else ["Tehran", "Rey"])
    assert fig["layout"]["map"]["zoom"] == maps.fit((50.8, 35.0, 52.2, 36.2))["zoom"]


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_city_map_outline_and_legend_of_areas_and_points(world, lang):
    from dashboard.pages import city

    place = queries.place_of(world, NATIONAL, "city", "TEH")
    fig = city._parts(parse(f"?lang={lang}&as_of=1402-03-11"), "TEH", place)["map"]
    outline = _layers(fig)
    assert len(outline) == 1 and outline[0]["source"]["geometry"]["type"] in ("Polygon", "MultiPolygon")
    assert (
        fig["layout"]["map"]["zoom"] == maps.fit((51.2, 35.55, 51.6, 35.85), maps.fit_box("status"))["zoom"]
    )
    # areas: the colour scale names the statuses; points: the legend names every office state
    assert fig["data"][0]["colorbar"]["title"]["text"] == t("map_hoods_scale", lang)
    keys = _keys(fig)
    assert fig["layout"]["legend"]["title"]["text"] == t("map_offices_key", lang)
    named = {k["name"]: k["marker"]["color"] for k in keys}
    assert named[t("s_closed", lang)] == components.STATUS_COLORS["closed"]  # the grey of closed offices
    assert set(named.values()) == {
        components.STATUS_COLORS[s] for s in ("planned", "established", "active", "handed_over", "closed")
    }
    # a city without a boundary: no outline, fitted to its neighborhoods and offices
    rey = city._parts(parse("?as_of=1402-03-11"), "RAY", queries.place_of(world, NATIONAL, "city", "RAY"))[
        "map"
    ]
    assert _layers(rey) == []
    assert (
        rey["layout"]["map"]["zoom"] == maps.fit((51.43, 35.58, 51.44, 35.59), maps.fit_box("status"))["zoom"]
    )


def test_context_is_never_patched(world):
    """A filter change sends the values of the data traces only: no layer, name or legend key."""
    from dashboard.pages import province

    fig = province._parts(parse("?as_of=1402-03-11"), "IR-23")["map"]
    patch = components.values_patch(fig).to_plotly_json()
    assert {op["location"][1] for op in patch["operations"]} == {0}
    text = json.dumps(patch, ensure_ascii=False)
    assert "layers" not in text and "تهران" not in text and "coordinates" not in text


@pytest.mark.parametrize("points", [1, 5, 11, 13, 30])
def test_the_timeline_dates_about_six_ticks_the_as_of_day_among_them(points):
    days = [dt.date(2016, 3, 20) + dt.timedelta(days=183 * i) for i in range(points)]
    rows = [{"day": d, "coverage_count_pct": 10.0 + i, "handover_pct": None} for i, d in enumerate(days)]
    for lang in ("fa", "en"):
        axis = components.timeline_figure(rows, lang)["layout"]["xaxis"]
        assert 1 <= len(axis["tickvals"]) <= components.TIMELINE_TICKS
        assert axis["tickvals"][-1] == days[-1].isoformat()  # the day the view is of
        assert axis["ticktext"] == [i18n.date(dt.date.fromisoformat(v), "en") for v in axis["tickvals"]]
        if points <= components.TIMELINE_TICKS:
            assert len(axis["tickvals"]) == points  # every point dated
        else:
            assert len(axis["tickvals"]) >= components.TIMELINE_TICKS // 2 + 1  # thinned, not emptied
