-- storage/sql/0005 rewrote SQLite's IN-list CHECKs as OR chains, because SQLite built an
-- ephemeral index per checked row for them. PostgreSQL evaluates IN lists directly, so there
-- is nothing to change here: the migration exists so that both stores count the same schema
-- versions.
SELECT 1;
