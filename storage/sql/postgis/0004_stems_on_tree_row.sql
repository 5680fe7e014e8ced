-- storage/sql/0004_stems_on_tree_row.sql: a tree's stems also on its row ("120,60").
ALTER TABLE trees ADD COLUMN stems_cm text NOT NULL DEFAULT '';
UPDATE trees SET stems_cm = coalesce(
  (SELECT string_agg(circumference_cm::text, ',' ORDER BY stem_no)
     FROM tree_stems WHERE tree_id = trees.id),
  '');
