// Creating and opening stores: SpatiaLite metadata, spatial indexes, WAL, the CRS, and
// migrations up to (and refusing beyond) this build's schema.
// Every case is [sqlite-only]: they test the SpatiaLite file itself (its metadata tables, WAL,
// the migration of old files); tests/postgis/test_pg_store.cpp holds the PostGIS store to the same
// promises (schema versions, CRS, create twice, open without a store or with a newer schema).
#include <catch2/catch.hpp>
#include <fstream>
#include <string>
#include <vector>

#include "rootzone/geo/crs.hpp"
#include "rootzone/geo/errors.hpp"
#include "rootzone/geo/rule_set.hpp"
#include "rootzone/storage/database.hpp"
#include "rootzone/storage/errors.hpp"
#include "rootzone/storage/migrations.hpp"
#include "rootzone/storage/store.hpp"
#include "store_fixture.hpp"

using rootzone::storage::Database;
using rootzone::storage::Store;
using rootzone::test::StoreFixture;
using rootzone::test::TempDir;
namespace geo = rootzone::geo;
namespace storage = rootzone::storage;

namespace {

std::vector<std::string> strings(Database& db, const std::string& sql) {
  auto s = db.prepare(sql);
  std::vector<std::string> out;
  while (s.step()) out.push_back(s.text(0));
  return out;
}

std::string one(Database& db, const std::string& sql) {
  const auto rows = strings(db, sql);
  REQUIRE(rows.size() == 1);
  return rows.front();
}

bool has_object(Database& db, const std::string& name) {
  return one(db, "SELECT count(*) FROM sqlite_master WHERE name = '" + name + "'") == "1";
}

}  // namespace

TEST_CASE("create makes a SpatiaLite store with every table, spatial indexes and WAL",
          "[storage][store][sqlite-only]") {
  StoreFixture f;
  auto& db = f.store.database();
  CHECK(f.store.srid() == 25832);
  CHECK(f.store.schema_version() == 8);
  CHECK(f.store.location() == (f.dir / "city.sqlite").string());
  CHECK_FALSE(f.store.postgis());

  for (const char* table :
       {"store_meta", "schema_migrations", "trees", "tree_stems", "tree_history", "inspections",
        "works", "work_status_history", "tree_work_conflicts", "work_work_conflicts", "tree_zones",
        "tree_zones_packed", "users", "api_keys", "rule_sets", "spatial_ref_sys",
        "geometry_columns"}) {
    INFO(table);
    CHECK(has_object(db, table));
  }
  CHECK(strings(db,
                "SELECT f_table_name || '.' || f_geometry_column || ' ' || geometry_type || ' ' ||"
                " srid || ' ' || spatial_index_enabled FROM geometry_columns ORDER BY 1") ==
        std::vector<std::string>{"trees.location 1 25832 1", "works.geometry 0 25832 1"});
  // CreateSpatialIndex's R*Tree virtual tables.
  CHECK(has_object(db, "idx_trees_location"));
  CHECK(has_object(db, "idx_works_geometry"));
  CHECK(one(db, "PRAGMA journal_mode") == "wal");
  CHECK(one(db, "PRAGMA foreign_keys") == "1");
  CHECK(one(db, "SELECT value FROM store_meta WHERE key = 'srid'") == "25832");
  CHECK(strings(db, "SELECT version || ' ' || name FROM schema_migrations ORDER BY version") ==
        std::vector<std::string>{"1 initial", "2 lookup_indexes", "3 zone_cache",
                                 "4 stems_on_tree_row", "5 check_without_in_lists",
                                 "6 rule_set_changes", "7 packed_zones",
                                 "8 tree_stems_view_on_postgis"});

  CHECK(f.store.rule_sets().active() == geo::RuleSet::mainz());
}

TEST_CASE("create records the CRS it was given, and open reads it back",
          "[storage][store][sqlite-only]") {
  TempDir dir;
  const auto path = dir / "berlin.sqlite";
  { const auto store = Store::create(path, 25833); }
  auto store = Store::open(path);
  CHECK(store.srid() == 25833);
  CHECK(one(store.database(), "SELECT group_concat(srid) FROM geometry_columns") == "25833,25833");
}

TEST_CASE("create refuses a geographic CRS with geo's reason and leaves no file",
          "[storage][store][sqlite-only]") {
  TempDir dir;
  const auto path = dir / "lonlat.sqlite";
  std::string reason;
  try {
    geo::require_metric_crs(4326);
  } catch (const geo::CrsError& e) {
    reason = e.what();
  }
  REQUIRE_FALSE(reason.empty());
  REQUIRE_THROWS_AS(Store::create(path, 4326), geo::CrsError);
  REQUIRE_THROWS_WITH(Store::create(path, 4326), reason);
  CHECK_FALSE(std::filesystem::exists(path));
}

TEST_CASE("create refuses an existing file and leaves it untouched",
          "[storage][store][sqlite-only]") {
  TempDir dir;
  const auto path = dir / "notes.sqlite";
  std::ofstream(path) << "not mine";
  REQUIRE_THROWS_AS(Store::create(path), storage::StoreExists);
  REQUIRE_THROWS_WITH(Store::create(path),
                      "cannot create store " + path.string() + ": the file already exists");
  std::ifstream in(path);
  std::string content;
  std::getline(in, content);
  CHECK(content == "not mine");
}

TEST_CASE("open refuses a missing file and files that are not rootzone stores",
          "[storage][store][sqlite-only]") {
  TempDir dir;
  const auto missing = dir / "nowhere.sqlite";
  REQUIRE_THROWS_AS(Store::open(missing), storage::StoreMissing);
  REQUIRE_THROWS_WITH(Store::open(missing),
                      "cannot open store " + missing.string() + ": no such file");
  CHECK_FALSE(std::filesystem::exists(missing));

  const auto text = dir / "readme.txt";
  std::ofstream(text) << "This is a text file, long enough to have a header of sorts.\n";
  REQUIRE_THROWS_WITH(Store::open(text),
                      text.string() + " is not a rootzone store: file is not a database");

  const auto other = dir / "other.sqlite";
  {
    Database db(other, Database::OpenMode::create);
    db.execute("CREATE TABLE birds (name TEXT)");
  }
  REQUIRE_THROWS_WITH(Store::open(other),
                      other.string() +
                          " is not a rootzone store: it has no schema_migrations and store_meta "
                          "tables (create one with `rootzone init`)");
}

TEST_CASE("open applies the migrations an older store lacks",
          "[storage][store][migrations][sqlite-only]") {
  TempDir dir;
  const auto path = dir / "old.sqlite";
  {
    auto old = Store::create(path, 25832, /*up_to_version=*/1);
    CHECK(old.schema_version() == 1);
    CHECK_FALSE(has_object(old.database(), "works_status"));
  }
  auto store = Store::open(path);
  CHECK(store.schema_version() == 8);
  CHECK(storage::applied_schema_version(store.database()) == 8);
  CHECK(has_object(store.database(), "works_status"));
  CHECK(has_object(store.database(), "tree_work_conflicts_work"));
  CHECK(strings(store.database(),
                "SELECT version || ' ' || name FROM schema_migrations ORDER BY version") ==
        std::vector<std::string>{"1 initial", "2 lookup_indexes", "3 zone_cache",
                                 "4 stems_on_tree_row", "5 check_without_in_lists",
                                 "6 rule_set_changes", "7 packed_zones",
                                 "8 tree_stems_view_on_postgis"});
  // 0003 added columns to a table 0001 made: the old store has them now.
  CHECK(one(store.database(),
            "SELECT count(*) FROM pragma_table_info('tree_zones') WHERE name = 'x'") == "1");
  CHECK(storage::latest_schema_version() == 8);
}

TEST_CASE("migration 4 copies every tree's stems, in stem order, onto its row",
          "[storage][store][migrations][sqlite-only]") {
  TempDir dir;
  const auto path = dir / "old.sqlite";
  {
    // Trees as a store of version 3 holds them: stems only in tree_stems, written out of
    // order on purpose (stem 2 before stem 1).
    auto old = Store::create(path, 25832, /*up_to_version=*/3);
    auto& db = old.database();
    for (int id = 1; id <= 3; ++id) {
      db.prepare(
            "INSERT INTO trees (id, source_id, status, is_protected, protection_source,"
            " updated_at, version, location) VALUES (?1, 'T' || ?1, 'existing', 0, 'ordinance',"
            " '2026-01-01T00:00:00Z', 1, MakePoint(448000, 5538000, 25832))")
          .bind(1, id)
          .run();
    }
    db.execute(
        "INSERT INTO tree_stems (tree_id, stem_no, circumference_cm) VALUES"
        " (1, 1, 112.5), (2, 2, 60), (2, 1, 95), (2, 3, 31.25)");
  }
  auto store = Store::open(path);
  // SQLite writes whole REALs as "95.0" where the repository writes "95"; both read alike.
  CHECK(strings(store.database(), "SELECT id || ':' || stems_cm FROM trees ORDER BY id") ==
        std::vector<std::string>{"1:112.5", "2:95.0,60.0,31.25", "3:"});
  CHECK(store.trees().get(2).stem_circumferences_cm == std::vector<double>{95, 60, 31.25});
  CHECK(store.trees().get(3).stem_circumferences_cm.empty());
}

TEST_CASE("migration 5 keeps the enumeration CHECKs, now without an ephemeral index per row",
          "[storage][store][migrations][sqlite-only]") {
  TempDir dir;
  const auto path = dir / "old.sqlite";
  const std::string insert_tree =
      "INSERT INTO trees (source_id, status, is_protected, protection_source, updated_at, version,"
      " location) VALUES ('T1', 'existing', 0, 'ordinance', '2026-01-01T00:00:00Z', 1,"
      " MakePoint(448000, 5538000, 25832))";
  const auto ephemeral = [&](Database& db) {
    auto plan = db.prepare("EXPLAIN " + insert_tree);
    int n = 0;
    while (plan.step()) n += plan.text(1) == "OpenEphemeral" ? 1 : 0;
    return std::to_string(n);
  };
  {
    auto old = Store::create(path, 25832, /*up_to_version=*/4);
    CHECK(ephemeral(old.database()) == "1");  // what the IN list cost on every insert
    old.database().execute(insert_tree);
  }
  auto store = Store::open(path);
  auto& db = store.database();
  CHECK(store.schema_version() == 8);
  CHECK(one(db, "PRAGMA integrity_check") == "ok");
  CHECK(ephemeral(db) == "0");
  CHECK(one(db, "SELECT count(*) FROM trees") == "1");
  // The same values are refused as before, table by table.
  const auto refused = [&](const std::string& sql) {
    CHECK_THROWS_AS(db.execute(sql), storage::ConstraintViolation);
  };
  refused("UPDATE trees SET status = 'gone'");
  refused("UPDATE trees SET status = NULL");
  db.execute("UPDATE trees SET status = 'planned'");
  refused(
      "INSERT INTO works (reference, kind, starts_at, ends_at, status, version, updated_at, "
      "geometry)"
      " VALUES ('W1', 'tunnel', '2027-01-01T00:00:00Z', '2027-01-02T00:00:00Z', 'draft', 1,"
      " '2026-01-01T00:00:00Z', GeomFromText('POINT(448000 5538000)', 25832))");
  refused(
      "INSERT INTO works (reference, kind, starts_at, ends_at, status, version, updated_at, "
      "geometry)"
      " VALUES ('W1', 'pit', '2027-01-01T00:00:00Z', '2027-01-02T00:00:00Z', 'maybe', 1,"
      " '2026-01-01T00:00:00Z', GeomFromText('POINT(448000 5538000)', 25832))");
  refused("INSERT INTO users (name, role, created_at) VALUES ('x', 'mayor', '2026-01-01')");
  db.execute("INSERT INTO users (name, role, created_at) VALUES ('x', 'planner', '2026-01-01')");
  // A second connection reads the new text too (the schema version moved).
  Database other(path);
  CHECK(ephemeral(other) == "0");
}

TEST_CASE("open refuses a store whose schema is newer than this build",
          "[storage][store][sqlite-only]") {
  TempDir dir;
  const auto path = dir / "future.sqlite";
  {
    auto store = Store::create(path);
    store.database().execute(
        "INSERT INTO schema_migrations (version, name, applied_at)"
        " VALUES (9, 'from_the_future', '2031-01-01T00:00:00Z')");
  }
  REQUIRE_THROWS_AS(Store::open(path), storage::SchemaError);
  REQUIRE_THROWS_WITH(Store::open(path),
                      path.string() +
                          ": store schema version 9 is newer than this rootzone supports (8): "
                          "upgrade rootzone");
}

TEST_CASE("migrations are embedded in order with the srid placeholder",
          "[storage][migrations][sqlite-only]") {
  const auto all = storage::embedded_migrations();
  REQUIRE(all.size() == 8);
  CHECK(all[0].version == 1);
  CHECK(all[0].name == "initial");
  CHECK(all[0].sql.find("AddGeometryColumn('trees', 'location', {{srid}}, 'POINT', 'XY', 1)") !=
        std::string_view::npos);
  CHECK(all[1].version == 2);
  CHECK(all[1].name == "lookup_indexes");
  CHECK(all[2].version == 3);
  CHECK(all[2].name == "zone_cache");
  CHECK(all[3].version == 4);
  CHECK(all[3].name == "stems_on_tree_row");
}
