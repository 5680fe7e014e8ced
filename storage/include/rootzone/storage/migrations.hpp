#pragma once
// The numbered schema migrations of storage/sql/, compiled into the binary, and the runner
// that brings a store up to date (sql/README.md explains the conventions).
#include <span>
#include <string_view>

namespace rootzone::storage {

class Database;

struct Migration {
  int version;            // NNNN of NNNN_name.sql: 1, 2, 3 ... without gaps
  std::string_view name;  // "initial"
  std::string_view sql;   // may contain the {{srid}} placeholder
};

// All migrations this build knows, ascending by version.
std::span<const Migration> embedded_migrations();
// The PostGIS migrations (sql/postgis/), as many as embedded_migrations(): a schema version
// means the same on both stores.
std::span<const Migration> embedded_postgis_migrations();
// The schema version a store has once every embedded migration is applied.
int latest_schema_version();

// The highest applied version recorded in schema_migrations, 0 when the table is missing.
int applied_schema_version(Database& db);

// Applies each migration with applied < version <= up_to, each in its own transaction, with
// {{srid}} replaced by `srid`, and records it in schema_migrations. Throws SchemaError naming
// the migration and SQLite's reason when one fails; earlier ones stay applied.
void apply_migrations(Database& db, int srid, int up_to);

}  // namespace rootzone::storage
