-- tree_stems as a view over the stems every tree's row holds since 0004 ("120,60", shortest
-- round-trip text, so each reads back as the same double). Nothing in rootzone reads the table
-- on PostGIS, but every write of a tree rewrote it, and the import of a city wrote it row by row
-- and keyed it: 2.6 s of an 11.4 s import of 1M trees (bench/RESULTS.md, issue 16). SQL users
-- (QGIS, reports) keep the same relation with the same rows. A view cannot be written to: only
-- rootzone's own writers ever wrote the table. docs/postgis.md, "Import and users on PostGIS".
DROP TABLE tree_stems;
CREATE VIEW tree_stems AS
  SELECT t.id AS tree_id, s.n::integer AS stem_no, s.c::double precision AS circumference_cm
  FROM trees t, unnest(string_to_array(t.stems_cm, ',')) WITH ORDINALITY AS s (c, n)
  WHERE t.stems_cm <> '';
