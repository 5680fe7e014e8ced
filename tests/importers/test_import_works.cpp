// Works from the German feeds (data/works/feeds) and the WZDx examples (data/works/wzdx).
#include <catch2/catch.hpp>

#include "import_fixture.hpp"
#include "rootzone/importers/errors.hpp"
#include "rootzone/importers/mapping.hpp"
#include "rootzone/storage/work_repository.hpp"
#include "support/run.hpp"
#include "support/temp_dir.hpp"
#include "support/test_store.hpp"

using namespace rootzone;
using test::TempDir;

namespace {

importers::ImportResult import_feed(storage::Store& store, const std::string& feed,
                                    const std::string& mapping) {
  importers::ImportOptions o;
  o.file = test::sample("works/feeds/" + feed);
  o.mapping = importers::Mapping::load(test::mapping_file(mapping));
  return importers::import_works(store, o);
}

importers::ImportResult import_wzdx(storage::Store& store, const std::filesystem::path& file) {
  importers::ImportOptions o;
  o.file = file;
  o.format = importers::SourceFormat::wzdx;
  return importers::import_works(store, o);
}

}  // namespace

TEST_CASE("Rhineland-Palatinate feed: 5 works, re-import changes nothing", "[importers][works]") {
  TempDir dir;
  const test::TestStore store_location(dir, "a.sqlite");
  auto store = storage::Store::create(store_location.location());
  const auto r = import_feed(store, "ogc_rlp_baustelle.json", "rlp-baustellen-ogc");
  CHECK(r.summary.read == 5);
  CHECK(r.summary.inserted == 5);
  CHECK(r.report.empty());
  const auto w =
      store.works().find_by_reference("RLP:baustelle.KVBADDUE_2024B00107N1_OVERALL_49955627");
  REQUIRE(w);
  CHECK(w->title == "K2: Vollsperrung");
  CHECK(w->kind == geo::WorkKind::traffic_management);
  CHECK(w->status == geo::WorkStatus::approved);
  CHECK(w->contact == "verkehr@kreis-bad-duerkheim.de");
  CHECK(geo::format_utc(w->starts_at) == "2024-02-01T07:00:00Z");
  CHECK(geo::format_utc(w->ends_at) == "2026-12-31T18:00:00Z");
  CHECK(w->geometry.type_name() == "Point");
  CHECK(w->source == "rlp-baustellen-ogc");

  const auto again = import_feed(store, "ogc_rlp_baustelle.json", "rlp-baustellen-ogc");
  CHECK(again.summary.unchanged == 5);
  CHECK(again.summary.inserted + again.summary.updated == 0);
}

TEST_CASE("Hamburg feed: 3 works, German dates in local time", "[importers][works]") {
  TempDir dir;
  const test::TestStore store_location(dir, "a.sqlite");
  auto store = storage::Store::create(store_location.location());
  const auto r = import_feed(store, "ogc_hamburg_baustellen.json", "hamburg-baustellen-ogc");
  CHECK(r.summary.inserted == 3);
  CHECK(r.report.empty());
  const auto w = store.works().find_by_reference("HH:DE.HH.UP_BAUSTELLE_3628374");
  REQUIRE(w);
  // 22.07.2026 - 23.07.2026, Europe/Berlin summer time (UTC+2), the end date inclusive.
  CHECK(geo::format_utc(w->starts_at) == "2026-07-21T22:00:00Z");
  CHECK(geo::format_utc(w->ends_at) == "2026-07-23T21:59:59Z");
  CHECK(w->contractor == "Behörde für Verkehr und Mobilitätswende");
}

TEST_CASE("Berlin feed: a 25833 store takes 3 of 5, a 25832 store refuses all as outside",
          "[importers][works]") {
  TempDir dir;
  const test::TestStore utm33_location(dir, "b.sqlite");
  auto utm33 = storage::Store::create(utm33_location.location(), 25833);
  const auto r = import_feed(utm33, "berlin_baustellen_live_pull.json", "berlin-viz-baustellen");
  CHECK(r.summary.read == 5);
  CHECK(r.summary.inserted == 3);
  CHECK(r.summary.refused == 2);  // validity.from is empty
  for (const auto& p : r.report.problems()) {
    CHECK(p.field == "validity_from");
    CHECK(p.reason == "missing required field: starts_at");
  }
  const auto w = utm33.works().find_by_reference("BE:LMS-BR/r_LMS-BR/416895_LMS-BR/72");
  REQUIRE(w);
  CHECK(geo::format_utc(w->starts_at) == "2026-07-24T05:00:00Z");  // 24.07.2026 07:00 CEST
  CHECK(w->geometry.type_name() == "GeometryCollection");

  const test::TestStore utm32_location(dir, "a.sqlite");
  auto utm32 = storage::Store::create(utm32_location.location());
  const auto refused =
      import_feed(utm32, "berlin_baustellen_live_pull.json", "berlin-viz-baustellen");
  CHECK(refused.summary.refused == 5);
  CHECK(refused.summary.inserted == 0);
  std::size_t outside = 0;
  for (const auto& p : refused.report.problems()) {
    if (p.reason.rfind("outside the area of use: EPSG:25832", 0) == 0) ++outside;
  }
  CHECK(outside == 3);
}

TEST_CASE("WZDx examples: a 26915 store takes every work zone and skips the detours",
          "[importers][works][wzdx]") {
  TempDir dir;
  const test::TestStore iowa_location(dir, "iowa.sqlite");
  auto iowa = storage::Store::create(iowa_location.location(), 26915);
  const std::vector<std::tuple<std::string, int, int, int, int>> expected{
      // file, read, inserted, updated, skipped
      {"scenario1_simple_linestring_example", 5, 5, 0, 0},
      {"scenario1_simple_multipoint_example", 5, 0, 5, 0},  // the same five events as points
      {"scenario2_laneshift_linestring_example", 1, 1, 0, 0},
      {"scenario3_shoulder_bidirectional_linestring_example", 2, 2, 0, 0},
      {"scenario4_detour_linestring_example", 4, 1, 0, 3},
      {"scenario5_recurring_linestring_example", 4, 4, 0, 0},
      {"scenario6_multi_lane_closure_linestring_example", 1, 1, 0, 0},
      {"scenario7_mobileoperation_linestring_example", 2, 2, 0, 0},
      {"scenario8_local_access_only_bidirectional_linestring_example", 2, 2, 0, 0},
  };
  for (const auto& [name, read, inserted, updated, skipped] : expected) {
    INFO(name);
    const auto r = import_wzdx(iowa, test::sample("works/wzdx/" + name + ".geojson"));
    CHECK(r.summary.read == read);
    CHECK(r.summary.inserted == inserted);
    CHECK(r.summary.updated == updated);
    CHECK(r.summary.skipped == skipped);
    CHECK(r.summary.refused == 0);
  }
  CHECK(iowa.works().count() == 18);
  const auto w = iowa.works().find_by_reference("85912735-7a36-45f5-b644-41b0203ae400");
  REQUIRE(w);
  CHECK(w->title == "I-80, I-35: Single-direction work zone with lane shift");
  CHECK(w->kind == geo::WorkKind::surface);  // types_of_work: surface-work
  CHECK(geo::format_utc(w->starts_at) == "2010-01-01T05:57:36Z");
  CHECK(geo::format_utc(w->ends_at) == "2010-01-05T23:00:00Z");
  CHECK(w->contractor == "Test City 1");
  CHECK(w->geometry.type_name() == "LineString");
}

TEST_CASE("WZDx examples: a 25832 store refuses Iowa as outside its area",
          "[importers][works][wzdx]") {
  TempDir dir;
  const test::TestStore db_location(dir, "mainz.sqlite");
  const auto db = db_location.location();
  REQUIRE(test::run_rootzone({"init", "--db", db}).exit_code == 0);
  const auto r = test::run_rootzone(
      {"import", "works",
       test::sample("works/wzdx/scenario1_simple_linestring_example.geojson").string(), "--db", db,
       "--format", "wzdx", "--report", (dir / "problems.csv").string()});
  CHECK(r.exit_code == 65);
  CHECK(r.err.find("5 record(s) refused") != std::string::npos);
  const auto report = test::read_file(dir / "problems.csv");
  CHECK(report.rfind("severity,file,record,line,id,field,value,reason\n", 0) == 0);
  CHECK(report.find("refused,") != std::string::npos);
  CHECK(report.find("outside the area of use: EPSG:25832 (ETRS89 / UTM zone 32N) covers lon "
                    "6.00000..12.01000, lat 38.76000..84.33000; the record lies at lon ") !=
        std::string::npos);
  auto store = storage::Store::open(db);
  CHECK(store.works().count() == 0);
}

TEST_CASE("WZDx business rules: undeclared data source, missing dates, local times",
          "[importers][works][wzdx]") {
  TempDir dir;
  auto text = test::read_file(
      test::sample("works/wzdx/scenario3_shoulder_bidirectional_linestring_example.geojson"));
  // Feature 1: data_source_id "7", not in feed_info. Feature 2: no start_date at all.
  const auto first = text.find("\"data_source_id\": \"1\"", text.find("\"features\""));
  REQUIRE(first != std::string::npos);
  text.replace(first, 21, "\"data_source_id\": \"7\"");
  const auto start = text.rfind("\"start_date\"");
  text.replace(start, 12, "\"start_datum\"");
  test::write_file(dir / "broken.geojson", text);

  const test::TestStore iowa_location(dir, "iowa.sqlite");
  auto iowa = storage::Store::create(iowa_location.location(), 26915);
  const auto r = import_wzdx(iowa, dir / "broken.geojson");
  CHECK(r.summary.read == 2);
  CHECK(r.summary.refused == 2);
  REQUIRE(r.report.problems().size() == 2);
  CHECK(r.report.problems()[0].record == 1);
  CHECK(r.report.problems()[0].reason == "WZDx: data_source_id not in feed_info.data_sources");
  CHECK(r.report.problems()[1].record == 2);
  // The schema's violation now, at its JSON Pointer (test_import_wzdx_schema.cpp).
  CHECK(r.report.problems()[1].field == "/properties");
  CHECK(r.report.problems()[1].reason ==
        "schema: WZDx 4.2 (WorkZoneFeed.json, RoadEventFeature.json): Missing required property "
        "'start_date'.");
}

// Found by the fuzz targets: nlohmann throws out_of_range (not parse_error) for a number beyond
// a double, which escaped the importers' own errors (a stack trace instead of exit 65).
TEST_CASE("a number beyond a double: a WZDx feed is unreadable, a mapping is refused",
          "[importers][works][wzdx]") {
  TempDir dir;
  const test::TestStore store_location(dir, "a.sqlite");
  auto store = storage::Store::create(store_location.location());
  const auto feed = dir / "feed.geojson";
  std::ofstream(feed) << R"({"type": "FeatureCollection", "features": [1e400]})";
  CHECK_THROWS_AS(import_wzdx(store, feed), importers::InputUnreadable);
  CHECK_THROWS_WITH(import_wzdx(store, feed),
                    Catch::Matchers::Contains("number overflow parsing '1e400'"));
  const auto mapping = R"({"name": "x", "limits": 1e400})";
  CHECK_THROWS_AS(importers::Mapping::from_json(mapping), importers::MappingError);
  CHECK_THROWS_WITH(importers::Mapping::from_json(mapping),
                    Catch::Matchers::Contains("number overflow parsing '1e400'"));
}
