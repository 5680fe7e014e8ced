#pragma once
// Users and their roles (docs/domain.md "Who may do what").
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "rootzone/geo/time.hpp"

namespace rootzone::geo {

enum class Role { contractor, field_staff, planner, admin };
std::string_view to_string(Role r);
std::optional<Role> role_from_string(std::string_view s);

struct User {
  std::int64_t id = 0;
  std::string name;
  Role role = Role::contractor;
  std::string organisation;  // a contractor's organisation: it sees that organisation's works
  Timestamp created_at{};
  bool disabled = false;
  friend bool operator==(const User&, const User&) = default;
};

// An API key is stored only as a hash; the prefix lets an operator tell keys apart.
struct ApiKey {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
  std::string prefix;
  std::string hash;
  Timestamp created_at{};
  std::optional<Timestamp> revoked_at;
  friend bool operator==(const ApiKey&, const ApiKey&) = default;
};

}  // namespace rootzone::geo
