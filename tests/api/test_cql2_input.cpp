// Hostile and broken filters: each is a 400 problem that names what is wrong and where, and
// nothing in a string literal ever reaches the SQL as SQL.
#include <catch2/catch.hpp>

#include "cql2_fixture.hpp"

using namespace rootzone;
using nlohmann::json;
using test::get_items;
using test::property_of;

namespace {

const std::string kFilterReq =
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/req/filter/filter-param";

test::Got trees(api::Service& service, std::vector<std::pair<std::string, std::string>> q) {
  return get_items(service, "/collections/trees/items", std::move(q));
}

std::string detail_of(api::Service& service, const std::string& filter,
                      const std::string& lang = "cql2-text") {
  const auto r = trees(service, {{"filter", filter}, {"filter-lang", lang}});
  CHECK(r.status == 400);
  return r.body.value("detail", "");
}

}  // namespace

TEST_CASE("unknown properties and syntax errors are 400s naming the property or position",
          "[api][cql2]") {
  test::Street street;
  api::Service service({.db = street.db});
  const auto r = trees(service, {{"filter", "crown_height > 3"}});
  CHECK(r.status == 400);
  CHECK(r.body.at("type") == kFilterReq);
  CHECK(r.body.at("detail") == "filter: 'crown_height' is not a queryable of this collection");
  CHECK(detail_of(service, R"({"op":"=","args":[{"property":"owner"},"x"]})", "cql2-json") ==
        "filter: 'owner' is not a queryable of this collection");

  // Positions are 1-based characters.
  CHECK(detail_of(service, "height_m > AND") ==
        "filter: syntax error at position 12: expected a property or a literal, found 'AND'");
  CHECK(detail_of(service, "(height_m > 1") ==
        "filter: syntax error at position 14: expected ')', found the end");
  CHECK(detail_of(service, "height_m > 1 height_m") ==
        "filter: syntax error at position 14: expected AND, OR or the end, found 'height_m'");
  CHECK(detail_of(service, "site = 'open") ==
        "filter: syntax error at position 8: a string that is never closed");
  CHECK(detail_of(service, "height_m ! 3") ==
        "filter: syntax error at position 10: an unexpected character, found '!'");
  CHECK(detail_of(service, "avg(height_m) > 3") == "filter: at position 1: unknown function 'avg'");
  CHECK(detail_of(service, "{\"op\":\"=\",\"args\":[1]}", "cql2-json") ==
        "filter: at /args: expected 2 arguments");
  CHECK(detail_of(service, R"({"op":"and","args":[{"op":"~","args":[]},true]})", "cql2-json") ==
        "filter: at /args/0/op: unknown or unsupported operator \"~\"");
  CHECK(detail_of(service, "{\"op\":", "cql2-json").starts_with("filter: not JSON: "));

  const auto lang = trees(service, {{"filter", "height_m > 1"}, {"filter-lang", "sql"}});
  CHECK(lang.status == 400);
  CHECK(lang.body.at("detail") == "filter-lang=sql: cql2-text or cql2-json");
  const auto crs = trees(service, {{"filter", "height_m > 1"}, {"filter-crs", "EPSG:9999"}});
  CHECK(crs.status == 400);
  CHECK(crs.body.at("detail") ==
        "filter-crs=EPSG:9999: not one of the CRSs listed for this collection");
}

TEST_CASE("operands of the wrong type are 400s", "[api][cql2]") {
  test::Street street;
  api::Service service({.db = street.db});
  CHECK(detail_of(service, "height_m = 'tall'") ==
        "filter: comparison: a number and a string cannot be compared");
  CHECK(detail_of(service, "species_botanical LIKE 5") ==
        "filter: syntax error at position 24: expected a pattern string after LIKE, found '5'");
  CHECK(detail_of(service, "height_m LIKE '1%'") == "filter: LIKE needs a string, not a number");
  CHECK(detail_of(service, "T_BEFORE(height_m, DATE('2026-01-01'))") ==
        "filter: 'height_m' is a number, not a date or timestamp");
  CHECK(detail_of(service, "next_inspection < TIMESTAMP('2026-01-01T00:00:00Z')") ==
        "filter: comparison: a date and a timestamp cannot be compared");
  CHECK(detail_of(service, "next_inspection < DATE('2026-13-01')") ==
        "filter: at position 19: '2026-13-01' is not a date (YYYY-MM-DD)");
  CHECK(detail_of(service, "S_INTERSECTS(height_m, POINT(9 47))") ==
        "filter: a spatial function needs geometries, not a number");
  CHECK(detail_of(service, "geometry = 3") ==
        "filter: comparison: a geometry and a number cannot be compared");
  CHECK(detail_of(service, "S_DWITHIN(geometry, POINT(9 47), -1, meters)") ==
        "filter: at position 34: S_DWITHIN's distance must be 0 to 100000 metres");
  CHECK(detail_of(service, "S_DWITHIN(geometry, POINT(9 47), 5, feet)") ==
        "filter: syntax error at position 37: expected the unit 'meters' (metres of the store "
        "CRS), found 'feet'");
  CHECK(detail_of(service, "S_INTERSECTS(geometry, POINT(9 47 1 2 3))")
            .starts_with("filter: geometry 'POINT(9 47 1 2 3)': "));
  // Outside what PROJ can move into the store CRS: a 400, not a geometry of infinities.
  CHECK(detail_of(service, "S_DWITHIN(geometry, POINT(200 100), 5, meters)") ==
        "filter: geometry: cannot transform from EPSG:4326 to EPSG:25832: EPSG:4326 -> "
        "EPSG:25832: cannot transform (200, 100): Invalid coordinate");
  CHECK(detail_of(service, "CASEI(site) = 'x'") ==
        "filter: syntax error at position 1: case- and accent-insensitive comparison are not "
        "supported, found 'CASEI'");
}

TEST_CASE("SQL in string literals is a value, matched as written", "[api][cql2]") {
  test::Street street;
  api::Service service({.db = street.db});
  // A-5's site is "x'; DROP TABLE trees; --": the doubled quote is CQL2's escape.
  const auto r = trees(service, {{"filter", "site = 'x''; DROP TABLE trees; --'"}});
  REQUIRE(r.status == 200);
  CHECK(property_of(r.body, "source_id") == std::vector<std::string>{"A-5"});
  const auto j = trees(
      service,
      {{"filter", json({{"op", "="}, {"args", {{{"property", "site"}}, test::kInjection}}}).dump()},
       {"filter-lang", "cql2-json"}});
  CHECK(property_of(j.body, "source_id") == std::vector<std::string>{"A-5"});
  for (const char* attempt : {"source_id = 'A-1'' OR ''1''=''1'", "source_id = 'A-1\" OR 1=1 --'",
                              "species_botanical LIKE '%'' OR 1=1 --'"}) {
    INFO(attempt);
    const auto a = trees(service, {{"filter", attempt}});
    REQUIRE(a.status == 200);
    CHECK(a.body.at("numberMatched") == 0);
  }
  // Property names are looked up, never pasted: a quoted name with SQL in it is unknown.
  CHECK(detail_of(service, "\"height_m) OR (1\" = 1") ==
        "filter: 'height_m) OR (1' is not a queryable of this collection");
  // The store is whole afterwards.
  CHECK(trees(service, {}).body.at("numberMatched") == 5);
}

TEST_CASE("nesting, length and IN lists are bounded", "[api][cql2]") {
  test::Street street;
  api::Service service({.db = street.db});
  const std::string deep = std::string(10000, '(') + "height_m > 1" + std::string(10000, ')');
  CHECK(detail_of(service, deep) == "filter: nested deeper than 64 levels at position 66");
  std::string nots;
  for (int i = 0; i < 5000; ++i) nots += "NOT ";
  CHECK(detail_of(service, nots + "height_m > 1") ==
        "filter: nested deeper than 64 levels at position 261");
  std::string deep_json = R"({"op":">","args":[{"property":"height_m"},1]})";
  for (int i = 0; i < 10000; ++i) deep_json = R"({"op":"not","args":[)" + deep_json + "]}";
  const auto too_long = detail_of(service, deep_json, "cql2-json");
  CHECK(too_long == "filter: longer than 32768 bytes");
  std::string deep_array(10000, '[');
  deep_array += std::string(10000, ']');
  CHECK(detail_of(service, deep_array, "cql2-json") ==
        "filter: JSON nested deeper than 136 levels");
  std::string nested_json = R"({"op":">","args":[{"property":"height_m"},1]})";
  for (int i = 0; i < 70; ++i) nested_json = R"({"op":"not","args":[)" + nested_json + "]}";
  CHECK(detail_of(service, nested_json, "cql2-json") ==
        "filter: JSON nested deeper than 136 levels");
  std::string within_json = R"({"op":">","args":[{"property":"height_m"},1]})";
  for (int i = 0; i < 66; ++i) within_json = R"({"op":"not","args":[)" + within_json + "]}";
  std::string pointer;
  for (int i = 0; i < 65; ++i) pointer += "/args/0";
  CHECK(detail_of(service, within_json, "cql2-json") ==
        "filter: nested deeper than 64 levels at " + pointer);

  // 64 levels are fine: (((...height_m > 20...))) finds A-2 and A-4.
  const std::string ok = std::string(63, '(') + "height_m > 20" + std::string(63, ')');
  CHECK(property_of(trees(service, {{"filter", ok}}).body, "source_id") ==
        std::vector<std::string>{"A-2", "A-4"});

  // 1,000 values in an IN list are answered; 1,001 are refused.
  std::string in = "source_id IN ('A-3'";
  for (int i = 0; i < 999; ++i) in += ", 'X-" + std::to_string(i) + "'";
  const auto thousand = trees(service, {{"filter", in + ")"}});
  REQUIRE(thousand.status == 200);
  CHECK(property_of(thousand.body, "source_id") == std::vector<std::string>{"A-3"});
  CHECK(detail_of(service, in + ", 'one more')") ==
        "filter: an IN list of more than 1000 values at position 8903");
  // The server still answers after all of it.
  CHECK(trees(service, {{"filter", "height_m > 30"}}).status == 200);
}

TEST_CASE("sortby and its cursor refuse what they cannot order by", "[api][cql2]") {
  test::Street street;
  api::Service service({.db = street.db});
  const auto sort = [&](const std::string& s) {
    const auto r = trees(service, {{"sortby", s}});
    CHECK(r.status == 400);
    return r.body.value("detail", "");
  };
  CHECK(sort("-crown") == "sortby=-crown: 'crown' is not a queryable of this collection");
  CHECK(sort("geometry") == "sortby=geometry: geometries do not sort");
  CHECK(sort("height_m,-height_m") == "sortby=height_m,-height_m: 'height_m' is given twice");
  CHECK(sort("height_m,") ==
        "sortby=height_m,: a comma-separated list of up to 8 queryables, each with an optional + "
        "or -");
  const auto cursor = trees(service, {{"sortby", "height_m"}, {"cursor", "3"}});
  CHECK(cursor.status == 400);
  CHECK(cursor.body.at("detail") == "cursor=3: not a paging cursor of this sortby");
  const auto garbage =
      trees(service, {{"sortby", "height_m"}, {"cursor", "W1tbW1tbW1tbXV1dXV1dXV1d"}});
  CHECK(garbage.status == 400);
}

// Found by tests/fuzz/cql2: nlohmann throws out_of_range (not parse_error) for a number beyond
// a double, which escaped as a 500.
TEST_CASE("a number beyond a double in a cql2-json filter is a 400", "[api][cql2]") {
  test::Street street;
  api::Service service({.db = street.db});
  CHECK(detail_of(service, R"({"op":">","args":[{"property":"height_m"},1e400]})", "cql2-json") ==
        "filter: not JSON: [json.exception.out_of_range.406] number overflow parsing '1e400'");
  CHECK(trees(service, {{"filter", "height_m > 30"}}).status == 200);
}

// Found by tests/fuzz/cql2: a position of one number with filter-crs EPSG:4326 (whose axes are
// swapped) recursed until the stack overflowed and ended the server.
TEST_CASE("a position of one number with filter-crs EPSG:4326 is a 400", "[api][cql2]") {
  test::Street street;
  api::Service service({.db = street.db});
  const auto r =
      trees(service, {{"filter", R"({"op":"s_intersects","args":[{"property":"geometry"},)"
                                 R"({"type":"Point","coordinates":[49.99]}]})"},
                      {"filter-lang", "cql2-json"},
                      {"filter-crs", "http://www.opengis.net/def/crs/EPSG/0/4326"}});
  CHECK(r.status == 400);
  CHECK(trees(service, {{"filter", "height_m > 30"}}).status == 200);
}
