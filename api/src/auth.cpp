#include "auth.hpp"

#include "rootzone/api/api_keys.hpp"
#include "rootzone/storage/store.hpp"

namespace rootzone::api {

namespace {

Problem unauthorized(std::string detail) {
  return Problem{401,
                 "Unauthorized",
                 std::move(detail),
                 "about:blank",
                 {{"WWW-Authenticate", "Bearer realm=\"rootzone\""}}};
}

}  // namespace

bool Caller::sees_details_of(const geo::Work& w) const {
  if (!user) return false;
  switch (user->role) {
    case geo::Role::planner:
    case geo::Role::admin:
      return true;
    case geo::Role::contractor:
      return !user->organisation.empty() && user->organisation == w.contractor;
    case geo::Role::field_staff:
      break;
  }
  return false;
}

Caller authenticate(const Request& req, Service& service) {
  const auto header = req.header("authorization");
  if (!header) return {};
  constexpr std::string_view kBearer = "Bearer ";
  if (header->size() <= kBearer.size() || header->compare(0, kBearer.size(), kBearer) != 0) {
    throw unauthorized("Authorization must be 'Bearer <API key>'");
  }
  const auto result =
      check_api_key(service.store().users(), std::string_view(*header).substr(kBearer.size()));
  switch (result.check) {
    case KeyCheck::valid:
      return Caller{result.user};
    case KeyCheck::malformed:
      throw unauthorized("the API key is malformed: keys look like rz_<12 hex>_<43 characters>");
    case KeyCheck::unknown:
      throw unauthorized("the API key is not known");
    case KeyCheck::revoked:
      throw unauthorized("the API key was revoked");
    case KeyCheck::user_disabled:
      throw unauthorized("the API key's user is disabled");
  }
  throw unauthorized("the API key is not valid");
}

void require_role(const Caller& caller, std::initializer_list<geo::Role> roles,
                  std::string_view action) {
  if (caller.is_public()) {
    throw unauthorized("an API key is needed to " + std::string(action));
  }
  for (auto r : roles) {
    if (caller.has_role(r)) return;
  }
  std::string allowed;
  for (auto r : roles) {
    if (!allowed.empty()) allowed += ", ";
    allowed += geo::to_string(r);
  }
  throw Problem{403,
                "Forbidden",
                "role " + std::string(geo::to_string(caller.user->role)) + " may not " +
                    std::string(action) + " (allowed: " + allowed + ")",
                "about:blank",
                {}};
}

}  // namespace rootzone::api
