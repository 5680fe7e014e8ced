#pragma once
// support/mainz_city.hpp's city for the use-case tests, and a caller of every role.
#include <string>

#include "rootzone/core/application.hpp"
#include "rootzone/core/policy.hpp"
#include "support/mainz_city.hpp"

namespace rootzone::test {

using CoreCity = MainzCity;

inline core::Caller as(geo::Role role, std::string organisation = {}) {
  geo::User u;
  u.id = 1;
  u.name = std::string(geo::to_string(role)) + " user";
  u.role = role;
  u.organisation = std::move(organisation);
  return core::Caller{u};
}

inline const core::Caller kPublic{};

}  // namespace rootzone::test
