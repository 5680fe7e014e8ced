#include "rootzone/storage/store.hpp"

#include "pg/pg_backend.hpp"
#include "rootzone/storage/conflict_inputs.hpp"
#include "rootzone/storage/data_generation.hpp"
#include "rootzone/storage/errors.hpp"
#include "rootzone/storage/feature_query.hpp"
#include "rootzone/storage/location.hpp"
#include "rootzone/storage/migrations.hpp"
#include "rootzone/storage/protection_changes.hpp"
#include "rootzone/storage/tile_query.hpp"
#include "rootzone/storage/work_overview_query.hpp"
#include "sqlite_backend.hpp"

namespace rootzone::storage {

Store Store::create(const std::filesystem::path& location, int srid) {
  if (is_postgis_location(location.string())) {
    return Store(PgBackend::create(location.string(), srid));
  }
  return Store(SqliteBackend::create(location, srid, latest_schema_version()));
}

Store Store::create(const std::filesystem::path& path, int srid, int up_to_version) {
  return Store(SqliteBackend::create(path, srid, up_to_version));
}

Store Store::open(const std::filesystem::path& location) {
  if (is_postgis_location(location.string())) return Store(PgBackend::open(location.string()));
  return Store(SqliteBackend::open(location));
}

Store Store::open(const std::filesystem::path& location, const std::string& read_location) {
  if (read_location.empty()) return open(location);
  if (!is_postgis_location(location.string())) {
    throw StorageError("a read replica needs a PostGIS store: " +
                       printable_location(location.string()) + " is a SpatiaLite file");
  }
  if (!is_postgis_location(read_location)) {
    throw StorageError("a read replica is a PostgreSQL standby (postgresql://...), not " +
                       printable_location(read_location));
  }
  return Store(PgBackend::open(location.string(), read_location));
}

Store::Store(std::unique_ptr<StoreBackend> backend) : backend_(std::move(backend)) {}
Store::~Store() = default;
Store::Store(Store&&) noexcept = default;
Store& Store::operator=(Store&&) noexcept = default;

int Store::srid() const { return backend_->srid(); }
int Store::schema_version() const { return backend_->schema_version(); }
const std::string& Store::location() const { return backend_->location(); }
bool Store::postgis() const { return backend_->sqlite() == nullptr; }

Database& Store::database() {
  auto* db = backend_->sqlite();
  if (db == nullptr) {
    throw NotOnPostgis(backend_->location() + " is a PostGIS store: this needs a SpatiaLite file");
  }
  return *db;
}

StoreBackend& Store::backend() { return *backend_; }
TreeRepository& Store::trees() { return backend_->trees(); }
WorkRepository& Store::works() { return backend_->works(); }
ConflictRepository& Store::conflicts() { return backend_->conflicts(); }
UserRepository& Store::users() { return backend_->users(); }
RuleSetRepository& Store::rule_sets() { return backend_->rule_sets(); }

// The queries on any store: each is its backend's.

std::int64_t data_generation(Store& store) { return store.backend().data_generation(); }
std::int64_t bump_data_generation(Store& store) { return store.backend().bump_data_generation(); }

ZoneLoad load_zoned_trees(Store& store, const geo::RuleSet& rules) {
  return store.backend().load_zoned_trees(rules);
}
ZoneLoadAndSave load_and_save_zoned_trees(Store& store, const geo::RuleSet& rules) {
  return store.backend().load_and_save_zoned_trees(rules);
}
std::size_t save_tree_zones(Store& store, const geo::RuleSet& rules, const std::string& marker,
                            const std::vector<geo::ZonedTree>& zones) {
  return store.backend().save_tree_zones(rules, marker, zones);
}
std::unordered_map<std::int64_t, TreeLabel> tree_labels(Store& store,
                                                        const std::vector<std::int64_t>& ids) {
  return store.backend().tree_labels(ids);
}

std::vector<geo::Tree> trees_for_protection(Store& store) {
  return store.backend().trees_for_protection();
}
void write_protection_changes(Store& store, const std::vector<ProtectionChange>& changes,
                              const RuleSetSwitchStamp& stamp) {
  store.backend().write_protection_changes(changes, stamp);
}

Page<geo::Tree> query_trees(Store& store, const FeatureQuery& q) {
  return store.backend().query_trees(q);
}
Page<geo::Work> query_works(Store& store, const FeatureQuery& q) {
  return store.backend().query_works(q);
}
Page<geo::TreeWorkConflict> query_tree_work_conflicts(Store& store, const FeatureQuery& q) {
  return store.backend().query_tree_work_conflicts(q);
}
std::optional<geo::Bounds> extent(Store& store, Collection c) { return store.backend().extent(c); }
std::optional<geo::Bounds> data_extent(Store& store) { return store.backend().data_extent(); }
std::optional<std::pair<geo::Timestamp, geo::Timestamp>> works_time_extent(Store& store) {
  return store.backend().works_time_extent();
}

void for_each_tile_tree(Store& store, const geo::Bounds& box,
                        const std::function<void(const TileTree&)>& f) {
  store.backend().for_each_tile_tree(&box, f);
}
void for_each_tile_tree(Store& store, const std::function<void(const TileTree&)>& f) {
  store.backend().for_each_tile_tree(nullptr, f);
}
std::vector<TileWork> tile_works(Store& store, const geo::Bounds& box) {
  return store.backend().tile_works(box);
}
std::vector<TileConflict> tile_conflicts(Store& store, const geo::Bounds& box) {
  return store.backend().tile_conflicts(box);
}

WorkOverviewPage work_overview(Store& store, const WorkOverviewFilter& filter) {
  return store.backend().work_overview(filter);
}

}  // namespace rootzone::storage
