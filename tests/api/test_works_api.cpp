// The works side of the REST API (issue 5) through the service's router with a real store:
// submission with its conflicts, edits, the lifecycle, history, conflicts per work and tree,
// acknowledgements, the role matrix and the bad-input catalogue.
#include <array>
#include <catch2/catch.hpp>
#include <cmath>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <numbers>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "rootzone/api/service.hpp"
#include "rootzone/core/api_keys.hpp"
#include "rootzone/geo/conflict_engine.hpp"
#include "rootzone/geo/protection.hpp"
#include "rootzone/storage/conflict_inputs.hpp"
#include "rootzone/storage/data_generation.hpp"
#include "rootzone/storage/store.hpp"
#include "store_rows.hpp"
#include "support/temp_dir.hpp"
#include "support/test_store.hpp"

using namespace rootzone;
using nlohmann::json;

namespace {

const std::string kStoreCrs = "<http://www.opengis.net/def/crs/EPSG/0/25832>";

// Three trees near Mainz cathedral (EPSG:25832), five users, one of each kind.
//  T-1 (448000, 5538000): one stem of 120 cm, crown 8 m: protected (Mainz: >= 80 cm);
//      R_t = max(2.5, 4 * 1.20) = 4.8 m, R_r = 8 / 2 + 1.5 = 5.5 m.
//  T-2 (448100, 5538000): 60 cm: not protected, never in a conflict.
//  T-3 (448030, 5538000): 100 cm, crown 6 m: R_t = 4.0 m, R_r = 4.5 m.
struct Town {
  test::TempDir dir;
  test::TestStore location{dir, "town.sqlite"};  // a SpatiaLite file, or a PostGIS database
  std::string db = location.location();
  std::map<std::string, std::string> keys;  // "public" has none
  std::int64_t t1 = 0, t2 = 0, t3 = 0;

  Town() {
    auto store = storage::Store::create(db);
    const auto tree = [&](const char* id, double x, double stem, double crown) {
      geo::Tree t;
      t.source_id = id;
      t.location = {x, 5538000.0};
      t.species_botanical = "Tilia cordata";
      t.stem_circumferences_cm = {stem};
      t.crown_diameter_m = crown;
      t.protection = geo::evaluate_protection(t, geo::RuleSet::mainz());
      return store.trees().insert(t);
    };
    t1 = tree("T-1", 448000, 120, 8);
    t2 = tree("T-2", 448100, 60, 8);
    t3 = tree("T-3", 448030, 100, 6);
    const auto user = [&](const char* who, const char* name, geo::Role role, const char* org) {
      geo::User u;
      u.name = name;
      u.role = role;
      u.organisation = org;
      keys[who] = core::issue_api_key(store.users(), store.users().add(u)).token;
    };
    user("own", "anna", geo::Role::contractor, "Stadtwerke Mainz");
    user("other", "tom", geo::Role::contractor, "Telekom");
    user("field", "fritz", geo::Role::field_staff, "");
    user("planner", "paula", geo::Role::planner, "");
    user("admin", "ada", geo::Role::admin, "");
  }
};

struct Call {
  Call(api::Method m, std::string p, std::string w = "public", json b = nullptr,
       std::map<std::string, std::string> h = {},
       std::vector<std::pair<std::string, std::string>> q = {})
      : method(m),
        path(std::move(p)),
        who(std::move(w)),
        body(std::move(b)),
        headers(std::move(h)),
        query(std::move(q)) {}
  api::Method method;
  std::string path;
  std::string who;
  json body;
  std::map<std::string, std::string> headers;
  std::vector<std::pair<std::string, std::string>> query;
};

struct Answer {
  int status = 0;
  std::string content_type;
  std::string raw;
  std::vector<std::pair<std::string, std::string>> headers;
  json body() const { return raw.empty() ? json() : json::parse(raw); }
  std::string header(const std::string& name) const {
    for (const auto& [k, v] : headers) {
      if (k == name) return v;
    }
    return "";
  }
  std::string detail() const { return body().value("detail", ""); }
};

Answer call(api::Service& service, const Town& town, Call c) {
  api::Request req;
  req.method = c.method;
  req.path = c.path;
  req.query = c.query;
  req.headers["host"] = "127.0.0.1:9999";
  if (c.who != "public") req.headers["authorization"] = "Bearer " + town.keys.at(c.who);
  if (!c.body.is_null()) {
    req.body = c.body.is_string() ? c.body.get<std::string>() : c.body.dump();
    req.headers["content-type"] = "application/json";
  }
  for (const auto& [k, v] : c.headers) req.headers[k] = v;
  const auto r = service.router()->dispatch(req);
  return {r.status, r.content_type, r.body, r.headers};
}

// A trench along y = 5538000 + dy from x0 to x1 (store CRS), 1 m wide.
json trench(const std::string& reference, double x0, double x1, double dy,
            const std::string& starts = "2027-03-01T00:00:00Z",
            const std::string& ends = "2027-04-30T00:00:00Z") {
  return {{"type", "Feature"},
          {"geometry",
           {{"type", "LineString"}, {"coordinates", {{x0, 5538000 + dy}, {x1, 5538000 + dy}}}}},
          {"properties",
           {{"reference", reference},
            {"title", "Fernwärme Domplatz"},
            {"kind", "trench"},
            {"width_m", 1.0},
            {"depth_m", 1.2},
            {"contact", "Anna Bauer, 06131 12-345"},
            {"starts_at", starts},
            {"ends_at", ends}}}};
}

Answer submit(api::Service& s, const Town& t, const json& feature, const std::string& who = "own") {
  return call(
      s, t,
      {api::Method::post, "/collections/works/items", who, feature, {{"content-crs", kStoreCrs}}});
}

std::string work_path(std::int64_t id) { return "/collections/works/items/" + std::to_string(id); }

// Everything a failed request must leave as it was.
struct Snapshot {
  std::int64_t works, history, tree_conflicts, work_conflicts, generation;
  std::string all_works;
  friend bool operator==(const Snapshot&, const Snapshot&) = default;
};

Snapshot snapshot(const Town& t) {
  auto store = storage::Store::open(t.db);
  auto count = [&](const char* table) {
    return test::store_count(t.db, std::string("SELECT count(*) FROM ") + table);
  };
  std::string all;
  for (const auto& w : store.works().all()) {
    all += w.reference + "|" + w.title + "|" + w.contact + "|" + std::to_string(w.version) + "|" +
           std::string(geo::to_string(w.status)) + "\n";
  }
  return {count("works"),
          count("work_status_history"),
          count("tree_work_conflicts"),
          count("work_work_conflicts"),
          storage::data_generation(store),
          all};
}

// A segment of the disc of radius r beyond a chord at distance d from its centre.
double segment_area(double r, double d) {
  return r * r * std::acos(d / r) - d * std::sqrt(r * r - d * d);
}

}  // namespace

TEST_CASE("a trench 2 m from a protected tree is critical, as the full check finds it",
          "[api][works]") {
  Town town;
  api::Service service({.db = town.db});
  // A Telekom cable 12 m north of the same street, overlapping in time: a clash to coordinate
  // (within 20 m, windows overlap).
  auto cable = trench("TK-7", 447980, 448020, 14.5, "2027-04-15T00:00:00Z", "2027-05-15T00:00:00Z");
  cable["properties"]["kind"] = "surface";
  cable["properties"]["title"] = "Kabel";
  REQUIRE(submit(service, town, cable, "other").status == 201);

  // The trench's centre line runs 2.5 m north of T-1, 1 m wide: its near edge is 2.0 m from
  // the stem, inside R_t = 4.8 m: critical (RAS-LP 4 / DIN 18920 trench distance).
  const auto r = submit(service, town, trench("SW-2027-001", 447990, 448010, 2.5));
  REQUIRE(r.status == 201);
  CHECK(r.content_type == "application/geo+json");
  const auto work = r.body();
  const auto id = work.at("id").get<std::int64_t>();
  CHECK(r.header("Location") == "http://127.0.0.1:9999" + work_path(id));
  CHECK(r.header("ETag") == "\"work-" + std::to_string(id) + "-v1\"");
  CHECK(work.at("properties").at("contractor") == "Stadtwerke Mainz");  // from the key
  CHECK(work.at("properties").at("status") == "submitted");
  CHECK(work.at("properties").at("contact") == "Anna Bauer, 06131 12-345");

  const auto trees = work.at("conflicts").at("trees");
  REQUIRE(trees.size() == 1);
  const auto c = trees.at(0).at("properties");
  CHECK(c.at("tree_id") == town.t1);
  CHECK(c.at("severity") == "critical");
  CHECK(c.at("min_distance_m").get<double>() == Approx(2.0).margin(1e-9));
  CHECK(c.at("rule") ==
        "trench distance (RAS-LP 4, DIN 18920): trench 2 m from the stem < R_t 4.8 m");
  // The 1 m band 2..3 m from the stem crosses the whole root-zone disc (r = 5.5 m: the
  // chord at 2 m is 2 * 5.12 m long, the trench 20 m): two disc segments' difference.
  const double band = segment_area(5.5, 2.0) - segment_area(5.5, 3.0);
  CHECK(c.at("overlap_m2").get<double>() == Approx(band).epsilon(1e-6));
  CHECK(c.at("overlap_share").get<double>() ==
        Approx(band / (std::numbers::pi * 5.5 * 5.5)).epsilon(1e-6));
  const auto clashes = work.at("conflicts").at("works");
  REQUIRE(clashes.size() == 1);
  CHECK(clashes.at(0).at("distance_m").get<double>() == Approx(11.0).margin(1e-9));  // 14 - 3
  CHECK(clashes.at(0).at("overlap_start") == "2027-04-15T00:00:00Z");

  // The same store checked from scratch by a fresh engine gives the same findings.
  auto store = storage::Store::open(town.db);
  auto rules = store.rule_sets().active();
  geo::ConflictEngine engine(rules);
  engine.load(storage::load_zoned_trees(store, rules).trees, store.works().open());
  const auto full = engine.check_all(1);
  std::vector<geo::TreeWorkConflict> expected;
  for (const auto& k : full.tree_work) {
    if (k.work_id == id) expected.push_back(k);
  }
  REQUIRE(expected.size() == trees.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const auto got = trees.at(i).at("properties");
    CHECK(got.at("tree_id") == expected[i].tree_id);
    CHECK(got.at("severity") == geo::to_string(expected[i].severity));
    CHECK(got.at("rule") == expected[i].rule);
    CHECK(got.at("min_distance_m").get<double>() == expected[i].min_distance_m);
    CHECK(got.at("overlap_m2").get<double>() == expected[i].overlap_m2);
    CHECK(got.at("overlap_share").get<double>() == expected[i].overlap_share);
  }
  REQUIRE(full.work_work.size() == 1);
  CHECK(clashes.at(0).at("work_a") == full.work_work[0].work_a);
  CHECK(clashes.at(0).at("work_b") == full.work_work[0].work_b);
  CHECK(clashes.at(0).at("distance_m").get<double>() == full.work_work[0].distance_m);
  // ... and the store holds what the answer said.
  const auto stored = store.conflicts().tree_work_conflicts_for_work(id);
  REQUIRE(stored.size() == 1);
  CHECK(stored[0].id == trees.at(0).at("id"));
  CHECK(stored[0].severity == geo::Severity::critical);

  const auto history = store.works().status_history(id);
  REQUIRE(history.size() == 1);
  CHECK(history[0].user == "anna");
  CHECK(history[0].to == geo::WorkStatus::submitted);
}

TEST_CASE("PUT and PATCH recompute conflicts and need the owner, If-Match and an editable status",
          "[api][works]") {
  Town town;
  api::Service service({.db = town.db});
  auto draft = trench("SW-2", 447990, 448010, 2.5);
  draft["properties"]["status"] = "draft";
  auto r = submit(service, town, draft);
  REQUIRE(r.status == 201);
  const auto id = r.body().at("id").get<std::int64_t>();
  const auto path = work_path(id);
  CHECK(r.body().at("conflicts").at("trees").size() == 1);

  // PATCH without If-Match: 428; with another work's tag: 412; by the other contractor: 403.
  const json away = {
      {"geometry",
       {{"type", "LineString"}, {"coordinates", {{447990, 5538009.0}, {448010, 5538009.0}}}}}};
  CHECK(call(service, town, {api::Method::patch, path, "own", away, {{"content-crs", kStoreCrs}}})
            .status == 428);
  CHECK(call(service, town,
             {api::Method::patch,
              path,
              "own",
              away,
              {{"content-crs", kStoreCrs}, {"if-match", "\"work-99-v1\""}}})
            .status == 412);
  CHECK(call(service, town,
             {api::Method::patch,
              path,
              "other",
              away,
              {{"content-crs", kStoreCrs}, {"if-match", r.header("ETag")}}})
            .status == 403);

  // Moved 9 m north: 8.5 m from T-1, beyond R_r = 5.5 m: no conflict left, in the answer and
  // in the store.
  r = call(service, town,
           {api::Method::patch,
            path,
            "own",
            away,
            {{"content-crs", kStoreCrs},
             {"if-match", r.header("ETag")},
             {"content-type", "application/merge-patch+json"}}});
  REQUIRE(r.status == 200);
  CHECK(r.header("ETag") == "\"work-" + std::to_string(id) + "-v2\"");
  CHECK(r.body().at("conflicts").at("trees").empty());
  CHECK(r.body().at("properties").at("title") == "Fernwärme Domplatz");  // merge keeps the rest
  CHECK(storage::Store::open(town.db).conflicts().tree_work_conflicts_for_work(id).empty());

  // PUT replaces the whole work: back to 2.5 m, a pit instead of a trench, no depth given.
  auto whole = trench("SW-2", 447990, 448010, 2.5);
  whole["properties"]["kind"] = "pit";
  whole["properties"].erase("depth_m");
  r = call(service, town,
           {api::Method::put,
            path,
            "own",
            whole,
            {{"content-crs", kStoreCrs}, {"if-match", r.header("ETag")}}});
  REQUIRE(r.status == 200);
  CHECK(r.body().at("properties").at("kind") == "pit");
  CHECK(r.body().at("properties").at("depth_m").is_null());
  CHECK(r.body().at("conflicts").at("trees").at(0).at("properties").at("severity") == "critical");
  const auto tag = r.header("ETag");

  // Submitted: no longer editable (409), until a planner asks for changes.
  r = call(
      service, town,
      {api::Method::post, path + "/status", "own", json{{"to", "submitted"}}, {{"if-match", tag}}});
  REQUIRE(r.status == 200);
  auto again = call(service, town,
                    {api::Method::patch,
                     path,
                     "own",
                     json{{"properties", {{"title", "x"}}}},
                     {{"if-match", r.header("ETag")}}});
  CHECK(again.status == 409);
  CHECK(again.detail() == "work " + std::to_string(id) +
                              " is submitted: a work can be edited only while draft or "
                              "changes_requested");
  r = call(service, town,
           {api::Method::post,
            path + "/status",
            "planner",
            json{{"to", "changes_requested"}, {"comment", "keep 5 m from tree T-1"}},
            {{"if-match", r.header("ETag")}}});
  REQUIRE(r.status == 200);
  again = call(service, town,
               {api::Method::patch,
                path,
                "own",
                json{{"properties", {{"contact", nullptr}}}},
                {{"if-match", r.header("ETag")}}});
  CHECK(again.status == 200);
  CHECK(again.body().at("properties").at("contact") == "");
  // The status itself does not change by PATCH.
  again = call(service, town,
               {api::Method::patch,
                path,
                "own",
                json{{"properties", {{"status", "approved"}}}},
                {{"if-match", again.header("ETag")}}});
  CHECK(again.status == 422);
}

TEST_CASE("two clients PATCH with the same ETag: one 200, one 412, nothing lost", "[api][works]") {
  Town town;
  api::Service service({.db = town.db});
  auto draft = trench("SW-3", 447990, 448010, 2.5);
  draft["properties"]["status"] = "draft";
  const auto created = submit(service, town, draft);
  REQUIRE(created.status == 201);
  const auto path = work_path(created.body().at("id").get<std::int64_t>());
  const auto tag = created.header("ETag");

  Answer a, b;
  std::thread first([&] {
    a = call(service, town,
             {api::Method::patch,
              path,
              "own",
              json{{"properties", {{"title", "Fernwärme Nord"}}}},
              {{"if-match", tag}}});
  });
  std::thread second([&] {
    b = call(service, town,
             {api::Method::patch,
              path,
              "own",
              json{{"properties", {{"contact", "Büro Nord"}}}},
              {{"if-match", tag}}});
  });
  first.join();
  second.join();
  REQUIRE(std::multiset<int>{a.status, b.status} == std::multiset<int>{200, 412});
  const auto& won = a.status == 200 ? a : b;
  const auto& lost = a.status == 200 ? b : a;
  CHECK(lost.header("ETag") == won.header("ETag"));  // the 412 names the current version
  CHECK(lost.detail().find(won.header("ETag")) != std::string::npos);

  // The loser merges and retries with the current ETag: both changes are kept.
  const json retry = a.status == 200 ? json{{"properties", {{"contact", "Büro Nord"}}}}
                                     : json{{"properties", {{"title", "Fernwärme Nord"}}}};
  const auto r = call(service, town,
                      {api::Method::patch, path, "own", retry, {{"if-match", won.header("ETag")}}});
  REQUIRE(r.status == 200);
  CHECK(r.body().at("properties").at("title") == "Fernwärme Nord");
  CHECK(r.body().at("properties").at("contact") == "Büro Nord");
  CHECK(r.body().at("properties").at("version") == 3);
}

TEST_CASE("the lifecycle through the API: transitions, 409 naming the allowed ones, history",
          "[api][works]") {
  Town town;
  api::Service service({.db = town.db});
  auto created = submit(service, town, trench("SW-4", 447990, 448010, 2.5));
  REQUIRE(created.status == 201);
  const auto id = created.body().at("id").get<std::int64_t>();
  const auto path = work_path(id);
  std::string tag = created.header("ETag");
  const auto move = [&](const std::string& who, const json& body) {
    auto r =
        call(service, town, {api::Method::post, path + "/status", who, body, {{"if-match", tag}}});
    if (r.status == 200) tag = r.header("ETag");
    return r;
  };

  // Illegal: submitted -> in_progress skips the decision.
  auto r = move("own", {{"to", "in_progress"}});
  CHECK(r.status == 409);
  CHECK(r.detail() == "work " + std::to_string(id) +
                          " cannot go from submitted to in_progress; from submitted the lifecycle "
                          "allows: approved, refused, changes_requested, cancelled (for role "
                          "contractor: cancelled)");
  // Legal edge, wrong role: the contractor cannot approve its own work.
  r = move("own", {{"to", "approved"}});
  CHECK(r.status == 403);
  CHECK(r.detail() == "role contractor may not move work " + std::to_string(id) +
                          " from submitted to approved (allowed for this role: cancelled)");
  CHECK(move("field", {{"to", "approved"}}).status == 403);
  CHECK(move("public", {{"to", "approved"}}).status == 401);
  // A refusal must say why; conditions only on approvals.
  CHECK(move("planner", {{"to", "refused"}}).status == 422);
  CHECK(move("planner", {{"to", "changes_requested"}, {"comment", "x"}, {"conditions", "y"}})
            .status == 422);
  CHECK(move("planner", {{"to", "approved"}, {"colour", "green"}}).status == 400);
  CHECK(move("planner", {{"to", "finished"}}).status == 422);

  r = move("planner", {{"to", "approved"},
                       {"comment", "ok with conditions"},
                       {"conditions", "hand digging within 5 m of tree T-1; root bridge"}});
  REQUIRE(r.status == 200);
  CHECK(r.body().at("change").at("from") == "submitted");
  CHECK(r.body().at("change").at("user") == "paula");
  CHECK(r.body().at("conflicts").at("trees").size() == 1);  // approved is still open
  REQUIRE(move("own", {{"to", "in_progress"}}).status == 200);
  r = move("own", {{"to", "completed"}, {"comment", "done"}});
  REQUIRE(r.status == 200);
  // Completed works raise no conflicts (docs/domain.md): gone from the answer and the store.
  CHECK(r.body().at("conflicts").at("trees").empty());
  CHECK(storage::Store::open(town.db).conflicts().tree_work_conflicts_for_work(id).empty());
  r = move("admin", {{"to", "approved"}});
  CHECK(r.status == 409);
  CHECK(r.detail().find("the lifecycle allows: none") != std::string::npos);

  // A stale ETag: 412 even for a legal move.
  CHECK(call(service, town,
             {api::Method::post,
              path + "/status",
              "own",
              json{{"to", "cancelled"}},
              {{"if-match", created.header("ETag")}}})
            .status == 412);

  const auto h = call(service, town, {api::Method::get, path + "/history", "planner"});
  REQUIRE(h.status == 200);
  const auto rows = h.body().at("history");
  REQUIRE(rows.size() == 4);
  CHECK(rows[0].at("from").is_null());
  CHECK(rows[0].at("to") == "submitted");
  CHECK(rows[0].at("user") == "anna");
  CHECK(rows[1].at("from") == "submitted");
  CHECK(rows[1].at("to") == "approved");
  CHECK(rows[1].at("user") == "paula");
  CHECK(rows[1].at("conditions") == "hand digging within 5 m of tree T-1; root bridge");
  CHECK(rows[3].at("to") == "completed");
  CHECK(rows[3].at("comment") == "done");
}

TEST_CASE("DELETE cancels the work, keeps it and its history, and drops its conflicts",
          "[api][works]") {
  Town town;
  api::Service service({.db = town.db});
  const auto created = submit(service, town, trench("SW-5", 447990, 448010, 2.5));
  const auto id = created.body().at("id").get<std::int64_t>();
  const auto path = work_path(id);
  CHECK(call(service, town, {api::Method::del, path, "own"}).status == 428);
  const auto r =
      call(service, town,
           {api::Method::del, path, "own", nullptr, {{"if-match", created.header("ETag")}}});
  REQUIRE(r.status == 204);
  CHECK(r.header("ETag") == "\"work-" + std::to_string(id) + "-v2\"");
  const auto now = call(service, town, {api::Method::get, path, "own"});
  REQUIRE(now.status == 200);
  CHECK(now.body().at("properties").at("status") == "cancelled");
  auto store = storage::Store::open(town.db);
  CHECK(store.conflicts().tree_work_conflicts_for_work(id).empty());
  const auto history = store.works().status_history(id);
  REQUIRE(history.size() == 2);
  CHECK(history[1].to == geo::WorkStatus::cancelled);
  CHECK(history[1].user == "anna");
  const auto again = call(
      service, town, {api::Method::del, path, "own", nullptr, {{"if-match", r.header("ETag")}}});
  CHECK(again.status == 409);
}

TEST_CASE("conflicts per work and per tree, filtered by severity, and acknowledged by planners",
          "[api][works]") {
  Town town;
  api::Service service({.db = town.db});
  // Anna's trench: critical at T-1. Tom's storage point 3 m from T-3 (radius 1 m: 2 m from
  // the stem, inside R_r = 4.5 m, not excavation): medium.
  const auto a = submit(service, town, trench("SW-6", 447990, 448010, 2.5));
  json storage_site = {{"type", "Feature"},
                       {"geometry", {{"type", "Point"}, {"coordinates", {448033.0, 5538000.0}}}},
                       {"properties",
                        {{"reference", "TK-8"},
                         {"title", "Lager"},
                         {"kind", "storage"},
                         {"radius_m", 1.0},
                         {"starts_at", "2028-01-01T00:00:00Z"},
                         {"ends_at", "2028-01-31T00:00:00Z"}}}};
  const auto b = submit(service, town, storage_site, "other");
  REQUIRE(a.status == 201);
  REQUIRE(b.status == 201);
  const auto b_conflict = b.body().at("conflicts").at("trees").at(0);
  CHECK(b_conflict.at("properties").at("severity") == "medium");
  CHECK(b_conflict.at("properties").at("min_distance_m").get<double>() == Approx(2.0).margin(1e-6));

  const auto wpath = work_path(a.body().at("id").get<std::int64_t>()) + "/conflicts";
  auto r = call(service, town,
                {api::Method::get, wpath, "planner", nullptr, {}, {{"severity", "critical"}}});
  REQUIRE(r.status == 200);
  CHECK(r.body().at("conflicts").at("trees").size() == 1);
  r = call(service, town,
           {api::Method::get, wpath, "planner", nullptr, {}, {{"severity", "medium,high"}}});
  CHECK(r.body().at("conflicts").at("trees").empty());
  r = call(service, town,
           {api::Method::get, wpath, "planner", nullptr, {}, {{"severity", "severe"}}});
  CHECK(r.status == 400);
  CHECK(r.detail() == "severity=severe: 'severe' is not critical, high or medium");

  // All conflicts of T-3 for a planner; none of them for Anna, whose work does not touch it.
  const auto tpath = "/collections/trees/items/" + std::to_string(town.t3) + "/conflicts";
  CHECK(call(service, town, {api::Method::get, tpath, "planner"}).body().at("numberReturned") == 1);
  CHECK(call(service, town, {api::Method::get, tpath, "own"}).body().at("numberReturned") == 0);
  CHECK(call(service, town, {api::Method::get, tpath, "other"}).body().at("numberReturned") == 1);
  CHECK(call(service, town, {api::Method::get, "/collections/trees/items/999/conflicts", "planner"})
            .status == 404);
  // The conflicts collection: a contractor sees its own works' conflicts only.
  const auto count = [&](const std::string& who) {
    return call(service, town, {api::Method::get, "/collections/conflicts/items", who})
        .body()
        .at("numberMatched")
        .get<int>();
  };
  CHECK(count("planner") == 2);
  CHECK(count("own") == 1);
  CHECK(count("other") == 1);

  // Acknowledged by a planner with a comment; kept when the work is recomputed unchanged.
  const auto cid = std::to_string(b_conflict.at("id").get<std::int64_t>());
  const auto ack = "/collections/conflicts/items/" + cid + "/acknowledgement";
  CHECK(call(service, town, {api::Method::post, ack, "planner", json::object()}).status == 422);
  r = call(service, town,
           {api::Method::post, ack, "planner", json{{"comment", "material on boards, fenced"}}});
  REQUIRE(r.status == 200);
  CHECK(r.body().at("properties").at("acknowledged_by") == "paula");
  r = call(service, town, {api::Method::get, "/collections/conflicts/items/" + cid, "other"});
  CHECK(r.body().at("properties").at("acknowledgement_comment") == "material on boards, fenced");
  CHECK(call(service, town,
             {api::Method::post, "/collections/conflicts/items/999/acknowledgement", "planner",
              json{{"comment", "x"}}})
            .status == 404);
}

TEST_CASE("the role matrix of every works and conflicts endpoint", "[api][works]") {
  Town town;
  api::Service service({.db = town.db});
  // A fresh work of Anna's organisation per request, made by the admin on its behalf, in the
  // state the endpoint needs; its ETag and ids.
  struct Fresh {
    std::int64_t id;
    std::string tag;
    std::int64_t conflict;
    std::int64_t clash;
  };
  int n = 0;
  const auto fresh = [&](const char* status) {
    auto f = trench("M-" + std::to_string(++n), 447990, 448010, 2.5);
    f["properties"]["contractor"] = "Stadtwerke Mainz";
    f["properties"]["status"] = std::string(status) == "draft" ? "draft" : "submitted";
    auto r = submit(service, town, f, "admin");
    REQUIRE(r.status == 201);
    const auto body = r.body();
    const auto clashes = body.at("conflicts").at("works");
    return Fresh{body.at("id").get<std::int64_t>(), r.header("ETag"),
                 body.at("conflicts").at("trees").at(0).at("id").get<std::int64_t>(),
                 clashes.empty() ? 0 : clashes.at(0).at("id").get<std::int64_t>()};
  };
  fresh("submitted");  // from now on every fresh work clashes with an earlier one

  using Row = std::function<int(const std::string& who)>;
  const auto patch_draft = [&](const std::string& who) {
    const auto w = fresh("draft");
    return call(service, town,
                {api::Method::patch,
                 work_path(w.id),
                 who,
                 json{{"properties", {{"title", "neu"}}}},
                 {{"if-match", w.tag}}})
        .status;
  };
  const auto put_draft = [&](const std::string& who) {
    const auto w = fresh("draft");
    return call(service, town,
                {api::Method::put,
                 work_path(w.id),
                 who,
                 trench("P-" + std::to_string(w.id), 447990, 448010, 3),
                 {{"if-match", w.tag}, {"content-crs", kStoreCrs}}})
        .status;
  };
  const auto del_draft = [&](const std::string& who) {
    const auto w = fresh("draft");
    return call(service, town,
                {api::Method::del, work_path(w.id), who, nullptr, {{"if-match", w.tag}}})
        .status;
  };
  const auto move = [&](const char* from, const char* to) {
    return [&, from, to](const std::string& who) {
      const auto w = fresh(from);
      return call(service, town,
                  {api::Method::post,
                   work_path(w.id) + "/status",
                   who,
                   json{{"to", to}},
                   {{"if-match", w.tag}}})
          .status;
    };
  };
  const auto get = [&](std::function<std::string(const Fresh&)> path) {
    return [&, path](const std::string& who) {
      const auto w = fresh("submitted");
      return call(service, town, {api::Method::get, path(w), who}).status;
    };
  };
  const auto post_ack = [&](std::function<std::string(const Fresh&)> path) {
    return [&, path](const std::string& who) {
      const auto w = fresh("submitted");
      return call(service, town, {api::Method::post, path(w), who, json{{"comment", "accepted"}}})
          .status;
    };
  };
  const auto submit_own = [&](const std::string& who) {
    auto f = trench("S-" + std::to_string(++n), 447990, 448010, 2.5);
    f["properties"]["contractor"] = "Stadtwerke Mainz";
    return submit(service, town, f, who).status;
  };

  // Columns: public, contractor (own organisation), contractor (other), field staff, planner,
  // admin. The "other" contractor acts on Stadtwerke Mainz's works.
  const std::vector<std::pair<std::string, std::pair<Row, std::array<int, 6>>>> matrix{
      {"POST works for Stadtwerke Mainz", {submit_own, {401, 201, 403, 403, 403, 201}}},
      {"PATCH draft", {patch_draft, {401, 200, 403, 403, 403, 200}}},
      {"PUT draft", {put_draft, {401, 200, 403, 403, 403, 200}}},
      {"DELETE draft", {del_draft, {401, 204, 403, 403, 403, 204}}},
      {"status draft to submitted", {move("draft", "submitted"), {401, 200, 403, 403, 403, 200}}},
      {"status submitted to approved",
       {move("submitted", "approved"), {401, 403, 403, 403, 200, 200}}},
      {"status submitted to cancelled",
       {move("submitted", "cancelled"), {401, 200, 403, 403, 403, 200}}},
      {"GET work",
       {get([](const Fresh& w) { return work_path(w.id); }), {200, 200, 200, 200, 200, 200}}},
      {"GET history",
       {get([](const Fresh& w) { return work_path(w.id) + "/history"; }),
        {401, 200, 403, 403, 200, 200}}},
      {"GET work conflicts",
       {get([](const Fresh& w) { return work_path(w.id) + "/conflicts"; }),
        {401, 200, 403, 403, 200, 200}}},
      {"GET tree conflicts",
       {get([&](const Fresh&) {
          return "/collections/trees/items/" + std::to_string(town.t1) + "/conflicts";
        }),
        {401, 200, 200, 403, 200, 200}}},
      {"GET conflicts collection",
       {get([](const Fresh&) { return std::string("/collections/conflicts/items"); }),
        {401, 200, 200, 403, 200, 200}}},
      {"GET one conflict",
       {get([](const Fresh& w) {
          return "/collections/conflicts/items/" + std::to_string(w.conflict);
        }),
        {401, 200, 403, 403, 200, 200}}},
      {"acknowledge conflict",
       {post_ack([](const Fresh& w) {
          return "/collections/conflicts/items/" + std::to_string(w.conflict) + "/acknowledgement";
        }),
        {401, 403, 403, 403, 200, 200}}},
      {"acknowledge clash",
       {post_ack([](const Fresh& w) {
          return work_path(w.id) + "/clashes/" + std::to_string(w.clash) + "/acknowledgement";
        }),
        {401, 403, 403, 403, 200, 200}}},
  };
  const char* who[] = {"public", "own", "other", "field", "planner", "admin"};
  for (const auto& [name, row] : matrix) {
    for (int i = 0; i < 6; ++i) {
      INFO(name << " as " << who[i]);
      CHECK(row.first(who[i]) == row.second[static_cast<std::size_t>(i)]);
    }
  }

  // What each role reads of a work: contact only for the organisation, planners and admins.
  const auto w = fresh("submitted");
  for (int i = 0; i < 6; ++i) {
    INFO(who[i]);
    const bool details = i == 1 || i >= 4;
    const auto one = call(service, town, {api::Method::get, work_path(w.id), who[i]}).body();
    CHECK(one.at("properties").contains("contact") == details);
    const auto page = call(service, town,
                           {api::Method::get,
                            "/collections/works/items",
                            who[i],
                            nullptr,
                            {},
                            {{"reference", "M-" + std::to_string(n)}}})
                          .body();
    REQUIRE(page.at("features").size() == 1);
    CHECK(page.at("features").at(0).at("properties").contains("contact") == details);
  }
}

TEST_CASE("bad input is a clear 4xx problem and changes nothing", "[api][works]") {
  Town town;
  api::Service service({.db = town.db});
  REQUIRE(submit(service, town, trench("SW-1", 447990, 448010, 2.5)).status == 201);
  const auto before = snapshot(town);

  const auto with = [](const json& base, const std::function<void(json&)>& change) {
    json f = base;
    change(f);
    return f;
  };
  const auto good = trench("SW-9", 447990, 448010, 2.5);
  struct Case {
    Case(const char* w, json b, int s, const char* d,
         std::map<std::string, std::string> h = {{"content-crs", kStoreCrs}})
        : what(w), body(std::move(b)), status(s), detail_part(d), headers(std::move(h)) {}
    const char* what;
    json body;
    int status;
    const char* detail_part;
    std::map<std::string, std::string> headers;
  };
  const std::vector<Case> cases{
      {"malformed JSON", "{\"type\": \"Feature\", ", 400, "malformed JSON"},
      {"a FeatureCollection", with(good, [](json& f) { f["type"] = "FeatureCollection"; }), 400,
       "\"type\" must be \"Feature\""},
      {"a geometry of an unknown type",
       with(good,
            [](json& f) {
              f["geometry"] = {{"type", "Circle"}, {"coordinates", {1, 2}}};
            }),
       400, "geometry"},
      {"a self-intersecting polygon",
       with(good,
            [](json& f) {
              f["geometry"] = {{"type", "Polygon"},
                               {"coordinates",
                                {{{447990, 5538000},
                                  {448010, 5538010},
                                  {448010, 5538000},
                                  {447990, 5538010},
                                  {447990, 5538000}}}}};
              f["properties"].erase("width_m");
            }),
       422, "Self-intersection"},
      {"coordinates outside the area (lon/lat)",
       with(good,
            [](json& f) {
              f["geometry"]["coordinates"] = {{100.0, 10.0}, {100.1, 10.0}};
            }),
       422,
       "outside the area of use",
       {}},
      {"coordinates outside the area (store CRS)",
       with(good,
            [](json& f) {
              f["geometry"]["coordinates"] = {{-5e6, 0.0}, {-5e6, 10.0}};
            }),
       422, "outside the area of use"},
      {"end before start",
       with(good, [](json& f) { f["properties"]["ends_at"] = "2027-02-01T00:00:00Z"; }), 422,
       "ends_at 2027-02-01T00:00:00Z is before starts_at 2027-03-01T00:00:00Z"},
      {"an unknown kind", with(good, [](json& f) { f["properties"]["kind"] = "tunnel"; }), 422,
       "kind 'tunnel' is unknown"},
      {"a missing title", with(good, [](json& f) { f["properties"].erase("title"); }), 422,
       "missing: title"},
      {"a negative width", with(good, [](json& f) { f["properties"]["width_m"] = -1; }), 422,
       "width_m -1: must be a positive number of metres"},
      {"a line without width", with(good, [](json& f) { f["properties"].erase("width_m"); }), 422,
       "a line work needs its width"},
      {"a width as text", with(good, [](json& f) { f["properties"]["width_m"] = "1 m"; }), 400,
       "properties.width_m: must be a number"},
      {"a time that is not RFC 3339",
       with(good, [](json& f) { f["properties"]["starts_at"] = "next Monday"; }), 400,
       "is not an RFC 3339 time"},
      {"an unknown property", with(good, [](json& f) { f["properties"]["colour"] = "red"; }), 400,
       "properties.colour: not a field of a work"},
      {"created approved", with(good, [](json& f) { f["properties"]["status"] = "approved"; }), 422,
       "a new work is draft or submitted"},
      {"another organisation as contractor",
       with(good, [](json& f) { f["properties"]["contractor"] = "Telekom"; }), 403,
       "submits works only for its own organisation"},
      {"a reference already used",
       with(good, [](json& f) { f["properties"]["reference"] = "SW-1"; }), 409,
       "reference 'SW-1' is already used by work 1"},
      {"an unsupported Content-Crs", good, 400, "Content-Crs", {{"content-crs", "<EPSG:31467>"}}},
  };
  for (const auto& c : cases) {
    INFO(c.what);
    const auto r = call(service, town,
                        {api::Method::post, "/collections/works/items", "own", c.body, c.headers});
    CHECK(r.status == c.status);
    CHECK(r.content_type == "application/problem+json");
    CHECK_THAT(r.detail(), Catch::Contains(c.detail_part));
  }
  // Not JSON at all.
  const auto r = call(service, town,
                      {api::Method::post,
                       "/collections/works/items",
                       "own",
                       good,
                       {{"content-type", "text/plain"}}});
  CHECK(r.status == 415);
  CHECK(snapshot(town) == before);
}

TEST_CASE("works: SQL metacharacters in every string field are stored verbatim and harmless",
          "[api][works]") {
  Town town;
  api::Service service({.db = town.db});
  auto f = trench("W-1'; DROP TABLE works; --", 447990, 448010, 2.5);
  f["properties"]["title"] = "Robert'); DELETE FROM trees; --";
  f["properties"]["contact"] = "\" OR 1=1 -- %_\\ ";
  f["properties"]["status"] = "draft";
  const auto r = submit(service, town, f);
  REQUIRE(r.status == 201);
  const auto id = r.body().at("id").get<std::int64_t>();
  const auto patched = call(service, town,
                            {api::Method::patch,
                             work_path(id),
                             "own",
                             json{{"properties", {{"title", "x' OR '1'='1"}}}},
                             {{"if-match", r.header("ETag")}}});
  REQUIRE(patched.status == 200);
  const auto moved =
      call(service, town,
           {api::Method::post,
            work_path(id) + "/status",
            "own",
            json{{"to", "submitted"}, {"comment", "'); UPDATE works SET status='approved'; --"}},
            {{"if-match", patched.header("ETag")}}});
  REQUIRE(moved.status == 200);
  const auto approved = call(service, town,
                             {api::Method::post,
                              work_path(id) + "/status",
                              "planner",
                              json{{"to", "approved"}, {"conditions", "1; DROP TABLE trees"}},
                              {{"if-match", moved.header("ETag")}}});
  REQUIRE(approved.status == 200);
  const auto conflict =
      approved.body().at("conflicts").at("trees").at(0).at("id").get<std::int64_t>();
  REQUIRE(call(service, town,
               {api::Method::post,
                "/collections/conflicts/items/" + std::to_string(conflict) + "/acknowledgement",
                "planner", json{{"comment", "ok'--"}}})
              .status == 200);

  auto store = storage::Store::open(town.db);
  CHECK(store.works().status_history(id).back().conditions == "1; DROP TABLE trees");
  CHECK(store.conflicts().tree_work_conflict(conflict).acknowledged->comment == "ok'--");
  const auto w = store.works().get(id);
  CHECK(w.reference == "W-1'; DROP TABLE works; --");
  CHECK(w.title == "x' OR '1'='1");
  CHECK(w.contact == "\" OR 1=1 -- %_\\ ");
  CHECK(w.status == geo::WorkStatus::approved);
  CHECK(store.works().status_history(id).at(1).comment ==
        "'); UPDATE works SET status='approved'; --");
  CHECK(store.trees().count() == 3);
  CHECK(store.works().count() == 1);
  // Found by its reference as an equality filter, not a pattern.
  const auto page = call(service, town,
                         {api::Method::get,
                          "/collections/works/items",
                          "public",
                          nullptr,
                          {},
                          {{"reference", "W-1'; DROP TABLE works; --"}}});
  CHECK(page.body().at("numberMatched") == 1);
}

TEST_CASE("the OpenAPI document describes every works endpoint with If-Match", "[api][works]") {
  Town town;
  api::Service service({.db = town.db});
  const auto paths = call(service, town, {api::Method::get, "/api"}).body().at("paths");
  const std::string item = "/collections/works/items/{featureId}";
  const auto requires_if_match = [](const json& op) {
    for (const auto& p : op.at("parameters")) {
      if (p.at("name") == "If-Match" && p.at("in") == "header" && p.at("required") == true)
        return true;
    }
    return false;
  };
  for (const char* method : {"put", "patch", "delete"}) {
    INFO(method);
    CHECK(requires_if_match(paths.at(item).at(method)));
    CHECK(paths.at(item).at(method).at("responses").contains("412"));
    CHECK(paths.at(item).at(method).at("responses").contains("428"));
  }
  CHECK(requires_if_match(paths.at(item + "/status").at("post")));
  CHECK(paths.at("/collections/works/items")
            .at("post")
            .at("responses")
            .at("201")
            .at("headers")
            .contains("Location"));
  CHECK(paths.at("/collections/works/items")
            .at("post")
            .at("requestBody")
            .at("content")
            .contains("application/geo+json"));
  CHECK(paths.contains(item + "/history"));
  CHECK(paths.contains(item + "/conflicts"));
  CHECK(paths.contains(item + "/clashes/{clashId}/acknowledgement"));
  CHECK(paths.contains("/collections/trees/items/{featureId}/conflicts"));
  CHECK(paths.contains("/collections/conflicts/items/{featureId}/acknowledgement"));
  CHECK(paths.at(item).at("delete").at("description").get<std::string>().find("cancelled") !=
        std::string::npos);
  CHECK(paths.at("/collections/conflicts/items").at("get").at("responses").contains("401"));
}
