-- The zones a conflict check drew, complete enough to be loaded back instead of recomputed
-- from a million trees: the stem location and the rule's input value. root_zone_rule now
-- holds the rule's code (geo::to_string(RootZoneBasis)); geo::describe_root_rule gives the
-- text. A zone row without x is from before this migration: the next check rewrites all.
ALTER TABLE tree_zones ADD COLUMN x REAL;
ALTER TABLE tree_zones ADD COLUMN y REAL;
ALTER TABLE tree_zones ADD COLUMN basis_value_m REAL;
-- count(*) and sum(version) over this small index tell whether any tree changed since the
-- zones were drawn, without reading the trees' rows.
CREATE INDEX trees_version ON trees (version);
