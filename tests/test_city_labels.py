"""The city map names its neighborhoods in the view's language, as the province map names its cities:
the biggest first (MapLibre keeps the first of names that would collide) and no more than the map
can show (issue 16, item 4). Against real PostGIS; the drawn names are read in
tests/test_fit_browser.py."""

from __future__ import annotations

import pytest

from dashboard import queries, results, shapes
from dashboard.pages import city
from dashboard.urls import parse
from regen.scope import NATIONAL
from tests.test_maps import _labels, world  # noqa: F401  (fixture)


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_city_map_names_its_neighborhoods_in_the_language_of_the_view(world, lang):  # noqa: F811
    # Khak-e Sefid made the biggest: it is named first
    world.execute(
        "UPDATE neighborhoods SET boundary = ST_Multi(ST_MakeEnvelope(51.44, 35.66, 51.46, 35.68, 4326))"
        " WHERE code = 'N3'"
    )
    results.clear_cache()
    place = queries.place_of(world, NATIONAL, "city", "TEH")
    fig = city._parts(parse(f"?lang={lang}&as_of=1402-03-11"), "TEH", place)["map"]
    names = _labels(fig)
    expected = ["خاک سفید", "عودلاجان", "نارمک"] if lang == "fa" else ["Khak-e Sefid", "Oudlajan", "Narmak"]
    assert names["text"][0] == expected[0] and sorted(names["text"]) == sorted(expected)
    # each name inside its neighborhood (N3: 51.44–51.46, 35.66–35.68)
    assert 51.44 < names["lon"][0] < 51.46 and 35.66 < names["lat"][0] < 35.68
    assert names["hoverinfo"] == "skip" and not names["showlegend"]
    # after the map's own traces and the two of the selection (select patches 2 and 3; a click
    # reads traces 0 and 1)
    assert fig["data"].index(names) == 4
    assert [tr["type"] for tr in fig["data"][:4]] == [
        "choroplethmap",
        "scattermap",
        "choroplethmap",
        "scattermap",
    ]


def test_a_city_of_many_neighborhoods_sends_the_biggest_names_only(world):  # noqa: F811
    every = shapes.neighborhood_labels(world, NATIONAL, "TEH", city.LABELS)
    assert sorted(r["code"] for r in every) == ["N1", "N2", "N3"]
    assert shapes.neighborhood_labels(world, NATIONAL, "TEH", 2) == every[:2]  # the first: the biggest
