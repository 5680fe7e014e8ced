#pragma once
// What a store must do, whatever keeps its data: the seam between rootzone and SpatiaLite or
// PostgreSQL/PostGIS (docs/postgis.md, "Design: one storage seam, two stores"). `Store` is the
// front door every module uses; it holds one backend, chosen by the location given to --db.
// Each backend writes its own SQL: the SQLite one (storage/src/sqlite_backend.cpp) and the
// PostGIS one (storage/src/pg/pg_backend.cpp).
//
// One backend is one connection: use it from one thread at a time, as a Database.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "rootzone/geo/geometry.hpp"
#include "rootzone/geo/rule_set.hpp"
#include "rootzone/geo/time.hpp"
#include "rootzone/storage/conflict_inputs.hpp"
#include "rootzone/storage/conflict_repository.hpp"
#include "rootzone/storage/feature_query.hpp"
#include "rootzone/storage/protection_changes.hpp"
#include "rootzone/storage/rule_set_repository.hpp"
#include "rootzone/storage/tile_query.hpp"
#include "rootzone/storage/tree_repository.hpp"
#include "rootzone/storage/user_repository.hpp"
#include "rootzone/storage/work_overview_query.hpp"
#include "rootzone/storage/work_repository.hpp"

namespace rootzone::storage {

class Database;

// A write transaction; one begun while another is open is a savepoint inside it. Rolled back
// by its destructor unless committed.
class BackendTransaction {
 public:
  virtual ~BackendTransaction() = default;
  virtual void commit() = 0;
};

// Every read while it lives sees one committed state of the store.
class BackendSnapshot {
 public:
  virtual ~BackendSnapshot() = default;
};

// What a store may do to make a bulk load fast, for as long as it lives (begun before the
// load's transaction, ended after it).
class BulkLoadMode {
 public:
  virtual ~BulkLoadMode() = default;
  // Called every few thousand rows: a chance to start writing what is already loaded.
  virtual void write_ahead() = 0;
};

class StoreBackend {
 public:
  virtual ~StoreBackend() = default;

  virtual int srid() const = 0;
  virtual int schema_version() const = 0;
  // Where the store is, with any password replaced by ***.
  virtual const std::string& location() const = 0;
  // The SQLite connection of a SpatiaLite store; nullptr on PostGIS.
  virtual Database* sqlite() { return nullptr; }

  virtual TreeRepository& trees() = 0;
  virtual WorkRepository& works() = 0;
  virtual ConflictRepository& conflicts() = 0;
  virtual UserRepository& users() = 0;
  virtual RuleSetRepository& rule_sets() = 0;

  virtual std::unique_ptr<BackendTransaction> begin() = 0;
  virtual bool in_transaction() const = 0;
  virtual std::unique_ptr<BackendSnapshot> read_snapshot() = 0;
  // nullptr when the store has no faster mode for a bulk load.
  virtual std::unique_ptr<BulkLoadMode> bulk_load_mode() = 0;
  // Inside an open transaction (StorageError otherwise); see TreeBulkWriter.
  virtual std::unique_ptr<TreeBulkWriter> tree_bulk_writer(std::string user, geo::Timestamp at) = 0;

  // data_generation.hpp
  virtual std::int64_t data_generation() = 0;
  virtual std::int64_t bump_data_generation() = 0;
  // change_feed.hpp. The generation at the start of a write, read so that no other writer
  // commits before this transaction ends (SQLite's write lock holds it already; PostGIS locks
  // the row).
  virtual std::int64_t lock_data_generation() { return data_generation(); }
  // bump_data_generation, and the write's announcement (announcement(new generation)) to the
  // store's other readers, delivered at commit in commit order. A no-op on SpatiaLite.
  virtual std::int64_t bump_and_announce(
      const std::function<std::string(std::int64_t)>& announcement) {
    (void)announcement;
    return bump_data_generation();
  }

  // conflict_inputs.hpp
  virtual ZoneLoad load_zoned_trees(const geo::RuleSet& rules) = 0;
  virtual ZoneLoadAndSave load_and_save_zoned_trees(const geo::RuleSet& rules) = 0;
  virtual std::size_t save_tree_zones(const geo::RuleSet& rules, const std::string& marker,
                                      const std::vector<geo::ZonedTree>& zones) = 0;
  virtual std::unordered_map<std::int64_t, TreeLabel> tree_labels(
      const std::vector<std::int64_t>& ids) = 0;

  // protection_changes.hpp
  virtual std::vector<geo::Tree> trees_for_protection() = 0;
  virtual void write_protection_changes(const std::vector<ProtectionChange>& changes,
                                        const RuleSetSwitchStamp& stamp) = 0;

  // feature_query.hpp
  virtual Page<geo::Tree> query_trees(const FeatureQuery& q) = 0;
  virtual Page<geo::Work> query_works(const FeatureQuery& q) = 0;
  virtual Page<geo::TreeWorkConflict> query_tree_work_conflicts(const FeatureQuery& q) = 0;
  virtual std::optional<geo::Bounds> extent(Collection c) = 0;
  virtual std::optional<geo::Bounds> data_extent() = 0;
  virtual std::optional<std::pair<geo::Timestamp, geo::Timestamp>> works_time_extent() = 0;

  // tile_query.hpp
  virtual void for_each_tile_tree(const geo::Bounds* box,
                                  const std::function<void(const TileTree&)>& f) = 0;
  virtual std::vector<TileWork> tile_works(const geo::Bounds& box) = 0;
  virtual std::vector<TileConflict> tile_conflicts(const geo::Bounds& box) = 0;

  // work_overview_query.hpp
  virtual WorkOverviewPage work_overview(const WorkOverviewFilter& filter) = 0;
};

}  // namespace rootzone::storage
