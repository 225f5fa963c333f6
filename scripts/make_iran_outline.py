"""Writes data/geo/iran_outline.geojson: Iran's outline from Natural Earth (public domain).

The source is the `naturalearth_lowres` fixture that pyogrio's wheel carries (Natural Earth 1:110m
Admin 0 countries, copied there from GeoPandas), so the outline comes from a registry package, not a
download. Run once; the result is committed:

    .venv/bin/python scripts/make_iran_outline.py
"""

from __future__ import annotations

import json
from pathlib import Path

import pyogrio
from shapely.geometry import MultiPolygon, mapping

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "data" / "geo" / "iran_outline.geojson"


def natural_earth_path() -> Path:
    """Gives the path of Natural Earth's low-resolution countries inside the installed pyogrio."""
    path = (
        Path(pyogrio.__file__).parent
        / "tests"
        / "fixtures"
        / "naturalearth_lowres"
        / "naturalearth_lowres.shp"
    )
    if not path.exists():
        raise SystemExit(f"{path} is missing: this pyogrio wheel does not ship the Natural Earth fixture")
    return path


def main() -> None:
    countries = pyogrio.read_dataframe(natural_earth_path())
    iran = countries[countries["iso_a3"] == "IRN"]
    if len(iran) != 1 or str(countries.crs) != "EPSG:4326":
        raise SystemExit(f"expected one IRN feature in EPSG:4326, found {len(iran)} in {countries.crs}")
    geom = iran.geometry.iloc[0]
    geom = geom if geom.geom_type == "MultiPolygon" else MultiPolygon([geom])
    feature = {
        "type": "Feature",
        "properties": {
            "iso_a3": "IRN",
            "name_en": "Iran",
            "name_fa": "ایران",
            "source": "Natural Earth 1:110m Admin 0 countries (public domain), via pyogrio "
            f"{pyogrio.__version__} tests/fixtures/naturalearth_lowres",
        },
        "geometry": json.loads(json.dumps(mapping(geom))),
    }
    # Six decimals (about 0.1 m) keep the file small and its bytes stable from run to run.
    feature["geometry"]["coordinates"] = [
        [[[round(x, 6), round(y, 6)] for x, y in ring] for ring in poly]
        for poly in feature["geometry"]["coordinates"]
    ]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(
        json.dumps({"type": "FeatureCollection", "features": [feature]}, ensure_ascii=False) + "\n"
    )
    print(f"wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
