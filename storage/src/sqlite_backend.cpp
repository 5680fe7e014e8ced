#include "sqlite_backend.hpp"

#include <sqlite3.h>

#include <string>
#include <system_error>

#include "rootzone/geo/crs.hpp"
#include "rootzone/storage/conflict_inputs.hpp"
#include "rootzone/storage/data_generation.hpp"
#include "rootzone/storage/errors.hpp"
#include "rootzone/storage/migrations.hpp"
#include "sqlite_queries.hpp"
#include "store_check.hpp"

namespace rootzone::storage {

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

class SqliteTransaction final : public BackendTransaction {
 public:
  explicit SqliteTransaction(Database& db) : tx_(db) {}
  void commit() override { tx_.commit(); }

 private:
  Transaction tx_;
};

class SqliteSnapshot final : public BackendSnapshot {
 public:
  explicit SqliteSnapshot(Database& db) : snapshot_(db) {}

 private:
  ReadSnapshot snapshot_;
};

class SqliteBulkLoad final : public BulkLoadMode {
 public:
  explicit SqliteBulkLoad(Database& db) : journal_(db) {}
  void write_ahead() override { journal_.write_ahead(); }

 private:
  BulkJournal journal_;
};

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

std::unique_ptr<SqliteBackend> SqliteBackend::create(const std::filesystem::path& path, int srid,
                                                     int up_to_version) {
  // Before the file exists: a refused CRS leaves nothing behind.
  geo::require_metric_crs(srid);
  Database db(path, Database::OpenMode::create);
  try {
    db.execute("PRAGMA synchronous = FULL");  // as in open
    // Without a transaction of its own, loading SpatiaLite's ~6000 spatial_ref_sys rows
    // takes seconds.
    auto init = db.prepare("SELECT InitSpatialMetadata(1)");
    if (!init.step() || init.int64(0) != 1) {
      throw SchemaError(path.string() + ": SpatiaLite's InitSpatialMetadata failed");
    }
    apply_migrations(db, srid, up_to_version);
    const int version = applied_schema_version(db);
    auto backend = std::make_unique<SqliteBackend>(std::move(db), srid, version);
    if (version >= 1) {
      const auto mainz = geo::RuleSet::mainz();
      backend->rule_sets().save(mainz);
      backend->rule_sets().set_active(mainz.name);
    }
    return backend;
  } catch (...) {
    // The connection must be closed before its files are removed.
    { Database gone(std::move(db)); }
    remove_store_files(path);
    throw;
  }
}

std::unique_ptr<SqliteBackend> SqliteBackend::open(const std::filesystem::path& path) {
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
  return std::make_unique<SqliteBackend>(std::move(db), srid, latest);
}

SqliteBackend::SqliteBackend(Database db, int srid, int schema_version)
    : db_(std::move(db)),
      srid_(srid),
      schema_version_(schema_version),
      location_(db_.path().string()),
      trees_(db_, srid_),
      works_(db_, srid_),
      conflicts_(db_),
      users_(db_),
      rule_sets_(db_) {}

std::unique_ptr<BackendTransaction> SqliteBackend::begin() {
  return std::make_unique<SqliteTransaction>(db_);
}

bool SqliteBackend::in_transaction() const { return db_.in_transaction(); }

std::unique_ptr<BackendSnapshot> SqliteBackend::read_snapshot() {
  return std::make_unique<SqliteSnapshot>(db_);
}

std::unique_ptr<BulkLoadMode> SqliteBackend::bulk_load_mode() {
  return std::make_unique<SqliteBulkLoad>(db_);
}

std::unique_ptr<TreeBulkWriter> SqliteBackend::tree_bulk_writer(std::string user,
                                                                geo::Timestamp at) {
  return std::make_unique<SqliteTreeBulkWriter>(db_, srid_, std::move(user), at);
}

std::int64_t SqliteBackend::data_generation() { return storage::data_generation(db_); }
std::int64_t SqliteBackend::bump_data_generation() { return storage::bump_data_generation(db_); }

ZoneLoad SqliteBackend::load_zoned_trees(const geo::RuleSet& rules) {
  return storage::load_zoned_trees(db_, rules);
}
ZoneLoadAndSave SqliteBackend::load_and_save_zoned_trees(const geo::RuleSet& rules) {
  return storage::load_and_save_zoned_trees(db_, rules);
}

std::size_t SqliteBackend::save_tree_zones(const geo::RuleSet& rules, const std::string& marker,
                                           const std::vector<geo::ZonedTree>& zones) {
  return storage::save_tree_zones(db_, rules, marker, zones);
}

std::unordered_map<std::int64_t, TreeLabel> SqliteBackend::tree_labels(
    const std::vector<std::int64_t>& ids) {
  return storage::tree_labels(db_, ids);
}

std::vector<geo::Tree> SqliteBackend::trees_for_protection() {
  return storage::trees_for_protection(db_);
}

void SqliteBackend::write_protection_changes(const std::vector<ProtectionChange>& changes,
                                             const RuleSetSwitchStamp& stamp) {
  storage::write_protection_changes(db_, changes, stamp);
}

Page<geo::Tree> SqliteBackend::query_trees(const FeatureQuery& q) {
  return sqlite::query_trees(*this, q);
}
Page<geo::Work> SqliteBackend::query_works(const FeatureQuery& q) {
  return sqlite::query_works(*this, q);
}
Page<geo::TreeWorkConflict> SqliteBackend::query_tree_work_conflicts(const FeatureQuery& q) {
  return sqlite::query_tree_work_conflicts(*this, q);
}
std::optional<geo::Bounds> SqliteBackend::extent(Collection c) { return storage::extent(db_, c); }
std::optional<geo::Bounds> SqliteBackend::data_extent() { return storage::data_extent(db_); }
std::optional<std::pair<geo::Timestamp, geo::Timestamp>> SqliteBackend::works_time_extent() {
  return storage::works_time_extent(db_);
}

void SqliteBackend::for_each_tile_tree(const geo::Bounds* box,
                                       const std::function<void(const TileTree&)>& f) {
  if (box == nullptr) {
    storage::for_each_tile_tree(db_, f);
  } else {
    storage::for_each_tile_tree(db_, *box, f);
  }
}
std::vector<TileWork> SqliteBackend::tile_works(const geo::Bounds& box) {
  return storage::tile_works(db_, box);
}
std::vector<TileConflict> SqliteBackend::tile_conflicts(const geo::Bounds& box) {
  return storage::tile_conflicts(db_, box);
}

WorkOverviewPage SqliteBackend::work_overview(const WorkOverviewFilter& filter) {
  return storage::work_overview(db_, srid_, filter);
}

}  // namespace rootzone::storage
