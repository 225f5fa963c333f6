-- name: data_sources
-- What the database holds, for the visible data notice and attributions: synthetic demo rows
-- (a `source` starting with «demo-»), GeoNames cities, OpenStreetMap boundaries (the iran-osm files).
SELECT EXISTS (SELECT 1 FROM neighborhoods WHERE starts_with(source, 'demo-'))
       OR EXISTS (SELECT 1 FROM offices WHERE starts_with(source, 'demo-')) AS demo,
       EXISTS (SELECT 1 FROM cities WHERE starts_with(source, 'geonames-')) AS geonames,
       EXISTS (SELECT 1 FROM provinces WHERE boundary_source = 'provinces.geojson')
       OR EXISTS (SELECT 1 FROM cities WHERE starts_with(source, 'osm-')) AS osm;
