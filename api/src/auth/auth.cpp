#include "auth/auth.hpp"

#include "rootzone/core/api_keys.hpp"
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

Caller authenticate(const Request& req, Service& service) {
  const auto header = req.header("authorization");
  if (!header) return {};
  constexpr std::string_view kBearer = "Bearer ";
  if (header->size() <= kBearer.size() || header->compare(0, kBearer.size(), kBearer) != 0) {
    throw unauthorized("Authorization must be 'Bearer <API key>'");
  }
  const auto result = core::check_api_key(service.store().users(),
                                          std::string_view(*header).substr(kBearer.size()));
  switch (result.check) {
    case core::KeyCheck::valid:
      return Caller{result.user};
    case core::KeyCheck::malformed:
      throw unauthorized("the API key is malformed: keys look like rz_<12 hex>_<43 characters>");
    case core::KeyCheck::unknown:
      throw unauthorized("the API key is not known");
    case core::KeyCheck::revoked:
      throw unauthorized("the API key was revoked");
    case core::KeyCheck::user_disabled:
      throw unauthorized("the API key's user is disabled");
  }
  throw unauthorized("the API key is not valid");
}

}  // namespace rootzone::api
