// Tree editing from a phone (issue 5): POST, PUT, PATCH with If-Match, inspections, felling,
// history, through the service's router with a real store. Conflicts are checked against the
// hand-computed trench case of test_tree_edit_fixture.hpp.
#include <catch2/catch.hpp>
#include <latch>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>

#include "rootzone/core/application.hpp"
#include "rootzone/geo/time.hpp"
#include "test_tree_edit_fixture.hpp"

using namespace rootzone;
using api::Method;
using nlohmann::json;
using test::Call;
using test::header_of;
using test::item_path;
using test::tree_etag;

namespace {

json body(const api::Response& r) { return json::parse(r.body); }

// A new tree at (448300, 5538003) in the store CRS.
json new_tree(const std::string& source_id, json properties = json::object()) {
  properties["source_id"] = source_id;
  return {{"type", "Feature"},
          {"geometry", {{"type", "Point"}, {"coordinates", {448300.0, 5538003.0}}}},
          {"properties", properties}};
}

Call post_tree(const json& feature, const std::string& role = "field_staff") {
  return {Method::post,
          "/collections/trees/items",
          role,
          feature.dump(),
          {{"content-crs", std::string("<") + test::kStoreCrs + ">"}}};
}

Call patch_tree(std::int64_t id, std::int64_t version, const json& patch,
                const std::string& role = "field_staff") {
  return {Method::patch,
          item_path(id),
          role,
          patch.dump(),
          {{"if-match", tree_etag(id, version)}, {"content-type", "application/merge-patch+json"}}};
}

std::vector<geo::TreeChange> history_of(const test::TreeCity& city, std::int64_t id) {
  return storage::Store::open(city.db).trees().history(id);
}

}  // namespace

TEST_CASE("POST adds a tree: 201, Location, ETag, protection from the active rule set",
          "[api][trees]") {
  test::TreeCity city;
  api::Service service({.db = city.db});
  const auto r = send(service, city,
                      post_tree(new_tree("MZ-100", {{"species_botanical", "Quercus robur"},
                                                    {"stem_circumferences_cm", {50, 45}},
                                                    {"crown_diameter_m", 9.5},
                                                    {"vitality", 1},
                                                    {"planting_year", 1990}})));
  REQUIRE(r.status == 201);
  const auto f = body(r);
  const auto id = f.at("id").get<std::int64_t>();
  CHECK(header_of(r, "Location") ==
        "http://127.0.0.1:9999/collections/trees/items/" + std::to_string(id));
  CHECK(header_of(r, "ETag") == tree_etag(id, 1));
  const auto& p = f.at("properties");
  // Mainz, multi-stem: 50 + 45 = 95 cm >= 80 cm and the largest stem 50 cm >= 30 cm.
  CHECK(p.at("protected") == true);
  CHECK(p.at("protection_source") == "ordinance");
  CHECK(p.at("protection_reason") ==
        "multi-stem: sum 95 cm >= 80 cm, largest stem 50 cm >= 30 cm at 1 m");
  CHECK(p.at("stem_circumferences_cm") == json({50, 45}));
  CHECK(f.at("conflicts").at("count") == 0);

  auto store = storage::Store::open(city.db);
  const auto stored = store.trees().get(id);
  CHECK(stored.location == geo::Point{448300.0, 5538003.0});
  CHECK(stored.crown_diameter_m == 9.5);
  const auto h = store.trees().history(id);
  REQUIRE(h.size() == 1);
  CHECK(h[0].field == "created");
  CHECK(h[0].user == "Anna Feld");
  CHECK(h[0].new_value == "MZ-100");

  // The same number again is a 409 and stores nothing.
  const auto before = test::counts(city.db);
  const auto dup = send(service, city, post_tree(new_tree("MZ-100")));
  CHECK(dup.status == 409);
  CHECK_THAT(body(dup).at("detail").get<std::string>(),
             Catch::Contains("'MZ-100' is already tree " + std::to_string(id)));
  CHECK(test::counts(city.db) == before);
}

TEST_CASE("POST in CRS84 stores the point in the store CRS, manual protection needs a reason",
          "[api][trees]") {
  test::TreeCity city;
  api::Service service({.db = city.db});
  // 8.2745 E 49.9921 N is about (448000, 5538000) in EPSG:25832 (cs2cs); no Content-Crs: CRS84.
  json f = {{"type", "Feature"},
            {"geometry", {{"type", "Point"}, {"coordinates", {8.2745, 49.9921}}}},
            {"properties",
             {{"source_id", "ND-7"},
              {"stem_circumferences_cm", {40}},
              {"protection_source", "manual"},
              {"protected", true}}}};
  const auto refused =
      send(service, city, {Method::post, "/collections/trees/items", "field_staff", f.dump()});
  CHECK(refused.status == 422);
  CHECK_THAT(body(refused).at("detail").get<std::string>(),
             Catch::Contains("properties.protection_reason"));

  f["properties"]["protection_reason"] = "Naturdenkmal ND 7";
  const auto r = send(service, city, {Method::post, "/collections/trees/items", "admin", f.dump()});
  REQUIRE(r.status == 201);
  const auto p = body(r).at("properties");
  CHECK(p.at("protected") == true);  // 40 cm is under 80 cm: only the manual source protects
  CHECK(p.at("protection_source") == "manual");
  CHECK(p.at("protection_reason") == "Naturdenkmal ND 7");
  const auto stored =
      storage::Store::open(city.db).trees().get(body(r).at("id").get<std::int64_t>());
  CHECK(stored.location.x == Approx(448000).margin(10));
  CHECK(stored.location.y == Approx(5538000).margin(15));
}

TEST_CASE(
    "a tree patched across the threshold is protected and gains its conflict, felling "
    "removes it",
    "[api][trees][conflicts]") {
  test::TreeCity city;
  api::Service service({.db = city.db});
  std::vector<core::DataChange> published;
  service.app().on_change([&](const core::DataChange& c) { published.push_back(c); });
  {
    auto store = storage::Store::open(city.db);
    CHECK_FALSE(store.trees().get(city.tree).protection.is_protected);  // 79 cm < 80 cm
    CHECK(store.conflicts().tree_work_conflicts_for_tree(city.tree).empty());
  }

  const auto r =
      send(service, city,
           patch_tree(city.tree, 1, {{"properties", {{"stem_circumferences_cm", {81}}}}}));
  REQUIRE(r.status == 200);
  const auto f = body(r);
  CHECK(header_of(r, "ETag") == tree_etag(city.tree, 2));
  CHECK(f.at("properties").at("protected") == true);
  CHECK(f.at("properties").at("protection_reason") == "circumference 81 cm >= 80 cm at 1 m");
  // The trench's edge is 2.5 m from the stem; R_t = max(2.5, 4 x 0.81 m) = 3.24 m: critical.
  CHECK(f.at("conflicts") ==
        json({{"count", 1}, {"by_severity", {{"critical", 1}, {"high", 0}, {"medium", 0}}}}));
  {
    auto store = storage::Store::open(city.db);
    const auto conflicts = store.conflicts().tree_work_conflicts_for_tree(city.tree);
    REQUIRE(conflicts.size() == 1);
    CHECK(conflicts[0].work_id == city.work);
    CHECK(conflicts[0].severity == geo::Severity::critical);
    CHECK(conflicts[0].min_distance_m == Approx(2.5).margin(1e-6));
    std::set<std::string> fields;
    for (const auto& c : store.trees().history(city.tree)) {
      CHECK(c.user == "Anna Feld");
      fields.insert(c.field);
    }
    CHECK(fields ==
          std::set<std::string>{"stem_circumferences_cm", "is_protected", "protection_reason"});
  }
  // The tile cache is told: the stem grown by its larger radius, R_r = 8 / 2 + 1.5 = 5.5 m.
  REQUIRE(published.size() == 1);
  REQUIRE(published[0].areas.size() == 1);
  CHECK(published[0].areas[0] == geo::Bounds{448004.5, 5537997.5, 448015.5, 5538008.5});

  // Felling: status, date, the reason in the history; the conflict is gone.
  const Call fell{
      Method::post,
      item_path(city.tree) + "/felling",
      "field_staff",
      json({{"felled_on", "2020-11-02"}, {"reason", "Sturmschaden, Stamm gebrochen"}}).dump(),
      {{"if-match", tree_etag(city.tree, 2)}}};
  const auto felled = send(service, city, fell);
  REQUIRE(felled.status == 200);
  CHECK(body(felled).at("properties").at("status") == "felled");
  CHECK(body(felled).at("properties").at("felled_on") == "2020-11-02");
  CHECK(body(felled).at("conflicts").at("count") == 0);
  CHECK(storage::Store::open(city.db).conflicts().tree_work_conflicts_for_tree(city.tree).empty());
  const auto h = history_of(city, city.tree);
  REQUIRE(h.size() == 6);
  CHECK(h[3].field == "status");
  CHECK(h[3].old_value == "existing");
  CHECK(h[3].new_value == "felled");
  CHECK(h[4].field == "felled_on");
  CHECK(h[5].field == "felling_reason");
  CHECK(h[5].new_value == "Sturmschaden, Stamm gebrochen");

  // Felling a felled tree: 409 (even with its current ETag), nothing written.
  const auto before = test::counts(city.db);
  auto again = fell;
  again.headers = {{"if-match", tree_etag(city.tree, 3)}};
  const auto twice = send(service, city, again);
  CHECK(twice.status == 409);
  CHECK_THAT(body(twice).at("detail").get<std::string>(),
             Catch::Contains("already felled on 2020-11-02"));
  CHECK(test::counts(city.db) == before);
  // A felled tree stays felled, and is no longer inspected.
  CHECK(send(service, city, patch_tree(city.tree, 3, {{"properties", {{"status", "existing"}}}}))
            .status == 409);
  CHECK(send(service, city,
             {Method::post, item_path(city.tree) + "/inspections", "field_staff",
              json({{"inspected_on", "2020-11-03"}, {"kind", "regular"}}).dump()})
            .status == 409);
  CHECK(test::counts(city.db) == before);
}

TEST_CASE(
    "moving a protected tree next to the trench gains the conflict, moving it away loses "
    "it",
    "[api][trees][conflicts]") {
  test::TreeCity city;
  api::Service service({.db = city.db});
  std::vector<core::DataChange> published;
  service.app().on_change([&](const core::DataChange& c) { published.push_back(c); });
  // MZ-2 (120 cm, crown 8 m) moved to 5.0 m north of the trench's centre line: its edge is
  // 4.5 m away, inside R_t = max(2.5, 4 x 1.2 m) = 4.8 m: critical.
  auto r = send(
      service, city,
      {Method::patch,
       item_path(city.tree2),
       "field_staff",
       json({{"geometry", {{"type", "Point"}, {"coordinates", {448010.0, 5538005.0}}}}}).dump(),
       {{"if-match", tree_etag(city.tree2, 1)}, {"content-crs", std::string(test::kStoreCrs)}}});
  REQUIRE(r.status == 200);
  CHECK(body(r).at("conflicts").at("by_severity").at("critical") == 1);
  // Both footprints for the tile cache, each grown by R_r = 8 / 2 + 1.5 = 5.5 m (> R_t 4.8 m).
  REQUIRE(published.size() == 1);
  CHECK(published[0].areas == std::vector<geo::Bounds>{{448104.5, 5537997.5, 448115.5, 5538008.5},
                                                       {448004.5, 5537999.5, 448015.5, 5538010.5}});
  auto store = storage::Store::open(city.db);
  CHECK(store.conflicts().tree_work_conflicts_for_tree(city.tree2).size() == 1);
  // Crown grown to 14 m, still there: R_r = 8.5 m; still critical (R_t unchanged).
  r = send(service, city, patch_tree(city.tree2, 2, {{"properties", {{"crown_diameter_m", 14}}}}));
  REQUIRE(r.status == 200);
  CHECK(body(r).at("conflicts").at("count") == 1);
  r = send(
      service, city,
      {Method::patch,
       item_path(city.tree2),
       "field_staff",
       json({{"geometry", {{"type", "Point"}, {"coordinates", {448110.0, 5538003.0}}}}}).dump(),
       {{"if-match", tree_etag(city.tree2, 3)}, {"content-crs", std::string(test::kStoreCrs)}}});
  REQUIRE(r.status == 200);
  CHECK(body(r).at("conflicts").at("count") == 0);
  CHECK(store.conflicts().tree_work_conflicts_for_tree(city.tree2).empty());
}

TEST_CASE("two clients PATCH the same tree with the same ETag: one 200, one 412",
          "[api][trees][locking]") {
  test::TreeCity city;
  api::Service service({.db = city.db});
  const auto router = service.router();
  const auto before = test::counts(city.db);
  std::latch start(2);
  api::Response results[2];
  const std::string species[2] = {"Acer campestre", "Acer platanoides"};
  std::thread clients[2];
  for (int i = 0; i < 2; ++i) {
    clients[i] = std::thread([&, i] {
      api::Request req;
      req.method = Method::patch;
      req.path = item_path(city.tree);
      req.headers = {{"host", "127.0.0.1"},
                     {"content-type", "application/merge-patch+json"},
                     {"if-match", tree_etag(city.tree, 1)},
                     {"authorization", "Bearer " + city.keys.at(i == 0 ? "field_staff" : "admin")}};
      req.body = json({{"properties", {{"species_botanical", species[i]}}}}).dump();
      start.arrive_and_wait();
      results[i] = router->dispatch(req);
    });
  }
  for (auto& c : clients) c.join();
  const std::multiset<int> statuses{results[0].status, results[1].status};
  REQUIRE(statuses == std::multiset<int>{200, 412});
  const int winner = results[0].status == 200 ? 0 : 1;
  const auto& loser = results[1 - winner];
  CHECK(header_of(loser, "ETag") == tree_etag(city.tree, 2));
  CHECK_THAT(body(loser).at("detail").get<std::string>(), Catch::Contains("changed by someone"));

  auto store = storage::Store::open(city.db);
  const auto t = store.trees().get(city.tree);
  CHECK(t.version == 2);
  CHECK(t.species_botanical == species[winner]);
  const auto h = store.trees().history(city.tree);
  REQUIRE(h.size() == 1);
  CHECK(h[0].field == "species_botanical");
  CHECK(h[0].old_value == "Tilia cordata");
  CHECK(h[0].new_value == species[winner]);
  CHECK(h[0].user == (winner == 0 ? "Anna Feld" : "Ada Admin"));
  CHECK(test::counts(city.db).history == before.history + 1);
}

TEST_CASE("If-Match: 428 without, 412 for a stale or foreign tag with the current ETag",
          "[api][trees][locking]") {
  test::TreeCity city;
  api::Service service({.db = city.db});
  const auto before = test::counts(city.db);
  Call c = patch_tree(city.tree, 1, {{"properties", {{"vitality", 2}}}});
  c.headers = {{"content-type", "application/merge-patch+json"}};
  auto r = send(service, city, c);
  CHECK(r.status == 428);
  CHECK(r.content_type == "application/problem+json");
  r = send(service, city, patch_tree(city.tree, 7, {{"properties", {{"vitality", 2}}}}));
  CHECK(r.status == 412);
  CHECK(header_of(r, "ETag") == tree_etag(city.tree, 1));
  c.headers = {{"if-match", tree_etag(city.tree2, 1)}};
  CHECK(send(service, city, c).status == 412);
  c.headers = {{"if-match", "*"}};
  CHECK(send(service, city, c).status == 412);
  Call put{Method::put, item_path(city.tree), "field_staff", new_tree("MZ-1").dump()};
  CHECK(send(service, city, put).status == 428);
  Call fell{Method::post, item_path(city.tree) + "/felling", "field_staff",
            json({{"felled_on", "2020-11-02"}, {"reason", "Sturm"}}).dump()};
  CHECK(send(service, city, fell).status == 428);
  CHECK(test::counts(city.db) == before);
}

TEST_CASE("PATCH is a merge patch, PUT replaces, an edit that changes nothing keeps the version",
          "[api][trees]") {
  test::TreeCity city;
  api::Service service({.db = city.db});
  // Merge patch: null clears, omitted fields are kept.
  auto r = send(
      service, city,
      patch_tree(city.tree, 1,
                 {{"properties",
                   {{"crown_diameter_m", nullptr}, {"height_m", 14.5}, {"site", "Domstraße 3"}}}}));
  REQUIRE(r.status == 200);
  auto p = body(r).at("properties");
  CHECK(p.at("crown_diameter_m").is_null());
  CHECK(p.at("height_m") == 14.5);
  CHECK(p.at("site") == "Domstraße 3");
  CHECK(p.at("species_botanical") == "Tilia cordata");
  CHECK(p.at("version") == 2);
  const auto rows = history_of(city, city.tree).size();
  CHECK(rows == 3);

  // The same patch again: 200, version and ETag kept, no history row.
  r = send(
      service, city,
      patch_tree(city.tree, 2, {{"properties", {{"height_m", 14.5}, {"site", "Domstraße 3"}}}}));
  REQUIRE(r.status == 200);
  CHECK(header_of(r, "ETag") == tree_etag(city.tree, 2));
  CHECK(history_of(city, city.tree).size() == rows);

  // A GET body PUT back unchanged changes nothing either (derived fields are ignored).
  api::Request get;
  get.path = item_path(city.tree);
  get.query = {{"crs", test::kStoreCrs}};
  auto got = service.router()->dispatch(get);
  REQUIRE(got.status == 200);
  Call put{Method::put,
           item_path(city.tree),
           "field_staff",
           got.body,
           {{"if-match", tree_etag(city.tree, 2)}, {"content-crs", test::kStoreCrs}}};
  r = send(service, city, put);
  REQUIRE(r.status == 200);
  CHECK(header_of(r, "ETag") == tree_etag(city.tree, 2));

  // PUT replaces: what is not sent is cleared.
  put.body = new_tree("MZ-1", {{"stem_circumferences_cm", {79}}}).dump();
  r = send(service, city, put);
  REQUIRE(r.status == 200);
  p = body(r).at("properties");
  CHECK(p.at("species_botanical") == "");
  CHECK(p.at("height_m").is_null());
  CHECK(p.at("planting_year").is_null());
  CHECK(p.at("version") == 3);
  CHECK(storage::Store::open(city.db).trees().get(city.tree).location ==
        geo::Point{448300.0, 5538003.0});
}

TEST_CASE("fields only their endpoints change, and manual protection by PATCH", "[api][trees]") {
  test::TreeCity city;
  api::Service service({.db = city.db});
  const auto before = test::counts(city.db);
  const std::pair<json, std::string> refused[] = {
      {{{"status", "felled"}}, "POST /collections/trees/items/{id}/felling"},
      {{{"felled_on", "2026-01-01"}}, "POST /collections/trees/items/{id}/felling"},
      {{{"last_inspection", "2026-01-01"}}, "POST /collections/trees/items/{id}/inspections"},
      {{{"next_inspection", "2027-01-01"}}, "POST /collections/trees/items/{id}/inspections"},
      {{{"protected", true}, {"protection_source", "manual"}}, "protection_reason"},
  };
  for (const auto& [props, hint] : refused) {
    const auto r = send(service, city, patch_tree(city.tree, 1, {{"properties", props}}));
    CHECK(r.status == 422);
    CHECK_THAT(body(r).at("detail").get<std::string>(), Catch::Contains(hint));
  }
  CHECK(test::counts(city.db) == before);

  // Manual protection with a reason; back to the ordinance recomputes (79 cm: not protected).
  auto r = send(service, city,
                patch_tree(city.tree, 1,
                           {{"properties",
                             {{"protection_source", "manual"},
                              {"protection_reason", "Ersatzpflanzung B-Plan 12"}}}}));
  REQUIRE(r.status == 200);
  CHECK(body(r).at("properties").at("protected") == true);
  CHECK(body(r).at("conflicts").at("count") == 1);  // protected by hand: the trench conflicts
  r = send(service, city,
           patch_tree(city.tree, 2, {{"properties", {{"protection_source", "ordinance"}}}}));
  REQUIRE(r.status == 200);
  CHECK(body(r).at("properties").at("protected") == false);
  CHECK(body(r).at("properties").at("protection_reason") == "circumference 79 cm < 80 cm at 1 m");
  CHECK(body(r).at("conflicts").at("count") == 0);
  // status planned <-> existing is an ordinary edit.
  r = send(service, city, patch_tree(city.tree, 3, {{"properties", {{"status", "planned"}}}}));
  CHECK(r.status == 200);
}

TEST_CASE("DELETE is 405 with Allow and a pointer to the felling endpoint", "[api][trees]") {
  test::TreeCity city;
  api::Service service({.db = city.db});
  for (const std::string role : {"", "field_staff", "admin"}) {
    const auto r = send(service, city, {Method::del, item_path(city.tree), role});
    CHECK(r.status == 405);
    CHECK(header_of(r, "Allow") == "GET, HEAD, PUT, PATCH, OPTIONS");
    CHECK_THAT(
        body(r).at("detail").get<std::string>(),
        Catch::Contains("POST /collections/trees/items/" + std::to_string(city.tree) + "/felling"));
  }
  CHECK(storage::Store::open(city.db).trees().count() == 3);
}

TEST_CASE("inspections are appended and move the tree's inspection dates through its history",
          "[api][trees][inspections]") {
  test::TreeCity city;
  api::Service service({.db = city.db});
  const json first = {{"inspected_on", "2020-05-04"},
                      {"kind", "regular"},
                      {"findings", "Totholz in der Krone\nRinde gesund"},
                      {"measures", "Totholz entfernen"},
                      {"measures_deadline", "2020-06-30"},
                      {"next_inspection", "2021-05-01"}};
  auto r = send(service, city,
                {Method::post, item_path(city.tree) + "/inspections", "field_staff", first.dump()});
  REQUIRE(r.status == 201);
  const auto created = body(r);
  const auto iid = created.at("inspection").at("id").get<std::int64_t>();
  CHECK(header_of(r, "Location") ==
        "http://127.0.0.1:9999" + item_path(city.tree) + "/inspections/" + std::to_string(iid));
  CHECK(created.at("inspection").at("inspector") == "Anna Feld");  // the caller by default
  CHECK(created.at("inspection").at("recorded_by") == "Anna Feld");
  CHECK(created.at("tree").at("properties").at("last_inspection") == "2020-05-04");
  CHECK(created.at("tree").at("properties").at("next_inspection") == "2021-05-01");
  CHECK(created.at("tree_etag") == tree_etag(city.tree, 2));
  auto h = history_of(city, city.tree);
  REQUIRE(h.size() == 2);
  CHECK(h[0].field == "last_inspection");
  CHECK(h[0].old_value == std::nullopt);
  CHECK(h[0].new_value == "2020-05-04");
  CHECK(h[1].field == "next_inspection");

  // An older one queued offline, with a stale If-Match absent: kept, dates not moved back.
  r = send(service, city,
           {Method::post, item_path(city.tree) + "/inspections", "admin",
            json({{"inspected_on", "2020-03-01"},
                  {"kind", "additional"},
                  {"inspector", "B. Baum"},
                  {"next_inspection", "2020-04-01"}})
                .dump()});
  REQUIRE(r.status == 201);
  CHECK(body(r).at("tree").at("properties").at("last_inspection") == "2020-05-04");
  CHECK(history_of(city, city.tree).size() == 2);
  // A given If-Match is checked.
  r = send(service, city,
           {Method::post,
            item_path(city.tree) + "/inspections",
            "field_staff",
            first.dump(),
            {{"if-match", tree_etag(city.tree, 1)}}});
  CHECK(r.status == 412);

  // Oldest first, for staff.
  r = send(service, city, {Method::get, item_path(city.tree) + "/inspections", "planner"});
  REQUIRE(r.status == 200);
  const auto list = body(r).at("inspections");
  REQUIRE(list.size() == 2);
  CHECK(list[0].at("inspected_on") == "2020-03-01");
  CHECK(list[0].at("inspector") == "B. Baum");
  CHECK(list[0].at("recorded_by") == "Ada Admin");
  CHECK(list[1].at("findings") == "Totholz in der Krone\nRinde gesund");
  r = send(
      service, city,
      {Method::get, item_path(city.tree) + "/inspections/" + std::to_string(iid), "field_staff"});
  REQUIRE(r.status == 200);
  CHECK(body(r).at("measures_deadline") == "2020-06-30");
  CHECK(send(service, city,
             {Method::get, item_path(city.tree2) + "/inspections/" + std::to_string(iid),
              "field_staff"})
            .status == 404);

  // Impossible ones: 422 / 400, nothing appended.
  const auto before = test::counts(city.db);
  const std::pair<json, int> bad[] = {
      {{{"kind", "regular"}}, 422},
      {{{"inspected_on", "2020-05-04"}}, 422},
      {{{"inspected_on", "2999-01-01"}, {"kind", "regular"}}, 422},
      {{{"inspected_on", "2020-05-04"}, {"kind", "monthly"}}, 422},
      {{{"inspected_on", "2020-05-04"}, {"kind", "regular"}, {"next_inspection", "2020-05-04"}},
       422},
      {{{"inspected_on", "2020-05-04"}, {"kind", "regular"}, {"measures_deadline", "2020-05-01"}},
       422},
      {{{"inspected_on", "04.05.2026"}, {"kind", "regular"}}, 400},
      {{{"inspected_on", "2020-05-04"}, {"kind", "regular"}, {"weather", "sunny"}}, 400},
  };
  for (const auto& [b, status] : bad) {
    INFO(b.dump());
    CHECK(send(service, city,
               {Method::post, item_path(city.tree) + "/inspections", "field_staff", b.dump()})
              .status == status);
  }
  CHECK(test::counts(city.db) == before);
}

TEST_CASE("the history lists every change oldest first with who, when, old and new",
          "[api][trees][history]") {
  test::TreeCity city;
  api::Service service({.db = city.db});
  REQUIRE(
      send(service, city, patch_tree(city.tree, 1, {{"properties", {{"vitality", 2}}}})).status ==
      200);
  REQUIRE(
      send(service, city, patch_tree(city.tree, 2, {{"properties", {{"vitality", 3}}}}, "admin"))
          .status == 200);
  const auto r = send(service, city, {Method::get, item_path(city.tree) + "/history", "planner"});
  REQUIRE(r.status == 200);
  const auto changes = body(r).at("changes");
  REQUIRE(changes.size() == 2);
  CHECK(changes[0].at("user") == "Anna Feld");
  CHECK(changes[0].at("field") == "vitality");
  CHECK(changes[0].at("old_value").is_null());
  CHECK(changes[0].at("new_value") == "2");
  CHECK(changes[1].at("user") == "Ada Admin");
  CHECK(changes[1].at("old_value") == "2");
  CHECK(changes[1].at("new_value") == "3");
  CHECK(geo::parse_utc(changes[1].at("at").get<std::string>()).has_value());
  CHECK(changes[0].at("id").get<std::int64_t>() < changes[1].at("id").get<std::int64_t>());
  CHECK(send(service, city, {Method::get, item_path(999) + "/history", "planner"}).status == 404);
  CHECK(send(service, city,
             {Method::get, item_path(city.tree) + "/history", "planner", "", {}, {{"limit", "5"}}})
            .status == 400);
}

TEST_CASE("the OpenAPI document describes every tree endpoint with If-Match and bodies",
          "[api][trees][openapi]") {
  test::TreeCity city;
  api::Service service({.db = city.db});
  const auto doc = body(send(service, city, {Method::get, "/api"})).at("paths");
  const std::string item = "/collections/trees/items/{featureId}";
  CHECK(doc.at("/collections/trees/items").contains("post"));
  CHECK(doc.at("/collections/trees/items").contains("get"));  // the features' GET stays
  for (const auto& [path, method] : std::vector<std::pair<std::string, std::string>>{
           {item, "put"}, {item, "patch"}, {item + "/felling", "post"}}) {
    INFO(path << " " << method);
    const auto op = doc.at(path).at(method);
    bool if_match_required = false;
    for (const auto& p : op.at("parameters")) {
      if (p.at("name") == "If-Match") if_match_required = p.at("required").get<bool>();
    }
    CHECK(if_match_required);
    CHECK(op.at("responses").contains("412"));
    CHECK(op.at("responses").contains("428"));
    CHECK(op.contains("requestBody"));
  }
  CHECK(doc.at(item)
            .at("patch")
            .at("requestBody")
            .at("content")
            .contains("application/merge-patch+json"));
  CHECK(doc.at(item).at("delete").at("responses").contains("405"));
  CHECK(doc.at(item).contains("get"));
  CHECK(doc.at(item + "/inspections").contains("get"));
  CHECK(doc.at(item + "/inspections").contains("post"));
  CHECK(doc.at(item + "/inspections/{inspectionId}").contains("get"));
  CHECK(doc.at(item + "/history").at("get").at("responses").contains("403"));
  const auto props = doc.at("/collections/trees/items")
                         .at("post")
                         .at("requestBody")
                         .at("content")
                         .at("application/geo+json")
                         .at("schema")
                         .at("properties")
                         .at("properties")
                         .at("properties");
  CHECK(props.at("vitality").at("maximum") == 3);
  CHECK(props.at("version").at("readOnly") == true);
}
