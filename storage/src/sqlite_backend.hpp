#pragma once
// A SpatiaLite store behind the seam (store_backend.hpp): one Database and its repositories.
// Its SQL lives in the files the interface's comments name; this class only routes to them.
#include <filesystem>
#include <memory>
#include <string>

#include "rootzone/storage/database.hpp"
#include "rootzone/storage/store_backend.hpp"
#include "sqlite_repositories.hpp"

namespace rootzone::storage {

class SqliteBackend final : public StoreBackend {
 public:
  // As Store::create and Store::open for a file.
  static std::unique_ptr<SqliteBackend> create(const std::filesystem::path& path, int srid,
                                               int up_to_version);
  static std::unique_ptr<SqliteBackend> open(const std::filesystem::path& path);

  SqliteBackend(Database db, int srid, int schema_version);

  int srid() const override { return srid_; }
  int schema_version() const override { return schema_version_; }
  const std::string& location() const override { return location_; }
  Database* sqlite() override { return &db_; }

  TreeRepository& trees() override { return trees_; }
  WorkRepository& works() override { return works_; }
  ConflictRepository& conflicts() override { return conflicts_; }
  UserRepository& users() override { return users_; }
  RuleSetRepository& rule_sets() override { return rule_sets_; }

  std::unique_ptr<BackendTransaction> begin() override;
  bool in_transaction() const override;
  std::unique_ptr<BackendSnapshot> read_snapshot() override;
  std::unique_ptr<BulkLoadMode> bulk_load_mode() override;
  std::unique_ptr<TreeBulkWriter> tree_bulk_writer(std::string user, geo::Timestamp at) override;

  std::int64_t data_generation() override;
  std::int64_t bump_data_generation() override;

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
  // The repositories keep a reference to db_: a backend never moves (it lives behind a pointer).
  Database db_;
  int srid_;
  int schema_version_;
  std::string location_;
  SqliteTreeRepository trees_;
  SqliteWorkRepository works_;
  SqliteConflictRepository conflicts_;
  SqliteUserRepository users_;
  SqliteRuleSetRepository rule_sets_;
};

}  // namespace rootzone::storage
