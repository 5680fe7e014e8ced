#pragma once
// The repositories of a SpatiaLite store: the interfaces of rootzone/storage/*_repository.hpp
// over one Database (its SQL in the .cpp file of each).
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rootzone/storage/conflict_repository.hpp"
#include "rootzone/storage/rule_set_repository.hpp"
#include "rootzone/storage/tree_repository.hpp"
#include "rootzone/storage/user_repository.hpp"
#include "rootzone/storage/work_repository.hpp"

namespace rootzone::storage {

class Database;

class SqliteTreeRepository final : public TreeRepository {
 public:
  SqliteTreeRepository(Database& db, int srid);

  std::int64_t insert(const geo::Tree& tree) override;
  geo::Tree get(std::int64_t id) override;
  std::optional<geo::Tree> find(std::int64_t id) override;
  std::optional<geo::Tree> find_by_source_id(std::string_view source_id) override;
  std::vector<geo::Tree> all() override;
  std::int64_t count() override;
  geo::Tree update(const geo::Tree& tree, std::int64_t expected_version, std::string_view user,
                   geo::Timestamp at) override;
  std::vector<geo::TreeChange> history(std::int64_t tree_id) override;
  void add_history_note(const geo::TreeChange& note) override;
  std::int64_t add_inspection(const geo::Inspection& inspection) override;
  std::vector<geo::Inspection> inspections(std::int64_t tree_id) override;

 private:
  Database& db_;
  int srid_;
};

// Statements are prepared once. For its lifetime SpatiaLite's per-row INSERT triggers on
// trees.location (geometry constraint, spatial index, last-insert time) are replaced by their
// set-based equivalents: the point is built as MakePoint(x, y, store SRID), which satisfies the
// constraint by construction, its R*Tree entry is written directly (or, when the index was empty
// at the start, all entries are packed into the R*Tree's shadow tables by finish(),
// Sort-Tile-Recursive), and geometry_columns_time is touched once. The triggers are dropped and
// re-created inside the transaction, so a rollback or a crash restores them with everything
// else; finish() (or the destructor) re-creates them before the caller commits. Other
// connections never see the store without them (WAL: they read the last committed state).
class SqliteTreeBulkWriter final : public TreeBulkWriter {
 public:
  // StorageError when `db` has no open transaction.
  SqliteTreeBulkWriter(Database& db, int srid, std::string user, geo::Timestamp at);
  ~SqliteTreeBulkWriter() override;
  SqliteTreeBulkWriter(const SqliteTreeBulkWriter&) = delete;
  SqliteTreeBulkWriter& operator=(const SqliteTreeBulkWriter&) = delete;

  bool started_empty() const override;
  std::optional<geo::Tree> find_by_source_id(std::string_view source_id) override;
  std::int64_t insert(const geo::Tree& tree) override;
  bool update(const geo::Tree& tree, const geo::Tree& stored) override;
  void keep_zones(const geo::RuleSet& rules) override;
  void finish() override;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

class SqliteWorkRepository final : public WorkRepository {
 public:
  SqliteWorkRepository(Database& db, int srid);

  std::int64_t insert(const geo::Work& work, std::string_view user) override;
  geo::Work get(std::int64_t id) override;
  std::optional<geo::Work> find(std::int64_t id) override;
  std::optional<geo::Work> find_by_reference(std::string_view reference) override;
  std::vector<geo::Work> all() override;
  std::vector<geo::Work> open() override;
  std::int64_t count() override;
  geo::Work update(const geo::Work& work, std::int64_t expected_version,
                   geo::Timestamp at) override;
  geo::WorkStatusChange set_status(geo::WorkStatusChange change,
                                   std::optional<std::int64_t> expected_version) override;
  std::vector<geo::WorkStatusChange> status_history(std::int64_t work_id) override;

 private:
  Database& db_;
  int srid_;
};

class SqliteConflictRepository final : public ConflictRepository {
 public:
  explicit SqliteConflictRepository(Database& db);

  std::vector<geo::TreeWorkConflict> replace_tree_work_conflicts_for_work(
      std::int64_t work_id, const std::vector<geo::TreeWorkConflict>& conflicts) override;
  std::vector<geo::TreeWorkConflict> replace_tree_work_conflicts_for_tree(
      std::int64_t tree_id, const std::vector<geo::TreeWorkConflict>& conflicts) override;
  std::vector<geo::TreeWorkConflict> replace_all_tree_work_conflicts(
      const std::vector<geo::TreeWorkConflict>& conflicts) override;
  geo::TreeWorkConflict tree_work_conflict(std::int64_t id) override;
  std::vector<geo::TreeWorkConflict> tree_work_conflicts_for_work(std::int64_t work_id) override;
  std::vector<geo::TreeWorkConflict> tree_work_conflicts_for_tree(std::int64_t tree_id) override;
  std::vector<geo::TreeWorkConflict> all_tree_work_conflicts() override;
  geo::TreeWorkConflict acknowledge_tree_work_conflict(std::int64_t id,
                                                       const geo::Acknowledgement& ack) override;
  std::vector<geo::WorkWorkConflict> replace_work_work_conflicts_for_work(
      std::int64_t work_id, const std::vector<geo::WorkWorkConflict>& conflicts) override;
  std::vector<geo::WorkWorkConflict> replace_all_work_work_conflicts(
      const std::vector<geo::WorkWorkConflict>& conflicts) override;
  geo::WorkWorkConflict work_work_conflict(std::int64_t id) override;
  std::vector<geo::WorkWorkConflict> work_work_conflicts_for_work(std::int64_t work_id) override;
  std::vector<geo::WorkWorkConflict> all_work_work_conflicts() override;
  geo::WorkWorkConflict acknowledge_work_work_conflict(std::int64_t id,
                                                       const geo::Acknowledgement& ack) override;

 private:
  Database& db_;
};

class SqliteUserRepository final : public UserRepository {
 public:
  explicit SqliteUserRepository(Database& db);

  std::int64_t add(const geo::User& user) override;
  geo::User get(std::int64_t id) override;
  std::optional<geo::User> find_by_name(std::string_view name) override;
  std::vector<geo::User> all() override;
  void set_disabled(std::int64_t id, bool disabled) override;
  std::int64_t add_api_key(const geo::ApiKey& key) override;
  std::optional<geo::ApiKey> find_api_key(std::string_view prefix) override;
  std::vector<geo::ApiKey> api_keys(std::int64_t user_id) override;
  void revoke_api_key(std::int64_t key_id, geo::Timestamp at) override;

 private:
  Database& db_;
};

class SqliteRuleSetRepository final : public RuleSetRepository {
 public:
  explicit SqliteRuleSetRepository(Database& db);

  void save(const geo::RuleSet& rules) override;
  std::optional<geo::RuleSet> get(std::string_view name) override;
  std::vector<std::string> names() override;
  geo::RuleSet active() override;
  void set_active(std::string_view name) override;

 private:
  Database& db_;
};

}  // namespace rootzone::storage
