// The zones the first import of a city stores (TreeBulkWriter::keep_zones): they must be the
// zones the first check would draw and store, to the last bit, and marked current, so that the
// check finds them instead of drawing them. Konstanz: 15,936 trees, 8,962 protected under Mainz
// (test_import_trees.cpp), every tree standing.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "import_fixture.hpp"
#include "rootzone/storage/conflict_inputs.hpp"
#include "rootzone/storage/rule_set_repository.hpp"
#include "rootzone/storage/tree_repository.hpp"
#include "support/store_sql.hpp"
#include "support/temp_dir.hpp"
#include "support/test_store.hpp"

using namespace rootzone;
using test::TempDir;

namespace {

// tree_zones as stored, every column but computed_at (the clock); doubles as exact text.
std::vector<std::vector<std::string>> zone_rows(storage::Store& store) {
  return test::sql_rows(
      store,
      "SELECT tree_id, rule_set, root_zone_rule, printf('%!.17g', root_radius_m),"
      " printf('%!.17g', trench_radius_m), printf('%!.17g', x), printf('%!.17g', y),"
      " printf('%!.17g', basis_value_m) FROM tree_zones ORDER BY tree_id",
      8);
}

// The same rows on PostGIS, whose printf is not SQLite's: doubles as their exact bits.
std::vector<std::vector<std::string>> exact_zone_rows(storage::Store& store) {
  if (!test::testing_postgis()) return zone_rows(store);
  return test::sql_rows(
      store,
      "SELECT tree_id, rule_set, root_zone_rule, float8send(root_radius_m)::text,"
      " float8send(trench_radius_m)::text, float8send(x)::text, float8send(y)::text,"
      " float8send(basis_value_m)::text FROM tree_zones ORDER BY tree_id",
      8);
}

std::string stored_marker(storage::Store& store) {
  return test::sql_one(store, "SELECT value FROM store_meta WHERE key = 'zones_marker'");
}

bool same_zones(const std::vector<geo::ZonedTree>& a, const std::vector<geo::ZonedTree>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto& x = a[i];
    const auto& y = b[i];
    if (x.id != y.id || x.location.x != y.location.x || x.location.y != y.location.y ||
        x.zone.root_radius_m != y.zone.root_radius_m ||
        x.zone.trench_radius_m != y.zone.trench_radius_m || x.zone.basis != y.zone.basis ||
        x.zone.basis_value_m != y.zone.basis_value_m) {
      return false;
    }
  }
  return true;
}

// A store the Konstanz trees were imported into, empty before.
struct ImportedKonstanz {
  TempDir dir;
  test::TestStore location{dir, "kn.sqlite"};
  storage::Store store = storage::Store::create(location.location());
  ImportedKonstanz() { test::import_trees(store, test::konstanz_csv(), test::konstanz_mapping()); }
};

}  // namespace

TEST_CASE(
    "the first import stores every protected tree's zone, marked current, as a check draws it",
    "[importers][zones]") {
  TempDir dir;
  const test::TestStore location(dir, "kn.sqlite");
  auto store = storage::Store::create(location.location());
  const auto r = test::import_trees(store, test::konstanz_csv(), test::konstanz_mapping());
  REQUIRE(r.summary.committed);
  REQUIRE(r.summary.protected_trees == 8962);
  const auto rules = store.rule_sets().active();

  // What the first check loads: the stored zones, current, one per protected tree.
  const auto loaded = storage::load_zoned_trees(store, rules);
  CHECK(loaded.from_cache);
  CHECK(loaded.trees.size() == 8962);
  CHECK(stored_marker(store) == loaded.marker);
  const auto imported_rows = exact_zone_rows(store);
  CHECK(imported_rows.size() == 8962);
  CHECK(test::sql_one(store, "SELECT count(DISTINCT computed_at) FROM tree_zones") == "1");

  // What it would draw and store without them: the same zones and the same rows.
  test::sql_exec(store, "DELETE FROM store_meta WHERE key = 'zones_marker'");
  const auto drawn = storage::load_zoned_trees(store, rules);
  CHECK_FALSE(drawn.from_cache);
  CHECK(drawn.marker == loaded.marker);
  CHECK(same_zones(drawn.trees, loaded.trees));
  CHECK(storage::save_tree_zones(store, rules, drawn.marker, drawn.trees) == 8962);
  CHECK(exact_zone_rows(store) == imported_rows);
}

TEST_CASE("under another rule set the first import stores that rule set's zones",
          "[importers][zones]") {
  TempDir dir;
  const test::TestStore location(dir, "kn.sqlite");
  auto store = storage::Store::create(location.location());
  store.rule_sets().save(geo::RuleSet::berlin());
  store.rule_sets().set_active("berlin");
  REQUIRE(test::import_trees(store, test::konstanz_csv(), test::konstanz_mapping())
              .summary.protected_trees == 8196);
  const auto loaded = storage::load_zoned_trees(store, geo::RuleSet::berlin());
  CHECK(loaded.from_cache);
  CHECK(loaded.trees.size() == 8196);
  CHECK(test::sql_one(store, "SELECT count(*) FROM tree_zones WHERE rule_set = 'berlin'") ==
        "8196");
  // Under Mainz's rules they are not current.
  CHECK_FALSE(storage::load_zoned_trees(store, geo::RuleSet::mainz()).from_cache);
}

TEST_CASE("an import into a store holding trees leaves the zones to the next check",
          "[importers][zones]") {
  ImportedKonstanz k;
  auto& store = k.store;
  const auto& dir = k.dir;
  const auto rules = store.rule_sets().active();
  const auto before = stored_marker(store);

  // One more protected tree (a 120 cm lime): the stored zones no longer describe the trees.
  auto more = test::read_file(test::konstanz_csv());
  more += "9.17,47.67,99999,999991,1,52,11,7,120,Teststrasse,Winter-Linde,Tilia cordata,Tilia\n";
  test::write_file(dir / "more.csv", more);
  const auto again = test::import_trees(store, dir / "more.csv", test::konstanz_mapping());
  REQUIRE(again.summary.inserted == 1);
  CHECK(stored_marker(store) == before);
  CHECK(test::sql_one(store, "SELECT count(*) FROM tree_zones") == "8962");
  const auto loaded = storage::load_zoned_trees(store, rules);
  CHECK_FALSE(loaded.from_cache);
  CHECK(loaded.trees.size() == 8963);
}

TEST_CASE("a dry run and an aborted import store no zones", "[importers][zones]") {
  TempDir dir;
  const test::TestStore location(dir, "kn.sqlite");
  auto store = storage::Store::create(location.location());
  test::import_trees(store, test::konstanz_csv(), test::konstanz_mapping(), false, true);
  auto broken = test::read_file(test::konstanz_csv());
  broken += "999999,not-a-number,47.66,,,,,,,,\n";
  test::write_file(dir / "broken.csv", broken);
  CHECK(test::import_trees(store, dir / "broken.csv", test::konstanz_mapping(), true)
            .summary.aborted);
  CHECK(store.trees().count() == 0);
  CHECK(test::sql_one(store, "SELECT count(*) FROM tree_zones") == "0");
  CHECK(stored_marker(store).empty());
}

TEST_CASE("a check reads the zones' packed copy, and the rows when it is gone or damaged",
          "[importers][zones]") {
  ImportedKonstanz k;
  auto& store = k.store;
  const auto rules = store.rule_sets().active();
  CHECK(test::sql_one(store, "SELECT marker FROM tree_zones_packed WHERE id = 1") ==
        stored_marker(store));
  const auto first = storage::load_zoned_trees(store, rules);
  REQUIRE(first.trees.size() == 8962);

  // A row changed behind rootzone's back (no SQL client should): the packed copy is what is
  // read while it is there, so the first zone keeps its x ...
  const auto id = first.trees.front().id;
  test::sql_exec(store, "UPDATE tree_zones SET x = x + 1 WHERE tree_id = " + std::to_string(id));
  auto packed = storage::load_zoned_trees(store, rules);
  CHECK(packed.from_cache);
  CHECK(same_zones(packed.trees, first.trees));

  // ... and without it, or with bytes that are no packing, the rows are read.
  test::sql_exec(store, test::testing_postgis()
                            ? "UPDATE tree_zones_packed SET zones = '\\x00'::bytea"
                            : "UPDATE tree_zones_packed SET zones = X'00'");
  auto damaged = storage::load_zoned_trees(store, rules);
  CHECK(damaged.from_cache);
  REQUIRE(damaged.trees.size() == 8962);
  CHECK(damaged.trees.front().location.x == first.trees.front().location.x + 1);
  test::sql_exec(store, "DELETE FROM tree_zones_packed");
  auto rows = storage::load_zoned_trees(store, rules);
  CHECK(rows.from_cache);
  CHECK(same_zones(rows.trees, damaged.trees));
}
