// Bad input to the READ endpoints (issue 5, "Bad input catalogue"), against a real `rootzone
// serve` over a real store with trees, works, conflicts and a planner. Every malformed request
// gets its exact 4xx as application/problem+json whose detail names the parameter (or the
// path segment) at fault; SQL metacharacters in string filters are plain values that match
// nothing; and afterwards every table of the store holds exactly the rows it held before.
// Requests go out as raw bytes, so garbage reaches the server exactly as written.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <map>
#include <regex>
#include <string>
#include <vector>

#include "rootzone/geo/protection.hpp"
#include "rootzone/storage/data_generation.hpp"
#include "rootzone/storage/store.hpp"
#include "store_rows.hpp"
#include "support/raw_http_client.hpp"
#include "support/run.hpp"
#include "support/server_process.hpp"
#include "support/temp_dir.hpp"
#include "support/test_store.hpp"

using namespace rootzone;
using nlohmann::json;
using test::HttpClient;
using test::HttpResponse;

namespace {

const std::string kInvalid =
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/req/core/query-param-invalid";
const std::string kUnknown =
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/req/core/query-param-unknown";
const std::string kCrsAction =
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/req/crs/crs-action";

// The two SQL payloads of the issue, percent-encoded as a client sends them.
const std::vector<std::pair<std::string, std::string>> kSqlPayloads{
    {"' OR 1=1 --", "%27%20OR%201%3D1%20--"},
    {"\"; DROP TABLE trees; --", "%22%3B%20DROP%20TABLE%20trees%3B%20--"},
};

// Every row count of every ordinary table, plus the data generation every writer bumps.
std::map<std::string, std::int64_t> row_counts(const std::string& db) {
  return test::table_row_counts(db);
}

// 24 trees on a 6 x 4 grid, 40 m apart, near Mainz cathedral (EPSG:25832), every second one
// protected (stem 120 / 50 cm); two works, a trench through the second row of trees and a
// storage area, so that `rootzone check` finds conflicts; a planner with an API key.
struct City {
  test::TempDir dir;
  test::TestStore location{dir, "city.sqlite"};  // a SpatiaLite file, or a PostGIS database
  std::string db = location.location();
  std::string planner_key;

  City() {
    {
      auto store = storage::Store::create(db);
      for (int i = 0; i < 24; ++i) {
        geo::Tree t;
        t.source_id = "MZ-" + std::to_string(100 + i);
        t.location = {448000.0 + (i % 6) * 40.0, 5538000.0 + (i / 6) * 40.0};
        t.site = i < 12 ? "Domstraße" : "Rheinallee";
        t.district = "Altstadt";
        t.species_botanical = "Tilia cordata";
        t.species_german = "Winter-Linde";
        t.genus = "Tilia";
        t.stem_circumferences_cm = {i % 2 == 0 ? 120.0 : 50.0};
        t.crown_diameter_m = 8;
        t.height_m = 14;
        t.planting_year = 1990;
        t.protection = geo::evaluate_protection(t, geo::RuleSet::mainz());
        store.trees().insert(t);
      }
      geo::Work trench;
      trench.reference = "W-2027-001";
      trench.title = "Fernwärme Domstraße";
      trench.contractor = "Stadtwerke Mainz";
      trench.contact = "06131 12-0";
      trench.kind = geo::WorkKind::trench;
      trench.geometry = geo::Geometry::from_wkt("LINESTRING(447990 5538042, 448210 5538042)");
      trench.width_m = 1.0;
      trench.starts_at = geo::parse_utc("2027-03-01T00:00:00Z").value();
      trench.ends_at = geo::parse_utc("2027-04-30T00:00:00Z").value();
      trench.status = geo::WorkStatus::submitted;
      store.works().insert(trench, "test");
      geo::Work storage_area = trench;
      storage_area.reference = "W-2027-002";
      storage_area.title = "Lagerfläche";
      storage_area.kind = geo::WorkKind::storage;
      storage_area.geometry = geo::Geometry::from_wkt(
          "POLYGON((448090 5538090, 448130 5538090, 448130 5538110, 448090 5538110, 448090 "
          "5538090))");
      storage_area.width_m.reset();
      store.works().insert(storage_area, "test");
    }
    REQUIRE(test::run_rootzone({"check", "--db", db}).exit_code == 0);
    const auto added =
        test::run_rootzone({"users", "add", "anna", "--role", "planner", "--db", db});
    REQUIRE(added.exit_code == 0);
    std::smatch m;
    const std::string text = added.out + added.err;
    REQUIRE(std::regex_search(text, m, std::regex("rz_[A-Za-z0-9_-]+")));
    planner_key = m.str(0);
  }
};

// One request on its own connection (a refused request may close it).
HttpResponse get(int port, const std::string& target, const std::string& headers = "") {
  HttpClient client(port);
  return client.get(target, headers);
}

// The answer is `status` as problem+json: {type, title, status, detail}, the detail naming
// `names` (the parameter, or the value at fault), the type the requirement when given.
void expect_problem(int port, const std::string& target, int status, const std::string& names,
                    const std::string& type = "", const std::string& headers = "") {
  INFO("GET " << target);
  const auto r = get(port, target, headers);
  CHECK(r.status == status);
  CHECK(r.header("content-type") == "application/problem+json");
  const auto p = json::parse(r.body);
  CHECK(p.at("status") == status);
  CHECK_FALSE(p.at("title").get<std::string>().empty());
  CHECK_THAT(p.at("detail").get<std::string>(), Catch::Contains(names));
  if (!type.empty()) CHECK(p.at("type") == type);
}

std::int64_t matched(int port, const std::string& target, const std::string& headers = "") {
  INFO("GET " << target);
  const auto r = get(port, target, headers);
  REQUIRE(r.status == 200);
  CHECK(r.header("content-type") == "application/geo+json");
  const auto page = json::parse(r.body);
  CHECK(page.at("numberReturned") == page.at("features").size());
  return page.at("numberMatched").get<std::int64_t>();
}

// A served city whose rows are counted before and compared after each case.
struct Served {
  City city;
  std::map<std::string, std::int64_t> before = row_counts(city.db);
  test::ServerProcess server{city.db};
  int port = server.port();
  std::string planner = "Authorization: Bearer " + city.planner_key + "\r\n";

  void unchanged() {
    server.stop();
    CHECK(row_counts(city.db) == before);
  }
};

}  // namespace

TEST_CASE("bad input: the test city has what the catalogue needs", "[api][bad_input]") {
  Served s;
  CHECK(s.before.at("trees") == 24);
  CHECK(s.before.at("works") == 2);
  CHECK(s.before.at("tree_work_conflicts") > 0);
  CHECK(matched(s.port, "/collections/trees/items") == 24);
  CHECK(matched(s.port, "/collections/works/items") == 2);
  CHECK(matched(s.port, "/collections/conflicts/items", s.planner) ==
        s.before.at("tree_work_conflicts"));
  s.unchanged();
}

TEST_CASE("bad input: unknown collections and feature ids that are not numbers are 404",
          "[api][bad_input]") {
  Served s;
  expect_problem(s.port, "/collections/birds/items", 404, "'birds'");
  expect_problem(s.port, "/collections/birds/items/1", 404, "'birds'");
  expect_problem(s.port, "/collections/Trees/items", 404, "'Trees'");  // ids are case-sensitive
  expect_problem(s.port, "/collections/trees%27%20OR%201=1/items", 404, "'trees' OR 1=1'");
  expect_problem(s.port, "/collections/trees/items/abc", 404, "'abc'");
  expect_problem(s.port, "/collections/trees/items/1.5", 404, "'1.5'");
  expect_problem(s.port, "/collections/trees/items/-3", 404, "'-3'");
  expect_problem(s.port, "/collections/trees/items/0", 404, "'0'");
  expect_problem(s.port, "/collections/trees/items/99999999999999999999", 404,
                 "'99999999999999999999'");
  expect_problem(s.port, "/collections/trees/items/1%20OR%201=1", 404, "'1 OR 1=1'");
  expect_problem(s.port, "/collections/trees/items/999999", 404, "999999");
  expect_problem(s.port, "/collections/works/items/1;DROP%20TABLE%20works", 404,
                 "'1;DROP TABLE works'");
  s.unchanged();
}

TEST_CASE("bad input: malformed bbox is 400 naming bbox", "[api][bad_input]") {
  Served s;
  const std::string items = "/collections/trees/items?bbox=";
  for (const std::string bbox :
       {"8.27,49.99,8.28", "8.27,49.99,8.28,50.0,1", "a,b,c,d", "8.27,49.99,8.28,x", "", ",,,",
        "nan,49.99,8.28,50", "8.27,49.99,inf,50", "8.28,49.99,8.27,50.0", "8.27,50.0,8.28,49.99",
        "8.27,49.99,200,50.0", "8.27,-91,8.28,50", "8.27%2049.99,8.28,50"}) {
    expect_problem(s.port, items + bbox, 400, "bbox=", kInvalid);
  }
  expect_problem(s.port, "/collections/trees/items?bbox-crs=EPSG:1234", 400, "bbox-crs=EPSG:1234",
                 kInvalid);
  expect_problem(
      s.port,
      "/collections/trees/items?bbox=0,0,1,1&bbox-crs=http://www.opengis.net/def/crs/EPSG/0/31467",
      400, "bbox-crs=http://www.opengis.net/def/crs/EPSG/0/31467", kInvalid);
  expect_problem(s.port, "/collections/trees/items?bbox=0,0,1,1&bbox-crs=", 400,
                 "bbox-crs=", kInvalid);
  s.unchanged();
}

TEST_CASE("bad input: unknown crs is 400 naming crs", "[api][bad_input]") {
  Served s;
  for (const std::string crs : {"foo", "EPSG:4326", "http://www.opengis.net/def/crs/EPSG/0/31467",
                                "http://www.opengis.net/def/crs/EPSG/0/4326%27%20OR%201=1"}) {
    expect_problem(s.port, "/collections/trees/items?crs=" + crs, 400, "crs=", kCrsAction);
    expect_problem(s.port, "/collections/trees/items/1?crs=" + crs, 400, "crs=", kCrsAction);
  }
  s.unchanged();
}

TEST_CASE("bad input: limit outside 1..10000 or not an integer is 400 naming limit",
          "[api][bad_input]") {
  Served s;
  for (const std::string limit :
       {"-1", "0", "1000000000", "abc", "10001", "2.5", "", "0x10", "%2B5", "5%20"}) {
    expect_problem(s.port, "/collections/trees/items?limit=" + limit, 400, "limit=", kInvalid);
  }
  expect_problem(s.port, "/collections/trees/items?limit=5&limit=6", 400,
                 "limit=6: given more than once", kInvalid);
  // The bounds themselves are fine (OpenAPI: minimum 1, maximum 10000).
  CHECK(matched(s.port, "/collections/trees/items?limit=1") == 24);
  CHECK(matched(s.port, "/collections/trees/items?limit=10000") == 24);
  s.unchanged();
}

TEST_CASE("bad input: unknown parameters are 400 naming them", "[api][bad_input]") {
  Served s;
  expect_problem(s.port, "/collections/trees/items?foo=1", 400, "foo:", kUnknown);
  expect_problem(s.port, "/collections/trees/items?BBOX=0,0,1,1", 400, "BBOX:", kUnknown);
  // A queryable of another collection is not one of this one's.
  expect_problem(s.port, "/collections/trees/items?severity=high", 400, "severity:", kUnknown);
  expect_problem(s.port, "/collections/works/items?genus=Tilia", 400, "genus:", kUnknown);
  expect_problem(s.port, "/collections/trees/items/1?limit=5", 400, "limit:", kUnknown);
  expect_problem(s.port, "/collections/trees/items?f=xml", 400, "f=xml", kInvalid);
  s.unchanged();
}

TEST_CASE("bad input: malformed datetime and cursor are 400 naming them", "[api][bad_input]") {
  Served s;
  for (const std::string dt :
       {"2027-13-45", "yesterday", "2027-03-01T25:00:00Z", "2027-04-01/2027-03-01", "..",
        "2027-03-01T00:00:00Z%27%20OR%201=1"}) {
    expect_problem(s.port, "/collections/works/items?datetime=" + dt, 400, "datetime=", kInvalid);
  }
  // Trees have no time window.
  expect_problem(s.port, "/collections/trees/items?datetime=2027-03-01", 400, "datetime=2027-03-01",
                 kInvalid);
  CHECK(matched(s.port, "/collections/works/items?datetime=2027-03-15") == 2);
  CHECK(matched(s.port, "/collections/works/items?datetime=2028-01-01/..") == 0);

  // 1e300 and 2^63 are whole numbers no int64 id can exceed: refused, not wrapped around.
  for (const std::string cursor : {"abc", "-5", "1.5", "", "1e300", "9223372036854775808"}) {
    expect_problem(s.port, "/collections/trees/items?cursor=" + cursor, 400, "cursor=", kInvalid);
  }
  s.unchanged();
}

TEST_CASE("bad input: SQL metacharacters in every string filter match nothing and change nothing",
          "[api][bad_input]") {
  Served s;
  // Each string queryable with a value that matches, then the payloads (bound as values,
  // never spliced into SQL: a match count of 0, not all rows and not an error).
  const std::vector<std::tuple<std::string, std::string, std::string, std::int64_t>> filters{
      {"trees", "source_id", "MZ-105", 1},
      {"trees", "species_botanical", "Tilia%20cordata", 24},
      {"trees", "species_german", "Winter-Linde", 24},
      {"trees", "genus", "Tilia", 24},
      {"trees", "site", "Rheinallee", 12},
      {"trees", "district", "Altstadt", 24},
      {"trees", "status", "existing", 24},
      {"works", "reference", "W-2027-002", 1},
      {"works", "kind", "trench", 1},
      {"works", "status", "submitted", 2},
      {"works", "contractor", "Stadtwerke%20Mainz", 2},
  };
  for (const auto& [collection, field, good, count] : filters) {
    const auto base = "/collections/" + collection + "/items?" + field + "=";
    CHECK(matched(s.port, base + good) == count);
    for (const auto& [text, encoded] : kSqlPayloads) {
      INFO(field << "=" << text);
      CHECK(matched(s.port, base + encoded) == 0);
    }
  }
  // Conflicts are for planners: severity with the payloads, through the planner's key.
  const auto critical =
      matched(s.port, "/collections/conflicts/items?severity=critical", s.planner);
  const auto high = matched(s.port, "/collections/conflicts/items?severity=high", s.planner);
  CHECK(critical + high > 0);
  for (const auto& [text, encoded] : kSqlPayloads) {
    CHECK(matched(s.port, "/collections/conflicts/items?severity=" + encoded, s.planner) == 0);
  }
  // Typed filters refuse the payloads outright.
  for (const std::string field : {"planting_year", "crown_diameter_m", "height_m", "protected"}) {
    for (const auto& [text, encoded] : kSqlPayloads) {
      expect_problem(s.port, "/collections/trees/items?" + field + "=" + encoded, 400,
                     field + "=" + text, kInvalid);
    }
    expect_problem(s.port, "/collections/trees/items?" + field + "=1%20OR%201=1", 400,
                   field + "=1 OR 1=1", kInvalid);
  }
  expect_problem(s.port, "/collections/conflicts/items?tree_id=1%20OR%201=1", 400,
                 "tree_id=1 OR 1=1", kInvalid, s.planner);
  s.unchanged();
}

TEST_CASE("bad input: percent-encoding garbage is 400, valid escapes are decoded",
          "[api][bad_input]") {
  Served s;
  // Broken escapes anywhere in the target: the target as a whole is refused (rootzone's HTTP
  // layer decodes before any handler runs, so its detail names the target, not a parameter).
  for (const std::string target :
       {"/collections/trees/items?bbox=%ZZ", "/collections/trees/items?limit=%",
        "/collections/trees/items?limit=%4", "/collections/trees/items?%=1",
        "/collections/tr%ZZees/items", "/collections/trees/items?species_botanical=%00",
        "/collections/trees/items/1%00"}) {
    expect_problem(s.port, target, 400, "malformed request target");
  }
  // Valid escapes are plain characters: %31%30 is limit=10, %74rees is trees.
  {
    const auto r = get(s.port, "/collections/%74rees/items?limit=%31%30");
    REQUIRE(r.status == 200);
    CHECK(json::parse(r.body).at("numberReturned") == 10);
  }
  // Bytes that are not UTF-8 match nothing, and the self link carries them escaped again.
  {
    const auto r = get(s.port, "/collections/trees/items?species_botanical=%FF%FE");
    REQUIRE(r.status == 200);
    const auto page = json::parse(r.body);
    CHECK(page.at("numberMatched") == 0);
    CHECK_THAT(page.at("links").at(0).at("href").get<std::string>(),
               Catch::EndsWith("/collections/trees/items?species_botanical=%FF%FE"));
  }
  expect_problem(s.port, "/collections/trees/items?limit=%FF", 400, "limit=", kInvalid);
  s.unchanged();
}

TEST_CASE("bad input: a body over the limit is 413 on its headers and closes the connection",
          "[api][bad_input]") {
  Served s;
  for (const std::string method : {"GET", "POST"}) {
    INFO(method);
    HttpClient client(s.port);
    // 2,000,000 > 1 MiB (serve's default --max-body). Only the headers go out: the answer
    // comes from them alone, before any body byte.
    REQUIRE(client.send(method +
                        " /collections/trees/items HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        "Content-Type: application/geo+json\r\nContent-Length: 2000000\r\n\r\n"));
    const auto r = client.read_response();
    CHECK(r.status == 413);
    CHECK(r.header("content-type") == "application/problem+json");
    const auto p = json::parse(r.body);
    CHECK(p.at("status") == 413);
    CHECK_THAT(p.at("detail").get<std::string>(), Catch::Contains("2000000"));
    CHECK(r.header("connection") == "close");
    // A request written after it is never answered: the connection is shut down.
    client.send("GET /collections/trees/items/1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    CHECK(client.closed_by_server());
  }
  CHECK(matched(s.port, "/collections/trees/items") == 24);  // the server serves on
  s.unchanged();
}
