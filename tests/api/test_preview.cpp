// POST /collections/works/preview against a real `rootzone serve` on a loopback port over a
// real SpatiaLite store: the hand-computed zones and clearances, preview then submit, roles,
// what a contractor learns of another organisation's work, bad input, the rate limit, and
// previews beside writes.
#include <atomic>
#include <catch2/catch.hpp>
#include <mutex>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "rootzone/core/api_keys.hpp"
#include "rootzone/geo/geometry.hpp"
#include "rootzone/geo/protection.hpp"
#include "rootzone/geo/time.hpp"
#include "rootzone/storage/data_generation.hpp"
#include "rootzone/storage/database.hpp"
#include "rootzone/storage/store.hpp"
#include "store_rows.hpp"
#include "support/raw_http_client.hpp"
#include "support/server_process.hpp"
#include "support/temp_dir.hpp"
#include "support/test_store.hpp"

using namespace rootzone;
using nlohmann::json;

namespace {

constexpr double kX = 448000;  // the protected tree's stem, EPSG:25832 (Mainz)
constexpr double kY = 5538000;
const std::string kStoreCrs = "Content-Crs: <http://www.opengis.net/def/crs/EPSG/0/25832>\r\n";

// One protected tree (Mainz ordinance: one stem of 100 cm >= 80 cm) with a 10 m crown:
// R_t = max(2.5, 4 x 1.00 m) = 4.0 m (RAS-LP 4, DIN 18920), R_r = 10 / 2 + 1.5 = 6.5 m
// (DIN 18920: crown / 2 + 1.5 m). Users: two contractors of two organisations, one without
// organisation, field staff, a planner.
struct City {
  test::TempDir dir;
  test::TestStore location{dir, "preview.sqlite"};  // a SpatiaLite file, or a PostGIS database
  std::string db = location.location();
  std::int64_t tree = 0;
  std::string own, other, homeless, field, planner;

  City() {
    auto store = storage::Store::create(db);
    geo::Tree t;
    t.source_id = "T-100";
    t.location = {kX, kY};
    t.stem_circumferences_cm = {100};
    t.crown_diameter_m = 10;
    t.protection = geo::evaluate_protection(t, geo::RuleSet::mainz());
    REQUIRE(t.protection.is_protected);
    tree = store.trees().insert(t);
    const auto key = [&](const char* name, geo::Role role, const char* organisation) {
      geo::User u;
      u.name = name;
      u.role = role;
      u.organisation = organisation;
      return core::issue_api_key(store.users(), store.users().add(u)).token;
    };
    own = key("anna", geo::Role::contractor, "Stadtwerke Mainz");
    other = key("bert", geo::Role::contractor, "Telekom Baupartner");
    homeless = key("carl", geo::Role::contractor, "");
    field = key("fritz", geo::Role::field_staff, "");
    planner = key("paula", geo::Role::planner, "");
  }
};

// A trench 20 m long along x, `off` metres north of the stem, 1 m wide: its near edge lies
// off - 0.5 m from the stem.
json trench(const std::string& reference, double off, const char* kind = "trench") {
  return {{"type", "Feature"},
          {"geometry",
           {{"type", "LineString"}, {"coordinates", {{kX - 10, kY + off}, {kX + 10, kY + off}}}}},
          {"properties",
           {{"reference", reference},
            {"title", "Fernwärme"},
            {"kind", kind},
            {"width_m", 1.0},
            {"contact", "0171 555 01 01"},
            {"starts_at", "2027-03-01T07:00:00+01:00"},
            {"ends_at", "2027-03-31T17:00:00+02:00"}}}};
}

test::HttpResponse post(test::HttpClient& c, const std::string& path, const std::string& key,
                        const std::string& body, const std::string& extra = kStoreCrs) {
  std::string r = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  if (!key.empty()) r += "Authorization: Bearer " + key + "\r\n";
  r += "Content-Type: application/geo+json\r\nContent-Length: " + std::to_string(body.size()) +
       "\r\n" + extra + "\r\n" + body;
  // No REQUIRE: the concurrency test calls this from its own threads.
  if (!c.send(r)) throw std::runtime_error("connection closed while sending POST " + path);
  return c.read_response();
}

test::HttpResponse preview(test::HttpClient& c, const std::string& key, const json& body) {
  return post(c, "/collections/works/preview", key, body.dump());
}

json body_of(const test::HttpResponse& r) {
  INFO(r.status << " " << r.body);
  return json::parse(r.body);
}

std::int64_t rows(const std::string& db, const std::string& table) {
  return test::store_count(db, "SELECT count(*) FROM " + table);
}

// What a preview must leave as it was: the store's data generation and every table a
// submission writes.
std::vector<std::int64_t> store_state(const std::string& db) {
  auto store = storage::Store::open(db);
  return {storage::data_generation(store), rows(db, "works"), rows(db, "work_status_history"),
          rows(db, "tree_work_conflicts"), rows(db, "work_work_conflicts")};
}

const std::vector<std::string> kFast = {"--preview-rate", "1000000", "--preview-burst", "1000000"};

}  // namespace

TEST_CASE("preview: a trench inside R_t is critical, between R_t and R_r high, beyond R_r none",
          "[api][works][preview]") {
  City city;
  test::ServerProcess server(city.db, kFast);
  test::HttpClient c(server.port());

  // off 3.0 m: edge at d = 2.5 m < R_t = 4.0 m: critical; clear by 4.0 - 2.5 = 1.5 m of R_t
  // and 6.5 - 2.5 = 4.0 m of R_r.
  auto r = preview(c, city.own, trench("P-1", 3.0));
  REQUIRE(r.status == 200);
  CHECK(r.header("content-type") == "application/geo+json");
  CHECK_FALSE(r.has("location"));
  CHECK_FALSE(r.has("etag"));
  auto b = body_of(r);
  CHECK(b.at("preview") == true);
  CHECK(b.at("id").is_null());
  CHECK(b.at("properties").at("status") == "submitted");
  CHECK(b.at("properties").at("contractor") == "Stadtwerke Mainz");
  CHECK(b.at("properties").at("version") == 1);
  REQUIRE(b.at("conflicts").at("trees").size() == 1);
  CHECK(b.at("conflicts").at("works").empty());
  auto p = b.at("conflicts").at("trees").at(0).at("properties");
  CHECK(b.at("conflicts").at("trees").at(0).at("id").is_null());
  CHECK(p.at("work_id").is_null());
  CHECK(p.at("tree_id") == city.tree);
  CHECK(p.at("severity") == "critical");
  CHECK(p.at("min_distance_m").get<double>() == Approx(2.5).margin(1e-9));
  CHECK(p.at("zone").at("trench_distance_m").get<double>() == Approx(4.0));
  CHECK(p.at("zone").at("root_zone_m").get<double>() == Approx(6.5));
  CHECK(p.at("zone").at("rule") == "DIN 18920: crown 10 m / 2 + 1.5 m");
  CHECK(p.at("zone").at("basis") == "din18920");
  CHECK(p.at("clear_by_m").at("trench_distance").get<double>() == Approx(1.5).margin(1e-9));
  CHECK(p.at("clear_by_m").at("root_zone").get<double>() == Approx(4.0).margin(1e-9));
  // The tree's location comes from the engine: the stem, in CRS84 as the tree's own item.
  const auto tree = c.get("/collections/trees/items/" + std::to_string(city.tree));
  REQUIRE(tree.status == 200);
  CHECK(b.at("conflicts").at("trees").at(0).at("geometry") ==
        json::parse(tree.body).at("geometry"));

  // off 5.0 m: d = 4.5 m, past R_t, inside R_r: high; R_t left, 2.0 m to leave R_r.
  b = body_of(preview(c, city.own, trench("P-1", 5.0)));
  REQUIRE(b.at("conflicts").at("trees").size() == 1);
  p = b.at("conflicts").at("trees").at(0).at("properties");
  CHECK(p.at("severity") == "high");
  CHECK(p.at("min_distance_m").get<double>() == Approx(4.5).margin(1e-9));
  CHECK(p.at("clear_by_m").at("trench_distance") == 0.0);
  CHECK(p.at("clear_by_m").at("root_zone").get<double>() == Approx(2.0).margin(1e-9));

  // Scaffolding does not dig: medium inside R_r, and no trench distance to leave.
  b = body_of(preview(c, city.own, trench("P-1", 5.0, "scaffolding")));
  REQUIRE(b.at("conflicts").at("trees").size() == 1);
  p = b.at("conflicts").at("trees").at(0).at("properties");
  CHECK(p.at("severity") == "medium");
  CHECK(p.at("clear_by_m").at("trench_distance").is_null());

  // off 7.5 m: d = 7.0 m >= R_r = 6.5 m: no conflict.
  b = body_of(preview(c, city.own, trench("P-1", 7.5)));
  CHECK(b.at("conflicts").at("trees").empty());

  // A draft is previewed (and submitted) as a draft.
  auto draft = trench("P-1", 3.0);
  draft["properties"]["status"] = "draft";
  b = body_of(preview(c, city.own, draft));
  CHECK(b.at("properties").at("status") == "draft");
  CHECK(b.at("conflicts").at("trees").size() == 1);
}

TEST_CASE("preview then submit: the same conflicts, and the preview stored nothing",
          "[api][works][preview]") {
  City city;
  test::ServerProcess server(city.db, kFast);
  test::HttpClient c(server.port());
  // An earlier work of the other organisation 8 m away in the same month: a clash.
  REQUIRE(post(c, "/collections/works/items", city.other, trench("TB-1", 11.0).dump()).status ==
          201);
  const auto before = store_state(city.db);

  const auto work = trench("SW-1", 3.0);
  const auto seen = body_of(preview(c, city.own, work));
  CHECK(store_state(city.db) == before);

  const auto created = post(c, "/collections/works/items", city.own, work.dump());
  REQUIRE(created.status == 201);
  const auto stored = body_of(created);
  CHECK(store_state(city.db) != before);
  const auto id = stored.at("id").get<std::int64_t>();

  const auto& pt = seen.at("conflicts").at("trees");
  const auto& st = stored.at("conflicts").at("trees");
  REQUIRE(pt.size() == 1);
  REQUIRE(st.size() == 1);
  for (const char* member : {"tree_id", "severity", "rule", "min_distance_m", "overlap_m2",
                             "overlap_share", "zone", "clear_by_m", "acknowledged"}) {
    INFO(member);
    CHECK(pt.at(0).at("properties").at(member) == st.at(0).at("properties").at(member));
  }
  CHECK(pt.at(0).at("geometry") == st.at(0).at("geometry"));
  CHECK(st.at(0).at("properties").at("work_id") == id);
  CHECK(st.at(0).at("properties").at("severity") == "critical");

  const auto& pw = seen.at("conflicts").at("works");
  const auto& sw = stored.at("conflicts").at("works");
  REQUIRE(pw.size() == 1);
  REQUIRE(sw.size() == 1);
  for (const char* member : {"other_work_id", "distance_m", "overlap_start", "overlap_end"}) {
    INFO(member);
    CHECK(pw.at(0).at(member) == sw.at(0).at(member));
  }
  CHECK(pw.at(0).at("distance_m").get<double>() == Approx(7.0).margin(1e-9));  // 11 - 3 - 2 x 0.5
  for (const char* member : {"reference", "title", "kind", "starts_at", "ends_at", "status",
                             "contractor", "contact", "width_m", "depth_m"}) {
    INFO(member);
    CHECK(seen.at("properties").at(member) == stored.at("properties").at(member));
  }
  CHECK(seen.at("geometry") == stored.at("geometry"));

  // An edit's and a status change's answers carry the zones too: a draft moved from 5 m
  // (d = 4.5 m, high) to 3 m (d = 2.5 m, critical), then submitted.
  auto draft = trench("SW-2", 5.0);
  draft["properties"]["status"] = "draft";
  const auto made = post(c, "/collections/works/items", city.own, draft.dump());
  REQUIRE(made.status == 201);
  auto p = body_of(made).at("conflicts").at("trees").at(0).at("properties");
  CHECK(p.at("severity") == "high");
  CHECK(p.at("clear_by_m").at("root_zone").get<double>() == Approx(2.0).margin(1e-9));
  const auto path = "/collections/works/items/" + std::to_string(body_of(made).at("id").get<int>());
  const json moved = {
      {"geometry",
       {{"type", "LineString"}, {"coordinates", {{kX - 10, kY + 3.0}, {kX + 10, kY + 3.0}}}}}};
  std::string patch = "PATCH " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " +
                      city.own + "\r\nContent-Type: application/merge-patch+json\r\n" + kStoreCrs +
                      "If-Match: " + made.header("etag") +
                      "\r\nContent-Length: " + std::to_string(moved.dump().size()) + "\r\n\r\n" +
                      moved.dump();
  REQUIRE(c.send(patch));
  const auto edited = c.read_response();
  REQUIRE(edited.status == 200);
  p = body_of(edited).at("conflicts").at("trees").at(0).at("properties");
  CHECK(p.at("severity") == "critical");
  CHECK(p.at("clear_by_m").at("trench_distance").get<double>() == Approx(1.5).margin(1e-9));
  const auto status = post(c, path + "/status", city.own, json({{"to", "submitted"}}).dump(),
                           "If-Match: " + edited.header("etag") + "\r\n");
  REQUIRE(status.status == 200);
  p = body_of(status).at("conflicts").at("trees").at(0).at("properties");
  CHECK(p.at("zone").at("trench_distance_m").get<double>() == Approx(4.0));
  CHECK(p.at("clear_by_m").at("trench_distance").get<double>() == Approx(1.5).margin(1e-9));
}

TEST_CASE("preview: another process's write is seen once a tile request caught up with it",
          "[api][works][preview]") {
  City city;
  test::ServerProcess server(city.db, kFast);
  test::HttpClient c(server.port());
  const auto work = trench("X-1", 3.0);
  CHECK(body_of(preview(c, city.own, work)).at("conflicts").at("works").empty());
  {
    // Another process (an import while serving) adds a work 8 m away, bumping the generation.
    auto store = storage::Store::open(city.db);
    storage::StoreTransaction tx(store);
    geo::Work w;
    w.reference = "IMPORT-1";
    w.title = "Gasleitung";
    w.contractor = "Netze AG";
    w.kind = geo::WorkKind::trench;
    w.width_m = 1.0;
    w.geometry = geo::Geometry::from_wkt("LINESTRING(447990 5538011, 448010 5538011)");
    w.status = geo::WorkStatus::submitted;
    w.starts_at = geo::parse_utc("2027-03-01T06:00:00Z").value();
    w.ends_at = geo::parse_utc("2027-03-31T15:00:00Z").value();
    w.source = "import";
    store.works().insert(w, "import");
    storage::bump_data_generation(store);
    tx.commit();
  }
  // On SpatiaLite the engine is not current yet (the preview reads no store) ... On PostGIS
  // the write's notice may already have reached the server's follower (docs/postgis.md
  // "Several nodes: change notifications"): either answer is right until it caught up.
  if (!test::testing_postgis()) {
    CHECK(body_of(preview(c, city.own, work)).at("conflicts").at("works").empty());
  }
  // ... until this server catches up: the tile index and the engine together.
  REQUIRE(c.get("/tiles/city/16/34279/22287.mvt").status / 100 == 2);
  const auto after = body_of(preview(c, city.own, work));
  REQUIRE(after.at("conflicts").at("works").size() == 1);
  CHECK(after.at("conflicts").at("works").at(0).at("other_work").at("reference") == "IMPORT-1");
}

TEST_CASE("preview: roles, and what a contractor learns of another organisation's work",
          "[api][works][preview]") {
  City city;
  test::ServerProcess server(city.db, kFast);
  test::HttpClient c(server.port());
  REQUIRE(post(c, "/collections/works/items", city.own, trench("SW-1", 11.0).dump()).status == 201);
  const auto work = trench("X-1", 3.0);

  const auto anonymous = preview(c, "", work);
  CHECK(anonymous.status == 401);
  CHECK(anonymous.header("content-type") == "application/problem+json");
  const auto staff = preview(c, city.field, work);
  CHECK(staff.status == 403);
  CHECK(body_of(staff).at("detail") ==
        "role field_staff may not preview works (allowed: contractor, planner, admin)");
  const auto homeless = preview(c, city.homeless, work);
  CHECK(homeless.status == 403);
  CHECK(body_of(homeless).at("detail").get<std::string>().find("has no organisation") !=
        std::string::npos);
  auto named = work;
  named["properties"]["contractor"] = "Stadtwerke Mainz";
  CHECK(preview(c, city.other, named).status == 403);

  // The other organisation sees the clash with the public layer of SW-1: no contact.
  const auto theirs = body_of(preview(c, city.other, work));
  REQUIRE(theirs.at("conflicts").at("works").size() == 1);
  const auto& seen = theirs.at("conflicts").at("works").at(0).at("other_work");
  CHECK(seen.at("reference") == "SW-1");
  CHECK(seen.at("contractor") == "Stadtwerke Mainz");
  CHECK_FALSE(seen.contains("contact"));
  CHECK_FALSE(theirs.at("conflicts").at("works").at(0).contains("conflicts"));
  CHECK(theirs.at("properties").at("contractor") == "Telekom Baupartner");

  // Its own organisation and a planner see the contact.
  const auto mine = body_of(preview(c, city.own, work));
  CHECK(mine.at("conflicts").at("works").at(0).at("other_work").at("contact") == "0171 555 01 01");
  const auto planner = preview(c, city.planner, work);
  REQUIRE(planner.status == 200);
  const auto pb = body_of(planner);
  CHECK(pb.at("conflicts").at("works").at(0).at("other_work").at("contact") == "0171 555 01 01");
  CHECK(pb.at("conflicts").at("trees").at(0).at("properties").at("severity") == "critical");
  CHECK(pb.at("properties").at("contractor") == "");  // a planner previews for no one
}

TEST_CASE("preview: bad input is a 400 or 422 naming what is wrong", "[api][works][preview]") {
  City city;
  test::ServerProcess server(city.db, kFast);
  test::HttpClient c(server.port());
  const auto problem = [&](const json& body, int status, const std::string& detail) {
    const auto r = preview(c, city.own, body);
    INFO(body.dump() << " -> " << r.status << " " << r.body);
    CHECK(r.status == status);
    CHECK(r.header("content-type") == "application/problem+json");
    CHECK(json::parse(r.body).at("detail") == detail);
  };
  auto bow = trench("B-1", 3.0);
  bow["geometry"] = {
      {"type", "Polygon"},
      {"coordinates", {{{kX, kY}, {kX + 10, kY + 10}, {kX + 10, kY}, {kX, kY + 10}, {kX, kY}}}}};
  problem(bow, 422,
          "geometry is not valid (OGC simple features): Self-intersection[448005 5538005]; "
          "redraw it (it is not repaired silently)");
  auto dot = trench("B-1", 3.0);
  dot["geometry"]["coordinates"] = {{kX, kY + 3}, {kX, kY + 3}};
  problem(dot, 422,
          "geometry is not valid (OGC simple features): Too few points in geometry "
          "component[448000 5538003]; redraw it (it is not repaired silently)");
  auto pit = trench("B-1", 3.0, "pit");
  pit["geometry"] = {{"type", "Point"}, {"coordinates", {kX, kY + 3}}};
  pit["properties"].erase("width_m");
  pit["properties"]["radius_m"] = 0;
  problem(pit, 422, "radius_m 0: must be a positive number of metres");
  auto backwards = trench("B-1", 3.0);
  backwards["properties"]["ends_at"] = "2027-02-01T00:00:00Z";
  problem(backwards, 422, "ends_at 2027-02-01T00:00:00Z is before starts_at 2027-03-01T06:00:00Z");
  auto long_line = trench("B-1", 3.0);
  json coords = json::array();
  for (int i = 0; i < 5001; ++i) coords.push_back({kX + i * 0.1, kY + 3});
  long_line["geometry"]["coordinates"] = coords;
  problem(long_line, 422,
          "geometry: 5001 vertices, at most 5000 (the server's limit, serve --max-work-vertices)");

  const auto raw = [&](const std::string& body) {
    return post(c, "/collections/works/preview", city.own, body);
  };
  auto r = raw("{\"type\": \"Feature\",");
  CHECK(r.status == 400);
  CHECK(r.header("content-type") == "application/problem+json");
  r = raw(std::string(10000, '[') + std::string(10000, ']'));
  CHECK(r.status == 400);
  CHECK(r.header("content-type") == "application/problem+json");
  // Still serving, nothing stored.
  CHECK(preview(c, city.own, trench("B-1", 3.0)).status == 200);
  CHECK(store_state(city.db)[1] == 0);
}

TEST_CASE("preview: the rate limit answers 429 with Retry-After per API key",
          "[api][works][preview]") {
  City city;
  test::ServerProcess server(city.db, {"--preview-rate", "2", "--preview-burst", "3"});
  test::HttpClient c(server.port());
  const auto work = trench("R-1", 3.0);
  // Three at once (the burst); the fourth, within the half second a token takes to come back,
  // is refused.
  for (int i = 0; i < 3; ++i) CHECK(preview(c, city.own, work).status == 200);
  const auto refused = preview(c, city.own, work);
  REQUIRE(refused.status == 429);
  CHECK(refused.header("content-type") == "application/problem+json");
  CHECK(refused.header("retry-after") == "1");
  CHECK(body_of(refused).at("detail") ==
        "work previews: at most 2 per second per API key (3 at once); retry in 1 s");
  // Another key has its own bucket.
  CHECK(preview(c, city.other, work).status == 200);
  // A second later one token is back.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  CHECK(preview(c, city.own, work).status == 200);
}

TEST_CASE("preview: answers stay exact while writes go on", "[api][works][preview]") {
  City city;
  test::ServerProcess server(city.db, kFast);
  const auto work = trench("C-1", 3.0);
  json expected;
  {
    test::HttpClient c(server.port());
    expected = body_of(preview(c, city.own, work)).at("conflicts").at("trees").at(0);
  }
  expected["properties"].erase("computed_at");
  std::atomic<bool> writing = true;
  std::atomic<int> answered = 0;
  std::vector<std::string> wrong;
  std::mutex wrong_mutex;
  std::vector<std::thread> readers;
  for (int t = 0; t < 4; ++t) {
    readers.emplace_back([&] {
      try {
        test::HttpClient c(server.port());
        while (writing || answered < 40) {
          const auto r = preview(c, city.own, work);
          auto b = json::parse(r.body);
          bool same = r.status == 200 && b.at("conflicts").at("trees").size() == 1 &&
                      b.at("conflicts").at("works").empty();
          if (same) {
            auto got = b.at("conflicts").at("trees").at(0);
            got["properties"].erase("computed_at");
            same = got == expected;
          }
          if (!same) {
            std::lock_guard lock(wrong_mutex);
            wrong.push_back(r.body);
          }
          ++answered;
        }
      } catch (const std::exception& e) {
        std::lock_guard lock(wrong_mutex);
        wrong.push_back(e.what());
      }
    });
  }
  // Writes far from the tree and the work (1 km east): each changes the engine.
  {
    test::HttpClient c(server.port());
    for (int i = 0; i < 30; ++i) {
      auto far = trench("W-" + std::to_string(i), 3.0 + i * 30);
      for (auto& p : far["geometry"]["coordinates"]) p[0] = p[0].get<double>() + 1000;
      CHECK(post(c, "/collections/works/items", city.other, far.dump()).status == 201);
    }
  }
  writing = false;
  for (auto& t : readers) t.join();
  CHECK(answered >= 40);
  CHECK(wrong.empty());
  CHECK(store_state(city.db)[1] == 30);
}
