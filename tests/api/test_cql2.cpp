// OGC API Features Part 3 filtering through the service's router with a real store: the CQL2
// examples of OGC 21-065 (its clause 6-9 examples: comparisons, LIKE, BETWEEN, IN, IS NULL,
// the spatial and temporal functions), rewritten on rootzone's queryables, each against exact
// ids that cql2_fixture.hpp's table gives; the cql2-json form of each gives the same ids.
#include <catch2/catch.hpp>

#include "cql2_fixture.hpp"
#include "rootzone/geo/crs.hpp"

using namespace rootzone;
using nlohmann::json;
using test::get_items;
using test::property_of;

namespace {

struct Case {
  const char* text;
  const char* json;
  std::vector<std::string> ids;  // source_id (trees) or reference (works), in id order
  std::string crs = "";          // filter-crs; CRS84 when empty
};

void check_case(api::Service& service, const char* collection, const char* id_property,
                const Case& c) {
  const std::string path = std::string("/collections/") + collection + "/items";
  std::vector<std::pair<std::string, std::string>> common{{"limit", "100"}};
  if (!c.crs.empty()) common.emplace_back("filter-crs", c.crs);
  auto text_query = common;
  text_query.emplace_back("filter", c.text);
  INFO(c.text);
  const auto t = get_items(service, path, text_query);
  REQUIRE(t.status == 200);
  CHECK(property_of(t.body, id_property) == c.ids);
  CHECK(t.body.at("numberMatched") == c.ids.size());
  auto json_query = common;
  json_query.emplace_back("filter", c.json);
  json_query.emplace_back("filter-lang", "cql2-json");
  INFO(c.json);
  const auto j = get_items(service, path, json_query);
  REQUIRE(j.status == 200);
  CHECK(property_of(j.body, id_property) == c.ids);
}

}  // namespace

TEST_CASE("basic CQL2: comparisons, AND, OR, NOT, booleans and dates", "[api][cql2]") {
  test::Street street;
  api::Service service({.db = street.db});
  const std::vector<Case> cases{
      // OGC 21-065 example "floors>5", on heights: A-2 (25) and A-4 (31.5).
      {"height_m > 20", R"({"op":">","args":[{"property":"height_m"},20]})", {"A-2", "A-4"}},
      {"height_m >= 25 AND height_m < 30",
       R"({"op":"and","args":[{"op":">=","args":[{"property":"height_m"},25]},
           {"op":"<","args":[{"property":"height_m"},30]}]})",
       {"A-2"}},
      // A-3 has no height: unknown is not "not 12".
      {"height_m <> 12",
       R"({"op":"<>","args":[{"property":"height_m"},12]})",
       {"A-2", "A-4", "A-5"}},
      {"species_botanical = 'Tilia cordata' OR vitality = 0",
       R"({"op":"or","args":[{"op":"=","args":[{"property":"species_botanical"},"Tilia cordata"]},
           {"op":"=","args":[{"property":"vitality"},0]}]})",
       {"A-1", "A-4"}},
      // Example "NOT (floors<5) OR swimming_pool=true" in rootzone's terms.
      {"NOT (height_m < 20) OR protected = true",
       R"({"op":"or","args":[{"op":"not","args":[{"op":"<","args":[{"property":"height_m"},20]}]},
           {"op":"=","args":[{"property":"protected"},true]}]})",
       {"A-2", "A-4"}},
      {"protected = TRUE", R"({"op":"=","args":[{"property":"protected"},true]})", {"A-4"}},
      {"next_inspection < DATE('2026-01-01')",
       R"({"op":"<","args":[{"property":"next_inspection"},{"date":"2026-01-01"}]})",
       {"A-1"}},
      {"last_inspection = DATE('2025-12-31')",
       R"({"op":"=","args":[{"property":"last_inspection"},{"date":"2025-12-31"}]})",
       {"A-4"}},
      {"\"source_id\" = 'A-3'", R"({"op":"=","args":[{"property":"source_id"},"A-3"]})", {"A-3"}},
      {"TRUE", "true", {"A-1", "A-2", "A-3", "A-4", "A-5"}},
  };
  for (const auto& c : cases) check_case(service, "trees", "source_id", c);
}

TEST_CASE("advanced comparison operators: LIKE, BETWEEN, IN, IS NULL", "[api][cql2]") {
  test::Street street;
  api::Service service({.db = street.db});
  const std::vector<Case> cases{
      {"species_botanical LIKE 'Acer%'",
       R"({"op":"like","args":[{"property":"species_botanical"},"Acer%"]})",
       {"A-2", "A-3"}},
      // CQL2's LIKE is case-sensitive (SQLite's LIKE is not: rootzone compiles to GLOB).
      {"species_botanical LIKE 'acer%'",
       R"({"op":"like","args":[{"property":"species_botanical"},"acer%"]})",
       {}},
      {"species_botanical LIKE 'Tilia _ordata'",
       R"({"op":"like","args":[{"property":"species_botanical"},"Tilia _ordata"]})",
       {"A-1"}},
      {"species_botanical NOT LIKE 'Acer%'",
       R"({"op":"not","args":[{"op":"like","args":[{"property":"species_botanical"},"Acer%"]}]})",
       {"A-1", "A-4", "A-5"}},
      {"height_m BETWEEN 10 AND 25",
       R"({"op":"between","args":[{"property":"height_m"},10,25]})",
       {"A-1", "A-2"}},
      {"height_m NOT BETWEEN 10 AND 25",
       R"({"op":"not","args":[{"op":"between","args":[{"property":"height_m"},10,25]}]})",
       {"A-4", "A-5"}},
      {"source_id IN ('A-1', 'A-4', 'Z-9')",
       R"({"op":"in","args":[{"property":"source_id"},["A-1","A-4","Z-9"]]})",
       {"A-1", "A-4"}},
      {"vitality NOT IN (1, 2)",
       R"({"op":"not","args":[{"op":"in","args":[{"property":"vitality"},[1,2]]}]})",
       {"A-4"}},
      {"height_m IS NULL", R"({"op":"isNull","args":[{"property":"height_m"}]})", {"A-3"}},
      {"next_inspection IS NOT NULL",
       R"({"op":"not","args":[{"op":"isNull","args":[{"property":"next_inspection"}]}]})",
       {"A-1", "A-2", "A-4", "A-5"}},
  };
  for (const auto& c : cases) check_case(service, "trees", "source_id", c);
}

TEST_CASE("spatial functions on trees and works, S_DWITHIN, in filter-crs", "[api][cql2]") {
  test::Street street;
  api::Service service({.db = street.db});
  const auto utm = test::kStoreCrs;
  const std::vector<Case> trees{
      {"S_INTERSECTS(geometry, BBOX(447995, 5537995, 448015, 5538005))",
       R"({"op":"s_intersects","args":[{"property":"geometry"},
           {"bbox":[447995,5537995,448015,5538005]}]})",
       {"A-1", "A-2"},
       utm},
      {"S_WITHIN(geometry, POLYGON((447990 5537990, 448105 5537990, 448105 5538010, "
       "447990 5538010, 447990 5537990)))",
       R"({"op":"s_within","args":[{"property":"geometry"},{"type":"Polygon","coordinates":
           [[[447990,5537990],[448105,5537990],[448105,5538010],[447990,5538010],
             [447990,5537990]]]}]})",
       {"A-1", "A-2", "A-3", "A-4"},
       utm},
      // S_DISJOINT cannot use the index: every tree is tested.
      {"S_DISJOINT(geometry, BBOX(447990, 5537990, 448105, 5538010))",
       R"({"op":"s_disjoint","args":[{"property":"geometry"},
           {"bbox":[447990,5537990,448105,5538010]}]})",
       {"A-5"},
       utm},
      // A-2 is exactly 10 m away: within.
      {"S_DWITHIN(geometry, POINT(448000 5538000), 10, meters)",
       R"({"op":"s_dwithin","args":[{"property":"geometry"},
           {"type":"Point","coordinates":[448000,5538000]},10,"meters"]})",
       {"A-1", "A-2"},
       utm},
      {"S_EQUALS(geometry, POINT(448100 5538000))",
       R"({"op":"s_equals","args":[{"property":"geometry"},
           {"type":"Point","coordinates":[448100,5538000]}]})",
       {"A-4"},
       utm},
      {"S_CONTAINS(geometry, POINT(448100 5538000)) AND height_m > 30",
       R"({"op":"and","args":[{"op":"s_contains","args":[{"property":"geometry"},
           {"type":"Point","coordinates":[448100,5538000]}]},
           {"op":">","args":[{"property":"height_m"},30]}]})",
       {"A-4"},
       utm},
  };
  for (const auto& c : trees) check_case(service, "trees", "source_id", c);
  const std::vector<Case> works{
      {"S_CROSSES(geometry, LINESTRING(448050 5538000, 448050 5538100))",
       R"({"op":"s_crosses","args":[{"property":"geometry"},
           {"type":"LineString","coordinates":[[448050,5538000],[448050,5538100]]}]})",
       {"W-1"},
       utm},
      {"S_INTERSECTS(geometry, POINT(448200 5538000))",
       R"({"op":"s_intersects","args":[{"property":"geometry"},
           {"type":"Point","coordinates":[448200,5538000]}]})",
       {"W-2"},
       utm},
      {"S_TOUCHES(geometry, LINESTRING(448210 5537990, 448210 5538010))",
       R"({"op":"s_touches","args":[{"property":"geometry"},
           {"type":"LineString","coordinates":[[448210,5537990],[448210,5538010]]}]})",
       {"W-2"},
       utm},
      {"S_OVERLAPS(geometry, POLYGON((448205 5537995, 448220 5537995, 448220 5538005, "
       "448205 5538005, 448205 5537995)))",
       R"({"op":"s_overlaps","args":[{"property":"geometry"},{"type":"Polygon","coordinates":
           [[[448205,5537995],[448220,5537995],[448220,5538005],[448205,5538005],
             [448205,5537995]]]}]})",
       {"W-2"},
       utm},
  };
  for (const auto& c : works) check_case(service, "works", "reference", c);

  // In CRS84 (the default) and in EPSG:4326 (latitude first): A-1's place through PROJ.
  const geo::Transformer to_lonlat(25832, 4326);
  const auto p = to_lonlat.forward({448000, 5538000});
  char lonlat[96];
  std::snprintf(lonlat, sizeof lonlat, "%.9f %.9f", p.x, p.y);
  char latlon[96];
  std::snprintf(latlon, sizeof latlon, "%.9f %.9f", p.y, p.x);
  char json_point[160];
  std::snprintf(json_point, sizeof json_point,
                R"({"op":"s_dwithin","args":[{"property":"geometry"},)"
                R"({"type":"Point","coordinates":[%.9f,%.9f]},1,"meters"]})",
                p.x, p.y);
  const std::string crs84 = std::string("S_DWITHIN(geometry, POINT(") + lonlat + "), 1, meters)";
  check_case(service, "trees", "source_id", {crs84.c_str(), json_point, {"A-1"}});
  const std::string epsg4326 = std::string("S_DWITHIN(geometry, POINT(") + latlon + "), 1, meters)";
  const auto r = get_items(
      service, "/collections/trees/items",
      {{"filter", epsg4326}, {"filter-crs", "http://www.opengis.net/def/crs/EPSG/0/4326"}});
  REQUIRE(r.status == 200);
  CHECK(property_of(r.body, "source_id") == std::vector<std::string>{"A-1"});
}

TEST_CASE("temporal functions on dates and on works' time windows", "[api][cql2]") {
  test::Street street;
  api::Service service({.db = street.db});
  const std::vector<Case> trees{
      {"T_BEFORE(next_inspection, DATE('2026-01-01'))",
       R"({"op":"t_before","args":[{"property":"next_inspection"},{"date":"2026-01-01"}]})",
       {"A-1"}},
      // A-5 is due on the day itself: not after it.
      {"T_AFTER(next_inspection, DATE('2026-01-01'))",
       R"({"op":"t_after","args":[{"property":"next_inspection"},{"date":"2026-01-01"}]})",
       {"A-2", "A-4"}},
      {"T_EQUALS(next_inspection, DATE('2026-01-01'))",
       R"({"op":"t_equals","args":[{"property":"next_inspection"},{"date":"2026-01-01"}]})",
       {"A-5"}},
      {"T_DURING(next_inspection, INTERVAL('2026-01-01', '2026-12-31'))",
       R"({"op":"t_during","args":[{"property":"next_inspection"},
           {"interval":["2026-01-01","2026-12-31"]}]})",
       {"A-2"}},
      {"T_INTERSECTS(next_inspection, INTERVAL('2026-01-01', '..'))",
       R"({"op":"t_intersects","args":[{"property":"next_inspection"},
           {"interval":["2026-01-01",".."]}]})",
       {"A-2", "A-4", "A-5"}},
      // A date meets a timestamp as the whole day.
      {"T_INTERSECTS(next_inspection, TIMESTAMP('2026-03-15T10:00:00Z'))",
       R"({"op":"t_intersects","args":[{"property":"next_inspection"},
           {"timestamp":"2026-03-15T10:00:00Z"}]})",
       {"A-2"}},
      {"T_INTERSECTS(INTERVAL(last_inspection, next_inspection), DATE('2025-12-01'))",
       R"({"op":"t_intersects","args":[{"interval":[{"property":"last_inspection"},
           {"property":"next_inspection"}]},{"date":"2025-12-01"}]})",
       {"A-2"}},
  };
  for (const auto& c : trees) check_case(service, "trees", "source_id", c);
  const std::vector<Case> works{
      // OGC 21-065's T_INTERSECTS(event_time, INTERVAL(...)) on a work's window.
      {"T_INTERSECTS(INTERVAL(starts_at, ends_at), "
       "INTERVAL('2027-04-15T00:00:00Z', '2027-05-02T00:00:00Z'))",
       R"({"op":"t_intersects","args":[{"interval":[{"property":"starts_at"},
           {"property":"ends_at"}]},{"interval":["2027-04-15T00:00:00Z","2027-05-02T00:00:00Z"]}]})",
       {"W-1", "W-2"}},
      {"T_BEFORE(INTERVAL(starts_at, ends_at), TIMESTAMP('2027-05-01T00:00:00Z'))",
       R"({"op":"t_before","args":[{"interval":[{"property":"starts_at"},
           {"property":"ends_at"}]},{"timestamp":"2027-05-01T00:00:00Z"}]})",
       {"W-1"}},
      {"T_DURING(INTERVAL(starts_at, ends_at), INTERVAL('2027-01-01', '2027-12-31'))",
       R"({"op":"t_during","args":[{"interval":[{"property":"starts_at"},
           {"property":"ends_at"}]},{"interval":["2027-01-01","2027-12-31"]}]})",
       {"W-1", "W-2"}},
      {"T_OVERLAPS(INTERVAL(starts_at, ends_at), "
       "INTERVAL('2027-04-01T00:00:00Z', '2027-05-05T00:00:00Z'))",
       R"({"op":"t_overlaps","args":[{"interval":[{"property":"starts_at"},
           {"property":"ends_at"}]},{"interval":["2027-04-01T00:00:00Z","2027-05-05T00:00:00Z"]}]})",
       {"W-1"}},
      {"T_METBY(INTERVAL(starts_at, ends_at), "
       "INTERVAL('2027-01-01T00:00:00Z', '2027-04-30T00:00:00Z'))",
       R"({"op":"t_metby","args":[{"interval":[{"property":"starts_at"},
           {"property":"ends_at"}]},{"interval":["2027-01-01T00:00:00Z","2027-04-30T00:00:00Z"]}]})",
       {}},
      {"starts_at >= TIMESTAMP('2027-05-01T00:00:00Z')",
       R"({"op":">=","args":[{"property":"starts_at"},{"timestamp":"2027-05-01T00:00:00Z"}]})",
       {"W-2"}},
  };
  for (const auto& c : works) check_case(service, "works", "reference", c);
}

TEST_CASE("a filter never shows a contractor more than its view", "[api][cql2]") {
  test::Street street;
  api::Service service({.db = street.db});
  const auto ids = [](const json& body) {
    std::vector<std::int64_t> out;
    for (const auto& f : body.at("features")) out.push_back(f.at("id").get<std::int64_t>());
    return out;
  };
  const auto conflicts = [&](const std::string& filter, const std::string& who) {
    std::vector<std::pair<std::string, std::string>> q{{"filter", filter},
                                                       {"filter-crs", test::kStoreCrs}};
    return get_items(service, "/collections/conflicts/items", q, street.keys.at(who));
  };
  // The planner sees both; a filter for Telekom's conflict finds nothing for Stadtwerke Mainz.
  CHECK(ids(conflicts("severity = 'medium'", "paula").body) == std::vector{street.c2});
  CHECK(ids(conflicts("severity = 'medium'", "anna").body).empty());
  CHECK(conflicts("severity = 'medium'", "anna").body.at("numberMatched") == 0);
  CHECK(ids(conflicts("work_id = " + std::to_string(street.w2), "anna").body).empty());
  CHECK(ids(conflicts("S_INTERSECTS(geometry, POINT(448200 5538000))", "paula").body) ==
        std::vector{street.c2});
  CHECK(ids(conflicts("S_INTERSECTS(geometry, POINT(448200 5538000))", "anna").body).empty());
  CHECK(ids(conflicts("severity = 'medium' OR severity = 'high'", "tom").body) ==
        std::vector{street.c2});

  // A work's contact is private to its contractor and planners: not queryable for anyone.
  const auto contact = get_items(service, "/collections/works/items",
                                 {{"filter", "contact = 'secret'"}}, street.keys.at("paula"));
  CHECK(contact.status == 400);
  CHECK(contact.body.at("detail") == "filter: 'contact' is not a queryable of this collection");
}

TEST_CASE("sortby pages to the end with every feature once, in order, both ways", "[api][cql2]") {
  test::Street street;
  api::Service service({.db = street.db});
  const auto walk = [&](const std::string& sortby, const std::string& filter) {
    std::vector<std::pair<std::string, std::string>> q{{"sortby", sortby}, {"limit", "2"}};
    if (!filter.empty()) q.emplace_back("filter", filter);
    std::vector<std::string> seen;
    for (int page = 0; page < 10; ++page) {
      const auto r = get_items(service, "/collections/trees/items", q);
      REQUIRE(r.status == 200);
      for (const auto& id : property_of(r.body, "source_id")) seen.push_back(id);
      std::string next;
      for (const auto& l : r.body.at("links")) {
        if (l.at("rel") == "next") next = l.at("href");
      }
      if (next.empty()) break;
      // The next link keeps sortby and filter and carries an opaque cursor.
      const auto at = next.find("cursor=");
      REQUIRE(at != std::string::npos);
      CHECK(next.find("sortby=") != std::string::npos);
      if (!filter.empty()) CHECK(next.find("filter=") != std::string::npos);
      q.erase(std::remove_if(q.begin(), q.end(), [](const auto& p) { return p.first == "cursor"; }),
              q.end());
      q.emplace_back("cursor", next.substr(at + 7));
    }
    return seen;
  };
  // Heights 12, 25, -, 31.5, 8: no height sorts first ascending and last descending.
  CHECK(walk("-height_m", "") == std::vector<std::string>{"A-4", "A-2", "A-1", "A-5", "A-3"});
  CHECK(walk("height_m", "") == std::vector<std::string>{"A-3", "A-5", "A-1", "A-2", "A-4"});
  CHECK(walk("+species_botanical", "") ==
        std::vector<std::string>{"A-3", "A-2", "A-4", "A-1", "A-5"});
  CHECK(walk("-next_inspection,source_id", "height_m > 10") ==
        std::vector<std::string>{"A-4", "A-2", "A-1"});

  // Without sortby the cursor is the id, as before.
  const auto plain = get_items(service, "/collections/trees/items", {{"limit", "2"}});
  CHECK(plain.body.at("links").at(2).at("href") ==
        "http://127.0.0.1:9999/collections/trees/items?limit=2&cursor=2");
}

TEST_CASE("conformance, queryables and the OpenAPI document describe filtering", "[api][cql2]") {
  test::Street street;
  api::Service service({.db = street.db});
  const auto conf = test::get_items(service, "/conformance", {}).body.at("conformsTo");
  for (const char* c : {"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
                        "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
                        "http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
                        "http://www.opengis.net/spec/cql2/1.0/conf/cql2-json",
                        "http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
                        "http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators",
                        "http://www.opengis.net/spec/cql2/1.0/conf/spatial-functions",
                        "http://www.opengis.net/spec/cql2/1.0/conf/temporal-functions",
                        "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables"}) {
    INFO(c);
    CHECK(std::find(conf.begin(), conf.end(), c) != conf.end());
  }
  const auto q = test::get_items(service, "/collections/trees/queryables", {}).body;
  CHECK(q.at("properties").at("next_inspection") ==
        json({{"title", "next_inspection"},
              {"description", "date the next inspection is due"},
              {"type", "string"},
              {"format", "date"}}));
  CHECK(q.at("properties").at("geometry").at("format") == "geometry-point");
  CHECK_FALSE(q.at("properties").at("geometry").contains("type"));
  const auto w = test::get_items(service, "/collections/works/queryables", {}).body;
  CHECK(w.at("properties").at("geometry").at("format") == "geometry-any");
  CHECK(w.at("properties").at("starts_at").at("format") == "date-time");
  CHECK_FALSE(w.at("properties").contains("contact"));

  const auto api_doc = test::get_items(service, "/api", {}).body;
  const auto& params =
      api_doc.at("paths").at("/collections/trees/items").at("get").at("parameters");
  std::map<std::string, json> by_name;
  for (const auto& p : params) by_name[p.at("name")] = p;
  CHECK(by_name.count("filter") == 1);
  CHECK(by_name.at("filter-lang").at("schema").at("enum") ==
        json({"cql2-text", "cql2-json", "cql-text"}));
  CHECK(by_name.count("sortby") == 1);
  CHECK(by_name.count("filter-crs") == 1);
  CHECK(by_name.count("geometry") == 0);  // filtered with CQL2, not as a parameter
  CHECK(by_name.count("next_inspection") == 1);
}

TEST_CASE("next links keep filter, filter-lang and filter-crs", "[api][cql2]") {
  test::Street street;
  api::Service service({.db = street.db});
  const std::string filter =
      R"({"op":"s_intersects","args":[{"property":"geometry"},{"bbox":[447995,5537995,448015,5538005]}]})";
  const auto first = get_items(service, "/collections/trees/items",
                               {{"filter", filter},
                                {"filter-lang", "cql2-json"},
                                {"filter-crs", test::kStoreCrs},
                                {"limit", "1"}});
  REQUIRE(first.status == 200);
  CHECK(property_of(first.body, "source_id") == std::vector<std::string>{"A-1"});
  CHECK(first.body.at("numberMatched") == 2);
  std::string next;
  for (const auto& l : first.body.at("links")) {
    if (l.at("rel") == "next") next = l.at("href");
  }
  // Percent-encoded as encoded_query does (':' and ',' stay).
  CHECK(next ==
        "http://127.0.0.1:9999/collections/trees/items?filter=%7B%22op%22:%22s_intersects%22,"
        "%22args%22:%5B%7B%22property%22:%22geometry%22%7D,%7B%22bbox%22:%5B447995,5537995,"
        "448015,5538005%5D%7D%5D%7D&filter-lang=cql2-json&filter-crs=http://www.opengis.net/def/"
        "crs/EPSG/0/25832&limit=1&cursor=1");
  const auto second = get_items(service, "/collections/trees/items",
                                {{"filter", filter},
                                 {"filter-lang", "cql2-json"},
                                 {"filter-crs", test::kStoreCrs},
                                 {"limit", "1"},
                                 {"cursor", "1"}});
  CHECK(property_of(second.body, "source_id") == std::vector<std::string>{"A-2"});
}
