-- The peer of the conflict benchmark (issue 4): what a GIS analyst writes today against the
-- same store. A SpatiaLite SQL join through the SpatialIndex virtual table, ST_Distance
-- against the radii that `rootzone check` stored in tree_zones; distance rules only.
--
--   sqlite3 -batch STORE < bench/sql_join.sql > peer.out
--
-- Output: the "Run Time:" line of the join (sqlite3's .timer) and the conflicting
-- (tree_id, work_id, severity) triples as CSV, ordered by work and tree.
--
-- It computes what the engine computes (docs/domain.md), nothing less:
--  - only protected, existing trees (tree_zones holds exactly those) and open works;
--  - a work given as line + width is buffered by width/2 with flat caps and round joins,
--    8 segments per quadrant: the same GEOS buffer the engine builds (geo/src/work_shape.cpp);
--  - a point with a radius is the exact disc: distance to the centre minus the radius (the
--    engine keeps such a disc exact too; ST_Buffer would give a 32-gon that is up to 0.5 % of
--    the radius short of the circle, which would move pairs at the boundary);
--  - "reaches inside R" is distance < R (strict), as in geo::classify_tree_work;
--  - severity: critical for an excavation (trench, pit, drilling) inside R_t; high for an
--    excavation inside R_r; medium for any other work inside R_r.
-- Not computed: the 20 % root-zone share rule (it needs the area of the work inside the
-- disc); the engine may raise medium to high by it, bench/engine_bench.cpp checks that this
-- is the only difference.
--
-- The search frame is the work's bounding box grown by the radius of a point work and by the
-- largest reach of any stored zone (one number, computed once), so no tree that can conflict
-- is missed by the index.
.load mod_spatialite
.output /dev/null
SELECT BufferOptions_SetEndCapStyle('FLAT'), BufferOptions_SetJoinStyle('ROUND'),
       BufferOptions_SetQuadrantSegments(8);
.output stdout
.headers on
.mode csv
.timer on
WITH open_works AS MATERIALIZED (
  SELECT id,
         kind IN ('trench', 'pit', 'drilling') AS excavation,
         CASE WHEN width_m IS NOT NULL AND GeometryType(geometry) IN ('LINESTRING', 'MULTILINESTRING')
              THEN ST_Buffer(geometry, width_m / 2.0)
              ELSE geometry END AS g,
         CASE WHEN radius_m IS NOT NULL AND GeometryType(geometry) = 'POINT'
              THEN radius_m ELSE 0 END AS r
  FROM works
  WHERE status IN ('draft', 'submitted', 'approved', 'changes_requested', 'in_progress')
),
reach AS MATERIALIZED (
  SELECT MAX(MAX(root_radius_m, trench_radius_m)) AS m FROM tree_zones
)
SELECT t.id AS tree_id, w.id AS work_id,
       CASE
         WHEN w.excavation AND MAX(0, ST_Distance(t.location, w.g) - w.r) < z.trench_radius_m
           THEN 'critical'
         WHEN w.excavation AND MAX(0, ST_Distance(t.location, w.g) - w.r) < z.root_radius_m
           THEN 'high'
         ELSE 'medium'
       END AS severity
FROM open_works AS w
CROSS JOIN reach
JOIN trees AS t ON t.ROWID IN (
  SELECT ROWID FROM SpatialIndex
  WHERE f_table_name = 'trees' AND f_geometry_column = 'location'
    AND search_frame = BuildMbr(MbrMinX(w.g) - w.r - reach.m, MbrMinY(w.g) - w.r - reach.m,
                                MbrMaxX(w.g) + w.r + reach.m, MbrMaxY(w.g) + w.r + reach.m))
JOIN tree_zones AS z ON z.tree_id = t.id
WHERE t.status = 'existing' AND t.is_protected = 1
  AND MAX(0, ST_Distance(t.location, w.g) - w.r) <
      CASE WHEN w.excavation THEN MAX(z.trench_radius_m, z.root_radius_m)
           ELSE z.root_radius_m END
ORDER BY w.id, t.id;
.timer off
