-- Indexes for the lookups the API and the conflict engine make on every request: a work's
-- conflicts, a contractor's works, open works by status, and a record's history.
-- (tree_work_conflicts (tree_id, ...) and work_work_conflicts (work_a, ...) are already
-- covered by their UNIQUE constraints.)
CREATE INDEX works_status ON works (status);
CREATE INDEX works_contractor ON works (contractor);
CREATE INDEX tree_work_conflicts_work ON tree_work_conflicts (work_id);
CREATE INDEX work_work_conflicts_work_b ON work_work_conflicts (work_b);
CREATE INDEX tree_history_tree ON tree_history (tree_id, id);
CREATE INDEX inspections_tree ON inspections (tree_id, inspected_on);
CREATE INDEX work_status_history_work ON work_status_history (work_id, id);
CREATE INDEX api_keys_user ON api_keys (user_id);
