#pragma once
// A PostGIS store's backup: PostgreSQL's own pg_dump and pg_restore, run as child processes
// (docs/postgis.md, "Backups on PostGIS").
#include <filesystem>
#include <string>

namespace rootzone::storage::pg {

// Writes the database at `location` (a libpq URI) to `file` in pg_dump's custom format: one
// snapshot of the database (pg_dump reads in one REPEATABLE READ transaction, so writers go
// on), every table, the schema and the data. StorageError with the tool's own words when it
// fails or cannot be started.
void dump(const std::string& location, const std::filesystem::path& file);

// Reads a dump's table of contents back (pg_restore --list) and returns how many entries it
// has: a file pg_restore cannot read throws StorageError.
int check_dump(const std::filesystem::path& file);

}  // namespace rootzone::storage::pg
