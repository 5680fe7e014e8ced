// Issue 15, "defects found by reading the code", against a real `rootzone serve` over a real
// store: JSON nesting, a contractor without an organisation, the store-busy answer, a work's
// geometry limits, links from Host / --public-url, and --cors-origin. Requests go out as raw
// bytes, so a hostile body or header reaches the server exactly as written.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cctype>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "rootzone/core/api_keys.hpp"
#include "rootzone/geo/protection.hpp"
#include "rootzone/geo/time.hpp"
#include "rootzone/storage/data_generation.hpp"
#include "rootzone/storage/store.hpp"
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

const std::string kCrs = "Content-Crs: <http://www.opengis.net/def/crs/EPSG/0/25832>\r\n";

// Two protected trees near Mainz cathedral (EPSG:25832); work 1 of "Stadtwerke Mainz" beside
// tree 1, work 2 imported without a contractor beside tree 2 (both with their conflicts); a
// contractor of Stadtwerke Mainz, a contractor without an organisation, field staff.
struct City {
  test::TempDir dir;
  test::TestStore location{dir, "city.sqlite"};  // a SpatiaLite file, or a PostGIS database
  std::string db = location.location();
  std::string contractor, orphan, staff;

  City() {
    fill();
    REQUIRE(test::run_rootzone({"check", "--db", db}).exit_code == 0);  // the conflicts
  }

  void fill() {
    auto store = storage::Store::create(db);
    for (int i = 0; i < 2; ++i) {
      geo::Tree t;
      t.source_id = "MZ-" + std::to_string(i + 1);
      t.location = {448000.0 + i * 200.0, 5538000.0};
      t.stem_circumferences_cm = {120};
      t.crown_diameter_m = 8;
      t.protection = geo::evaluate_protection(t, geo::RuleSet::mainz());
      store.trees().insert(t);
    }
    for (int i = 0; i < 2; ++i) {
      geo::Work w;
      w.reference = "W-" + std::to_string(i + 1);
      w.title = "Graben";
      w.contractor = i == 0 ? "Stadtwerke Mainz" : "";
      w.kind = geo::WorkKind::trench;
      const double x = 448000.0 + i * 200.0;
      w.geometry = geo::Geometry::from_wkt("LINESTRING(" + std::to_string(x - 10) + " 5538002, " +
                                           std::to_string(x + 10) + " 5538002)");
      w.width_m = 1.0;
      w.starts_at = geo::parse_utc("2027-03-01T00:00:00Z").value();
      w.ends_at = geo::parse_utc("2027-04-30T00:00:00Z").value();
      w.status = i == 0 ? geo::WorkStatus::draft : geo::WorkStatus::submitted;
      store.works().insert(w, "test");
    }
    const auto key = [&](geo::Role role, const std::string& name, const std::string& org) {
      geo::User u;
      u.name = name;
      u.role = role;
      u.organisation = org;
      return core::issue_api_key(store.users(), store.users().add(u)).token;
    };
    contractor = key(geo::Role::contractor, "carl", "Stadtwerke Mainz");
    orphan = key(geo::Role::contractor, "otto", "");
    staff = key(geo::Role::field_staff, "frida", "");
  }
};

std::string request(const std::string& method, const std::string& target, const std::string& key,
                    const std::string& body, const std::string& extra = "",
                    const std::string& host = "127.0.0.1") {
  std::string r = method + " " + target + " HTTP/1.1\r\nHost: " + host + "\r\n";
  if (!key.empty()) r += "Authorization: Bearer " + key + "\r\n";
  if (!body.empty() || method == "POST") {
    r += "Content-Type: application/geo+json\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n";
  }
  return r + extra + "\r\n" + body;
}

HttpResponse exchange(int port, const std::string& bytes) {
  HttpClient client(port);
  REQUIRE(client.send(bytes));
  return client.read_response();
}

std::string detail(const HttpResponse& r) {
  return json::parse(r.body).value("detail", std::string());
}

// Each with its own reference (a second submission of one reference is a 409).
json line_work(const std::vector<std::pair<double, double>>& points, double width = 1.0) {
  static int made = 0;
  json coordinates = json::array();
  for (const auto& [x, y] : points) coordinates.push_back({x, y});
  return {{"type", "Feature"},
          {"geometry", {{"type", "LineString"}, {"coordinates", coordinates}}},
          {"properties",
           {{"reference", "W-NEW-" + std::to_string(++made)},
            {"title", "Leitung"},
            {"kind", "trench"},
            {"width_m", width},
            {"starts_at", "2027-03-01T07:00:00+01:00"},
            {"ends_at", "2027-03-31T17:00:00+02:00"}}}};
}

}  // namespace

// The issue's crash: a 200 KB body whose member is an array nested 100,000 deep ended the
// process (a recursion per level when the value was copied or dump()ed into the message).
TEST_CASE("JSON bodies nested 100,000 deep: 400 naming the limit on every write, server lives") {
  City city;
  test::ServerProcess server(city.db);
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  const std::string in_member = R"({"type":)" + deep + "}";
  const std::string in_properties = R"({"type":"Feature","properties":{"title":)" + deep + "}}";
  struct Case {
    std::string method, target, key, extra;
  };
  const std::string tree_tag = "If-Match: \"tree-1-v1\"\r\n";
  const std::string work_tag = "If-Match: \"work-1-v1\"\r\n";
  for (const auto& c :
       {Case{"POST", "/collections/works/items", city.contractor, kCrs},
        Case{"PATCH", "/collections/works/items/1", city.contractor, work_tag},
        Case{"POST", "/collections/works/items/1/status", city.contractor, work_tag},
        Case{"POST", "/collections/trees/items", city.staff, kCrs},
        Case{"PATCH", "/collections/trees/items/1", city.staff, tree_tag},
        Case{"PUT", "/collections/trees/items/1", city.staff, tree_tag},
        Case{"POST", "/collections/trees/items/1/inspections", city.staff, ""},
        Case{"POST", "/collections/trees/items/1/felling", city.staff, tree_tag}}) {
    for (const auto* body : {&in_member, &in_properties}) {
      INFO(c.method << " " << c.target);
      const auto r = exchange(server.port(), request(c.method, c.target, c.key, *body, c.extra));
      CHECK(r.status == 400);
      CHECK(r.header("content-type") == "application/problem+json");
      CHECK(detail(r) == "JSON nested deeper than 64 levels of arrays and objects (the limit)");
    }
  }
  // Still serving, and a body at the limit is read as before (400 for its content, not depth).
  CHECK(exchange(server.port(), request("GET", "/health", "", "")).status == 200);
  const std::string at_limit = R"({"type":)" + std::string(63, '[') + std::string(63, ']') + "}";
  const auto r = exchange(
      server.port(), request("POST", "/collections/works/items", city.contractor, at_limit, kCrs));
  CHECK(r.status == 400);
  CHECK(detail(r) ==
        "a work is a GeoJSON Feature: \"type\" must be \"Feature\" (got a JSON array)");
}

TEST_CASE("a contractor without an organisation is refused the conflicts (403), not shown all") {
  City city;
  test::ServerProcess server(city.db);
  const auto orphan =
      exchange(server.port(), request("GET", "/collections/conflicts/items", city.orphan, ""));
  CHECK(orphan.status == 403);
  CHECK(detail(orphan).find("has no organisation") != std::string::npos);
  CHECK(exchange(server.port(),
                 request("GET", "/collections/trees/items/2/conflicts", city.orphan, ""))
            .status == 403);
  // The contractor with an organisation still reads its own, and only its own.
  const auto own =
      exchange(server.port(), request("GET", "/collections/conflicts/items", city.contractor, ""));
  REQUIRE(own.status == 200);
  const auto features = json::parse(own.body).at("features");
  REQUIRE(features.size() == 1);
  CHECK(features[0].at("properties").at("work_id") == 1);
}

TEST_CASE("store busy: 503 with Retry-After and a generic detail, SQLite's text only logged") {
  City city;
  test::ServerProcess server(city.db);
  // Another writer (an import) holds the store: SQLite's write lock, on PostGIS the lock on
  // the generation row every writer updates; each store's wait ends after 5 s.
  auto holder = storage::Store::open(city.db);
  auto held = std::make_unique<storage::StoreTransaction>(holder);
  storage::bump_data_generation(holder);
  const auto r = exchange(server.port(),
                          request("POST", "/collections/works/items", city.contractor,
                                  line_work({{448500, 5538500}, {448520, 5538500}}).dump(), kCrs));
  held.reset();  // rolled back
  CHECK(r.status == 503);
  CHECK(r.header("retry-after") == "10");
  CHECK(detail(r) == "the store is busy; retry later");
  CHECK(r.body.find("locked") == std::string::npos);
}

TEST_CASE("work geometry limits: vertices and extent 422 naming the limit, on POST and PATCH") {
  City city;
  test::ServerProcess server(city.db);
  std::vector<std::pair<double, double>> many;
  for (int i = 0; i < 5001; ++i) many.emplace_back(448500.0 + i * 0.1, 5538500.0 + (i % 2));
  const auto wide = line_work({{446000, 5538500}, {451500, 5538500}});  // 5.5 km
  const auto post = [&](const json& work) {
    return exchange(server.port(), request("POST", "/collections/works/items", city.contractor,
                                           work.dump(), kCrs));
  };
  auto r = post(line_work(many));
  CHECK(r.status == 422);
  CHECK(detail(r) ==
        "geometry: 5001 vertices, at most 5000 (the server's limit, serve --max-work-vertices)");
  r = post(wide);
  CHECK(r.status == 422);
  CHECK(detail(r) ==
        "geometry: 5501 m across with its width or radius, at most 5000 m (the "
        "server's limit, serve --max-work-extent-m)");
  CHECK(post(line_work({{448500, 5538500}, {452000, 5538500}})).status == 201);  // 3.5 km

  const auto patch = [&](const json& geometry) {
    return exchange(server.port(), request("PATCH", "/collections/works/items/1", city.contractor,
                                           json{{"geometry", geometry}}.dump(),
                                           kCrs + "If-Match: \"work-1-v1\"\r\n"));
  };
  r = patch(line_work(many)["geometry"]);
  CHECK(r.status == 422);
  CHECK(detail(r).find("at most 5000 (the server's limit") != std::string::npos);
  r = patch(wide["geometry"]);
  CHECK(r.status == 422);
  CHECK(detail(r).find("at most 5000 m") != std::string::npos);
}

// Found by tests/fuzz/work_bodies: GEOS 3.11's GeoJSON reader read a position's two numbers
// without checking it had them, so one contractor's POST (or an anonymous CQL2 filter) with an
// empty position ended the server.
TEST_CASE("positions with fewer than two numbers are refused, not read by GEOS: server lives") {
  City city;
  test::ServerProcess server(city.db);
  for (const auto* coordinates :
       {"[[]]", "[[448500, 5538500], []]", "[[448500]]", "[[448500, \"x\"]]"}) {
    INFO(coordinates);
    auto work = line_work({{448500, 5538500}, {448510, 5538500}});
    work["geometry"]["coordinates"] = json::parse(std::string(coordinates));
    const auto r = exchange(server.port(), request("POST", "/collections/works/items",
                                                   city.contractor, work.dump(), kCrs));
    CHECK(r.status / 100 == 4);
    CHECK(r.header("content-type") == "application/problem+json");
  }
  // The public's CQL2 filter takes the same reader.
  const std::string filter =
      R"({"op":"s_intersects","args":[{"property":"geometry"},{"type":"LineString","coordinates":[[]]}]})";
  std::string encoded;
  for (const char c : filter) {
    const auto ch = static_cast<unsigned char>(c);
    char hex[4];
    std::snprintf(hex, sizeof hex, "%%%02X", ch);
    encoded += std::isalnum(ch) ? std::string(1, c) : std::string(hex);
  }
  const auto r = exchange(
      server.port(),
      request("GET", "/collections/trees/items?filter-lang=cql2-json&filter=" + encoded, "", ""));
  CHECK(r.status == 400);
  CHECK(exchange(server.port(), request("GET", "/health", "", "")).status == 200);
  CHECK(exchange(server.port(),
                 request("POST", "/collections/works/items", city.contractor,
                         line_work({{448500, 5538500}, {448510, 5538500}}).dump(), kCrs))
            .status == 201);
}

TEST_CASE("work geometry limits are set by serve --max-work-vertices and --max-work-extent-m") {
  City city;
  test::ServerProcess server(city.db, {"--max-work-vertices", "3", "--max-work-extent-m", "50"});
  const auto post = [&](const json& work) {
    return exchange(server.port(), request("POST", "/collections/works/items", city.contractor,
                                           work.dump(), kCrs));
  };
  auto r =
      post(line_work({{448500, 5538500}, {448510, 5538500}, {448520, 5538500}, {448530, 5538500}}));
  CHECK(r.status == 422);
  CHECK(detail(r).find("4 vertices, at most 3") != std::string::npos);
  r = post(line_work({{448500, 5538500}, {448560, 5538500}}));
  CHECK(r.status == 422);
  CHECK(detail(r).find("61 m across with its width or radius, at most 50 m") != std::string::npos);
  CHECK(post(line_work({{448500, 5538500}, {448540, 5538500}})).status == 201);
}

// A Host with bytes that are not UTF-8 made a committed POST answer 500 (the links could not
// be written as JSON); one that is not host[:port] went into links and Location as sent.
TEST_CASE("links and Location: an invalid Host falls back to the server's own address") {
  City city;
  test::ServerProcess server(city.db);
  const std::string own = "http://127.0.0.1:" + std::to_string(server.port());
  for (const std::string& host : {std::string("bad\xff\xfehost"), std::string("evil.example/x?"),
                                  std::string("a b"), std::string("[::1")}) {
    INFO(host);
    const auto r =
        exchange(server.port(),
                 request("POST", "/collections/works/items", city.contractor,
                         line_work({{448500, 5538500}, {448520, 5538500}}).dump(), kCrs, host));
    CHECK(r.status == 201);
    CHECK(r.header("location").rfind(own + "/collections/works/items/", 0) == 0);
    const auto x = exchange(server.port(), request("GET", "/collections", "", "",
                                                   "X-Forwarded-Host: " + host +
                                                       "\r\n"
                                                       "X-Forwarded-Proto: javascript\r\n"));
    REQUIRE(x.status == 200);  // X-Forwarded-Host unusable: the valid Host, over http
    CHECK(json::parse(x.body).at("links").at(0).at("href") == "http://127.0.0.1/collections");
  }
  // A valid one is still honoured (loopback use and nginx's X-Forwarded-*).
  const auto ok = exchange(server.port(), request("GET", "/collections", "", "",
                                                  "X-Forwarded-Host: maps.example.org:8443\r\n"
                                                  "X-Forwarded-Proto: https\r\n"));
  CHECK(json::parse(ok.body).at("links").at(0).at("href") ==
        "https://maps.example.org:8443/collections");
}

TEST_CASE("serve --public-url: links and Location use it, Host and X-Forwarded-* are ignored") {
  City city;
  test::ServerProcess server(city.db, {"--public-url", "https://baeume.example.org/"});
  const auto r =
      exchange(server.port(), request("POST", "/collections/works/items", city.contractor,
                                      line_work({{448500, 5538500}, {448520, 5538500}}).dump(),
                                      kCrs + "X-Forwarded-Host: evil.example\r\n", "evil.example"));
  CHECK(r.status == 201);
  CHECK(r.header("location").rfind("https://baeume.example.org/collections/works/items/", 0) == 0);
  const auto c = exchange(server.port(), request("GET", "/collections", "", "",
                                                 "X-Forwarded-Host: evil.example\r\n"
                                                 "X-Forwarded-Proto: http\r\n"));
  CHECK(json::parse(c.body).at("links").at(0).at("href") ==
        "https://baeume.example.org/collections");
}

TEST_CASE("serve --cors-origin sets Access-Control-Allow-Origin, * by default") {
  City city;
  {
    test::ServerProcess server(city.db);
    CHECK(exchange(server.port(), request("GET", "/collections", "", ""))
              .header("access-control-allow-origin") == "*");
  }
  test::ServerProcess server(city.db, {"--cors-origin", "https://karte.example.org"});
  CHECK(exchange(server.port(), request("GET", "/collections", "", ""))
            .header("access-control-allow-origin") == "https://karte.example.org");
  const auto preflight =
      exchange(server.port(), request("OPTIONS", "/collections/works/items", "", "",
                                      "Origin: https://karte.example.org\r\n"
                                      "Access-Control-Request-Method: POST\r\n"));
  CHECK(preflight.status == 204);
  CHECK(preflight.header("access-control-allow-origin") == "https://karte.example.org");
}
