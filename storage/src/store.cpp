#include "rootzone/storage/store.hpp"

#include <sqlite3.h>

#include <string>
#include <system_error>

#include "rootzone/geo/crs.hpp"
#include "rootzone/storage/errors.hpp"
#include "rootzone/storage/migrations.hpp"
#include "store_check.hpp"

namespace rootzone::storage {

struct Store::Parts {
  Parts(Database database, int srid_, int schema_version_)
      : db(std::move(database)),
        srid(srid_),
        schema_version(schema_version_),
        trees(db, srid),
        works(db, srid),
        conflicts(db),
        users(db),
        rule_sets(db) {}

  Database db;
  int srid;
  int schema_version;
  TreeRepository trees;
  WorkRepository works;
  ConflictRepository conflicts;
  UserRepository users;
  RuleSetRepository rule_sets;
};

namespace {

// A store that failed half-way through creation is garbage: remove it with its WAL files.
void remove_store_files(const std::filesystem::path& path) {
  std::error_code ignored;
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::filesystem::remove(path.string() + suffix, ignored);
  }
}

int stored_srid(Database& db) {
  auto s = db.prepare("SELECT value FROM store_meta WHERE key = 'srid'");
  if (!s.step()) {
    throw SchemaError(db.path().string() + ": store_meta has no srid: the store is damaged");
  }
  const auto text = s.text(0);
  try {
    return std::stoi(text);
  } catch (const std::exception&) {
    throw SchemaError(db.path().string() + ": store_meta srid '" + text +
                      "' is not an EPSG code: the store is damaged");
  }
}

}  // namespace

void detail::require_rootzone_store(Database& db) {
  const std::string where = db.path().string();
  std::int64_t found = 0;
  try {
    auto s = db.prepare(
        "SELECT count(*) FROM sqlite_master"
        " WHERE type = 'table' AND name IN ('schema_migrations', 'store_meta')");
    s.step();
    found = s.int64(0);
  } catch (const StoreBusy&) {
    throw;  // a store locked by an import is still a store
  } catch (const StorageError&) {
    throw StorageError(where + " is not a rootzone store: " + sqlite3_errmsg(db.handle()));
  }
  if (found != 2) {
    throw StorageError(where +
                       " is not a rootzone store: it has no schema_migrations and store_meta "
                       "tables (create one with `rootzone init`)");
  }
}

Store Store::create(const std::filesystem::path& path, int srid) {
  return create(path, srid, latest_schema_version());
}

Store Store::create(const std::filesystem::path& path, int srid, int up_to_version) {
  // Before the file exists: a refused CRS leaves nothing behind.
  geo::require_metric_crs(srid);
  Database db(path, Database::OpenMode::create);
  try {
    db.execute("PRAGMA synchronous = FULL");  // as in Store::open
    // Without a transaction of its own, loading SpatiaLite's ~6000 spatial_ref_sys rows
    // takes seconds.
    auto init = db.prepare("SELECT InitSpatialMetadata(1)");
    if (!init.step() || init.int64(0) != 1) {
      throw SchemaError(path.string() + ": SpatiaLite's InitSpatialMetadata failed");
    }
    apply_migrations(db, srid, up_to_version);
    const int version = applied_schema_version(db);
    auto parts = std::make_unique<Parts>(std::move(db), srid, version);
    if (version >= 1) {
      const auto mainz = geo::RuleSet::mainz();
      parts->rule_sets.save(mainz);
      parts->rule_sets.set_active(mainz.name);
    }
    return Store(std::move(parts));
  } catch (...) {
    // The connection must be closed before its files are removed.
    { Database gone(std::move(db)); }
    remove_store_files(path);
    throw;
  }
}

Store Store::open(const std::filesystem::path& path) {
  Database db(path, Database::OpenMode::existing);
  detail::require_rootzone_store(db);
  const int version = applied_schema_version(db);
  const int latest = latest_schema_version();
  if (version > latest) {
    throw SchemaError(path.string() + ": store schema version " + std::to_string(version) +
                      " is newer than this rootzone supports (" + std::to_string(latest) +
                      "): upgrade rootzone");
  }
  const int srid = stored_srid(db);
  // A copy (VACUUM INTO, a backup tool) may have come back in rollback-journal mode.
  db.execute("PRAGMA journal_mode = WAL");
  // An acknowledged write must survive a power loss: FULL syncs the WAL at every commit (NORMAL
  // only at checkpoints, so the last commits could vanish). It is Debian's compiled-in default
  // too, but a SQLite built with another SQLITE_DEFAULT_WAL_SYNCHRONOUS must not weaken it.
  // Per connection, not kept in the file; set after the checks above, since it reads the file.
  db.execute("PRAGMA synchronous = FULL");
  apply_migrations(db, srid, latest);
  return Store(std::make_unique<Parts>(std::move(db), srid, latest));
}

Store::Store(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}
Store::~Store() = default;
Store::Store(Store&&) noexcept = default;
Store& Store::operator=(Store&&) noexcept = default;

int Store::srid() const { return parts_->srid; }
int Store::schema_version() const { return parts_->schema_version; }
const std::filesystem::path& Store::path() const { return parts_->db.path(); }
Database& Store::database() { return parts_->db; }
TreeRepository& Store::trees() { return parts_->trees; }
WorkRepository& Store::works() { return parts_->works; }
ConflictRepository& Store::conflicts() { return parts_->conflicts; }
UserRepository& Store::users() { return parts_->users; }
RuleSetRepository& Store::rule_sets() { return parts_->rule_sets; }

}  // namespace rootzone::storage
