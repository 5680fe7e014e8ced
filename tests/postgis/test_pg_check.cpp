// `rootzone check` and `rootzone rules` on a PostGIS store print, byte for byte, what they print
// on a SpatiaLite file holding the same city, and store the same conflicts, zones and history.
//
// The check and `rules use` cases read the open works through WorkRepository::open(), which
// the PostGIS import branch (pg-import) brings: they pass once both branches are merged.
#include <catch2/catch.hpp>
#include <fstream>
#include <string>
#include <vector>

#include "pg/connection.hpp"
#include "postgis/pg_city_copy.hpp"
#include "postgis/pg_fixture.hpp"
#include "rootzone/storage/store.hpp"
#include "support/run.hpp"
#include "support/temp_dir.hpp"

using namespace rootzone;
using rootzone::test::PgTestDatabase;
using rootzone::test::run_rootzone;
using rootzone::test::TempDir;

namespace {

struct TwoCities {
  TempDir dir;
  PgTestDatabase db;
  std::string file = (dir / "city.sqlite").string();
  TwoCities() {
    auto sqlite = test::city_of_all_cases(file);
    auto pg = storage::Store::create(db.url());
    test::copy_city_to_postgis(sqlite, db.url());
  }
};

// stderr without the line of timings, which no two runs share.
std::string without_times(const std::string& err) {
  std::string out;
  std::size_t from = 0;
  while (from < err.size()) {
    auto end = err.find('\n', from);
    if (end == std::string::npos) end = err.size() - 1;
    const auto line = err.substr(from, end - from + 1);
    if (!line.starts_with("time:")) out += line;
    from = end + 1;
  }
  return out;
}

// What a check stored, without the times it was computed at (each store ran at its own).
std::vector<geo::TreeWorkConflict> stored_conflicts(const std::string& location) {
  auto store = storage::Store::open(location);
  auto all = store.conflicts().all_tree_work_conflicts();
  for (auto& c : all) c.computed_at = {};
  return all;
}

std::vector<geo::WorkWorkConflict> stored_clashes(const std::string& location) {
  auto store = storage::Store::open(location);
  auto all = store.conflicts().all_work_work_conflicts();
  for (auto& c : all) c.computed_at = {};
  return all;
}

std::string write_file(const TempDir& dir, const std::string& name, const std::string& text) {
  const auto path = (dir / name).string();
  std::ofstream(path) << text;
  return path;
}

}  // namespace

TEST_CASE("rules list, show and add print on PostGIS what they print for a file",
          "[postgis][rules][cli]") {
  TwoCities c;
  const auto both = [&](std::vector<std::string> args) {
    auto on_file = args;
    on_file.insert(on_file.end(), {"--db", c.file});
    args.insert(args.end(), {"--db", c.db.url()});
    return std::pair{run_rootzone(on_file), run_rootzone(args)};
  };
  {
    const auto [file, pg] = both({"rules", "list"});
    REQUIRE(file.exit_code == 0);
    CHECK(pg.exit_code == 0);
    CHECK(pg.out == file.out);
    CHECK(pg.out.starts_with("* mainz"));
  }
  for (const std::string name : {"", "berlin", "nowhere"}) {
    INFO("rules show " << name);
    std::vector<std::string> args{"rules", "show"};
    if (!name.empty()) args.push_back(name);
    const auto [file, pg] = both(args);
    CHECK(pg.exit_code == file.exit_code);
    CHECK(pg.out == file.out);
    CHECK(pg.err == file.err);
  }
  const auto json = storage::Store::open(c.file).rule_sets().active().to_json();
  auto custom = json;
  custom.replace(custom.find("\"mainz\""), 7, "\"mainz-2027\"");
  const auto path = write_file(c.dir, "mainz-2027.json", custom);
  {
    const auto [file, pg] = both({"rules", "add", path});
    REQUIRE(file.exit_code == 0);
    CHECK(pg.exit_code == 0);
    // The hint names the store it was given.
    CHECK(pg.out == "rule set mainz-2027 stored: " +
                        storage::Store::open(c.file).rule_sets().active().ordinance +
                        "\n(`rootzone rules use mainz-2027 --db " + c.db.url() +
                        "` makes it the one in force)\n");
  }
  {
    const auto [file, pg] = both({"rules", "list"});
    CHECK(pg.out == file.out);
    CHECK(pg.out.find("  mainz-2027") != std::string::npos);
  }
  // The active one cannot be replaced, on either store.
  const auto active = write_file(c.dir, "mainz.json", json);
  const auto [file, pg] = both({"rules", "add", active});
  CHECK(file.exit_code != 0);
  CHECK(pg.exit_code == file.exit_code);
  CHECK(pg.err == file.err);
}

TEST_CASE("check prints on PostGIS what it prints for a file, in every format",
          "[postgis][check][cli]") {
  TwoCities c;
  const std::vector<std::vector<std::string>> runs = {
      {"check", "--format", "csv"},
      {"check"},
      {"check", "--format", "geojson"},
      {"check", "--clashes"},
      {"check", "--clashes", "--format", "csv"},
      {"check", "--work", "work_work_coordination/W-1", "--format", "csv"},
      {"check", "--work", "1"},
      {"check", "--work", "no-such-work"},
  };
  for (const auto& args : runs) {
    std::string label;
    for (const auto& a : args) label += a + " ";
    INFO(label);
    auto on_file = args;
    on_file.insert(on_file.end(), {"--db", c.file});
    auto on_pg = args;
    on_pg.insert(on_pg.end(), {"--db", c.db.url()});
    const auto file = run_rootzone(on_file);
    const auto pg = run_rootzone(on_pg);
    CHECK(pg.exit_code == file.exit_code);
    CHECK(pg.out == file.out);
    CHECK(without_times(pg.err) == without_times(file.err));
  }
  // The first full check drew the zones; the later ones found them stored.
  const auto again = run_rootzone({"check", "--db", c.db.url()});
  CHECK(again.err.find("0 zones updated (zones loaded as stored)") != std::string::npos);

  CHECK(stored_conflicts(c.db.url()) == stored_conflicts(c.file));
  CHECK(stored_clashes(c.db.url()) == stored_clashes(c.file));
  CHECK_FALSE(stored_conflicts(c.db.url()).empty());
  auto file_store = storage::Store::open(c.file);
  auto zones = file_store.database().prepare("SELECT count(*) FROM tree_zones");
  REQUIRE(zones.step());
  CHECK(zones.int64(0) > 0);
  CHECK(c.db.query("SELECT count(*) FROM tree_zones") == std::to_string(zones.int64(0)));
}

TEST_CASE("rules use on PostGIS prints the figures of a file and a dry run leaves it unchanged",
          "[postgis][rules][cli]") {
  TwoCities c;
  REQUIRE(run_rootzone({"check", "--db", c.file}).exit_code == 0);
  REQUIRE(run_rootzone({"check", "--db", c.db.url()}).exit_code == 0);
  const std::string state =
      "SELECT (SELECT count(*) FROM tree_history) || '/' || (SELECT count(*) FROM rule_set_changes)"
      " || '/' || (SELECT sum(version) FROM trees) || '/' || (SELECT name FROM rule_sets WHERE"
      " active) || '/' || (SELECT count(*) FROM tree_work_conflicts) || '/' || (SELECT count(*)"
      " FROM rule_sets) || '/' || (SELECT string_agg(tree_id || ':' || root_radius_m, ','"
      " ORDER BY tree_id) FROM tree_zones)";
  const auto before = c.db.query(state);

  const auto dry_file =
      run_rootzone({"rules", "use", "berlin", "--dry-run", "--user", "anna", "--db", c.file});
  const auto dry_pg =
      run_rootzone({"rules", "use", "berlin", "--dry-run", "--user", "anna", "--db", c.db.url()});
  REQUIRE(dry_file.exit_code == 0);
  CHECK(dry_pg.exit_code == 0);
  CHECK(dry_pg.out == dry_file.out);
  CHECK(dry_pg.out.ends_with("dry run: nothing was written\n"));
  CHECK(c.db.query(state) == before);

  const auto use_file = run_rootzone({"rules", "use", "berlin", "--user", "anna", "--db", c.file});
  const auto use_pg =
      run_rootzone({"rules", "use", "berlin", "--user", "anna", "--db", c.db.url()});
  REQUIRE(use_file.exit_code == 0);
  CHECK(use_pg.exit_code == 0);
  CHECK(use_pg.out == use_file.out);
  CHECK(c.db.query(state) != before);
  CHECK(c.db.query("SELECT name FROM rule_sets WHERE active") == "berlin");
  CHECK(stored_conflicts(c.db.url()) == stored_conflicts(c.file));
  CHECK(c.db.query("SELECT count(*) FROM rule_set_changes") == "1");
}
