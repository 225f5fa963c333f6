-- Boundaries simplified once, when they are stored, at the tolerance each level is drawn with
-- (dashboard/queries.py TOLERANCE), instead of on every request after any write: simplifying the 31
-- real province outlines took most of a cold national view (issue 17). Stored generated columns, so
-- that every way of writing a boundary (ETL, by hand) keeps them current; the named queries use
-- them when asked for that tolerance and simplify as before for any other.
ALTER TABLE provinces ADD COLUMN boundary_drawn geometry
  GENERATED ALWAYS AS (ST_SimplifyPreserveTopology(boundary, 0.01)) STORED;
ALTER TABLE cities ADD COLUMN boundary_drawn geometry
  GENERATED ALWAYS AS (ST_SimplifyPreserveTopology(boundary, 0.002)) STORED;
ALTER TABLE neighborhoods ADD COLUMN boundary_drawn geometry
  GENERATED ALWAYS AS (ST_SimplifyPreserveTopology(boundary, 0.00005)) STORED;
ALTER TABLE provinces ALTER COLUMN boundary_drawn SET COMPRESSION lz4;
ALTER TABLE cities ALTER COLUMN boundary_drawn SET COMPRESSION lz4;
ALTER TABLE neighborhoods ALTER COLUMN boundary_drawn SET COMPRESSION lz4;
