#pragma once
// Who is calling: the public without a key, or a user by its API key (`Authorization: Bearer
// rz_...`). A request that presents a key must present a valid one: a wrong, revoked or
// malformed key is 401, never silently treated as the public. What the caller may then do is
// core's policy table (core/policy.hpp).
#include "rootzone/api/http.hpp"
#include "rootzone/api/service.hpp"
#include "rootzone/core/policy.hpp"

namespace rootzone::api {

using core::Caller;

// 401 (with WWW-Authenticate) for an Authorization header that is not a valid key.
Caller authenticate(const Request& req, Service& service);

}  // namespace rootzone::api
