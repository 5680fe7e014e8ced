// A PostGIS Store (PgBackend) against the throw-away PostgreSQL: the schema init writes, its
// versions, its guards.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "postgis/pg_fixture.hpp"
#include "rootzone/geo/errors.hpp"
#include "rootzone/storage/errors.hpp"
#include "rootzone/storage/location.hpp"
#include "rootzone/storage/migrations.hpp"
#include "rootzone/storage/store.hpp"

using rootzone::storage::Store;
using rootzone::test::PgTestDatabase;

TEST_CASE("PostGIS migrations count the same schema versions as SpatiaLite's", "[postgis]") {
  const auto sqlite = rootzone::storage::embedded_migrations();
  const auto pg = rootzone::storage::embedded_postgis_migrations();
  REQUIRE(pg.size() == sqlite.size());
  for (std::size_t i = 0; i < pg.size(); ++i) {
    CHECK(pg[i].version == sqlite[i].version);
    CHECK(pg[i].name == sqlite[i].name);
  }
}

TEST_CASE("a PostGIS store: create writes the schema with GiST indexes and the Mainz rule set",
          "[postgis]") {
  PgTestDatabase db;
  auto store = Store::create(db.url(), 25833);
  CHECK(store.srid() == 25833);
  CHECK(store.schema_version() == rootzone::storage::latest_schema_version());
  CHECK(store.postgis());
  CHECK(store.rule_sets().active().name == rootzone::geo::RuleSet::mainz().name);
  CHECK(store.rule_sets().names() == std::vector<std::string>{"mainz"});
  CHECK(store.trees().count() == 0);
  CHECK(store.works().count() == 0);

  CHECK(db.query("SELECT extname FROM pg_extension WHERE extname = 'postgis'") == "postgis");
  CHECK(db.query("SELECT string_agg(version::text, ',' ORDER BY version)"
                 " FROM schema_migrations") == "1,2,3,4,5,6,7,8");
  CHECK(db.query("SELECT value FROM store_meta WHERE key = 'srid'") == "25833");
  // The geometry columns are typed in the store's CRS, and indexed by GiST.
  CHECK(db.query("SELECT type || ' ' || srid FROM geometry_columns"
                 " WHERE f_table_name = 'trees' AND f_geometry_column = 'location'") ==
        "POINT 25833");
  CHECK(db.query("SELECT type || ' ' || srid FROM geometry_columns"
                 " WHERE f_table_name = 'works' AND f_geometry_column = 'geometry'") ==
        "GEOMETRY 25833");
  CHECK(db.query("SELECT string_agg(indexname, ',' ORDER BY indexname) FROM pg_indexes"
                 " WHERE indexdef LIKE '%USING gist%'") == "trees_location,works_geometry");
  // The 15 tables of storage/sql, plus schema_migrations, but tree_stems, a view here (0008);
  // PostGIS's spatial_ref_sys aside.
  CHECK(db.query("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
                 " AND tablename <> 'spatial_ref_sys'") == "15");
  CHECK(db.query("SELECT count(*) FROM pg_views WHERE viewname = 'tree_stems'") == "1");
}

TEST_CASE("a PostGIS store: keeps history append-only and refuses a point in another CRS",
          "[postgis]") {
  PgTestDatabase db;
  Store::create(db.url());
  db.query(
      "INSERT INTO trees (source_id, status, is_protected, protection_source, version,"
      " updated_at, location) VALUES ('B-1', 'existing', true, 'ordinance', 1,"
      " '2026-12-06T22:00:00Z', ST_SetSRID(ST_MakePoint(447000, 5540000), 25832))");
  db.query(
      "INSERT INTO tree_history (tree_id, at, user_name, field, old_value, new_value)"
      " SELECT id, '2026-12-06T22:00:00Z', 'import', 'status', NULL, 'existing' FROM trees");
  CHECK_THROWS_WITH(db.query("UPDATE tree_history SET new_value = 'felled'"),
                    Catch::Contains("tree_history is append-only"));
  CHECK_THROWS_WITH(db.query("DELETE FROM tree_history"),
                    Catch::Contains("tree_history is append-only"));
  CHECK_THROWS_WITH(
      db.query("INSERT INTO trees (source_id, status, is_protected, protection_source, version,"
               " updated_at, location) VALUES ('B-2', 'existing', true, 'ordinance', 1,"
               " '2026-12-06T22:00:00Z', ST_SetSRID(ST_MakePoint(8.27, 50.0), 4326))"),
      Catch::Contains("SRID"));
  CHECK_THROWS_WITH(db.query("DELETE FROM rule_sets"),
                    Catch::Contains("the active rule set cannot be deleted"));
  CHECK(Store::open(db.url()).trees().count() == 1);
}

TEST_CASE("a PostGIS store: create refuses a store twice and a geographic CRS, leaving nothing",
          "[postgis]") {
  PgTestDatabase db;
  CHECK_THROWS_AS(Store::create(db.url(), 4326), rootzone::geo::CrsError);
  // Refused before connecting: not even the extension was made.
  CHECK(db.query("SELECT count(*) FROM pg_extension WHERE extname = 'postgis'") == "0");

  Store::create(db.url());
  CHECK_THROWS_WITH(Store::create(db.url()),
                    Catch::Contains("already holds a rootzone store (schema version 8)"));
  CHECK(db.query("SELECT count(*) FROM rule_sets") == "1");
}

TEST_CASE("a PostGIS store: open refuses a database without a store and a newer schema",
          "[postgis]") {
  PgTestDatabase db;
  CHECK_THROWS_WITH(Store::open(db.url()), Catch::Contains("is not a rootzone store"));
  Store::create(db.url());
  db.query("INSERT INTO schema_migrations VALUES (99, 'from_the_future', '2030-01-01T00:00:00Z')");
  CHECK_THROWS_AS(Store::open(db.url()), rootzone::storage::SchemaError);
  CHECK_THROWS_WITH(Store::open(db.url()),
                    Catch::Contains("schema version 99 is newer than this rootzone supports"));
}

namespace {

// The store at `url` as rootzone 7 left it: tree_stems a table holding `stems` (tree_id, stem_no,
// circumference_cm rows), migration 8 not applied.
void as_schema_version_7(const PgTestDatabase& db, const std::string& stems) {
  db.query(
      "DROP VIEW tree_stems;"
      " CREATE TABLE tree_stems (tree_id bigint NOT NULL REFERENCES trees (id) ON DELETE CASCADE,"
      " stem_no integer NOT NULL CHECK (stem_no >= 1), circumference_cm double precision NOT NULL"
      " CHECK (circumference_cm > 0), PRIMARY KEY (tree_id, stem_no));"
      " INSERT INTO tree_stems VALUES " +
      stems + "; DELETE FROM schema_migrations WHERE version = 8");
}

void add_tree(Store& store, const char* source_id, std::vector<double> stems) {
  rootzone::geo::Tree t;
  t.source_id = source_id;
  t.location = {448000, 5538000};
  t.stem_circumferences_cm = std::move(stems);
  store.trees().insert(t);
}

}  // namespace

TEST_CASE("migration 8 on a PostGIS store of version 7: tree_stems becomes a view of its rows",
          "[postgis][migrations]") {
  PgTestDatabase db;
  {
    auto store = Store::create(db.url());
    add_tree(store, "T-1", {120, 60.5});
    add_tree(store, "T-2", {});
    add_tree(store, "T-3", {0.1 + 0.2});
  }
  as_schema_version_7(db, "(1, 1, 120), (1, 2, 60.5), (3, 1, 0.30000000000000004)");
  REQUIRE(db.query("SELECT relkind::text FROM pg_class WHERE relname = 'tree_stems'") == "r");
  auto store = Store::open(db.url());
  CHECK(store.schema_version() == 8);
  CHECK(db.query("SELECT relkind::text FROM pg_class WHERE relname = 'tree_stems'") == "v");
  CHECK(db.query("SELECT string_agg(tree_id || ':' || stem_no || ':' || circumference_cm, ' '"
                 " ORDER BY tree_id, stem_no) FROM tree_stems") ==
        "1:1:120 1:2:60.5 3:1:0.30000000000000004");
}

TEST_CASE("migration 8 refuses a store whose tree_stems were changed by hand, and keeps them",
          "[postgis][migrations]") {
  PgTestDatabase db;
  {
    auto store = Store::create(db.url());
    add_tree(store, "T-1", {120, 60.5});
    add_tree(store, "T-2", {80});
  }
  // Tree 1's second stem edited in the table only; tree 2's stem deleted there.
  as_schema_version_7(db, "(1, 1, 120), (1, 2, 61)");
  CHECK_THROWS_WITH(Store::open(db.url()),
                    Catch::Contains("but 2 trees have other stems in tree_stems than on their "
                                    "row (changed outside rootzone?)"));
  // Nothing changed: still version 7, the table with its rows.
  CHECK(db.query("SELECT max(version) FROM schema_migrations") == "7");
  CHECK(db.query("SELECT relkind::text FROM pg_class WHERE relname = 'tree_stems'") == "r");
  CHECK(
      db.query("SELECT string_agg(circumference_cm::text, ' ' ORDER BY stem_no) FROM tree_stems") ==
      "120 61");
}

TEST_CASE("PostGIS locations are told from files and print without their password", "[postgis]") {
  using rootzone::storage::is_postgis_location;
  using rootzone::storage::printable_location;
  CHECK(is_postgis_location("postgresql://u@h/db"));
  CHECK(is_postgis_location("postgres:///db?host=/run/pg"));
  CHECK_FALSE(is_postgis_location("city.sqlite"));
  CHECK_FALSE(is_postgis_location("host=h dbname=db"));  // a file name, for rootzone
  CHECK_FALSE(is_postgis_location("postgresql:city.sqlite"));

  CHECK(printable_location("postgresql://u:secret@h:5432/db") == "postgresql://u:***@h:5432/db");
  CHECK(printable_location("postgresql://u@h/db?password=secret&sslmode=require") ==
        "postgresql://u@h/db?password=***&sslmode=require");
  CHECK(printable_location("postgresql://h/db?sslmode=require&password=x") ==
        "postgresql://h/db?sslmode=require&password=***");
  CHECK(printable_location("postgresql://u@h/db") == "postgresql://u@h/db");
  CHECK(printable_location("postgres://h:5/db:x@y") == "postgres://h:5/db:x@y");
  CHECK(printable_location("a:b@c.sqlite") == "a:b@c.sqlite");
}

TEST_CASE("a PostGIS store's rule sets: saved, listed in byte order, one active", "[postgis]") {
  PgTestDatabase db;
  auto store = Store::create(db.url());
  auto& rules = store.rule_sets();
  auto berlin = rootzone::geo::RuleSet::builtin("berlin");
  REQUIRE(berlin);
  rules.save(*berlin);
  auto upper = *berlin;
  upper.name = "Zwickau";  // upper case sorts before lower case in byte order, as on SQLite
  upper.ordinance = "test";
  db.query("INSERT INTO rule_sets (name, json) VALUES ('Zwickau', '" + upper.to_json() + "')");
  CHECK(rules.names() == std::vector<std::string>{"Zwickau", "berlin", "mainz"});
  rules.set_active("berlin");
  CHECK(rules.active().name == "berlin");
  CHECK(db.query("SELECT count(*) FROM rule_sets WHERE active") == "1");
  CHECK_THROWS_AS(rules.set_active("hamburg"), rootzone::storage::NotFound);
  CHECK_THROWS_WITH(rules.set_active("hamburg"), "rule set 'hamburg' not found");
  // The refused switch left the active one as it was.
  CHECK(rules.active().name == "berlin");
  CHECK(rules.get("mainz")->name == "mainz");
  CHECK_FALSE(rules.get("hamburg"));
}
