-- Parent boundaries cut into pieces of at most 256 vertices, for the boundary loader's "which parent
-- holds the largest share of this feature" test: intersecting a feature with a few small pieces is
-- far cheaper than with a whole province. A cache: rows are keyed by the md5 of the boundary they were
-- cut from, and the loader refreshes them (in its own transaction) whenever that no longer matches,
-- so a boundary changed by any means is never matched against stale pieces.
CREATE TABLE boundary_pieces (
    id            bigserial PRIMARY KEY,
    level         text NOT NULL CHECK (level IN ('province', 'city')),
    code          text NOT NULL,
    boundary_md5  text NOT NULL,
    geom          geometry(Geometry, 4326) NOT NULL
);
CREATE INDEX boundary_pieces_code ON boundary_pieces (level, code, boundary_md5);
CREATE INDEX boundary_pieces_geom_gist ON boundary_pieces USING gist (geom);

-- Matching a file's feature without a code to what is stored: by parent and normalised name.
CREATE INDEX cities_province_name_key ON cities (province_code, name_key);
CREATE INDEX neighborhoods_city_name_key ON neighborhoods (city_code, name_key);
