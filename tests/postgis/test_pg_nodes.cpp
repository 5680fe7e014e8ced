// Two `rootzone serve` nodes on one PostGIS database (issue 16, docs/postgis.md "Several nodes:
// change notifications"): a write through A is seen at once through B (items, conflicts, tiles),
// B follows it by A's announcement and not by reloading everything, two PATCHes of one tree
// through both get one 200 and one 412, and B's follower survives its connection being killed.
//
// The city: support/mainz_city.hpp's three trees and trench W-1 near Mainz cathedral
// (EPSG:25832), built in the database by the store itself. MZ-2 (448110, 5538003; one stem of
// 120 cm, crown 8 m) is protected under the Mainz rules: R_t = max(2.5, 4 * 1.20) = 4.8 m.
#include <libpq-fe.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <latch>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "pg_fixture.hpp"
#include "rootzone/core/api_keys.hpp"
#include "rootzone/core/change_notice.hpp"
#include "rootzone/geo/protection.hpp"
#include "rootzone/storage/data_generation.hpp"
#include "rootzone/storage/store.hpp"
#include "support/raw_http_client.hpp"
#include "support/server_process.hpp"
#include "support/temp_dir.hpp"

using namespace rootzone;
using nlohmann::json;
using Clock = std::chrono::system_clock;

namespace {

constexpr const char* kStoreCrs = "<http://www.opengis.net/def/crs/EPSG/0/25832>";

struct PgCity {
  test::PgTestDatabase db;
  test::TempDir dir;
  std::int64_t tree = 0, tree2 = 0, work = 0;
  std::map<std::string, std::string> keys;  // role name -> bearer token

  PgCity() {
    auto store = storage::Store::create(db.url());
    tree = add_tree(store, "MZ-1", {448010.0, 5538003.0}, 79);
    tree2 = add_tree(store, "MZ-2", {448110.0, 5538003.0}, 120);
    add_tree(store, "MZ-3", {448210.0, 5538003.0}, 60);
    geo::Work w;
    w.reference = "W-1";
    w.title = "Fernwärme";
    w.contractor = "Tiefbau GmbH";
    w.kind = geo::WorkKind::trench;
    w.geometry = geo::Geometry::from_wkt("LINESTRING(448000 5538000, 448020 5538000)");
    w.width_m = 1.0;
    w.starts_at = geo::parse_utc("2027-03-01T00:00:00Z").value();
    w.ends_at = geo::parse_utc("2027-04-30T00:00:00Z").value();
    w.status = geo::WorkStatus::submitted;
    work = store.works().insert(w, "test");
    const std::pair<const char*, geo::Role> users[] = {{"Anna Feld", geo::Role::field_staff},
                                                       {"Paul Plan", geo::Role::planner},
                                                       {"Tina Tief", geo::Role::contractor},
                                                       {"Ada Admin", geo::Role::admin}};
    for (const auto& [name, role] : users) {
      geo::User u;
      u.name = name;
      u.role = role;
      if (role == geo::Role::contractor) u.organisation = "Tiefbau GmbH";
      const auto id = store.users().add(u);
      keys[std::string(geo::to_string(role))] = core::issue_api_key(store.users(), id).token;
    }
  }

  static std::int64_t add_tree(storage::Store& store, const std::string& source_id, geo::Point at,
                               double stem_cm) {
    geo::Tree t;
    t.source_id = source_id;
    t.location = at;
    t.species_botanical = "Tilia cordata";
    t.stem_circumferences_cm = {stem_cm};
    t.crown_diameter_m = 8;
    t.planting_year = 1975;
    t.protection = geo::evaluate_protection(t, geo::RuleSet::mainz());
    return store.trees().insert(t);
  }

  std::int64_t generation() const {
    return std::stoll(db.query("SELECT value FROM store_meta WHERE key = 'generation'"));
  }
};

// A node whose live engine writes its loads and applied notices to a trace file
// (ROOTZONE_CHANGE_TRACE, core/src/live_engine.cpp).
struct Node {
  std::string trace;
  std::unique_ptr<test::ServerProcess> server;

  Node(const PgCity& city, const std::string& name)
      : trace((city.dir / (name + ".trace")).string()) {
    ::setenv("ROOTZONE_CHANGE_TRACE", trace.c_str(), 1);
    server = std::make_unique<test::ServerProcess>(city.db.url());
    ::unsetenv("ROOTZONE_CHANGE_TRACE");
  }
  int port() const { return server->port(); }
};

struct TraceLine {
  std::string how;
  std::int64_t generation = 0;
  std::int64_t at_us = 0;
};

// The complete lines: the node may be writing the last one as it is read (a parse of half a
// line failed one run under load).
std::vector<TraceLine> read_trace(const std::string& path) {
  std::vector<TraceLine> out;
  std::ifstream in(path, std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::size_t start = 0;
  for (auto end = text.find('\n'); end != std::string::npos; end = text.find('\n', start)) {
    const auto j = json::parse(text.substr(start, end - start));
    out.push_back({j.at("how"), j.at("generation"), j.at("at_us")});
    start = end + 1;
  }
  return out;
}

std::size_t count(const std::vector<TraceLine>& trace, const std::string& how) {
  return static_cast<std::size_t>(
      std::count_if(trace.begin(), trace.end(), [&](const TraceLine& l) { return l.how == how; }));
}

// The line saying the node reached `generation` the way `how`, waited for up to 5 s.
std::optional<TraceLine> await_trace(const std::string& path, const std::string& how,
                                     std::int64_t generation) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  do {
    for (const auto& l : read_trace(path)) {
      if (l.how == how && l.generation == generation) return l;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  } while (std::chrono::steady_clock::now() < until);
  return std::nullopt;
}

std::int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now().time_since_epoch())
      .count();
}

test::HttpResponse call(int port, const std::string& method, const std::string& target,
                        const std::string& key, const std::string& body = "",
                        const std::string& extra = "") {
  test::HttpClient c(port);
  std::string req = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  if (!key.empty()) req += "Authorization: Bearer " + key + "\r\n";
  if (!body.empty()) {
    req += std::string("Content-Type: ") +
           (method == "PATCH" ? "application/merge-patch+json" : "application/json") +
           "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  }
  req += extra + "\r\n" + body;
  if (!c.send(req)) throw std::runtime_error("cannot send " + method + " " + target);
  return c.read_response();
}

std::string tree_path(std::int64_t id) { return "/collections/trees/items/" + std::to_string(id); }
std::string work_path(std::int64_t id) { return "/collections/works/items/" + std::to_string(id); }

// The z 17 tile holding a point given in longitude and latitude (Web Mercator tiling).
std::string tile_path(double lon, double lat) {
  constexpr int z = 17;
  const double n = std::ldexp(1.0, z);
  const double r = lat * M_PI / 180;
  const auto x = static_cast<long>(std::floor((lon + 180) / 360 * n));
  const auto y = static_cast<long>(std::floor((1 - std::asinh(std::tan(r)) / M_PI) / 2 * n));
  return "/tiles/city/" + std::to_string(z) + "/" + std::to_string(x) + "/" + std::to_string(y) +
         ".mvt";
}

// A trench 2.5 m north of MZ-2, 20 m long and 1 m wide: its near edge 2.0 m from the stem,
// inside R_t = 4.8 m, so critical.
std::string trench_near_mz2(const std::string& reference) {
  return json{
      {"type", "Feature"},
      {"geometry",
       {{"type", "LineString"}, {"coordinates", {{448100.0, 5538005.5}, {448120.0, 5538005.5}}}}},
      {"properties",
       {{"reference", reference},
        {"title", "Fernwärme Domplatz"},
        {"kind", "trench"},
        {"width_m", 1.0},
        {"starts_at", "2027-03-01T00:00:00Z"},
        {"ends_at", "2027-04-30T00:00:00Z"}}}}
      .dump();
}

// A libpq connection to the server's maintenance database, for what the test database's own
// connections cannot do (refuse new connections to it, look at its sessions).
class Maintenance {
 public:
  explicit Maintenance(const std::string& url = test::pg_server_url())
      : c_(PQconnectdb(url.c_str())) {
    if (PQstatus(c_) != CONNECTION_OK) throw std::runtime_error(PQerrorMessage(c_));
  }
  ~Maintenance() { PQfinish(c_); }
  Maintenance(const Maintenance&) = delete;
  Maintenance& operator=(const Maintenance&) = delete;
  std::string query(const std::string& sql) {
    PGresult* r = PQexec(c_, sql.c_str());
    const auto status = PQresultStatus(r);
    std::string out;
    if (status == PGRES_TUPLES_OK && PQntuples(r) > 0) out = PQgetvalue(r, 0, 0);
    const std::string error = PQresultErrorMessage(r);
    PQclear(r);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      throw std::runtime_error(sql + ": " + error);
    }
    return out;
  }

 private:
  PGconn* c_;
};

// The backend pid of the node's follower ("" when it has none), by its application_name.
std::string follower_pid(Maintenance& m, const PgCity& city, const Node& node) {
  return m.query("SELECT pid FROM pg_stat_activity WHERE datname = '" + city.db.name() +
                 "' AND application_name = 'rootzone follower " +
                 std::to_string(node.server->pid()) + "'");
}

}  // namespace

TEST_CASE("two nodes: a write through A is in B's items, conflicts and tiles at once",
          "[postgis][nodes]") {
  PgCity city;
  Node a(city, "a");
  Node b(city, "b");
  const auto planner = city.keys.at("planner");

  const auto mz2 = json::parse(call(a.port(), "GET", tree_path(city.tree2), planner).body);
  const double lon = mz2.at("geometry").at("coordinates").at(0);
  const double lat = mz2.at("geometry").at("coordinates").at(1);
  const auto tile = tile_path(lon, lat);
  const auto page = "/collections/trees/items?bbox=" + std::to_string(lon - 0.001) + "," +
                    std::to_string(lat - 0.001) + "," + std::to_string(lon + 0.001) + "," +
                    std::to_string(lat + 0.001);
  const auto tile_before = call(b.port(), "GET", tile, planner);
  REQUIRE(tile_before.status == 200);
  const auto page_before = call(b.port(), "GET", page, planner);
  REQUIRE(page_before.status == 200);
  REQUIRE(json::parse(page_before.body).at("numberMatched") == 1);  // MZ-2 alone

  std::vector<std::int64_t> latencies_us;
  const auto followed = [&](std::int64_t acknowledged_us) {
    const auto g = city.generation();
    const auto line = await_trace(b.trace, "notice", g);
    REQUIRE(line);
    latencies_us.push_back(line->at_us - acknowledged_us);
  };

  // A contractor submits a trench 2 m from MZ-2 through A.
  const auto posted =
      call(a.port(), "POST", "/collections/works/items", city.keys.at("contractor"),
           trench_near_mz2("SW-2027-001"), std::string("Content-Crs: ") + kStoreCrs + "\r\n");
  const auto posted_us = now_us();
  REQUIRE(posted.status == 201);
  const auto work = json::parse(posted.body).at("id").get<std::int64_t>();
  {
    // First, a preview through B of a second trench on the same spot (B's conflict engine) clashes
    // with A's: W-1 lies 80 m west, beyond the 20 m of a clash.
    const auto preview =
        call(b.port(), "POST", "/collections/works/preview", city.keys.at("contractor"),
             trench_near_mz2("SW-2027-002"), std::string("Content-Crs: ") + kStoreCrs + "\r\n");
    REQUIRE(preview.status == 200);
    CHECK(json::parse(preview.body).at("conflicts").at("works").size() == 1);
    CHECK(json::parse(preview.body).at("conflicts").at("trees").size() == 1);
    const auto on_b = call(b.port(), "GET", work_path(work) + "/conflicts", planner);
    REQUIRE(on_b.status == 200);
    CHECK(on_b.body == call(a.port(), "GET", work_path(work) + "/conflicts", planner).body);
    const auto trees = json::parse(on_b.body).at("conflicts").at("trees");
    REQUIRE(trees.size() == 1);
    CHECK(trees.at(0).at("properties").at("tree_id") == city.tree2);
    CHECK(trees.at(0).at("properties").at("severity") == "critical");
    const auto tile_b = call(b.port(), "GET", tile, planner);
    CHECK(tile_b.status == 200);
    CHECK(tile_b.body != tile_before.body);  // the trench and its conflict are drawn
    CHECK(tile_b.body == call(a.port(), "GET", tile, planner).body);
  }
  followed(posted_us);

  // A field worker renames MZ-2's species through A.
  const auto tree_now = call(a.port(), "GET", tree_path(city.tree2), planner);
  const auto patched = call(a.port(), "PATCH", tree_path(city.tree2), city.keys.at("field_staff"),
                            json{{"properties", {{"species_botanical", "Quercus robur"}}}}.dump(),
                            "If-Match: " + tree_now.header("etag") + "\r\n");
  const auto patched_us = now_us();
  REQUIRE(patched.status == 200);
  {
    const auto page_b = call(b.port(), "GET", page, planner);
    REQUIRE(page_b.status == 200);
    const auto features = json::parse(page_b.body).at("features");
    REQUIRE(features.size() == 1);
    CHECK(features.at(0).at("properties").at("species_botanical") == "Quercus robur");
    CHECK(page_b.body == call(a.port(), "GET", page, planner).body);
    const auto tile_b = call(b.port(), "GET", tile, planner);
    CHECK(tile_b.body.find("Quercus robur") != std::string::npos);
    CHECK(tile_b.body == call(a.port(), "GET", tile, planner).body);
  }
  followed(patched_us);

  // A planner approves the trench through A: still open, so its conflict stays.
  const auto before_approval = call(a.port(), "GET", work_path(work), planner);
  const auto approved = call(a.port(), "POST", work_path(work) + "/status", planner,
                             json{{"to", "approved"}, {"comment", "hand digging near MZ-2"}}.dump(),
                             "If-Match: " + before_approval.header("etag") + "\r\n");
  const auto approved_us = now_us();
  REQUIRE(approved.status == 200);
  {
    const auto on_b = call(b.port(), "GET", work_path(work), planner);
    REQUIRE(on_b.status == 200);
    CHECK(json::parse(on_b.body).at("properties").at("status") == "approved");
    const auto tile_b = call(b.port(), "GET", tile, planner);
    CHECK(tile_b.body == call(a.port(), "GET", tile, planner).body);
    const auto conflicts = call(b.port(), "GET", work_path(work) + "/conflicts", planner);
    CHECK(json::parse(conflicts.body).at("conflicts").at("trees").size() == 1);
  }
  followed(approved_us);

  // B followed the three writes by their announcements: its one full load is the start's.
  const auto trace = read_trace(b.trace);
  CHECK(count(trace, "load") == 1);
  CHECK(count(trace, "notice") == 3);
  // A heard its own announcements and skipped them: no notice, no reload.
  const auto own = read_trace(a.trace);
  CHECK(count(own, "load") == 1);
  CHECK(count(own, "notice") == 0);

  // And the other way round: a write through B reaches A.
  const auto tree1 = call(b.port(), "GET", tree_path(city.tree), planner);
  const auto from_b = call(b.port(), "PATCH", tree_path(city.tree), city.keys.at("field_staff"),
                           json{{"properties", {{"height_m", 12.5}}}}.dump(),
                           "If-Match: " + tree1.header("etag") + "\r\n");
  REQUIRE(from_b.status == 200);
  CHECK(json::parse(call(a.port(), "GET", tree_path(city.tree), planner).body)
            .at("properties")
            .at("height_m") == 12.5);
  REQUIRE(await_trace(a.trace, "notice", city.generation()));

  std::cout << "change followed by node B, microseconds from A's acknowledgement:";
  for (const auto us : latencies_us) std::cout << " " << us;
  std::cout << "\n";
  for (const auto us : latencies_us) CHECK(us < 1'000'000);
}

TEST_CASE("two nodes: a burst of writes through A, each followed by B within 100 ms",
          "[postgis][nodes]") {
  PgCity city;
  Node a(city, "a");
  Node b(city, "b");
  const auto field = city.keys.at("field_staff");
  std::string etag = call(a.port(), "GET", tree_path(city.tree2), field).header("etag");
  // B's trace time minus the moment the client got A's answer (A acknowledged before that, so
  // the true delay is at most the time since the request was sent, reported beside it).
  std::vector<std::int64_t> after_answer_us, after_request_us;
  for (int i = 0; i < 20; ++i) {
    const auto sent = now_us();
    const auto r =
        call(a.port(), "PATCH", tree_path(city.tree2), field,
             json{{"properties", {{"height_m", 10 + i}}}}.dump(), "If-Match: " + etag + "\r\n");
    const auto answered = now_us();
    REQUIRE(r.status == 200);
    etag = r.header("etag");
    const auto line = await_trace(b.trace, "notice", city.generation());
    REQUIRE(line);
    after_answer_us.push_back(line->at_us - answered);
    after_request_us.push_back(line->at_us - sent);
  }
  std::sort(after_answer_us.begin(), after_answer_us.end());
  std::sort(after_request_us.begin(), after_request_us.end());
  std::cout << "20 writes through A, applied by B: after A's answer median " << after_answer_us[10]
            << " us, max " << after_answer_us.back() << " us; after the request was sent median "
            << after_request_us[10] << " us, max " << after_request_us.back() << " us\n";
  CHECK(after_answer_us[10] < 100'000);
  CHECK(after_answer_us.back() < 1'000'000);
  CHECK(count(read_trace(b.trace), "load") == 1);
}

TEST_CASE("two nodes: the same If-Match through A and B at once, one 200 and one 412",
          "[postgis][nodes][locking]") {
  PgCity city;
  Node a(city, "a");
  Node b(city, "b");
  const int ports[2] = {a.port(), b.port()};
  const std::string keys[2] = {city.keys.at("field_staff"), city.keys.at("admin")};
  const std::string names[2] = {"Anna Feld", "Ada Admin"};
  for (int round = 0; round < 5; ++round) {
    INFO("round " << round);
    const auto etag = call(a.port(), "GET", tree_path(city.tree), keys[0]).header("etag");
    const auto history_before =
        json::parse(call(a.port(), "GET", tree_path(city.tree) + "/history", keys[1]).body);
    std::latch start(2);
    test::HttpResponse replies[2];
    std::thread clients[2];
    for (int i = 0; i < 2; ++i) {
      clients[i] = std::thread([&, i] {
        test::HttpClient c(ports[i]);
        const auto body =
            json{{"properties",
                  {{"species_botanical", "Quercus " + names[i] + " " + std::to_string(round)}}}}
                .dump();
        const auto req = "PATCH " + tree_path(city.tree) +
                         " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + keys[i] +
                         "\r\nContent-Type: application/merge-patch+json\r\nContent-Length: " +
                         std::to_string(body.size()) + "\r\nIf-Match: " + etag + "\r\n\r\n" + body;
        start.arrive_and_wait();
        c.send(req);
        replies[i] = c.read_response();
      });
    }
    for (auto& t : clients) t.join();
    REQUIRE(std::multiset<int>{replies[0].status, replies[1].status} ==
            std::multiset<int>{200, 412});
    const int winner = replies[0].status == 200 ? 0 : 1;
    // Both nodes answer the winner's tree, and its history has the one change.
    for (const int port : ports) {
      const auto t = json::parse(call(port, "GET", tree_path(city.tree), keys[0]).body);
      CHECK(t.at("properties").at("species_botanical") ==
            "Quercus " + names[winner] + " " + std::to_string(round));
      const auto history =
          json::parse(call(port, "GET", tree_path(city.tree) + "/history", keys[1]).body);
      const auto& entries = history.at("changes");
      REQUIRE(entries.size() == history_before.at("changes").size() + 1);
      CHECK(entries.back().at("user") == names[winner]);
      CHECK(entries.back().at("field") == "species_botanical");
    }
  }
}

TEST_CASE("two nodes: writes through both at once, each node follows the other's",
          "[postgis][nodes]") {
  PgCity city;
  Node a(city, "a");
  Node b(city, "b");
  const auto field = city.keys.at("field_staff");
  // A edits MZ-1, B edits MZ-2, at the same moments: each write finds the other node's write
  // committed just before it, and applies its announcement before it changes anything.
  std::string tags[2] = {call(a.port(), "GET", tree_path(city.tree), field).header("etag"),
                         call(b.port(), "GET", tree_path(city.tree2), field).header("etag")};
  const int ports[2] = {a.port(), b.port()};
  const std::int64_t trees[2] = {city.tree, city.tree2};
  std::int64_t slowest_us = 0;
  for (int round = 0; round < 10; ++round) {
    std::latch start(2);
    test::HttpResponse replies[2];
    std::int64_t took_us[2] = {0, 0};
    std::thread writers[2];
    for (int i = 0; i < 2; ++i) {
      writers[i] = std::thread([&, i] {
        start.arrive_and_wait();
        const auto sent = now_us();
        replies[i] = call(ports[i], "PATCH", tree_path(trees[i]), field,
                          json{{"properties", {{"height_m", 20 + round}}}}.dump(),
                          "If-Match: " + tags[i] + "\r\n");
        took_us[i] = now_us() - sent;
      });
    }
    for (auto& t : writers) t.join();
    for (int i = 0; i < 2; ++i) {
      REQUIRE(replies[i].status == 200);
      tags[i] = replies[i].header("etag");
      slowest_us = std::max(slowest_us, took_us[i]);
    }
  }
  std::cout << "10 rounds of one write through each node at once: slowest write " << slowest_us
            << " us\n";
  // Never the 2 s wait for an announcement that could not come.
  CHECK(slowest_us < 1'500'000);
  for (const auto* node : {&a, &b}) {
    for (const auto id : trees) {
      CHECK(json::parse(call(node->port(), "GET", tree_path(id), field).body)
                .at("properties")
                .at("height_m") == 29);
    }
    // Ten writes of the other node followed by notice, none by a reload (the last notice may
    // still be on its way: single items are read from the store, not from memory).
    auto trace = read_trace(node->trace);
    for (int i = 0; i < 500 && count(trace, "notice") < 10; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      trace = read_trace(node->trace);
    }
    CHECK(count(trace, "load") == 1);
    CHECK(count(trace, "notice") == 10);
  }
}

TEST_CASE("two nodes: B's follower connection killed, B reconnects and catches up",
          "[postgis][nodes]") {
  PgCity city;
  Node a(city, "a");
  Node b(city, "b");
  Maintenance m;
  Maintenance inside(city.db.url());  // held open: reads the generation while others are refused
  const auto generation = [&] {
    return std::stoll(inside.query("SELECT value FROM store_meta WHERE key = 'generation'"));
  };
  const auto field = city.keys.at("field_staff");
  // Every worker thread of A holds its connection before new ones are refused.
  for (int i = 0; i < 8; ++i)
    REQUIRE(call(a.port(), "GET", tree_path(city.tree), field).status == 200);
  const auto first = follower_pid(m, city, b);
  REQUIRE(!first.empty());
  REQUIRE(follower_pid(m, city, a) != first);

  // B's follower cannot come back while the database refuses new connections: A's write in that
  // time is announced to nobody on B.
  m.query("ALTER DATABASE " + city.db.name() + " ALLOW_CONNECTIONS false");
  REQUIRE(m.query("SELECT pg_terminate_backend(" + first + ")") == "t");
  const auto etag = call(a.port(), "GET", tree_path(city.tree), field).header("etag");
  const auto patched = call(a.port(), "PATCH", tree_path(city.tree), field,
                            json{{"properties", {{"species_botanical", "Acer campestre"}}}}.dump(),
                            "If-Match: " + etag + "\r\n");
  REQUIRE(patched.status == 200);
  const auto missed = generation();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  CHECK(!await_trace(b.trace, "notice", missed).has_value());
  m.query("ALTER DATABASE " + city.db.name() + " ALLOW_CONNECTIONS true");

  // B listens again (a new backend) and catches up by itself, before anyone asks it.
  const auto caught_up = await_trace(b.trace, "load", missed);
  REQUIRE(caught_up);
  std::string again;
  for (int i = 0; i < 100 && (again.empty() || again == first); ++i) {
    again = follower_pid(m, city, b);
    if (again.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  CHECK(!again.empty());
  CHECK(again != first);
  const auto on_b = json::parse(call(b.port(), "GET", tree_path(city.tree), field).body);
  CHECK(on_b.at("properties").at("species_botanical") == "Acer campestre");

  // From then on B follows by notification again.
  const auto etag2 = call(a.port(), "GET", tree_path(city.tree), field).header("etag");
  REQUIRE(call(a.port(), "PATCH", tree_path(city.tree), field,
               json{{"properties", {{"species_botanical", "Acer platanoides"}}}}.dump(),
               "If-Match: " + etag2 + "\r\n")
              .status == 200);
  CHECK(json::parse(call(b.port(), "GET", tree_path(city.tree), field).body)
            .at("properties")
            .at("species_botanical") == "Acer platanoides");
  CHECK(await_trace(b.trace, "notice", generation()));
  CHECK(count(read_trace(b.trace), "load") == 2);  // the start and the catch-up
}

TEST_CASE("the per-request generation read on PostGIS is one prepared SELECT",
          "[postgis][nodes][generation]") {
  PgCity city;
  auto pg = storage::Store::open(city.db.url());
  auto file = storage::Store::create((city.dir / "beside.sqlite").string());
  storage::StoreTransaction tx(file);
  storage::bump_data_generation(file);
  tx.commit();
  const auto per_read_us = [](storage::Store& store, std::int64_t expected) {
    constexpr int n = 2000;
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < n; ++i) REQUIRE(storage::data_generation(store) == expected);
    return std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start)
               .count() /
           n;
  };
  const double on_pg = per_read_us(pg, storage::data_generation(pg));
  const double on_file = per_read_us(file, 1);
  std::cout << "data_generation per read (2000 reads): PostGIS " << on_pg << " us, SpatiaLite "
            << on_file << " us\n";
  // One round trip of a statement prepared once per connection (pg::Connection::exec).
  CHECK(on_pg < 1000);
}

TEST_CASE("a change notice carries areas and ids exactly, anything else reads as everything",
          "[postgis][nodes][notice]") {
  core::DataChange change;
  change.areas = {{448105.2, 5537998.2, 448114.8, 5538007.8},
                  {0.1 + 0.2, -1e-9, 1e15, 5538003.123456789}};
  change.trees = {7, 3};
  change.works = {12};
  const auto payload = core::change_notice(change, 42);
  CHECK(payload ==
        "{\"areas\":[[448105.2,5537998.2,448114.8,5538007.8],[0.30000000000000004,-1e-09,"
        "1e+15,5538003.123456789]],\"generation\":42,\"trees\":[7,3],\"works\":[12]}");
  const auto back = core::read_change_notice(payload);
  CHECK_FALSE(back.everything);
  CHECK(back.generation == 42);
  REQUIRE(back.areas.size() == 2);
  CHECK(back.areas[1].minx == 0.1 + 0.2);
  CHECK(back.areas[1].maxy == 5538003.123456789);
  CHECK(back.trees == std::vector<std::int64_t>{7, 3});
  CHECK(back.works == std::vector<std::int64_t>{12});

  // What another writer (import, check) announces, and what cannot be read.
  const auto bare = core::read_change_notice("{\"generation\":43}");
  CHECK(bare.everything);
  CHECK(bare.generation == 43);
  for (const char* bad : {"", "not json", "[1]", "{\"generation\":\"44\"}",
                          "{\"generation\":44,\"areas\":[[1,2]],\"trees\":[],\"works\":[]}",
                          "{\"generation\":44,\"areas\":[],\"trees\":[\"x\"],\"works\":[]}"}) {
    INFO(bad);
    const auto r = core::read_change_notice(bad);
    CHECK(r.everything);
    CHECK(r.areas.empty());
    CHECK(r.trees.empty());
  }
}
