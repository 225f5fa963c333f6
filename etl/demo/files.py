"""The demo written as the files agencies would send: CSV tables and GeoJSON boundaries.

File names become the `source` of what they load: real data keeps its origin in the name
(`geonames-cities.csv`, `osm-county-boundaries.geojson`), everything synthetic starts with `demo-`.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from shapely.geometry import mapping

from etl.demo.actions import Action
from etl.demo.calendar import jalali_text
from etl.demo.counties import CountyBoundary
from etl.demo.neighborhoods import Neighborhood
from etl.demo.offices import Office
from etl.demo.places import City
from etl.demo.targets import Target

CITIES = "geonames-cities.csv"
COUNTIES = "osm-county-boundaries.geojson"
NEIGHBORHOODS = "demo-neighborhoods.geojson"
FACTS = "demo-neighborhood-facts.csv"
OFFICES = "demo-offices.csv"
ACTIONS = "demo-actions.csv"
TARGETS = "demo-targets.csv"


def _csv(path: Path, header: list[str], rows: list[list]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path


def _geojson(path: Path, features: list[dict]) -> Path:
    with open(path, "w", encoding="utf-8") as f:
        json.dump(
            {"type": "FeatureCollection", "features": features}, f, ensure_ascii=False, separators=(",", ":")
        )
    return path


def write_cities(folder: Path, cities: list[City]) -> Path:
    return _csv(
        folder / CITIES,
        ["code", "name_fa", "name_en", "province", "lat", "lon", "population"],
        [[c.code, c.name_fa, c.name_en, c.province, c.lat, c.lon, c.population] for c in cities],
    )


def write_counties(folder: Path, counties: list[CountyBoundary]) -> Path:
    return _geojson(
        folder / COUNTIES,
        [
            {
                "type": "Feature",
                "properties": {
                    "code": b.city.code,
                    "name_fa": b.city.name_fa,
                    "name_en": b.city.name_en,
                    "province": b.city.province,
                    "county_fa": b.county_fa,
                    "county_en": b.county_en,
                    "osm_relation": b.osm_id,
                },
                "geometry": mapping(b.geometry),
            }
            for b in counties
        ],
    )


def write_neighborhoods(folder: Path, neighborhoods: list[Neighborhood]) -> Path:
    return _geojson(
        folder / NEIGHBORHOODS,
        [
            {
                "type": "Feature",
                "properties": {
                    "code": n.code,
                    "name_fa": n.name_fa,
                    "name_en": n.name_en,
                    "city": n.city.code,
                    "kinds": ";".join(n.kinds),
                },
                "geometry": mapping(n.polygon),
            }
            for n in neighborhoods
        ],
    )


def write_facts(folder: Path, neighborhoods: list[Neighborhood]) -> Path:
    return _csv(
        folder / FACTS,
        ["code", "population", "households", "kinds", "pilot"],
        [
            [n.code, n.population, n.households, ";".join(n.kinds), "yes" if n.pilot else "no"]
            for n in neighborhoods
        ],
    )


def write_offices(folder: Path, offices: list[Office]) -> Path:
    header = [
        "code",
        "name_fa",
        "name_en",
        "kind",
        "operator",
        "supervisor",
        "neighborhoods",
        "city",
        "lat",
        "lon",
        "pre_program",
        "planned_on",
        "established_on",
        "active_on",
        "handed_over_on",
        "handover_letter",
        "closed_on",
    ]
    rows = []
    for i, o in enumerate(offices):
        lon, lat = o.location
        fa = i % 4 == 3  # as agencies' files do: some dates typed with Persian digits (۱۳۹۸/۰۶/۰۱)
        rows.append(
            [
                o.code,
                o.name_fa,
                o.name_en,
                o.kind,
                o.operator,
                o.supervisor or "",
                ";".join(n.code for n in o.neighborhoods),
                o.city.code,
                lat,
                lon,
                "yes" if o.pre_program else "no",
                jalali_text(o.planned_on, fa),
                jalali_text(o.established_on, fa),
                jalali_text(o.active_on, fa),
                jalali_text(o.handed_over_on, fa),
                o.handover_letter or "",
                jalali_text(o.closed_on, fa),
            ]
        )
    return _csv(folder / OFFICES, header, rows)


def write_actions(folder: Path, actions: list[Action]) -> Path:
    header = [
        "code",
        "meeting",
        "resolution",
        "agency",
        "title_fa",
        "title_en",
        "kind",
        "province",
        "city",
        "neighborhood",
        "office",
        "due_on",
        "status",
        "status_on",
        "evidence",
    ]
    return _csv(
        folder / ACTIONS,
        header,
        [
            [
                a.code,
                a.meeting,
                a.resolution,
                a.agency,
                a.title_fa,
                a.title_en,
                a.kind,
                a.province,
                a.city,
                a.neighborhood,
                a.office,
                jalali_text(a.due_on, i % 4 == 3),
                a.status,
                jalali_text(a.status_on, i % 4 == 3),
                a.evidence,
            ]
            for i, a in enumerate(actions)
        ],
    )


def write_targets(folder: Path, targets: list[Target]) -> Path:
    header = ["code", "agency", "measure", "province", "period", "target", "note"]
    return _csv(
        folder / TARGETS,
        header,
        [[t.code, t.agency, t.measure, t.province, t.period, t.target, t.note] for t in targets],
    )
