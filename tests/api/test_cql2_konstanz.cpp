// CQL2 on the Konstanz sample (data/trees/konstanz_baumkataster_2020.csv, imported with
// mappings/konstanz-baumkataster-2020.json as tests/api/test_gdal_client.cpp does), the
// expected ids computed here from the CSV itself; then a real `rootzone serve` with GDAL's
// OAPIF driver passing an attribute filter through, and a 10,000-deep filter on the socket.
#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "cql2_fixture.hpp"
#include "rootzone/geo/crs.hpp"
#include "support/csv_fields.hpp"
#include "support/konstanz_store.hpp"
#include "support/raw_http_client.hpp"
#include "support/run.hpp"
#include "support/server_process.hpp"
#include "support/test_store.hpp"

using namespace rootzone;
using nlohmann::json;
using test::run;
using test::run_rootzone;

namespace {

const std::string kSource = ROOTZONE_SOURCE_DIR;

struct Row {
  std::string id;  // baumId: the store's source_id
  double lon = 0, lat = 0;
  std::optional<double> height;
  std::string species;  // Name_lat
};

const std::vector<Row>& csv_rows() {
  static const std::vector<Row> rows = [] {
    std::ifstream in(kSource + "/data/trees/konstanz_baumkataster_2020.csv");
    std::string line;
    std::getline(in, line);  // header: X,Y,OBJECTID,baumId,baumNr,baumart,hoeheM,...,Name_lat,...
    std::vector<Row> out;
    while (std::getline(in, line)) {
      const auto f = test::csv_fields(line);
      Row r;
      r.lon = std::stod(f.at(0));
      r.lat = std::stod(f.at(1));
      r.id = f.at(3);
      if (!f.at(6).empty()) r.height = std::stod(f.at(6));
      r.species = f.at(11);
      out.push_back(r);
    }
    return out;
  }();
  return rows;
}

template <class Pred>
std::set<std::string> expected(Pred pred) {
  std::set<std::string> out;
  for (const auto& r : csv_rows()) {
    if (pred(r)) out.insert(r.id);
  }
  return out;
}

// Every source_id the filter selects, through paging.
std::set<std::string> selected(api::Service& service,
                               std::vector<std::pair<std::string, std::string>> q) {
  q.emplace_back("limit", "10000");
  const auto r = test::get_items(service, "/collections/trees/items", q);
  INFO(r.body.dump().substr(0, 300));
  REQUIRE(r.status == 200);
  const auto ids = test::property_of(r.body, "source_id");
  return {ids.begin(), ids.end()};
}

}  // namespace

TEST_CASE("CQL2 text and JSON on the Konstanz sample select exactly the CSV's rows",
          "[api][cql2][konstanz]") {
  test::TempDir dir;
  const test::TestStore location(dir, "konstanz.sqlite");
  test::import_konstanz(location.location());
  api::Service service({.db = location.location()});
  REQUIRE(csv_rows().size() == 15936);  // data/README.md

  const auto tall = expected([](const Row& r) { return r.height && *r.height > 30; });
  CHECK(tall.size() == 31);
  CHECK(selected(service, {{"filter", "height_m > 30"}}) == tall);
  CHECK(selected(service, {{"filter", R"({"op":">","args":[{"property":"height_m"},30]})"},
                           {"filter-lang", "cql2-json"}}) == tall);

  const auto beeches = expected(
      [](const Row& r) { return r.species.starts_with("Fagus") && r.height && *r.height >= 20; });
  CHECK_FALSE(beeches.empty());
  CHECK(selected(service, {{"filter", "species_botanical LIKE 'Fagus%' AND height_m >= 20"}}) ==
        beeches);

  // The Stadtgarten box of test_gdal_client.cpp, in CRS84.
  const double w = 9.17513, s = 47.65949, e = 9.18314, n = 47.66488;
  const auto in_box = expected([&](const Row& r) {
    return r.lon > w && r.lon < e && r.lat > s && r.lat < n && r.height && *r.height >= 10 &&
           *r.height <= 20;
  });
  CHECK(in_box.size() > 20);
  CHECK(selected(service, {{"filter",
                            "S_WITHIN(geometry, BBOX(9.17513,47.65949,9.18314,47.66488)) AND "
                            "height_m BETWEEN 10 AND 20"}}) == in_box);
  CHECK(selected(
            service,
            {{"filter", R"({"op":"and","args":[{"op":"s_within","args":[{"property":"geometry"},)"
                        R"({"bbox":[9.17513,47.65949,9.18314,47.66488]}]},{"op":"between","args":)"
                        R"([{"property":"height_m"},10,20]}]})"},
             {"filter-lang", "cql2-json"}}) == in_box);

  // "Trees near me": 50 m around a point in the Stadtgarten, measured in EPSG:25832 (the
  // store CRS) after PROJ moved both; a tree within 1 cm of the circle would make this flaky.
  const geo::Transformer to_utm(4326, 25832);
  const auto centre = to_utm.forward({9.1792, 47.6625});
  const auto near = expected([&](const Row& r) {
    const auto p = to_utm.forward({r.lon, r.lat});
    return std::hypot(p.x - centre.x, p.y - centre.y) <= 50;
  });
  CHECK(near.size() > 5);
  CHECK(selected(service, {{"filter", "S_DWITHIN(geometry, POINT(9.1792 47.6625), 50, meters)"}}) ==
        near);

  // A thousand ids in one IN list: the first thousand rows of the CSV.
  std::string in = "source_id IN (";
  std::set<std::string> thousand;
  for (std::size_t i = 0; i < 1000; ++i) {
    in += (i > 0 ? ",'" : "'") + csv_rows()[i].id + "'";
    thousand.insert(csv_rows()[i].id);
  }
  CHECK(selected(service, {{"filter", in + ")"}}) == thousand);
}

TEST_CASE("sortby pages through all 15,936 Konstanz trees once each, in order",
          "[api][cql2][konstanz]") {
  test::TempDir dir;
  const test::TestStore location(dir, "konstanz.sqlite");
  test::import_konstanz(location.location());
  api::Service service({.db = location.location()});
  // Expected: height descending with unknown heights last, then source_id as text.
  auto rows = csv_rows();
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    if (a.height != b.height) {
      if (!a.height) return false;
      if (!b.height) return true;
      return *a.height > *b.height;
    }
    return a.id < b.id;
  });
  std::vector<std::pair<std::string, std::string>> q{{"sortby", "-height_m,source_id"},
                                                     {"limit", "1000"}};
  std::vector<std::string> seen;
  for (int page = 0; page < 20; ++page) {
    const auto r = test::get_items(service, "/collections/trees/items", q);
    REQUIRE(r.status == 200);
    CHECK(r.body.at("numberMatched") == 15936);
    for (const auto& id : test::property_of(r.body, "source_id")) seen.push_back(id);
    std::string next;
    for (const auto& l : r.body.at("links")) {
      if (l.at("rel") == "next") next = l.at("href");
    }
    if (next.empty()) break;
    q.resize(2);
    q.emplace_back("cursor", next.substr(next.find("cursor=") + 7));
  }
  REQUIRE(seen.size() == rows.size());
  std::vector<std::string> order;
  for (const auto& r : rows) order.push_back(r.id);
  CHECK(seen == order);
}

TEST_CASE("ogr2ogr -where reaches rootzone serve as a filter, and deep filters leave it alive",
          "[api][cql2][gdal]") {
  test::TempDir dir;
  const test::TestStore location(dir, "konstanz.sqlite");
  const auto db = location.location();
  test::import_konstanz(db);
  test::ServerProcess server(db);

  // GDAL 3.6 finds "cql-text" in filter-lang's enum of /api and sends the -where as a filter.
  const auto out = (dir / "tall.csv").string();
  const auto r =
      run({"ogr2ogr", "--config", "CPL_DEBUG", "ON", "-f", "CSV", out, "OAPIF:" + server.url(),
           "trees", "-where", "height_m > 30", "-select", "source_id"});
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.err, Catch::Contains("CQL text detected"));
  CHECK_THAT(r.err, Catch::Contains("filter=height_m%20%3E%2030&filter-lang=cql-text"));
  CHECK_THAT(r.err, !Catch::Contains("evaluated on client side"));
  std::istringstream rows(run({"cat", out}).out);
  std::string line;
  std::getline(rows, line);  // header
  std::set<std::string> got;
  // ogr2ogr quotes text fields: "97".
  while (std::getline(rows, line)) got.insert(line.substr(1, line.size() - 2));
  CHECK(got == expected([](const Row& row) { return row.height && *row.height > 30; }));

  // 10,000 parentheses (20 KB of request target) on the socket: a 400, and the next request
  // is answered.
  const std::string deep = "/collections/trees/items?filter=" + std::string(10000, '(') +
                           "height_m%3E1" + std::string(10000, ')');
  const auto refused = test::HttpClient(server.port()).get(deep);
  CHECK(refused.status == 400);
  CHECK(json::parse(refused.body).at("detail") ==
        "filter: nested deeper than 64 levels at position 66");
  const auto after = test::HttpClient(server.port()).get("/collections/trees/items?limit=1");
  CHECK(after.status == 200);
}
