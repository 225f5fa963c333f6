"""Iran's extent, and how a point or box written latitude-first is recognised, for every loader."""

from __future__ import annotations

# Iran and a margin (lon 43–64.5, lat 24.5–40.5): lon/lat outside it are not plausible in a file of
# Iranian places. Iran itself spans lon 44–63.3, lat 25–39.8.
IRAN_BBOX = (43.0, 24.5, 64.5, 40.5)
EXTENT = "lat 25–40, lon 44–63"


def inside(x0: float, y0: float, x1: float | None = None, y1: float | None = None) -> bool:
    """Gives True when the point (x0, y0), or the box (x0, y0, x1, y1), lies in Iran's box."""
    x1, y1 = x0 if x1 is None else x1, y0 if y1 is None else y1
    lon0, lat0, lon1, lat1 = IRAN_BBOX
    return lon0 <= x0 and x1 <= lon1 and lat0 <= y0 and y1 <= lat1


def swapped_into_iran(x0: float, y0: float, x1: float | None = None, y1: float | None = None) -> bool:
    """Gives True when a point or box is outside Iran but inside it with x and y exchanged."""
    x1, y1 = x0 if x1 is None else x1, y0 if y1 is None else y1
    return not inside(x0, y0, x1, y1) and inside(y0, x0, y1, x1)
