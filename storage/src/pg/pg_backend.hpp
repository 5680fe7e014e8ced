#pragma once
// A PostGIS store behind the seam (store_backend.hpp): one pg::Connection and its repositories.
// The SQL of each part lives in the file pg_queries.hpp and pg_repositories.hpp name; this class
// creates and opens the store and routes to them.
#include <memory>
#include <string>

#include "pg/connection.hpp"
#include "pg/pg_read_replica.hpp"
#include "pg/pg_repositories.hpp"
#include "rootzone/storage/store_backend.hpp"

namespace rootzone::storage {

class PgBackend final : public StoreBackend {
 public:
  // Creates a store in an existing database (a libpq URI, postgresql://...): refuses a CRS geo
  // cannot measure metres in before connecting (geo::CrsError), a database that already holds
  // a rootzone store (StoreExists), and an EPSG code PostGIS does not know (SchemaError). Adds
  // the postgis extension when missing, applies every migration and activates the Mainz rule
  // set, all in one transaction: a failed create leaves the database as it was.
  static std::unique_ptr<PgBackend> create(const std::string& location, int srid);
  // Opens an existing store (StorageError when the database holds none) and applies the
  // migrations it lacks; SchemaError when its schema is newer than this build's.
  static std::unique_ptr<PgBackend> open(const std::string& location);
  // The same, with the feature, tile and overview reads going to the hot standby at
  // `read_location` whenever it has caught up (pg_read_replica.hpp).
  static std::unique_ptr<PgBackend> open(const std::string& location,
                                         const std::string& read_location);

  PgBackend(pg::Connection connection, int srid, int schema_version);
  ~PgBackend() override;

  pg::Connection& connection() { return connection_; }

  int srid() const override { return srid_; }
  int schema_version() const override { return schema_version_; }
  const std::string& location() const override { return connection_.location(); }

  TreeRepository& trees() override { return trees_; }
  WorkRepository& works() override { return works_; }
  ConflictRepository& conflicts() override { return conflicts_; }
  UserRepository& users() override { return users_; }
  RuleSetRepository& rule_sets() override { return rule_sets_; }

  std::unique_ptr<BackendTransaction> begin() override;
  bool in_transaction() const override;
  std::unique_ptr<BackendSnapshot> read_snapshot() override;
  std::unique_ptr<BulkLoadMode> bulk_load_mode() override { return nullptr; }
  std::unique_ptr<TreeBulkWriter> tree_bulk_writer(std::string user, geo::Timestamp at) override;

  std::int64_t data_generation() override;
  std::int64_t bump_data_generation() override;
  std::int64_t lock_data_generation() override;
  std::int64_t bump_and_announce(
      const std::function<std::string(std::int64_t)>& announcement) override;

  ZoneLoad load_zoned_trees(const geo::RuleSet& rules) override;
  ZoneLoadAndSave load_and_save_zoned_trees(const geo::RuleSet& rules) override;
  std::size_t save_tree_zones(const geo::RuleSet& rules, const std::string& marker,
                              const std::vector<geo::ZonedTree>& zones) override;
  std::unordered_map<std::int64_t, TreeLabel> tree_labels(
      const std::vector<std::int64_t>& ids) override;

  std::vector<geo::Tree> trees_for_protection() override;
  void write_protection_changes(const std::vector<ProtectionChange>& changes,
                                const RuleSetSwitchStamp& stamp) override;

  Page<geo::Tree> query_trees(const FeatureQuery& q) override;
  Page<geo::Work> query_works(const FeatureQuery& q) override;
  Page<geo::TreeWorkConflict> query_tree_work_conflicts(const FeatureQuery& q) override;
  std::optional<geo::Bounds> extent(Collection c) override;
  std::optional<geo::Bounds> data_extent() override;
  std::optional<std::pair<geo::Timestamp, geo::Timestamp>> works_time_extent() override;

  void for_each_tile_tree(const geo::Bounds* box,
                          const std::function<void(const TileTree&)>& f) override;
  std::vector<TileWork> tile_works(const geo::Bounds& box) override;
  std::vector<TileConflict> tile_conflicts(const geo::Bounds& box) override;

  WorkOverviewPage work_overview(const WorkOverviewFilter& filter) override;

 private:
  // Where a routed read runs: the standby when there is one, no transaction or snapshot is
  // open on the primary (its reads must see its own state) and the standby has caught up;
  // the primary otherwise.
  struct ReadSide {
    pg::Connection& connection;
    PgTreeRepository& trees;
    PgWorkRepository& works;
    PgConflictRepository& conflicts;
  };
  ReadSide read_side();

  // The repositories keep a reference to connection_: a backend never moves.
  pg::Connection connection_;
  int srid_;
  int schema_version_;
  PgTreeRepository trees_;
  PgWorkRepository works_;
  PgConflictRepository conflicts_;
  PgUserRepository users_;
  PgRuleSetRepository rule_sets_;
  std::unique_ptr<PgReadReplica> replica_;
  int snapshots_ = 0;  // read snapshots open on the primary
};

}  // namespace rootzone::storage
