-- The peer of `rootzone check` on PostGIS (issue 16): bench/sql_join.sql written for PostGIS.
-- What a GIS analyst writes against the same store: ST_DWithin on the GiST index of
-- trees.location, with a search distance that reaches every zone (the largest stored radius
-- plus the radius of a point work), then the distance rules against the radii `rootzone check`
-- stored in tree_zones. The same rules as bench/sql_join.sql (see there): only protected,
-- existing trees and open works; a line with a width buffered by width/2 with flat caps and
-- round joins, 8 segments per quadrant; a point with a radius as the exact disc; "inside R" is
-- distance < R; critical for an excavation inside R_t, high inside R_r, else medium. Not
-- computed: the 20 % share rule.
--
--   psql --csv "$URL" -f bench/sql_join_pg.sql > pairs.csv
WITH open_works AS MATERIALIZED (
  SELECT id,
         kind IN ('trench', 'pit', 'drilling') AS excavation,
         CASE WHEN width_m IS NOT NULL
                   AND GeometryType(geometry) IN ('LINESTRING', 'MULTILINESTRING')
              THEN ST_Buffer(geometry, width_m / 2.0, 'endcap=flat join=round quad_segs=8')
              ELSE geometry END AS g,
         CASE WHEN radius_m IS NOT NULL AND GeometryType(geometry) = 'POINT'
              THEN radius_m ELSE 0 END AS r
  FROM works
  WHERE status IN ('draft', 'submitted', 'approved', 'changes_requested', 'in_progress')
),
reach AS MATERIALIZED (
  SELECT max(greatest(root_radius_m, trench_radius_m)) AS m FROM tree_zones
)
SELECT t.id AS tree_id, w.id AS work_id,
       CASE
         WHEN w.excavation AND greatest(0, ST_Distance(t.location, w.g) - w.r) < z.trench_radius_m
           THEN 'critical'
         WHEN w.excavation AND greatest(0, ST_Distance(t.location, w.g) - w.r) < z.root_radius_m
           THEN 'high'
         ELSE 'medium'
       END AS severity
FROM open_works AS w
CROSS JOIN reach
JOIN trees AS t ON ST_DWithin(t.location, w.g, w.r + reach.m)
JOIN tree_zones AS z ON z.tree_id = t.id
WHERE t.status = 'existing' AND t.is_protected
  AND greatest(0, ST_Distance(t.location, w.g) - w.r) <
      CASE WHEN w.excavation THEN greatest(z.trench_radius_m, z.root_radius_m)
           ELSE z.root_radius_m END
ORDER BY w.id, t.id;
