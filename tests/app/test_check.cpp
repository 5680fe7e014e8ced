// `rootzone check` end to end: a real store, the real binary, its output and what it persists.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "rootzone/storage/conflict_inputs.hpp"
#include "rootzone/storage/store.hpp"
#include "support/conflict_case.hpp"
#include "support/run.hpp"
#include "support/store_sql.hpp"
#include "support/temp_dir.hpp"
#include "support/test_store.hpp"

using rootzone::test::run_rootzone;
using namespace rootzone;

namespace {

// The cases use local metres; here they stand in Mainz (EPSG:25832, near the cathedral).
constexpr geo::Point kMainz{448000, 5538000};

// A new store in `dir` holding a case's trees and works; returns its path. Store ids are
// looked up by the city's numbers and references.
std::string store_with_case(const test::TestStore& location, const std::string& name) {
  const auto db = location.location();
  auto store = storage::Store::create(db);
  const auto c = test::load_conflict_case(name, kMainz);
  for (const auto& t : c.trees) store.trees().insert(t);
  for (const auto& w : c.works) store.works().insert(w, "test");
  return db;
}

}  // namespace

TEST_CASE("check prints the hand-computed conflicts as CSV and persists them", "[app][check]") {
  test::TempDir dir;
  const test::TestStore location(dir, "city.sqlite");
  const auto db = store_with_case(location, "trench_distance_boundary");
  const auto r = run_rootzone({"check", "--db", db, "--format", "csv"});
  REQUIRE(r.exit_code == 0);
  // tests/cases/conflicts/trench_distance_boundary.json: R_t 4.48 m, R_r 4.5 m; the overlaps
  // are cap(4.5, 4.47) = 0.020764 m^2 and cap(4.5, 4.49) = 0.003999 m^2 of a 63.617 m^2 disc
  // (shares 0.000326 and 0.0000629). Rules hold commas, so CSV quotes them.
  CHECK(r.out ==
        "tree_id,work_id,severity,min_distance_m,overlap_m2,overlap_share,rule\n"
        "1,W-1,critical,4.470,0.021,0.0003,\"trench distance (RAS-LP 4, DIN 18920): pit 4.47 m "
        "from the stem < R_t 4.48 m\"\n"
        "2,W-2,high,4.490,0.004,0.0001,\"root zone, excavation: pit 4.49 m from the stem < R_r "
        "4.5 m (DIN 18920: crown 6 m / 2 + 1.5 m)\"\n");
  CHECK_THAT(r.err, Catch::Contains("2 tree conflicts (critical 1, high 1, medium 0)"));

  auto store = storage::Store::open(db);
  CHECK(store.conflicts().all_tree_work_conflicts().size() == 2);
  // Zones of all three protected trees, for SQL clients and the oracle.
  CHECK(test::sql_one(store, "SELECT count(*) FROM tree_zones") == "3");
  CHECK(std::stod(test::sql_one(store, "SELECT min(trench_radius_m) FROM tree_zones")) ==
        Approx(4.48));
  CHECK(std::stod(test::sql_one(store, "SELECT max(root_radius_m) FROM tree_zones")) ==
        Approx(4.5));
}

TEST_CASE("an acknowledgement survives a re-check while the conflict holds", "[app][check]") {
  test::TempDir dir;
  const test::TestStore location(dir, "city.sqlite");
  const auto db = store_with_case(location, "work_touching_two_trees");
  REQUIRE(run_rootzone({"check", "--db", db}).exit_code == 0);
  {
    auto store = storage::Store::open(db);
    const auto all = store.conflicts().all_tree_work_conflicts();
    REQUIRE(all.size() == 2);
    store.conflicts().acknowledge_tree_work_conflict(all[0].id, {"planner", {}, "root bridge"});
  }
  REQUIRE(run_rootzone({"check", "--db", db}).exit_code == 0);
  {
    auto store = storage::Store::open(db);
    const auto all = store.conflicts().all_tree_work_conflicts();
    REQUIRE(all.size() == 2);
    REQUIRE(all[0].acknowledged);
    CHECK(all[0].acknowledged->comment == "root bridge");
    CHECK_FALSE(all[1].acknowledged);

    // The work completes: its conflicts go stale and disappear on the next check.
    const auto work = store.works().find_by_reference("W-1").value();
    store.works().set_status({.id = 0,
                              .work_id = work.id,
                              .from = work.status,
                              .to = geo::WorkStatus::completed,
                              .at = {},
                              .user = "planner",
                              .comment = "done",
                              .conditions = ""},
                             std::nullopt);
  }
  const auto r = run_rootzone({"check", "--db", db});
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.err, Catch::Contains("0 tree conflicts"));
  auto store = storage::Store::open(db);
  CHECK(store.conflicts().all_tree_work_conflicts().empty());
}

TEST_CASE("check --work answers for one work, clashes and GeoJSON in lon/lat", "[app][check]") {
  test::TempDir dir;
  const test::TestStore location(dir, "city.sqlite");
  const auto db = store_with_case(location, "work_work_coordination");
  const auto clashes = run_rootzone({"check", "--db", db, "--clashes", "--format", "csv"});
  REQUIRE(clashes.exit_code == 0);
  CHECK(clashes.out ==
        "work_a,work_b,distance_m,overlap_start,overlap_end\n"
        "W-1,W-2,15.000,2027-05-20T00:00:00Z,2027-05-30T00:00:00Z\n"
        "W-2,W-4,18.028,2027-06-15T00:00:00Z,2027-07-30T00:00:00Z\n");

  const auto one = run_rootzone({"check", "--db", db, "--work", "W-4", "--clashes"});
  REQUIRE(one.exit_code == 0);
  CHECK_THAT(one.out, Catch::Contains("W-2     W-4"));
  CHECK_THAT(one.out, !Catch::Contains("W-1"));

  const auto missing = run_rootzone({"check", "--db", db, "--work", "W-99"});
  CHECK(missing.exit_code == 65);
  CHECK_THAT(missing.err, Catch::Contains("work 'W-99' not found"));
}

TEST_CASE("check --format geojson gives tree points in lon/lat", "[app][check]") {
  test::TempDir dir;
  const test::TestStore location(dir, "city.sqlite");
  const auto db = store_with_case(location, "point_with_radius");
  const auto r = run_rootzone({"check", "--db", db, "--format", "geojson"});
  REQUIRE(r.exit_code == 0);
  const auto fc = nlohmann::json::parse(r.out);
  REQUIRE(fc.at("features").size() == 1);
  const auto& f = fc.at("features").at(0);
  // The tree at (448000, 5538000) in UTM 32N: `echo "448000 5538000" | cs2cs EPSG:25832
  // EPSG:4326 -f %.5f` gives 49.99206 N 8.27454 E; GeoJSON wants lon first.
  CHECK(f.at("geometry").at("coordinates").at(0).get<double>() == Approx(8.27454).margin(1e-5));
  CHECK(f.at("geometry").at("coordinates").at(1).get<double>() == Approx(49.99206).margin(1e-5));
  CHECK(f.at("properties").at("severity") == "medium");
  CHECK(f.at("properties").at("work_id") == "W-1");
}

TEST_CASE("a second check loads the stored zones, a changed tree makes it draw them again",
          "[app][check]") {
  test::TempDir dir;
  const test::TestStore location(dir, "city.sqlite");
  const auto db = store_with_case(location, "multi_stem_sum");
  const auto first = run_rootzone({"check", "--db", db, "--format", "csv"});
  REQUIRE(first.exit_code == 0);
  // Only tree 1 (45 + 40 cm) is protected in multi_stem_sum.json: one zone.
  CHECK_THAT(first.err, Catch::Contains("1 zones updated\n"));
  const auto second = run_rootzone({"check", "--db", db, "--format", "csv"});
  REQUIRE(second.exit_code == 0);
  CHECK_THAT(second.err, Catch::Contains("0 zones updated (zones loaded as stored)"));
  CHECK(second.out == first.out);

  {
    // The tree grows: its version changes, so the stored zones no longer derive from the trees.
    auto store = storage::Store::open(db);
    auto tree = store.trees().find_by_source_id("1").value();
    tree.stem_circumferences_cm = {60, 40};
    store.trees().update(tree, tree.version, "field");
  }
  const auto third = run_rootzone({"check", "--db", db, "--format", "csv"});
  REQUIRE(third.exit_code == 0);
  CHECK_THAT(third.err, !Catch::Contains("loaded as stored"));
  // U = 1.0 m now: R_t = 4.0 m, and the trench 3.3 m away is still critical, now under 4 m.
  CHECK_THAT(third.out, Catch::Contains("< R_t 4 m"));
}
