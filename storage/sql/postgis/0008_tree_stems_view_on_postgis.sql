-- tree_stems as a view over the stems every tree's row holds since 0004 ("120,60", shortest
-- round-trip text, so each reads back as the same double). Nothing in rootzone reads the table
-- on PostGIS, but every write of a tree rewrote it, and the import of a city wrote it row by row
-- and keyed it: 2.6 s of an 11.4 s import of 1M trees (bench/RESULTS.md, issue 16). SQL users
-- (QGIS, reports) keep the same relation with the same rows. A view cannot be written to: only
-- rootzone's own writers ever wrote the table. docs/postgis.md, "Import and users on PostGIS".
--
-- rootzone wrote both in one statement's transaction, so they agree; rows someone changed in
-- tree_stems by hand would be lost with the table, so the migration refuses to run then, and
-- says how to find them (the whole upgrade rolls back: PgStore::open runs it in one transaction).
DO $$
DECLARE
  differing bigint;
BEGIN
  SELECT count(*) INTO differing
  FROM trees t
  LEFT JOIN (SELECT tree_id, array_agg(circumference_cm ORDER BY stem_no) AS stems
             FROM tree_stems GROUP BY tree_id) s ON s.tree_id = t.id
  WHERE coalesce(s.stems, '{}') IS DISTINCT FROM
        CASE WHEN t.stems_cm = '' THEN '{}'::float8[]
             ELSE string_to_array(t.stems_cm, ',')::float8[] END;
  IF differing > 0 THEN
    RAISE EXCEPTION 'migration 8 makes tree_stems a view of trees.stems_cm, but % trees have other stems in tree_stems than on their row (changed outside rootzone?): make them agree, or delete the tree_stems rows of those trees, then open the store again', differing;
  END IF;
END $$;

DROP TABLE tree_stems;
CREATE VIEW tree_stems AS
  SELECT t.id AS tree_id, s.n::integer AS stem_no, s.c::double precision AS circumference_cm
  FROM trees t, unnest(string_to_array(t.stems_cm, ',')) WITH ORDINALITY AS s (c, n)
  WHERE t.stems_cm <> '';
