// GET /me (issue 13: the map page's sign-in asks who a key belongs to) against a real
// `rootzone serve`: the exact body for each role, 401 problem+json for the public, a wrong,
// a malformed and a revoked key.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>

#include "rootzone/core/api_keys.hpp"
#include "rootzone/storage/store.hpp"
#include "support/raw_http_client.hpp"
#include "support/server_process.hpp"
#include "support/temp_dir.hpp"
#include "support/test_store.hpp"

using namespace rootzone;
using nlohmann::json;

namespace {

struct Keys {
  std::string field, planner, contractor, admin, revoked;
};

Keys make_users(const std::string& db) {
  auto store = storage::Store::create(db);
  const auto add = [&](const std::string& name, geo::Role role, const std::string& org) {
    geo::User u;
    u.name = name;
    u.role = role;
    u.organisation = org;
    return core::issue_api_key(store.users(), store.users().add(u));
  };
  Keys k;
  k.field = add("Erika Kontrolleurin", geo::Role::field_staff, "").token;
  k.planner = add("Paul Planer", geo::Role::planner, "").token;
  k.contractor = add("Bauleitung SWK", geo::Role::contractor, "Stadtwerke Konstanz").token;
  k.admin = add("Ada Admin", geo::Role::admin, "").token;
  const auto gone = add("Gerd Gegangen", geo::Role::field_staff, "");
  store.users().revoke_api_key(gone.key.id);
  k.revoked = gone.token;
  return k;
}

test::HttpResponse me(int port, const std::string& authorization) {
  test::HttpClient c(port);
  return c.get("/me", authorization.empty() ? "" : "Authorization: " + authorization + "\r\n");
}

void require_401(const test::HttpResponse& r, const std::string& detail) {
  REQUIRE(r.status == 401);
  CHECK(r.header("content-type") == "application/problem+json");
  CHECK(r.header("www-authenticate") == "Bearer realm=\"rootzone\"");
  const auto body = json::parse(r.body);
  CHECK(body.at("status") == 401);
  CHECK(body.at("detail") == detail);
}

}  // namespace

TEST_CASE("GET /me names the user of the key: name, role and organisation for each role",
          "[api][auth][me]") {
  test::TempDir dir;
  const test::TestStore location(dir, "me.sqlite");
  const auto db = location.location();
  const auto keys = make_users(db);
  test::ServerProcess server(db);

  const auto check = [&](const std::string& key, const json& expected) {
    const auto r = me(server.port(), "Bearer " + key);
    REQUIRE(r.status == 200);
    CHECK(r.header("content-type") == "application/json");
    CHECK(r.header("cache-control") == "private, no-store");
    CHECK(json::parse(r.body) == expected);
  };
  check(keys.field,
        {{"name", "Erika Kontrolleurin"}, {"role", "field_staff"}, {"organisation", ""}});
  check(keys.planner, {{"name", "Paul Planer"}, {"role", "planner"}, {"organisation", ""}});
  check(keys.contractor, {{"name", "Bauleitung SWK"},
                          {"role", "contractor"},
                          {"organisation", "Stadtwerke Konstanz"}});
  check(keys.admin, {{"name", "Ada Admin"}, {"role", "admin"}, {"organisation", ""}});
}

TEST_CASE("GET /me is 401 for the public and for a wrong, malformed or revoked key",
          "[api][auth][me]") {
  test::TempDir dir;
  const test::TestStore location(dir, "me.sqlite");
  const auto db = location.location();
  const auto keys = make_users(db);
  test::ServerProcess server(db);

  require_401(me(server.port(), ""),
              "/me names the caller of an API key: send 'Authorization: Bearer <API key>'");
  // The planner's key with its secret changed: same prefix, wrong secret.
  auto wrong = keys.planner;
  wrong.back() = wrong.back() == 'A' ? 'B' : 'A';
  require_401(me(server.port(), "Bearer " + wrong), "the API key is not known");
  require_401(me(server.port(), "Bearer rz_nonsense"),
              "the API key is malformed: keys look like rz_<12 hex>_<43 characters>");
  require_401(me(server.port(), "Basic " + keys.field), "Authorization must be 'Bearer <API key>'");
  require_401(me(server.port(), "Bearer " + keys.revoked), "the API key was revoked");

  test::HttpClient c(server.port());
  const auto with_query = c.get("/me?name=x", "Authorization: Bearer " + keys.field + "\r\n");
  CHECK(with_query.status == 400);
}
