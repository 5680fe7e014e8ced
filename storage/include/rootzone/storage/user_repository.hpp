#pragma once
// Users and their API keys (only hashes are stored; hashing is the caller's).
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "rootzone/geo/time.hpp"
#include "rootzone/geo/user.hpp"

namespace rootzone::storage {

class UserRepository {
 public:
  virtual ~UserRepository() = default;

  // Returns the new id; a zero created_at means now. ConstraintViolation for a taken name.
  virtual std::int64_t add(const geo::User& user) = 0;
  virtual geo::User get(std::int64_t id) = 0;  // NotFound: "user 3 not found"
  virtual std::optional<geo::User> find_by_name(std::string_view name) = 0;
  virtual std::vector<geo::User> all() = 0;
  virtual void set_disabled(std::int64_t id, bool disabled) = 0;

  // Returns the new id; a zero created_at means now. ConstraintViolation for a taken prefix
  // or an unknown user.
  virtual std::int64_t add_api_key(const geo::ApiKey& key) = 0;
  // Revoked keys are found too: the caller tells "revoked" from "unknown".
  virtual std::optional<geo::ApiKey> find_api_key(std::string_view prefix) = 0;
  virtual std::vector<geo::ApiKey> api_keys(std::int64_t user_id) = 0;
  // Revoking twice keeps the first time. NotFound: "API key 5 not found".
  virtual void revoke_api_key(std::int64_t key_id, geo::Timestamp at = geo::now_utc()) = 0;
};

}  // namespace rootzone::storage
