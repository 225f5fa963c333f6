"""Writes data/geo/iran_provinces.geojson: Iran's 31 provinces, simplified, from OpenStreetMap (ODbL).

The source is `shared/data/iran-osm/provinces.geojson` (OpenStreetMap, © OpenStreetMap contributors,
ODbL 1.0), which lies beside this repository on the development machines but not with the product.
The provinces are simplified together as one coverage (`shapely.coverage_simplify`, about 1 km), so
neighbouring provinces keep their shared edges: no gaps or overlaps appear between them. Run once;
the result is committed and stays under the ODbL (see data/geo/README.md):

    .venv/bin/python scripts/make_provinces.py [path/to/provinces.geojson]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import shapely
from shapely.geometry import MultiPolygon, mapping, shape

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT.parent / "shared" / "data" / "iran-osm" / "provinces.geojson"
OUT = ROOT / "data" / "geo" / "iran_provinces.geojson"
TOLERANCE_DEG = 0.01  # about 1 km: a national or provincial map, not a cadastre
GRID_DEG = 1e-4  # coordinates on a 0.0001° grid (about 11 m): a small file with stable bytes


def main() -> None:
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else SOURCE
    if not source.exists():
        raise SystemExit(f"{source} is missing: give the path of the OSM provinces file")
    features = json.loads(source.read_text(encoding="utf-8"))["features"]
    if len(features) != 31:
        raise SystemExit(f"expected the 31 provinces of Iran in {source}, found {len(features)}")
    simplified = shapely.coverage_simplify([shape(f["geometry"]) for f in features], TOLERANCE_DEG)
    out = []
    for f, geom in sorted(
        zip(features, simplified, strict=True), key=lambda fg: fg[0]["properties"]["name:en"]
    ):
        geom = shapely.make_valid(shapely.set_precision(geom, GRID_DEG))
        polygons = [g for g in getattr(geom, "geoms", [geom]) if g.geom_type == "Polygon"]
        if not polygons:
            raise SystemExit(f"{f['properties']['name:en']} lost its polygons when simplified")
        props = f["properties"]
        out.append(
            {
                "type": "Feature",
                "properties": {"name:fa": props["name:fa"], "name:en": props["name:en"]},
                "geometry": mapping(MultiPolygon(polygons)),
            }
        )
    collection = {
        "type": "FeatureCollection",
        "source": "OpenStreetMap, © OpenStreetMap contributors, ODbL 1.0; simplified by "
        "scripts/make_provinces.py",
        "features": out,
    }
    OUT.write_text(json.dumps(collection, ensure_ascii=False, separators=(",", ":")) + "\n")
    print(f"wrote {OUT.relative_to(ROOT)} ({OUT.stat().st_size // 1024} KB, {len(out)} provinces)")


if __name__ == "__main__":
    main()
