// OGC API - Features through the service's router with a real store (no socket: the HTTP
// layer has its own raw-socket tests; the end-to-end tests run `rootzone serve`).
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "rootzone/api/service.hpp"
#include "rootzone/geo/crs.hpp"
#include "rootzone/geo/protection.hpp"
#include "rootzone/storage/store.hpp"
#include "support/temp_dir.hpp"
#include "support/test_store.hpp"

using namespace rootzone;
using nlohmann::json;

namespace {

// 25 trees on a 5 x 5 grid with 100 m spacing, south-west corner near Mainz cathedral
// (448000, 5538000 in EPSG:25832); every second one protected (stems 120 / 60 cm).
struct City {
  test::TempDir dir;
  test::TestStore location{dir, "city.sqlite"};
  std::string db = location.location();

  City() {
    auto store = storage::Store::create(db);
    for (int i = 0; i < 25; ++i) {
      geo::Tree t;
      t.source_id = "KN-" + std::to_string(1000 + i);
      t.location = {448000.0 + (i % 5) * 100.0, 5538000.0 + (i / 5) * 100.0};
      t.species_botanical = i % 3 == 0 ? "Tilia cordata" : "Acer platanoides";
      t.stem_circumferences_cm = {i % 2 == 0 ? 120.0 : 60.0};
      t.crown_diameter_m = 8;
      t.protection = geo::evaluate_protection(t, geo::RuleSet::mainz());
      store.trees().insert(t);
    }
    geo::Work w;
    w.reference = "W-1";
    w.title = "Fernwärme";
    w.contractor = "Stadtwerke";
    w.contact = "0612 123456";
    w.kind = geo::WorkKind::trench;
    w.geometry = geo::Geometry::from_wkt("LINESTRING(448000 5538050, 448400 5538050)");
    w.width_m = 1.0;
    w.starts_at = geo::parse_utc("2027-03-01T00:00:00Z").value();
    w.ends_at = geo::parse_utc("2027-04-30T00:00:00Z").value();
    w.status = geo::WorkStatus::submitted;
    store.works().insert(w, "test");
  }
};

api::Response get(api::Service& service, const std::string& path,
                  std::vector<std::pair<std::string, std::string>> query = {}) {
  api::Request req;
  req.method = api::Method::get;
  req.path = path;
  req.query = std::move(query);
  req.headers["host"] = "127.0.0.1:9999";
  return service.router()->dispatch(req);
}

json body(const api::Response& r) { return json::parse(r.body); }

std::string header(const api::Response& r, const std::string& name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "";
}

}  // namespace

TEST_CASE("landing page, conformance and the OpenAPI document", "[api][features]") {
  City city;
  api::Service service({.db = city.db});
  const auto landing = body(get(service, "/"));
  std::set<std::string> rels;
  for (const auto& l : landing.at("links")) rels.insert(l.at("rel").get<std::string>());
  // describedby: /rules, the ordinance deriving the trees' protection (issue 17).
  CHECK(rels ==
        std::set<std::string>{"self", "service-desc", "conformance", "data", "describedby"});

  const auto conf = body(get(service, "/conformance")).at("conformsTo");
  CHECK(std::find(conf.begin(), conf.end(),
                  "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core") != conf.end());
  CHECK(std::find(conf.begin(), conf.end(),
                  "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs") != conf.end());

  const auto api_doc = get(service, "/api");
  CHECK(api_doc.content_type == "application/vnd.oai.openapi+json;version=3.0");
  const auto limit =
      body(api_doc).at("paths").at("/collections/trees/items").at("get").at("parameters").at(0);
  CHECK(limit.at("name") == "limit");
  CHECK(limit.at("schema").at("maximum") == 10000);
  CHECK(limit.at("schema").at("default") == 10);
}

TEST_CASE("collections carry storageCrs, crs and the extent in CRS84", "[api][features]") {
  City city;
  api::Service service({.db = city.db});
  const auto c = body(get(service, "/collections/trees"));
  CHECK(c.at("storageCrs") == "http://www.opengis.net/def/crs/EPSG/0/25832");
  CHECK(c.at("crs").size() == 4);
  const auto bbox = c.at("extent").at("spatial").at("bbox").at(0);
  // (448000, 5538000) .. (448400, 5538400) in UTM 32N: about 8.2745..8.2801 E, 49.992..49.9956 N.
  CHECK(bbox.at(0).get<double>() == Approx(8.2745).margin(1e-3));
  CHECK(bbox.at(1).get<double>() == Approx(49.9921).margin(1e-3));
  CHECK(bbox.at(2).get<double>() > bbox.at(0).get<double>());
  const auto works = body(get(service, "/collections/works"));
  CHECK(works.at("extent").at("temporal").at("interval").at(0).at(0) == "2027-03-01T00:00:00Z");
  CHECK(get(service, "/collections/birds").status == 404);
}

TEST_CASE("items page through every tree exactly once with next links", "[api][features]") {
  City city;
  api::Service service({.db = city.db});
  std::set<std::int64_t> ids;
  std::vector<std::pair<std::string, std::string>> query{{"limit", "10"}};
  int pages = 0;
  for (;;) {
    const auto r = get(service, "/collections/trees/items", query);
    REQUIRE(r.status == 200);
    CHECK(r.content_type == "application/geo+json");
    const auto fc = body(r);
    CHECK(fc.at("numberMatched") == 25);
    for (const auto& f : fc.at("features"))
      CHECK(ids.insert(f.at("id").get<std::int64_t>()).second);
    ++pages;
    std::string next;
    for (const auto& l : fc.at("links")) {
      if (l.at("rel") == "next") next = l.at("href");
    }
    if (next.empty()) break;
    CHECK(next.find("limit=10") != std::string::npos);  // the next link keeps the parameters
    const auto cursor = next.substr(next.find("cursor=") + 7);
    query = {{"limit", "10"}, {"cursor", cursor}};
  }
  CHECK(pages == 3);
  CHECK(ids.size() == 25);
}

TEST_CASE("bbox, crs and property filters select exactly", "[api][features]") {
  City city;
  api::Service service({.db = city.db});
  // The store CRS as bbox-crs: x 448050..448250, y 5538000..5538150 holds columns 1, 2 of
  // rows 0, 1: 4 trees.
  auto r = get(service, "/collections/trees/items",
               {{"bbox", "448050,5538000,448250,5538150"},
                {"bbox-crs", "http://www.opengis.net/def/crs/EPSG/0/25832"},
                {"crs", "http://www.opengis.net/def/crs/EPSG/0/25832"}});
  REQUIRE(r.status == 200);
  CHECK(header(r, "Content-Crs") == "<http://www.opengis.net/def/crs/EPSG/0/25832>");
  auto fc = body(r);
  REQUIRE(fc.at("numberMatched") == 4);
  const auto xy = fc.at("features").at(0).at("geometry").at("coordinates");
  CHECK(xy.at(0).get<double>() == Approx(448100.0).margin(0.001));  // stored coordinates, 1 mm
  CHECK(xy.at(1).get<double>() == Approx(5538000.0).margin(0.001));

  // The same box in CRS84 (from PROJ) selects the same trees.
  const geo::Transformer to_lonlat(25832, 4326);
  const auto sw = to_lonlat.forward({448050, 5538000 - 0.5});
  const auto ne = to_lonlat.forward({448250, 5538150});
  r = get(service, "/collections/trees/items",
          {{"bbox", std::to_string(sw.x) + "," + std::to_string(sw.y) + "," + std::to_string(ne.x) +
                        "," + std::to_string(ne.y)}});
  CHECK(body(r).at("numberMatched") == 4);

  // EPSG:4326 by URI is latitude first.
  r = get(service, "/collections/trees/items/1",
          {{"crs", "http://www.opengis.net/def/crs/EPSG/0/4326"}});
  const auto latlon = body(r).at("geometry").at("coordinates");
  CHECK(latlon.at(0).get<double>() == Approx(49.99206).margin(1e-5));
  CHECK(latlon.at(1).get<double>() == Approx(8.27454).margin(1e-5));

  CHECK(
      body(get(service, "/collections/trees/items", {{"protected", "true"}})).at("numberMatched") ==
      13);
  CHECK(body(get(service, "/collections/trees/items", {{"species_botanical", "Tilia cordata"}}))
            .at("numberMatched") == 9);
  CHECK(body(get(service, "/collections/works/items", {{"datetime", "2027-04-01/.."}}))
            .at("numberMatched") == 1);
  CHECK(body(get(service, "/collections/works/items", {{"datetime", "2027-05-01/2027-06-01"}}))
            .at("numberMatched") == 0);
}

TEST_CASE("numberMatched is exact at a bbox edge finer than the spatial index's floats",
          "[api][features]") {
  City city;
  {
    // The R*Tree keeps float32 bounds: 1/32 m steps at x = 448,000 and 1/2 m at y = 5,538,000,
    // so each of these trees' index boxes reaches across the box edges used below.
    auto store = storage::Store::open(city.db);
    for (const geo::Point p : {geo::Point{448100.013, 5538100.2}, geo::Point{448100.017, 5538100.2},
                               geo::Point{448100.013, 5538100.4}}) {
      geo::Tree t;
      t.source_id = "EDGE-" + std::to_string(p.x) + "-" + std::to_string(p.y);
      t.location = p;
      t.stem_circumferences_cm = {50};
      t.protection = geo::evaluate_protection(t, geo::RuleSet::mainz());
      store.trees().insert(t);
    }
  }
  api::Service service({.db = city.db});
  const auto matched = [&](const std::string& bbox) {
    const auto fc = body(get(service, "/collections/trees/items",
                             {{"bbox", bbox},
                              {"bbox-crs", "http://www.opengis.net/def/crs/EPSG/0/25832"},
                              {"limit", "100"}}));
    // The page holds every match here: the count and the features must agree.
    CHECK(fc.at("numberReturned") == fc.at("numberMatched"));
    return fc.at("numberMatched").get<int>();
  };
  // x from 448100.015: the tree at .017 only, of the three (y 5538100.2 and .4 both inside).
  CHECK(matched("448100.015,5538100,448100.5,5538100.5") == 1);
  // x up to 448100.015: the two at .013 and the grid tree at (448100, 5538100).
  CHECK(matched("448099.9,5538100,448100.015,5538100.5") == 3);
  // y up to 5538100.3: the trees at .2 and the grid tree, not the one at .4.
  CHECK(matched("448099.9,5538099.9,448100.02,5538100.3") == 3);
  // A box wholly inside one float step on both axes holds the tree at (.017, .2) only.
  CHECK(matched("448100.016,5538100.1,448100.018,5538100.3") == 1);

  // Paged one by one, the three trees of the third box come once each, in id order, and the
  // count stays 3 on every page.
  std::vector<std::int64_t> ids;
  std::string cursor;
  for (int page = 0; page < 5; ++page) {
    std::vector<std::pair<std::string, std::string>> query{
        {"bbox", "448099.9,5538099.9,448100.02,5538100.3"},
        {"bbox-crs", "http://www.opengis.net/def/crs/EPSG/0/25832"},
        {"limit", "1"}};
    if (!cursor.empty()) query.emplace_back("cursor", cursor);
    const auto fc = body(get(service, "/collections/trees/items", query));
    CHECK(fc.at("numberMatched") == 3);
    for (const auto& f : fc.at("features")) ids.push_back(f.at("id").get<std::int64_t>());
    cursor.clear();
    for (const auto& l : fc.at("links")) {
      if (l.at("rel") == "next") {
        const std::string next = l.at("href");
        cursor = next.substr(next.find("cursor=") + 7);
      }
    }
    if (cursor.empty()) break;
  }
  // Grid tree 7 (i = 6: x 448100, y 5538100; ids count from 1) and the edge trees at y .2,
  // inserted after the 25 grid trees: 26 and 27.
  CHECK(ids == std::vector<std::int64_t>{7, 26, 27});
}

TEST_CASE("a world-wide bbox, one outside the store's area and one with heights",
          "[api][features]") {
  City city;
  api::Service service({.db = city.db});
  // The whole world in CRS84 holds all 25 trees: only its part inside EPSG:25832's area of
  // use (6..12 E) is projected; projected whole, its corners collapsed to a sliver.
  CHECK(body(get(service, "/collections/trees/items", {{"bbox", "-180,-90,180,90"}}))
            .at("numberMatched") == 25);
  // Iowa lies outside the store's area: nothing there, and not an error.
  auto r = get(service, "/collections/trees/items", {{"bbox", "-96,41,-90,43"}});
  REQUIRE(r.status == 200);
  CHECK(body(r).at("numberMatched") == 0);
  // Six numbers (minx,miny,minz,maxx,maxy,maxz; OGC API Features Part 1) select as four.
  CHECK(body(get(service, "/collections/trees/items", {{"bbox", "-180,-90,-100,180,90,8000"}}))
            .at("numberMatched") == 25);
  // An integer queryable takes plain integers only ("2e3" would be compared as 2 by SQLite).
  CHECK(get(service, "/collections/trees/items", {{"planting_year", "2e3"}}).status == 400);
  CHECK(get(service, "/collections/trees/items", {{"planting_year", "2000"}}).status == 200);
}

TEST_CASE("malformed and unknown parameters are 400 problems", "[api][features]") {
  City city;
  api::Service service({.db = city.db});
  const std::vector<std::pair<std::string, std::string>> bad[] = {
      {{"bbox", "1,2,3"}},
      {{"limit", "-1"}},
      {{"limit", "1000000000"}},
      {{"limit", "ten"}},
      {{"colour", "green"}},
      {{"crs", "EPSG:31467"}},
      {{"bbox", "9,50,8,49"}},
      {{"datetime", "soon"}},
      {{"protected", "maybe"}},
      {{"limit", "5"}, {"limit", "6"}},
      // Integers are written as integers: what "1e1" or "010" means is a guess.
      {{"limit", "1e1"}},
      {{"limit", "10.0"}},
      {{"limit", "010"}},
      {{"cursor", "5.5"}},
      {{"cursor", "1e3"}},
      {{"cursor", "99999999999999999999"}},
  };
  for (const auto& q : bad) {
    INFO(q.front().first << "=" << q.front().second);
    const auto r = get(service, "/collections/trees/items", q);
    CHECK(r.status == 400);
    CHECK(r.content_type == "application/problem+json");
    CHECK(body(r).at("detail").get<std::string>().find(q.front().first) != std::string::npos);
  }
  CHECK(get(service, "/collections/trees/items", {{"datetime", "2027-01-01"}}).status == 400);
}

TEST_CASE("one item with its ETag, 404 for unknown ids, queryables", "[api][features]") {
  City city;
  api::Service service({.db = city.db});
  const auto r = get(service, "/collections/trees/items/3");
  REQUIRE(r.status == 200);
  CHECK(header(r, "ETag") == "\"tree-3-v1\"");
  CHECK(body(r).at("properties").at("source_id") == "KN-1002");
  CHECK(get(service, "/collections/trees/items/999").status == 404);
  CHECK(get(service, "/collections/trees/items/abc").status == 404);
  // One URL per feature: other spellings of id 1 name nothing, and an id past int64 is no id.
  for (const char* id : {"01", "+1", "1.0", "1e0", " 1", "0", "-1", "99999999999999999999"}) {
    INFO(id);
    const auto other = get(service, std::string("/collections/trees/items/") + id);
    CHECK(other.status == 404);
    CHECK(body(other).at("detail") == std::string("no feature '") + id + "'");
  }

  const auto work = body(get(service, "/collections/works/items/1"));
  CHECK(work.at("properties").at("title") == "Fernwärme");
  CHECK_FALSE(work.at("properties").contains("contact"));  // private to contractor and planners

  const auto q = get(service, "/collections/trees/queryables");
  CHECK(q.content_type == "application/schema+json");
  CHECK(body(q).at("properties").at("protected").at("type") == "boolean");
}
