#pragma once
// Users and their API keys (only hashes are stored; hashing is the caller's).
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "rootzone/geo/time.hpp"
#include "rootzone/geo/user.hpp"

namespace rootzone::storage {

class Database;

class UserRepository {
 public:
  explicit UserRepository(Database& db);

  // Returns the new id; a zero created_at means now. ConstraintViolation for a taken name.
  std::int64_t add(const geo::User& user);
  geo::User get(std::int64_t id);  // NotFound: "user 3 not found"
  std::optional<geo::User> find_by_name(std::string_view name);
  std::vector<geo::User> all();
  void set_disabled(std::int64_t id, bool disabled);

  // Returns the new id; a zero created_at means now. ConstraintViolation for a taken prefix
  // or an unknown user.
  std::int64_t add_api_key(const geo::ApiKey& key);
  // Revoked keys are found too: the caller tells "revoked" from "unknown".
  std::optional<geo::ApiKey> find_api_key(std::string_view prefix);
  std::vector<geo::ApiKey> api_keys(std::int64_t user_id);
  // Revoking twice keeps the first time. NotFound: "API key 5 not found".
  void revoke_api_key(std::int64_t key_id, geo::Timestamp at = geo::now_utc());

 private:
  Database& db_;
};

}  // namespace rootzone::storage
