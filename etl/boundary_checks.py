"""What makes a boundary file wrong as a whole, beyond one bad feature: nothing in it is a polygon,
its coordinates are written latitude-first, or `--replace` would retire most of a parent's rows."""

from __future__ import annotations

import numpy as np
import shapely

from etl.crs import SWAP_FIX
from etl.iran import swapped_into_iran
from etl.runs import LoadError

# --replace retiring more than this share of a parent's current rows asks for --allow-retire-all.
RETIRE_SHARE = 0.5
SWAPPED = "x and y are swapped (latitude written first): as written it lies outside Iran"


def parse(wkbs: list[bytes]):
    """Gives (shapely geometries, per polygon why GEOS cannot read it — a ring that does not close … —
    or None); an unreadable one is None among the geometries."""
    geoms = shapely.from_wkb(wkbs, on_invalid="ignore") if wkbs else np.array([], dtype=object)
    return geoms, [None if g is not None else _why_broken(w) for g, w in zip(geoms, wkbs, strict=True)]


def _why_broken(wkb: bytes) -> str:
    try:
        shapely.from_wkb(wkb)
    except shapely.errors.GEOSException as e:
        why = str(e).split(": ", 1)[-1]
        return f"its geometry cannot be read ({why}): fix it in the source and export again"
    return "its geometry cannot be read: fix it in the source and export again"


def reason_key(why: str) -> str:
    """Gives the dashboard's key (words.toml rj_<key>) of a reason `parse` or `swapped` gave."""
    return "swapped_xy" if why == SWAPPED else "unreadable_geometry"


def swapped(geoms) -> list[bool]:
    """Gives, per polygon (EPSG:4326), whether it is outside Iran but inside it with x and y exchanged."""
    if not len(geoms):
        return []
    return [swapped_into_iran(*b) for b in shapely.bounds(geoms).tolist()]


def refuse_if_all_swapped(path, swapped_rows: int, polygons: int) -> None:
    if polygons and swapped_rows == polygons:
        raise LoadError(
            f"{path}: the coordinates of all {polygons} polygon(s) are latitude, longitude (x and y "
            f"swapped): as written they lie outside Iran, swapped they lie in it. Nothing was loaded; "
            f"{SWAP_FIX}."
        )


def refuse_if_no_polygon(path, read: int, skipped: dict[str, int]) -> None:
    if read and sum(skipped.values()) == read:
        kinds = ", ".join(f"{v} {k}" for k, v in sorted(skipped.items()))
        raise LoadError(
            f"{path}: none of its {read} feature(s) is a polygon ({kinds}), so nothing in it is a "
            "boundary; nothing was loaded. Export the areas as Polygons or MultiPolygons (not their "
            "centre points, nor their outlines as lines: QGIS's Lines to polygons turns closed lines "
            "into areas)."
        )


def refuse_large_retirement(
    path, level: str, gone: list[dict], remaining: dict[str, int], allowed: bool
) -> None:
    """Refuses a --replace that retires every current row of a parent, or more than RETIRE_SHARE of
    them, unless --allow-retire-all confirms it; the message lists what would be retired."""
    if allowed or not gone:
        return
    per: dict[str, int] = {}
    for g in gone:
        per[g["parent"]] = per.get(g["parent"], 0) + 1
    too_many = {
        p: n
        for p, n in per.items()
        if remaining.get(p, 0) == 0 or n > RETIRE_SHARE * (n + remaining.get(p, 0))
    }
    if not too_many:
        return
    parents = ", ".join(
        f"{p}: {n} of {n + remaining.get(p, 0)}" + (" (all)" if not remaining.get(p, 0) else "")
        for p, n in sorted(too_many.items())
    )
    listed = "\n".join(f"  {level} {g['code']} «{g['name_fa']}»" for g in gone[:30])
    more = f"\n  … and {len(gone) - 30} more" if len(gone) > 30 else ""
    raise LoadError(
        f"{path}: --replace would retire {len(gone)} current {level}(s), more than "
        f"{RETIRE_SHARE:.0%} of their parent's ({parents}); nothing was loaded. Is this the whole file? "
        f"If it really replaces them, rerun with --allow-retire-all. Would be retired:\n{listed}{more}"
    )
