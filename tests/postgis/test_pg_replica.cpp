// Read replicas (issue 16; docs/postgis.md "Read replicas"): `rootzone serve --db PRIMARY
// --db-read STANDBY` against a real hot standby of the throw-away server (pg_basebackup and
// streaming replication, scripts/pg-test-server.sh standby), over real sockets.
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "postgis/pg_fixture.hpp"
#include "rootzone/core/api_keys.hpp"
#include "rootzone/geo/protection.hpp"
#include "rootzone/storage/store.hpp"
#include "support/raw_http_client.hpp"
#include "support/run.hpp"
#include "support/server_process.hpp"
#include "support/temp_dir.hpp"

using namespace rootzone;
using nlohmann::json;
using test::PgTestDatabase;

namespace {

// A hot standby of the fixture's server, for as long as the object lives.
class Standby {
 public:
  Standby() {
    const auto started =
        test::run({"bash", std::string(ROOTZONE_SOURCE_DIR) + "/scripts/pg-test-server.sh",
                   "standby", dir_.path().string(), std::getenv("ROOTZONE_PG_DIR")});
    if (started.exit_code != 0) FAIL("standby did not start: " << started.err);
  }
  ~Standby() {
    test::run({"bash", std::string(ROOTZONE_SOURCE_DIR) + "/scripts/pg-test-server.sh", "stop",
               dir_.path().string()});
  }
  Standby(const Standby&) = delete;
  Standby& operator=(const Standby&) = delete;

  // The URI of `database` on the standby (the server's URI names "postgres").
  std::string url(const std::string& database) const {
    std::ifstream in(dir_ / "url");
    std::string server;
    std::getline(in, server);
    const auto path = server.find("/postgres?");
    return server.substr(0, path) + "/" + database + server.substr(path + 9);
  }

  std::string query(const std::string& database, const std::string& sql) const {
    const auto r = test::run({"psql", "-X", "-At", url(database), "-c", sql});
    REQUIRE(r.exit_code == 0);
    auto out = r.out;
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
  }

 private:
  test::TempDir dir_;
};

// One protected tree (stem 120 cm, crown 8 m: R_t 4.8 m after Mainz) and a contractor.
std::string store_with_contractor(const PgTestDatabase& db) {
  auto store = storage::Store::create(db.url());
  geo::Tree t;
  t.source_id = "T-1";
  t.location = {448000, 5538000};
  t.stem_circumferences_cm = {120};
  t.crown_diameter_m = 8;
  t.protection = geo::evaluate_protection(t, geo::RuleSet::mainz());
  store.trees().insert(t);
  geo::User u;
  u.name = "anna";
  u.role = geo::Role::contractor;
  u.organisation = "Stadtwerke Mainz";
  return core::issue_api_key(store.users(), store.users().add(u)).token;
}

test::HttpResponse submit(int port, const std::string& key, int n) {
  const json work = {{"type", "Feature"},
                     {"geometry",
                      {{"type", "LineString"},
                       {"coordinates", {{447990 + n, 5538002.5}, {448010 + n, 5538002.5}}}}},
                     {"properties",
                      {{"reference", "SW-" + std::to_string(n)},
                       {"title", "Fernwärme"},
                       {"kind", "trench"},
                       {"width_m", 1.0},
                       {"starts_at", "2027-03-01T07:00:00Z"},
                       {"ends_at", "2027-03-31T17:00:00Z"}}}};
  const auto body = work.dump();
  test::HttpClient client(port);
  client.send(
      "POST /collections/works/items HTTP/1.1\r\nHost: 127.0.0.1\r\n"
      "Authorization: Bearer " +
      key +
      "\r\nContent-Type: application/geo+json\r\n"
      "Content-Crs: <http://www.opengis.net/def/crs/EPSG/0/25832>\r\n"
      "Content-Length: " +
      std::to_string(body.size()) + "\r\n\r\n" + body);
  return client.read_response();
}

json works_page(int port, const std::string& key) {
  test::HttpClient client(port);
  const auto r =
      client.get("/collections/works/items?limit=1000", "Authorization: Bearer " + key + "\r\n");
  REQUIRE(r.status == 200);
  return json::parse(r.body);
}

bool lists(const json& page, const std::string& reference) {
  for (const auto& f : page.at("features")) {
    if (f.at("properties").at("reference") == reference) return true;
  }
  return false;
}

// A node reading from a standby, and one work submitted through it and read back.
struct NodeOnStandby {
  PgTestDatabase db{PgTestDatabase::Start::postgis};
  std::string key = store_with_contractor(db);
  Standby standby;
  test::ServerProcess node{db.url(), {"--db-read", standby.url(db.name())}};

  NodeOnStandby() {
    REQUIRE(submit(node.port(), key, 1).status == 201);
    REQUIRE(works_page(node.port(), key).at("numberMatched") == 1);
  }
};

}  // namespace

TEST_CASE("a node reading from a standby shows its client's own write at once, read there",
          "[postgis][replica]") {
  PgTestDatabase db(PgTestDatabase::Start::postgis);
  const auto key = store_with_contractor(db);
  Standby standby;
  test::ServerProcess node(db.url(), {"--db-read", standby.url(db.name())});
  const auto commits_before = std::stoll(standby.query(db.name(),
                                                       "SELECT xact_commit FROM pg_stat_database "
                                                       "WHERE datname = current_database()"));
  // Each read right after its write: the standby must have replayed the write first.
  for (int n = 1; n <= 10; ++n) {
    INFO("work " << n);
    REQUIRE(submit(node.port(), key, n).status == 201);
    const auto page = works_page(node.port(), key);
    CHECK(page.at("numberMatched") == n);
    CHECK(lists(page, "SW-" + std::to_string(n)));
  }
  // The standby was asked: its transactions in this database grew by at least one per page
  // (statistics reach the view within a second or so). These count the fence's queries too;
  // that the pages themselves come from the standby, "WAL that is no rootzone write ..." below
  // shows by a row only the standby holds.
  long long commits = commits_before;
  for (int i = 0; i < 50 && commits < commits_before + 10; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    commits = std::stoll(standby.query(db.name(),
                                       "SELECT xact_commit FROM pg_stat_database "
                                       "WHERE datname = current_database()"));
  }
  CHECK(commits >= commits_before + 10);
  CHECK(node.stop() == 0);
}

TEST_CASE("a standby that stopped replaying is passed over: reads stay current from the primary",
          "[postgis][replica]") {
  NodeOnStandby f;
  auto& [db, key, standby, node] = f;
  standby.query("postgres", "SELECT pg_wal_replay_pause()");
  REQUIRE(submit(node.port(), key, 2).status == 201);
  // The standby itself still has one work; the node answers with both.
  CHECK(standby.query(db.name(), "SELECT count(*) FROM works") == "1");
  const auto page = works_page(node.port(), key);
  CHECK(page.at("numberMatched") == 2);
  CHECK(lists(page, "SW-2"));
  standby.query("postgres", "SELECT pg_wal_replay_resume()");
  CHECK(node.stop() == 0);
}

TEST_CASE("WAL that is no rootzone write does not keep the reads off the standby",
          "[postgis][replica]") {
  // The fence waits for the store's generation, not for the primary's WAL position, which
  // autovacuum, checkpoints and anyone else's statements move too. With the standby's replay
  // paused behind a change made on the primary outside rootzone (no generation bump), the
  // reads still go to the standby, which has every rootzone write: they show the standby's
  // row. (Fenced on the WAL position they went to the primary after 200 ms each.)
  NodeOnStandby f;
  auto& [db, key, standby, node] = f;
  for (int i = 0; i < 100 && standby.query(db.name(), "SELECT count(*) FROM works") != "1"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  standby.query("postgres", "SELECT pg_wal_replay_pause()");
  // Committed durably (the test server runs with synchronous_commit off), so that the
  // primary's flushed WAL position is past it.
  db.query("SET synchronous_commit = on; UPDATE works SET title = 'changed outside rootzone'");
  CHECK(standby.query(db.name(), "SELECT title FROM works") == "Fernwärme");
  for (int n = 0; n < 3; ++n) {
    const auto page = works_page(node.port(), key);
    REQUIRE(page.at("features").size() == 1);
    CHECK(page.at("features")[0].at("properties").at("title") == "Fernwärme");
  }
  standby.query("postgres", "SELECT pg_wal_replay_resume()");
  CHECK(node.stop() == 0);
}

TEST_CASE("a read replica is refused when it is not a standby, or the store a SpatiaLite file",
          "[postgis][replica][cli]") {
  PgTestDatabase db(PgTestDatabase::Start::postgis);
  store_with_contractor(db);
  const auto primary =
      test::run_rootzone({"serve", "--db", db.url(), "--db-read", db.url(), "--port", "0"});
  CHECK(primary.exit_code == 74);
  CHECK(primary.err.find("is not a standby (pg_is_in_recovery() is false): --db-read takes a "
                         "hot standby of the store's database") != std::string::npos);
  test::TempDir dir;
  const auto file = (dir / "city.sqlite").string();
  REQUIRE(test::run_rootzone({"init", "--db", file}).exit_code == 0);
  const auto on_file =
      test::run_rootzone({"serve", "--db", file, "--db-read", db.url(), "--port", "0"});
  CHECK(on_file.exit_code == 74);
  CHECK(on_file.err.find("a read replica needs a PostGIS store: " + file +
                         " is a SpatiaLite file") != std::string::npos);
}
