"""Each feature's parent by overlap, found in Python while the file is still being read.

A parent is the one that holds the largest share of the feature's area (etl/boundary_match.py does the
same in SQL for what is left over). Here it runs on a worker thread as batches are staged: shapely's
vectorised calls release the GIL, so on two cores it costs the load almost nothing, where the same
overlay in the database ran after staging, alone (10 s of a 26 s load of all counties ×20), and
shapely's GEOS (3.14, prepared RelateNG) answers "do the interiors meet" far faster than PostGIS 3.3's.

Most features meet one parent, or touch their neighbours only along a shared border: one whose
representative point lies in parent A and whose interior meets no other parent's interior has all
its area (its share > 0) in A, so A is largest without measuring an area. Only features whose
interiors truly straddle parents are intersected with their pieces and measured. What is not
decided here (invalid polygons, which the database repairs first; a feature that touches parents
only at their edges; a batch GEOS refused) is left to the SQL, so every answer is the same.
"""

from __future__ import annotations

import numpy as np
import shapely

from etl.behind import Behind


class ParentFinder:
    """Finds parents for batches of (row number, WKB in EPSG:4326) on one worker thread."""

    def __init__(self, parents: list[tuple[str, bytes]], pieces: list[tuple[str, bytes]]) -> None:
        self.codes = sorted({c for c, _ in parents})
        index = {c: i for i, c in enumerate(self.codes)}
        whole = {c: g for c, g in parents}
        self.whole = shapely.from_wkb([whole[c] for c in self.codes])
        shapely.prepare(self.whole)
        self.pieces = shapely.from_wkb([g for _, g in pieces])
        self.piece_parent = np.array([index[c] for c, _ in pieces], dtype=np.int64)
        self.tree = shapely.STRtree(self.pieces)
        self.behind = Behind("parents")

    def submit(self, row_nos: list[int], wkbs: list[bytes]) -> None:
        if row_nos:
            self.behind.submit(self._batch, np.asarray(row_nos), list(wkbs))

    def results(self) -> dict[int, str]:
        """Waits for every batch; gives {row number: parent code} for the features decided here."""
        return {k: v for found in self.behind.results() for k, v in found.items()}

    def close(self) -> None:
        self.behind.close()

    def _batch(self, row_nos: np.ndarray, wkbs: list[bytes]) -> dict[int, str]:
        # Invalid polygons are answered too and the answer dropped (the database repairs them first and
        # finds their parents from what it stored), unless GEOS refuses one: then the batch is
        # answered again without its invalid polygons. Checking validity up front would cost this
        # thread an eighth of its time for the rare file that has any.
        geoms = shapely.from_wkb(wkbs)
        keep = np.arange(len(geoms))
        try:
            chosen = self._choose(geoms)
        except shapely.errors.GEOSException:
            keep = np.nonzero(shapely.is_valid(geoms))[0]
            try:
                chosen = self._choose(geoms[keep])
            except shapely.errors.GEOSException:
                return {}  # the SQL decides this batch
        return {int(row_nos[keep[i]]): self.codes[p] for i, p in enumerate(chosen) if p >= 0}

    def _choose(self, geoms: np.ndarray) -> np.ndarray:
        """Gives each geometry's parent index, or -1 where the SQL is to decide."""
        out = np.full(len(geoms), -1, dtype=np.int64)
        if not len(geoms):
            return out
        # Boxes from the tree, then the exact test with each feature prepared once for all its pieces.
        gi, pi = self.tree.query(geoms)
        shapely.prepare(geoms)
        hit = shapely.intersects(geoms[gi], self.pieces[pi])
        gi, pi = gi[hit], pi[hit]
        pairs = np.unique(np.stack([gi, self.piece_parent[pi]]), axis=1)  # (geometry, parent), sorted
        g, p = pairs[0], pairs[1]
        count = np.bincount(g, minlength=len(geoms))
        one = count[g] == 1
        out[g[one]] = p[one]
        g, p = g[~one], p[~one]
        if not len(g):
            return out
        # The parent holding each straddling feature's representative point has a share > 0.
        multi = np.unique(g)
        points = shapely.point_on_surface(geoms[multi])
        pt, pp = self.tree.query(points, predicate="intersects")
        holder = np.full(len(geoms), -1, dtype=np.int64)
        held = np.unique(np.stack([multi[pt], self.piece_parent[pp]]), axis=1)
        once = np.bincount(held[0], minlength=len(geoms))[held[0]] == 1  # a point on a border: neither
        holder[held[0][once]] = held[1][once]
        # Which other parents does its interior meet (not just touch along a shared border)?
        other = p != holder[g]
        meets = np.zeros(len(g), dtype=bool)
        meets[~other] = True
        meets[other] = shapely.relate_pattern(self.whole[p[other]], geoms[g[other]], "T********")
        g, p = g[meets], p[meets]
        count = np.bincount(g, minlength=len(geoms))
        one = count[g] == 1
        out[g[one]] = p[one]
        g, p = g[~one], p[~one]
        if len(g):
            self._largest_share(geoms, g, p, out)
        return out

    def _largest_share(self, geoms: np.ndarray, g: np.ndarray, p: np.ndarray, out: np.ndarray) -> None:
        """Sets out[geometry] to the parent of (g, p) with the largest area share (ties: first code)."""
        want = set(zip(g.tolist(), p.tolist(), strict=True))
        gi, pi = self.tree.query(geoms[np.unique(g)], predicate="intersects")
        gi = np.unique(g)[gi]
        mine = np.array([(a, b) in want for a, b in zip(gi, self.piece_parent[pi], strict=True)], dtype=bool)
        gi, pi = gi[mine], pi[mine]
        areas = shapely.area(shapely.intersection(geoms[gi], self.pieces[pi]))
        share: dict[tuple[int, int], float] = {}
        for a, b, s in zip(gi.tolist(), self.piece_parent[pi].tolist(), areas.tolist(), strict=True):
            share[(a, b)] = share.get((a, b), 0.0) + s
        best: dict[int, tuple[float, int]] = {}
        for (a, b), s in share.items():
            if a not in best or s > best[a][0] or (s == best[a][0] and b < best[a][1]):
                best[a] = (s, b)
        for a, (_, b) in best.items():
            out[a] = b
