// WZDx feeds against the official schemas of their own version (data/wzdx-schema): each
// violation refused at its JSON Pointer, the rest imported. The documents are the shipped 4.2
// example scenario1_simple_linestring_example (five work zones, data/works/wzdx), changed in
// the way each case says; the 4.1 and 4.0 documents are that example written as those
// versions write it.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "import_fixture.hpp"
#include "rootzone/importers/errors.hpp"
#include "rootzone/storage/work_repository.hpp"
#include "support/temp_dir.hpp"
#include "support/test_store.hpp"

using namespace rootzone;
using Json = nlohmann::json;
using test::TempDir;

namespace {

const char* const kFive = "works/wzdx/scenario1_simple_linestring_example.geojson";

Json example() { return Json::parse(test::read_file(test::sample(kFive))); }

// 4.1 has the same members as 4.2 for these events; only the version differs.
Json as_4_1(Json doc) {
  doc["feed_info"]["version"] = "4.1";
  return doc;
}

// 4.0 names the header road_event_feed_info and states accuracies where 4.1 has booleans.
Json as_4_0(Json doc) {
  doc["road_event_feed_info"] = doc["feed_info"];
  doc.erase("feed_info");
  doc["road_event_feed_info"]["version"] = "4.0";
  const std::pair<const char*, const char*> renamed[] = {
      {"is_start_date_verified", "start_date_accuracy"},
      {"is_end_date_verified", "end_date_accuracy"},
      {"is_start_position_verified", "beginning_accuracy"},
      {"is_end_position_verified", "ending_accuracy"}};
  for (auto& f : doc["features"]) {
    auto& p = f["properties"];
    for (const auto& [flag, accuracy] : renamed) {
      p[accuracy] = p.value(flag, false) ? "verified" : "estimated";
      p.erase(flag);
    }
  }
  return doc;
}

// Into a new store for Iowa (UTM 15N) in `dir`, one per call.
importers::ImportResult import_doc(const TempDir& dir, const std::string& text) {
  static int stores = 0;
  const test::TestStore location(dir, "iowa" + std::to_string(++stores) + ".sqlite");
  auto store = storage::Store::create(location.location(), 26915);
  test::write_file(dir / "feed.geojson", text);
  importers::ImportOptions o;
  o.file = dir / "feed.geojson";
  o.format = importers::SourceFormat::wzdx;
  return importers::import_works(store, o);
}

importers::ImportResult import_doc(const TempDir& dir, const Json& doc) {
  return import_doc(dir, doc.dump());
}

std::string unreadable(const TempDir& dir, const std::string& text) {
  try {
    import_doc(dir, text);
  } catch (const importers::InputUnreadable& e) {
    return e.what();
  }
  return "no InputUnreadable";
}

std::string file_of(const std::filesystem::path& dir) { return (dir / "feed.geojson").string(); }

const std::string k42 = "schema: WZDx 4.2 (WorkZoneFeed.json, RoadEventFeature.json): ";

}  // namespace

TEST_CASE("WZDx schema: a valid 4.0, 4.1 and 4.2 document imports all five work zones",
          "[importers][works][wzdx]") {
  for (const auto& doc : {as_4_0(example()), as_4_1(example()), example()}) {
    TempDir dir;
    INFO(doc.dump().substr(0, 80));
    const auto r = import_doc(dir, doc);
    CHECK(r.summary.read == 5);
    CHECK(r.summary.inserted == 5);
    CHECK(r.summary.refused == 0);
    CHECK(r.report.empty());
  }
}

TEST_CASE("WZDx schema: a 4.1 work zone whose road_names is [] is refused at its pointer",
          "[importers][works][wzdx]") {
  // RoadEventCoreDetails.road_names: "type": "array", "minItems": 1 (4.1 RoadEventFeature.json).
  // Before the schema, such a work zone was imported with an empty title and no word.
  auto doc = as_4_1(example());
  doc["features"][0]["properties"]["core_details"]["road_names"] = Json::array();
  TempDir dir;
  const auto r = import_doc(dir, doc);
  CHECK(r.summary.read == 5);
  CHECK(r.summary.inserted == 4);
  CHECK(r.summary.refused == 1);
  REQUIRE(r.report.problems().size() == 1);
  const auto& p = r.report.problems()[0];
  CHECK(p.severity == importers::Severity::refused);
  CHECK(p.record == 1);
  CHECK(p.id == "af2e3f51-611f-4ce0-9282-2f28ca68e62f");
  CHECK(p.field == "/properties/core_details/road_names");
  CHECK(p.value == "[]");
  CHECK(p.reason ==
        "schema: WZDx 4.1 (WorkZoneFeed.json, RoadEventFeature.json): Array should contain no "
        "fewer than 1 elements.");
}

TEST_CASE("WZDx schema: missing member, wrong enum, wrong type, bad date, each at its pointer",
          "[importers][works][wzdx]") {
  auto doc = example();
  auto& f = doc["features"];
  f[0]["properties"].erase("vehicle_impact");                   // required
  f[1]["properties"]["vehicle_impact"] = "some-lanes-closedd";  // VehicleImpact enum
  f[2]["properties"]["beginning_milepost"] = "3.1";             // "type": "number"
  f[3]["properties"]["start_date"] = "2010-13-01T14:00:00Z";    // "format": "date-time"
  TempDir dir;
  const auto r = import_doc(dir, doc);
  CHECK(r.summary.read == 5);
  CHECK(r.summary.inserted == 1);  // the fifth, untouched
  CHECK(r.summary.refused == 4);
  const std::vector<std::tuple<std::int64_t, std::string, std::string, std::string>> expected{
      {1, "/properties", "object of 11 members", "Missing required property 'vehicle_impact'."},
      {2, "/properties/vehicle_impact", "some-lanes-closedd",
       "Failed to match against any enum values."},
      {3, "/properties/beginning_milepost", "3.1",
       "Value type not permitted by 'type' constraint."},
      {4, "/properties/start_date", "2010-13-01T14:00:00Z", "String should be a valid date-time"},
  };
  REQUIRE(r.report.problems().size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const auto& p = r.report.problems()[i];
    const auto& [record, field, value, message] = expected[i];
    INFO(i);
    CHECK(p.severity == importers::Severity::refused);
    CHECK(p.record == record);
    CHECK(p.field == field);
    CHECK(p.value == value);
    CHECK(p.reason == k42 + message);
  }
}

TEST_CASE("WZDx schema: the feed's own members are checked, their violations listed",
          "[importers][works][wzdx]") {
  TempDir dir;
  auto doc = as_4_1(example());
  doc["feed_info"].erase("data_sources");
  doc["bbox"] = {1, 2};
  CHECK(unreadable(dir, doc.dump()) ==
        "input " + file_of(dir.path()) +
            ": not a valid WZDx 4.1 feed (schema WorkZoneFeed.json):"
            "\n  /bbox (array of 2): Array should contain no fewer than 4 elements."
            "\n  /feed_info (object of 7 members): Missing required property 'data_sources'.");

  // A 4.0 feed names its header road_event_feed_info; feed_info alone is not 4.0.
  auto old = as_4_0(example());
  old["feed_info"] = old["road_event_feed_info"];
  old.erase("road_event_feed_info");
  CHECK(unreadable(dir, old.dump()) ==
        "input " + file_of(dir.path()) +
            ": not a valid WZDx 4.0 feed (schema WZDxFeed.json):"
            "\n  / (object of 3 members): Missing required property 'road_event_feed_info'.");
}

TEST_CASE("WZDx schema: a version without a schema is a clear error", "[importers][works][wzdx]") {
  TempDir dir;
  auto doc = example();
  doc["feed_info"]["version"] = "4.3";
  CHECK(unreadable(dir, doc.dump()) ==
        "input " + file_of(dir.path()) +
            ": WZDx version '4.3' is not supported: rootzone validates feeds against the "
            "schemas of 4.0, 4.1, 4.2");
  doc["feed_info"]["version"] = 4.2;
  CHECK(unreadable(dir, doc.dump()) ==
        "input " + file_of(dir.path()) +
            ": WZDx: feed_info.version must be text such as \"4.2\", not 4.2");
  doc["feed_info"].erase("version");
  CHECK(unreadable(dir, doc.dump()) ==
        "input " + file_of(dir.path()) +
            ": not a WZDx feed: no feed_info.version (nor road_event_feed_info.version) to "
            "choose the schema by");
  CHECK(unreadable(dir, "[1, 2]") ==
        "input " + file_of(dir.path()) +
            ": not a WZDx feed: no feed_info.version (nor road_event_feed_info.version) to "
            "choose the schema by");
}

TEST_CASE("WZDx schema: hostile features are refused without a crash, each bounded",
          "[importers][works][wzdx]") {
  TempDir dir;
  SECTION("100,000 nested arrays: refused before parsing") {
    auto doc = example();
    doc["features"][0]["properties"]["x"] = "NESTED";
    auto text = doc.dump();
    const auto at = text.find("\"NESTED\"");
    text.replace(at, 8, std::string(100'000, '[') + std::string(100'000, ']'));
    // The feed, its features, the feature and its properties are four levels: the 61st '['
    // (at byte `at` + 60) opens the 65th.
    CHECK(unreadable(dir, text) == "input " + file_of(dir.path()) +
                                       ": not a WZDx feed: JSON nested deeper than 64 levels (at "
                                       "byte " +
                                       std::to_string(at + 60) + ")");
  }
  SECTION("nesting below the limit in a member the schema does not describe imports") {
    auto doc = example();
    Json deep = 1;
    for (int i = 0; i < 50; ++i) deep = Json::array({deep});
    doc["features"][0]["properties"]["x"] = deep;
    const auto r = import_doc(dir, doc);
    CHECK(r.summary.inserted == 5);
    CHECK(r.report.empty());
  }
  SECTION("a 100,000-digit date, a date that is an array, a 100,000-vertex line of text") {
    // std::regex, behind the date-time format, recursed per character: a 100,000-character
    // date crashed the stack. Strings under `format` or `pattern` are capped at 256.
    auto doc = example();
    auto& f = doc["features"];
    f[0]["properties"]["start_date"] = std::string(100'000, '2');
    f[1]["properties"]["start_date"] = {1, 2};
    f[2]["geometry"]["coordinates"] = Json::array();
    for (int i = 0; i < 100'000; ++i) f[2]["geometry"]["coordinates"].push_back({"x", "y"});
    const auto r = import_doc(dir, doc);
    CHECK(r.summary.read == 5);
    CHECK(r.summary.inserted == 2);
    CHECK(r.summary.refused == 3);
    REQUIRE(r.report.problems().size() == 3);
    const auto& p = r.report.problems();
    CHECK(p[0].field == "/properties/start_date");
    CHECK(p[0].value == std::string(117, '2') + "...");
    CHECK(p[0].reason == k42 + "String should be no more than 256 characters in length.");
    CHECK(p[1].field == "/properties/start_date");
    CHECK(p[1].value == "array of 2");
    CHECK(p[1].reason == k42 + "Value type not permitted by 'type' constraint.");
    // 300,000 JSON values: refused by the schema's verdict, not located one by one.
    CHECK(p[2].record == 3);
    CHECK(p[2].field == "/");
    CHECK(p[2].value == "object of 4 members");
    CHECK(p[2].reason == k42 +
                             "violates the schema; it has more than 50000 JSON values, too many "
                             "to locate each violation");
  }
  SECTION("features that are no road events: a number, an empty object") {
    auto doc = example();
    doc["features"] = {1, Json::object()};
    const auto r = import_doc(dir, doc);
    CHECK(r.summary.read == 2);
    CHECK(r.summary.refused == 2);
    const auto& p = r.report.problems();
    REQUIRE(p.size() == 2);
    CHECK(p[0].field == "/");
    CHECK(p[0].value == "1");
    CHECK(p[0].reason == k42 + "Value type not permitted by 'type' constraint.");
    CHECK(p[1].field == "/");
    CHECK(p[1].value == "{}");
    CHECK(p[1].reason == k42 + "Missing required property 'properties'.");
  }
  SECTION("a feature with many violations lists 20 and counts the rest") {
    // 1,000 vertices of two strings each: 2,000 type violations (LineString.json: numbers).
    auto doc = example();
    auto& coordinates = doc["features"][4]["geometry"]["coordinates"];
    coordinates = Json::array();
    for (int i = 0; i < 1000; ++i) coordinates.push_back({"x", "y"});
    const auto r = import_doc(dir, doc);
    CHECK(r.summary.inserted == 4);
    CHECK(r.summary.refused == 1);
    const auto& p = r.report.problems();
    REQUIRE(p.size() == 21);
    CHECK(p[0].field == "/geometry/coordinates/0/0");
    CHECK(p[0].value == "x");
    CHECK(p[19].field == "/geometry/coordinates/9/1");
    CHECK(p[20].field == "/");
    CHECK(p[20].reason == k42 + "1980 more violations not listed");
  }
}

TEST_CASE("WZDx schema: the checks it cannot express stay, after it", "[importers][works][wzdx]") {
  // The schema's date-time: 30 days in April, 29 in February (valijson's check, which the
  // importer's faster expression must agree with); the rest: WZDx business rules, date order,
  // ids unique in the feed.
  auto doc = example();
  auto& f = doc["features"];
  f[0]["properties"]["start_date"] = "2010-04-31T01:00:00Z";
  f[1]["properties"]["end_date"] = "2010-02-30T05:00:00Z";
  f[2]["properties"]["start_date"] = "2010-01-01T15:00:00+01:00";
  f[3]["properties"]["end_date"] = "2009-12-31T23:00:00Z";
  f[4]["id"] = f[2]["id"];
  f[4]["properties"]["core_details"]["data_source_id"] = "7";
  TempDir dir;
  const auto r = import_doc(dir, doc);
  CHECK(r.summary.read == 5);
  CHECK(r.summary.inserted == 0);
  CHECK(r.summary.refused == 5);
  const std::vector<std::tuple<std::int64_t, std::string, std::string, std::string>> expected{
      {1, "/properties/start_date", "2010-04-31T01:00:00Z",
       k42 + "String should be a valid date-time"},
      {2, "/properties/end_date", "2010-02-30T05:00:00Z",
       k42 + "String should be a valid date-time"},
      {3, "/properties/start_date", "2010-01-01T15:00:00+01:00",
       "WZDx: all times are UTC (\"Z\"), this one has another offset"},
      {4, "/properties/end_date", "2009-12-31T23:00:00Z",
       "end before start: end_date 2009-12-31T23:00:00Z is before start_date "
       "2010-01-01T14:00:00Z"},
      {5, "/properties/core_details/data_source_id", "7",
       "WZDx: data_source_id not in feed_info.data_sources"},
      {5, "/id", "6f57aded-7291-462e-9892-607b2b7d116c",
       "duplicate id: also feature 3 of this feed; the first one is imported"},
  };
  REQUIRE(r.report.problems().size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const auto& p = r.report.problems()[i];
    const auto& [record, field, value, reason] = expected[i];
    INFO(i);
    CHECK(p.record == record);
    CHECK(p.field == field);
    CHECK(p.value == value);
    CHECK(p.reason == reason);
  }
  // February 29th of a leap year and fractional seconds pass the schema and are imported.
  auto leap = example();
  leap["features"][0]["properties"]["start_date"] = "2008-02-29T01:00:00Z";
  leap["features"][0]["properties"]["end_date"] = "2010-01-02T01:00:00.5Z";
  TempDir again;
  const auto ok = import_doc(again, leap);
  CHECK(ok.summary.inserted == 5);
  CHECK(ok.report.empty());
}
