// GET /rules and GET /rules/active (issue 17: the active rule set and its citation, public)
// against a real `rootzone serve`: exact bodies, the ETag and its 304, HEAD, the refusal of a
// query parameter and of a write, and a change made by another process while serving.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>

#include "rootzone/core/api_keys.hpp"
#include "rootzone/geo/rule_set.hpp"
#include "rootzone/storage/store.hpp"
#include "support/raw_http_client.hpp"
#include "support/server_process.hpp"
#include "support/temp_dir.hpp"
#include "support/test_store.hpp"

using namespace rootzone;
using nlohmann::json;

namespace {

const std::string kMainz =
    "Rechtsverordnung zum Schutz des Baumbestandes innerhalb der Stadt Mainz (2003) §3";
const std::string kBerlin = "Verordnung zum Schutze des Baumbestandes in Berlin (BaumSchVO) §2";
const std::string kMuenchen =
    "Baumschutzverordnung der Landeshauptstadt München (BaumschutzV) vom 8. Dezember 2025 "
    "(MüABl. 2025 S. 828) §1 Abs. 1-3";

test::HttpResponse get(int port, const std::string& target, const std::string& headers = "") {
  test::HttpClient c(port);
  return c.get(target, headers);
}

json entry(const std::string& name, const std::string& ordinance, bool active, bool shipped,
           bool stored) {
  return {{"name", name},
          {"ordinance", ordinance},
          {"active", active},
          {"shipped", shipped},
          {"stored", stored}};
}

void require_revalidated(const test::HttpResponse& r) {
  CHECK(r.header("content-type") == "application/json");
  CHECK(r.header("cache-control") == "public, no-cache");
  // tiles::etag_of: 64-bit FNV-1a of the bytes, 16 hex digits, quoted.
  CHECK(std::regex_match(r.header("etag"), std::regex("\"[0-9a-f]{16}\"")));
}

}  // namespace

TEST_CASE("GET /rules lists the shipped rule sets, which is active and their citations",
          "[api][rules]") {
  test::TempDir dir;
  const test::TestStore location(dir, "rules.sqlite");
  const auto db = location.location();
  { auto store = storage::Store::create(db); }  // Mainz stored and active
  test::ServerProcess server(db);

  const auto r = get(server.port(), "/rules");
  REQUIRE(r.status == 200);
  require_revalidated(r);
  const auto body = json::parse(r.body);
  CHECK(body.at("active") == "mainz");
  CHECK(body.at("rule_sets") == json::array({entry("mainz", kMainz, true, true, true),
                                             entry("berlin", kBerlin, false, true, false),
                                             entry("muenchen", kMuenchen, false, true, false)}));
  // The client's Host is the links' base (api::base_url).
  CHECK(body.at("links") == json::array({{{"href", "http://127.0.0.1/rules"},
                                          {"rel", "self"},
                                          {"type", "application/json"},
                                          {"title", "The rule sets"}},
                                         {{"href", "http://127.0.0.1/rules/active"},
                                          {"rel", "item"},
                                          {"type", "application/json"},
                                          {"title", "The active rule set as its file"}}}));

  SECTION("the landing page links to it") {
    const auto landing = json::parse(get(server.port(), "/").body);
    int found = 0;
    for (const auto& l : landing.at("links")) {
      if (l.at("href") == "http://127.0.0.1/rules") {
        ++found;
        CHECK(l.at("rel") == "describedby");
      }
    }
    CHECK(found == 1);
  }
  SECTION("If-None-Match with its ETag is a 304 without a body") {
    for (const auto& inm :
         {r.header("etag"), "W/" + r.header("etag"), "\"0000000000000000\", " + r.header("etag")}) {
      INFO(inm);
      const auto again = get(server.port(), "/rules", "If-None-Match: " + inm + "\r\n");
      CHECK(again.status == 304);
      CHECK(again.body.empty());
      CHECK(again.header("etag") == r.header("etag"));
      CHECK(again.header("cache-control") == "public, no-cache");
    }
    const auto other = get(server.port(), "/rules", "If-None-Match: \"0000000000000000\"\r\n");
    CHECK(other.status == 200);
    CHECK(other.body == r.body);
  }
  SECTION("HEAD answers the headers of the GET") {
    test::HttpClient c(server.port());
    REQUIRE(c.send("HEAD /rules HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
    const auto head = c.read_response(true);
    CHECK(head.status == 200);
    CHECK(head.header("etag") == r.header("etag"));
    CHECK(head.header("content-length") == std::to_string(r.body.size()));
  }
  SECTION("the same for every caller, a key's or none") {
    auto store = storage::Store::open(db);
    geo::User u;
    u.name = "Paul Planer";
    u.role = geo::Role::planner;
    const auto key = core::issue_api_key(store.users(), store.users().add(u)).token;
    const auto with_key = get(server.port(), "/rules", "Authorization: Bearer " + key + "\r\n");
    CHECK(with_key.status == 200);
    CHECK(with_key.body == r.body);
    const auto wrong = get(server.port(), "/rules",
                           "Authorization: Bearer "
                           "rz_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\r\n");
    CHECK(wrong.status == 401);
    CHECK(wrong.header("content-type") == "application/problem+json");
  }
}

TEST_CASE("GET /rules/active is the active rule set as its file", "[api][rules]") {
  test::TempDir dir;
  const test::TestStore location(dir, "rules.sqlite");
  const auto db = location.location();
  { auto store = storage::Store::create(db); }
  test::ServerProcess server(db);

  const auto r = get(server.port(), "/rules/active");
  REQUIRE(r.status == 200);
  require_revalidated(r);
  CHECK(r.header("link") == "<http://127.0.0.1/rules>; rel=\"collection\"");
  // Byte for byte the file `rootzone rules add` reads: the citation is its ordinance.
  CHECK(r.body == geo::RuleSet::mainz().to_json());
  CHECK(geo::RuleSet::from_json(r.body) == geo::RuleSet::mainz());
  CHECK(json::parse(r.body).at("ordinance") == kMainz);

  const auto again =
      get(server.port(), "/rules/active", "If-None-Match: " + r.header("etag") + "\r\n");
  CHECK(again.status == 304);
  CHECK(again.body.empty());
}

TEST_CASE("the rule set routes take no query parameter and no write", "[api][rules]") {
  test::TempDir dir;
  const test::TestStore location(dir, "rules.sqlite");
  const auto db = location.location();
  { auto store = storage::Store::create(db); }
  test::ServerProcess server(db);

  for (const std::string path : {"/rules", "/rules/active"}) {
    INFO(path);
    const auto r = get(server.port(), path + "?name=berlin");
    REQUIRE(r.status == 400);
    CHECK(r.header("content-type") == "application/problem+json");
    const auto p = json::parse(r.body);
    CHECK(p.at("type") ==
          "http://www.opengis.net/spec/ogcapi-features-1/1.0/req/core/query-param-unknown");
    CHECK(p.at("detail") == "name: not a parameter of this endpoint (it takes none)");

    for (const std::string method : {"POST", "PUT", "PATCH", "DELETE"}) {
      INFO(method);
      test::HttpClient c(server.port());
      REQUIRE(c.send(method + " " + path +
                     " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                     "Content-Length: 17\r\n\r\n{\"name\":\"berlin\"}"));
      const auto w = c.read_response();
      CHECK(w.status == 405);
      CHECK(w.header("allow") == "GET, HEAD, OPTIONS");
    }
  }
  // Nothing changed.
  CHECK(storage::Store::open(db).rule_sets().active() == geo::RuleSet::mainz());
  const auto unknown = get(server.port(), "/rules/berlin");
  CHECK(unknown.status == 404);
}

TEST_CASE("GET /rules follows a change another process makes while serving", "[api][rules]") {
  test::TempDir dir;
  const test::TestStore location(dir, "rules.sqlite");
  const auto db = location.location();
  { auto store = storage::Store::create(db); }
  test::ServerProcess server(db);
  const auto before = get(server.port(), "/rules");
  const auto active_before = get(server.port(), "/rules/active");
  REQUIRE(before.status == 200);

  // As `rootzone rules add` and `rules use` would: a city's own set, a stored copy of a shipped
  // one with the city's amended citation, and Berlin made active.
  geo::RuleSet konstanz = geo::RuleSet::mainz();
  konstanz.name = "konstanz";
  konstanz.ordinance = "Baumschutzsatzung der Stadt Konstanz §2";
  konstanz.threshold_cm = 100;
  geo::RuleSet amended = geo::RuleSet::muenchen();
  amended.ordinance = kMuenchen + ", Änderung vom 1. März 2026";
  {
    auto store = storage::Store::open(db);
    store.rule_sets().save(konstanz);
    store.rule_sets().save(amended);
    store.rule_sets().save(geo::RuleSet::berlin());
    store.rule_sets().set_active("berlin");
  }

  const auto after =
      get(server.port(), "/rules", "If-None-Match: " + before.header("etag") + "\r\n");
  REQUIRE(after.status == 200);  // the old ETag no longer matches
  CHECK(after.header("etag") != before.header("etag"));
  const auto body = json::parse(after.body);
  CHECK(body.at("active") == "berlin");
  CHECK(body.at("rule_sets") ==
        json::array({entry("mainz", kMainz, false, true, true),
                     entry("berlin", kBerlin, true, true, true),
                     entry("muenchen", amended.ordinance, false, true, true),
                     entry("konstanz", konstanz.ordinance, false, false, true)}));

  const auto active = get(server.port(), "/rules/active",
                          "If-None-Match: " + active_before.header("etag") + "\r\n");
  REQUIRE(active.status == 200);
  CHECK(active.body == geo::RuleSet::berlin().to_json());
}
