#include "rootzone/storage/pg_store.hpp"

#include <string>
#include <string_view>

#include "migration_text.hpp"
#include "pg/connection.hpp"
#include "rootzone/geo/crs.hpp"
#include "rootzone/storage/errors.hpp"

namespace rootzone::storage {

struct PgStore::Parts {
  pg::Connection connection;
  int srid = 0;
  int schema_version = 0;
};

namespace {

int latest_version() {
  const auto all = embedded_postgis_migrations();
  return all.empty() ? 0 : all.back().version;
}

std::string label(const Migration& m) { return "PostGIS migration " + detail::migration_label(m); }

// Both tables of a rootzone store, in the schema the connection writes to (search_path).
int rootzone_tables(pg::Connection& c) {
  const auto r = c.exec(
      "SELECT (to_regclass('schema_migrations') IS NOT NULL)::int"
      " + (to_regclass('store_meta') IS NOT NULL)::int");
  return static_cast<int>(r.int64(0, 0));
}

int applied_version(pg::Connection& c) {
  if (c.exec("SELECT to_regclass('schema_migrations') IS NULL").text(0, 0) == "t") return 0;
  return static_cast<int>(
      c.exec("SELECT coalesce(max(version), 0) FROM schema_migrations").int64(0, 0));
}

// Each migration lacking, in the caller's transaction (PostgreSQL's DDL is transactional).
void apply(pg::Connection& c, int srid, int from) {
  c.exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations ("
      " version integer PRIMARY KEY,"
      " name text NOT NULL,"
      " applied_at text NOT NULL)");
  for (const auto& m : embedded_postgis_migrations()) {
    if (m.version <= from) continue;
    c.execute_script(detail::with_srid(m, srid, label(m)), label(m));
    c.exec(
        "INSERT INTO schema_migrations (version, name, applied_at)"
        " VALUES ($1, $2, to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'))",
        {std::to_string(m.version), std::string(m.name)});
  }
}

int stored_srid(pg::Connection& c) {
  const auto r = c.exec("SELECT value FROM store_meta WHERE key = 'srid'");
  if (r.rows() == 0) {
    throw SchemaError(c.location() + ": store_meta has no srid: the store is damaged");
  }
  const auto text = r.text(0, 0);
  try {
    return std::stoi(text);
  } catch (const std::exception&) {
    throw SchemaError(c.location() + ": store_meta srid '" + text +
                      "' is not an EPSG code: the store is damaged");
  }
}

}  // namespace

PgStore PgStore::create(const std::string& location, int srid) {
  // Before connecting: a refused CRS touches nothing, as on a file.
  geo::require_metric_crs(srid);
  pg::Connection c(location);
  pg::Transaction tx(c);
  // Two inits at once: the second waits here, then finds the first one's tables.
  c.exec("SELECT pg_advisory_xact_lock(hashtext('rootzone init'))");
  if (rootzone_tables(c) != 0) {
    throw StoreExists(c.location() + " already holds a rootzone store (schema version " +
                      std::to_string(applied_version(c)) + ")");
  }
  try {
    c.exec("CREATE EXTENSION IF NOT EXISTS postgis");
  } catch (const StorageError& e) {
    throw StorageError(std::string(e.what()) +
                       ": a superuser must run CREATE EXTENSION postgis in this database first");
  }
  if (c.exec("SELECT 1 FROM spatial_ref_sys WHERE srid = $1", {std::to_string(srid)}).rows() == 0) {
    throw SchemaError(c.location() + ": EPSG:" + std::to_string(srid) +
                      " is not in PostGIS's spatial_ref_sys");
  }
  apply(c, srid, 0);
  const auto mainz = geo::RuleSet::mainz();
  c.exec("INSERT INTO rule_sets (name, json, active) VALUES ($1, $2, true)",
         {mainz.name, mainz.to_json()});
  tx.commit();
  return PgStore(std::make_unique<Parts>(Parts{std::move(c), srid, latest_version()}));
}

PgStore PgStore::open(const std::string& location) {
  pg::Connection c(location);
  if (rootzone_tables(c) != 2) {
    throw StorageError(c.location() +
                       " is not a rootzone store: it has no schema_migrations and store_meta "
                       "tables (create one with `rootzone init`)");
  }
  pg::Transaction tx(c);
  c.exec("SELECT pg_advisory_xact_lock(hashtext('rootzone init'))");
  const int version = applied_version(c);
  const int latest = latest_version();
  if (version > latest) {
    throw SchemaError(c.location() + ": store schema version " + std::to_string(version) +
                      " is newer than this rootzone supports (" + std::to_string(latest) +
                      "): upgrade rootzone");
  }
  const int srid = stored_srid(c);
  apply(c, srid, version);
  tx.commit();
  return PgStore(std::make_unique<Parts>(Parts{std::move(c), srid, latest}));
}

PgStore::PgStore(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}
PgStore::~PgStore() = default;
PgStore::PgStore(PgStore&&) noexcept = default;
PgStore& PgStore::operator=(PgStore&&) noexcept = default;

int PgStore::srid() const { return parts_->srid; }
int PgStore::schema_version() const { return parts_->schema_version; }
const std::string& PgStore::location() const { return parts_->connection.location(); }

geo::RuleSet PgStore::active_rule_set() {
  const auto r = parts_->connection.exec("SELECT json FROM rule_sets WHERE active");
  if (r.rows() == 0) throw NotFound("no rule set is active");
  return geo::RuleSet::from_json(r.text(0, 0));
}

std::int64_t PgStore::tree_count() {
  return parts_->connection.exec("SELECT count(*) FROM trees").int64(0, 0);
}

std::int64_t PgStore::work_count() {
  return parts_->connection.exec("SELECT count(*) FROM works").int64(0, 0);
}

}  // namespace rootzone::storage
