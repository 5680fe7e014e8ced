// The OpenAPI document at /api as a contract (docs/api-contract.md): a real `rootzone serve` on
// the Konstanz sample the main job imports (scripts/main-job.sh), one user per role, and
// tests/js/check_openapi.js checking every answer of its table (status, Content-Type, body)
// against the document with openapi-response-validator; the document itself with
// @apidevtools/swagger-parser. Each role is its own test case on its own store, so one role's
// writes never change what another expects.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "support/run.hpp"
#include "support/server_process.hpp"
#include "support/temp_dir.hpp"
#include "support/test_store.hpp"

using namespace rootzone;
namespace fs = std::filesystem;

namespace {

const fs::path kSource = ROOTZONE_SOURCE_DIR;
const fs::path kJs = kSource / "tests" / "js";

void require_node_modules() {
  INFO("npm packages missing: run `npm ci --prefix tests/js` (scripts/test.sh does)");
  REQUIRE(fs::exists(kJs / "node_modules" / "@apidevtools" / "swagger-parser"));
  REQUIRE(fs::exists(kJs / "node_modules" / "openapi-response-validator"));
}

void rootzone_ok(const std::vector<std::string>& args) {
  const auto r = test::run_rootzone(args);
  INFO(args.at(0) << " " << args.at(1) << ": " << r.out << r.err);
  REQUIRE(r.exit_code == 0);
}

// The store of the main job: the Konstanz cadastre (15,936 trees), the demo works and the two
// roadworks feeds, the conflicts and clashes stored by `rootzone check`.
void import_sample(const std::string& db) {
  const auto data = [](const char* p) { return (kSource / p).string(); };
  rootzone_ok({"init", "--db", db});
  rootzone_ok({"import", "trees", data("data/trees/konstanz_baumkataster_2020.csv"), "--db", db,
               "--mapping", data("mappings/konstanz-baumkataster-2020.json")});
  for (const auto& [feed, mapping] :
       {std::pair{"data/works/demo/konstanz_demo_works.geojson",
                  "mappings/rootzone-works-geojson.json"},
        {"data/works/feeds/ogc_rlp_baustelle.json", "mappings/rlp-baustellen-ogc.json"},
        {"data/works/feeds/ogc_hamburg_baustellen.json", "mappings/hamburg-baustellen-ogc.json"}}) {
    rootzone_ok({"import", "works", data(feed), "--db", db, "--mapping", data(mapping)});
  }
  rootzone_ok({"check", "--db", db});
  rootzone_ok({"check", "--db", db, "--clashes"});
}

// `rootzone users add` prints the key once: "key for NAME (shown once, ...): rz_...".
std::string add_user(const std::string& db, const std::vector<std::string>& how) {
  std::vector<std::string> args{"users", "add"};
  args.insert(args.end(), how.begin(), how.end());
  args.insert(args.end(), {"--db", db});
  const auto r = test::run_rootzone(args);
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  const auto at = r.out.find("rz_");
  REQUIRE(at != std::string::npos);
  return r.out.substr(at, r.out.find_first_of(" \n", at) - at);
}

// Serves the sample with the four users the table names and runs check_openapi.js in `mode`.
test::RunResult check(const std::string& mode) {
  require_node_modules();
  test::TempDir dir;
  const test::TestStore location(dir, "konstanz.sqlite");
  const auto db = location.location();
  import_sample(db);
  const nlohmann::json keys = {
      {"field_staff", add_user(db, {"oa-field", "--role", "field_staff"})},
      {"contractor", add_user(db, {"oa-contractor", "--role", "contractor", "--organisation",
                                   "Stadtwerke Konstanz"})},
      {"planner", add_user(db, {"oa-planner", "--role", "planner"})},
      {"admin", add_user(db, {"oa-admin", "--role", "admin"})}};
  std::ofstream(dir / "keys.json") << keys.dump();
  test::ServerProcess server(db);
  auto r = test::run({"node", (kJs / "check_openapi.js").string(), server.url(),
                      (dir / "keys.json").string(), mode});
  CHECK(server.stop() == 0);
  return r;
}

void require_ok(const test::RunResult& r) {
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.rfind("ok ", 0) == 0);
}

}  // namespace

TEST_CASE("OpenAPI contract: /api is a valid OpenAPI 3.0 document (swagger-parser)") {
  require_ok(check("document"));
}

TEST_CASE("OpenAPI contract: every path and method of /api is exercised by a row of the table") {
  require_ok(check("coverage"));
}

TEST_CASE("OpenAPI contract: a schema broken on purpose fails the check of a valid answer") {
  require_ok(check("self-test"));
}

TEST_CASE("OpenAPI contract: every answer to the public matches the document") {
  require_ok(check("public"));
}

TEST_CASE("OpenAPI contract: every answer to field staff matches the document") {
  require_ok(check("field_staff"));
}

TEST_CASE("OpenAPI contract: every answer to a contractor matches the document") {
  require_ok(check("contractor"));
}

TEST_CASE("OpenAPI contract: every answer to a planner matches the document") {
  require_ok(check("planner"));
}

TEST_CASE("OpenAPI contract: every answer to an admin matches the document") {
  require_ok(check("admin"));
}
