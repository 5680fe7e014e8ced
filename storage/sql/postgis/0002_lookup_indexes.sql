-- storage/sql/0002_lookup_indexes.sql, unchanged.
CREATE INDEX works_status ON works (status);
CREATE INDEX works_contractor ON works (contractor);
CREATE INDEX tree_work_conflicts_work ON tree_work_conflicts (work_id);
CREATE INDEX work_work_conflicts_work_b ON work_work_conflicts (work_b);
CREATE INDEX tree_history_tree ON tree_history (tree_id, id);
CREATE INDEX inspections_tree ON inspections (tree_id, inspected_on);
CREATE INDEX work_status_history_work ON work_status_history (work_id, id);
CREATE INDEX api_keys_user ON api_keys (user_id);
