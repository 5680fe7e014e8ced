// WorkRepository: geometry round trips through SpatiaLite, lifecycle transitions, locking.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "rootzone/storage/errors.hpp"
#include "store_fixture.hpp"

using rootzone::test::sample_work;
using rootzone::test::StoreFixture;
using rootzone::test::utc;
namespace geo = rootzone::geo;
namespace storage = rootzone::storage;

TEST_CASE("works of every geometry shape come back equal, WKB byte for byte", "[storage][works]") {
  StoreFixture f;
  auto& works = f.store.works();

  auto trench = sample_work("TBA-1");
  auto site = sample_work("TBA-2");
  site.kind = geo::WorkKind::site_facility;
  site.geometry = geo::Geometry::from_wkt(
      "POLYGON ((447100 5541200, 447130 5541200, 447130 5541220, 447100 5541220, "
      "447100 5541200))");
  site.width_m = std::nullopt;
  site.depth_m = std::nullopt;
  site.contact = "";
  auto crane = sample_work("TBA-3");
  crane.kind = geo::WorkKind::crane;
  crane.geometry = geo::Geometry::from_point({447110.5, 5541210.25});
  crane.width_m = std::nullopt;
  crane.radius_m = 12;
  crane.status = geo::WorkStatus::draft;

  std::vector<geo::Work> expected;
  for (auto w : {trench, site, crane}) {
    w.id = works.insert(w, "netze.bau");
    w.version = 1;
    expected.push_back(w);
  }
  for (const auto& w : expected) {
    INFO(w.reference);
    const auto stored = works.get(w.id);
    CHECK(stored == w);
    CHECK(stored.geometry.wkb() == w.geometry.wkb());
  }
  CHECK(works.find_by_reference("TBA-2") == expected[1]);
  CHECK(works.find_by_reference("TBA-9") == std::nullopt);
  CHECK(works.all() == expected);
  CHECK(works.count() == 3);

  auto s = f.store.database().prepare(
      "SELECT AsText(geometry), ST_SRID(geometry) FROM works WHERE reference = 'TBA-1'");
  REQUIRE(s.step());
  CHECK(s.text(0) == "LINESTRING(447100 5541230, 447140 5541236)");
  CHECK(s.int64(1) == 25832);
}

TEST_CASE("inserting a work records its first status", "[storage][works]") {
  StoreFixture f;
  const auto id = f.store.works().insert(sample_work(), "netze.bau");
  CHECK(f.store.works().status_history(id) ==
        std::vector<geo::WorkStatusChange>{{.id = 1,
                                            .work_id = id,
                                            .from = std::nullopt,
                                            .to = geo::WorkStatus::submitted,
                                            .at = utc(2026, 2, 1, 10),
                                            .user = "netze.bau",
                                            .comment = "",
                                            .conditions = ""}});
}

TEST_CASE("status changes are recorded with who, when, comment and conditions",
          "[storage][works]") {
  StoreFixture f;
  auto& works = f.store.works();
  const auto id = works.insert(sample_work(), "netze.bau");

  const auto approved = works.set_status({.id = 0,
                                          .work_id = id,
                                          .from = std::nullopt,
                                          .to = geo::WorkStatus::approved,
                                          .at = utc(2026, 2, 10, 8),
                                          .user = "planung.weber",
                                          .comment = "mit Auflagen genehmigt",
                                          .conditions = "Handschachtung im Abstand < 5 m zu "
                                                        "Baum MZ-04711; Wurzelbrücke"},
                                         /*expected_version=*/1);
  const geo::WorkStatusChange expected{.id = 2,
                                       .work_id = id,
                                       .from = geo::WorkStatus::submitted,
                                       .to = geo::WorkStatus::approved,
                                       .at = utc(2026, 2, 10, 8),
                                       .user = "planung.weber",
                                       .comment = "mit Auflagen genehmigt",
                                       .conditions =
                                           "Handschachtung im Abstand < 5 m zu Baum "
                                           "MZ-04711; Wurzelbrücke"};
  CHECK(approved == expected);
  const auto work = works.get(id);
  CHECK(work.status == geo::WorkStatus::approved);
  CHECK(work.version == 2);
  CHECK(work.updated_at == utc(2026, 2, 10, 8));
  const auto history = works.status_history(id);
  REQUIRE(history.size() == 2);
  CHECK(history[1] == expected);

  REQUIRE_THROWS_AS(works.set_status({.id = 0,
                                      .work_id = id,
                                      .from = std::nullopt,
                                      .to = geo::WorkStatus::in_progress,
                                      .at = utc(2026, 4, 6),
                                      .user = "netze.bau",
                                      .comment = "",
                                      .conditions = ""},
                                     1),
                    storage::VersionConflict);
  CHECK_THROWS_WITH(works.set_status({.id = 0,
                                      .work_id = 404,
                                      .from = std::nullopt,
                                      .to = geo::WorkStatus::cancelled,
                                      .at = utc(2026, 4, 6),
                                      .user = "netze.bau",
                                      .comment = "",
                                      .conditions = ""}),
                    "work 404 not found");
  CHECK(works.status_history(id).size() == 2);
}

TEST_CASE("a work update checks the version and leaves the status to set_status",
          "[storage][works]") {
  StoreFixture f;
  auto& works = f.store.works();
  auto work = works.get(works.insert(sample_work(), "netze.bau"));

  work.ends_at = utc(2026, 5, 8, 16);
  work.geometry = geo::Geometry::from_wkt("LINESTRING (447100 5541230, 447160 5541240)");
  const auto at = utc(2026, 2, 3, 9);
  const auto stored = works.update(work, 1, at);
  auto expected = work;
  expected.version = 2;
  expected.updated_at = at;
  CHECK(stored == expected);
  CHECK(works.get(work.id) == expected);

  REQUIRE_THROWS_WITH(works.update(work, 1), "work 1: version 1 expected, store has 2");
  auto status = expected;
  status.status = geo::WorkStatus::approved;
  REQUIRE_THROWS_WITH(works.update(status, 2),
                      "work 1: status submitted -> approved must go through set_status, which "
                      "records the transition");
}

TEST_CASE("impossible works are refused by the schema", "[storage][works]") {
  StoreFixture f;
  auto& works = f.store.works();
  auto backwards = sample_work("TBA-1");
  backwards.ends_at = utc(2026, 4, 1);
  CHECK_THROWS_WITH(works.insert(backwards, "netze.bau"),
                    Catch::StartsWith("work TBA-1: ") &&
                        Catch::EndsWith("CHECK constraint failed: ends_at >= starts_at"));
  auto no_geometry = sample_work("TBA-2");
  no_geometry.geometry = geo::Geometry();
  CHECK_THROWS_AS(works.insert(no_geometry, "netze.bau"), storage::ConstraintViolation);
  auto garbage = sample_work("TBA-3");
  garbage.geometry = geo::Geometry(std::vector<std::uint8_t>{1, 2, 3, 4});
  CHECK_THROWS_AS(works.insert(garbage, "netze.bau"), storage::ConstraintViolation);
  CHECK(works.count() == 0);
  auto history = f.store.database().prepare("SELECT count(*) FROM work_status_history");
  REQUIRE(history.step());
  CHECK(history.int64(0) == 0);
}
