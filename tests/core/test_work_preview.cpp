// The work preview's use case (core/work_preview.hpp) and the live engine's readers on a real
// store, without HTTP. MZ-2 (120 cm, crown 8 m) of support/mainz_city.hpp is protected:
// R_t = max(2.5, 4 x 1.20) = 4.8 m, R_r = 8 / 2 + 1.5 = 5.5 m (docs/domain.md).
#include <catch2/catch.hpp>
#include <stdexcept>

#include "core_fixture.hpp"
#include "error_kind.hpp"
#include "rootzone/core/live_engine.hpp"
#include "rootzone/core/work_preview.hpp"
#include "rootzone/storage/data_generation.hpp"
#include "rootzone/storage/store.hpp"
#include "support/test_store.hpp"

using namespace rootzone;
using core::ErrorKind;
using geo::Role;
using test::error_of;

namespace {

// A pit of radius 1 m 2 m east of MZ-2: its edge 1.0 m from the stem.
geo::Work pit(std::string reference, std::string contractor, double x = 448112) {
  geo::Work w;
  w.reference = std::move(reference);
  w.title = "Hausanschluss";
  w.contractor = std::move(contractor);
  w.kind = geo::WorkKind::pit;
  w.geometry = geo::Geometry::from_wkt("POINT (" + std::to_string(x) + " 5538003)");
  w.radius_m = 1.0;
  w.starts_at = geo::parse_utc("2027-05-01T06:00:00Z").value();
  w.ends_at = geo::parse_utc("2027-05-20T16:00:00Z").value();
  w.status = geo::WorkStatus::submitted;
  w.source = "api";
  return w;
}

std::int64_t generation(core::Application& app) { return storage::data_generation(app.store()); }

}  // namespace

TEST_CASE("work preview: what the submission stores, nothing stored, with the zones") {
  test::CoreCity city;
  core::Application app(city.db);
  const auto contractor = test::as(Role::contractor, "Tiefbau GmbH");
  const auto before = generation(app);
  const auto seen = core::preview_work(app, contractor, pit("P-1", "Tiefbau GmbH"));
  CHECK(generation(app) == before);
  CHECK(app.store().works().count() == 1);
  CHECK(seen.work.id == 0);
  CHECK(seen.work.version == 1);
  REQUIRE(seen.conflicts.trees.size() == 1);
  REQUIRE(seen.conflicts.zoned.size() == 1);
  CHECK(seen.conflicts.zoned[0].id == city.tree2);
  CHECK(seen.conflicts.zoned[0].zone.trench_radius_m == Approx(4.8));
  CHECK(seen.conflicts.zoned[0].zone.root_radius_m == Approx(5.5));

  const auto stored = core::submit_work(app, contractor, pit("P-1", "Tiefbau GmbH"));
  REQUIRE(stored.conflicts.trees.size() == 1);
  const auto& a = seen.conflicts.trees[0];
  const auto& b = stored.conflicts.trees[0];
  CHECK(a.tree_id == b.tree_id);
  CHECK(a.severity == b.severity);
  CHECK(a.rule == b.rule);
  CHECK(a.min_distance_m == b.min_distance_m);
  CHECK(a.overlap_m2 == b.overlap_m2);
  CHECK(a.work_id == 0);
  REQUIRE(stored.conflicts.zoned.size() == 1);
  CHECK(stored.conflicts.zoned[0].location == seen.conflicts.zoned[0].location);
  CHECK(stored.conflicts.zoned[0].zone == seen.conflicts.zoned[0].zone);

  // Planners may preview for no one; field staff and the public may not; a contractor only for
  // its own organisation.
  CHECK(core::preview_work(app, test::as(Role::planner), pit("P-2", "")).conflicts.trees.size() ==
        1);
  CHECK(error_of([&] {
          core::preview_work(app, test::as(Role::field_staff), pit("P-2", ""));
        }).kind() == ErrorKind::forbidden);
  CHECK(error_of([&] { core::preview_work(app, test::kPublic, pit("P-2", "")); }).kind() ==
        ErrorKind::unauthorized);
  CHECK(error_of([&] { core::preview_work(app, contractor, pit("P-2", "Netze AG")); }).kind() ==
        ErrorKind::forbidden);
}

TEST_CASE("live engine: a write that fails after changing the engine leaves no trace for readers") {
  test::CoreCity city;
  core::Application app(city.db);
  const auto planner = test::as(Role::planner);
  // A work that is never committed: upserted into the engine, then the write fails.
  auto ghost = pit("GHOST", "Netze AG", 448125);
  ghost.id = 999;
  CHECK_THROWS_AS(app.live().write([&](core::LiveEngine::Session& s) -> int {
    s.change_engine([&](geo::ConflictEngine& e) { e.upsert_work(ghost); });
    throw std::runtime_error("the store failed after the engine changed");
  }),
                  std::runtime_error);
  CHECK_FALSE(app.live().read([](const geo::ConflictEngine& e) { return e.open_work(999); }));
  // A preview beside it sees no clash with the ghost.
  CHECK(core::preview_work(app, planner, pit("P-1", "")).conflicts.works.empty());
}

TEST_CASE(
    "live engine: another process's write reaches readers once a reader waits between writes") {
  test::CoreCity city;
  core::Application app(city.db);
  const auto planner = test::as(Role::planner);
  {
    auto store = storage::Store::open(city.db);
    storage::StoreTransaction tx(store);
    store.works().insert(pit("IMPORT-1", "Netze AG", 448125), "import");
    storage::bump_data_generation(store);
    tx.commit();
  }
  // On PostGIS the write's notice may reach the follower first (docs/postgis.md "Several
  // nodes: change notifications"): then the engine is current sooner, which is right too.
  if (!test::testing_postgis()) {
    CHECK(core::preview_work(app, planner, pit("P-1", "")).conflicts.works.empty());
  }
  app.live().between_writes([] {});  // what a tile request does when the generation moved
  const auto after = core::preview_work(app, planner, pit("P-1", ""));
  REQUIRE(after.conflicts.works.size() == 1);
  CHECK(after.partners.at(0).work.reference == "IMPORT-1");
  CHECK(after.partners.at(0).details);
  // A contractor of another organisation sees its public layer only.
  const auto other = core::preview_work(app, test::as(Role::contractor, "Tiefbau GmbH"),
                                        pit("P-1", "Tiefbau GmbH"));
  REQUIRE(other.partners.size() == 1);
  CHECK_FALSE(other.partners.at(0).details);
}
