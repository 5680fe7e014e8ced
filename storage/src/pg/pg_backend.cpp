#include "pg/pg_backend.hpp"

#include <future>
#include <string>
#include <string_view>

#include "migration_text.hpp"
#include "pg/pg_change_feed.hpp"
#include "pg/pg_queries.hpp"
#include "rootzone/geo/crs.hpp"
#include "rootzone/storage/errors.hpp"
#include "rootzone/storage/migrations.hpp"

namespace rootzone::storage {

namespace {

int latest_version() {
  const auto all = embedded_postgis_migrations();
  return all.empty() ? 0 : all.back().version;
}

std::string label(const Migration& m) { return "PostGIS migration " + detail::migration_label(m); }

// Both tables of a rootzone store, in the schema the connection writes to (search_path).
int rootzone_tables(pg::Connection& c) {
  const auto r = c.exec(
      "SELECT (to_regclass('schema_migrations') IS NOT NULL)::int"
      " + (to_regclass('store_meta') IS NOT NULL)::int");
  return static_cast<int>(r.int64(0, 0));
}

int applied_version(pg::Connection& c) {
  if (c.exec("SELECT to_regclass('schema_migrations') IS NULL").text(0, 0) == "t") return 0;
  return static_cast<int>(
      c.exec("SELECT coalesce(max(version), 0) FROM schema_migrations").int64(0, 0));
}

// Each migration lacking, in the caller's transaction (PostgreSQL's DDL is transactional).
void apply(pg::Connection& c, int srid, int from) {
  c.exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations ("
      " version integer PRIMARY KEY,"
      " name text NOT NULL,"
      " applied_at text NOT NULL)");
  for (const auto& m : embedded_postgis_migrations()) {
    if (m.version <= from) continue;
    c.execute_script(detail::with_srid(m, srid, label(m)), label(m));
    c.exec(
        "INSERT INTO schema_migrations (version, name, applied_at)"
        " VALUES ($1, $2, to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'))",
        {std::to_string(m.version), std::string(m.name)});
  }
}

int stored_srid(pg::Connection& c) {
  const auto r = c.exec("SELECT value FROM store_meta WHERE key = 'srid'");
  if (r.rows() == 0) {
    throw SchemaError(c.location() + ": store_meta has no srid: the store is damaged");
  }
  const auto text = r.text(0, 0);
  try {
    return std::stoi(text);
  } catch (const std::exception&) {
    throw SchemaError(c.location() + ": store_meta srid '" + text +
                      "' is not an EPSG code: the store is damaged");
  }
}

class PgTransaction final : public BackendTransaction {
 public:
  explicit PgTransaction(pg::Connection& c) : tx_(c) {}
  void commit() override { tx_.commit(); }

 private:
  pg::Transaction tx_;
};

class PgSnapshot final : public BackendSnapshot {
 public:
  PgSnapshot(pg::Connection& c, int& open) : snapshot_(c), open_(open) { ++open_; }
  ~PgSnapshot() override { --open_; }
  PgSnapshot(const PgSnapshot&) = delete;
  PgSnapshot& operator=(const PgSnapshot&) = delete;

 private:
  pg::Snapshot snapshot_;
  int& open_;
};

}  // namespace

std::unique_ptr<PgBackend> PgBackend::create(const std::string& location, int srid) {
  // Before connecting: a refused CRS touches nothing, as on a file.
  geo::require_metric_crs(srid);
  pg::Connection c(location);
  pg::Transaction tx(c);
  // Two inits at once: the second waits here, then finds the first one's tables.
  c.exec("SELECT pg_advisory_xact_lock(hashtext('rootzone init'))");
  if (rootzone_tables(c) != 0) {
    throw StoreExists(c.location() + " already holds a rootzone store (schema version " +
                      std::to_string(applied_version(c)) + ")");
  }
  try {
    c.exec("CREATE EXTENSION IF NOT EXISTS postgis");
  } catch (const StorageError& e) {
    throw StorageError(std::string(e.what()) +
                       ": a superuser must run CREATE EXTENSION postgis in this database first");
  }
  if (c.exec("SELECT 1 FROM spatial_ref_sys WHERE srid = $1", {std::to_string(srid)}).rows() == 0) {
    throw SchemaError(c.location() + ": EPSG:" + std::to_string(srid) +
                      " is not in PostGIS's spatial_ref_sys");
  }
  apply(c, srid, 0);
  const auto mainz = geo::RuleSet::mainz();
  c.exec("INSERT INTO rule_sets (name, json, active) VALUES ($1, $2, true)",
         {mainz.name, mainz.to_json()});
  tx.commit();
  return std::make_unique<PgBackend>(std::move(c), srid, latest_version());
}

std::unique_ptr<PgBackend> PgBackend::open(const std::string& location) {
  pg::Connection c(location);
  pg::require_rootzone_store(c);
  pg::Transaction tx(c);
  c.exec("SELECT pg_advisory_xact_lock(hashtext('rootzone init'))");
  const int version = applied_version(c);
  const int latest = latest_version();
  if (version > latest) {
    throw SchemaError(c.location() + ": store schema version " + std::to_string(version) +
                      " is newer than this rootzone supports (" + std::to_string(latest) +
                      "): upgrade rootzone");
  }
  const int srid = stored_srid(c);
  apply(c, srid, version);
  tx.commit();
  return std::make_unique<PgBackend>(std::move(c), srid, latest);
}

std::unique_ptr<PgBackend> PgBackend::open(const std::string& location,
                                           const std::string& read_location) {
  auto backend = open(location);
  backend->replica_ = std::make_unique<PgReadReplica>(read_location, backend->srid_);
  return backend;
}

PgBackend::~PgBackend() = default;

PgBackend::PgBackend(pg::Connection connection, int srid, int schema_version)
    : connection_(std::move(connection)),
      srid_(srid),
      schema_version_(schema_version),
      trees_(connection_, srid_),
      works_(connection_, srid_),
      conflicts_(connection_),
      users_(connection_),
      rule_sets_(connection_) {}

PgBackend::ReadSide PgBackend::read_side() {
  if (replica_ && connection_.transaction_depth() == 0 && snapshots_ == 0 &&
      replica_->caught_up_with(connection_)) {
    return {replica_->connection(), replica_->trees(), replica_->works(), replica_->conflicts()};
  }
  return {connection_, trees_, works_, conflicts_};
}

std::unique_ptr<BackendTransaction> PgBackend::begin() {
  return std::make_unique<PgTransaction>(connection_);
}

bool PgBackend::in_transaction() const { return connection_.transaction_depth() > 0; }

std::unique_ptr<BackendSnapshot> PgBackend::read_snapshot() {
  return std::make_unique<PgSnapshot>(connection_, snapshots_);
}

std::unique_ptr<TreeBulkWriter> PgBackend::tree_bulk_writer(std::string user, geo::Timestamp at) {
  if (connection_.transaction_depth() == 0) {
    throw StorageError("TreeBulkWriter needs an open transaction");
  }
  return pg::make_tree_bulk_writer(connection_, srid_, std::move(user), at);
}

// A row, not a sequence: nextval does not roll back, so a failed write would move the
// generation; the row's lock also orders writers as SQLite's single writer does.
std::int64_t PgBackend::data_generation() {
  if (connection_.transaction_depth() > 0) {
    // Inside a write: the row locked until the commit, and read at its newest committed value
    // (ON CONFLICT DO UPDATE waits for another writer and then sees its row, where a plain
    // SELECT reads the statement's snapshot). So the writers of several nodes take turns from
    // the writer's first look at the generation, as SQLite's BEGIN IMMEDIATE makes them, and a
    // node that sees another node's write reloads before it computes. Read plainly, two nodes'
    // submissions at once each computed without the other's work (no clash stored) and the
    // later one took the other's bump as its own, so its engine stayed without that work.
    return connection_
        .exec(
            "INSERT INTO store_meta (key, value) VALUES ('generation', '0')"
            " ON CONFLICT (key) DO UPDATE SET value = store_meta.value RETURNING value::bigint")
        .int64(0, 0);
  }
  const auto r = connection_.exec("SELECT value::bigint FROM store_meta WHERE key = 'generation'");
  return r.rows() == 0 ? 0 : r.int64(0, 0);
}

namespace {
std::int64_t bump(pg::Connection& c) {
  return c
      .exec(
          "INSERT INTO store_meta (key, value) VALUES ('generation', '1')"
          " ON CONFLICT (key) DO UPDATE SET value = (store_meta.value::bigint + 1)::text"
          " RETURNING value::bigint")
      .int64(0, 0);
}
}  // namespace

// Writers other than a serving node's (import, check, rules use) do not say what they changed:
// the bare generation tells the nodes to reload (change_feed.hpp).
std::int64_t PgBackend::bump_data_generation() {
  const auto generation = bump(connection_);
  pg::announce(connection_, "{\"generation\":" + std::to_string(generation) + "}");
  return generation;
}

// The row's lock, taken by this upsert that changes nothing, orders the writers of every node
// from here to their commit, as SQLite's one writer does: a node's engine is current with the
// generation read here until it commits. (A plain SELECT ... FOR UPDATE would lock nothing in
// a store nobody wrote to yet.)
std::int64_t PgBackend::lock_data_generation() {
  return connection_
      .exec(
          "INSERT INTO store_meta (key, value) VALUES ('generation', '0')"
          " ON CONFLICT (key) DO UPDATE SET value = store_meta.value"
          " RETURNING value::bigint")
      .int64(0, 0);
}

std::int64_t PgBackend::bump_and_announce(
    const std::function<std::string(std::int64_t)>& announcement) {
  const auto generation = bump(connection_);
  pg::announce(connection_, pg::bounded_payload(announcement(generation), generation));
  return generation;
}

ZoneLoad PgBackend::load_zoned_trees(const geo::RuleSet& rules) {
  return pg::load_zoned_trees(connection_, rules);
}

// One connection, one after the other: the zones are written in their own transaction with a
// generation bump as on SpatiaLite (in the caller's, when it has one open).
ZoneLoadAndSave PgBackend::load_and_save_zoned_trees(const geo::RuleSet& rules) {
  ZoneLoadAndSave out;
  out.load = load_zoned_trees(rules);
  std::promise<std::size_t> written;
  try {
    pg::Transaction tx(connection_);
    const auto rows = save_tree_zones(rules, out.load.marker, out.load.trees);
    if (rows > 0) bump_data_generation();
    tx.commit();
    written.set_value(rows);
  } catch (...) {
    written.set_exception(std::current_exception());
  }
  out.written = written.get_future();
  return out;
}
std::size_t PgBackend::save_tree_zones(const geo::RuleSet& rules, const std::string& marker,
                                       const std::vector<geo::ZonedTree>& zones) {
  return pg::save_tree_zones(connection_, srid_, rules, marker, zones);
}
std::unordered_map<std::int64_t, TreeLabel> PgBackend::tree_labels(
    const std::vector<std::int64_t>& ids) {
  return pg::tree_labels(connection_, ids);
}

std::vector<geo::Tree> PgBackend::trees_for_protection() {
  return pg::trees_for_protection(connection_);
}
void PgBackend::write_protection_changes(const std::vector<ProtectionChange>& changes,
                                         const RuleSetSwitchStamp& stamp) {
  pg::write_protection_changes(connection_, changes, stamp);
}

Page<geo::Tree> PgBackend::query_trees(const FeatureQuery& q) {
  const auto r = read_side();
  return pg::query_trees(r.connection, srid_, r.trees, q);
}
Page<geo::Work> PgBackend::query_works(const FeatureQuery& q) {
  const auto r = read_side();
  return pg::query_works(r.connection, srid_, r.works, q);
}
Page<geo::TreeWorkConflict> PgBackend::query_tree_work_conflicts(const FeatureQuery& q) {
  const auto r = read_side();
  return pg::query_tree_work_conflicts(r.connection, srid_, r.conflicts, q);
}
std::optional<geo::Bounds> PgBackend::extent(Collection c) {
  return pg::extent(read_side().connection, c);
}
std::optional<geo::Bounds> PgBackend::data_extent() {
  return pg::data_extent(read_side().connection);
}
std::optional<std::pair<geo::Timestamp, geo::Timestamp>> PgBackend::works_time_extent() {
  return pg::works_time_extent(read_side().connection);
}

void PgBackend::for_each_tile_tree(const geo::Bounds* box,
                                   const std::function<void(const TileTree&)>& f) {
  pg::for_each_tile_tree(read_side().connection, srid_, box, f);
}
std::vector<TileWork> PgBackend::tile_works(const geo::Bounds& box) {
  return pg::tile_works(read_side().connection, srid_, box);
}
std::vector<TileConflict> PgBackend::tile_conflicts(const geo::Bounds& box) {
  return pg::tile_conflicts(read_side().connection, srid_, box);
}

WorkOverviewPage PgBackend::work_overview(const WorkOverviewFilter& filter) {
  return pg::work_overview(read_side().connection, srid_, filter);
}

}  // namespace rootzone::storage

namespace rootzone::storage::pg {

Snapshot::Snapshot(Connection& c) : c_(c) {
  if (c_.transaction_depth() > 0) return;
  c_.exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  owned_ = true;
}

Snapshot::~Snapshot() {
  if (!owned_) return;
  try {
    c_.exec("COMMIT");
  } catch (...) {
    // The connection is gone: the server ended the transaction.
  }
}

void require_rootzone_store(Connection& c) {
  if (rootzone_tables(c) != 2) {
    throw StorageError(c.location() +
                       " is not a rootzone store: it has no schema_migrations and store_meta "
                       "tables (create one with `rootzone init`)");
  }
}

void not_yet(const std::string& what) {
  throw NotOnPostgis(what + " is not available on PostGIS yet (issue 16)");
}

}  // namespace rootzone::storage::pg
