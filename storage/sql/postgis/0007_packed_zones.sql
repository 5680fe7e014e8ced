-- storage/sql/0007: tree_zones packed into one value for the conflict engine.
CREATE TABLE tree_zones_packed (
  id bigint PRIMARY KEY CHECK (id = 1),
  marker text NOT NULL,
  zones bytea NOT NULL
);
-- Stored as it is: compressing 25 MB of doubles costs more than it saves.
ALTER TABLE tree_zones_packed ALTER COLUMN zones SET STORAGE EXTERNAL;
