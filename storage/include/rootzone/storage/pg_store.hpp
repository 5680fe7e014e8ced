#pragma once
// The store on PostgreSQL/PostGIS (issue 16), as far as it goes today: created with the same
// schema versions as the SpatiaLite store (storage/sql/postgis/) and read for `rootzone info`.
// docs/postgis.md says how it grows into a second implementation behind Store.
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "rootzone/geo/rule_set.hpp"
#include "rootzone/storage/migrations.hpp"

namespace rootzone::storage {

// The PostGIS migrations this build knows, ascending by version; as many as
// embedded_migrations(), so a schema version means the same on both stores.
std::span<const Migration> embedded_postgis_migrations();

class PgStore {
 public:
  // Creates a store in an existing database (a libpq URI, postgresql://...): refuses a CRS geo
  // cannot measure metres in before connecting (geo::CrsError), a database that already holds
  // a rootzone store (StoreExists), and an EPSG code PostGIS does not know (SchemaError). Adds
  // the postgis extension when missing, applies every migration and activates the Mainz rule
  // set, all in one transaction: a failed create leaves the database as it was.
  static PgStore create(const std::string& location, int srid = 25832);
  // Opens an existing store (StorageError when the database holds none) and applies the
  // migrations it lacks; SchemaError when its schema is newer than this build's.
  static PgStore open(const std::string& location);

  ~PgStore();
  PgStore(PgStore&&) noexcept;
  PgStore& operator=(PgStore&&) noexcept;
  PgStore(const PgStore&) = delete;
  PgStore& operator=(const PgStore&) = delete;

  int srid() const;
  int schema_version() const;
  // Where the store is, with any password replaced by ***.
  const std::string& location() const;

  geo::RuleSet active_rule_set();  // NotFound when none is active
  std::int64_t tree_count();
  std::int64_t work_count();

 private:
  struct Parts;
  explicit PgStore(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> parts_;
};

}  // namespace rootzone::storage
