#pragma once
// API keys (docs/domain.md "Who may do what"): `rz_<prefix>_<secret>`, the prefix 12 hex digits
// that find the stored row and tell keys apart, the secret 32 random bytes from libsodium. Only the
// BLAKE2b-256 hash of the whole key is stored. A fast hash is enough here: a password needs a
// slow one because people choose guessable ones, a 256-bit random secret cannot be guessed
// from its hash however fast it is, and every request checks a key.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "rootzone/geo/user.hpp"

namespace rootzone::storage {
class UserRepository;
}

namespace rootzone::core {

struct IssuedKey {
  std::string token;  // shown once to the operator, never stored
  geo::ApiKey key;    // as stored: prefix and hash
};

// Creates and stores a new key for the user (storage's ConstraintViolation for an unknown one).
IssuedKey issue_api_key(storage::UserRepository& users, std::int64_t user_id);

enum class KeyCheck { valid, malformed, unknown, revoked, user_disabled };
struct KeyResult {
  KeyCheck check = KeyCheck::malformed;
  std::optional<geo::User> user;  // set when valid
};
KeyResult check_api_key(storage::UserRepository& users, std::string_view token);

}  // namespace rootzone::core
