// `rootzone users`: API keys made by the CLI work against the store; revoked keys, disabled
// users and tampered keys do not. The key checks run in-process (core/api_keys.hpp) on the
// store the real binary wrote.
#include <catch2/catch.hpp>
#include <regex>
#include <string>

#include "rootzone/core/api_keys.hpp"
#include "rootzone/storage/store.hpp"
#include "support/run.hpp"
#include "support/temp_dir.hpp"
#include "support/test_store.hpp"

using rootzone::core::check_api_key;
using rootzone::core::KeyCheck;
using rootzone::test::run_rootzone;
using rootzone::test::TempDir;

namespace {

// The key line `rootzone users add|key` prints, e.g. "...: rz_0a1b2c3d4e5f_<43 chars>".
std::string key_in(const std::string& out) {
  static const std::regex key(R"(rz_[0-9a-f]{12}_[A-Za-z0-9_-]{43})");
  std::smatch m;
  REQUIRE(std::regex_search(out, m, key));
  return m.str();
}

// `rootzone init` on the test's store (a file, or a fresh PostGIS database in the pg. run).
std::string new_store(const rootzone::test::TestStore& location) {
  const auto db = location.location();
  REQUIRE(run_rootzone({"init", "--db", db}).exit_code == 0);
  return db;
}

}  // namespace

TEST_CASE("users add prints a key that identifies the user with its role", "[app][users]") {
  TempDir dir;
  const rootzone::test::TestStore location(dir, "users.sqlite");
  const auto db = new_store(location);
  const auto r = run_rootzone({"users", "add", "tiefbau-mueller", "--role", "contractor",
                               "--organisation", "Müller Tiefbau GmbH", "--db", db});
  REQUIRE(r.exit_code == 0);
  CHECK(
      r.out.find("user tiefbau-mueller added: role contractor, organisation Müller Tiefbau GmbH") !=
      std::string::npos);
  const auto token = key_in(r.out);

  auto store = rootzone::storage::Store::open(db);
  const auto result = check_api_key(store.users(), token);
  REQUIRE(result.check == KeyCheck::valid);
  CHECK(result.user->name == "tiefbau-mueller");
  CHECK(result.user->role == rootzone::geo::Role::contractor);
  CHECK(result.user->organisation == "Müller Tiefbau GmbH");
  // Only the hash is stored: the token's secret part appears nowhere in the store's key row.
  const auto stored = store.users().find_api_key(token.substr(3, 12));
  REQUIRE(stored);
  CHECK(stored->hash.size() == 64);
  CHECK(stored->hash.find(token.substr(16)) == std::string::npos);
}

TEST_CASE("users add refuses a bad role, a contractor without organisation and a taken name",
          "[app][users]") {
  TempDir dir;
  const rootzone::test::TestStore location(dir, "users.sqlite");
  const auto db = new_store(location);
  const auto bad_role = run_rootzone({"users", "add", "x", "--role", "gardener", "--db", db});
  CHECK(bad_role.exit_code == 64);
  CHECK(bad_role.err.find("--role gardener: one of contractor, field_staff, planner, admin") !=
        std::string::npos);
  const auto no_org = run_rootzone({"users", "add", "x", "--role", "contractor", "--db", db});
  CHECK(no_org.exit_code == 64);
  CHECK(no_org.err.find("a contractor needs --organisation") != std::string::npos);

  REQUIRE(run_rootzone({"users", "add", "anna", "--role", "planner", "--db", db}).exit_code == 0);
  const auto taken = run_rootzone({"users", "add", "anna", "--role", "admin", "--db", db});
  CHECK(taken.exit_code == 73);
  CHECK(taken.err.find("user anna exists already") != std::string::npos);
  // Nothing of the refused attempts was stored.
  auto store = rootzone::storage::Store::open(db);
  CHECK(store.users().all().size() == 1);
}

TEST_CASE("revoked keys, disabled users and tampered keys are refused", "[app][users]") {
  TempDir dir;
  const rootzone::test::TestStore location(dir, "users.sqlite");
  const auto db = new_store(location);
  const auto first =
      key_in(run_rootzone({"users", "add", "ben", "--role", "field_staff", "--db", db}).out);
  const auto second = key_in(run_rootzone({"users", "key", "ben", "--db", db}).out);
  CHECK(first != second);

  auto store = rootzone::storage::Store::open(db);
  auto& users = store.users();
  CHECK(check_api_key(users, first).check == KeyCheck::valid);
  CHECK(check_api_key(users, second).check == KeyCheck::valid);

  // The same prefix with another secret: found by prefix, refused by the hash.
  std::string tampered = first;
  tampered.back() = tampered.back() == 'A' ? 'B' : 'A';
  CHECK(check_api_key(users, tampered).check == KeyCheck::unknown);
  CHECK(check_api_key(users, "rz_000000000000_" + std::string(43, 'A')).check == KeyCheck::unknown);
  CHECK(check_api_key(users, "").check == KeyCheck::malformed);
  CHECK(check_api_key(users, first.substr(0, 40)).check == KeyCheck::malformed);
  CHECK(check_api_key(users, "' OR 1=1 --").check == KeyCheck::malformed);

  const auto revoke = run_rootzone({"users", "revoke", first.substr(3, 12), "--db", db});
  REQUIRE(revoke.exit_code == 0);
  CHECK(check_api_key(users, first).check == KeyCheck::revoked);
  CHECK(check_api_key(users, second).check == KeyCheck::valid);

  REQUIRE(run_rootzone({"users", "disable", "ben", "--db", db}).exit_code == 0);
  CHECK(check_api_key(users, second).check == KeyCheck::user_disabled);
  REQUIRE(run_rootzone({"users", "enable", "ben", "--db", db}).exit_code == 0);
  CHECK(check_api_key(users, second).check == KeyCheck::valid);

  const auto list = run_rootzone({"users", "list", "--db", db});
  CHECK(list.exit_code == 0);
  CHECK(list.out.find("ben\tfield_staff\t-\tenabled") != std::string::npos);
  CHECK(list.out.find("  key " + first.substr(3, 12) + " created ") != std::string::npos);
  CHECK(list.out.find(" revoked ") != std::string::npos);
  // The list shows prefixes, never a key.
  CHECK(list.out.find(first) == std::string::npos);
}
