#pragma once
// Who is calling (DOMAIN.md "Who may do what"): the public without a key, or a user by its API
// key (`Authorization: Bearer rz_...`). A request that presents a key must present a valid
// one: a wrong, revoked or malformed key is 401, never silently treated as the public.
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "rootzone/api/http.hpp"
#include "rootzone/api/service.hpp"
#include "rootzone/geo/user.hpp"
#include "rootzone/geo/work.hpp"

namespace rootzone::api {

struct Caller {
  std::optional<geo::User> user;  // none: the public

  bool is_public() const { return !user.has_value(); }
  bool has_role(geo::Role r) const { return user && user->role == r; }
  // The name history rows record: the user's, or "public".
  std::string name() const { return user ? user->name : "public"; }
  // Planners and admins see every work in detail (contact, conflicts); a contractor only the
  // works of its own organisation; everyone else the public layer.
  bool sees_details_of(const geo::Work& w) const;
};

// 401 (with WWW-Authenticate) for an Authorization header that is not a valid key.
Caller authenticate(const Request& req, Service& service);

// 401 for the public, 403 for a user whose role is not in `roles`; `action` completes the
// sentence "may not ..." in the problem's detail.
void require_role(const Caller& caller, std::initializer_list<geo::Role> roles,
                  std::string_view action);

}  // namespace rootzone::api
