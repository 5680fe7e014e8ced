// The `rootzone` command line as a user meets it: help, errors, exit codes, init.
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "support/run.hpp"
#include "support/temp_dir.hpp"
#include "support/test_store.hpp"

using rootzone::test::run_rootzone;
using rootzone::test::TempDir;

namespace {
// app/exit_codes.hpp, restated: a changed code is a changed interface and must fail here.
constexpr int ok = 0;
constexpr int usage = 64;
constexpr int data = 65;
constexpr int no_input = 66;
constexpr int cant_create = 73;
}  // namespace

TEST_CASE("rootzone --help lists every command", "[app][cli]") {
  const auto r = run_rootzone({"--help"});
  CHECK(r.exit_code == ok);
  for (const char* cmd :
       {"init", "info", "import", "check", "serve", "users", "tiles", "backup", "rules"}) {
    INFO(cmd);
    CHECK(r.out.find(std::string("  ") + cmd) != std::string::npos);
  }
}

TEST_CASE("each command has its own --help naming its options", "[app][cli]") {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases{
      {{"init", "--help"}, "--srid"},
      {{"info", "--help"}, "--db"},
      {{"import", "trees", "--help"}, "--mapping"},
      {{"import", "works", "--help"}, "--strict"},
      {{"check", "--help"}, "--format"},
      {{"serve", "--help"}, "--port"},
      {{"tiles", "export", "--help"}, "--maxzoom"},
      {{"backup", "--help"}, "--force"},
      {{"init", "--help"}, "--rules"},
      {{"rules", "--help"}, "Built-in rule sets: mainz"},
      {{"rules", "use", "--help"}, "--dry-run"},
  };
  for (const auto& [args, option] : cases) {
    INFO(args.front() << " " << args.at(1));
    const auto r = run_rootzone(args);
    CHECK(r.exit_code == ok);
    CHECK(r.out.find(option) != std::string::npos);
  }
}

TEST_CASE("no command, an unknown command or a missing option is a usage error", "[app][cli]") {
  const auto none = run_rootzone({});
  CHECK(none.exit_code == usage);
  CHECK(none.err.find("A subcommand is required") != std::string::npos);

  const auto unknown = run_rootzone({"plant"});
  CHECK(unknown.exit_code == usage);
  CHECK(unknown.err.find("plant") != std::string::npos);

  const auto missing = run_rootzone({"init"});
  CHECK(missing.exit_code == usage);
  CHECK(missing.err.find("--db is required") != std::string::npos);

  const auto bad_number = run_rootzone({"init", "--db", "x.sqlite", "--srid", "utm"});
  CHECK(bad_number.exit_code == usage);
}

TEST_CASE("init creates a store and reports its CRS and schema", "[app][cli][storage]") {
  TempDir dir;
  const rootzone::test::TestStore location(dir, "city.sqlite");
  const auto db = location.location();
  const auto r = run_rootzone({"init", "--db", db});
  CHECK(r.exit_code == ok);
  CHECK(r.out.find("EPSG:25832 (ETRS89 / UTM zone 32N)") != std::string::npos);
  if (!location.postgis()) CHECK(std::filesystem::exists(db));

  const auto info = run_rootzone({"info", "--db", db});
  CHECK(info.exit_code == ok);
  CHECK(info.out.find("EPSG:25832") != std::string::npos);
  CHECK(info.out.find("trees: 0") != std::string::npos);
}

TEST_CASE("init refuses a geographic CRS and an existing file", "[app][cli][storage]") {
  TempDir dir;
  const rootzone::test::TestStore location(dir, "city.sqlite");
  const auto db = location.location();

  const auto geographic = run_rootzone({"init", "--db", db, "--srid", "4326"});
  CHECK(geographic.exit_code == data);
  CHECK(geographic.err.find("EPSG:4326") != std::string::npos);
  CHECK(geographic.err.find("geographic") != std::string::npos);
  // No file, and no store in the database: info finds none (66 for a file, 74 for a database
  // without a store, docs/postgis.md).
  if (!location.postgis()) CHECK_FALSE(std::filesystem::exists(db));
  CHECK(run_rootzone({"info", "--db", db}).exit_code == (location.postgis() ? 74 : no_input));

  REQUIRE(run_rootzone({"init", "--db", db, "--srid", "25833"}).exit_code == ok);
  const auto again = run_rootzone({"init", "--db", db});
  CHECK(again.exit_code == cant_create);
  CHECK(again.err.find(db) != std::string::npos);
}

// [sqlite-only], as the next case: a missing file; a PostGIS database without a store is tested
// in tests/postgis/test_pg_cli.cpp ("info on PostGIS says when the database holds no store").
TEST_CASE("info on a missing store says so", "[app][cli][storage][sqlite-only]") {
  TempDir dir;
  const auto r = run_rootzone({"info", "--db", (dir / "nowhere.sqlite").string()});
  CHECK(r.exit_code == no_input);
  CHECK(r.err.find("nowhere.sqlite") != std::string::npos);
}

TEST_CASE("tiles export on a missing store says so", "[app][cli][sqlite-only]") {
  TempDir dir;
  const auto r = run_rootzone({"tiles", "export", "--db", (dir / "nowhere.sqlite").string(),
                               "--out", (dir / "x.mbtiles").string()});
  CHECK(r.exit_code == no_input);
  CHECK(r.err.find("nowhere.sqlite") != std::string::npos);
}
