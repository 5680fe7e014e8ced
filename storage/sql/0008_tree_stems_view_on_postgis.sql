-- On PostGIS tree_stems became a view over trees.stems_cm (storage/sql/postgis/0008). SQLite
-- keeps its table: its conflict inputs read the stems from it. The migration exists so that
-- both stores count the same schema versions.
SELECT 1;
