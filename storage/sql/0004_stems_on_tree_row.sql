-- A tree's stem circumferences also on its own row, as text in stem order ("120,60"), written
-- by the statement that writes the row. A page of trees or a map tile then reads each tree in
-- one row instead of one more B-tree search in tree_stems per tree (12 % of an items page,
-- bench/RESULTS.md). tree_stems stays the table SQL users join and filter on; the repository
-- writes both in one transaction, and nothing else writes either.
ALTER TABLE trees ADD COLUMN stems_cm TEXT NOT NULL DEFAULT '';
UPDATE trees SET stems_cm = coalesce(
  (SELECT group_concat(c, ',') FROM
     (SELECT circumference_cm AS c FROM tree_stems WHERE tree_id = trees.id ORDER BY stem_no)),
  '');
