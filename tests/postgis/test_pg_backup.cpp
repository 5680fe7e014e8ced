// `rootzone backup` of a PostGIS store: pg_dump's custom format, restored with pg_restore into a
// fresh database, which then opens as the same store (docs/postgis.md, "Backups on PostGIS").
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

#include "postgis/pg_fixture.hpp"
#include "rootzone/storage/store.hpp"
#include "support/run.hpp"
#include "support/temp_dir.hpp"

using rootzone::test::PgTestDatabase;
using rootzone::test::run;
using rootzone::test::run_rootzone;
using rootzone::test::TempDir;

namespace {

std::string pg_tool(const std::string& name) {
  const std::string debian = "/usr/lib/postgresql/15/bin/" + name;
  return std::filesystem::exists(debian) ? debian : name;
}

// A tree and a history row written as the importer would, with SQL: the backup must carry
// every table, not only what the store made at init.
void add_tree(const PgTestDatabase& db) {
  db.query(
      "INSERT INTO trees (source_id, status, is_protected, protection_source, version,"
      " updated_at, stems_cm, location) VALUES ('B-7', 'existing', true, 'ordinance', 1,"
      " '2026-12-07T01:00:00Z', '120', ST_SetSRID(ST_MakePoint(447000.25, 5540000.5), 25832))");
  db.query(
      "INSERT INTO tree_history (tree_id, at, user_name, field, old_value, new_value)"
      " SELECT id, '2026-12-07T01:00:00Z', 'import', 'status', NULL, 'existing' FROM trees");
}

}  // namespace

TEST_CASE("backup of a PostGIS store restores into a fresh database as the same store",
          "[postgis]") {
  PgTestDatabase db;
  REQUIRE(run_rootzone({"init", "--db", db.url(), "--rules", "berlin"}).exit_code == 0);
  add_tree(db);
  TempDir dir;
  const auto out = (dir / "city.dump").string();

  const auto r = run_rootzone({"backup", "--db", db.url(), "--out", out});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK(r.out.starts_with("backup " + db.url() + " -> " + out + ": pg_dump custom format, "));
  CHECK(r.out.find("; pg_restore --list ok; one snapshot of the database") != std::string::npos);
  // Only the dump is left in the folder: the temporary file was renamed.
  CHECK(std::distance(std::filesystem::directory_iterator(dir.path()),
                      std::filesystem::directory_iterator()) == 1);

  PgTestDatabase restored;
  const auto restore =
      run({pg_tool("pg_restore"), "--no-owner", "--dbname=" + restored.url(), out});
  INFO(restore.err);
  REQUIRE(restore.exit_code == 0);
  auto store = rootzone::storage::Store::open(restored.url());
  CHECK(store.postgis());
  CHECK(store.srid() == 25832);
  CHECK(store.rule_sets().active().name == "berlin");
  CHECK(store.trees().count() == 1);
  CHECK(restored.query("SELECT source_id || ' ' || ST_AsText(location) FROM trees") ==
        "B-7 POINT(447000.25 5540000.5)");
  CHECK(restored.query("SELECT count(*) FROM tree_history") == "1");
  // The append-only guard came along with the schema.
  CHECK_THROWS_WITH(restored.query("DELETE FROM tree_history"),
                    Catch::Contains("tree_history is append-only"));
}

TEST_CASE("backup of a PostGIS store refuses what it refuses for a file and leaves nothing",
          "[postgis]") {
  PgTestDatabase db;
  TempDir dir;
  const auto out = (dir / "city.dump").string();

  // A database without a store: nothing is dumped.
  auto r = run_rootzone({"backup", "--db", db.url(), "--out", out});
  CHECK(r.exit_code != 0);
  CHECK(r.err.find("is not a rootzone store") != std::string::npos);
  CHECK(std::filesystem::is_empty(dir.path()));

  REQUIRE(run_rootzone({"init", "--db", db.url()}).exit_code == 0);
  REQUIRE(run_rootzone({"backup", "--db", db.url(), "--out", out}).exit_code == 0);
  const auto size = std::filesystem::file_size(out);
  // An existing file stays unless --force.
  r = run_rootzone({"backup", "--db", db.url(), "--out", out});
  CHECK(r.exit_code == 73);
  CHECK(r.err.find("the file already exists (--force replaces it)") != std::string::npos);
  add_tree(db);
  CHECK(run_rootzone({"backup", "--db", db.url(), "--out", out, "--force"}).exit_code == 0);
  CHECK(std::filesystem::file_size(out) > size);
  // A folder that does not exist.
  r = run_rootzone({"backup", "--db", db.url(), "--out", (dir / "no" / "x.dump").string()});
  CHECK(r.exit_code != 0);
  CHECK(r.err.find("does not exist") != std::string::npos);
}
