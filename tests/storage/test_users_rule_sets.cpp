// UserRepository and RuleSetRepository.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "rootzone/geo/rule_set.hpp"
#include "rootzone/storage/errors.hpp"
#include "store_fixture.hpp"

using rootzone::test::StoreFixture;
using rootzone::test::utc;
namespace geo = rootzone::geo;
namespace storage = rootzone::storage;

TEST_CASE("users and API keys round trip, and revoking a key keeps the first time",
          "[storage][users]") {
  StoreFixture f;
  auto& users = f.store.users();
  geo::User planner{.id = 0,
                    .name = "planung.weber",
                    .role = geo::Role::planner,
                    .organisation = "Stadt Mainz, Tiefbauamt",
                    .created_at = utc(2026, 1, 5, 8),
                    .disabled = false};
  geo::User contractor{.id = 0,
                       .name = "netze.bau",
                       .role = geo::Role::contractor,
                       .organisation = "Mainzer Netze GmbH",
                       .created_at = utc(2026, 1, 6, 8),
                       .disabled = false};
  planner.id = users.add(planner);
  contractor.id = users.add(contractor);
  CHECK(users.get(planner.id) == planner);
  CHECK(users.find_by_name("netze.bau") == contractor);
  CHECK(users.find_by_name("nobody") == std::nullopt);
  CHECK(users.all() == std::vector<geo::User>{planner, contractor});
  CHECK_THROWS_AS(users.add(planner), storage::ConstraintViolation);

  users.set_disabled(contractor.id, true);
  CHECK(users.get(contractor.id).disabled);
  CHECK_THROWS_WITH(users.get(9), "user 9 not found");

  geo::ApiKey key{.id = 0,
                  .user_id = contractor.id,
                  .prefix = "rz_4f2a9c",
                  .hash = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$aGFzaA",
                  .created_at = utc(2026, 1, 6, 9),
                  .revoked_at = std::nullopt};
  key.id = users.add_api_key(key);
  CHECK(users.find_api_key("rz_4f2a9c") == key);
  CHECK(users.find_api_key("rz_000000") == std::nullopt);
  CHECK(users.api_keys(contractor.id) == std::vector<geo::ApiKey>{key});
  CHECK_THROWS_AS(users.add_api_key(key), storage::ConstraintViolation);

  users.revoke_api_key(key.id, utc(2026, 3, 1, 12));
  users.revoke_api_key(key.id, utc(2026, 3, 2, 12));
  key.revoked_at = utc(2026, 3, 1, 12);
  CHECK(users.find_api_key("rz_4f2a9c") == key);
  CHECK_THROWS_WITH(users.revoke_api_key(77), "API key 77 not found");
}

TEST_CASE("rule sets are saved as JSON and exactly one is active", "[storage][rule_sets]") {
  StoreFixture f;
  auto& rules = f.store.rule_sets();
  CHECK(rules.names() == std::vector<std::string>{"mainz"});
  CHECK(rules.active() == geo::RuleSet::mainz());

  const auto berlin = geo::RuleSet::berlin();
  rules.save(berlin);
  CHECK(rules.get(berlin.name) == berlin);
  CHECK(rules.get("hamburg") == std::nullopt);
  CHECK(rules.active() == geo::RuleSet::mainz());

  rules.set_active(berlin.name);
  CHECK(rules.active() == berlin);
  CHECK_THROWS_WITH(rules.set_active("hamburg"), "rule set 'hamburg' not found");
  CHECK(rules.active() == berlin);

  auto changed = berlin;
  changed.grace_days = 60;
  rules.save(changed);
  CHECK(rules.active() == changed);  // saving keeps it active

  CHECK_THROWS_WITH(f.exec("DELETE FROM rule_sets WHERE active"),
                    Catch::Contains("the active rule set cannot be deleted: activate another "
                                    "first"));
  CHECK_THROWS_AS(f.exec("UPDATE rule_sets SET active = TRUE"), storage::ConstraintViolation);
}
