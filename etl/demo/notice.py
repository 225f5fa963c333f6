"""The line the dashboard shows about where its data comes from (synthetic demo, attributions)."""

from __future__ import annotations

from regen import queries
from regen.db import Database

NATURAL_EARTH = ("مرز کشور: Natural Earth", "Country outline: Natural Earth")


def data_notice(db: Database) -> dict[str, list[str]]:
    """Gives {"fa": [...], "en": [...]}: the demo warning (when demo rows exist) and the attributions."""
    s = queries.run("data_sources", db)[0]
    fa, en = [], []
    if s["demo"]:
        fa.append("داده نمایشی: محلات، دفاتر و اقدامات ساختگی‌اند")
        en.append("Demo data: synthetic neighborhoods, offices and actions")
    if s["geonames"]:
        fa.append("شهرها: GeoNames (CC BY 4.0)")
        en.append("Cities: GeoNames (CC BY 4.0)")
    if s["osm"]:
        fa.append("مرزها: © OpenStreetMap contributors")
        en.append("Boundaries: © OpenStreetMap contributors")
    fa.append(NATURAL_EARTH[0])
    en.append(NATURAL_EARTH[1])
    return {"fa": fa, "en": en}
