// The bad-input catalogue of the tree endpoints (issue 5): each bad body is a clear 4xx
// problem+json naming what was wrong, and the store is left exactly as it was (row counts of
// every tree table, each tree's version, the data generation). SQL metacharacters in every
// string field are stored verbatim.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "test_tree_edit_fixture.hpp"
#include "trees/tree_input.hpp"  // api/src: the date rule is checked on its own

using namespace rootzone;
using api::Method;
using nlohmann::json;
using test::Call;

namespace {

json feature(json properties,
             json geometry = {{"type", "Point"}, {"coordinates", {448300.0, 5538003.0}}}) {
  return {{"type", "Feature"}, {"geometry", geometry}, {"properties", properties}};
}

struct BadCase {
  std::string what;
  std::string body;
  int status;
  std::string detail;  // a part of the problem's detail
  std::vector<std::pair<std::string, std::string>> headers = {{"content-crs", test::kStoreCrs}};
};

void expect_refused(api::Service& service, const test::TreeCity& city, Call call,
                    const BadCase& c) {
  INFO(c.what << ": " << c.body.substr(0, 200));
  const auto before = test::counts(city.db);
  call.body = c.body;
  for (const auto& h : c.headers) call.headers.push_back(h);
  const auto r = send(service, city, call);
  CHECK(r.status == c.status);
  CHECK(r.content_type == "application/problem+json");
  const auto problem = json::parse(r.body);
  CHECK(problem.at("status") == c.status);
  CHECK_THAT(problem.at("detail").get<std::string>(), Catch::Contains(c.detail));
  CHECK(test::counts(city.db) == before);
}

}  // namespace

TEST_CASE("bad POST bodies are 4xx problems and change nothing", "[api][trees][input]") {
  test::TreeCity city;
  api::Service service({.db = city.db});
  const json ok = {{"source_id", "MZ-9"}};
  const auto with = [&](const char* key, json value) {
    json p = ok;
    p[key] = std::move(value);
    return feature(p).dump();
  };
  const std::vector<BadCase> cases = {
      {"malformed JSON", R"({"type": "Feature", "geometry": )", 400, "malformed JSON"},
      {"not an object", "[1, 2]", 400, "must be a JSON object"},
      // Found by tests/fuzz/tree_bodies: nlohmann's out_of_range (not a parse_error) was a 500.
      {"a number beyond a double",
       R"({"type": "Feature", "geometry": {"type": "Point", "coordinates": [4E8300, 5538003]},)"
       R"( "properties": {"source_id": "MZ-9"}})",
       400, "malformed JSON: [json.exception.out_of_range.406] number overflow parsing '4E8300'"},
      {"a FeatureCollection",
       json({{"type", "FeatureCollection"}, {"features", json::array()}}).dump(), 400,
       "must be a GeoJSON Feature"},
      {"a bare geometry", json({{"type", "Point"}, {"coordinates", {448300.0, 5538003.0}}}).dump(),
       400, "must be a GeoJSON Feature"},
      {"no type", json({{"geometry", nullptr}, {"properties", ok}}).dump(), 400,
       "must be a GeoJSON Feature"},
      {"a LineString for a tree",
       feature(ok,
               {{"type", "LineString"}, {"coordinates", {{448300, 5538003}, {448310, 5538003}}}})
           .dump(),
       422, "a tree's location is a Point, not a LineString"},
      {"a Polygon for a tree",
       feature(ok,
               {{"type", "Polygon"},
                {"coordinates",
                 {{{448300, 5538003}, {448310, 5538003}, {448310, 5538013}, {448300, 5538003}}}}})
           .dump(),
       422, "not a Polygon"},
      {"coordinates outside the store's area (CRS84, New York)",
       feature(ok, {{"type", "Point"}, {"coordinates", {-74.0, 40.7}}}).dump(),
       422,
       "outside the area of use of EPSG:25832",
       {}},
      {"a Point with one coordinate",
       feature(ok, {{"type", "Point"}, {"coordinates", {448300.0}}}).dump(), 400, "geometry:"},
      {"no geometry", json({{"type", "Feature"}, {"properties", ok}}).dump(), 422, "geometry"},
      {"geometry null", feature(ok, nullptr).dump(), 422, "geometry"},
      {"properties not an object",
       json({{"type", "Feature"},
             {"geometry", {{"type", "Point"}, {"coordinates", {448300.0, 5538003.0}}}},
             {"properties", "MZ-9"}})
           .dump(),
       400, "properties: must be an object"},
      {"text in a number field", with("height_m", "12"), 400,
       "properties.height_m: must be a number or null (got string \"12\")"},
      {"text in an integer field", with("planting_year", "1990"), 400, "properties.planting_year"},
      {"vitality 4", with("vitality", 4), 422, "4 is not a vitality stage after Roloff (0-3)"},
      {"vitality 1.5", with("vitality", 1.5), 400, "must be an integer"},
      {"crown 0", with("crown_diameter_m", 0), 422, "never 0"},
      {"a negative stem", with("stem_circumferences_cm", {-5}), 422,
       "properties.stem_circumferences_cm[0]: -5 cm is not a size"},
      {"an absurd height", with("height_m", 500), 422, "more than any tree on record"},
      {"an absurd stem", with("stem_circumferences_cm", {80, 60000}), 422,
       "stem_circumferences_cm[1]"},
      {"stems as a number", with("stem_circumferences_cm", 80), 400, "an array of numbers"},
      {"an unknown property", with("colour", "green"), 400,
       "properties.colour: not a property of a tree"},
      {"an unknown member",
       json({{"type", "Feature"}, {"geometry", nullptr}, {"properties", ok}, {"crs", "x"}}).dump(),
       400, "crs: not a member"},
      {"no source_id", feature({{"site", "Domplatz"}}).dump(), 422,
       "properties.source_id: required"},
      {"an empty source_id", feature({{"source_id", ""}}).dump(), 422, "properties.source_id"},
      {"a number as source_id", feature({{"source_id", 17}}).dump(), 400, "properties.source_id"},
      {"a too long source_id", feature({{"source_id", std::string(65, 'X')}}).dump(), 422,
       "65 bytes, at most 64"},
      {"a taken source_id", feature({{"source_id", "MZ-2"}}).dump(), 409, "'MZ-2' is already"},
      {"an unknown status", with("status", "dead"), 422, "none of existing, planned, felled"},
      {"status felled", with("status", "felled"), 422, "/felling"},
      {"a planting year ahead", with("planting_year", 2999), 422, "properties.planting_year"},
      {"yes for a boolean", with("columnar", "yes"), 400, "properties.columnar"},
      {"a control character", with("site", "Dom\u0001platz"), 422, "control character"},
      {"a manual protection without reason",
       feature({{"source_id", "MZ-9"}, {"protection_source", "manual"}}).dump(), 422,
       "protection_reason"},
      {"text/plain", feature(ok).dump(), 415, "text/plain", {{"content-type", "text/plain"}}},
      {"an unknown Content-Crs",
       feature(ok).dump(),
       400,
       "Content-Crs",
       {{"content-crs", "http://www.opengis.net/def/crs/EPSG/0/4269"}}},
  };
  for (const auto& c : cases) {
    expect_refused(service, city, {Method::post, "/collections/trees/items", "field_staff"}, c);
  }
  // An unknown query parameter.
  Call call{Method::post, "/collections/trees/items", "field_staff"};
  call.query = {{"dry_run", "1"}};
  expect_refused(service, city, call,
                 {"unknown parameter", feature(ok).dump(), 400, "dry_run: not a parameter"});
  // The answer's CRS is checked before the write, not after it.
  call.query = {{"crs", "http://www.opengis.net/def/crs/EPSG/0/9999"}};
  expect_refused(service, city, call, {"an unknown crs", feature(ok).dump(), 400, "crs"});
}

TEST_CASE("bad PATCH and PUT bodies are 4xx problems and change nothing", "[api][trees][input]") {
  test::TreeCity city;
  api::Service service({.db = city.db});
  const auto patch = [&](json properties) { return json({{"properties", properties}}).dump(); };
  const std::vector<BadCase> cases = {
      {"malformed JSON", "{\"properties\": {\"vitality\": 2", 400, "malformed JSON"},
      {"a wrong type", json({{"type", "Point"}}).dump(), 400, "must be a GeoJSON Feature"},
      {"a LineString",
       json({{"geometry",
              {{"type", "LineString"}, {"coordinates", {{448300, 5538003}, {448310, 5538003}}}}}})
           .dump(),
       422, "not a LineString"},
      {"geometry null", json({{"geometry", nullptr}}).dump(), 422, "null is not one"},
      {"outside the area",
       json({{"geometry", {{"type", "Point"}, {"coordinates", {151.2, -33.9}}}}}).dump(),
       422,
       "outside the area of use",
       {}},
      {"text in a number", patch({{"crown_diameter_m", "acht"}}), 400, "crown_diameter_m"},
      {"vitality 4", patch({{"vitality", 4}}), 422, "vitality"},
      {"crown 0", patch({{"crown_diameter_m", 0}}), 422, "never 0"},
      {"an unknown property", patch({{"owner", "Stadt"}}), 400, "properties.owner"},
      {"source_id cleared", patch({{"source_id", nullptr}}), 422, "properties.source_id: required"},
      {"another tree's source_id", patch({{"source_id", "MZ-2"}}), 409, "'MZ-2' is already tree"},
      {"another tree's id", json({{"id", 2}, {"properties", {{"vitality", 1}}}}).dump(), 422,
       "is not tree 1"},
      {"a planting year after today", patch({{"planting_year", 2999}}), 422, "planting_year"},
  };
  const auto path = test::item_path(city.tree);
  for (const auto& c : cases) {
    expect_refused(
        service, city,
        {Method::patch, path, "field_staff", "", {{"if-match", test::tree_etag(city.tree, 1)}}}, c);
  }
  Call bad_crs{
      Method::patch, path, "field_staff", "", {{"if-match", test::tree_etag(city.tree, 1)}}};
  bad_crs.query = {{"crs", "EPSG:9999"}};
  expect_refused(service, city, bad_crs, {"an unknown crs", patch({{"vitality", 1}}), 400, "crs"});
  // PUT needs the whole feature.
  expect_refused(
      service, city,
      {Method::put, path, "field_staff", "", {{"if-match", test::tree_etag(city.tree, 1)}}},
      {"PUT without geometry",
       json({{"type", "Feature"}, {"properties", {{"source_id", "MZ-1"}}}}).dump(), 422,
       "geometry"});
  expect_refused(
      service, city,
      {Method::put, path, "field_staff", "", {{"if-match", test::tree_etag(city.tree, 1)}}},
      {"PUT of a merge patch", patch({{"vitality", 1}}), 400, "must be a GeoJSON Feature"});
  // Unknown trees and ids that are no numbers: 404.
  for (const std::string id : {"999", "abc", "0", "-1", "1e3"}) {
    INFO(id);
    CHECK(send(service, city,
               {Method::patch,
                "/collections/trees/items/" + id,
                "field_staff",
                patch({{"vitality", 1}}),
                {{"if-match", "\"tree-999-v1\""}}})
              .status == 404);
  }
}

TEST_CASE("felling bodies are checked: date, reason, planting year", "[api][trees][input]") {
  test::TreeCity city;
  api::Service service({.db = city.db});
  const std::vector<BadCase> cases = {
      {"no reason", json({{"felled_on", "2020-01-10"}}).dump(), 422, "reason: required"},
      {"an empty reason", json({{"felled_on", "2020-01-10"}, {"reason", ""}}).dump(), 422,
       "reason"},
      {"no date", json({{"reason", "Sturm"}}).dump(), 422, "felled_on: required"},
      {"a date in the future", json({{"felled_on", "2999-01-01"}, {"reason", "Sturm"}}).dump(), 422,
       "lies in the future"},
      {"before the planting year (1975)",
       json({{"felled_on", "1970-06-01"}, {"reason", "Sturm"}}).dump(), 422,
       "before the planting year 1975"},
      {"not a date", json({{"felled_on", "gestern"}, {"reason", "Sturm"}}).dump(), 400,
       "a date \"YYYY-MM-DD\""},
      {"an unknown field",
       json({{"felled_on", "2020-01-10"}, {"reason", "Sturm"}, {"by", "x"}}).dump(), 400,
       "by: not a field of a felling"},
  };
  for (const auto& c : cases) {
    expect_refused(service, city,
                   {Method::post,
                    test::item_path(city.tree) + "/felling",
                    "field_staff",
                    "",
                    {{"if-match", test::tree_etag(city.tree, 1)}}},
                   c);
  }
  // A planned tree is not felled.
  {
    auto store = storage::Store::open(city.db);
    auto t = store.trees().get(city.tree3);
    t.status = geo::TreeStatus::planned;
    store.trees().update(t, 1, "test");
  }
  expect_refused(service, city,
                 {Method::post,
                  test::item_path(city.tree3) + "/felling",
                  "field_staff",
                  "",
                  {{"if-match", test::tree_etag(city.tree3, 2)}}},
                 {"a planned tree", json({{"felled_on", "2020-01-10"}, {"reason", "Sturm"}}).dump(),
                  409, "is planned"});
}

TEST_CASE("SQL metacharacters in every string field are stored verbatim and harmless",
          "[api][trees][input]") {
  test::TreeCity city;
  api::Service service({.db = city.db});
  const std::string evil = "x'); DROP TABLE trees; -- \" OR 1=1 /* % _ \\ ; ";
  const char* fields[] = {"site",  "district",          "species_botanical", "species_german",
                          "genus", "development_phase", "protection_reason"};
  json p = {{"source_id", "MZ-'; DELETE FROM trees; --"}, {"protection_source", "manual"}};
  for (const char* f : fields) p[f] = evil + f;
  auto r = send(service, city,
                {Method::post,
                 "/collections/trees/items",
                 "field_staff",
                 feature(p).dump(),
                 {{"content-crs", test::kStoreCrs}}});
  REQUIRE(r.status == 201);
  const auto id = json::parse(r.body).at("id").get<std::int64_t>();
  {
    auto store = storage::Store::open(city.db);
    const auto t = store.trees().get(id);
    CHECK(t.source_id == "MZ-'; DELETE FROM trees; --");
    CHECK(t.site == evil + "site");
    CHECK(t.district == evil + "district");
    CHECK(t.species_botanical == evil + "species_botanical");
    CHECK(t.species_german == evil + "species_german");
    CHECK(t.genus == evil + "genus");
    CHECK(t.development_phase == evil + "development_phase");
    CHECK(t.protection.reason == evil + "protection_reason");
    CHECK(store.trees().count() == 4);
    CHECK(store.trees().find_by_source_id("MZ-'; DELETE FROM trees; --")->id == id);
  }
  // Inspection and felling texts, and the caller's name in the history, the same.
  auto path = test::item_path(id);
  r = send(service, city,
           {Method::post, path + "/inspections", "field_staff",
            json({{"inspected_on", "2020-01-02"},
                  {"kind", "regular"},
                  {"inspector", evil + "inspector"},
                  {"findings", evil + "findings"},
                  {"measures", evil + "measures"}})
                .dump()});
  REQUIRE(r.status == 201);
  const auto version = json::parse(r.body).at("tree").at("properties").at("version").get<int>();
  r = send(service, city,
           {Method::post,
            path + "/felling",
            "field_staff",
            json({{"felled_on", "2020-01-03"}, {"reason", evil + "reason"}}).dump(),
            {{"if-match", test::tree_etag(id, version)}}});
  REQUIRE(r.status == 200);
  auto store = storage::Store::open(city.db);
  const auto inspections = store.trees().inspections(id);
  REQUIRE(inspections.size() == 1);
  CHECK(inspections[0].inspector == evil + "inspector");
  CHECK(inspections[0].findings == evil + "findings");
  CHECK(inspections[0].measures == evil + "measures");
  const auto h = store.trees().history(id);
  CHECK(h.back().field == "felling_reason");
  CHECK(h.back().new_value == evil + "reason");
  CHECK(store.trees().count() == 4);
}

TEST_CASE("today is Europe/Berlin's calendar day, with summer time", "[api][trees][input]") {
  const auto day = [](const char* utc) {
    return geo::format_date(api::berlin_today(geo::parse_utc(utc).value()));
  };
  // CET is UTC+1: 23:30 UTC on New Year's Eve is already the new year in Mainz.
  CHECK(day("2026-12-31T22:59:59Z") == "2026-12-31");
  CHECK(day("2026-12-31T23:00:00Z") == "2027-01-01");
  // Summer time starts 2026-03-29 01:00 UTC (the last Sunday of March): UTC+2 from then on.
  CHECK(day("2026-03-29T21:59:59Z") == "2026-03-29");
  CHECK(day("2026-03-29T22:00:00Z") == "2026-03-30");
  CHECK(day("2026-03-28T22:30:00Z") == "2026-03-28");  // the day before: still UTC+1
  // It ends 2026-10-25 01:00 UTC (the last Sunday of October).
  CHECK(day("2026-10-24T22:00:00Z") == "2026-10-25");  // 00:00 CEST
  CHECK(day("2026-10-25T22:30:00Z") == "2026-10-25");  // 23:30 CET
  CHECK(day("2026-10-25T23:00:00Z") == "2026-10-26");
}
