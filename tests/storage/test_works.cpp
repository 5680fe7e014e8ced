// WorkRepository: geometry round trips through the store, lifecycle transitions, locking.
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

  // SpatiaLite's WKT writer puts a space after the comma, PostGIS's none.
  CHECK(f.one("SELECT ST_AsText(geometry) || ' ' || ST_SRID(geometry) FROM works"
              " WHERE reference = 'TBA-1'") ==
        (f.postgis() ? "LINESTRING(447100 5541230,447140 5541236) 25832"
                     : "LINESTRING(447100 5541230, 447140 5541236) 25832"));
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
  CHECK(f.one("SELECT count(*) FROM work_status_history") == "0");
}

namespace {

// Hand-made WKB of a point in Mainz with a third ordinate (GEOS writes 2D only): `type` is the
// geometry type code as the writer puts it (ISO 1001 POINT Z, 2001 POINT M, or EWKB's flag).
geo::Geometry point_with(std::uint32_t type, int ordinates) {
  std::vector<std::uint8_t> wkb{1};
  for (int i = 0; i < 4; ++i) wkb.push_back(static_cast<std::uint8_t>(type >> (8 * i)));
  const double values[] = {447120.0, 5541233.0, 3.0};
  for (int i = 0; i < ordinates; ++i) {
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(&values[i]);
    wkb.insert(wkb.end(), bytes, bytes + sizeof(double));
  }
  return geo::Geometry(wkb);
}

}  // namespace

// WorkRepository promises 2D WKB: SpatiaLite 5 would store a Z coordinate and PostGIS's column
// would refuse it, so both stores refuse it before writing, in the same words.
TEST_CASE("a work geometry with Z or M is refused in the same words by both stores",
          "[storage][works]") {
  StoreFixture f;
  auto& works = f.store.works();
  for (const auto& [name, geometry] :
       std::vector<std::pair<std::string, geo::Geometry>>{{"ISO Z", point_with(1001, 3)},
                                                          {"ISO M", point_with(2001, 3)},
                                                          {"EWKB Z", point_with(0x80000001u, 3)}}) {
    INFO(name);
    auto w = sample_work("TBA-Z");
    w.kind = geo::WorkKind::pit;
    w.width_m.reset();
    w.radius_m = 1.0;
    w.geometry = geometry;
    CHECK_THROWS_AS(works.insert(w, "netze.bau"), storage::ConstraintViolation);
    CHECK_THROWS_WITH(works.insert(w, "netze.bau"),
                      "work TBA-Z: the geometry has Z or M coordinates; the store holds 2D "
                      "geometries only");
  }
  CHECK(works.count() == 0);
  // The next work takes id 1, as if nothing had been tried; an update is refused the same way.
  auto flat = sample_work("TBA-1");
  const auto id = works.insert(flat, "netze.bau");
  CHECK(id == 1);
  auto moved = works.get(id);
  moved.kind = geo::WorkKind::pit;
  moved.width_m.reset();
  moved.radius_m = 1.0;
  moved.geometry = point_with(1001, 3);
  CHECK_THROWS_WITH(works.update(moved, 1),
                    "work 1: the geometry has Z or M coordinates; the store holds 2D geometries "
                    "only");
  CHECK(works.get(id).geometry == flat.geometry);
  CHECK(works.get(id).version == 1);
}
