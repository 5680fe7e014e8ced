-- storage/sql/0003_zone_cache.sql: the zones a check drew, loadable instead of recomputed.
ALTER TABLE tree_zones ADD COLUMN x double precision;
ALTER TABLE tree_zones ADD COLUMN y double precision;
ALTER TABLE tree_zones ADD COLUMN basis_value_m double precision;
CREATE INDEX trees_version ON trees (version);
