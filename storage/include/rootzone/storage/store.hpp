#pragma once
// The store: one SpatiaLite file in WAL mode, in one metric CRS chosen at creation, reached
// only through its repositories (docs/architecture.md: a PostGIS backend must stay possible).
#include <filesystem>
#include <memory>

#include "rootzone/storage/conflict_repository.hpp"
#include "rootzone/storage/database.hpp"
#include "rootzone/storage/rule_set_repository.hpp"
#include "rootzone/storage/tree_repository.hpp"
#include "rootzone/storage/user_repository.hpp"
#include "rootzone/storage/work_repository.hpp"

namespace rootzone::storage {

class Store {
 public:
  // Creates a new store: refuses an existing path (StoreExists) and a CRS geo cannot measure
  // metres in (geo::CrsError from geo::require_metric_crs), then initialises SpatiaLite's
  // metadata, applies every embedded migration and activates the Mainz rule set.
  static Store create(const std::filesystem::path& path, int srid = 25832);
  // For migration tests: stops after schema version `up_to_version`.
  static Store create(const std::filesystem::path& path, int srid, int up_to_version);

  // Opens an existing store (StoreMissing when there is none; StorageError when the file is
  // not a rootzone store) and applies the migrations it lacks. SchemaError when the store's
  // schema is newer than this build's.
  static Store open(const std::filesystem::path& path);

  ~Store();
  Store(Store&&) noexcept;
  Store& operator=(Store&&) noexcept;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  int srid() const;
  int schema_version() const;
  const std::filesystem::path& path() const;

  Database& database();
  TreeRepository& trees();
  WorkRepository& works();
  ConflictRepository& conflicts();
  UserRepository& users();
  RuleSetRepository& rule_sets();

 private:
  struct Parts;
  explicit Store(std::unique_ptr<Parts> parts);
  // Repositories keep a reference to the Database, so both live at a stable address.
  std::unique_ptr<Parts> parts_;
};

}  // namespace rootzone::storage
