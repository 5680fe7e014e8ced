// GET /me: who the key in Authorization belongs to, for the map page's header. The public has
// no one to be: 401, as for a wrong, revoked or disabled key (auth.cpp says which).
#include <nlohmann/json.hpp>

#include "auth/auth.hpp"
#include "openapi_parts.hpp"
#include "route.hpp"
#include "routes.hpp"

namespace rootzone::api {

void add_me_route(Router& router, Service& service) {
  add_route(
      router, service, {Method::get, "/me", std::nullopt, std::vector<std::string>{}, {}},
      [](Service&, Call& call) {
        if (!call.caller.user) {
          throw Problem{401,
                        "Unauthorized",
                        "/me names the caller of an API key: send 'Authorization: Bearer "
                        "<API key>'",
                        "about:blank",
                        {{"WWW-Authenticate", "Bearer realm=\"rootzone\""}}};
        }
        const auto& u = *call.caller.user;
        auto res = json_response(
            {{"name", u.name}, {"role", geo::to_string(u.role)}, {"organisation", u.organisation}});
        res.header("Cache-Control", "private, no-store");
        res.header("Vary", "Authorization");
        return res;
      });
}

void describe_me_route(nlohmann::json& paths) {
  nlohmann::json responses = {{"200", openapi::response("The signed-in user", "Me")}};
  responses["401"] = openapi::problem("No key, or a wrong, revoked or disabled one");
  openapi::add_problems(responses, {400});
  paths["/me"] = {{"get",
                   {{"summary", "The user the API key belongs to (the map page's sign-in)"},
                    {"responses", responses}}}};
}

}  // namespace rootzone::api
