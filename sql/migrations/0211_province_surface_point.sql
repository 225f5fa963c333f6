-- A province's point on its surface kept with its boundary (issue 17): the national view placed each
-- province's label at ST_PointOnSurface(boundary) when it has no label point (none has, from OSM),
-- twice per province and request: 3-4 ms of the view's 31 rows, over the full boundaries. A stored
-- generated column is computed when the boundary is written and never again; the same point.
ALTER TABLE provinces
  ADD COLUMN boundary_point geometry(Point, 4326) GENERATED ALWAYS AS (ST_PointOnSurface(boundary)) STORED;
