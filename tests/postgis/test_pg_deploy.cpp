// Two `rootzone serve` nodes on one PostGIS database, with the nginx of
// deploy/nginx/rootzone-nodes.conf in front (issue 16, deploy/README.md "Two nodes on one
// PostGIS database"): a write through nginx is in both nodes' next answers (items, conflicts,
// tiles), never an older one; two edits of one tree through the two nodes give one 200 and one
// 412. Real nginx, real nodes, the real PostgreSQL of the fixture "postgis".
#include <catch2/catch.hpp>
#include <chrono>
#include <functional>
#include <latch>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>

#include "../tiles/mvt_decode.hpp"
#include "postgis/pg_deploy_stack.hpp"
#include "rootzone/geo/crs.hpp"
#include "rootzone/storage/store.hpp"
#include "rootzone/tiles/tile_math.hpp"

using namespace rootzone;
using nlohmann::json;
using test::exchange;
using test::HttpClient;

namespace {

std::string tree_etag(std::int64_t id, std::int64_t version) {
  return "\"tree-" + std::to_string(id) + "-v" + std::to_string(version) + "\"";
}

// The z16 tile holding the store point p (EPSG:25832), as /tiles/city/16/x/y.mvt.
std::string city_tile_path(geo::Point p) {
  const geo::Transformer to_mercator(25832, 3857);
  const auto m = to_mercator.forward(p);
  const auto r = tiles::tiles_covering({m.x, m.y, m.x, m.y}, 16);
  return "/tiles/city/" + tiles::TileId{16, r.min_x, r.min_y}.to_string() + ".mvt";
}

// Feature ids of one layer of a tile (none when the layer is missing).
std::set<std::uint64_t> layer_ids(const std::string& mvt, const std::string& layer) {
  const auto tile = test::decode_tile(mvt);
  REQUIRE(tile.problems.empty());
  std::set<std::uint64_t> ids;
  if (const auto* l = tile.layer(layer)) {
    for (const auto& f : l->features) ids.insert(f.id);
  }
  return ids;
}

const json* feature_with_id(const json& page, std::int64_t id) {
  for (const auto& f : page.at("features")) {
    if (f.at("id") == id) return &f;
  }
  return nullptr;
}

}  // namespace

TEST_CASE(
    "two nodes behind nginx: a write through nginx is in both nodes' next items, "
    "conflicts and tiles",
    "[postgis][deploy][nodes]") {
  test::DeployCity city;
  test::TwoNodes nodes(city.db.url());
  const auto& planner = city.keys.at("planner");
  const auto tile = city_tile_path(test::DeployCity::tree_location(1));
  HttpClient via_nginx(nodes.nginx_port());
  HttpClient direct[2] = {HttpClient(nodes.node_port(0)), HttpClient(nodes.node_port(1))};

  // Each node answers once before the writes: its tree pages, engine and tile cache are loaded
  // and hold the old state, which the writes must replace.
  for (auto& c : direct) {
    CHECK(json::parse(exchange(c, "GET", "/collections/works/overview", planner).body)
              .at("numberMatched") == 0);
    const auto t = exchange(c, "GET", tile, planner);
    REQUIRE(t.status == 200);
    CHECK(layer_ids(t.body, "works").empty());
    CHECK(layer_ids(t.body, "trees").count(1) == 1);
    const auto page =
        json::parse(exchange(c, "GET", "/collections/trees/items?limit=100", "").body);
    CHECK(feature_with_id(page, 1)->at("properties").at("site") == "Domplatz");
  }

  // Five rounds: a work and a tree edit through nginx (round robin: each round's two writes
  // reach both nodes between them), then the same reads from each node directly, at once.
  std::int64_t version = 1;
  for (int round = 0; round < 5; ++round) {
    INFO("round " << round);
    const auto reference = "SW-" + std::to_string(round);
    const auto posted =
        exchange(via_nginx, "POST", "/collections/works/items", city.keys.at("contractor"),
                 test::work_near_tree(reference, 1, round).dump(), test::kContentCrs);
    REQUIRE(posted.status == 201);
    const auto work = json::parse(posted.body);
    const std::int64_t work_id = work.at("id");
    // The trench's edge 2 m from tree 1 (120 cm stem, crown 8 m: R_t 4.8 m): critical, and no
    // other tree within reach (test::work_near_tree).
    REQUIRE(work.at("conflicts").at("trees").size() == 1);
    CHECK(work.at("conflicts").at("trees").at(0).at("properties").at("tree_id") == 1);
    CHECK(work.at("conflicts").at("trees").at(0).at("properties").at("severity") == "critical");
    CHECK(work.at("conflicts").at("works").empty());

    const auto site = "Domplatz " + std::to_string(round);
    const auto patched =
        exchange(via_nginx, "PATCH", "/collections/trees/items/1", city.keys.at("field_staff"),
                 json{{"properties", {{"site", site}}}}.dump(),
                 "If-Match: " + tree_etag(1, version) + "\r\n");
    REQUIRE(patched.status == 200);
    ++version;
    CHECK(patched.header("etag") == tree_etag(1, version));

    for (int n = 0; n < 2; ++n) {
      INFO("node " << n);
      auto& c = direct[n];
      // Items: the work, its conflicts, the tree (alone and on the page the node serves from
      // memory), the planner's overview.
      const auto w =
          exchange(c, "GET", "/collections/works/items/" + std::to_string(work_id), planner);
      REQUIRE(w.status == 200);
      CHECK(w.header("etag") == posted.header("etag"));
      CHECK(json::parse(w.body).at("properties").at("reference") == reference);
      const auto wc = json::parse(
          exchange(c, "GET", "/collections/works/items/" + std::to_string(work_id) + "/conflicts",
                   planner)
              .body);
      REQUIRE(wc.at("conflicts").at("trees").size() == 1);
      CHECK(wc.at("conflicts").at("trees").at(0).at("properties").at("tree_id") == 1);
      CHECK(wc.at("conflicts").at("trees").at(0).at("properties").at("severity") == "critical");
      const auto tc =
          json::parse(exchange(c, "GET", "/collections/trees/items/1/conflicts", planner).body);
      CHECK(tc.at("features").size() == static_cast<std::size_t>(round + 1));
      const auto overview =
          json::parse(exchange(c, "GET", "/collections/works/overview", planner).body);
      CHECK(overview.at("numberMatched") == round + 1);
      const auto t1 = exchange(c, "GET", "/collections/trees/items/1", "");
      CHECK(t1.header("etag") == tree_etag(1, version));
      CHECK(json::parse(t1.body).at("properties").at("site") == site);
      const auto page =
          json::parse(exchange(c, "GET", "/collections/trees/items?limit=100", "").body);
      CHECK(page.at("numberMatched") == 30);
      CHECK(feature_with_id(page, 1)->at("properties").at("site") == site);
      // Tiles: the z16 city tile of tree 1 with every work so far and its conflicts.
      const auto t = exchange(c, "GET", tile, planner);
      REQUIRE(t.status == 200);
      CHECK(layer_ids(t.body, "works").size() == static_cast<std::size_t>(round + 1));
      CHECK(layer_ids(t.body, "works").count(static_cast<std::uint64_t>(work_id)) == 1);
      CHECK(test::decode_tile(t.body).layer("conflicts")->features.size() ==
            static_cast<std::size_t>(round + 1));
    }
  }
  // nginx balanced: each node saw writes (round robin over 10 writes and the reads between).
  std::set<std::string> writers;
  for (const auto& line : nodes.nginx_log(10)) {
    if (line.at("method") != "GET") writers.insert(line.at("upstream_addr").get<std::string>());
  }
  CHECK(writers.size() == 2);
}

TEST_CASE(
    "two nodes: PATCH of one tree with the same If-Match through each node at once gives "
    "one 200 and one 412 and one history row",
    "[postgis][deploy][nodes][locking]") {
  test::DeployCity city;
  test::TwoNodes nodes(city.db.url());
  const std::string keys[2] = {city.keys.at("field_staff"), city.keys.at("admin")};
  const std::string names[2] = {"Anna Feld", "Ada Admin"};
  // Several rounds: each starts both clients at once on connections opened beforehand.
  for (int round = 0; round < 8; ++round) {
    INFO("round " << round);
    const std::int64_t version = 1 + round;
    std::latch start(2);
    test::HttpResponse replies[2];
    std::thread clients[2];
    for (int i = 0; i < 2; ++i) {
      clients[i] = std::thread([&, i] {
        HttpClient c(nodes.node_port(i));
        start.arrive_and_wait();
        replies[i] =
            exchange(c, "PATCH", "/collections/trees/items/7", keys[i],
                     json{{"properties",
                           {{"site", "Node " + std::to_string(i) + " " + std::to_string(round)}}}}
                         .dump(),
                     "If-Match: " + tree_etag(7, version) + "\r\n");
      });
    }
    for (auto& t : clients) t.join();
    REQUIRE(std::multiset<int>{replies[0].status, replies[1].status} ==
            std::multiset<int>{200, 412});
    const int winner = replies[0].status == 200 ? 0 : 1;
    CHECK(replies[winner].header("etag") == tree_etag(7, version + 1));
    CHECK(replies[1 - winner].header("content-type") == "application/problem+json");
    const auto expected = "Node " + std::to_string(winner) + " " + std::to_string(round);
    auto store = storage::Store::open(city.db.url());
    const auto t = store.trees().get(7);
    CHECK(t.version == version + 1);
    CHECK(t.site == expected);
    const auto history = store.trees().history(7);
    REQUIRE(history.size() == static_cast<std::size_t>(round + 1));  // one row per round
    CHECK(history.back().field == "site");
    // Chained: each edit replaced the one before it, none was lost.
    CHECK(history.back().old_value == (round == 0 ? std::optional<std::string>("Domplatz")
                                                  : history[history.size() - 2].new_value));
    CHECK(history.back().new_value == expected);
    CHECK(history.back().user == names[winner]);
    // The loser reads the winner's edit from its own node at once.
    HttpClient loser(nodes.node_port(1 - winner));
    const auto now = exchange(loser, "GET", "/collections/trees/items/7", "");
    CHECK(now.header("etag") == tree_etag(7, version + 1));
    CHECK(json::parse(now.body).at("properties").at("site") == expected);
  }
}

// Each node checks a submission against its own engine. Two submissions at once through the two
// nodes: the later transaction must see the earlier work (one clash row for the pair), and
// neither node may go on without the other's work (the next submissions clash with all of them).
TEST_CASE(
    "two nodes: two works submitted at once through each node clash once, and each node "
    "checks later works against both",
    "[postgis][deploy][nodes][locking]") {
  test::DeployCity city;
  test::TwoNodes nodes(city.db.url());
  const auto& key = city.keys.at("contractor");
  for (int round = 0; round < 6; ++round) {
    INFO("round " << round);
    // Trees 1..6: one row of the grid, 50 m apart; the works of one round lie at one tree, on
    // the same days, so they clash with each other (0 m apart, the same time) and with no work
    // of another round (40 m between trench ends, beyond the 20 m coordination distance).
    const int tree = 1 + round;
    const auto ref = [&](const std::string& s) { return "R" + std::to_string(round) + "-" + s; };
    std::latch start(2);
    test::HttpResponse replies[2];
    std::thread clients[2];
    for (int i = 0; i < 2; ++i) {
      clients[i] = std::thread([&, i] {
        HttpClient c(nodes.node_port(i));
        const auto body = test::work_near_tree(ref(i == 0 ? "a" : "b"), tree, 0).dump();
        start.arrive_and_wait();
        replies[i] = exchange(c, "POST", "/collections/works/items", key, body, test::kContentCrs);
      });
    }
    for (auto& t : clients) t.join();
    REQUIRE(replies[0].status == 201);
    REQUIRE(replies[1].status == 201);
    const auto clashes_in = [](const test::HttpResponse& r) {
      return json::parse(r.body).at("conflicts").at("works").size();
    };
    // The pair clashes once: in the answer of whichever committed second, and in the store.
    CHECK(clashes_in(replies[0]) + clashes_in(replies[1]) == 1);
    CHECK(city.db.query("SELECT count(*) FROM work_work_conflicts c JOIN works a ON a.id = "
                        "c.work_a JOIN works b ON b.id = c.work_b WHERE a.reference LIKE 'R" +
                        std::to_string(round) + "-%' AND b.reference LIKE 'R" +
                        std::to_string(round) + "-%'") == "1");
    // One more work at the tree through each node in turn: each clashes with every work there.
    for (int i = 0; i < 2; ++i) {
      HttpClient c(nodes.node_port(i));
      const auto r = exchange(c, "POST", "/collections/works/items", key,
                              test::work_near_tree(ref("c" + std::to_string(i)), tree, 0).dump(),
                              test::kContentCrs);
      REQUIRE(r.status == 201);
      CHECK(clashes_in(r) == static_cast<std::size_t>(2 + i));
    }
  }
}

// deploy/nginx/rootzone-nodes.conf's retry rules, node A stopped: a GET that met the dead node
// goes on to node B; a POST that could not reach A goes on to B (it was never sent); a DELETE is
// never passed on (nginx would resend it even after sending; rootzone refuses a tree's DELETE
// anyway, which does not matter here: the one that met A is the answer looked at). After each
// failure nginx leaves A out for fail_timeout (5 s), so each case tries until A is met again.
TEST_CASE(
    "two nodes behind nginx: with one node down, a GET and an unsent POST go to the other "
    "node, a DELETE does not",
    "[postgis][deploy][nodes][retry]") {
  test::DeployCity city;
  test::TwoNodes nodes(city.db.url());
  const auto node_a = "127.0.0.1:" + std::to_string(nodes.node_port(0));
  const auto node_b = "127.0.0.1:" + std::to_string(nodes.node_port(1));
  nodes.node(0).stop();  // SIGTERM: A is gone, its port refuses connections
  HttpClient c(nodes.nginx_port());
  std::size_t seen = 0;
  // Sends `send()` until nginx's log line for it names node A first (within 10 s: nginx counts
  // fail_timeout in whole seconds); returns that line.
  const auto until_a_is_tried = [&](const std::function<test::HttpResponse()>& send,
                                    test::HttpResponse& answer) {
    for (int i = 0; i < 40; ++i) {
      answer = send();
      const auto log = nodes.nginx_log(seen + 1);
      seen = log.size();
      const std::string upstream = log.back().at("upstream_addr");
      if (upstream.rfind(node_a, 0) == 0) return log.back();
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
    FAIL("nginx never tried node A");
    return json();
  };
  test::HttpResponse r;
  const auto get =
      until_a_is_tried([&] { return exchange(c, "GET", "/collections/trees/items/3", ""); }, r);
  CHECK(get.at("upstream_addr") == node_a + ", " + node_b);
  CHECK(r.status == 200);
  CHECK(json::parse(r.body).at("id") == 3);

  int n = 0;
  const auto post = until_a_is_tried(
      [&] {
        const int k = n++;
        return exchange(c, "POST", "/collections/works/items", city.keys.at("contractor"),
                        test::work_near_tree("RT-" + std::to_string(k), 20, k).dump(),
                        test::kContentCrs);
      },
      r);
  CHECK(post.at("upstream_addr") == node_a + ", " + node_b);
  CHECK(r.status == 201);

  const auto del = until_a_is_tried(
      [&] { return exchange(c, "DELETE", "/collections/trees/items/1", city.keys.at("admin")); },
      r);
  CHECK(del.at("upstream_addr") == node_a);  // not passed on to B
  CHECK(r.status == 503);
  CHECK(r.header("content-type") == "application/problem+json");
  CHECK(r.header("retry-after") == "5");
}
