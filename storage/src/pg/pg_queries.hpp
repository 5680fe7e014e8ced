#pragma once
// The bulk reads and writes of a PostGIS store, one file each (pg_<area>.cpp): what PgBackend
// answers for the store_backend.hpp queries. Each takes the connection and the store's SRID.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "rootzone/storage/store_backend.hpp"

namespace rootzone::storage::pg {

class Connection;

// NotOnPostgis "<what> is not available on PostGIS yet (issue 16)": for the parts of the store
// still to be written (app/postgis_gate.cpp keeps every command that needs them away).
[[noreturn]] void not_yet(const std::string& what);

// Reads while it lives see one committed state: REPEATABLE READ keeps the transaction's first
// snapshot. Inside a write transaction the reads see that transaction (as on SQLite), so
// nothing is begun.
class Snapshot {
 public:
  explicit Snapshot(Connection& c);
  ~Snapshot();
  Snapshot(const Snapshot&) = delete;
  Snapshot& operator=(const Snapshot&) = delete;

 private:
  Connection& c_;
  bool owned_ = false;
};

// StorageError "<location> is not a rootzone store: ..." unless the database has the tables
// every rootzone schema has (schema_migrations, store_meta). Reads only.
void require_rootzone_store(Connection& c);

// pg_tree_bulk_writer.cpp
std::unique_ptr<TreeBulkWriter> make_tree_bulk_writer(Connection& c, int srid, std::string user,
                                                      geo::Timestamp at);

// pg_conflict_inputs.cpp
ZoneLoad load_zoned_trees(Connection& c, const geo::RuleSet& rules);
std::size_t save_tree_zones(Connection& c, int srid, const geo::RuleSet& rules,
                            const std::string& marker, const std::vector<geo::ZonedTree>& zones);
std::unordered_map<std::int64_t, TreeLabel> tree_labels(Connection& c,
                                                        const std::vector<std::int64_t>& ids);

// pg_protection_changes.cpp
std::vector<geo::Tree> trees_for_protection(Connection& c);
void write_protection_changes(Connection& c, const std::vector<ProtectionChange>& changes,
                              const RuleSetSwitchStamp& stamp);

// pg_feature_query.cpp
Page<geo::Tree> query_trees(Connection& c, int srid, TreeRepository& trees, const FeatureQuery& q);
Page<geo::Work> query_works(Connection& c, int srid, WorkRepository& works, const FeatureQuery& q);
Page<geo::TreeWorkConflict> query_tree_work_conflicts(Connection& c, int srid,
                                                      ConflictRepository& conflicts,
                                                      const FeatureQuery& q);
std::optional<geo::Bounds> extent(Connection& c, Collection collection);
std::optional<geo::Bounds> data_extent(Connection& c);
std::optional<std::pair<geo::Timestamp, geo::Timestamp>> works_time_extent(Connection& c);

// pg_tile_query.cpp
void for_each_tile_tree(Connection& c, int srid, const geo::Bounds* box,
                        const std::function<void(const TileTree&)>& f);
std::vector<TileWork> tile_works(Connection& c, int srid, const geo::Bounds& box);
std::vector<TileConflict> tile_conflicts(Connection& c, int srid, const geo::Bounds& box);

// pg_work_overview.cpp
WorkOverviewPage work_overview(Connection& c, int srid, const WorkOverviewFilter& filter);

}  // namespace rootzone::storage::pg
