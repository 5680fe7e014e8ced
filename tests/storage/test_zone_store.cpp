// The zones `rootzone check` stores: written by a second connection while the trees are read
// (load_and_save_zoned_trees) they must be the rows save_tree_zones writes, to the last bit.
// Every case is [sqlite-only]: they test the SQLite forms (storage::Database&, a second SQLite
// connection writing beside the reader); the PostGIS zone cache is held to these rows in
// tests/postgis/test_pg_conflicts.cpp ("PostGIS draws, stores and reloads the zones ...").
#include <catch2/catch.hpp>
#include <cmath>
#include <numbers>
#include <string>
#include <tuple>
#include <vector>

#include "rootzone/storage/conflict_inputs.hpp"
#include "rootzone/storage/database.hpp"
#include "rootzone/storage/errors.hpp"
#include "store_fixture.hpp"

using rootzone::test::StoreFixture;
namespace geo = rootzone::geo;
namespace storage = rootzone::storage;

namespace {

// A tree of the hand-made case: only what the zone rules read differs between them.
geo::Tree tree(std::string source_id, geo::Point at, std::vector<double> stems,
               std::optional<double> crown, std::string species = "Tilia cordata") {
  geo::Tree t;
  t.source_id = std::move(source_id);
  t.location = at;
  t.species_botanical = std::move(species);
  t.stem_circumferences_cm = std::move(stems);
  t.crown_diameter_m = crown;
  t.protection = {true, geo::ProtectionSource::manual, "by hand"};
  return t;
}

// tree_zones as stored, every column but computed_at (the clock).
using ZoneRow =
    std::tuple<std::int64_t, std::string, std::string, double, double, double, double, double>;
std::vector<ZoneRow> stored_zones(storage::Database& db) {
  auto s = db.prepare(
      "SELECT tree_id, rule_set, root_zone_rule, root_radius_m, trench_radius_m, x, y,"
      " basis_value_m FROM tree_zones ORDER BY tree_id");
  std::vector<ZoneRow> rows;
  while (s.step()) {
    rows.emplace_back(s.int64(0), s.text(1), s.text(2), s.real(3), s.real(4), s.real(5), s.real(6),
                      s.real(7));
  }
  return rows;
}

std::string text_of(storage::Database& db, const std::string& sql) {
  auto s = db.prepare(sql);
  return s.step() && !s.is_null(0) ? s.text(0) : "(none)";
}

// The old path: read, then write on this connection.
std::size_t load_then_save(storage::Database& db, const geo::RuleSet& rules) {
  const auto load = storage::load_zoned_trees(db, rules);
  return storage::save_tree_zones(db, rules, load.marker, load.trees);
}

// The hand-made city: five protected existing trees with zones, one too small, one felled.
void insert_case(storage::Store& store) {
  // U = 62.5 + 41 = 103.5 cm; columnar by hand: R_r = 6.5 / 2 + 5 = 8.25 m, R_t = 4 x 1.035 m.
  auto columnar = tree("Z-1", {448000.5, 5538000.25}, {62.5, 41}, 6.5, "Acer platanoides");
  columnar.columnar = true;
  store.trees().insert(columnar);
  // No crown: BS 5837 fallback, d = 1.2 m / pi = 0.38197 m, R_r = 12 d = 4.5837 m, R_t = 4.8 m.
  store.trees().insert(tree("Z-2", {448010, 5538000}, {120}, std::nullopt));
  // Columnar by name ("Fastigiata"), U = 90 cm: R_r = 10 / 2 + 5 = 10 m, R_t = 3.6 m.
  store.trees().insert(
      tree("Z-3", {448020, 5538000}, {30, 30, 30}, 10, "Quercus robur 'Fastigiata'"));
  // Plain DIN 18920: R_r = 8 / 2 + 1.5 = 5.5 m, R_t = 4 x 0.9 = 3.6 m.
  store.trees().insert(tree("Z-4", {448030, 5538000}, {90}, 8));
  auto small = tree("Z-5", {448040, 5538000}, {40}, 3);
  small.protection = {false, geo::ProtectionSource::ordinance, "below 80 cm"};
  store.trees().insert(small);
  auto felled = tree("Z-6", {448050, 5538000}, {200}, 12);
  felled.status = geo::TreeStatus::felled;
  felled.felled_on = rootzone::test::date(2026, 3, 1);
  store.trees().insert(felled);
  // U = 50 cm: R_t at its floor of 2.5 m (4 x 0.5 = 2 m), R_r = 3 / 2 + 1.5 = 3 m.
  store.trees().insert(tree("Z-7", {448060, 5538000}, {50}, 3));
}

}  // namespace

TEST_CASE("zones written while the trees are read are the hand-computed ones",
          "[storage][zones][sqlite-only]") {
  StoreFixture f;
  insert_case(f.store);
  auto& db = f.store.database();
  const auto rules = f.store.rule_sets().active();
  REQUIRE(rules.name == "mainz");  // DIN 18920 zones
  const auto generation = text_of(db, "SELECT value FROM store_meta WHERE key = 'generation'");

  auto both = storage::load_and_save_zoned_trees(db, rules);
  CHECK_FALSE(both.load.from_cache);
  REQUIRE(both.load.trees.size() == 5);
  CHECK(both.written.get() == 5);

  const auto rows = stored_zones(db);
  REQUIRE(rows.size() == 5);
  const auto check_row = [&](std::size_t i, std::int64_t id, const char* rule, double root,
                             double trench, geo::Point at, double basis) {
    const auto& [tree_id, rule_set, code, r_r, r_t, x, y, value] = rows[i];
    CHECK(tree_id == id);
    CHECK(rule_set == "mainz");
    CHECK(code == rule);
    CHECK(r_r == Approx(root).epsilon(1e-12));
    CHECK(r_t == Approx(trench).epsilon(1e-12));
    CHECK(x == at.x);
    CHECK(y == at.y);
    CHECK(value == Approx(basis).epsilon(1e-12));
  };
  check_row(0, 1, "din18920_columnar", 8.25, 4.14, {448000.5, 5538000.25}, 6.5);
  check_row(1, 2, "bs5837_no_crown", 12 * 1.2 / std::numbers::pi, 4.8, {448010, 5538000},
            1.2 / std::numbers::pi);
  check_row(2, 3, "din18920_columnar", 10, 3.6, {448020, 5538000}, 10);
  check_row(3, 4, "din18920", 5.5, 3.6, {448030, 5538000}, 8);
  check_row(4, 7, "din18920", 3, 2.5, {448060, 5538000}, 3);

  // The marker says the zones are current, the write bumped the generation, and every zone
  // belongs to a tree although the writing connection left the foreign key unchecked.
  CHECK(text_of(db, "SELECT value FROM store_meta WHERE key = 'zones_marker'") == both.load.marker);
  CHECK(text_of(db, "SELECT value FROM store_meta WHERE key = 'generation'") != generation);
  CHECK(text_of(db, "SELECT count(*) FROM pragma_foreign_key_check('tree_zones')") == "0");
  auto computed_at = db.prepare("SELECT count(DISTINCT computed_at) FROM tree_zones");
  REQUIRE(computed_at.step());
  CHECK(computed_at.int64(0) == 1);

  // The same rows, bit for bit, as the old path writes them into a store of the same trees.
  StoreFixture old;
  insert_case(old.store);
  CHECK(load_then_save(old.store.database(), rules) == 5);
  CHECK(stored_zones(old.store.database()) == rows);

  // Nothing changed: the next call loads them as stored and writes nothing.
  auto again = storage::load_and_save_zoned_trees(db, rules);
  CHECK(again.load.from_cache);
  CHECK(again.written.get() == 0);
  REQUIRE(again.load.trees.size() == both.load.trees.size());
  for (std::size_t i = 0; i < again.load.trees.size(); ++i) {
    CHECK(again.load.trees[i].id == both.load.trees[i].id);
    CHECK(again.load.trees[i].location == both.load.trees[i].location);
    CHECK(again.load.trees[i].zone == both.load.trees[i].zone);
  }
}

TEST_CASE("zones written in many statements and handovers equal the old path's",
          "[storage][zones][sqlite-only]") {
  // 4,229 protected trees: one handover of 4,096 zones (32 statements of 128 rows) and one
  // of 133 (a statement of 128 rows and one of 5); every third tree unprotected between them.
  StoreFixture fresh;
  StoreFixture old;
  for (auto* store : {&fresh.store, &old.store}) {
    storage::Transaction tx(store->database());
    for (int i = 0; i < 4229 * 3 / 2; ++i) {
      auto t = tree("M-" + std::to_string(i), {448000.0 + i * 0.37, 5538000.0 - i * 0.11},
                    {40.0 + i % 97 + 0.1 * (i % 7)},
                    i % 5 == 0 ? std::nullopt : std::optional(2.0 + i % 11));
      t.protection.is_protected = i % 3 != 2;
      store->trees().insert(t);
    }
    tx.commit();
  }
  const auto rules = fresh.store.rule_sets().active();
  auto both = storage::load_and_save_zoned_trees(fresh.store.database(), rules);
  REQUIRE(both.written.get() == 4229);
  CHECK(load_then_save(old.store.database(), rules) == 4229);
  const auto rows = stored_zones(fresh.store.database());
  REQUIRE(rows.size() == 4229);
  CHECK(rows == stored_zones(old.store.database()));
  CHECK(std::get<0>(rows.back()) == 6343);  // the last protected tree: i = 6342, id i + 1
}

TEST_CASE("a zone write whose reading fails stores nothing and leaves the store writable",
          "[storage][zones][sqlite-only]") {
  StoreFixture f;
  insert_case(f.store);
  auto& db = f.store.database();
  const auto rules = f.store.rule_sets().active();
  REQUIRE(storage::load_and_save_zoned_trees(db, rules).written.get() == 5);
  const auto before = stored_zones(db);
  const auto marker = text_of(db, "SELECT value FROM store_meta WHERE key = 'zones_marker'");

  // A new tree makes the zones stale; a stems text edited by hand makes the reading fail.
  f.store.trees().insert(tree("Z-8", {448070, 5538000}, {100}, 5));
  db.execute("UPDATE trees SET stems_cm = '100,x' WHERE source_id = 'Z-8'");
  CHECK_THROWS_AS(storage::load_and_save_zoned_trees(db, rules), storage::StorageError);
  CHECK(stored_zones(db) == before);
  CHECK(text_of(db, "SELECT value FROM store_meta WHERE key = 'zones_marker'") == marker);

  // The writer's lock is gone: repaired, the next call stores six zones.
  db.execute("UPDATE trees SET stems_cm = '100' WHERE source_id = 'Z-8'");
  auto both = storage::load_and_save_zoned_trees(db, rules);
  CHECK(both.written.get() == 6);
  CHECK(stored_zones(db).size() == 6);
}

TEST_CASE("inside a transaction the zones are written in it", "[storage][zones][sqlite-only]") {
  StoreFixture f;
  insert_case(f.store);
  auto& db = f.store.database();
  const auto rules = f.store.rule_sets().active();
  {
    storage::Transaction tx(db);
    // A tree this transaction added: another connection could not see it.
    f.store.trees().insert(tree("Z-8", {448070, 5538000}, {100}, 5));
    auto both = storage::load_and_save_zoned_trees(db, rules);
    CHECK(both.written.get() == 6);
    CHECK(stored_zones(db).size() == 6);
  }  // rolled back, the zones with it
  CHECK(stored_zones(db).empty());
  CHECK(text_of(db, "SELECT value FROM store_meta WHERE key = 'zones_marker'") == "(none)");
}
