#pragma once
// The store: one SpatiaLite file in WAL mode, or a PostgreSQL/PostGIS database, in one metric
// CRS chosen at creation, reached only through its repositories and the queries that take a
// Store& (docs/postgis.md: "one storage seam, two stores"). Which store a location names:
// is_postgis_location (location.hpp).
#include <filesystem>
#include <memory>

#include <string>

#include "rootzone/storage/conflict_repository.hpp"
#include "rootzone/storage/database.hpp"
#include "rootzone/storage/rule_set_repository.hpp"
#include "rootzone/storage/store_backend.hpp"
#include "rootzone/storage/tree_repository.hpp"
#include "rootzone/storage/user_repository.hpp"
#include "rootzone/storage/work_repository.hpp"

namespace rootzone::storage {

class Store {
 public:
  // Creates a new store: refuses an existing path (StoreExists) and a CRS geo cannot measure
  // metres in (geo::CrsError from geo::require_metric_crs), then initialises SpatiaLite's
  // metadata, applies every embedded migration and activates the Mainz rule set. A PostGIS
  // location: as PgBackend::create (the database must exist; StoreExists when it holds a store).
  static Store create(const std::filesystem::path& location, int srid = 25832);
  // For migration tests (SpatiaLite): stops after schema version `up_to_version`.
  static Store create(const std::filesystem::path& path, int srid, int up_to_version);

  // Opens an existing store (StoreMissing when there is none; StorageError when the file or
  // database is not a rootzone store) and applies the migrations it lacks. SchemaError when
  // the store's schema is newer than this build's.
  static Store open(const std::filesystem::path& location);
  // A PostGIS store whose feature, tile and overview reads go to a hot standby of its database
  // (`serve --db-read`; docs/postgis.md "Read replicas"): every other read and every write go
  // to `location`. StorageError when `read_location` is not a standby holding the same store,
  // or when `location` is a SpatiaLite file.
  static Store open(const std::filesystem::path& location, const std::string& read_location);
  // A store over a backend made elsewhere (tests of a backend).
  explicit Store(std::unique_ptr<StoreBackend> backend);

  ~Store();
  Store(Store&&) noexcept;
  Store& operator=(Store&&) noexcept;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  int srid() const;
  int schema_version() const;
  // Where the store is, as given (a PostGIS password as ***).
  const std::string& location() const;
  bool postgis() const;

  // The SQLite connection of a SpatiaLite store (tests and SQLite-only tools: MBTiles, backup);
  // StorageError on PostGIS.
  Database& database();
  StoreBackend& backend();
  TreeRepository& trees();
  WorkRepository& works();
  ConflictRepository& conflicts();
  UserRepository& users();
  RuleSetRepository& rule_sets();

 private:
  std::unique_ptr<StoreBackend> backend_;
};

// A write transaction on the store: rolled back by its destructor unless committed; one begun
// inside another is a savepoint (a failed part undone, the rest kept).
class StoreTransaction {
 public:
  explicit StoreTransaction(Store& store) : tx_(store.backend().begin()) {}
  void commit() { tx_->commit(); }

 private:
  std::unique_ptr<BackendTransaction> tx_;
};

// Reads while it lives see one committed state (a page and its count, a tile's layers).
class StoreSnapshot {
 public:
  explicit StoreSnapshot(Store& store) : snapshot_(store.backend().read_snapshot()) {}

 private:
  std::unique_ptr<BackendSnapshot> snapshot_;
};

}  // namespace rootzone::storage
