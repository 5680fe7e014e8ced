-- The initial rootzone schema: trees, works, their conflicts, users and rule sets.
--
-- {{srid}} is replaced by the store's EPSG code before this script runs: the CRS is chosen
-- per store (`rootzone init --srid`), and SpatiaLite's AddGeometryColumn needs it literally.
-- SELECTs of SpatiaLite management functions must return 1; the migration runner fails the
-- migration when one returns 0 (SpatiaLite reports failure that way, not as an error).
--
-- Times are ISO-8601 UTC text ("2026-11-25T13:02:07Z"), dates "2026-11-25": both sort as text.
-- Enumerations are their geo::to_string names.

CREATE TABLE store_meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
INSERT INTO store_meta (key, value) VALUES ('srid', '{{srid}}');

-- Trees (docs/domain.md "Trees"). Never deleted: a felled tree keeps its row and its history
-- (tree_history and inspections reference it without ON DELETE CASCADE).
CREATE TABLE trees (
  id INTEGER PRIMARY KEY,
  source_id TEXT NOT NULL UNIQUE CHECK (source_id <> ''),
  site TEXT NOT NULL DEFAULT '',
  district TEXT NOT NULL DEFAULT '',
  species_botanical TEXT NOT NULL DEFAULT '',
  species_german TEXT NOT NULL DEFAULT '',
  genus TEXT NOT NULL DEFAULT '',
  crown_diameter_m REAL CHECK (crown_diameter_m > 0),  -- unknown is NULL, never 0
  height_m REAL CHECK (height_m > 0),
  planting_year INTEGER CHECK (planting_year BETWEEN 1000 AND 3000),
  vitality INTEGER CHECK (vitality BETWEEN 0 AND 3),  -- Roloff stages
  development_phase TEXT NOT NULL DEFAULT '',
  last_inspection TEXT,
  next_inspection TEXT,
  status TEXT NOT NULL CHECK (status IN ('existing', 'planned', 'felled')),
  felled_on TEXT CHECK (felled_on IS NULL OR status = 'felled'),
  columnar INTEGER CHECK (columnar IN (0, 1)),  -- NULL: recognised from the species name
  is_protected INTEGER NOT NULL CHECK (is_protected IN (0, 1)),
  protection_source TEXT NOT NULL CHECK (protection_source IN ('ordinance', 'manual')),
  protection_reason TEXT NOT NULL DEFAULT '',
  version INTEGER NOT NULL CHECK (version >= 1),
  updated_at TEXT NOT NULL
);
SELECT AddGeometryColumn('trees', 'location', {{srid}}, 'POINT', 'XY', 1);
SELECT CreateSpatialIndex('trees', 'location');

-- One row per stem of a multi-stem tree; circumference at the rule set's measuring height.
CREATE TABLE tree_stems (
  tree_id INTEGER NOT NULL REFERENCES trees (id) ON DELETE CASCADE,
  stem_no INTEGER NOT NULL CHECK (stem_no >= 1),
  circumference_cm REAL NOT NULL CHECK (circumference_cm > 0),
  PRIMARY KEY (tree_id, stem_no)
) WITHOUT ROWID;

-- Every changed field of a tree: evidence in liability cases, so append-only.
CREATE TABLE tree_history (
  id INTEGER PRIMARY KEY,
  tree_id INTEGER NOT NULL REFERENCES trees (id),
  at TEXT NOT NULL,
  user_name TEXT NOT NULL,  -- not `user`: a reserved word in PostgreSQL
  field TEXT NOT NULL,
  old_value TEXT,
  new_value TEXT
);
CREATE TRIGGER tree_history_no_update BEFORE UPDATE ON tree_history
BEGIN
  SELECT RAISE(ABORT, 'tree_history is append-only');
END;
CREATE TRIGGER tree_history_no_delete BEFORE DELETE ON tree_history
BEGIN
  SELECT RAISE(ABORT, 'tree_history is append-only');
END;

-- FLL inspections: tamper-evident, so append-only, with who and when.
CREATE TABLE inspections (
  id INTEGER PRIMARY KEY,
  tree_id INTEGER NOT NULL REFERENCES trees (id),
  inspected_on TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('regular', 'additional')),
  inspector TEXT NOT NULL,
  findings TEXT NOT NULL DEFAULT '',
  measures TEXT NOT NULL DEFAULT '',
  measures_deadline TEXT,
  next_inspection TEXT,
  recorded_at TEXT NOT NULL,
  recorded_by TEXT NOT NULL
);
CREATE TRIGGER inspections_no_update BEFORE UPDATE ON inspections
BEGIN
  SELECT RAISE(ABORT, 'inspections are append-only');
END;
CREATE TRIGGER inspections_no_delete BEFORE DELETE ON inspections
BEGIN
  SELECT RAISE(ABORT, 'inspections are append-only');
END;

-- Works (docs/domain.md "Works"). The geometry is kept as given: polygon, line (+ width_m) or
-- point (+ radius_m); geo/ buffers it when zones are checked.
CREATE TABLE works (
  id INTEGER PRIMARY KEY,
  reference TEXT NOT NULL UNIQUE CHECK (reference <> ''),
  title TEXT NOT NULL DEFAULT '',
  contractor TEXT NOT NULL DEFAULT '',
  contact TEXT NOT NULL DEFAULT '',
  kind TEXT NOT NULL CHECK (kind IN ('trench', 'pit', 'drilling', 'surface', 'site_facility',
                                     'storage', 'scaffolding', 'crane', 'traffic_management')),
  width_m REAL CHECK (width_m > 0),
  radius_m REAL CHECK (radius_m > 0),
  depth_m REAL CHECK (depth_m > 0),
  starts_at TEXT NOT NULL,
  ends_at TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'approved', 'refused',
                                         'changes_requested', 'in_progress', 'completed',
                                         'cancelled')),
  source TEXT NOT NULL DEFAULT '',
  version INTEGER NOT NULL CHECK (version >= 1),
  updated_at TEXT NOT NULL,
  CHECK (ends_at >= starts_at)
);
SELECT AddGeometryColumn('works', 'geometry', {{srid}}, 'GEOMETRY', 'XY', 1);
SELECT CreateSpatialIndex('works', 'geometry');

-- Every lifecycle transition of a work (UK Street Manager model); append-only.
CREATE TABLE work_status_history (
  id INTEGER PRIMARY KEY,
  work_id INTEGER NOT NULL REFERENCES works (id),
  from_status TEXT,  -- NULL for the first state
  to_status TEXT NOT NULL,
  at TEXT NOT NULL,
  user_name TEXT NOT NULL,
  comment TEXT NOT NULL DEFAULT '',
  conditions TEXT NOT NULL DEFAULT ''
);
CREATE TRIGGER work_status_history_no_update BEFORE UPDATE ON work_status_history
BEGIN
  SELECT RAISE(ABORT, 'work_status_history is append-only');
END;
CREATE TRIGGER work_status_history_no_delete BEFORE DELETE ON work_status_history
BEGIN
  SELECT RAISE(ABORT, 'work_status_history is append-only');
END;

-- Conflicts are recomputed by the conflict engine; an acknowledgement survives a recompute
-- while the same tree/work pair still conflicts (ConflictRepository).
CREATE TABLE tree_work_conflicts (
  id INTEGER PRIMARY KEY,
  tree_id INTEGER NOT NULL REFERENCES trees (id) ON DELETE CASCADE,
  work_id INTEGER NOT NULL REFERENCES works (id) ON DELETE CASCADE,
  severity TEXT NOT NULL CHECK (severity IN ('medium', 'high', 'critical')),
  rule TEXT NOT NULL,
  min_distance_m REAL NOT NULL CHECK (min_distance_m >= 0),
  overlap_m2 REAL NOT NULL CHECK (overlap_m2 >= 0),
  overlap_share REAL NOT NULL CHECK (overlap_share BETWEEN 0 AND 1),
  computed_at TEXT NOT NULL,
  acknowledged_by TEXT,
  acknowledged_at TEXT,
  acknowledgement_comment TEXT,
  UNIQUE (tree_id, work_id),
  CHECK ((acknowledged_by IS NULL) = (acknowledged_at IS NULL))
);

-- Stored once per pair, work_a < work_b.
CREATE TABLE work_work_conflicts (
  id INTEGER PRIMARY KEY,
  work_a INTEGER NOT NULL REFERENCES works (id) ON DELETE CASCADE,
  work_b INTEGER NOT NULL REFERENCES works (id) ON DELETE CASCADE,
  distance_m REAL NOT NULL CHECK (distance_m >= 0),
  overlap_start TEXT NOT NULL,
  overlap_end TEXT NOT NULL,
  computed_at TEXT NOT NULL,
  acknowledged_by TEXT,
  acknowledged_at TEXT,
  acknowledgement_comment TEXT,
  UNIQUE (work_a, work_b),
  CHECK (work_a < work_b),
  CHECK (overlap_end >= overlap_start),
  CHECK ((acknowledged_by IS NULL) = (acknowledged_at IS NULL))
);

-- The protection zones the conflict engine drew for each tree, and by which rule.
CREATE TABLE tree_zones (
  tree_id INTEGER PRIMARY KEY REFERENCES trees (id) ON DELETE CASCADE,
  rule_set TEXT NOT NULL,
  root_zone_rule TEXT NOT NULL,
  root_radius_m REAL NOT NULL CHECK (root_radius_m > 0),
  trench_radius_m REAL NOT NULL CHECK (trench_radius_m > 0),
  computed_at TEXT NOT NULL
);

CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE CHECK (name <> ''),
  role TEXT NOT NULL CHECK (role IN ('contractor', 'field_staff', 'planner', 'admin')),
  organisation TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1))
);

-- Only a hash of each key is kept; the prefix tells keys apart and finds the row to verify.
CREATE TABLE api_keys (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users (id),
  prefix TEXT NOT NULL UNIQUE CHECK (prefix <> ''),
  hash TEXT NOT NULL CHECK (hash <> ''),
  created_at TEXT NOT NULL,
  revoked_at TEXT
);

-- A city's rule configuration as geo::RuleSet JSON. At most one is active (the index);
-- RuleSetRepository keeps exactly one by switching inside a transaction, and the active
-- one cannot be deleted.
CREATE TABLE rule_sets (
  name TEXT PRIMARY KEY CHECK (name <> ''),
  json TEXT NOT NULL,
  active INTEGER NOT NULL DEFAULT 0 CHECK (active IN (0, 1))
);
CREATE UNIQUE INDEX rule_sets_one_active ON rule_sets (active) WHERE active = 1;
CREATE TRIGGER rule_sets_keep_active BEFORE DELETE ON rule_sets
WHEN old.active = 1
BEGIN
  SELECT RAISE(ABORT, 'the active rule set cannot be deleted: activate another first');
END;
