#include "rootzone/storage/migrations.hpp"

#include <sqlite3.h>

#include <string>

#include "migration_text.hpp"
#include "rootzone/storage/database.hpp"
#include "rootzone/storage/errors.hpp"
#include "sqlite_error.hpp"

namespace rootzone::storage {

namespace {

std::string label(const Migration& m) { return detail::migration_label(m); }

// Runs the script statement by statement. SpatiaLite's management functions
// (AddGeometryColumn, CreateSpatialIndex ...) report failure by returning 0, not as an
// error, so a row whose first column is 0 or NULL fails the migration (sql/README.md).
void run_script(Database& db, const Migration& m, const std::string& sql) {
  sqlite3* handle = db.handle();
  const char* rest = sql.c_str();
  const char* const end = rest + sql.size();
  while (rest != end) {
    sqlite3_stmt* stmt = nullptr;
    const char* tail = nullptr;
    const int rc = sqlite3_prepare_v2(handle, rest, static_cast<int>(end - rest), &stmt, &tail);
    const std::string excerpt(detail::sql_excerpt(rest));
    if (rc != SQLITE_OK) {
      throw SchemaError("migration " + label(m) + ": \"" + excerpt +
                        "\": " + sqlite3_errmsg(handle));
    }
    rest = tail;
    if (stmt == nullptr) continue;  // only a comment or whitespace was left
    int step = SQLITE_ROW;
    while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
      if (sqlite3_column_type(stmt, 0) == SQLITE_NULL || sqlite3_column_int64(stmt, 0) == 0) {
        sqlite3_finalize(stmt);
        throw SchemaError("migration " + label(m) + ": \"" + excerpt +
                          "\" returned 0 (SpatiaLite refused it; its reason is on stderr)");
      }
    }
    const std::string error = step == SQLITE_DONE ? "" : sqlite3_errmsg(handle);
    sqlite3_finalize(stmt);
    if (step != SQLITE_DONE) {
      throw SchemaError("migration " + label(m) + ": \"" + excerpt + "\": " + error);
    }
  }
}

}  // namespace

namespace detail {

std::string migration_label(const Migration& m) {
  std::string number = std::to_string(m.version);
  return std::string(4 - std::min<std::size_t>(4, number.size()), '0') + number + "_" +
         std::string(m.name);
}

std::string with_srid(const Migration& m, int srid, const std::string& what) {
  constexpr std::string_view placeholder = "{{srid}}";
  std::string sql(m.sql);
  const std::string value = std::to_string(srid);
  for (auto at = sql.find(placeholder); at != std::string::npos;
       at = sql.find(placeholder, at + value.size())) {
    sql.replace(at, placeholder.size(), value);
  }
  if (const auto at = sql.find("{{"); at != std::string::npos) {
    throw SchemaError(what + ": unknown placeholder " +
                      sql.substr(at, sql.find("}}", at) - at + 2) + " (only {{srid}} exists)");
  }
  return sql;
}

}  // namespace detail

int latest_schema_version() {
  const auto all = embedded_migrations();
  return all.empty() ? 0 : all.back().version;
}

int applied_schema_version(Database& db) {
  auto exists = db.prepare(
      "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'");
  exists.step();
  if (exists.int64(0) == 0) return 0;
  auto max = db.prepare("SELECT coalesce(max(version), 0) FROM schema_migrations");
  max.step();
  return max.int32(0);
}

void apply_migrations(Database& db, int srid, int up_to) {
  db.execute(
      "CREATE TABLE IF NOT EXISTS schema_migrations ("
      " version INTEGER PRIMARY KEY,"
      " name TEXT NOT NULL,"
      " applied_at TEXT NOT NULL)");
  const int applied = applied_schema_version(db);
  for (const auto& m : embedded_migrations()) {
    if (m.version <= applied || m.version > up_to) continue;
    Transaction tx(db);
    run_script(db, m, detail::with_srid(m, srid, "migration " + label(m)));
    // Other connections re-read the schema when its version moves; a migration that edits
    // sqlite_schema itself (0005) does not move it. One more is harmless after any other.
    std::int64_t schema_version = 0;
    {
      auto v = db.prepare("PRAGMA schema_version");
      v.step();
      schema_version = v.int64(0);
    }
    db.execute("PRAGMA schema_version = " + std::to_string(schema_version + 1));
    db.prepare(
          "INSERT INTO schema_migrations (version, name, applied_at)"
          " VALUES (?, ?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))")
        .bind(1, m.version)
        .bind(2, m.name)
        .run();
    tx.commit();
  }
}

}  // namespace rootzone::storage
