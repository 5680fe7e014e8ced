// kill -9 of one of two `rootzone serve` nodes under write load through the nginx of
// deploy/nginx/rootzone-nodes.conf (issue 16): every write a client saw acknowledged (2xx) is in
// the database with what was sent, no write is there in part, and nginx goes on answering reads
// and writes through the other node. Real nginx, real nodes, the real PostgreSQL of the fixture.
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "postgis/pg_deploy_stack.hpp"
#include "rootzone/storage/store.hpp"

using namespace rootzone;
using nlohmann::json;
using test::exchange;
using test::HttpClient;

namespace {

enum class Op { submit, edit, read };

struct Sent {
  Op op;
  bool sent_after_kill = false;  // the kill began before it was sent (flag set before the signal)
  bool answered_after_kill = false;  // ... before its answer came (or did not)
  int status = 0;                    // 0: no answer at all (connection lost)
  bool attempted = false;            // the request itself went out (not only the read of an ETag)
  std::string content_type;
  std::string problem;  // the body of an answer that is not 2xx
  std::string value;    // the work's reference, or the site the edit set
  int tree = 0;         // the tree the work lies at, or the tree edited
  json geometry;        // of a submitted work
};

bool ok(int status) { return status >= 200 && status < 300; }

}  // namespace

TEST_CASE(
    "two nodes behind nginx: kill -9 of one node under write load loses no acknowledged "
    "write, leaves none in part, and nginx serves on through the other",
    "[postgis][deploy][nodes][kill]") {
  test::DeployCity city;
  // No write limits: four clients write as fast as the nodes take it.
  test::TwoNodes nodes(city.db.url(), {"--write-rate", "0", "--write-rate-per-address", "0"});
  constexpr int kClients = 4;
  const auto node_a = "127.0.0.1:" + std::to_string(nodes.node_port(0));
  const auto node_b = "127.0.0.1:" + std::to_string(nodes.node_port(1));
  std::atomic<bool> killed{false}, stop{false};
  std::atomic<int> acknowledged{0}, slots{0};
  std::vector<std::vector<Sent>> sent(kClients);

  // Each client: a work submission (contractor), an edit of its own tree (field staff, trees
  // 21..24, far from every work), a page of trees; round and round, one request at a time on a
  // keep-alive connection to nginx (a new one when nginx closes it).
  const auto client = [&](int i) {
    std::unique_ptr<HttpClient> c;
    const int tree = 21 + i;
    std::string etag;  // of the tree as last seen; empty: ask for it first
    for (int n = 0; !stop; ++n) {
      Sent s;
      s.op = static_cast<Op>(n % 3);
      try {
        if (!c) c = std::make_unique<HttpClient>(nodes.nginx_port());
        if (s.op == Op::edit && etag.empty()) {
          const auto now =
              exchange(*c, "GET", "/collections/trees/items/" + std::to_string(tree), "");
          if (now.status != 200) throw std::runtime_error("tree not read");
          etag = now.header("etag");
        }
        s.sent_after_kill = killed;
        s.attempted = true;
        test::HttpResponse r;
        if (s.op == Op::submit) {
          const int slot = slots++;
          s.value = "K-" + std::to_string(slot);
          s.tree = 1 + slot % 15;  // trees 1..15; works at one tree 40 days apart (no clashes)
          const auto work = test::work_near_tree(s.value, s.tree, slot / 15);
          s.geometry = work.at("geometry");
          r = exchange(*c, "POST", "/collections/works/items", city.keys.at("contractor"),
                       work.dump(), test::kContentCrs);
        } else if (s.op == Op::edit) {
          s.tree = tree;
          s.value = "Client " + std::to_string(i) + " edit " + std::to_string(n);
          r = exchange(*c, "PATCH", "/collections/trees/items/" + std::to_string(tree),
                       city.keys.at("field_staff"),
                       json{{"properties", {{"site", s.value}}}}.dump(),
                       "If-Match: " + etag + "\r\n");
          // After anything but a 200 the edit may or may not be in: read the tree again.
          etag = r.status == 200 ? r.header("etag") : "";
        } else {
          r = exchange(*c, "GET", "/collections/trees/items?limit=10", "");
        }
        s.status = r.status;
        s.content_type = r.header("content-type");
        if (!ok(r.status)) s.problem = r.body;
        // nginx closes a client connection after 1000 requests (keepalive_requests) and says so.
        if (r.header("connection") == "close") c.reset();
        if (ok(r.status) && s.op != Op::read) ++acknowledged;
      } catch (const std::exception& e) {
        s.problem = e.what();
        c.reset();  // no answer: the outcome of a write is unknown, as for a 503
        if (s.op == Op::edit) etag.clear();
      }
      s.answered_after_kill = killed;
      if (s.attempted) sent[static_cast<std::size_t>(i)].push_back(std::move(s));
    }
  };
  std::vector<std::thread> clients;
  for (int i = 0; i < kClients; ++i) clients.emplace_back(client, i);

  const auto wait_for = [&](int writes, std::chrono::seconds at_least) {
    const auto from = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() - from < std::chrono::seconds(60) &&
           (acknowledged < writes || std::chrono::steady_clock::now() - from < at_least)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  };
  wait_for(40, std::chrono::seconds(1));
  const int before_kill = acknowledged;
  killed = true;
  nodes.kill_node(0);
  // Past nginx's fail_timeout (5 s), so it also tries the dead node again once.
  wait_for(before_kill + 40, std::chrono::seconds(7));
  stop = true;
  for (auto& t : clients) t.join();

  // What the clients saw.
  int failed_before = 0, failed_after = 0, not_503 = 0, reads_after = 0, writes_after = 0;
  std::string failures;  // what each failed request got, for the message
  std::vector<const Sent*> works_ok;
  std::map<std::string, const Sent*> works_sent;
  std::map<int, std::vector<const Sent*>> edits;  // by tree, in the order sent
  for (const auto& list : sent) {
    for (const auto& s : list) {
      if (!ok(s.status)) {
        (s.answered_after_kill ? failed_after : failed_before)++;
        failures += std::to_string(static_cast<int>(s.op)) +
                    (s.sent_after_kill       ? " sent after: "
                     : s.answered_after_kill ? " in flight: "
                                             : " before: ") +
                    std::to_string(s.status) + " " + s.problem + "\n";
        if (s.status != 503 || s.content_type != "application/problem+json") ++not_503;
      } else if (s.sent_after_kill) {
        (s.op == Op::read ? reads_after : writes_after)++;
      }
      if (s.op == Op::submit) {
        works_sent[s.value] = &s;
        if (ok(s.status)) works_ok.push_back(&s);
      }
      if (s.op == Op::edit) edits[s.tree].push_back(&s);
    }
  }
  INFO("acknowledged writes before the kill " << before_kill << ", writes after " << writes_after
                                              << ", reads after " << reads_after
                                              << ", failed after " << failed_after << "\n"
                                              << failures);
  CHECK(failed_before == 0);
  // At most the requests that were on the killed node at that instant, one per client; reads
  // among them went to the other node (proxy_next_upstream), so only writes can fail.
  CHECK(failed_after <= kClients);
  CHECK(not_503 == 0);  // the problem+json 503 with Retry-After, or nothing else
  CHECK(writes_after >= 40);
  CHECK(reads_after > 0);

  // nginx's view: node A took acknowledged writes before it was killed, node B the rest.
  const auto ends_with = [](const std::string& text, const std::string& end) {
    return text.size() >= end.size() &&
           text.compare(text.size() - end.size(), end.size(), end) == 0;
  };
  int a_writes = 0, b_answers = 0;
  const auto log = nodes.nginx_log(1);
  for (const auto& line : log) {
    const std::string upstream = line.at("upstream_addr");
    if (line.at("method") != "GET" && upstream == node_a && ok(line.at("status"))) ++a_writes;
    if (ends_with(upstream, node_b) && ok(line.at("status"))) ++b_answers;
  }
  CHECK(a_writes > 0);
  CHECK(b_answers > 0);

  // The database: every acknowledged submission with what was sent, its status row and its one
  // conflict (tree_id = the tree it lies at, critical).
  auto store = storage::Store::open(city.db.url());
  for (const auto* s : works_ok) {
    INFO("work " << s->value);
    const auto w = store.works().find_by_reference(s->value);
    REQUIRE(w.has_value());
    CHECK(w->title == "Leitung " + s->value);
    const auto& c = s->geometry.at("coordinates");
    CHECK(w->geometry.to_wkt(3) ==
          geo::Geometry::from_wkt("LINESTRING(" + c[0][0].dump() + " " + c[0][1].dump() + ", " +
                                  c[1][0].dump() + " " + c[1][1].dump() + ")")
              .to_wkt(3));
    CHECK(store.works().status_history(w->id).size() == 1);
    const auto conflicts = store.conflicts().tree_work_conflicts_for_work(w->id);
    REQUIRE(conflicts.size() == 1);
    CHECK(conflicts[0].tree_id == s->tree);
    CHECK(conflicts[0].severity == geo::Severity::critical);
  }
  // Every stored work is one the clients sent, whole: one status row and one conflict each.
  const auto stored_works = std::stoi(city.db.query("SELECT count(*) FROM works"));
  CHECK(stored_works >= static_cast<int>(works_ok.size()));
  CHECK(stored_works <= static_cast<int>(works_sent.size()));
  CHECK(city.db.query(
            "SELECT count(*) FROM works w WHERE reference NOT LIKE 'K-%' OR "
            "(SELECT count(*) FROM work_status_history h WHERE h.work_id = w.id) <> 1 "
            "OR (SELECT count(*) FROM tree_work_conflicts c WHERE c.work_id = w.id) <> 1") == "0");
  for (const auto& row : store.works().open()) CHECK(works_sent.count(row.reference) == 1);

  // Every edited tree: its history a chain of the clients' edits (each row's old value the one
  // before it), every acknowledged edit in it in the order sent, one row per version.
  for (const auto& [tree, list] : edits) {
    INFO("tree " << tree);
    const auto t = store.trees().get(tree);
    const auto history = store.trees().history(tree);
    CHECK(history.size() == static_cast<std::size_t>(t.version - 1));
    std::set<std::string> values;
    for (const auto* s : list) values.insert(s->value);
    std::optional<std::string> previous = "Domplatz";
    std::size_t next = 0;  // the next acknowledged edit to find in the history
    std::vector<std::string> acknowledged_values;
    for (const auto* s : list) {
      if (ok(s->status)) acknowledged_values.push_back(s->value);
    }
    for (const auto& h : history) {
      CHECK(h.field == "site");
      CHECK(h.old_value == previous);
      REQUIRE(h.new_value.has_value());
      CHECK(values.count(*h.new_value) == 1);
      if (next < acknowledged_values.size() && *h.new_value == acknowledged_values[next]) ++next;
      previous = h.new_value;
    }
    CHECK(next == acknowledged_values.size());
    CHECK(t.site == previous);
  }

  // After all that, nginx answers through node B alone.
  HttpClient after(nodes.nginx_port());
  for (int i = 0; i < 4; ++i) {
    CHECK(exchange(after, "GET", "/collections/trees/items/1", "").status == 200);
  }
  const auto patched =
      exchange(after, "PATCH", "/collections/trees/items/30", city.keys.at("field_staff"),
               json{{"properties", {{"site", "after"}}}}.dump(), "If-Match: \"tree-30-v1\"\r\n");
  CHECK(patched.status == 200);
  const auto tail = nodes.nginx_log(log.size() + 5);
  CHECK(ends_with(tail.back().at("upstream_addr").get<std::string>(), node_b));
}
