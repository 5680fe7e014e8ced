// The write limits (issue 15, api/src/write_limit.hpp) against a real `rootzone serve` with
// small limits on its command line: per API key, per address across keys, wrong keys paying
// for their address, X-Forwarded-For only from a trusted proxy, reads never limited, a rate of
// 0 turning a limit off, /api and `serve --help`. Several clients are told apart by the
// loopback address they connect from (127.0.0.2, 127.0.0.3: any of 127/8 reaches 127.0.0.1).
#include <catch2/catch.hpp>
#include <chrono>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>

#include "rootzone/core/api_keys.hpp"
#include "rootzone/geo/protection.hpp"
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

// A well-formed key the store does not know.
const std::string kWrongKey = "rz_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

// One tree (store id 1), two field staff (fritz, frieda: each may add and edit trees) and a
// contractor (carla, Stadtwerke Mainz: submits and previews works).
struct City {
  test::TempDir dir;
  test::TestStore location{dir, "limits.sqlite"};  // a SpatiaLite file, or a PostGIS database
  std::string db = location.location();
  std::string fritz, frieda, carla;

  City() {
    auto store = storage::Store::create(db);
    geo::Tree t;
    t.source_id = "T-1";
    t.location = {448000, 5538000};
    t.stem_circumferences_cm = {100};
    t.crown_diameter_m = 10;
    t.protection = geo::evaluate_protection(t, geo::RuleSet::mainz());
    REQUIRE(store.trees().insert(t) == 1);
    const auto key = [&](const char* name, geo::Role role = geo::Role::field_staff) {
      geo::User u;
      u.name = name;
      u.role = role;
      if (role == geo::Role::contractor) u.organisation = "Stadtwerke Mainz";
      return core::issue_api_key(store.users(), store.users().add(u)).token;
    };
    fritz = key("fritz");
    frieda = key("frieda");
    carla = key("carla", geo::Role::contractor);
  }

  std::int64_t trees() const { return storage::Store::open(db).trees().count(); }
  bool stored(const std::string& source_id) const {
    return storage::Store::open(db).trees().find_by_source_id(source_id).has_value();
  }
};

std::string auth(const std::string& key) {
  return key.empty() ? std::string() : "Authorization: Bearer " + key + "\r\n";
}

// POST a new tree (EPSG:25832, near tree 1); `extra` header lines as "Name: value\r\n".
HttpResponse post_tree(HttpClient& c, const std::string& key, const std::string& source_id,
                       const std::string& extra = "") {
  const auto body = json{{"type", "Feature"},
                         {"geometry", {{"type", "Point"}, {"coordinates", {448300.0, 5538003.0}}}},
                         {"properties", {{"source_id", source_id}}}}
                        .dump();
  c.send("POST /collections/trees/items HTTP/1.1\r\nHost: 127.0.0.1\r\n" + auth(key) +
         "Content-Type: application/geo+json\r\n"
         "Content-Crs: <http://www.opengis.net/def/crs/EPSG/0/25832>\r\n"
         "Content-Length: " +
         std::to_string(body.size()) + "\r\n" + extra + "\r\n" + body);
  return c.read_response();
}

HttpResponse patch_tree(HttpClient& c, const std::string& key, const std::string& if_match) {
  const std::string body = R"({"properties":{"height_m":12.5}})";
  c.send("PATCH /collections/trees/items/1 HTTP/1.1\r\nHost: 127.0.0.1\r\n" + auth(key) +
         "Content-Type: application/merge-patch+json\r\nIf-Match: " + if_match +
         "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
  return c.read_response();
}

// The 429 problem with its Retry-After, and its detail.
std::string refused(const HttpResponse& r, const std::string& retry_after) {
  INFO(r.status << " " << r.body);
  REQUIRE(r.status == 429);
  CHECK(r.header("content-type") == "application/problem+json");
  CHECK(r.header("retry-after") == retry_after);
  const auto b = json::parse(r.body);
  CHECK(b.at("status") == 429);
  CHECK(b.at("title") == "Too Many Requests");
  CHECK(b.at("type") == "about:blank");
  return b.at("detail").get<std::string>();
}

// Reads go on whatever the write limits say.
void reads_answer(HttpClient& c, const std::string& key) {
  for (int i = 0; i < 30; ++i) {
    CHECK(c.get("/collections/trees/items?limit=1", auth(key)).status == 200);
    CHECK(c.get("/collections/trees/items/1", auth(key)).status == 200);
  }
}

}  // namespace

// --write-rate 0.5 --write-burst 3: three writes at once, then one per 2 s. The fourth, within
// the first second, waits ceil((1 - 0.5 x elapsed) / 0.5) = 2 s.
TEST_CASE("write limits: a key's 4th write with a burst of 3 is 429, nothing stored",
          "[api][write-limit][serve]") {
  City city;
  test::ServerProcess server(city.db, {"--write-rate", "0.5", "--write-burst", "3"});
  HttpClient c(server.port());
  for (int i = 1; i <= 3; ++i)
    CHECK(post_tree(c, city.fritz, "F-" + std::to_string(i)).status == 201);
  CHECK(refused(post_tree(c, city.fritz, "F-4"), "2") ==
        "writes: at most 0.5 per second per API key (3 at once); retry in 2 s");
  CHECK_FALSE(city.stored("F-4"));
  CHECK(city.trees() == 4);  // tree 1 and F-1..F-3
  // A PATCH is a write too: refused, tree 1 keeps its version and height.
  const auto etag = c.get("/collections/trees/items/1").header("etag");
  REQUIRE(etag == "\"tree-1-v1\"");
  refused(patch_tree(c, city.fritz, etag), "2");
  CHECK(storage::Store::open(city.db).trees().get(1).version == 1);
  // Another key from the same address has its own bucket.
  CHECK(post_tree(c, city.frieda, "G-1").status == 201);
  CHECK(patch_tree(c, city.frieda, etag).status == 200);
  reads_answer(c, city.fritz);
  // After Retry-After a token is back.
  std::this_thread::sleep_for(std::chrono::milliseconds(2000));
  CHECK(post_tree(c, city.fritz, "F-5").status == 201);
  CHECK(city.trees() == 6);
}

TEST_CASE("write limits: the address's limit holds across keys, another address is not touched",
          "[api][write-limit][serve]") {
  City city;
  test::ServerProcess server(city.db,
                             {"--write-rate-per-address", "0.5", "--write-burst-per-address", "3"});
  HttpClient local(server.port());
  CHECK(post_tree(local, city.fritz, "F-1").status == 201);
  CHECK(post_tree(local, city.fritz, "F-2").status == 201);
  CHECK(post_tree(local, city.frieda, "G-1").status == 201);
  const auto detail = refused(post_tree(local, city.frieda, "G-2"), "2");
  CHECK(detail ==
        "writes from 127.0.0.1: at most 0.5 per second per address (3 at once); retry in 2 s");
  refused(post_tree(local, city.fritz, "F-3"), "2");
  // A new connection from the same address changes nothing.
  HttpClient again(server.port());
  refused(post_tree(again, city.frieda, "G-3"), "2");
  // The same keys from 127.0.0.2: a full bucket.
  HttpClient other(server.port(), "127.0.0.2");
  CHECK(post_tree(other, city.fritz, "F-4").status == 201);
  CHECK(post_tree(other, city.frieda, "G-4").status == 201);
  CHECK(city.trees() == 6);  // tree 1, F-1, F-2, G-1, F-4, G-4
  for (const char* never : {"G-2", "F-3", "G-3"}) CHECK_FALSE(city.stored(never));
  reads_answer(local, city.fritz);
  reads_answer(local, "");
}

// A write with a wrong key, or none, is a 401 that still costs its address a token: a flood of
// guessed keys is refused with 429 from the address's burst on, before any key is checked.
TEST_CASE("write limits: unauthenticated writes cost their address, valid keys then wait too",
          "[api][write-limit][serve]") {
  City city;
  test::ServerProcess server(city.db,
                             {"--write-rate-per-address", "0.5", "--write-burst-per-address", "3"});
  HttpClient guesser(server.port());
  for (int i = 0; i < 2; ++i) {
    const auto r = post_tree(guesser, kWrongKey, "X-" + std::to_string(i));
    CHECK(r.status == 401);
    CHECK(json::parse(r.body).at("detail") == "the API key is not known");
  }
  CHECK(post_tree(guesser, "", "X-2").status == 401);  // no key at all
  CHECK(refused(post_tree(guesser, kWrongKey, "X-3"), "2") ==
        "writes from 127.0.0.1: at most 0.5 per second per address (3 at once); retry in 2 s");
  refused(post_tree(guesser, city.fritz, "F-1"), "2");
  HttpClient elsewhere(server.port(), "127.0.0.2");
  CHECK(post_tree(elsewhere, city.fritz, "F-2").status == 201);
  CHECK(city.trees() == 2);
  reads_answer(guesser, "");
}

TEST_CASE("write limits: X-Forwarded-For counts only from a --trusted-proxy",
          "[api][write-limit][serve]") {
  City city;
  const std::vector<std::string> limits = {"--write-rate-per-address", "0.5",
                                           "--write-burst-per-address", "2"};
  SECTION("no trusted proxy (the default): the header is ignored") {
    test::ServerProcess server(city.db, limits);
    HttpClient c(server.port());
    CHECK(post_tree(c, city.fritz, "A-1", "X-Forwarded-For: 203.0.113.1\r\n").status == 201);
    CHECK(post_tree(c, city.fritz, "A-2", "X-Forwarded-For: 203.0.113.2\r\n").status == 201);
    CHECK(refused(post_tree(c, city.fritz, "A-3", "X-Forwarded-For: 203.0.113.3\r\n"), "2") ==
          "writes from 127.0.0.1: at most 0.5 per second per address (2 at once); retry in 2 s");
  }
  SECTION("127.0.0.1 trusted: its clients are counted apart, 127.0.0.2 is not believed") {
    auto args = limits;
    args.insert(args.end(), {"--trusted-proxy", "127.0.0.1"});
    test::ServerProcess server(city.db, args);
    HttpClient proxy(server.port());
    const std::string first = "X-Forwarded-For: 203.0.113.1\r\n";
    CHECK(post_tree(proxy, city.fritz, "A-1", first).status == 201);
    CHECK(post_tree(proxy, city.fritz, "A-2", first).status == 201);
    CHECK(refused(post_tree(proxy, city.fritz, "A-3", first), "2") ==
          "writes from 203.0.113.1: at most 0.5 per second per address (2 at once); retry in 2 s");
    // What a client wrote on the left of the proxy's entry is not believed.
    refused(post_tree(proxy, city.fritz, "A-4", "X-Forwarded-For: 198.51.100.7, 203.0.113.1\r\n"),
            "2");
    CHECK(post_tree(proxy, city.fritz, "B-1", "X-Forwarded-For: 203.0.113.2\r\n").status == 201);
    // The proxy's own writes (no header) count for 127.0.0.1.
    CHECK(post_tree(proxy, city.fritz, "P-1").status == 201);
    // An untrusted peer's X-Forwarded-For is its own word: counted for 127.0.0.2.
    HttpClient direct(server.port(), "127.0.0.2");
    const std::string forged = "X-Forwarded-For: 192.0.2.";
    CHECK(post_tree(direct, city.fritz, "D-1", forged + "1\r\n").status == 201);
    CHECK(post_tree(direct, city.fritz, "D-2", forged + "2\r\n").status == 201);
    CHECK(refused(post_tree(direct, city.fritz, "D-3", forged + "3\r\n"), "2") ==
          "writes from 127.0.0.2: at most 0.5 per second per address (2 at once); retry in 2 s");
    CHECK(city.trees() == 1 + 6);  // A-1, A-2, B-1, P-1, D-1, D-2
  }
}

// A drawing client previews on every change: previews have their own limit (--preview-rate)
// and take no write token.
TEST_CASE("write limits: work previews take no write token", "[api][write-limit][serve]") {
  City city;
  test::ServerProcess server(
      city.db, {"--write-rate", "0.5", "--write-burst", "1", "--write-rate-per-address", "0.5",
                "--write-burst-per-address", "1"});
  HttpClient c(server.port());
  const auto work = [](const std::string& reference) {
    return json{
        {"type", "Feature"},
        {"geometry",
         {{"type", "LineString"}, {"coordinates", {{447990.0, 5538020.0}, {448010.0, 5538020.0}}}}},
        {"properties",
         {{"reference", reference},
          {"title", "Fernwärme"},
          {"kind", "trench"},
          {"width_m", 1.0},
          {"contact", "0171 555 01 01"},
          {"starts_at", "2027-03-01T07:00:00+01:00"},
          {"ends_at", "2027-03-31T17:00:00+02:00"}}}}
        .dump();
  };
  const auto post = [&](const std::string& path, const std::string& body) {
    c.send("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + auth(city.carla) +
           "Content-Type: application/geo+json\r\n"
           "Content-Crs: <http://www.opengis.net/def/crs/EPSG/0/25832>\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\n\r\n" + body);
    return c.read_response();
  };
  for (int i = 0; i < 5; ++i) CHECK(post("/collections/works/preview", work("W-1")).status == 200);
  // The one write token of the key and of the address is still there.
  CHECK(post("/collections/works/items", work("W-1")).status == 201);
  CHECK(refused(post("/collections/works/items", work("W-2")), "2") ==
        "writes from 127.0.0.1: at most 0.5 per second per address (1 at once); retry in 2 s");
  CHECK(storage::Store::open(city.db).works().count() == 1);
}

TEST_CASE("write limits: a rate of 0 turns each limit off", "[api][write-limit][serve]") {
  City city;
  // A burst of 1 would refuse the second write if the limits were on.
  test::ServerProcess server(
      city.db, {"--write-rate", "0", "--write-burst", "1", "--write-rate-per-address", "0",
                "--write-burst-per-address", "1"});
  HttpClient c(server.port());
  for (int i = 0; i < 10; ++i)
    CHECK(post_tree(c, city.fritz, "N-" + std::to_string(i)).status == 201);
  CHECK(city.trees() == 11);
}

// The write operations of the document: every POST, PUT, PATCH and DELETE.
TEST_CASE("write limits: /api says every write can answer 429 with Retry-After",
          "[api][write-limit][serve]") {
  City city;
  const std::set<std::string> writes = {
      "POST /collections/trees/items",
      "PUT /collections/trees/items/{featureId}",
      "PATCH /collections/trees/items/{featureId}",
      "DELETE /collections/trees/items/{featureId}",
      "POST /collections/trees/items/{featureId}/inspections",
      "POST /collections/trees/items/{featureId}/felling",
      "POST /collections/works/items",
      "POST /collections/works/preview",
      "PUT /collections/works/items/{featureId}",
      "PATCH /collections/works/items/{featureId}",
      "DELETE /collections/works/items/{featureId}",
      "POST /collections/works/items/{featureId}/status",
      "POST /collections/works/items/{featureId}/clashes/{clashId}/acknowledgement",
      "POST /collections/conflicts/items/{featureId}/acknowledgement"};
  const auto document = [&](const std::vector<std::string>& args) {
    test::ServerProcess server(city.db, args);
    HttpClient c(server.port());
    const auto r = c.get("/api");
    REQUIRE(r.status == 200);
    return json::parse(r.body);
  };
  // Which operations answer 429 (with Retry-After), and which writes the document has.
  const auto limited = [](const json& doc, std::set<std::string>& found_writes) {
    std::set<std::string> out;
    for (const auto& [path, item] : doc.at("paths").items()) {
      for (const auto& [method, op] : item.items()) {
        std::string name = method;
        for (auto& ch : name) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        const auto id = name + " " + path;
        if (method == "post" || method == "put" || method == "patch" || method == "delete") {
          found_writes.insert(id);
        }
        if (!op.at("responses").contains("429")) continue;
        const auto& answer = op.at("responses").at("429");
        CHECK(answer.at("headers").contains("Retry-After"));
        CHECK(answer.at("content").contains("application/problem+json"));
        out.insert(id);
      }
    }
    return out;
  };
  std::set<std::string> found;
  CHECK(limited(document({}), found) == writes);
  CHECK(found == writes);
  // Both write limits off: only the preview (its own limit) still answers 429.
  std::set<std::string> again;
  CHECK(limited(document({"--write-rate", "0", "--write-rate-per-address", "0"}), again) ==
        std::set<std::string>{"POST /collections/works/preview"});
}

TEST_CASE("write limits: serve --help shows the options and their defaults",
          "[api][write-limit][serve]") {
  const auto r = test::run_rootzone({"serve", "--help"});
  REQUIRE(r.exit_code == 0);
  for (const char* line : {"--write-rate FLOAT:FLOAT in [0 - 1e+06]=20",
                           "--write-burst FLOAT:FLOAT in [1 - 1e+09]=1000",
                           "--write-rate-per-address FLOAT:FLOAT in [0 - 1e+06]=50",
                           "--write-burst-per-address FLOAT:FLOAT in [1 - 1e+09]=5000",
                           "--trusted-proxy TEXT ...", "[default: none]"}) {
    INFO(line << "\n" << r.out);
    CHECK(r.out.find(line) != std::string::npos);
  }
  const auto bad = test::run_rootzone({"serve", "--db", "x.sqlite", "--trusted-proxy", "nginx"});
  CHECK(bad.exit_code == 64);
  CHECK(bad.err.find("--trusted-proxy: 'nginx' is no IP address or CIDR range") !=
        std::string::npos);
}
