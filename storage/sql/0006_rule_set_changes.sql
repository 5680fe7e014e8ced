-- Changing the active rule set recomputes every tree's protection (`rootzone rules use`). A tree
-- that becomes protected or unprotected gets one tree_history row naming the rule set and the
-- ordinance that decided it: the row is evidence, and the rule set's JSON may be replaced later.
-- NULL for every other change.
ALTER TABLE tree_history ADD COLUMN rule_set TEXT;
ALTER TABLE tree_history ADD COLUMN rule_set_citation TEXT;

-- One row per switch of the active rule set, append-only like the other history tables: a tree
-- whose protection stays but whose reason text follows the new ordinance ("... at 1.3 m") gets
-- no row of its own, and this row says when and by whom that happened.
CREATE TABLE rule_set_changes (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  user_name TEXT NOT NULL,
  from_name TEXT NOT NULL,
  to_name TEXT NOT NULL,
  to_json TEXT NOT NULL,
  became_protected INTEGER NOT NULL CHECK (became_protected >= 0),
  became_unprotected INTEGER NOT NULL CHECK (became_unprotected >= 0)
);
CREATE TRIGGER rule_set_changes_no_update BEFORE UPDATE ON rule_set_changes
BEGIN
  SELECT RAISE(ABORT, 'rule_set_changes is append-only');
END;
CREATE TRIGGER rule_set_changes_no_delete BEFORE DELETE ON rule_set_changes
BEGIN
  SELECT RAISE(ABORT, 'rule_set_changes is append-only');
END;
