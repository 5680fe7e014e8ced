-- A CHECK (x IN (a, b, c)) of three or more values makes SQLite build an ephemeral index for
-- every row it checks (EXPLAIN INSERT shows OpenEphemeral): a fifth of the instructions of a
-- bulk tree import. The same constraints as OR chains cost a few comparisons; two-value lists
-- SQLite rewrites that way itself.
--
-- SQLite cannot ALTER a CHECK constraint. For a change that leaves every stored row valid
-- (these are the same constraints), its documentation allows editing the table's SQL in
-- sqlite_schema under writable_schema ("Making Other Kinds Of Table Schema Changes",
-- https://www.sqlite.org/lang_altertable.html); the runner bumps the schema version after
-- every migration, so other connections read the new text. Each edit is checked by a SELECT
-- that returns 0, failing the migration, when its text was not found.
PRAGMA writable_schema = ON;

UPDATE sqlite_schema SET sql = replace(sql,
  'CHECK (status IN (''existing'', ''planned'', ''felled''))',
  'CHECK (status = ''existing'' OR status = ''planned'' OR status = ''felled'')')
WHERE type = 'table' AND name = 'trees';
SELECT instr(sql, 'status = ''existing'' OR') > 0 FROM sqlite_schema
WHERE type = 'table' AND name = 'trees';

UPDATE sqlite_schema SET sql = replace(sql,
  'CHECK (kind IN (''trench'', ''pit'', ''drilling'', ''surface'', ''site_facility'',
                                     ''storage'', ''scaffolding'', ''crane'', ''traffic_management''))',
  'CHECK (kind = ''trench'' OR kind = ''pit'' OR kind = ''drilling'' OR kind = ''surface''
                     OR kind = ''site_facility'' OR kind = ''storage'' OR kind = ''scaffolding''
                     OR kind = ''crane'' OR kind = ''traffic_management'')')
WHERE type = 'table' AND name = 'works';
SELECT instr(sql, 'kind = ''trench'' OR') > 0 FROM sqlite_schema
WHERE type = 'table' AND name = 'works';

UPDATE sqlite_schema SET sql = replace(sql,
  'CHECK (status IN (''draft'', ''submitted'', ''approved'', ''refused'',
                                         ''changes_requested'', ''in_progress'', ''completed'',
                                         ''cancelled''))',
  'CHECK (status = ''draft'' OR status = ''submitted'' OR status = ''approved''
                       OR status = ''refused'' OR status = ''changes_requested''
                       OR status = ''in_progress'' OR status = ''completed''
                       OR status = ''cancelled'')')
WHERE type = 'table' AND name = 'works';
SELECT instr(sql, 'status = ''draft'' OR') > 0 FROM sqlite_schema
WHERE type = 'table' AND name = 'works';

UPDATE sqlite_schema SET sql = replace(sql,
  'CHECK (severity IN (''medium'', ''high'', ''critical''))',
  'CHECK (severity = ''medium'' OR severity = ''high'' OR severity = ''critical'')')
WHERE type = 'table' AND name = 'tree_work_conflicts';
SELECT instr(sql, 'severity = ''medium'' OR') > 0 FROM sqlite_schema
WHERE type = 'table' AND name = 'tree_work_conflicts';

UPDATE sqlite_schema SET sql = replace(sql,
  'CHECK (role IN (''contractor'', ''field_staff'', ''planner'', ''admin''))',
  'CHECK (role = ''contractor'' OR role = ''field_staff'' OR role = ''planner''
                        OR role = ''admin'')')
WHERE type = 'table' AND name = 'users';
SELECT instr(sql, 'role = ''contractor'' OR') > 0 FROM sqlite_schema
WHERE type = 'table' AND name = 'users';

-- Off again, and this connection re-reads the schema now.
PRAGMA writable_schema = RESET;
