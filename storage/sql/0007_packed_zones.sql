-- The zones of tree_zones packed into one value for the conflict engine (storage/src/
-- packed_zones.hpp): a check that finds the zones current reads it instead of every row.
-- Valid, as tree_zones' rows, while its marker equals store_meta's zones_marker; one row.
CREATE TABLE tree_zones_packed (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  marker TEXT NOT NULL,
  zones BLOB NOT NULL
);
